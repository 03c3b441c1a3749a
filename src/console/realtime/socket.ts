import type { ClientEvent, ServerEvent } from '../../contracts/realtime.ts';

export type ConnectionState = 'online' | 'connecting' | 'offline';

export type RealtimeClient = {
  getState: () => ConnectionState;
  onState: (listener: (state: ConnectionState) => void) => () => void;
  onEvent: (listener: (event: ServerEvent) => void) => () => void;
  /** Fired after every successful (re)connection except the first, so views can refetch what they may have missed. */
  onReconnect: (listener: () => void) => () => void;
  /** Follow one conversation; on every (re)connect it is re-subscribed from `lastSeq()` so exactly the gap is replayed. */
  watch: (conversationId: string, lastSeq: () => number) => () => void;
  send: (event: ClientEvent) => boolean;
  close: () => void;
};

const PING_INTERVAL_MS = 25_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 10_000;
/** Without any frame (pong included) for this long, the socket is presumed dead even if the browser has not noticed. */
const SILENCE_LIMIT_MS = PING_INTERVAL_MS * 2 + 5_000;

function socketUrl(): string {
  return (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/api/agent/ws';
}

/** Full jitter on an exponential curve: spreads out a whole team reconnecting after a server restart. */
function backoffDelay(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** The server closes with this code when the session cookie is missing, expired or enrolment-only. */
const CLOSE_UNAUTHENTICATED = 4401;

export function createRealtimeClient(options: { onConnectFailed?: () => void } = {}): RealtimeClient {
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let everOpened = false;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let lastFrameAt = 0;
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const eventListeners = new Set<(event: ServerEvent) => void>();
  const reconnectListeners = new Set<() => void>();
  const watched = new Map<string, () => number>();

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function send(event: ClientEvent): boolean {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(event));
    return true;
  }

  function subscribe(conversationId: string, lastSeq: () => number): void {
    send({ type: 'subscribe', conversationId, afterSeq: Math.max(0, lastSeq()) });
  }

  function scheduleReconnect(): void {
    if (closed) return;
    clearTimeout(reconnectTimer);
    const delay = backoffDelay(attempt);
    attempt += 1;
    reconnectTimer = setTimeout(connect, delay);
  }

  function connect(): void {
    if (closed) return;
    // Once we have reported "offline", stay there until a socket actually opens: no flicker on every retry.
    if (state !== 'offline') setState('connecting');
    let opened = false;
    const ws = new WebSocket(socketUrl());
    socket = ws;

    ws.onopen = () => {
      lastFrameAt = Date.now();
      for (const [conversationId, lastSeq] of watched) subscribe(conversationId, lastSeq);
      if (everOpened) for (const listener of reconnectListeners) listener();
      everOpened = true;
      clearInterval(pingTimer);
      pingTimer = setInterval(() => {
        if (Date.now() - lastFrameAt > SILENCE_LIMIT_MS) {
          ws.close();
          return;
        }
        send({ type: 'ping' });
      }, PING_INTERVAL_MS);
    };

    ws.onmessage = (message) => {
      lastFrameAt = Date.now();
      // Only a socket the server actually accepted (it says hello) counts as online and resets the backoff: an
      // upgrade that is closed straight away must not turn into a tight reconnect loop.
      if (!opened) {
        opened = true;
        attempt = 0;
        setState('online');
      }
      let event: ServerEvent;
      try {
        event = JSON.parse(String(message.data)) as ServerEvent;
      } catch {
        return;
      }
      for (const listener of eventListeners) listener(event);
    };

    ws.onclose = (event) => {
      if (socket !== ws) return;
      clearInterval(pingTimer);
      socket = null;
      if (closed) return;
      setState(attempt >= 1 ? 'offline' : 'connecting');
      // A socket refused before opening may mean the session is gone: let the app check instead of retrying forever.
      if (!opened || event.code === CLOSE_UNAUTHENTICATED) options.onConnectFailed?.();
      scheduleReconnect();
    };
  }

  function handleOnline(): void {
    // The network came back: skip the remaining backoff.
    if (!socket && !closed) {
      attempt = 0;
      clearTimeout(reconnectTimer);
      connect();
    }
  }

  window.addEventListener('online', handleOnline);
  connect();

  return {
    getState: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    watch(conversationId, lastSeq) {
      watched.set(conversationId, lastSeq);
      subscribe(conversationId, lastSeq);
      return () => {
        if (watched.get(conversationId) !== lastSeq) return;
        watched.delete(conversationId);
        send({ type: 'unsubscribe', conversationId });
      };
    },
    send,
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      clearInterval(pingTimer);
      window.removeEventListener('online', handleOnline);
      socket?.close();
      socket = null;
      setState('offline');
    },
  };
}
