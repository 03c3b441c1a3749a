import { useEffect, useRef, useState } from 'react';
import type { SessionResponse } from '../../contracts/api.ts';
import { ApiError, fetchSession } from '../api/client.ts';
import { RealtimeProvider } from '../realtime/context.tsx';
import { createRealtimeClient, type RealtimeClient } from '../realtime/socket.ts';
import { Header } from './Header.tsx';
import { Workspace } from './Workspace.tsx';

type Props = { session: SessionResponse; onLoggedOut: () => void };

const SESSION_PROBE_INTERVAL_MS = 10_000;

/** Owns the realtime connection for the signed-in agent; everything below reads it from context. */
export function Inbox({ session, onLoggedOut }: Props) {
  const [client, setClient] = useState<RealtimeClient | null>(null);
  const onLoggedOutRef = useRef(onLoggedOut);
  onLoggedOutRef.current = onLoggedOut;

  useEffect(() => {
    let lastProbe = 0;
    const realtime = createRealtimeClient({
      // The upgrade is refused without telling us why; if the session is gone, go to the login page.
      onConnectFailed: () => {
        if (Date.now() - lastProbe < SESSION_PROBE_INTERVAL_MS) return;
        lastProbe = Date.now();
        fetchSession().catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 401) onLoggedOutRef.current();
        });
      },
    });
    setClient(realtime);
    return () => realtime.close();
  }, []);

  if (!client) return null;
  return (
    <RealtimeProvider client={client}>
      <div className="app">
        <Header session={session} onLoggedOut={onLoggedOut} />
        <Workspace session={session} />
      </div>
    </RealtimeProvider>
  );
}
