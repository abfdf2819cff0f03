import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import { auditOf, awardsOf } from '../progress/setup.ts';
import { importText, providerFile, resultsByRef } from './setup.ts';

let t: TestApp;
let manager: GivenAccount;
let managerJar: CookieJar;
let exam: { id: number; code: string };
let credential: { id: number; code: string };

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  exam = await givenExam(t.db, { passingScore: 700 });
  credential = await givenCredential(t.db, { requirements: [{ tree: examTree(exam.code) }] });
  manager = await givenAccount(t.app, { roles: ['program_manager'], totpSecret: newTotpSecret() });
  managerJar = cookieJar();
  await signIn(t, managerJar, manager);
  await importText(
    t,
    providerFile([
      { ref: 'U-1', candidate: 'OLD-ID-1', exam: exam.code, lastName: 'Núñez-García' },
      { ref: 'U-2', candidate: 'OLD-ID-2', exam: exam.code, lastName: 'Okafor' },
      { ref: 'U-3', candidate: 'OLD-ID-3', exam: exam.code, lastName: 'Lee' },
    ]),
    { provider: 'unc' },
  );
});
after(async () => {
  await t?.close();
});

describe('a candidate claims an unclaimed result with the score report', () => {
  test('the history page links to the claim page', async () => {
    const someone = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, someone);
    const history = await get(t.app, '/history', jar);
    assert.match(history.body, /href="\/history\/claim"/);
    assert.equal((await get(t.app, '/history/claim', jar)).statusCode, 200);
    assert.equal((await get(t.app, '/history/claim')).statusCode, 303);
  });

  test('the right ID and last name (any case, without accents) give the result and award the credential', async () => {
    const claimant = await givenAccount(t.app, { familyName: 'Nunez' });
    const jar = cookieJar();
    await signIn(t, jar, claimant);
    const res = await post(
      t.app,
      '/history/claim',
      { registrationId: ' U-1 ', lastName: 'nunez garcia' },
      jar,
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 400));
    assert.equal(res.headers.location, '/history');
    const rows = await resultsByRef(t, 'unc');
    assert.equal(rows.find((r) => r.provider_ref === 'U-1')!.user_id, claimant.id);
    assert.equal((await awardsOf(t, claimant.id, credential.id)).length, 1);
    const history = await get(t.app, '/history', jar);
    assert.match(history.body, new RegExp(exam.code));
    assert.ok(
      (await auditOf(t, 'results.claimed')).some(
        (a) => a.subject_id === String(rows.find((r) => r.provider_ref === 'U-1')!.id),
      ),
    );
    // Claimed once: nobody else can claim it.
    const other = await givenAccount(t.app);
    const otherJar = cookieJar();
    await signIn(t, otherJar, other);
    const again = await post(
      t.app,
      '/history/claim',
      { registrationId: 'U-1', lastName: 'Núñez-García' },
      otherJar,
    );
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /No result matches/);
  });

  test('a wrong last name is refused with the same answer as an unknown ID', async () => {
    const claimant = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, claimant);
    const wrongName = await post(
      t.app,
      '/history/claim',
      { registrationId: 'U-2', lastName: 'Smith' },
      jar,
    );
    const unknown = await post(
      t.app,
      '/history/claim',
      { registrationId: 'NOPE', lastName: 'Okafor' },
      jar,
    );
    assert.equal(wrongName.statusCode, 400);
    assert.equal(unknown.statusCode, 400);
    assert.match(wrongName.body, /No result matches/);
    assert.match(unknown.body, /No result matches/);
    const empty = await post(t.app, '/history/claim', { registrationId: '', lastName: '' }, jar);
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter the registration ID/);
    assert.equal(
      (await resultsByRef(t, 'unc')).find((r) => r.provider_ref === 'U-2')!.user_id,
      null,
    );
  });

  test('claims are rate limited', async () => {
    const claimant = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, claimant);
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (
        await post(t.app, '/history/claim', { registrationId: `X-${i}`, lastName: 'Doe' }, jar)
      ).statusCode;
    }
    assert.equal(last, 429);
  });
});

describe('staff see unclaimed results and link them by hand', () => {
  test('the list shows them; a program manager links one with a reason', async () => {
    const list = await get(t.app, '/console/results/unclaimed?q=OLD-ID-3', managerJar);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /U-3/);
    assert.doesNotMatch(list.body, /U-2/);
    const id = (await resultsByRef(t, 'unc')).find((r) => r.provider_ref === 'U-3')!.id;
    const url = `/console/results/unclaimed/${id}`;
    const target = await givenAccount(t.app);
    const bad = await post(
      t.app,
      `${url}/link`,
      { candidateNumber: 'CT-0', reason: '' },
      managerJar,
      { from: url },
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /No candidate has the ID CT-0/);
    assert.match(bad.body, /Enter the reason/);
    const ok = await post(
      t.app,
      `${url}/link`,
      {
        candidateNumber: target.candidateNumber,
        reason: 'Candidate sent the score report by email',
      },
      managerJar,
      { from: url },
    );
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, `/console/candidates/${target.id}`);
    assert.equal((await awardsOf(t, target.id, credential.id)).length, 1);
    const audit = await auditOf(t, 'results.linked');
    assert.equal(audit.at(-1)!.reason, 'Candidate sent the score report by email');
    // A linked result is no longer unclaimed.
    assert.equal((await get(t.app, url, managerJar)).statusCode, 404);
  });

  test('a candidate cannot see the unclaimed results', async () => {
    const someone = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, someone);
    assert.equal((await get(t.app, '/console/results/unclaimed', jar)).statusCode, 403);
  });

  test('a re-import links a result once its candidate ID is known', async () => {
    const later = await givenAccount(t.app);
    await importText(t, providerFile([{ ref: 'U-9', candidate: 'NOT-YET', exam: exam.code }]), {
      provider: 'unc2',
    });
    assert.equal((await resultsByRef(t, 'unc2'))[0]!.user_id, null);
    const again = await importText(
      t,
      providerFile([{ ref: 'U-9', candidate: later.candidateNumber, exam: exam.code }]),
      { provider: 'unc2' },
    );
    assert.equal(again.updated, 1);
    assert.equal((await resultsByRef(t, 'unc2'))[0]!.user_id, later.id);
    assert.equal((await awardsOf(t, later.id, credential.id)).length, 1);
  });
});
