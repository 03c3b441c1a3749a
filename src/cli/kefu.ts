import { parseArgs } from 'node:util';
import pino from 'pino';
import { verifyAuditChains } from '../server/audit/audit.service.ts';
import { type Config, ConfigError, loadConfig } from '../server/config.ts';
import { DataDirLockedError, type Db, openDatabase } from '../server/db/db.ts';
import { migrate } from '../server/db/migrate.ts';
import { findOrgById, findOrgBySlug } from '../server/orgs/orgs.service.ts';
import type { RetentionReport } from '../contracts/retention.ts';
import { createInProcessBus } from '../server/events/bus.ts';
import { retentionOrgIds, runRetention } from '../server/retention/retention.service.ts';

/**
 * `npm run kefu -- audit verify [--org SLUG]`: checks the audit log's hash chains; exit 0 when every chain is intact,
 * 1 naming the first broken entry of each broken chain.
 * `npm run kefu -- retention --dry-run [--org SLUG|ID]`: what the data-retention job would remove now (counts, oldest
 * and newest); `retention --apply` (or `--run`) removes it (audited, as the system).
 * Exit codes: 0 done / intact, 1 broken chain or failure, 2 usage or configuration, 3 the embedded data directory is
 * held by another kefu process.
 */

export const USAGE = `Usage:
  npm run kefu -- audit verify [--org SLUG]
  npm run kefu -- retention --dry-run|--apply [--org SLUG|ID]

  audit verify  checks the tamper-evident audit log (each entry hashes the one before it, per organization)
                and names the first broken entry: exit 0 intact, 1 broken
  retention     --dry-run: what the retention setting would remove now (nothing is changed);
                --apply (or --run): removes it now and audits it (the daily job does the same)
  --org         one organization's slug or id (default: every organization; for retention, every one with a
                retention period set)

The database is DATABASE_URL when set, else the embedded one in KEFU_DATA_DIR (default ./.kefu-data).`;

export type KefuCliIo = { out(line: string): void; err(line: string): void };

const processIo: KefuCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

class CliFailure extends Error {
  readonly code: number;
  constructor(message: string, code = 1) {
    super(message);
    this.code = code;
  }
}

const OPTIONS = {
  org: { type: 'string' },
  'dry-run': { type: 'boolean' },
  run: { type: 'boolean' },
  apply: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Parsed = { command: 'audit-verify'; org?: string } | { command: 'retention'; org?: string; dryRun: boolean };

function parseCommand(argv: string[]): Parsed | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliFailure(`kefu: ${(error as Error).message}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.org !== undefined && !values.org) throw new CliFailure('kefu: --org needs a slug', 2);
  const [command, sub, ...rest] = positionals;
  if (command === 'audit') {
    if (sub !== 'verify') throw new CliFailure(sub ? `kefu: unknown audit command "${sub}"` : 'kefu: audit what?', 2);
    if (rest.length) throw new CliFailure(`kefu: unexpected argument "${rest[0]}"`, 2);
    if (values['dry-run'] || values.run || values.apply)
      throw new CliFailure('kefu: --dry-run and --apply are for retention', 2);
    return { command: 'audit-verify', org: values.org };
  }
  if (command === 'retention') {
    if (sub) throw new CliFailure(`kefu: unexpected argument "${sub}"`, 2);
    const apply = Boolean(values.apply || values.run);
    if (Boolean(values['dry-run']) === apply)
      throw new CliFailure('kefu: retention needs exactly one of --dry-run and --apply', 2);
    return { command: 'retention', org: values.org, dryRun: Boolean(values['dry-run']) };
  }
  throw new CliFailure(command ? `kefu: unknown command "${command}"` : 'kefu: no command given', 2);
}

/** Runs one command and returns the exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: KefuCliIo = processIo,
): Promise<number> {
  try {
    const parsed = parseCommand(argv);
    if (parsed === 'help') {
      io.out(USAGE);
      return 0;
    }
    let config: Config;
    try {
      config = loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliFailure(error.message, 2);
      throw error;
    }
    return await withDatabase(config, io, async (db, log) => {
      const orgId = parsed.org ? await resolveOrgId(db, parsed.org) : undefined;
      if (parsed.command === 'audit-verify') return auditVerify(db, orgId, io);
      return retention(db, log, orgId, parsed.dryRun, io);
    });
  } catch (error) {
    if (error instanceof CliFailure) {
      io.err(error.message);
      if (error.code === 2 && !error.message.startsWith('Invalid configuration')) io.err(`\n${USAGE}`);
      return error.code;
    }
    if (error instanceof DataDirLockedError) {
      io.err(`kefu: ${error.message}`);
      return 3;
    }
    throw error;
  }
}

async function auditVerify(db: Db, orgId: string | undefined, io: KefuCliIo): Promise<number> {
  const result = await verifyAuditChains({ db }, { orgId });
  for (const broken of result.broken)
    io.out(
      `BROKEN chain ${broken.chain}: entry ${broken.entryId ?? '-'} (seq ${broken.chainSeq ?? '-'}, ` +
        `time ${broken.createdAt ?? '-'}, org ${broken.orgId ?? '-'}): ${broken.message}`,
    );
  if (result.broken.length) {
    io.out(`audit verify: ${result.broken.length} of ${result.chains} chains broken (${result.entries} entries read)`);
    return 1;
  }
  io.out(`audit verify: OK, ${result.chains} chain${result.chains === 1 ? '' : 's'}, ${result.entries} entries intact`);
  return 0;
}

async function retention(
  db: Db,
  log: pino.Logger,
  orgId: string | undefined,
  dryRun: boolean,
  io: KefuCliIo,
): Promise<number> {
  const orgIds = await retentionOrgIds(db, orgId);
  if (orgIds.length === 0) {
    io.out('retention: no organization has a retention period set; nothing to do');
    return 0;
  }
  const events = createInProcessBus(log);
  for (const id of orgIds) {
    const report = await runRetention({ db, log, events, org: { id }, actor: { kind: 'system' } }, { dryRun });
    io.out(describeRetention(id, report));
  }
  return 0;
}

export function describeRetention(orgId: string, r: RetentionReport): string {
  if (r.days === null) return `retention org ${orgId}: no retention period set (everything is kept)`;
  const verb = r.dryRun ? 'would remove' : r.mode === 'delete' ? 'deleted' : 'anonymised';
  const range = r.oldest && r.newest ? `, #${r.oldest.number}…#${r.newest.number}` : '';
  const held = Object.entries(r.held)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  return (
    `retention org ${orgId} (${r.mode} after ${r.days} days, before ${r.cutoff})${r.dryRun ? ' [dry run]' : ''}: ` +
    `${verb} ${r.conversations} conversations${range}, ${r.messages} messages, ${r.files} files, ` +
    `${r.contacts} contacts' identities, ${r.logs} delivery log entries, ${r.feedbackComments} feedback ` +
    `comments, ${r.emailEvents} machine-mail log entries; kept: ${held || 'none held'}`
  );
}

async function withDatabase(
  config: Config,
  io: KefuCliIo,
  fn: (db: Db, log: pino.Logger) => Promise<number>,
): Promise<number> {
  // Logs go to stderr; stdout is the command's own output.
  const log = pino({ level: config.logLevel }, pino.destination(2));
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(db);
    if (applied.length) io.err(`kefu: migrated the database (${applied.length} migrations)`);
    return await fn(db, log);
  } finally {
    await db.close().catch(() => {});
  }
}

async function resolveOrgId(db: Db, slugOrId: string): Promise<string> {
  const org = await findOrgBySlug({ db }, slugOrId);
  if (org) return org.id;
  if (UUID.test(slugOrId) && (await findOrgById({ db }, slugOrId))) return slugOrId;
  throw new CliFailure(`kefu: no organization "${slugOrId}"`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
