import { pickTable } from '../../i18n/lookup.ts';
import type { UiLocale } from '../../i18n/messages.ts';

/** Routing's own wording, in the console's three languages. */
export type RoutingStrings = Record<
  'status' | 'online' | 'away' | 'offline' | 'load' | 'takeNext' | 'nothingWaiting' | 'atCapacity' | 'team' | 'anyTeam',
  string
>;

const STRINGS: Record<UiLocale, RoutingStrings> = {
  en: {
    status: 'Status',
    online: 'Online',
    away: 'Away',
    offline: 'Offline',
    load: 'Open chats',
    takeNext: 'Take next',
    nothingWaiting: 'Nobody is waiting',
    atCapacity: 'You are at capacity',
    team: 'Team',
    anyTeam: 'Any',
  },
  'zh-CN': {
    status: '状态',
    online: '在线',
    away: '离开',
    offline: '离线',
    load: '进行中会话',
    takeNext: '接下一个',
    nothingWaiting: '没有等待中的客户',
    atCapacity: '已达到接待上限',
    team: '团队',
    anyTeam: '全部',
  },
  'zh-TW': {
    status: '狀態',
    online: '在線',
    away: '離開',
    offline: '離線',
    load: '進行中對話',
    takeNext: '接下一個',
    nothingWaiting: '沒有等待中的客戶',
    atCapacity: '已達到接待上限',
    team: '團隊',
    anyTeam: '全部',
  },
};

export function routingStrings(locale: string): RoutingStrings {
  return pickTable(STRINGS, locale);
}
