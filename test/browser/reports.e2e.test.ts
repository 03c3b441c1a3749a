import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { currentTotp } from '../../src/server/auth/totp.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import { enableRouting } from '../helpers/routing.ts';
import { createTestOrg, startTestServer, startVisitor, type TestOrg, type TestServer } from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

describe('reports and the live wallboard in the console, in real Chromium', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let page: Page;
  let teamId: string;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    org = await createTestOrg(db);
    await enableRouting(db, org);
    // A team whose agent was online for 2 h three days ago and had a conversation open for the second hour of it:
    // 50 % occupancy, whatever the time of day the test runs (the page's default range is the last 30 days).
    const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 86_400_000;
    const [team] = await db.query<{ id: string }>(
      `INSERT INTO teams (org_id, name) VALUES ($1, 'Night shift, 夜班') RETURNING id`,
      [org.id],
    );
    teamId = team?.id as string;
    await db.query('INSERT INTO team_members (org_id, team_id, agent_id) VALUES ($1, $2, $3)', [
      org.id,
      teamId,
      org.agents.agent.id,
    ]);
    // A member since before that shift (the membership log stamps the join with the database's clock).
    await db.query('UPDATE team_membership_log SET at = $2 WHERE team_id = $1', [teamId, new Date(base - 86_400_000)]);
    for (const [status, at] of [
      ['online', base],
      ['offline', base + 2 * 3_600_000],
    ] as const)
      await db.query(
        `INSERT INTO agent_routing (agent_id, org_id, status, status_changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (agent_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at`,
        [org.agents.agent.id, org.id, status, new Date(at)],
      );
    const [contact] = await db.query<{ id: string }>(
      `INSERT INTO contacts (org_id, name) VALUES ($1, 'c') RETURNING id`,
      [org.id],
    );
    const assigned = new Date(base + 3_600_000);
    await db.query(
      `INSERT INTO conversations (org_id, number, inbox_id, contact_id, team_id, assignee_id, assigned_at, created_at,
         updated_at, last_activity_at) VALUES ($1, 90001, $2, $3, $4, $5, $6, $6, $6, $6)`,
      [org.id, org.inboxId, contact?.id, teamId, org.agents.agent.id, assigned],
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.secure.email);
    await page.getByTestId('login-password').fill(org.agents.secure.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').fill(await currentTotp(org.agents.secure.totpSecret!));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    await page.locator('[data-testid=connection-state][data-state=online]').waitFor();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('a supervisor opens Reports and sees the KPI tiles and charts', async () => {
    await page.getByTestId('nav-reports').click();
    await page.waitForURL(/\/reports$/);
    await page.getByTestId('kpi-tiles').waitFor();
    for (const id of ['conversations', 'frt', 'resolution', 'sla', 'csat', 'containment'])
      await page.getByTestId(`kpi-${id}`).waitFor();
    await page.locator('[data-testid=chart-volume] canvas').waitFor();
    await page.locator('[data-testid=chart-csat] canvas').waitFor();
    assert.match((await page.getByTestId('csv-csat').getAttribute('href')) ?? '', /reports\/csat-trend\?.*format=csv/);
    assert.ok((await page.locator('.chart canvas').count()) >= 1);
    const csv = await page.getByTestId('csv-summary').getAttribute('href');
    assert.match(csv ?? '', /^\/api\/agent\/reports\/summary\?.*format=csv/);
  });

  test("the teams table shows each team's figures with occupancy, and its CSV link", async () => {
    const row = page.locator(`[data-testid=teams-table] tr[data-row-id="${teamId}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td').first().textContent(), 'Night shift, 夜班');
    assert.equal(await row.getByTestId('occupancy').textContent(), '50%');
    const agentRow = page.locator(`[data-testid=agents-table] tr[data-row-id="${org.agents.agent.id}"]`);
    assert.equal(await agentRow.getByTestId('occupancy').textContent(), '50%');
    const href = (await page.getByTestId('csv-teams').getAttribute('href')) ?? '';
    assert.match(href, /^\/api\/agent\/reports\/teams\?.*format=csv/);
    const csv = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { type: r.headers.get('content-type'), text: await r.text() };
    }, href);
    assert.equal(csv.type, 'text/csv; charset=utf-8');
    assert.ok(csv.text.includes(`${teamId},"Night shift, 夜班",`), csv.text);
  });

  test('the workforce page draws the forecast and answers the Erlang C calculator', async () => {
    await page.getByTestId('nav-workforce').click();
    await page.waitForURL(/\/workforce$/);
    await page.locator('[data-testid=chart-forecast] canvas').waitFor();
    await page.locator('[data-testid=chart-staffing] canvas').waitFor();
    // The shift rules form loads the org's rules (the defaults here: 11 h rest).
    await page.getByTestId('rules-form').waitFor();
    assert.equal(await page.getByTestId('rules-minRestHours').inputValue(), '11');
    await page.getByTestId('erlang-submit').click();
    const result = await page.getByTestId('erlang-result').textContent();
    assert.match(result ?? '', /Agents: \d+/);
  });

  test('the wallboard shows a new waiting conversation within a few seconds', async () => {
    await page.getByTestId('nav-wallboard').click();
    await page.waitForURL(/\/wallboard$/);
    await page.locator('[data-testid=wallboard-waiting-total]').waitFor();
    assert.equal(await page.getByTestId('wallboard-waiting-total').textContent(), '0');

    const visitor = await startVisitor(server, org);
    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: 'My withdrawal is stuck',
      clientId: 'wallboard-1',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.conversation.id as string;
    const started = Date.now();
    await page.locator(`[data-testid=wallboard-queue] [data-conversation-id="${id}"]`).waitFor({ timeout: 5000 });
    assert.ok(Date.now() - started < 5000);
    assert.equal(await page.getByTestId('wallboard-waiting-total').textContent(), '1');
  });
});
