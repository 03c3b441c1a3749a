import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';
import type { ServerEvent } from '../../contracts/realtime.ts';
import type { ConnectionState, RealtimeClient } from './socket.ts';

const RealtimeContext = createContext<RealtimeClient | null>(null);

export function RealtimeProvider({ client, children }: { client: RealtimeClient; children: ReactNode }) {
  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(): RealtimeClient {
  const client = useContext(RealtimeContext);
  if (!client) throw new Error('useRealtime must be used inside <RealtimeProvider>');
  return client;
}

/** Subscribes once per client; the latest handler is read through a ref so callers need not memoise it. */
export function useRealtimeEvent(handler: (event: ServerEvent) => void): void {
  const client = useRealtime();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => client.onEvent((event) => handlerRef.current(event)), [client]);
}

export function useReconnect(handler: () => void): void {
  const client = useRealtime();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => client.onReconnect(() => handlerRef.current()), [client]);
}

export function useConnectionState(): ConnectionState {
  const client = useRealtime();
  const [state, setState] = useState<ConnectionState>(client.getState);
  useEffect(() => {
    setState(client.getState());
    return client.onState(setState);
  }, [client]);
  return state;
}
