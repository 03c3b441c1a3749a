import { textLookup } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';

/** The agent tools' wording, in the console's three languages (en, zh-CN, zh-TW). */
const en = {
  macros: 'Canned replies',
  noMacros: 'No canned reply starts with this',
  mentions: 'Mention a colleague',
  notifications: 'Notifications',
  noNotifications: 'Nothing new',
  markAllRead: 'Mark all read',
  mentionedYou: 'mentioned you in',
  alsoViewing: 'is also viewing this conversation',
  alsoTyping: 'is typing a reply here',
  tags: 'Tags',
  addTag: 'Add tag',
  snooze: 'Snooze',
  snoozeHour: '1 hour',
  snoozeTomorrow: 'Until tomorrow',
  snoozeReply: 'Until the customer replies',
  snoozedUntil: 'Snoozed until',
  snoozedReply: 'Snoozed until the customer replies',
  transcript: 'Transcript',
  mergedInto: 'Merged into another conversation',
  attributes: 'Attributes',
  attributeSave: 'Save',
  attributeNone: 'No attributes are defined for this organization.',
} as const;

export type ToolText = keyof typeof en;

const zhCN: Record<ToolText, string> = {
  macros: '快捷回复',
  noMacros: '没有匹配的快捷回复',
  mentions: '提及同事',
  notifications: '通知',
  noNotifications: '暂无新通知',
  markAllRead: '全部已读',
  mentionedYou: '在以下会话中提及了你',
  alsoViewing: '也在查看此会话',
  alsoTyping: '正在此会话中输入回复',
  tags: '标签',
  addTag: '添加标签',
  snooze: '稍后处理',
  snoozeHour: '1 小时',
  snoozeTomorrow: '明天',
  snoozeReply: '直到客户回复',
  snoozedUntil: '稍后处理至',
  snoozedReply: '等待客户回复后恢复',
  transcript: '导出记录',
  mergedInto: '已合并到其他会话',
  attributes: '自定义属性',
  attributeSave: '保存',
  attributeNone: '本组织尚未定义自定义属性。',
};

const zhTW: Record<ToolText, string> = {
  macros: '快速回覆',
  noMacros: '沒有符合的快速回覆',
  mentions: '標註同事',
  notifications: '通知',
  noNotifications: '目前沒有新通知',
  markAllRead: '全部標為已讀',
  mentionedYou: '在以下對話中標註了你',
  alsoViewing: '也正在檢視此對話',
  alsoTyping: '正在此對話中輸入回覆',
  tags: '標籤',
  addTag: '新增標籤',
  snooze: '暫緩處理',
  snoozeHour: '1 小時',
  snoozeTomorrow: '到明天',
  snoozeReply: '直到客戶回覆',
  snoozedUntil: '暫緩至',
  snoozedReply: '暫緩至客戶回覆',
  transcript: '匯出紀錄',
  mergedInto: '已合併至其他對話',
  attributes: '自訂屬性',
  attributeSave: '儲存',
  attributeNone: '本組織尚未定義自訂屬性。',
};

/** Every table, by console locale: exported for the tests that check the tables stay complete and in step. */
export const TOOL_STRINGS: Record<UiLocale, Record<ToolText, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** The text for a key in a locale's table (zh-HK, zh-Hant → zh-TW; other zh → zh-CN; else English), placeholders filled. */
export const toolText = textLookup(TOOL_STRINGS);
