/** The agent tools' wording in the console's two languages (zh for zh-CN and zh-TW). */
const STRINGS = {
  en: {
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
  },
  zh: {
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
  },
} as const;

export type ToolText = keyof (typeof STRINGS)['en'];

export function toolText(locale: string, key: ToolText): string {
  return STRINGS[locale.startsWith('zh') ? 'zh' : 'en'][key];
}
