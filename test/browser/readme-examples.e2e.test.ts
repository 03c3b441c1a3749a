import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';

const ROOT = path.resolve(import.meta.dirname, '../..');
const STUCK_TX = '7c2d9a4f1b3e8c6d5a2f9e0b4c7d1a3e6f8b2c5d9e1a4f7b0c3d6e9f2a5b8c1d';

/**
 * Every example the README tells a newcomer to try, typed into the widget on the demo page of a fresh `npm start`
 * (its own empty data dir, the embedded database, the seeded demo exchange), as a new user would.
 */
describe('the README examples work in the widget on a fresh npm start', { skip }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-readme-'));
  let child: ChildProcess;
  let url = '';
  let browser: Browser;

  before(async () => {
    child = spawn(process.execPath, [path.join(ROOT, 'src/cli/start.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        KEFU_SMTP_PORT: '0',
        KEFU_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const deadline = Date.now() + 120_000;
    while (!url) {
      const match = output.match(/Agent console\s+(http:\/\/\S+?)\/?\s/);
      if (match) url = match[1];
      else if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      else if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Opens the demo page (optionally as a signed-in sandbox customer) with the chat open and connected. */
  async function openWidget(user?: string): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${url}/demo${user ? `?user=${user}` : ''}`);
    await page.getByTestId('kefu-launcher').click();
    await page.locator('[data-testid=kefu-connection][data-state=online]').waitFor({ timeout: 20_000 });
    return page;
  }

  /** Sends a line and waits for the next bot or system reply that matches. */
  async function ask(page: Page, text: string, expected: RegExp): Promise<string> {
    const replies = page.locator('[data-testid=kefu-message]:not([data-author-kind=customer])');
    const before = await replies.count();
    await page.getByTestId('kefu-input').fill(text);
    await page.getByTestId('kefu-send').click();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const texts = (await replies.allInnerTexts()).slice(before);
      const hit = texts.find((t) => expected.test(t));
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`"${text}": no reply matching ${expected}; got ${JSON.stringify(texts)}`);
      }
      await page.waitForTimeout(100);
    }
  }

  test('anonymous: a missing deposit, the official-channel check, platform status, "are you a bot?", "that did not help", and a person', async () => {
    const page = await openWidget();
    const header = page.getByTestId('kefu-connection');
    assert.match(await header.innerText(), /人工客服可接入/, 'the header says a person can answer: one is on shift');
    await ask(page, '我的 USDT 充值还没到账', /交易哈希|TxID|网络/);
    await ask(page, 'is @lumen_support_team your official Telegram?', /not|不是|official/i);
    await ask(page, '平台是不是在维护', /ERC20|维护|正常/);
    await ask(page, '你是机器人吗', /机器人/);
    await ask(page, '怎么开启谷歌验证', /验证|2FA/);
    // The hand-off reaches the agent on shift: a new conversation in their inbox, not behind "客服暂时都在忙".
    const login = await fetch(`${url}/api/agent/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@lumen.example', password: 'demo-agent-2026' }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const mine = async () => {
      const list = await fetch(`${url}/api/agent/conversations?assignee=mine`, { headers: { cookie } });
      return new Set(((await list.json()).conversations as { id: string }[]).map((c) => c.id));
    };
    const before = await mine();
    await ask(page, '还是不行', /转接|人工/);
    const deadline = Date.now() + 15_000;
    let added = 0;
    while (added === 0 && Date.now() < deadline) {
      added = [...(await mine())].filter((id) => !before.has(id)).length;
      if (added === 0) await page.waitForTimeout(200);
    }
    assert.equal(added, 1, 'assigned to the agent on shift');
    const texts = await page.getByTestId('kefu-message').allInnerTexts();
    assert.ok(!texts.some((t) => t.includes('客服暂时都在忙')), 'nobody is told all agents are busy');
  });

  test('/demo?user=11873402: the withdrawal in review is looked up, and "我的账户被盗了" → "冻结" freezes the account', async () => {
    const page = await openWidget('11873402');
    const review = await ask(page, '我的 BTC 提币一直在审核中', /W-5573002/);
    assert.match(review, /审核/);
    await ask(page, '要多久', /分钟|小时|审核/);
    await ask(page, '我的账户被盗了', /冻结/);
    await ask(page, '冻结', /已冻结您的账户/);
  });

  test('/demo?user=28810375: the deposit stuck past its confirmations opens an investigation case', async () => {
    const page = await openWidget('28810375');
    await ask(page, '我500U充值还没到账', /网络|交易哈希|TxID/);
    await ask(page, `波场的 ${STUCK_TX}`, /CASE-/);
  });
});
