import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { PROGRAM, freshIp, get, givenAccount, givenProgram, post } from '../helpers/accounts.ts';
import { VERIFY_MISSES } from '../../src/features/credentials/verification.service.ts';
import {
  daysAgo,
  earn,
  givenHolder,
  givenSharingCatalog,
  text,
  type Holder,
  type SharingCatalog,
} from './sharing-setup.ts';

let t: TestApp;
let catalog: SharingCatalog;
let holder: Holder;
let number: string;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  catalog = await givenSharingCatalog(t);
  holder = await givenHolder(t, { givenName: 'Ada', familyName: 'Lovelace' });
  ({ number } = await earn(t, holder.account.id, catalog.alpha.examCode));
});
after(async () => {
  await t?.close();
});

const JSON_ACCEPT = { accept: 'application/json' };

describe('the verification page', () => {
  test('shows holder, credential, issuer, dates and status, and is noindex by default', async () => {
    const res = await get(t.app, `/verify/${number}`, undefined, { ip: freshIp() });
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Ada Lovelace/);
    assert.match(page, /Harbor Pilot Associate/);
    assert.match(page, new RegExp(`Issued by ${PROGRAM.name}`));
    assert.match(page, /Active/);
    assert.match(page, /This credential is valid today/);
    assert.match(page, new RegExp(number));
    assert.match(page, /Awarded on/);
    assert.match(page, /Valid until/);
    assert.equal(res.headers['x-robots-tag'], 'noindex');
    assert.match(res.body, /<meta name="robots" content="noindex, nofollow"/);
    assert.equal(res.headers['cache-control'], 'no-store');
    // Nothing private: no email, no candidate ID.
    assert.doesNotMatch(res.body, new RegExp(holder.account.email));
    assert.doesNotMatch(res.body, new RegExp(holder.account.candidateNumber));
  });

  test('answers JSON to Accept: application/json', async () => {
    const res = await get(t.app, `/verify/${number}`, undefined, {
      headers: JSON_ACCEPT,
      ip: freshIp(),
    });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json();
    assert.equal(body.credentialNumber, number);
    assert.equal(body.status, 'active');
    assert.equal(body.statusDate, null);
    assert.deepEqual(body.holder, { name: 'Ada Lovelace' });
    assert.equal(body.credential.name, 'Harbor Pilot Associate');
    assert.equal(body.credential.code, catalog.alpha.code);
    assert.equal(body.issuer.name, PROGRAM.name);
    assert.equal(body.verificationUrl, `${t.config.publicUrl}/verify/${number}`);
    assert.ok(Date.parse(body.awardedAt) < Date.now());
    assert.ok(Date.parse(body.expiresAt) > Date.now());
    assert.deepEqual(Object.keys(body).sort(), [
      'awardedAt',
      'checkedAt',
      'credential',
      'credentialNumber',
      'expiresAt',
      'holder',
      'issuer',
      'lastRenewedAt',
      'status',
      'statusDate',
      'verificationUrl',
    ]);
  });

  test('reads what people type: lower case, spaces instead of dashes, no dashes', async () => {
    const typed = number.toLowerCase().replace(/-/g, ' ');
    const lookup = await get(t.app, `/verify?number=${encodeURIComponent(typed)}`, undefined, {
      ip: freshIp(),
    });
    assert.equal(lookup.statusCode, 303);
    assert.equal(lookup.headers.location, `/verify/${number}`);
    const direct = await get(
      t.app,
      `/verify/${number.replace(/-/g, '').toLowerCase()}`,
      undefined,
      {
        ip: freshIp(),
      },
    );
    assert.equal(direct.statusCode, 301);
    assert.equal(direct.headers.location, `/verify/${number}`);
  });

  test('an unknown number and a mistyped one get the same neutral answer', async () => {
    const ip = freshIp();
    const unknown = await get(t.app, '/verify/0000-0000-0000-0000', undefined, { ip });
    const garbage = await get(t.app, '/verify/not-a-number!', undefined, { ip });
    const long = await get(t.app, `/verify/${'7K2M'.repeat(40)}`, undefined, { ip });
    const viaForm = await get(t.app, `/verify?number=${encodeURIComponent('"><b>x')}`, undefined, {
      ip,
    });
    for (const res of [unknown, garbage, long, viaForm]) {
      assert.equal(res.statusCode, 404);
      assert.match(text(res.body), /We could not find a credential with that number/);
      assert.equal(res.headers['x-robots-tag'], 'noindex');
    }
    assert.doesNotMatch(viaForm.body, /"><b>x/);
    const json = await get(t.app, '/verify/0000-0000-0000-0000', undefined, {
      headers: JSON_ACCEPT,
      ip,
    });
    assert.equal(json.statusCode, 404);
    assert.equal(json.json().code, 'CREDENTIAL_NOT_FOUND');
    const badJson = await get(t.app, '/verify/xyz', undefined, { headers: JSON_ACCEPT, ip });
    assert.equal(badJson.statusCode, 404);
    assert.deepEqual(badJson.json(), json.json());
  });

  test('guessing is rate limited per client address', async () => {
    const ip = freshIp();
    for (let i = 0; i < VERIFY_MISSES.limit; i++) {
      const res = await get(
        t.app,
        `/verify/0000-0000-0000-${String(i).padStart(4, '0')}`,
        undefined,
        { ip },
      );
      assert.equal(res.statusCode, 404);
    }
    const blocked = await get(t.app, '/verify/0000-0000-0000-ZZZZ', undefined, { ip });
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    // Another address is not affected.
    assert.equal(
      (await get(t.app, '/verify/0000-0000-0000-ZZZZ', undefined, { ip: freshIp() })).statusCode,
      404,
    );
  });
});

describe('the JSON API', () => {
  test('GET /api/v1/verifications/:number answers the same record, and is in the OpenAPI document', async () => {
    const res = await get(t.app, `/api/v1/verifications/${number.toLowerCase()}`, undefined, {
      ip: freshIp(),
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.credentialNumber, number);
    assert.equal(body.status, 'active');
    assert.deepEqual(body.holder, { name: 'Ada Lovelace' });
    const missing = await get(t.app, '/api/v1/verifications/0000-0000-0000-0000', undefined, {
      ip: freshIp(),
    });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'CREDENTIAL_NOT_FOUND');
    const spec = (await get(t.app, '/api/v1/openapi.json')).json();
    assert.ok(spec.paths['/api/v1/verifications/{credentialNumber}']?.get);
  });
});

describe('status is honest, at once', () => {
  test('a revoked award says revoked with its date, never the reason', async () => {
    const other = await givenHolder(t, { givenName: 'Charles', familyName: 'Babbage' });
    const { number: revoked, resultId } = await earn(t, other.account.id, catalog.beta.examCode);
    const reason = 'Proxy tester caught on camera';
    await t.app.progress.revokeResult(null, resultId, reason);

    const res = await get(t.app, `/verify/${revoked}`, undefined, { ip: freshIp() });
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Revoked/);
    assert.match(page, /This credential was revoked on \w+/);
    assert.doesNotMatch(res.body, /Proxy tester/);
    assert.doesNotMatch(page, /valid today/);

    const json = await get(t.app, `/verify/${revoked}`, undefined, {
      headers: JSON_ACCEPT,
      ip: freshIp(),
    });
    assert.equal(json.json().status, 'revoked');
    assert.ok(json.json().statusDate);
    assert.doesNotMatch(json.body, /Proxy tester/);
    // The reason is stored, so the test would see it if the page leaked it.
    const [row] = await t.db
      .selectFrom('awards')
      .select('status_reason')
      .where('credential_number', '=', revoked)
      .execute();
    assert.match(String(row?.status_reason), /Proxy tester/);
  });

  test('an award made from old evidence, already past its expiry, reads as expired', async () => {
    const other = await givenHolder(t, { givenName: 'Mary', familyName: 'Somerville' });
    // Passed 800 days ago, for 24 months: the engine records it expired at once.
    const { number: lapsed } = await earn(
      t,
      other.account.id,
      catalog.alpha.examCode,
      daysAgo(800),
    );
    const [row] = await t.db
      .selectFrom('awards')
      .select(['status', 'expires_at'])
      .where('credential_number', '=', lapsed)
      .execute();
    assert.equal(row?.status, 'expired');
    const json = await get(t.app, `/verify/${lapsed}`, undefined, {
      headers: JSON_ACCEPT,
      ip: freshIp(),
    });
    assert.equal(json.json().status, 'expired');
    assert.ok(json.json().statusDate);
    assert.match(
      text((await get(t.app, `/verify/${lapsed}`, undefined, { ip: freshIp() })).body),
      /expired on/,
    );
  });

  test('a stored active award whose expiry passed is shown expired', async () => {
    const other = await givenHolder(t, { givenName: 'Emmy', familyName: 'Noether' });
    const { number: n } = await earn(t, other.account.id, catalog.beta.examCode, daysAgo(100));
    const expiry = new Date(Date.now() - 3_600_000);
    await t.db
      .updateTable('awards')
      .set({ expires_at: expiry })
      .where('credential_number', '=', n)
      .execute();
    const res = await get(t.app, `/verify/${n}`, undefined, { ip: freshIp() });
    assert.match(text(res.body), /Expired/);
    assert.match(text(res.body), /This credential expired on/);
    const json = await get(t.app, `/verify/${n}`, undefined, {
      headers: JSON_ACCEPT,
      ip: freshIp(),
    });
    assert.equal(json.json().status, 'expired');
    assert.equal(json.json().statusDate, expiry.toISOString());
  });
});

describe('the public directory', () => {
  test('opting in lists the holder and lets their verification pages be indexed; opting out undoes it', async () => {
    const listed = await givenHolder(t, { givenName: 'Sophie', familyName: 'Germain' });
    const { number: n } = await earn(t, listed.account.id, catalog.beta.examCode);

    let search = await get(t.app, '/directory?name=germain');
    assert.equal(search.statusCode, 200);
    assert.doesNotMatch(text(search.body), /Sophie Germain/);

    const settings = await get(t.app, '/directory/settings', listed.jar, { ip: listed.ip });
    assert.match(text(settings.body), /You are not listed/);
    const join = await post(t.app, '/directory/settings', { listed: 'yes' }, listed.jar, {
      ip: listed.ip,
    });
    assert.equal(join.statusCode, 303);

    search = await get(t.app, `/directory?name=germain&credential=${catalog.beta.code}`);
    assert.match(text(search.body), /Sophie Germain/);
    assert.match(search.body, new RegExp(`href="/verify/${n}"`));
    assert.doesNotMatch(search.body, /noindex/);
    // Another credential's filter does not list her.
    search = await get(t.app, `/directory?name=germain&credential=${catalog.alpha.code}`);
    assert.doesNotMatch(text(search.body), /Sophie Germain/);

    const page = await get(t.app, `/verify/${n}`, undefined, { ip: freshIp() });
    assert.equal(page.headers['x-robots-tag'], undefined);
    assert.doesNotMatch(page.body, /name="robots"/);

    const leave = await post(t.app, '/directory/settings', { listed: 'no' }, listed.jar, {
      ip: listed.ip,
    });
    assert.equal(leave.statusCode, 303);
    search = await get(t.app, '/directory?name=germain');
    assert.doesNotMatch(text(search.body), /Sophie Germain/);
    const again = await get(t.app, `/verify/${n}`, undefined, { ip: freshIp() });
    assert.equal(again.headers['x-robots-tag'], 'noindex');
  });

  test('lists only active awards, and pages the results', async () => {
    const revokedHolder = await givenHolder(t, { givenName: 'Zed', familyName: 'Revokedson' });
    const { resultId } = await earn(t, revokedHolder.account.id, catalog.alpha.examCode);
    await post(t.app, '/directory/settings', { listed: 'yes' }, revokedHolder.jar, {
      ip: revokedHolder.ip,
    });
    await t.app.progress.revokeResult(null, resultId, 'test');
    let res = await get(t.app, '/directory?name=Revokedson');
    assert.match(text(res.body), /Nobody listed matches/);

    // 26 listed holders named "Pager": two pages of 25.
    for (let i = 0; i < 26; i++) {
      const h = await givenAccount(t.app, {
        givenName: `P${String(i).padStart(2, '0')}`,
        familyName: 'Pager',
      });
      await earn(t, h.id, catalog.alpha.examCode);
      await t.app.sharing.directory.setListed(h.id, true, '127.0.0.1');
    }
    res = await get(t.app, '/directory?name=pager');
    assert.match(text(res.body), /26 entries/);
    assert.match(text(res.body), /Page 1 of 2/);
    assert.match(res.body, /href="\/directory\?name=pager&(amp;)?page=2"/);
    res = await get(t.app, '/directory?name=pager&page=2');
    assert.equal((text(res.body).match(/ Pager /g) ?? []).length, 1);
  });

  test('the settings page needs a signed-in candidate', async () => {
    const res = await get(t.app, '/directory/settings');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/sign-in/);
  });
});
