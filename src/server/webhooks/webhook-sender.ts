import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './webhook-url.ts';

/**
 * One POST of a webhook body, signed. The signature is `v1=` + hex HMAC-SHA256 keyed with the endpoint's secret over
 * `<X-Kefu-Timestamp>.<raw body>` (the README shows how to check it). The connection goes to the addresses the SSRF
 * guard approved (pinned through `lookup`), redirects are not followed, and after `timeoutMs` the try is a failure.
 */

export const WEBHOOK_TIMEOUT_MS = 5000;
const MAX_RESPONSE_BYTES = 16 * 1024;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export type SendResult = { ok: boolean; status: number | null; durationMs: number; error: string | null };

export function sendWebhook(target: {
  url: URL;
  addresses: ResolvedAddress[];
  secret: string;
  body: string;
  eventId: string;
  eventType: string;
  deliveryId: string;
  timeoutMs?: number;
}): Promise<SendResult> {
  const started = performance.now();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, target.addresses);
    else {
      const first = target.addresses[0] as ResolvedAddress;
      callback(null, first.address, first.family);
    }
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
    };
    const request = client.request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(target.body),
          'user-agent': 'kefu-webhooks/1',
          'x-kefu-timestamp': timestamp,
          'x-kefu-signature': signWebhook(target.secret, timestamp, target.body),
          'x-kefu-event': target.eventType,
          'x-kefu-event-id': target.eventId,
          'x-kefu-delivery': target.deliveryId,
        },
      },
      (response) => {
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) response.destroy();
        });
        const status = response.statusCode ?? null;
        const done = () => {
          const ok = status !== null && status >= 200 && status < 300;
          finish({ ok, status, error: ok ? null : `HTTP ${status}` });
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${Math.round((target.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000)} s`));
    }, target.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    request.on('error', (error) => finish({ ok: false, status: null, error: error.message.slice(0, 300) }));
    request.end(target.body);
  });
}
