import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_CANDIDATE_PASSWORD } from '../../src/demo/candidates.ts';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET, seedDemo } from '../../src/demo/seed.ts';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import { decode, freshIp, get, pathOf, post, signIn } from '../helpers/accounts.ts';

let t: TestApp;

/** The profile part of the demo: what the README promises. */
describe('demo: profile and privacy', () => {
  before(async () => {
    t = await createTestApp();
    assert.equal(await seedDemo(t.app), true);
  });
  after(async () => {
    await t?.close();
  });

  test('casey goes straight to the dashboard and has contact details, answers and a history', async () => {
    const jar = cookieJar();
    await signIn(
      t,
      jar,
      { username: 'casey', password: DEMO_CANDIDATE_PASSWORD },
      { ip: freshIp() },
    );
    assert.equal((await get(t.app, '/dashboard', jar)).statusCode, 200);
    const profile = decode((await get(t.app, '/profile', jar)).body);
    assert.match(profile, /Fabrikam Cloud/);
    assert.match(profile, /ZIP code/);
    const history = decode((await get(t.app, '/profile/history', jar)).body);
    assert.match(history, /Fabrikam Cloud/);
    const survey = decode((await get(t.app, '/profile/demographics', jar)).body);
    assert.match(survey, /Which best describes your job role\?/);
    assert.match(survey, /<option value="Developer" selected/);
  });

  test('sam is asked to accept the new privacy notice, then reaches the deletion queue with lena’s request', async () => {
    const sam = DEMO_ACCOUNTS.find((a) => a.username === 'sam')!;
    const jar = cookieJar();
    await signIn(
      t,
      jar,
      { username: 'sam', password: sam.password, totpSecret: DEMO_TOTP_SECRET },
      { ip: freshIp() },
    );
    const gated = await get(t.app, '/console/deletion-requests', jar);
    assert.equal(gated.statusCode, 303);
    const accept = pathOf(gated.headers.location);
    assert.equal(accept, '/privacy/accept?next=%2Fconsole%2Fdeletion-requests');
    const page = await get(t.app, accept, jar);
    assert.match(decode(page.body), /Version 2 adds your contact details/);
    const version = /name="version" value="(\d+)"/.exec(page.body)?.[1];
    const done = await post(
      t.app,
      '/privacy/accept',
      { version: version ?? '', next: '/console/deletion-requests' },
      jar,
      { from: accept },
    );
    assert.equal(pathOf(done.headers.location), '/console/deletion-requests');
    const queue = decode((await get(t.app, '/console/deletion-requests', jar)).body);
    assert.match(queue, /no longer need my account/);
  });

  test('tomas is asked to confirm his details once', async () => {
    const jar = cookieJar();
    await signIn(
      t,
      jar,
      { username: 'tomas', password: DEMO_CANDIDATE_PASSWORD },
      { ip: freshIp() },
    );
    const asked = await get(t.app, '/dashboard', jar);
    assert.equal(pathOf(asked.headers.location), '/profile/review?next=%2Fdashboard');
    assert.match(decode((await get(t.app, '/profile/review', jar)).body), /Contoso GmbH/);
    assert.equal((await get(t.app, '/dashboard', jar)).statusCode, 200);
  });
});
