/** A bare `ws` echo server for bench/chat.ts's raw WebSocket baseline; reports `ready` with its port over IPC. */
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { serveParent } from './lib.ts';

export type EchoReady = { type: 'ready'; pid: number; port: number };

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));

let usageMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: performance.now() };

const close = () =>
  new Promise<void>((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => resolve());
  });

process.on('disconnect', () => {
  void close().finally(() => process.exit(0));
});

serveParent({
  async usage(args) {
    const now = performance.now();
    const cpu = process.cpuUsage(usageMark.cpu);
    const elu = performance.eventLoopUtilization(usageMark.elu);
    const wall = (now - usageMark.at) / 1000;
    if (args.mark) usageMark = { cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), at: now };
    return { wallSeconds: wall, cpuShare: (cpu.user + cpu.system) / 1e6 / wall, eventLoopUtilization: elu.utilization };
  },
  async shutdown() {
    await close();
    process.exit(0);
  },
});

const address = wss.address();
process.send?.({
  type: 'ready',
  pid: process.pid,
  port: typeof address === 'object' && address ? address.port : 0,
} satisfies EchoReady);
