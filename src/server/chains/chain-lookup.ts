import type { NetworkId } from './network-ids.ts';
import { type ChainLookup, type ChainTxLookup, ChainUnavailableError, type NetworkConfig } from './chains.types.ts';
import { createEsploraLookup } from './esplora.ts';
import { createEvmLookup } from './evm.ts';
import { DEFAULT_TIMEOUT_MS } from './http.ts';
import {
  mergeNetworkOverrides,
  type NetworkOverrides,
  networkOverridesFromSettings,
  resolveNetworks,
} from './networks.ts';
import { createTronLookup } from './trongrid.ts';

type LookupTransaction = (txHash: string) => Promise<ChainTxLookup>;

/**
 * Transaction lookups across the configured networks. Build one per configuration (per organization when its
 * settings.chains differ) and keep it: it caches token decimals and the endpoints' verified chain ids.
 */
export function createChainLookup(options: { networks?: NetworkOverrides; timeoutMs?: number } = {}): ChainLookup {
  const networks = resolveNetworks(options.networks);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lookups = new Map<NetworkId, LookupTransaction>();

  function lookupFor(id: NetworkId): LookupTransaction {
    const existing = lookups.get(id);
    if (existing) return existing;
    const network = networks[id];
    if (!network) throw new ChainUnavailableError(`Unknown network ${id}`, 'not_configured');
    if (!network.endpoint) {
      throw new ChainUnavailableError(`No endpoint is configured for ${network.name} (${id})`, 'not_configured');
    }
    const reachable = network as NetworkConfig & { endpoint: string };
    let lookup: LookupTransaction;
    switch (network.family) {
      case 'evm':
        lookup = createEvmLookup(reachable, { timeoutMs });
        break;
      case 'btc':
      case 'ltc':
        lookup = createEsploraLookup(reachable, { timeoutMs });
        break;
      case 'tron':
        lookup = createTronLookup(reachable, { timeoutMs });
        break;
      default:
        throw new ChainUnavailableError(`Lookups on ${network.name} (${id}) are not supported yet`, 'unsupported');
    }
    lookups.set(id, lookup);
    return lookup;
  }

  return {
    // async, so an unconfigured network rejects like an outage instead of throwing at the call site.
    lookupTransaction: async (network, txHash) => lookupFor(network)(txHash.trim()),
    siblingNetworks(id) {
      const family = networks[id]?.family;
      return Object.values(networks)
        .filter((n) => n.family === family && n.id !== id && n.endpoint !== undefined)
        .map((n) => n.id);
    },
    networkConfig: (id) => networks[id],
  };
}

/**
 * `chainsFor(orgId)`: one lookup per organization, the install-wide overrides (KEFU_CHAIN_* env) under the
 * organization's `settings.chains`, rebuilt only when those settings change (so caches survive between questions).
 * Malformed settings make the lookup unavailable rather than half-configured.
 */
export function createOrgChainLookups(options: {
  installOverrides?: NetworkOverrides;
  loadOrgChainSettings(orgId: string): Promise<unknown>;
  timeoutMs?: number;
}): (orgId: string) => Promise<ChainLookup> {
  const byOrg = new Map<string, { settingsKey: string; lookup: ChainLookup }>();
  return async function chainsFor(orgId) {
    const raw = await options.loadOrgChainSettings(orgId);
    let orgOverrides: NetworkOverrides;
    try {
      orgOverrides = networkOverridesFromSettings(raw);
    } catch (err) {
      throw new ChainUnavailableError(`Chain settings are invalid: ${(err as Error).message}`, 'not_configured');
    }
    const settingsKey = JSON.stringify(orgOverrides);
    const cached = byOrg.get(orgId);
    if (cached?.settingsKey === settingsKey) return cached.lookup;
    const lookup = createChainLookup({
      networks: mergeNetworkOverrides(options.installOverrides, orgOverrides),
      timeoutMs: options.timeoutMs,
    });
    byOrg.set(orgId, { settingsKey, lookup });
    return lookup;
  };
}
