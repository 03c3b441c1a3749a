import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { currentTotp } from '../../src/server/auth/totp.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServer } from '../helpers/server.ts';

const MAX_FAILURES = 8;

/**
 * The login lockout holds under parallel attempts: each attempt reserves its place in the failure count before the
 * password is checked, so a burst of wrong passwords cannot all be checked while the count still reads low.
 */
for (const database of await testDatabases()) {
  describe(`login lockout (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db, { KEFU_LOGIN_MAX_FAILURES: String(MAX_FAILURES) });
      org = await createTestOrg(db);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    const login = async (body: Record<string, string>) => {
      const response = await server.app.inject({ method: 'POST', url: '/api/agent/auth/login', payload: body });
      return { status: response.statusCode, code: response.json().error?.code as string | undefined };
    };
    const codes = (results: { code?: string }[]) => {
      const counts: Record<string, number> = {};
      for (const r of results) counts[r.code ?? 'ok'] = (counts[r.code ?? 'ok'] ?? 0) + 1;
      return counts;
    };

    test(`100 parallel wrong passwords: at most ${MAX_FAILURES} are checked, the rest are refused unchecked`, async () => {
      const email = org.agents.admin.email;
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => login({ email, password: `wrong password ${i}` })),
      );
      const counted = codes(results);
      assert.ok((counted.invalid_credentials ?? 0) <= MAX_FAILURES, JSON.stringify(counted));
      assert.ok((counted.invalid_credentials ?? 0) >= 1, JSON.stringify(counted));
      assert.equal((counted.invalid_credentials ?? 0) + (counted.too_many_attempts ?? 0), 100, JSON.stringify(counted));
      // Locked: even the right password waits for the window to pass.
      assert.equal((await login({ email, password: org.agents.admin.password })).code, 'too_many_attempts');
    });

    test('parallel attempts for an unknown e-mail are limited the same way', async () => {
      const email = `nobody-${org.slug}@example.test`;
      const results = await Promise.all(Array.from({ length: 30 }, () => login({ email, password: 'guess' })));
      const counted = codes(results);
      assert.ok((counted.invalid_credentials ?? 0) <= MAX_FAILURES, JSON.stringify(counted));
      assert.equal((counted.invalid_credentials ?? 0) + (counted.too_many_attempts ?? 0), 30);
    });

    test('a right password below the limit signs in and clears the failures before it', async () => {
      const { email, password } = org.agents.agent;
      for (let i = 0; i < MAX_FAILURES - 1; i++) {
        assert.equal((await login({ email, password: 'wrong' })).code, 'invalid_credentials');
      }
      assert.equal((await login({ email, password })).status, 200);
      // The count starts again after a success: a full set of failures is allowed before the lockout.
      for (let i = 0; i < MAX_FAILURES; i++) {
        assert.equal((await login({ email, password: 'wrong' })).code, 'invalid_credentials', `failure ${i + 1}`);
      }
      assert.equal((await login({ email, password: 'wrong' })).code, 'too_many_attempts');
    });

    test('asking for the TOTP step is not a failure; a wrong code is', async () => {
      const { email, password, totpSecret } = org.agents.secure;
      for (let i = 0; i < MAX_FAILURES + 2; i++) {
        assert.equal((await login({ email, password })).code, 'totp_required');
      }
      const [{ failures }] = await db.query<{ failures: number }>(
        `SELECT count(*)::int AS failures FROM login_attempts WHERE lower(email) = lower($1) AND NOT succeeded`,
        [email],
      );
      assert.equal(failures, 0, 'no failure was recorded for the form step');
      const code = await currentTotp(totpSecret!);
      const wrong = code === '000000' ? '111111' : '000000';
      assert.equal((await login({ email, password, totp: wrong })).code, 'totp_invalid');
      assert.equal((await login({ email, password, totp: code })).status, 200);
    });
  });
}
