import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { findOrgById, findOrgBySlug, findOldestOrg, type OrgRow } from '../orgs/orgs.service.ts';

/**
 * Which organization the public help centre (/help) and the public search serve. An exchange runs kefu on its own
 * domain: the help centre is its organization's, named by KEFU_HELP_ORG or else the first organization created. A
 * page or a search may name another organization with `?org=<slug>` (several exchanges on one kefu), and then every
 * link it makes carries that on.
 */
export type HelpCentreOrgs = {
  /** The organization a public request names (`?org=`), or the help centre's own. */
  resolve(db: Queryable, requestedSlug: string | undefined): Promise<OrgRow>;
  /** The query string article links of this organization need: '' for the help centre's own, else `?org=<slug>`. */
  linkQuery(db: Queryable, orgId: string): Promise<string>;
};

export function createHelpCentreOrgs(configuredSlug: string | undefined): HelpCentreOrgs {
  let cached: { id: string; until: number } | undefined;
  const defaultOrg = async (db: Queryable): Promise<OrgRow> => {
    if (cached && cached.until > Date.now()) {
      const org = await findOrgById({ db }, cached.id);
      if (org) return org;
    }
    const org = configuredSlug ? await findOrgBySlug({ db }, configuredSlug) : await findOldestOrg({ db });
    if (!org) throw new AppError('org_not_found', 'This kefu has no organization yet.');
    cached = { id: org.id, until: Date.now() + 60_000 };
    return org;
  };
  return {
    async resolve(db, requestedSlug) {
      if (!requestedSlug) return defaultOrg(db);
      const org = await findOrgBySlug({ db }, requestedSlug);
      if (!org) throw new AppError('org_not_found');
      return org;
    },
    async linkQuery(db, orgId) {
      const own = await defaultOrg(db).catch(() => undefined);
      if (!own || own.id === orgId) return '';
      const org = await findOrgById({ db }, orgId);
      return org ? `?org=${encodeURIComponent(org.slug)}` : '';
    },
  };
}
