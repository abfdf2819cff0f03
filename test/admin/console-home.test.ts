import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  signIn,
} from '../helpers/accounts.ts';
import type { Role } from '../../src/platform/db/schema.ts';

let t: TestApp;

/** The numbers on the console home, by the label beside them. */
function counts(html: string): Map<string, number> {
  const out = new Map<string, number>();
  const re =
    /attention-item__count">([\d,]+)<\/span> <span class="attention-item__label">([^<]+)<\/span>/g;
  for (const m of html.matchAll(re)) out.set(m[2]!, Number(m[1]!.replace(/,/g, '')));
  return out;
}

describe('console home', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function staff(roles: Role[]): Promise<CookieJar> {
    const account = await givenAccount(t.app, { roles, totpSecret: newTotpSecret() });
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    return jar;
  }

  test('each role sees the queues it works, with live counts', async () => {
    const agent = await staff(['support_agent']);
    const before = counts((await get(t.app, '/console', agent)).body);
    assert.ok(before.has('New support tickets'));
    assert.ok(before.has('Name change requests to decide'));
    assert.ok(!before.has('Evidence submissions to review'), 'not an agent queue');

    const candidate = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, candidate, { ip: freshIp() });
    const opened = await t.app.support.tickets.open(
      {
        userId: candidate.id,
        givenName: 'Casey',
        familyName: 'Test',
        email: candidate.email,
        locale: 'en',
      },
      { category: 'account', subject: 'Locked out of 2FA', message: 'Please help.' },
      [],
    );
    assert.ok(opened.ok);
    const after = counts((await get(t.app, '/console', agent)).body);
    assert.equal(after.get('New support tickets'), before.get('New support tickets')! + 1);

    const manager = await staff(['program_manager']);
    const page = counts((await get(t.app, '/console', manager)).body);
    assert.ok(page.has('Evidence submissions to review'));
    assert.ok(page.has('Unclaimed results'));
    assert.ok(!page.has('New support tickets'));

    const admin = await staff(['admin']);
    const all = counts((await get(t.app, '/console', admin)).body);
    assert.ok(all.size >= 7, 'admins see every queue');
  });

  test('candidates and signed-out visitors cannot open it', async () => {
    const candidate = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, candidate, { ip: freshIp() });
    assert.equal((await get(t.app, '/console', jar)).statusCode, 403);
    const anonymous = await get(t.app, '/console', undefined, {
      headers: { accept: 'application/json' },
    });
    assert.equal(anonymous.statusCode, 401);
  });
});
