import { pickTable } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';

/** Surge mode's wording in the console, in its three languages. */
export type SurgeStrings = Record<
  | 'surge'
  | 'surgeOn'
  | 'surgeOff'
  | 'manual'
  | 'auto'
  | 'forceOn'
  | 'forceOff'
  | 'backToAuto'
  | 'load'
  | 'optIn'
  | 'alerted'
  | 'announce'
  | 'textZh'
  | 'textEn'
  | 'coin'
  | 'network'
  | 'send'
  | 'announcedTo'
  | 'reports'
  | 'noReports'
  | 'peak'
  | 'containment'
  | 'longestWait'
  | 'slaAttainment'
  | 'ongoing'
  | 'dismiss',
  string
>;

const STRINGS: Record<UiLocale, SurgeStrings> = {
  en: {
    surge: 'Surge',
    surgeOn: 'Surge mode is on',
    surgeOff: 'Surge mode is off',
    manual: 'set by a supervisor',
    auto: 'automatic',
    forceOn: 'Turn on',
    forceOff: 'Turn off',
    backToAuto: 'Automatic',
    load: 'Arrivals/min {arrivals} · waiting {queue}',
    optIn: 'Alert me of surges while I am off duty',
    alerted: 'You were alerted of this surge: can you help?',
    announce: 'Announce an incident to every waiting customer',
    textZh: 'Text (Simplified Chinese)',
    textEn: 'Text (English)',
    coin: 'Coin (optional)',
    network: 'Network',
    send: 'Announce',
    announcedTo: 'Sent to {count} waiting conversations',
    reports: 'Past surges',
    noReports: 'No surges yet',
    peak: 'Peak/min',
    containment: 'Resolved without a human',
    longestWait: 'Longest wait',
    slaAttainment: 'SLA met',
    ongoing: 'ongoing',
    dismiss: 'Close',
  },
  'zh-CN': {
    surge: '高峰',
    surgeOn: '高峰模式已开启',
    surgeOff: '高峰模式未开启',
    manual: '由主管设置',
    auto: '自动',
    forceOn: '开启',
    forceOff: '关闭',
    backToAuto: '自动',
    load: '每分钟进线 {arrivals} · 排队 {queue}',
    optIn: '非值班时出现高峰也提醒我',
    alerted: '您已收到本次高峰的提醒：能来帮忙吗？',
    announce: '向所有排队中的客户发布事件公告',
    textZh: '公告内容（简体中文）',
    textEn: '公告内容（英文）',
    coin: '币种（可选）',
    network: '网络',
    send: '发布',
    announcedTo: '已发送到 {count} 个等待中的会话',
    reports: '历次高峰',
    noReports: '暂无高峰记录',
    peak: '每分钟峰值',
    containment: '无需人工即解决',
    longestWait: '最长等待',
    slaAttainment: 'SLA 达成',
    ongoing: '进行中',
    dismiss: '关闭',
  },
  'zh-TW': {
    surge: '高峰',
    surgeOn: '高峰模式已開啟',
    surgeOff: '高峰模式未開啟',
    manual: '由主管設定',
    auto: '自動',
    forceOn: '開啟',
    forceOff: '關閉',
    backToAuto: '自動',
    load: '每分鐘進線 {arrivals} · 排隊 {queue}',
    optIn: '非值班時出現高峰也提醒我',
    alerted: '您已收到本次高峰的提醒：能來幫忙嗎？',
    announce: '向所有排隊中的客戶發佈事件公告',
    textZh: '公告內容（簡體中文）',
    textEn: '公告內容（英文）',
    coin: '幣種（選填）',
    network: '網路',
    send: '發佈',
    announcedTo: '已傳送到 {count} 個等待中的對話',
    reports: '歷次高峰',
    noReports: '尚無高峰紀錄',
    peak: '每分鐘峰值',
    containment: '無需真人即解決',
    longestWait: '最長等待',
    slaAttainment: 'SLA 達成',
    ongoing: '進行中',
    dismiss: '關閉',
  },
};

export function surgeStrings(locale: string): SurgeStrings {
  return pickTable(STRINGS, locale);
}

export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_m, key: string) => String(values[key] ?? ''));
}
