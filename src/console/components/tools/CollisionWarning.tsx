import './tools.css';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/locale.tsx';
import { useRealtime, useRealtimeEvent, useReconnect } from '../../realtime/context.tsx';
import { toolText } from './strings.ts';

type Viewer = { id: string; name: string; typing: boolean };

/**
 * Tells the server this agent has the conversation open, and warns when a colleague has it open too or is typing a
 * reply in it — before two people answer the same customer.
 */
export function CollisionWarning({ conversationId, meId }: { conversationId: string; meId: string }) {
  const { locale } = useI18n();
  const realtime = useRealtime();
  const [viewers, setViewers] = useState<Map<string, Viewer>>(new Map());

  useEffect(() => {
    setViewers(new Map());
    realtime.send({ type: 'viewing', conversationId, viewing: true });
    return () => {
      realtime.send({ type: 'viewing', conversationId, viewing: false });
    };
  }, [conversationId, realtime]);
  // A new socket knows nothing of what this one was viewing: say it again.
  useReconnect(() => realtime.send({ type: 'viewing', conversationId, viewing: true }));

  useRealtimeEvent((event) => {
    if (event.type === 'viewing' && event.conversationId === conversationId && event.agent.id !== meId) {
      setViewers((current) => {
        const next = new Map(current);
        if (event.viewing)
          next.set(event.agent.id, { ...event.agent, typing: current.get(event.agent.id)?.typing ?? false });
        else next.delete(event.agent.id);
        return next;
      });
    }
    if (event.type === 'typing' && event.conversationId === conversationId && event.author.kind === 'agent') {
      const name = event.author.name ?? '';
      setViewers((current) => {
        const next = new Map(current);
        for (const [id, viewer] of next) if (viewer.name === name) next.set(id, { ...viewer, typing: event.typing });
        return next;
      });
    }
  });

  if (viewers.size === 0) return null;
  return (
    <div className="collision" role="status" data-testid="collision-warning">
      {[...viewers.values()].map((viewer) => (
        <span key={viewer.id} className={`collision__who${viewer.typing ? ' collision__who--typing' : ''}`}>
          {viewer.name} {toolText(locale, viewer.typing ? 'alsoTyping' : 'alsoViewing')}
        </span>
      ))}
    </div>
  );
}
