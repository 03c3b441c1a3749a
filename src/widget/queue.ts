import type { Locale } from '../contracts/domain.ts';

/** The line under the chat while the customer waits for a human: their place and, when honest, the wait. */
export function queueNotice(locale: Locale, position: number | null, estimatedWaitSeconds: number | null): string {
  if (position === null) return '';
  const minutes = estimatedWaitSeconds === null ? null : Math.max(1, Math.round(estimatedWaitSeconds / 60));
  switch (locale) {
    case 'zh-CN':
      return minutes === null ? `排队中：第 ${position} 位` : `排队中：第 ${position} 位 · 预计约 ${minutes} 分钟`;
    case 'zh-TW':
      return minutes === null ? `排隊中：第 ${position} 位` : `排隊中：第 ${position} 位 · 預計約 ${minutes} 分鐘`;
    default:
      return minutes === null
        ? `In the queue: number ${position}`
        : `In the queue: number ${position} · about ${minutes} min`;
  }
}
