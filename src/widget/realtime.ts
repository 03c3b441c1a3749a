import type { ClientEvent, ServerEvent } from '../contracts/realtime.ts';

/**
 * One self-healing WebSocket: reconnects with exponential backoff and jitter, pings to keep proxies from idling it
 * out, and drops a connection that has gone silent (a half-open TCP connection never fires `close` by itself).
 */

export type SocketState = 'connecting' | 'open' | 'closed';

export type SocketOptions = {
  /** Called before every attempt so a refreshed visitor token is picked up. Null means "not yet". */
  getUrl: () => string | null;
  onOpen: () => void;
  onEvent: (event: ServerEvent) => void;
  onStateChange: (state: SocketState) => void;
  /** The server refused our token (close codes 1008 / 4001 / 4401 / 4403). */
  onAuthRejected: () => void;
};

export type Socket = {
  start: () => void;
  stop: () => void;
  /** Retry now (network came back, tab became visible, token changed) instead of waiting out the backoff. */
  reconnectNow: (force?: boolean) => void;
  send: (event: ClientEvent) => boolean;
  getState: () => SocketState;
  /** Consecutive attempts that never opened. */
  getFailures: () => number;
};

const PING_INTERVAL_MS = 25_000;
/** Two missed pongs (plus slack) and the connection is considered dead. */
const SILENCE_LIMIT_MS = 65_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 10_000;
const AUTH_CLOSE_CODES = new Set([1008, 4001, 4401, 4403]);

export function computeBackoff(attempt: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  // "Equal jitter": never hammer in lockstep with every other client after a server restart, never wait zero.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export function createSocket(options: SocketOptions): Socket {
  let ws: WebSocket | null = null;
  let state: SocketState = 'closed';
  let running = false;
  let attempt = 0;
  let failures = 0;
  let opened = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let lastHeard = 0;

  function setState(next: SocketState): void {
    if (next === state) return;
    state = next;
    options.onStateChange(next);
  }

  function clearTimers(): void {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    retryTimer = undefined;
    pingTimer = undefined;
  }

  function connect(): void {
    clearTimers();
    if (!running || ws) return;
    const url = options.getUrl();
    if (!url) return;
    // No point trying while the browser knows it is offline: the `online` event brings us back.
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      setState('closed');
      return;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      failures++;
      scheduleRetry();
      return;
    }
    ws = socket;
    opened = false;
    setState('connecting');
    socket.onopen = () => {
      if (ws !== socket) return;
      opened = true;
      attempt = 0;
      failures = 0;
      lastHeard = Date.now();
      pingTimer = setInterval(checkAlive, PING_INTERVAL_MS);
      setState('open');
      options.onOpen();
    };
    socket.onmessage = (message) => {
      if (ws !== socket) return;
      lastHeard = Date.now();
      let event: ServerEvent;
      try {
        event = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (event && typeof event.type === 'string') options.onEvent(event);
    };
    socket.onclose = (close) => {
      if (ws !== socket) return;
      handleClosed(AUTH_CLOSE_CODES.has(close.code));
    };
    // `error` is always followed by `close`; nothing to do here.
    socket.onerror = () => {};
  }

  function handleClosed(authRejected: boolean): void {
    const socket = ws;
    ws = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    }
    clearTimers();
    if (!opened) failures++;
    opened = false;
    setState('closed');
    if (authRejected) options.onAuthRejected();
    scheduleRetry();
  }

  function scheduleRetry(): void {
    if (!running) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, computeBackoff(attempt));
    attempt++;
  }

  function checkAlive(): void {
    if (!ws || state !== 'open') return;
    if (Date.now() - lastHeard > SILENCE_LIMIT_MS) {
      const socket = ws;
      handleClosed(false);
      try {
        socket.close();
      } catch {
        // already gone
      }
      return;
    }
    send({ type: 'ping' });
  }

  function send(event: ClientEvent): boolean {
    if (!ws || state !== 'open') return false;
    try {
      ws.send(JSON.stringify(event));
      return true;
    } catch {
      return false;
    }
  }

  function reconnectNow(force = false): void {
    if (!running) return;
    if (ws && !force) return;
    if (ws) {
      const socket = ws;
      ws = null;
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000);
    }
    attempt = 0;
    connect();
  }

  function onOnline(): void {
    reconnectNow();
  }

  function onVisible(): void {
    if (document.visibilityState === 'visible') reconnectNow();
  }

  return {
    start() {
      if (running) return;
      running = true;
      window.addEventListener('online', onOnline);
      document.addEventListener('visibilitychange', onVisible);
      connect();
    },
    stop() {
      running = false;
      window.removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
      const socket = ws;
      ws = null;
      clearTimers();
      if (socket) {
        socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
        socket.close(1000);
      }
      setState('closed');
    },
    reconnectNow,
    send,
    getState: () => state,
    getFailures: () => failures,
  };
}
