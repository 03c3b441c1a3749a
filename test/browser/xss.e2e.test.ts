import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signIdentityToken } from '../../src/server/visitors/tokens.ts';
import { launchChromium } from '../helpers/browser.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired } from '../helpers/services.ts';

const hasChromium = await isAvailable('chromium');
if (!hasChromium && servicesRequired()) throw new Error('Chromium is required under CI=true (/usr/bin/chromium)');
const skip = hasChromium ? false : 'Chromium is not installed (apt-get install -y chromium)';
const [embedded] = await testDatabases();

/**
 * XSS (issue 15): script payloads in everything a customer, an agent or an editor can write — the customer's name,
 * message bodies both ways, conversation attributes, a canned reply, a knowledge-base article's title and body — render
 * as inert text in the console (conversation view and customer panel), the widget on /demo and the public help centre.
 *
 * The pages are opened with the Content-Security-Policy bypassed, so what is tested is the rendering alone: the CSP
 * (test/browser/security-headers.e2e.test.ts) is the second lock, and a payload must not run even without it. Each
 * payload tries to set `window.__xss` or open a dialog; the test also walks the DOM (shadow roots included) for any
 * element that carries an injected handler, a script URL or payload text inside an attribute.
 */
const PAYLOADS = [
  `<img src=x onerror="window.__xss='img'">`,
  `<svg onload="window.__xss='svg'"><circle r=1 /></svg>`,
  `<a href="javascript:window.__xss='a'">a link</a>`,
  `[markdown link](javascript:window.__xss='md')`,
  `[entity link](jav&#x09;ascript:alert(1))`,
  `"><script>window.__xss='script'</script>`,
  `'><img src=x onerror=alert(1)>`,
  `<iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal payload, meant as plain text
  '${window.__xss="template"}`${alert(1)}`',
  `{{constructor.constructor('window.__xss="curly"')()}}`,
  `<details open ontoggle="window.__xss='details'">x</details>`,
  `javascript:window.__xss='bare'`,
  `<math><mtext><table><mglyph><style><img src=x onerror="window.__xss='mxss'">`,
  `<a href="data:text/html,<script>alert(1)</script>">data link</a>`,
  `<style>*{display:none}</style><form action="javascript:alert(1)"><button>go</button></form>`,
].map((payload, i) => `xss${i}: ${payload}`);

/** Everything in the page (and its open shadow roots) that a payload would need to run. */
function findInjected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    // data: URLs other than images and the empty favicon (`data:,`) can carry a document.
    const scriptUrl = /^(?:javascript:|vbscript:|data:(?!,|image\/))/i;
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        for (const attribute of el.attributes) {
          const value = attribute.value.replace(/[\s\p{Cc}]/gu, '');
          if (/^on/i.test(attribute.name)) found.push(`<${tag} ${attribute.name}="${attribute.value}">`);
          if (/^(?:href|src|action|formaction|xlink:href|srcdoc|data)$/i.test(attribute.name) && scriptUrl.test(value))
            found.push(`<${tag} ${attribute.name}="${attribute.value}">`);
        }
        if (['iframe', 'frame', 'object', 'embed', 'mglyph'].includes(tag)) found.push(`<${tag}>`);
        // What the payloads would leave behind as elements if their markup were parsed.
        if (tag === 'img' && el.getAttribute('src') === 'x') found.push('<img src=x>');
        if (tag === 'circle' && el.getAttribute('r') === '1') found.push('<circle r=1>');
        if (tag === 'form' && /javascript/i.test(el.getAttribute('action') ?? ''))
          found.push('<form action=javascript:>');
        if (tag === 'script' && /__xss|alert\(/.test(el.textContent ?? '')) found.push('<script> with a payload');
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return found;
  });
}

/** All the text of the page, shadow roots included: the payloads must be there, as text. */
function allText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      parts.push((root instanceof Document ? root.body : root).textContent ?? '');
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    return parts.join('\n');
  });
}

type Watch = { dialogs: string[] };
async function openInert(browser: Browser): Promise<{ page: Page; watch: Watch }> {
  const context = await browser.newContext({ locale: 'en-US', bypassCSP: true });
  const page = await context.newPage();
  const watch: Watch = { dialogs: [] };
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, watch };
}

async function assertInert(page: Page, watch: Watch, where: string): Promise<void> {
  // Image errors, toggles and loads fire within a few frames; give them the time to (not) happen.
  await page.waitForTimeout(500);
  assert.deepEqual(watch.dialogs, [], `${where}: dialogs opened`);
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined, where);
  assert.deepEqual(await findInjected(page), [], `${where}: injected markup in the DOM`);
}

describe('script payloads render inert in the console, the widget and the help centre', { skip }, () => {
  let db: Awaited<ReturnType<typeof embedded.open>>;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let admin: AgentClient;
  let conversationId: string;
  const articleSlug = `xss-${crypto.randomBytes(3).toString('hex')}`;
  const customerName = `xssname <img src=x onerror="window.__xss='name'"><script>alert(1)</script>`;
  const macroName = `xssmacro <img src=x onerror="window.__xss='macro'">`;

  before(async () => {
    db = await embedded.open();
    server = await startTestServer(db);
    // The demo page's widget is for the organization `demo`.
    org = await createTestOrg(db, 'demo');
    admin = await loginAgent(server, org.agents.admin);
    const customer = await startVisitor(server, org, { uid: 'xss-1', name: customerName });
    const created = await customer.call('POST', '/api/widget/conversations', {
      body: PAYLOADS[0],
      clientId: crypto.randomUUID(),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    conversationId = created.body.conversation.id;
    const ok = (result: { status: number; body: unknown }, what: string) =>
      assert.ok(result.status < 300, `${what}: ${result.status} ${JSON.stringify(result.body)}`);
    for (const [i, payload] of PAYLOADS.entries()) {
      if (i > 0) {
        ok(
          await customer.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
            body: payload,
            clientId: crypto.randomUUID(),
          }),
          'customer message',
        );
      }
      ok(
        await admin.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
          body: `agent ${payload}`,
          clientId: crypto.randomUUID(),
        }),
        'agent message',
      );
    }
    ok(
      await admin.call('POST', '/api/agent/attribute-definitions', {
        key: 'note',
        label: `xsslabel <img src=x onerror="window.__xss='label'">`,
        type: 'text',
      }),
      'attribute definition',
    );
    ok(
      await admin.call('PATCH', `/api/agent/conversations/${conversationId}/attributes`, {
        values: { note: `xssattr <img src=x onerror="window.__xss='attr'">` },
      }),
      'attribute value',
    );
    const macro = await admin.call('POST', '/api/agent/macros', {
      name: macroName,
      shortcut: 'xss',
      bodies: { en: `xssmacrobody ${PAYLOADS[2]} ${PAYLOADS[3]}` },
    });
    ok(macro, 'macro');
    ok(
      await admin.call('POST', `/api/agent/conversations/${conversationId}/macros/${macro.body.macro.id}/apply`, {
        clientId: crypto.randomUUID(),
      }),
      'macro applied',
    );
    const article = await admin.call('POST', '/api/agent/kb/articles', {
      slug: articleSlug,
      texts: {
        en: {
          title: `xsstitle <img src=x onerror="window.__xss='title'">`,
          body: `Deposits explained.\n\n${PAYLOADS.join('\n\n')}`,
        },
      },
    });
    ok(article, 'article');
    ok(
      await admin.call('POST', `/api/agent/kb/articles/${article.body.article.id}/status`, { status: 'published' }),
      'article published',
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  test('the console: the conversation view and the customer panel show every payload as text', async () => {
    const { page, watch } = await openInert(browser);
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(org.agents.admin.email);
    await page.getByTestId('login-password').fill(org.agents.admin.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conversation-list').waitFor();
    await page.getByTestId('conversation-item').first().click();
    await page
      .getByTestId('message')
      .filter({ hasText: `xss${PAYLOADS.length - 1}:` })
      .first()
      .waitFor();
    await page.getByTestId('customer-details').waitFor();
    await page.getByTestId('message').filter({ hasText: 'xssmacrobody' }).waitFor();
    const text = await allText(page);
    // The attribute's value is the value of its input; its label is text.
    const attribute = page.getByTestId('attributes').getByRole('textbox', { name: /xsslabel/ });
    assert.match(await attribute.inputValue(), /^xssattr <img/);
    for (const marker of ['xssname', 'xsslabel', 'xssmacrobody', ...PAYLOADS.map((_, i) => `agent xss${i}:`)]) {
      assert.ok(text.includes(marker), `the console shows ${marker} as text`);
    }
    assert.ok(text.includes(`onerror="window.__xss='img'"`), 'the payload is shown as written');
    await assertInert(page, watch, 'console conversation view');
  });

  test('the widget on /demo: every payload as text, inside a Shadow DOM the host page does not style or query', async () => {
    const { page, watch } = await openInert(browser);
    const identityToken = signIdentityToken(org.identitySecret, { uid: 'xss-1', name: customerName });
    await page.addInitScript((token) => {
      (window as unknown as { KefuSettings: unknown }).KefuSettings = { identityToken: token };
    }, identityToken);
    await page.goto(`${server.url}/demo`);
    // The host page's own styles aim at everything: none of them may reach the widget's elements.
    await page.addStyleTag({ content: 'div, p, span, li, button { border: 7px solid rgb(255, 0, 0) !important; }' });
    await page.getByTestId('kefu-launcher').click();
    const last = page.locator('[data-testid=kefu-message]', { hasText: `agent xss${PAYLOADS.length - 1}:` });
    await last.waitFor({ timeout: 15_000 });
    const text = await allText(page);
    for (const [i] of PAYLOADS.entries()) {
      assert.ok(text.includes(`xss${i}:`), `the widget shows xss${i} as text`);
      assert.ok(text.includes(`agent xss${i}:`), `the widget shows the agent's xss${i} as text`);
    }
    await assertInert(page, watch, 'widget');

    const isolation = await page.evaluate(() => {
      const host = document.getElementById('kefu-widget-host');
      const message = host?.shadowRoot?.querySelector('[data-testid=kefu-message]');
      const kefu = (window as unknown as { Kefu?: Record<string, unknown> }).Kefu;
      return {
        inShadow: Boolean(host?.shadowRoot && message),
        // A selector from the host page does not see into the widget.
        reachedByQuery: document.querySelectorAll('[data-testid=kefu-message], [data-testid=kefu-panel]').length,
        border: message ? getComputedStyle(message).borderTopWidth : null,
        api: kefu ? Object.keys(kefu).sort() : null,
      };
    });
    assert.equal(isolation.inShadow, true, 'the widget renders inside a shadow root');
    assert.equal(isolation.reachedByQuery, 0, 'document.querySelectorAll does not reach the widget');
    assert.notEqual(isolation.border, '7px', "the host page's styles do not reach the widget");
    // The documented page API (src/widget/main.ts) and nothing else.
    assert.deepEqual(isolation.api, ['close', 'identify', 'open', 'reset', 'setLocale']);
  });

  test('the help centre: the article page and the search page show the payloads as text', async () => {
    const { page, watch } = await openInert(browser);
    await page.goto(`${server.url}/help/en/${articleSlug}`);
    let text = await allText(page);
    assert.ok(text.includes('xsstitle'), 'the article title is shown as text');
    for (const [i] of PAYLOADS.entries()) assert.ok(text.includes(`xss${i}:`), `the article shows xss${i}`);
    await assertInert(page, watch, 'help centre article');

    await page.goto(`${server.url}/help/en/search?q=${encodeURIComponent('xsstitle deposits')}`);
    text = await allText(page);
    assert.ok(text.includes('xsstitle'), 'the search finds the article and shows its title as text');
    await assertInert(page, watch, 'help centre search');
    await page.goto(`${server.url}/help/en`);
    await assertInert(page, watch, 'help centre home');
  });
});
