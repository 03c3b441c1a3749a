/** Wording of the list filters, saved views and merge, in English and Chinese (zh-TW readers get the zh-CN text). */
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

const ZH: Record<ViewText, string> = {
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

export function viewText(locale: string, key: ViewText): string {
  return locale.startsWith('zh') ? ZH[key] : EN[key];
}

const INTENT_LABELS_ZH: Record<string, string> = {
  deposit_missing: '充值未到账',
  deposit_wrong_network: '充错网络',
  deposit_missing_memo: '充值缺少 Memo',
  withdrawal_status: '提现进度',
  withdrawal_fee_limits: '提现手续费与限额',
  trade_failed: '交易失败',
  futures_liquidation: '合约强平',
  p2p_dispute: 'P2P 纠纷',
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

/** Intent ids are snake_case English; Chinese agents get a label, English ones the id made readable. */
export function intentLabel(locale: string, intent: string): string {
  if (locale.startsWith('zh')) return INTENT_LABELS_ZH[intent] ?? intent;
  const words = intent.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
