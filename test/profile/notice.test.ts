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
  pathOf,
  post,
  signIn,
} from '../helpers/accounts.ts';

let t: TestApp;

/**
 * A new privacy notice version is accepted at the next sign-in (nothing else
 * opens until then, and the page asked for is kept); the consent history is
 * on the privacy page. Then the periodic "please confirm your details".
 */
describe('privacy notice versions and confirming details', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function admin(): Promise<CookieJar> {
    const account = await givenAccount(t.app, { roles: ['admin'], totpSecret: newTotpSecret() });
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    return jar;
  }

  test('an admin publishes a new version; every candidate must accept it before any other page, then returns where they were going', async () => {
    const candidate = await givenAccount(t.app);
    const adminJar = await admin();

    const refused = await post(
      t.app,
      '/admin/privacy-notices',
      { body: '  ', effectiveOn: 'x' },
      adminJar,
    );
    assert.equal(refused.statusCode, 400);
    assert.match(decode(refused.body), /Enter the text of the privacy notice/);

    const today = new Date().toISOString().slice(0, 10);
    const published = await post(
      t.app,
      '/admin/privacy-notices',
      { body: 'Version two: we now also keep your phone number.', effectiveOn: today },
      adminJar,
    );
    assert.equal(published.statusCode, 303, published.body.slice(0, 300));
    const audit = await t.db
      .selectFrom('audit_events')
      .select('subject_id')
      .where('action', '=', 'profile.privacy_notice_published')
      .executeTakeFirstOrThrow();
    const version = Number(audit.subject_id);
    assert.ok(version >= 2);

    // The admin, too, accepts before going on.
    const adminNext = await get(t.app, '/admin/privacy-notices', adminJar);
    assert.equal(adminNext.statusCode, 303);
    assert.equal(
      pathOf(adminNext.headers.location),
      '/privacy/accept?next=%2Fadmin%2Fprivacy-notices',
    );

    const jar = cookieJar();
    await signIn(t, jar, candidate, { ip: freshIp() });
    for (const path of ['/dashboard', '/profile', '/privacy']) {
      const blocked = await get(t.app, path, jar);
      assert.equal(blocked.statusCode, 303, path);
      assert.equal(
        pathOf(blocked.headers.location),
        `/privacy/accept?next=${encodeURIComponent(path)}`,
      );
    }
    const blockedPost = await post(t.app, '/privacy/exports', {}, jar, { from: '/privacy/accept' });
    assert.equal(blockedPost.statusCode, 303);
    assert.equal(pathOf(blockedPost.headers.location), '/privacy/accept');

    const interstitial = await get(t.app, '/privacy/accept?next=%2Fprofile%2Fhistory', jar);
    assert.equal(interstitial.statusCode, 200);
    assert.match(decode(interstitial.body), /Version two: we now also keep your phone number\./);

    const accepted = await post(
      t.app,
      '/privacy/accept',
      { version: String(version), next: '/profile/history' },
      jar,
      { from: '/privacy/accept?next=%2Fprofile%2Fhistory' },
    );
    assert.equal(accepted.statusCode, 303);
    assert.equal(pathOf(accepted.headers.location), '/profile/history');
    assert.equal((await get(t.app, '/profile/history', jar)).statusCode, 200);
    assert.equal((await get(t.app, '/dashboard', jar)).statusCode, 200);

    // The consent history shows both versions.
    const privacy = decode((await get(t.app, '/privacy', jar)).body);
    assert.match(privacy, new RegExp(`Privacy notice version ${version}`));
    assert.match(privacy, new RegExp(`Privacy notice version ${version - 1}`));
    const consents = await t.db
      .selectFrom('consents')
      .select('privacy_notice_version')
      .where('user_id', '=', candidate.id)
      .where('kind', '=', 'privacy_notice')
      .execute();
    assert.deepEqual(consents.map((c) => c.privacy_notice_version).sort(), [version - 1, version]);
  });

  test('accepting an outdated version does not count, and a version in the future is not asked for yet', async () => {
    const candidate = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, candidate, { ip: freshIp() });
    assert.equal((await get(t.app, '/dashboard', jar)).statusCode, 200);

    const adminJar = await admin();
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const scheduled = await post(
      t.app,
      '/admin/privacy-notices',
      { body: 'A future version.', effectiveOn: tomorrow },
      adminJar,
      { from: '/admin/privacy-notices' },
    );
    assert.equal(scheduled.statusCode, 303);
    // Not in force yet: nobody is stopped.
    assert.equal((await get(t.app, '/dashboard', jar)).statusCode, 200);

    const wrong = await post(t.app, '/privacy/accept', { version: '1', next: '/dashboard' }, jar, {
      from: '/privacy',
    });
    assert.equal(wrong.statusCode, 303);
    assert.match(pathOf(wrong.headers.location), /^\/privacy\/accept/);
  });

  test('programs may ask to confirm details at most once per interval; confirming is recorded', async () => {
    const pm = await givenAccount(t.app, {
      roles: ['program_manager'],
      totpSecret: newTotpSecret(),
    });
    const pmJar = cookieJar();
    await signIn(t, pmJar, pm, { ip: freshIp() });
    const set = await post(t.app, '/console/demographics/review', { months: '12' }, pmJar, {
      from: '/console/demographics',
    });
    assert.equal(set.statusCode, 303);
    assert.equal((await t.app.profile.details.settings()).reviewIntervalMonths, 12);

    // A new account is not asked; one last confirmed 13 months ago is, once.
    const fresh = await givenAccount(t.app);
    const freshJar = cookieJar();
    await signIn(t, freshJar, fresh, { ip: freshIp() });
    assert.equal((await get(t.app, '/dashboard', freshJar)).statusCode, 200);

    const old = await givenAccount(t.app);
    const thirteenMonths = new Date(Date.now() - 395 * 86_400_000);
    await t.db
      .insertInto('profile_contacts')
      .values({
        user_id: old.id,
        address_line1: null,
        address_line2: null,
        city: null,
        region: null,
        postal_code: null,
        phone: null,
        company: 'Old Co',
        job_title: null,
        confirmed_at: thirteenMonths,
        review_prompted_at: null,
        history_salt: 'test-salt',
      })
      .execute();
    const jar = cookieJar();
    await signIn(t, jar, old, { ip: freshIp() });
    const asked = await get(t.app, '/dashboard', jar);
    assert.equal(asked.statusCode, 303);
    assert.equal(pathOf(asked.headers.location), '/profile/review?next=%2Fdashboard');
    const review = await get(t.app, '/profile/review?next=%2Fdashboard', jar);
    assert.match(decode(review.body), /Old Co/);
    // Asked once: going on without confirming is allowed.
    assert.equal((await get(t.app, '/dashboard', jar)).statusCode, 200);

    const confirmed = await post(t.app, '/profile/review', { next: '/dashboard' }, jar, {
      from: '/profile/review',
    });
    assert.equal(confirmed.statusCode, 303);
    assert.equal(pathOf(confirmed.headers.location), '/dashboard');
    const row = await t.db
      .selectFrom('profile_contacts')
      .select(['confirmed_at'])
      .where('user_id', '=', old.id)
      .executeTakeFirstOrThrow();
    assert.ok(row.confirmed_at && row.confirmed_at > thirteenMonths);
  });
});
