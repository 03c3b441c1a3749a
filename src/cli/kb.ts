import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { KB_LOCALES } from '../contracts/kb.ts';
import type { Ctx } from '../server/context.ts';
import { ConfigError, type Config, loadConfig } from '../server/config.ts';
import { DataDirLockedError, type Db, openDatabase } from '../server/db/db.ts';
import { migrate } from '../server/db/migrate.ts';
import { createInProcessBus } from '../server/events/bus.ts';
import { articleFileText, KbFileError, type KbFileSet, readKbCsv, readKbFolder } from '../server/kb/kb-files.ts';
import { exportKbFiles, importKbFiles } from '../server/kb/kb.service.ts';
import { findOldestOrg, findOrgBySlug, type OrgRow } from '../server/orgs/orgs.service.ts';

/**
 * `npm run kb -- import DIR|FILE.csv [--org SLUG] [--publish]` and `npm run kb -- export DIR [--org SLUG]`: the
 * knowledge base to and from files in the format of src/server/kb/kb-files.ts. An import is one transaction: a bad
 * file imports nothing and names its file and line. Exit codes: 0 done, 1 failed (bad file, unknown organization),
 * 2 usage or configuration, 3 the embedded data directory is held by another kefu process.
 */

export const USAGE = `Usage:
  npm run kb -- import DIR|FILE.csv [--org SLUG] [--publish]
  npm run kb -- export DIR [--org SLUG]

  import   reads a folder of <slug>.<locale>.md files (and its categories.json), or a CSV of
           question,answer[,locale,slug,category,section,tags,intents] rows, into the knowledge base
  export   writes DIR/categories.json and DIR/articles/<slug>.<locale>.md (hand-written texts only)
  --org    the organization's slug (default: KEFU_HELP_ORG, else the oldest organization)
  --publish  publish every imported article

The database is DATABASE_URL when set, else the embedded one in KEFU_DATA_DIR (default ./.kefu-data).`;

export type KbCliIo = {
  out(line: string): void;
  err(line: string): void;
  /** A progress bar when true, a line every 10% otherwise. */
  isTTY: boolean;
};

const processIo: KbCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};

class CliFailure extends Error {
  readonly code: number;
  constructor(message: string, code = 1) {
    super(message);
    this.code = code;
  }
}

type Parsed =
  | { command: 'import'; target: string; org?: string; publish: boolean }
  | { command: 'export'; target: string; org?: string };

function parseCommand(argv: string[]): Parsed | 'help' {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliFailure(`kb: ${(error as Error).message}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, target, ...rest] = positionals;
  if (command !== 'import' && command !== 'export')
    throw new CliFailure(command ? `kb: unknown command "${command}"` : 'kb: no command given', 2);
  if (!target)
    throw new CliFailure(`kb: ${command} needs a ${command === 'import' ? 'folder or CSV file' : 'folder'}`, 2);
  if (rest.length) throw new CliFailure(`kb: unexpected argument "${rest[0]}"`, 2);
  if (values.org !== undefined && !values.org) throw new CliFailure('kb: --org needs a slug', 2);
  if (command === 'export') {
    if (values.publish) throw new CliFailure('kb: --publish is for import only', 2);
    return { command, target, org: values.org };
  }
  return { command, target, org: values.org, publish: values.publish ?? false };
}

const OPTIONS = {
  org: { type: 'string' },
  publish: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one command and returns the exit code (the tests call it in-process too). */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: KbCliIo = processIo,
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
    // Files are read (and refused) before the database is opened: a bad file costs nothing.
    const set = parsed.command === 'import' ? readFiles(parsed.target) : undefined;
    return await withDatabase(config, io, async (db, log) => {
      const org = await resolveOrg(db, parsed.org ?? config.helpOrg, parsed.org ? '--org' : 'KEFU_HELP_ORG');
      const events = createInProcessBus(log);
      // Whoever holds the database runs the command line: it acts as the system (imports are audited as such).
      const ctx: Ctx = { db, log, events, org: { id: org.id }, actor: { kind: 'system' } };
      try {
        if (parsed.command === 'import' && set) await runImport(ctx, set, org, parsed.publish, io);
        else await runExport(ctx, parsed.target, org, io);
      } finally {
        await events.close();
      }
      return 0;
    });
  } catch (error) {
    if (error instanceof CliFailure) {
      io.err(error.message);
      if (error.code === 2 && !error.message.startsWith('Invalid configuration')) io.err(`\n${USAGE}`);
      return error.code;
    }
    if (error instanceof KbFileError) {
      io.err(error.message);
      io.err('kb: nothing was imported.');
      return 1;
    }
    if (error instanceof DataDirLockedError) {
      io.err(`kb: ${error.message}`);
      return 3;
    }
    throw error;
  }
}

function readFiles(target: string): KbFileSet {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new CliFailure(`kb: no such folder or file: ${target}`);
  }
  if (stat.isDirectory()) return readKbFolder(target);
  if (target.toLowerCase().endsWith('.csv')) return readKbCsv(target);
  throw new CliFailure(`kb: ${target} is neither a folder nor a .csv file`, 2);
}

async function withDatabase(
  config: Config,
  io: KbCliIo,
  fn: (db: Db, log: pino.Logger) => Promise<number>,
): Promise<number> {
  // Logs go to stderr; stdout is the command's own output.
  const log = pino({ level: config.logLevel }, pino.destination(2));
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(db);
    if (applied.length) io.err(`kb: migrated the database (${applied.length} migrations)`);
    return await fn(db, log);
  } finally {
    await db.close().catch(() => {});
  }
}

async function resolveOrg(db: Db, slug: string | undefined, from: string): Promise<OrgRow> {
  if (slug) {
    const org = await findOrgBySlug({ db }, slug);
    if (!org) throw new CliFailure(`kb: no organization "${slug}" (${from})`);
    return org;
  }
  const org = await findOldestOrg({ db });
  if (!org)
    throw new CliFailure(
      'kb: the database has no organization yet: run `npm start` once (it creates one), then retry.',
    );
  return org;
}

async function runImport(ctx: Ctx, set: KbFileSet, org: OrgRow, publish: boolean, io: KbCliIo): Promise<void> {
  const total = set.articles.length;
  const bar = io.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'Importing [{bar}] {percentage}% | {value}/{total} articles',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let shownDecile = 0;
  bar?.start(total, 0);
  const onProgress = (done: number, of: number) => {
    if (bar) return bar.update(done);
    const decile = Math.floor((done * 10) / of);
    if (decile > shownDecile) {
      shownDecile = decile;
      io.out(`  ${done}/${of} articles (${decile * 10}%)`);
    }
  };
  try {
    const result = await importKbFiles(ctx, set, { publish, onProgress });
    bar?.stop();
    io.out(
      `Imported ${total} article${total === 1 ? '' : 's'} into "${org.slug}": ${result.created} created, ` +
        `${result.updated} updated, ${result.unchanged} unchanged; ${result.categories} categor${result.categories === 1 ? 'y' : 'ies'}` +
        (publish ? '; all published.' : '.'),
    );
  } catch (error) {
    bar?.stop();
    throw error;
  }
}

async function runExport(ctx: Ctx, dir: string, org: OrgRow, io: KbCliIo): Promise<void> {
  const set = await exportKbFiles(ctx);
  const articleDir = path.join(dir, 'articles');
  fs.mkdirSync(articleDir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'categories.json'), `${JSON.stringify({ categories: set.categories }, null, 2)}\n`);
  const written = new Set<string>();
  let articles = 0;
  for (const article of set.articles) {
    let any = false;
    for (const locale of KB_LOCALES) {
      const text = article.texts[locale];
      if (!text) continue;
      const name = `${article.slug}.${locale}.md`;
      fs.writeFileSync(path.join(articleDir, name), articleFileText(article, locale, text));
      written.add(name);
      any = true;
    }
    if (any) articles++;
  }
  io.out(
    `Exported ${articles} article${articles === 1 ? '' : 's'} (${written.size} files) and ${set.categories.length} ` +
      `categor${set.categories.length === 1 ? 'y' : 'ies'} from "${org.slug}" to ${dir}`,
  );
  const stale = fs.readdirSync(articleDir).filter((name) => name.endsWith('.md') && !written.has(name));
  if (stale.length)
    io.err(
      `kb: ${stale.length} other file${stale.length === 1 ? '' : 's'} in ${articleDir} (e.g. ${stale[0]}) ` +
        'are not in this export and were left as they are; an import of this folder would bring them back.',
    );
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
