import dns from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors.ts';

/**
 * Where a webhook may be sent (SSRF guard). Unless private addresses are allowed (development and tests, never under
 * NODE_ENV=production: see config.ts), a URL must be https and every address its host resolves to must be a public
 * unicast one: no private (10/8, 172.16/12, 192.168/16), loopback, link-local (169.254/16 — cloud metadata — and
 * fe80::/10), unique-local (fc00::/7), carrier-grade NAT, multicast, reserved or unspecified address, and no IPv6 form
 * that embeds an IPv4 one. It is checked when the endpoint is saved and again before every send, and the send connects
 * to the addresses checked here (see webhook-sender.ts), so a DNS answer that changes in between cannot redirect it.
 */

export type ResolvedAddress = { address: string; family: 4 | 6 };

export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export async function resolveWebhookTarget(
  rawUrl: string,
  options: { allowPrivate: boolean },
): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new AppError('webhook_url_refused', 'That is not a URL.');
  }
  const allowedProtocols = options.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowedProtocols.includes(url.protocol)) {
    throw new AppError('webhook_url_refused', 'A webhook URL must start with https://.');
  }
  if (url.username || url.password) {
    throw new AppError('webhook_url_refused', 'A webhook URL may not carry a user name or password.');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      const found = await dns.lookup(host, { all: true, verbatim: true });
      addresses = found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
    } catch {
      throw new AppError('webhook_url_refused', `The host ${host} does not resolve.`);
    }
  }
  if (addresses.length === 0) throw new AppError('webhook_url_refused', `The host ${host} does not resolve.`);
  if (!options.allowPrivate) {
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused) {
      throw new AppError(
        'webhook_url_refused',
        `The host ${host} resolves to ${refused.address}, a private, loopback or otherwise non-public address.`,
      );
    }
  }
  return { url, addresses };
}
