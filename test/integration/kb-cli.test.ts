import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../src/cli/kb.ts';
import { type Db, openPglite, openPostgres } from '../../src/server/db/db.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { STARTER_KB_DIR } from '../../src/server/kb/kb-files.ts';
import { insertOrg } from '../../src/server/orgs/orgs.queries.ts';
import { isAvailable, TEST_POSTGRES_URL } from '../helpers/services.ts';

/** `npm run kb -- import|export`, run as the operator runs it: a child process on a data dir or a PostgreSQL URL. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'src/cli/kb.ts');

type Run = { code: number | null; stdout: string; stderr: string };

function runKb(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', KEFU_HELP_ORG: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `kefu-kb-${name}-`));
}

/** Every file under dir, by relative path. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) out.set(name, fs.readFileSync(file, 'utf8'));
  }
  return out;
}

const summary = (stdout: string) => {
  const m = /(\d+) created, (\d+) updated, (\d+) unchanged/.exec(stdout);
  assert.ok(m, `no summary in:\n${stdout}`);
  return { created: Number(m[1]), updated: Number(m[2]), unchanged: Number(m[3]) };
};

function writeArticle(dir: string, name: string, frontMatter: string[], body = 'Some text.'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, ['---', ...frontMatter, '---', body, ''].join('\n'));
  return file;
}

const GOOD = ['slug: good-article', 'locale: en', 'title: A good article', 'tags: [a, b]', 'intents: []'];

/** One database the CLI is pointed at, and the test's own way to look into it between runs. */
type Target = {
  name: string;
  env: Record<string, string>;
  /** Opens the database in this process (closed again before the CLI runs: PGlite is one process at a time). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  cleanup(): Promise<void>;
};

async function pgliteTarget(): Promise<Target> {
  const dataDir = tempDir('data');
  const withDb = async <T>(fn: (db: Db) => Promise<T>) => {
    const db = await openPglite(dataDir);
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  await withDb(async (db) => {
    await migrate(db);
    await insertOrg(db, { slug: 'acme', name: 'Acme', requireTotp: false });
  });
  return {
    name: 'pglite',
    env: { KEFU_DATA_DIR: dataDir },
    withDb,
    cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const db = await openPostgres({ url: TEST_POSTGRES_URL, schema, max: 2 });
  await migrate(db);
  await insertOrg(db, { slug: 'acme', name: 'Acme', requireTotp: false });
  // The CLI takes a plain DATABASE_URL; libpq's `options` puts it in this run's schema.
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    name: 'postgres',
    env: { DATABASE_URL: url.toString() },
    withDb: (fn) => fn(db),
    async cleanup() {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

const countArticles = (db: Db) =>
  db.query<{ n: number }>('SELECT count(*)::int AS n FROM kb_articles').then((rows) => rows[0]?.n ?? 0);

const targets: (() => Promise<Target>)[] = [pgliteTarget];
if (await isAvailable('postgres')) targets.push(postgresTarget);

for (const makeTarget of targets) {
  describe(`npm run kb on ${makeTarget === pgliteTarget ? 'pglite' : 'postgres'}`, () => {
    let target: Target;
    const dirs: string[] = [];
    const dir = (name: string) => {
      const d = tempDir(name);
      dirs.push(d);
      return d;
    };
    before(async () => {
      target = await makeTarget();
    });
    after(async () => {
      await target.cleanup();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    test('the starter imports, exports, and re-imports to the same content', async () => {
      const first = await runKb(['import', STARTER_KB_DIR, '--publish'], target.env);
      assert.equal(first.code, 0, first.stderr);
      const starterSlugs = new Set(
        fs.readdirSync(path.join(STARTER_KB_DIR, 'articles')).map((name) => name.split('.')[0]),
      );
      assert.deepEqual(summary(first.stdout), { created: starterSlugs.size, updated: 0, unchanged: 0 });
      assert.match(first.stdout, /published/);
      // Not a TTY: a line every 10% instead of a bar.
      assert.match(first.stdout, /\(10%\)/);
      assert.match(first.stdout, /\(100%\)/);
      const published = await target.withDb((db) =>
        db.query<{ n: number }>("SELECT count(*)::int AS n FROM kb_articles WHERE status = 'published'"),
      );
      assert.equal(published[0]?.n, starterSlugs.size);

      const exportA = dir('export-a');
      const exported = await runKb(['export', exportA, '--org', 'acme'], target.env);
      assert.equal(exported.code, 0, exported.stderr);
      const filesA = filesOf(exportA);
      assert.ok(filesA.has('categories.json'));
      const tree = JSON.parse(filesA.get('categories.json')!);
      const starterTree = JSON.parse(fs.readFileSync(path.join(STARTER_KB_DIR, 'categories.json'), 'utf8'));
      assert.deepEqual(
        tree.categories.map((c: { slug: string; sections: { slug: string }[] }) => [
          c.slug,
          c.sections.map((s) => s.slug),
        ]),
        starterTree.categories.map((c: { slug: string; sections: { slug: string }[] }) => [
          c.slug,
          c.sections.map((s) => s.slug),
        ]),
      );
      // Hand-written texts only: the starter's own files, no generated zh-TW.
      const starterFiles = fs.readdirSync(path.join(STARTER_KB_DIR, 'articles')).sort();
      const exportedFiles = [...filesA.keys()]
        .filter((name) => name.startsWith('articles'))
        .map((name) => path.basename(name))
        .sort();
      assert.deepEqual(exportedFiles, starterFiles);

      const again = await runKb(['import', exportA], target.env);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(summary(again.stdout), { created: 0, updated: 0, unchanged: starterSlugs.size });

      const exportB = dir('export-b');
      const second = await runKb(['export', exportB], target.env);
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(filesOf(exportB), filesA);
    });

    test('a CSV of questions and answers in zh and en creates articles', async () => {
      const csvDir = dir('csv');
      const csv = path.join(csvDir, 'faq.csv');
      fs.writeFileSync(
        csv,
        [
          'question,answer,locale,slug',
          '如何修改绑定的手机号,"在 **安全中心 → 手机** 中修改，需要验证旧手机号。",zh-CN,change-phone-number',
          'How do I change my phone number?,"Go to **Security → Phone**; you confirm the old number first.",en,change-phone-number',
          'Can I have two accounts with one email address?,No: one email address belongs to one account.,en,',
        ].join('\n'),
      );
      const before = await target.withDb(countArticles);
      const run = await runKb(['import', csv], target.env);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(summary(run.stdout), { created: 2, updated: 0, unchanged: 0 });
      const rows = await target.withDb(async (db) => ({
        count: await countArticles(db),
        texts: await db.query<{ slug: string; locale: string; title: string; generated: boolean }>(
          `SELECT a.slug, t.locale, t.title, t.generated FROM kb_articles a JOIN kb_article_texts t ON t.article_id = a.id
           WHERE a.slug IN ('change-phone-number', 'can-i-have-two-accounts-with-one-email-address') ORDER BY 1, 2`,
        ),
      }));
      assert.equal(rows.count, before + 2);
      const own = rows.texts.filter((t) => !t.generated).map((t) => `${t.slug} ${t.locale} ${t.title}`);
      assert.deepEqual(own, [
        'can-i-have-two-accounts-with-one-email-address en Can I have two accounts with one email address?',
        'change-phone-number en How do I change my phone number?',
        'change-phone-number zh-CN 如何修改绑定的手机号',
      ]);
      // Not published without --publish.
      const drafts = await target.withDb((db) =>
        db.query<{ status: string }>("SELECT status FROM kb_articles WHERE slug = 'change-phone-number'"),
      );
      assert.notEqual(drafts[0]?.status, 'published');
    });

    test('one file with broken front matter imports nothing and names the file and line', async () => {
      const cases: { name: string; frontMatter: string[]; line: number; message: RegExp }[] = [
        {
          name: 'broken-tags',
          frontMatter: ['slug: broken-tags', 'locale: en', 'title: Broken tags', 'tags: [a', 'intents: []'],
          // YAML notices the unclosed list where the next key starts (js-yaml's mark), one line after `tags: [a`.
          line: 6,
          message: /not valid YAML/,
        },
        {
          name: 'no-title',
          frontMatter: ['slug: no-title', 'locale: en', 'tags: [a]'],
          line: 1,
          message: /"title" is required/,
        },
        {
          name: 'odd-intent',
          frontMatter: ['slug: odd-intent', 'locale: en', 'title: Odd intent', 'tags: []', 'intents: [no_such_intent]'],
          line: 6,
          message: /unknown intent "no_such_intent"/,
        },
      ];
      for (const c of cases) {
        const folder = dir(c.name);
        // A good file first: it must not be imported either.
        writeArticle(folder, 'good-article.en.md', GOOD);
        const bad = writeArticle(folder, `${c.name}.en.md`, c.frontMatter);
        const before = await target.withDb(countArticles);
        const run = await runKb(['import', folder, '--publish'], target.env);
        assert.equal(run.code, 1, `${c.name}: ${run.stdout}${run.stderr}`);
        const line = new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): `).exec(run.stderr);
        assert.ok(line, `${c.name}: the error names the file:\n${run.stderr}`);
        if (c.line > 1) assert.equal(Number(line[1]), c.line, `${c.name}: ${run.stderr}`);
        assert.match(run.stderr, c.message);
        assert.match(run.stderr, /nothing was imported/);
        assert.equal(await target.withDb(countArticles), before, `${c.name}: nothing imported`);
      }
    });

    test('an unknown intent in the CSV names its line', async () => {
      const csv = path.join(dir('csv-bad'), 'bad.csv');
      fs.writeFileSync(
        csv,
        'question,answer,intents\nHow do I deposit coins?,Use Assets then Deposit.,no_such_intent\n',
      );
      const run = await runKb(['import', csv], target.env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /bad\.csv:2: unknown intent "no_such_intent"/);
    });
  });
}

describe('npm run kb: usage and a held data directory', () => {
  const dataDir = tempDir('locked');
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('an unknown command or flag prints the usage and exits 2', async () => {
    for (const args of [
      ['frobnicate'],
      ['import', STARTER_KB_DIR, '--bogus'],
      ['export'],
      ['export', 'x', '--publish'],
    ]) {
      const run = await runKb(args, { KEFU_DATA_DIR: dataDir });
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /Usage:/);
    }
    const help = await runKb(['--help'], { KEFU_DATA_DIR: dataDir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /npm run kb -- import/);
  });

  test('refuses politely while another process holds the embedded database', async () => {
    // This test process is alive and is not the CLI: the lock is held.
    fs.writeFileSync(path.join(dataDir, 'kefu.lock'), String(process.pid));
    const run = await runKb(['import', STARTER_KB_DIR], { KEFU_DATA_DIR: dataDir });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /in use by another kefu process \(pid \d+\)/);
    assert.equal(fs.readFileSync(path.join(dataDir, 'kefu.lock'), 'utf8'), String(process.pid));
    fs.rmSync(path.join(dataDir, 'kefu.lock'));
  });

  test('main() runs in-process too, with an empty database: no organization yet', async () => {
    const empty = tempDir('empty');
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), isTTY: false };
    const code = await main(['import', STARTER_KB_DIR], { KEFU_DATA_DIR: empty, LOG_LEVEL: 'warn' }, io);
    assert.equal(code, 1);
    assert.match(lines.join('\n'), /no organization yet/);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
