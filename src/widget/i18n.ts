import type { Locale } from '../contracts/domain.ts';

export const WIDGET_LOCALES: readonly Locale[] = ['zh-CN', 'zh-TW', 'en'];

/** Shown in the language switch in each language's own script, so a reader can always find theirs. */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', 'zh-TW': '繁體中文', en: 'English' };

const en = {
  title: 'Support',
  open: 'Open support chat',
  close: 'Close support chat',
  placeholder: 'Type your message…',
  send: 'Send',
  language: 'Language',
  online: 'Online',
  supportOnline: 'Online · an agent can answer',
  supportBusy: 'Agents busy · the assistant answers first',
  supportAway: 'Agents away · the assistant is here',
  connecting: 'Connecting…',
  offline: 'Offline — messages will be sent when you reconnect',
  sending: 'Sending…',
  retrying: 'Failed, retrying',
  notSent: 'Not sent',
  blocked: 'Not sent: never share your seed phrase, private key or 2FA code',
  rateLimited: 'You are sending too fast; please wait a moment (it will be sent automatically)',
  attach: 'Send a file',
  attachWarn: 'Never upload your seed phrase, private key or 2FA codes: support will never ask for them.',
  uploading: 'Uploading…',
  fileRefused: 'Not sent: only images, PDF and text files up to 10 MB',
  greeting: 'Hi! How can we help you today?',
  tooLong: 'Message too long',
  typing: 'is typing…',
  agent: 'Agent',
  bot: 'Assistant',
  you: 'You',
  safety: 'Support will never ask for your seed phrase, private key or 2FA code.',
  newMessage: 'New message',
  unread: 'unread messages',
  suggestions: 'These articles may answer your question',
  surge:
    'Many customers are contacting us right now: replies may take longer than usual. Your place in the queue is kept.',
  depositsSuspended: 'deposits suspended',
  depositsCongested: 'deposits delayed',
  withdrawalsSuspended: 'withdrawals suspended',
  withdrawalsCongested: 'withdrawals delayed',
  callback: 'Request a callback',
  callbackPhone: 'Phone number (with country code)',
  callbackDay: 'Day',
  callbackToday: 'Today',
  callbackTomorrow: 'Tomorrow',
  callbackFrom: 'From',
  callbackTo: 'To',
  callbackLanguage: 'Language for the call',
  callbackNote: 'Note (optional)',
  callbackSubmit: 'Request callback',
  callbackCancel: 'Cancel',
  callbackInvalidPhone: 'Please enter a valid phone number, e.g. +86 138 0013 8000',
  callbackInvalidWindow: 'That time has passed; please pick a later window',
  callbackDone: 'Callback requested: we will call you in the window you chose (your time).',
  callbackFailed: 'Could not send; please try again.',
};

export type Strings = typeof en;

const STRINGS: Record<Locale, Strings> = {
  en,
  'zh-CN': {
    title: '在线客服',
    open: '打开在线客服',
    close: '关闭在线客服',
    placeholder: '请输入消息…',
    send: '发送',
    language: '语言',
    online: '在线',
    supportOnline: '在线 · 人工客服可接入',
    supportBusy: '客服繁忙 · 智能助手先为您服务',
    supportAway: '客服暂时离开 · 智能助手在线',
    connecting: '连接中…',
    offline: '离线 — 恢复连接后将自动发送',
    sending: '发送中…',
    retrying: '发送失败，正在重试',
    notSent: '未发送',
    blocked: '未发送：请勿透露助记词、私钥或两步验证码',
    rateLimited: '您发送得太快了，请稍候再试（稍后将自动发送）',
    attach: '发送文件',
    attachWarn: '切勿上传助记词、私钥或两步验证码：客服绝不会向您索要。',
    uploading: '正在上传…',
    fileRefused: '未发送：仅支持 10 MB 以内的图片、PDF 和文本文件',
    greeting: '您好！请问有什么可以帮您？',
    tooLong: '消息过长',
    typing: '正在输入…',
    agent: '客服',
    bot: '智能助手',
    you: '我',
    safety: '客服绝不会向您索要助记词、私钥或两步验证码。',
    newMessage: '新消息',
    unread: '条未读消息',
    suggestions: '这些文章或许能解答您的问题',
    surge: '当前咨询人数较多，回复可能比平时慢，您的排队位置会为您保留。',
    depositsSuspended: '充值暂停',
    depositsCongested: '充值延迟',
    withdrawalsSuspended: '提现暂停',
    withdrawalsCongested: '提现延迟',
    callback: '预约回电',
    callbackPhone: '手机号码（含国家区号）',
    callbackDay: '日期',
    callbackToday: '今天',
    callbackTomorrow: '明天',
    callbackFrom: '从',
    callbackTo: '到',
    callbackLanguage: '通话语言',
    callbackNote: '备注（选填）',
    callbackSubmit: '提交预约',
    callbackCancel: '取消',
    callbackInvalidPhone: '请输入有效的手机号码，例如 +86 138 0013 8000',
    callbackInvalidWindow: '该时间段已过，请选择更晚的时间',
    callbackDone: '已提交预约：我们会在您选择的时间段（您的当地时间）内致电。',
    callbackFailed: '发送失败，请重试。',
  },
  'zh-TW': {
    title: '線上客服',
    open: '開啟線上客服',
    close: '關閉線上客服',
    placeholder: '請輸入訊息…',
    send: '傳送',
    language: '語言',
    online: '線上',
    supportOnline: '線上 · 真人客服可接入',
    supportBusy: '客服忙碌中 · 智慧助理先為您服務',
    supportAway: '客服暫時離開 · 智慧助理在線',
    connecting: '連線中…',
    offline: '離線 — 恢復連線後將自動傳送',
    sending: '傳送中…',
    retrying: '傳送失敗，正在重試',
    notSent: '未傳送',
    blocked: '未傳送：請勿透露助記詞、私鑰或兩步驟驗證碼',
    rateLimited: '您傳送得太快了，請稍候再試（稍後將自動傳送）',
    attach: '傳送檔案',
    attachWarn: '切勿上傳助記詞、私鑰或兩步驟驗證碼：客服絕不會向您索取。',
    uploading: '正在上傳…',
    fileRefused: '未送出：僅支援 10 MB 以內的圖片、PDF 和文字檔案',
    greeting: '您好！請問有什麼可以幫您？',
    tooLong: '訊息過長',
    typing: '正在輸入…',
    agent: '客服',
    bot: '智慧助理',
    you: '我',
    safety: '客服絕不會向您索取助記詞、私鑰或兩步驟驗證碼。',
    newMessage: '新訊息',
    unread: '則未讀訊息',
    suggestions: '這些文章或許能解答您的問題',
    surge: '目前諮詢人數較多，回覆可能比平時慢，您的排隊位置會為您保留。',
    depositsSuspended: '充值暫停',
    depositsCongested: '充值延遲',
    withdrawalsSuspended: '提現暫停',
    withdrawalsCongested: '提現延遲',
    callback: '預約回電',
    callbackPhone: '手機號碼（含國碼）',
    callbackDay: '日期',
    callbackToday: '今天',
    callbackTomorrow: '明天',
    callbackFrom: '從',
    callbackTo: '到',
    callbackLanguage: '通話語言',
    callbackNote: '備註（選填）',
    callbackSubmit: '提交預約',
    callbackCancel: '取消',
    callbackInvalidPhone: '請輸入有效的手機號碼，例如 +886 912 345 678',
    callbackInvalidWindow: '該時段已過，請選擇較晚的時間',
    callbackDone: '已提交預約：我們會在您選擇的時段（您的當地時間）內致電。',
    callbackFailed: '傳送失敗，請重試。',
  },
};

export function getStrings(locale: Locale): Strings {
  return STRINGS[locale];
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (WIDGET_LOCALES as readonly string[]).includes(value);
}

/** Maps any BCP 47 tag to a supported locale: Traditional-script regions to zh-TW, other Chinese to zh-CN. */
export function normalizeLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const lower = tag.toLowerCase().replace(/_/g, '-');
  if (lower === 'zh' || lower.startsWith('zh-')) {
    return /(^|-)(tw|hk|mo|hant)(-|$)/.test(lower) ? 'zh-TW' : 'zh-CN';
  }
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

export function detectLocale(): Locale {
  return normalizeLocale(typeof navigator === 'undefined' ? null : navigator.language) ?? 'en';
}
