import type { IntentId } from '../../../contracts/intents.ts';
import { textLookup } from '../../i18n/lookup.ts';
import { tableLocale, type UiLocale } from '../../i18n/messages.ts';
import en from './en.json' with { type: 'json' };
import zhCNTable from './zh-CN.json' with { type: 'json' };
import zhTWTable from './zh-TW.json' with { type: 'json' };

/** Wording of the list filters, saved views and merge, in the console's three languages (en, zh-CN, zh-TW): the tables are en.json, zh-CN.json and zh-TW.json beside this file; English sets the keys, and each other table must have every one. */
export type ViewText = keyof typeof en;

const zhCN: Record<ViewText, string> = zhCNTable;
const zhTW: Record<ViewText, string> = zhTWTable;

/** Every table, by console locale: exported for the tests that check the tables stay complete and in step. */
export const VIEW_STRINGS: Record<UiLocale, Record<ViewText, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

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
