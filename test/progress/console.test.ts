import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  attr,
  decode,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  newTotpSecret,
  pathOf,
  post,
  signIn,
  textOfClass,
  type GivenAccount,
} from '../helpers/accounts.ts';
import {
  examTree,
  givenAgreement,
  givenCreditCategory,
  givenCredential,
  givenExam,
  givenTraining,
} from '../helpers/catalog.ts';
import { auditOf, awardsOf, daysAgo } from './setup.ts';

let t: TestApp;
let manager: GivenAccount;
let managerJar: CookieJar;
let agentJar: CookieJar;
let candidate: GivenAccount;
let candidateJar: CookieJar;
let exam: { id: number; code: string };
let credential: { id: number; code: string };

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  exam = await givenExam(t.db, {
    title: 'Cloud <Security> Basics',
    passingScore: 700,
    versions: ['2026'],
  });
  credential = await givenCredential(t.db, {
    name: 'Cloud Associate',
    validityMonths: 24,
    requirements: [{ tree: examTree(exam.code) }],
  });
  manager = await givenAccount(t.app, { roles: ['program_manager'], totpSecret: newTotpSecret() });
  managerJar = cookieJar();
  await signIn(t, managerJar, manager);
  const agent = await givenAccount(t.app, {
    roles: ['support_agent'],
    totpSecret: newTotpSecret(),
  });
  agentJar = cookieJar();
  await signIn(t, agentJar, agent);
  candidate = await givenAccount(t.app, { givenName: 'Katherine', familyName: 'Johnson' });
  candidateJar = cookieJar();
  await signIn(t, candidateJar, candidate);
});
after(async () => {
  await t?.close();
});

describe('who may use the candidate console', () => {
  test('a candidate is refused', async () => {
    for (const url of [
      '/console/candidates',
      `/console/candidates/${candidate.id}`,
      `/console/candidates/${candidate.id}/results/new`,
      `/console/credentials/${credential.code}/holders`,
    ]) {
      assert.equal((await get(t.app, url, candidateJar)).statusCode, 403, url);
    }
    const res = await post(
      t.app,
      `/console/candidates/${candidate.id}/results/new`,
      { examCode: exam.code, score: '900', takenAt: '2026-01-02', reason: 'x' },
      candidateJar,
      { from: '/account' },
    );
    assert.equal(res.statusCode, 403);
    assert.equal((await awardsOf(t, candidate.id)).length, 0);
  });

  test('staff without two-factor are sent to turn it on', async () => {
    const noTwoFactor = await givenAccount(t.app, { roles: ['program_manager'] });
    const jar = cookieJar();
    await signIn(t, jar, noTwoFactor);
    const res = await get(t.app, '/console/candidates', jar);
    assert.equal(res.statusCode, 303);
    assert.equal(pathOf(res.headers.location), '/account/two-factor');
  });

  test('support agents may look but not change', async () => {
    const list = await get(t.app, `/console/candidates?q=${candidate.candidateNumber}`, agentJar);
    assert.equal(list.statusCode, 200);
    const page = await get(t.app, `/console/candidates/${candidate.id}`, agentJar);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Record a result/);
    assert.equal(
      (await get(t.app, `/console/candidates/${candidate.id}/results/new`, agentJar)).statusCode,
      403,
    );
    assert.equal(
      (await get(t.app, `/console/credentials/${credential.code}/holders`, agentJar)).statusCode,
      403,
    );
  });
});

describe('finding a candidate', () => {
  test('by name, email or candidate ID, with the query kept in the URL', async () => {
    for (const q of ['katherine joh', candidate.email.toUpperCase(), candidate.candidateNumber]) {
      const res = await get(t.app, `/console/candidates?q=${encodeURIComponent(q)}`, managerJar);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`/console/candidates/${candidate.id}"`), q);
      assert.equal(attr(inputTag(res.body, 'q'), 'value'), q);
    }
    const none = await get(t.app, '/console/candidates?q=nobody-by-this-name', managerJar);
    assert.match(none.body, /No candidates match/);
  });
});

describe('recording facts by hand', () => {
  test('a result without a reason is refused beside the field, with the input kept', async () => {
    const url = `/console/candidates/${candidate.id}/results/new`;
    const res = await post(
      t.app,
      url,
      { examCode: exam.code, score: '810', outcome: 'auto', takenAt: '2099-01-01', reason: '  ' },
      managerJar,
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /href="#f-reason"/);
    assert.match(res.body, /href="#f-takenAt"/);
    assert.match(
      textOfClass(res.body, 'field__error') ?? '',
      /date cannot be in the future|Enter a reason/,
    );
    assert.equal(attr(inputTag(res.body, 'score'), 'value'), '810');
    assert.equal((await awardsOf(t, candidate.id)).length, 0);
  });

  test('an unknown exam version is refused by the service, beside its field', async () => {
    const res = await post(
      t.app,
      `/console/candidates/${candidate.id}/results/new`,
      {
        examCode: exam.code,
        examVersion: '1999',
        score: '810',
        outcome: 'auto',
        takenAt: '2026-01-02',
        reason: 'Paper exam',
      },
      managerJar,
    );
    assert.equal(res.statusCode, 400);
    assert.match(decode(res.body), /This exam has no version 1999/);
  });

  test('a passing result awards the credential, audited with the manager and the reason', async () => {
    const res = await post(
      t.app,
      `/console/candidates/${candidate.id}/results/new`,
      {
        examCode: exam.code,
        examVersion: '2026',
        score: '810',
        outcome: 'auto',
        takenAt: '2026-01-02',
        reason: 'Paper exam at the conference',
      },
      managerJar,
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    assert.equal(pathOf(res.headers.location), `/console/candidates/${candidate.id}`);
    const [award] = await awardsOf(t, candidate.id, credential.id);
    assert.equal(award?.status, 'active');
    const audit = (await auditOf(t, 'progress.result_recorded')).at(-1);
    assert.equal(audit?.actor_user_id, manager.id);
    assert.equal(audit?.reason, 'Paper exam at the conference');

    const page = await get(t.app, `/console/candidates/${candidate.id}`, managerJar);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /The result was recorded/);
    assert.match(page.body, new RegExp(award!.credential_number));
    // Titles are escaped.
    assert.ok(page.body.includes('Cloud &lt;Security'), 'the exam title is escaped');
    assert.ok(!page.body.includes('Cloud <Security'));
  });

  test('training, an agreement and credits, each with a reason', async () => {
    const training = await givenTraining(t.db);
    const agreement = await givenAgreement(t.db, undefined, [1, 2]);
    const category = await givenCreditCategory(t.db);
    const base = `/console/candidates/${candidate.id}`;
    const cases: [string, Record<string, string>, string][] = [
      [
        `${base}/training/new`,
        { courseCode: training.code, completedAt: '2026-02-01', reason: 'Attendance list' },
        'progress.training_recorded',
      ],
      [
        `${base}/agreements/new`,
        {
          agreementCode: agreement.code,
          version: '2',
          acceptedAt: '2026-02-01',
          reason: 'Signed on paper',
        },
        'progress.agreement_recorded',
      ],
      [
        `${base}/credits/new`,
        { categoryCode: category.code, amount: '2.5', earnedAt: '2026-02-01', reason: 'Webinar' },
        'progress.credits_recorded',
      ],
    ];
    for (const [url, fields, action] of cases) {
      const page = await get(t.app, url, managerJar);
      assert.equal(page.statusCode, 200, url);
      const res = await post(t.app, url, fields, managerJar);
      assert.equal(res.statusCode, 303, `${url}: ${res.body.slice(0, 300)}`);
      const audit = (await auditOf(t, action)).at(-1);
      assert.equal(audit?.actor_user_id, manager.id, action);
      assert.equal(audit?.reason, fields.reason);
    }
    const bad = await post(
      t.app,
      `${base}/credits/new`,
      { categoryCode: category.code, amount: '-1', earnedAt: 'soon', reason: 'x' },
      managerJar,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#f-amount"/);
    assert.match(bad.body, /href="#f-earnedAt"/);
    const again = await post(
      t.app,
      `${base}/agreements/new`,
      { agreementCode: agreement.code, version: '2', acceptedAt: '2026-02-02', reason: 'twice' },
      managerJar,
    );
    assert.equal(again.statusCode, 400);
    assert.match(decode(again.body), /accepted version 2 already/);
  });
});

describe('correcting, revoking and restoring a result', () => {
  test('with history, reasons and the credential following', async () => {
    const person = await givenAccount(t.app);
    const { resultId } = await t.app.progress.recordResult(null, person.id, {
      examCode: exam.code,
      score: 720,
      takenAt: daysAgo(5),
      reason: 'import',
      source: 'import',
    });
    const url = `/console/results/${resultId}`;
    const page = await get(t.app, url, managerJar);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Credentials that rest on this result/);
    assert.match(page.body, /Cloud Associate/);

    const noReason = await post(
      t.app,
      `${url}/correct`,
      {
        score: '650',
        outcome: 'auto',
        takenAt: daysAgo(5).toISOString().slice(0, 10),
        examVersion: '',
        reason: '',
      },
      managerJar,
      { from: url },
    );
    assert.equal(noReason.statusCode, 400);
    assert.equal(attr(inputTag(noReason.body, 'score'), 'value'), '650');

    const keepNoDecision = await post(
      t.app,
      `${url}/revoke`,
      { revokeReason: 'Cheating', keep: 'yes', decision: '' },
      managerJar,
      { from: url },
    );
    assert.equal(keepNoDecision.statusCode, 400);
    assert.match(keepNoDecision.body, /href="#f-decision"/);

    const revoked = await post(t.app, `${url}/revoke`, { revokeReason: 'Cheating' }, managerJar, {
      from: url,
    });
    assert.equal(revoked.statusCode, 303);
    assert.equal((await awardsOf(t, person.id, credential.id))[0]?.status, 'revoked');
    const revokedPage = await get(t.app, url, managerJar);
    assert.match(revokedPage.body, /Restore this result/);
    assert.match(revokedPage.body, /Cheating/);

    const restored = await post(
      t.app,
      `${url}/restore`,
      { restoreReason: 'Appeal upheld' },
      managerJar,
      { from: url },
    );
    assert.equal(restored.statusCode, 303);
    assert.equal((await awardsOf(t, person.id, credential.id))[0]?.status, 'active');

    const corrected = await post(
      t.app,
      `${url}/correct`,
      {
        score: '650',
        outcome: 'auto',
        takenAt: daysAgo(5).toISOString().slice(0, 10),
        examVersion: '',
        reason: 'Rescored',
      },
      managerJar,
      { from: url },
    );
    assert.equal(corrected.statusCode, 303, corrected.body.slice(0, 400));
    assert.equal((await awardsOf(t, person.id, credential.id))[0]?.status, 'revoked');
    const history = await get(t.app, url, managerJar);
    for (const reason of ['Cheating', 'Appeal upheld', 'Rescored'])
      assert.match(history.body, new RegExp(reason));
    for (const action of [
      'progress.result_revoked',
      'progress.result_restored',
      'progress.result_corrected',
    ]) {
      assert.equal((await auditOf(t, action)).at(-1)?.actor_user_id, manager.id, action);
    }
  });
});

describe("a credential's holders", () => {
  test('lists holders and counts everyone; a re-evaluation awards the one met but not awarded', async () => {
    const other = await givenExam(t.db);
    const stacked = await givenCredential(t.db, {
      name: 'Holders test',
      requirements: [{ tree: examTree(other.code) }],
    });
    const holder = await givenAccount(t.app, { givenName: 'Dorothy', familyName: 'Vaughan' });
    await t.app.progress.recordResult(null, holder.id, {
      examCode: other.code,
      score: 900,
      takenAt: daysAgo(3),
      reason: 'x',
      source: 'import',
    });
    // Written behind the engine's back: met, but not awarded.
    const missed = await givenAccount(t.app, { givenName: 'Mary', familyName: 'Jackson' });
    await t.db
      .insertInto('results')
      .values({
        user_id: missed.id,
        exam_id: other.id,
        score: 900,
        passed: true,
        taken_at: daysAgo(2),
        source: 'import',
      })
      .execute();

    const url = `/console/credentials/${stacked.code}/holders`;
    const page = await get(t.app, url, managerJar);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Dorothy Vaughan/);
    const counts = [...page.body.matchAll(/<dd>([\d,]+)<\/dd>/g)].map((m) =>
      Number(m[1]!.replace(/,/g, '')),
    );
    assert.equal(counts[0], 1); // holding
    assert.equal(counts[1], 1); // met but not awarded

    const queued = await post(
      t.app,
      `/console/credentials/${stacked.code}/reevaluate`,
      {},
      managerJar,
      { from: url },
    );
    assert.equal(queued.statusCode, 303);
    assert.match(pathOf(queued.headers.location), /^\/console\/jobs\/\d+$/);
    await t.app.platform.jobs.drain();
    assert.equal((await awardsOf(t, missed.id, stacked.id))[0]?.status, 'active');
    const after = await get(t.app, url, managerJar);
    const countsAfter = [...after.body.matchAll(/<dd>([\d,]+)<\/dd>/g)].map((m) =>
      Number(m[1]!.replace(/,/g, '')),
    );
    assert.equal(countsAfter[0], 2);
    assert.equal(countsAfter[1], 0);
    assert.ok((await auditOf(t, 'progress.reevaluation_requested')).length >= 1);
  });
});
