import type { Logger } from 'pino';
import type { Locale } from '../../contracts/domain.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import type { Mailer } from '../mail/mailer.ts';
import { selectSurgeAlertRecipients } from './surge.queries.ts';

type Reason = 'arrivals' | 'queue' | 'manual' | null;

type AlertMailText = { subject: string; body: string };

const REASONS: Record<Locale, Record<'arrivals' | 'queue' | 'manual', string>> = {
  'zh-CN': { arrivals: '新会话激增', queue: '待分配队列过长', manual: '主管手动开启' },
  'zh-TW': { arrivals: '新對話激增', queue: '待分派佇列過長', manual: '主管手動開啟' },
  en: { arrivals: 'a spike in new conversations', queue: 'a long unassigned queue', manual: 'a supervisor' },
};

/** The alert in the agent's own language; the console link only when kefu knows its public address. */
export function surgeAlertMail(
  locale: Locale,
  vars: { name: string; orgName: string; reason: Reason; consoleUrl: string | undefined },
): AlertMailText {
  const reason = REASONS[locale][vars.reason ?? 'manual'];
  const link = vars.consoleUrl ?? '';
  switch (locale) {
    case 'zh-CN':
      return {
        subject: `【${vars.orgName}】客服进入高峰模式，请尽快上线`,
        body: `${vars.name}，您好：\n\n${vars.orgName} 的客服刚刚进入高峰模式（原因：${reason}），大量客户正在等待。\n您订阅了休班时的高峰提醒：如果方便，请登录控制台并把状态设为在线。${link ? `\n\n${link}` : ''}\n\n不想再收到这类提醒，可在控制台顶部的高峰提醒开关中关闭。`,
      };
    case 'zh-TW':
      return {
        subject: `【${vars.orgName}】客服進入尖峰模式，請盡快上線`,
        body: `${vars.name}，您好：\n\n${vars.orgName} 的客服剛剛進入尖峰模式（原因：${reason}），大量客戶正在等候。\n您訂閱了休班時的尖峰提醒：如果方便，請登入控制台並把狀態設為上線。${link ? `\n\n${link}` : ''}\n\n不想再收到這類提醒，可在控制台頂部的尖峰提醒開關中關閉。`,
      };
    default:
      return {
        subject: `[${vars.orgName}] Support is in surge mode: please come online`,
        body: `Hello ${vars.name},\n\n${vars.orgName}'s support has just entered surge mode (triggered by ${reason}) and many customers are waiting.\nYou asked to hear of surges while off duty: if you can, sign in to the console and set yourself online.${link ? `\n\n${link}` : ''}\n\nTo stop these alerts, switch off surge alerts in the console's header.`,
      };
  }
}

const isLocale = (v: string): v is Locale => v === 'zh-CN' || v === 'zh-TW' || v === 'en';

/**
 * Emails the off-duty agents a surge alerted (issue 14: "console and email"). `surge.changed` carries only the agents
 * newly alerted of that surge (surge_alerts holds one row per surge and agent), so each gets one mail per surge however
 * often the detector runs. Mail goes through the outbox, so without SMTP it waits there rather than being lost.
 */
export function startSurgeAlertMail(deps: {
  db: Db;
  log: Logger;
  events: EventBus;
  mailer: Mailer;
  publicUrl: string | undefined;
}): () => void {
  return deps.events.subscribe(async (event) => {
    if (event.type !== 'surge.changed' || !event.active || event.alertedAgentIds.length === 0) return;
    const recipients = await selectSurgeAlertRecipients(deps.db, event.orgId, event.alertedAgentIds);
    const consoleUrl = deps.publicUrl ? `${deps.publicUrl.replace(/\/+$/, '')}/` : undefined;
    for (const r of recipients) {
      const mail = surgeAlertMail(isLocale(r.locale) ? r.locale : 'en', {
        name: r.name,
        orgName: r.org_name,
        reason: event.reason,
        consoleUrl,
      });
      try {
        await deps.mailer.send(deps.db, event.orgId, { to: r.email, ...mail });
      } catch (error) {
        // One address failing (the outbox insert itself) must not keep the others from hearing.
        deps.log.error({ err: error, orgId: event.orgId, agentId: r.agent_id }, 'surge alert mail failed');
      }
    }
  });
}
