import type { Logger } from 'pino';
import { createOrgChainLookups } from '../chains/chain-lookup.ts';
import { networkOverridesFromEnv } from '../chains/networks.ts';
import type { Db } from '../db/db.ts';
import { getExchangeConnector } from '../exchange/exchange.service.ts';
import { findOrgById } from '../orgs/orgs.service.ts';
import type { FactSources } from './self-service.ts';

/**
 * The production fact sources: each organization's exchange connector (the sandbox unless it configured its
 * backend) and its chain endpoints (KEFU_CHAIN_* for the install, `settings.chains` per organization).
 */
export function createFactSources(db: Db, log: Logger, env: NodeJS.ProcessEnv = process.env): FactSources {
  const chainsFor = createOrgChainLookups({
    installOverrides: networkOverridesFromEnv(env),
    loadOrgChainSettings: async (orgId) => (await findOrgById({ db }, orgId))?.settings.chains,
  });
  return { connectorFor: (orgId) => getExchangeConnector(db, orgId, { log }), chainsFor };
}
