import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import {
  daysAgo,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
} from '../helpers/catalog-pages.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  await givenPagesCatalog(t.db);
});
after(async () => {
  await t?.close();
});

async function candidate(
  options: { twoFactor?: boolean } = {},
): Promise<{ account: GivenAccount; jar: CookieJar }> {
  const account = await givenAccount(
    t.app,
    options.twoFactor ? { totpSecret: newTotpSecret() } : {},
  );
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { account, jar };
}

/** The page's text with tags stripped and whitespace collapsed, for reading assertions. */
function text(html: string): string {
  return decode(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ')).replace(
    /\s+/g,
    ' ',
  );
}

function section(html: string, id: string): string {
  const start = html.indexOf(`aria-labelledby="${id}"`);
  assert.ok(start >= 0, `no section ${id}`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

describe('dashboard', () => {
  test('signed out, the dashboard sends to sign-in', async () => {
    const res = await get(t.app, '/dashboard');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/sign-in\?next=%2Fdashboard/);
  });

  test('a new candidate sees empty states that say what to do next, and the security box', async () => {
    const { account, jar } = await candidate();
    const res = await get(t.app, '/dashboard', jar);
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Welcome, Ada/);
    assert.match(page, new RegExp(account.candidateNumber));
    assert.match(page, /You do not hold any credentials yet/);
    assert.match(page, /You have not started towards a credential yet/);
    assert.match(section(res.body, 'next-steps'), /href="\/credentials"/);
    assert.match(page, /Find a credential to work towards/);
    // Next steps and the account box both mention two-factor while it is off.
    assert.match(page, /Set up two-factor authentication to protect your credentials/);
    assert.match(page, /Two-factor authentication is off/);
    assert.match(res.body, /href="\/account"/);
  });

  test('a candidate with a credential sees its card, and the progress and next steps toward the next one', async () => {
    const { account, jar } = await candidate({ twoFactor: true });
    await givenResult(t.app, account.id, 'ACS-101', 812, daysAgo(30));
    await givenTrainingCompletion(t.app, account.id, daysAgo(20));
    await givenResult(t.app, account.id, 'ACS-202', 700, daysAgo(10));

    const res = await get(t.app, '/dashboard', jar);
    assert.equal(res.statusCode, 200);

    const held = section(res.body, 'held');
    assert.match(held, /class="award-card award-card--active"/);
    assert.match(text(held), /Active CSA Cloud Security Associate/);
    assert.match(text(held), /Certification · Associate/);
    assert.match(text(held), /Expires on/);
    assert.match(held, /<svg class="icon"/, 'the status has an icon');
    const award = await t.db
      .selectFrom('awards')
      .select(['credential_number', 'expires_at'])
      .where('user_id', '=', account.id)
      .executeTakeFirstOrThrow();
    assert.match(held, new RegExp(award.credential_number));

    const reach = section(res.body, 'in-reach');
    assert.match(text(reach), /Cloud Security Professional/);
    assert.match(text(reach), /66% complete/);
    assert.match(reach, /<progress class="progress__bar" max="100" value="66"/);

    const steps = text(section(res.body, 'next-steps'));
    assert.match(
      steps,
      /Pass Cloud Security Advanced \(ACS-201\) with a score of 750 or more for Cloud Security Professional/,
    );
    assert.match(steps, /Earn 10 credits in General continuing education \(CE-GEN\)/);
    assert.doesNotMatch(steps, /two-factor/, 'two-factor is on');
    assert.doesNotMatch(res.body, /Secret Draft Credential/);
  });

  test('an award close to its expiry says "Expiring soon" and asks to renew by a date', async () => {
    const { account, jar } = await candidate();
    // Awarded 23 months ago with 24 months' validity: about a month left.
    await givenResult(t.app, account.id, 'ACS-101', 800, daysAgo(710));
    await givenTrainingCompletion(t.app, account.id, daysAgo(700));
    const res = await get(t.app, '/dashboard', jar);
    const held = section(res.body, 'held');
    assert.match(held, /award-card--expiring/);
    assert.match(text(held), /Expiring soon/);
    assert.match(
      text(section(res.body, 'next-steps')),
      /Renew Cloud Security Associate by \w+ \d+, \d{4}/,
    );
  });

  test('expired, suspended and revoked awards show their status in words', async () => {
    const { account, jar } = await candidate();
    await givenResult(t.app, account.id, 'ACS-101', 800, daysAgo(40));
    await givenTrainingCompletion(t.app, account.id, daysAgo(40));
    const award = await t.db
      .selectFrom('awards')
      .select('id')
      .where('user_id', '=', account.id)
      .executeTakeFirstOrThrow();
    for (const [status, label] of [
      ['suspended', 'Suspended'],
      ['revoked', 'Revoked'],
    ] as const) {
      await t.db
        .updateTable('awards')
        .set({ status, status_reason: 'Under review by the program' })
        .where('id', '=', award.id)
        .execute();
      const held = section((await get(t.app, '/dashboard', jar)).body, 'held');
      assert.match(held, new RegExp(`award-card--${status}`));
      assert.match(text(held), new RegExp(label));
      assert.match(text(held), /Reason: Under review by the program/);
    }
  });
});
