import { textLookup } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';

/** The feedback parts' wording, in the console's three languages (en, zh-CN, zh-TW). */
const en = {
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
} as const;

export type FeedbackText = keyof typeof en;

const zhCN: Record<FeedbackText, string> = {
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
};

const zhTW: Record<FeedbackText, string> = {
  rating: '客戶評分',
  notRated: '已邀請評分，尚未回覆',
  complaint: '客訴',
  complaintDue: '回覆期限',
  markComplaint: '標記為客訴',
  complaintReason: '客訴原因？',
  supervisor: '滿意度與後續追蹤',
  csat: '滿意度（近 30 天）',
  answers: '則評價',
  average: '平均',
  byAgent: '依客服',
  byTeam: '依團隊',
  noTeam: '無團隊',
  followUps: '客訴追蹤',
  noFollowUps: '沒有待處理的追蹤',
  overdue: '已逾期',
  due: '期限',
  close: '完成',
  closeNote: '處理說明（必填）',
  dismiss: '關閉',
};

/** Every table, by console locale: exported for the tests that check the tables stay complete and in step. */
export const FEEDBACK_STRINGS: Record<UiLocale, Record<FeedbackText, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

/** The text for a key in a locale's table (zh-HK, zh-Hant → zh-TW; other zh → zh-CN; else English), placeholders filled. */
export const feedbackText = textLookup(FEEDBACK_STRINGS);
