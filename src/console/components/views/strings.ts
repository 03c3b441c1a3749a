import type { IntentId } from '../../../contracts/intents.ts';
import { textLookup } from '../../i18n/lookup.ts';
import { tableLocale, type UiLocale } from '../../i18n/messages.ts';

/** Wording of the list filters, saved views and merge, in the console's three languages (en, zh-CN, zh-TW). */
const EN = {
  tag: 'Tag',
  intent: 'Intent',
  language: 'Language',
  team: 'Team',
  sla: 'SLA',
  any: 'Any',
  slaAtRisk: 'At risk',
  slaBreached: 'Breached',
  views: 'Saved views',
  noView: 'Saved views…',
  personal: 'Mine',
  shared: 'Shared',
  saveView: 'Save view',
  viewName: 'View name',
  shareView: 'Share with the team',
  save: 'Save',
  cancel: 'Cancel',
  deleteView: 'Delete view',
  merge: 'Merge into…',
  mergeTitle: 'Merge this conversation into another of the same customer',
  mergeHint: 'Its messages move into the other conversation’s history; this one is closed.',
  mergeNone: 'This customer has no other conversation to merge into.',
  mergeLoading: 'Looking for the customer’s other conversations…',
  mergeConfirm: 'Merge',
  mergedInto: 'This conversation was merged into',
  open: 'Open',
} as const;

export type ViewText = keyof typeof EN;

const ZH_CN: Record<ViewText, string> = {
  tag: '标签',
  intent: '意图',
  language: '语言',
  team: '团队',
  sla: 'SLA',
  any: '全部',
  slaAtRisk: '即将超时',
  slaBreached: '已超时',
  views: '已保存视图',
  noView: '已保存视图…',
  personal: '我的',
  shared: '共享',
  saveView: '保存视图',
  viewName: '视图名称',
  shareView: '与团队共享',
  save: '保存',
  cancel: '取消',
  deleteView: '删除视图',
  merge: '合并到…',
  mergeTitle: '将此会话合并到同一客户的另一个会话',
  mergeHint: '此会话的消息将并入目标会话的历史记录，此会话随即关闭。',
  mergeNone: '该客户没有其他可合并的会话。',
  mergeLoading: '正在查找该客户的其他会话…',
  mergeConfirm: '确认合并',
  mergedInto: '此会话已合并到',
  open: '打开',
};

const ZH_TW: Record<ViewText, string> = {
  tag: '標籤',
  intent: '意圖',
  language: '語言',
  team: '團隊',
  sla: 'SLA',
  any: '全部',
  slaAtRisk: '即將逾時',
  slaBreached: '已逾時',
  views: '已儲存的檢視',
  noView: '已儲存的檢視…',
  personal: '我的',
  shared: '共用',
  saveView: '儲存檢視',
  viewName: '檢視名稱',
  shareView: '與團隊共用',
  save: '儲存',
  cancel: '取消',
  deleteView: '刪除檢視',
  merge: '合併至…',
  mergeTitle: '將此對話合併至同一位客戶的另一個對話',
  mergeHint: '此對話的訊息將移入目標對話的歷史紀錄，此對話隨即關閉。',
  mergeNone: '此客戶沒有其他可合併的對話。',
  mergeLoading: '正在尋找此客戶的其他對話…',
  mergeConfirm: '確認合併',
  mergedInto: '此對話已合併至',
  open: '開啟',
};

/** Every table, by console locale: exported for the tests that check the tables stay complete and in step. */
export const VIEW_STRINGS: Record<UiLocale, Record<ViewText, string>> = { en: EN, 'zh-CN': ZH_CN, 'zh-TW': ZH_TW };

/** The text for a key in a locale's table (zh-HK, zh-Hant → zh-TW; other zh → zh-CN; else English), placeholders filled. */
export const viewText = textLookup(VIEW_STRINGS);

const INTENT_LABELS_ZH_CN: Record<IntentId, string> = {
  deposit_missing: '充值未到账',
  deposit_wrong_network: '充错网络',
  deposit_missing_memo: '充值缺少 Memo',
  withdrawal_status: '提现进度',
  withdrawal_fee_limits: '提现手续费与限额',
  trade_failed: '交易失败',
  futures_liquidation: '合约强平',
  p2p_dispute: 'P2P 纠纷',
  otc_settlement: 'OTC 大宗交易结算',
  account_locked: '账户锁定',
  password_reset: '重置密码',
  twofa_reset: '重置 2FA',
  account_compromised: '账户被盗',
  account_freeze_unfreeze: '冻结/解冻账户',
  kyc_verification: 'KYC 认证',
  getting_started: '新手入门',
  fees_trading: '交易手续费',
  api_keys: 'API 密钥',
  verify_official: '验证官方渠道',
  complaint: '投诉',
  human_agent: '转人工',
  platform_status: '平台状态',
  greeting: '问候',
  thanks_bye: '感谢/道别',
  investment_advice: '投资建议',
  oos: '其他',
};

const INTENT_LABELS_ZH_TW: Record<IntentId, string> = {
  deposit_missing: '儲值未入帳',
  deposit_wrong_network: '儲值選錯網路',
  deposit_missing_memo: '儲值缺少 Memo',
  withdrawal_status: '提領進度',
  withdrawal_fee_limits: '提領手續費與限額',
  trade_failed: '交易失敗',
  futures_liquidation: '合約強制平倉',
  p2p_dispute: 'P2P 糾紛',
  otc_settlement: 'OTC 大宗交易結算',
  account_locked: '帳戶鎖定',
  password_reset: '重設密碼',
  twofa_reset: '重設 2FA',
  account_compromised: '帳戶遭盜用',
  account_freeze_unfreeze: '凍結/解凍帳戶',
  kyc_verification: 'KYC 驗證',
  getting_started: '新手入門',
  fees_trading: '交易手續費',
  api_keys: 'API 金鑰',
  verify_official: '驗證官方管道',
  complaint: '客訴',
  human_agent: '轉真人客服',
  platform_status: '平臺狀態',
  greeting: '問候',
  thanks_bye: '感謝/道別',
  investment_advice: '投資建議',
  oos: '其他',
};

const INTENT_LABELS: Record<'zh-CN' | 'zh-TW', Record<IntentId, string>> = {
  'zh-CN': INTENT_LABELS_ZH_CN,
  'zh-TW': INTENT_LABELS_ZH_TW,
};

/** Intent ids are snake_case English; Chinese agents get a label, English ones the id made readable. */
export function intentLabel(locale: string, intent: string): string {
  const table = tableLocale(locale);
  if (table !== 'en') {
    const labels = INTENT_LABELS[table];
    return Object.hasOwn(labels, intent) ? labels[intent as IntentId] : intent;
  }
  const words = intent.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
