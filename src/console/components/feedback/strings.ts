/** The feedback parts' wording in the console's two languages (zh for zh-CN and zh-TW). */
const STRINGS = {
  en: {
    rating: 'Customer rating',
    notRated: 'Rating asked, not answered yet',
    complaint: 'Complaint',
    complaintDue: 'answer due',
    markComplaint: 'Mark as complaint',
    complaintReason: 'Why is this a complaint?',
    supervisor: 'CSAT & follow-ups',
    csat: 'CSAT (last 30 days)',
    answers: 'answers',
    average: 'average',
    byAgent: 'By agent',
    byTeam: 'By team',
    noTeam: 'No team',
    followUps: 'Complaint follow-ups',
    noFollowUps: 'No open follow-ups',
    overdue: 'Overdue',
    due: 'Due',
    close: 'Close',
    closeNote: 'What did you do? (required)',
    dismiss: 'Done',
  },
  zh: {
    rating: '客户评分',
    notRated: '已邀请评分，尚未回复',
    complaint: '投诉',
    complaintDue: '答复截止',
    markComplaint: '标记为投诉',
    complaintReason: '投诉原因？',
    supervisor: '满意度与回访',
    csat: '满意度（近 30 天）',
    answers: '条评价',
    average: '平均',
    byAgent: '按客服',
    byTeam: '按团队',
    noTeam: '无团队',
    followUps: '投诉回访',
    noFollowUps: '没有待处理的回访',
    overdue: '已逾期',
    due: '截止',
    close: '完成',
    closeNote: '处理说明（必填）',
    dismiss: '关闭',
  },
} as const;

export type FeedbackText = keyof (typeof STRINGS)['en'];

export function feedbackText(locale: string, key: FeedbackText): string {
  return STRINGS[locale.startsWith('zh') ? 'zh' : 'en'][key];
}
