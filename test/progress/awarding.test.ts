import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AwardWrites } from '../../src/features/progress/award-writes.ts';
import { addMonthsUTC } from '../../src/features/progress/evaluator.ts';
import { CREDENTIAL_NUMBER_PATTERN } from '../../src/features/progress/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { givenProgram } from '../helpers/accounts.ts';
import {
  addRequirementVersion,
  allOf,
  anyOf,
  examTree,
  givenCredential,
  givenCreditCategory,
  givenExam,
} from '../helpers/catalog.ts';
import {
  auditOf,
  awardsOf,
  daysAgo,
  eventsOf,
  fail,
  givenCandidate,
  mailsTo,
  pass,
} from './setup.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp({ env: { PUBLIC_URL: 'https://laurel.example' } });
  await givenProgram(t);
});
after(async () => {
  await t?.close();
});

describe('awarding a credential', () => {
  test('awards when the requirements are met: number, dates, evidence, event and email', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      validityMonths: 24,
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    const takenAt = daysAgo(10);
    const resultId = await pass(t, me.id, exam.code, takenAt);

    const awards = await awardsOf(t, me.id, credential.id);
    assert.equal(awards.length, 1);
    const award = awards[0]!;
    assert.equal(award.status, 'active');
    assert.match(award.credential_number, CREDENTIAL_NUMBER_PATTERN);
    assert.equal(award.awarded_at.getTime(), takenAt.getTime());
    assert.equal(award.expires_at?.getTime(), addMonthsUTC(takenAt, 24).getTime());
    assert.equal(award.requirement_version, 1);
    assert.deepEqual(award.evidence, [{ type: 'result', id: resultId }]);
    assert.deepEqual(
      (await eventsOf(t, award.id)).map((e) => e.kind),
      ['awarded'],
    );
    const mails = await mailsTo(t, me.email);
    const earned = mails.filter((m) => m.template === 'progress.credential-earned');
    assert.equal(earned.length, 1);
    assert.equal(earned[0]!.category, 'transactional');
    assert.match(
      earned[0]!.text,
      new RegExp(`https://laurel.example/credentials/${credential.code}`),
    );
    assert.match(earned[0]!.text, new RegExp(award.credential_number));

    // Evaluating again changes nothing.
    const changes = await t.db
      .transaction()
      .execute((trx) => t.app.progress.reevaluateCandidates(trx, [me.id], 'test'));
    assert.deepEqual(changes, []);
    assert.equal((await awardsOf(t, me.id, credential.id)).length, 1);
  });

  test('an award whose number is already taken draws another; its email carries the new one', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: examTree(exam.code) }],
    });
    const first = await givenCandidate(t);
    await pass(t, first.id, exam.code, daysAgo(3));
    const taken = (await awardsOf(t, first.id, credential.id))[0]!.credential_number;

    const me = await givenCandidate(t);
    const id = await t.db.transaction().execute(async (trx) => {
      const writes = new AwardWrites(trx, 1);
      const awardId = await writes.award({
        user_id: me.id,
        credential_id: credential.id,
        credential_number: taken,
        requirement_version: 1,
        awarded_at: daysAgo(1),
        expires_at: null,
        status: 'active',
        status_changed_at: null,
        evidence: '[]',
      });
      writes.event({
        award_id: awardId,
        kind: 'awarded',
        actor_user_id: null,
        reason: null,
        details: {},
      });
      writes.email({
        to: { userId: me.id, email: me.email, name: 'Me', locale: 'en', timeZone: 'UTC' },
        awardId,
        award: {
          credentialCode: credential.code,
          credentialName: 'Clash',
          credentialNumber: taken,
        },
        mail: { kind: 'earned', awardedAt: daysAgo(1), expiresAt: null },
        options: {},
      });
      await writes.flush(
        async () => ({
          name: 'Program',
          shortName: 'P',
          supportEmail: 'support@example.com',
          accentColor: '#1d4ed8',
          candidateIdPrefix: 'CT',
        }),
        'https://laurel.example',
      );
      return awardId;
    });
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award!.id, id);
    assert.notEqual(award!.credential_number, taken);
    assert.match(award!.credential_number, CREDENTIAL_NUMBER_PATTERN);
    assert.deepEqual(
      (await eventsOf(t, id)).map((e) => e.kind),
      ['awarded'],
    );
    const [mail] = await mailsTo(t, me.email);
    assert.match(mail!.text, new RegExp(award!.credential_number));
    assert.doesNotMatch(mail!.text, new RegExp(taken));
  });

  test('does not award while the requirements are not met', async () => {
    const [a, b] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: allOf('root', examTree(a.code), examTree(b.code)) }],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, a.code, daysAgo(5));
    await fail(t, me.id, b.code, daysAgo(4));
    assert.equal((await awardsOf(t, me.id, credential.id)).length, 0);
    assert.equal((await mailsTo(t, me.email)).length, 0);
  });

  test('the award date is when the requirements became met, and no expiry without validity', async () => {
    const [a, b] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      validityMonths: null,
      requirements: [{ tree: allOf('root', examTree(a.code), examTree(b.code)) }],
    });
    const me = await givenCandidate(t);
    const first = daysAgo(50);
    const second = daysAgo(20);
    // Recorded out of order: the later pass first.
    await pass(t, me.id, b.code, second);
    await pass(t, me.id, a.code, first);
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.awarded_at.getTime(), second.getTime());
    assert.equal(award?.expires_at, null);
  });

  test('an award whose validity already ran out is created expired, without an earned email', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      validityMonths: 12,
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, exam.code, daysAgo(3 * 365));
    const awards = await awardsOf(t, me.id, credential.id);
    assert.equal(awards.length, 1);
    assert.equal(awards[0]!.status, 'expired');
    assert.deepEqual(
      (await eventsOf(t, awards[0]!.id)).map((e) => e.kind),
      ['awarded', 'expired'],
    );
    assert.equal((await mailsTo(t, me.email)).length, 0);

    // The same old evidence never earns it again; a newer pass does.
    await pass(t, me.id, exam.code, daysAgo(3 * 365 - 1));
    const later = daysAgo(2);
    await pass(t, me.id, exam.code, later);
    const after = await awardsOf(t, me.id, credential.id);
    // The pass one day after the first also lies before its award date... it is newer, so it earns
    // an award of its own (expired at once); the recent pass earns the active one.
    const active = after.filter((a) => a.status === 'active');
    assert.equal(active.length, 1);
    assert.equal(active[0]!.awarded_at.getTime(), later.getTime());
    assert.notEqual(active[0]!.credential_number, awards[0]!.credential_number);
  });

  test('stacked credentials: an award meets the next credential in the same transaction', async () => {
    const [lowExam, highExam] = [await givenExam(t.db), await givenExam(t.db)];
    const low = await givenCredential(t.db, {
      levelRank: 1,
      validityMonths: 36,
      requirements: [{ tree: examTree(lowExam.code) }],
    });
    const high = await givenCredential(t.db, {
      levelRank: 2,
      validityMonths: 36,
      requirements: [
        {
          tree: allOf(
            'root',
            { kind: 'credential', id: 'low', credentialCode: low.code },
            examTree(highExam.code),
          ),
        },
      ],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, highExam.code, daysAgo(30));
    assert.equal((await awardsOf(t, me.id, high.id)).length, 0);
    const lowPass = daysAgo(3);
    await pass(t, me.id, lowExam.code, lowPass);
    const [lowAward] = await awardsOf(t, me.id, low.id);
    const [highAward] = await awardsOf(t, me.id, high.id);
    assert.equal(lowAward?.status, 'active');
    assert.equal(highAward?.status, 'active');
    // Met when the prerequisite was awarded.
    assert.equal(highAward?.awarded_at.getTime(), lowPass.getTime());
    assert.deepEqual(
      (highAward?.evidence as { type: string; id: number }[]).map((e) => e.type).sort(),
      ['award', 'result'],
    );
  });

  test('holders are judged by the version they earned; newcomers by the version in force', async () => {
    const [a, b] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      validityMonths: 24,
      requirements: [{ tree: examTree(a.code, { id: 'a' }) }],
    });
    const holder = await givenCandidate(t);
    await pass(t, holder.id, a.code, daysAgo(100));
    await addRequirementVersion(
      t.db,
      credential.id,
      allOf('root', examTree(a.code, { id: 'a' }), examTree(b.code, { id: 'b' })),
      daysAgo(1),
    );

    const newcomer = await givenCandidate(t);
    await pass(t, newcomer.id, a.code, daysAgo(1));
    assert.equal((await awardsOf(t, newcomer.id, credential.id)).length, 0);

    await t.db
      .transaction()
      .execute((trx) => t.app.progress.reevaluateCandidates(trx, [holder.id], 'test'));
    const [award] = await awardsOf(t, holder.id, credential.id);
    assert.equal(award?.status, 'active');
    assert.equal(award?.requirement_version, 1);
    const view = await t.app.progress.credentialProgress(holder.id, credential.code);
    assert.equal(view?.requirementVersion, 1);
    assert.equal(view?.evaluation.met, true);
    const newcomerView = await t.app.progress.credentialProgress(newcomer.id, credential.code);
    assert.equal(newcomerView?.requirementVersion, 2);
    assert.equal(newcomerView?.evaluation.percent, 50);
  });
});

describe('renewing an award', () => {
  test('by meeting the requirements again with newer evidence', async () => {
    const exam = await givenExam(t.db, { retake: { afterPass: true } });
    const credential = await givenCredential(t.db, {
      validityMonths: 24,
      recertification: { requirementsAgain: true },
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    const first = daysAgo(600);
    await pass(t, me.id, exam.code, first);
    const again = daysAgo(5);
    await pass(t, me.id, exam.code, again);
    const awards = await awardsOf(t, me.id, credential.id);
    assert.equal(awards.length, 1);
    const award = awards[0]!;
    assert.equal(award.awarded_at.getTime(), first.getTime());
    assert.equal(award.last_renewed_at?.getTime(), again.getTime());
    assert.equal(award.expires_at?.getTime(), addMonthsUTC(again, 24).getTime());
    const events = await eventsOf(t, award.id);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['awarded', 'renewed'],
    );
    assert.equal((events[1]!.details as { path: string }).path, 'requirements');
  });

  test('not by the evidence it was awarded on', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      validityMonths: 24,
      recertification: { requirementsAgain: true },
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, exam.code, daysAgo(300));
    await t.db
      .transaction()
      .execute((trx) => t.app.progress.reevaluateCandidates(trx, [me.id], 'test'));
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.last_renewed_at, null);
  });

  test('by passing a recertification exam', async () => {
    const [exam, recert] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      validityMonths: 12,
      recertification: { exams: [recert.code] },
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, exam.code, daysAgo(300));
    // A pass of the recertification exam before the award date does not count.
    await pass(t, me.id, recert.code, daysAgo(301));
    assert.equal((await awardsOf(t, me.id, credential.id))[0]?.last_renewed_at, null);
    const renewal = daysAgo(2);
    const recertId = await pass(t, me.id, recert.code, renewal);
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.last_renewed_at?.getTime(), renewal.getTime());
    assert.equal(award?.expires_at?.getTime(), addMonthsUTC(renewal, 12).getTime());
    assert.ok(
      (award?.evidence as { type: string; id: number }[]).some(
        (e) => e.type === 'result' && e.id === recertId,
      ),
    );
  });

  test('by earning a listed higher credential (stacked programs)', async () => {
    const [lowExam, highExam] = [await givenExam(t.db), await givenExam(t.db)];
    const high = await givenCredential(t.db, {
      levelRank: 3,
      validityMonths: 36,
      requirements: [{ tree: examTree(highExam.code) }],
    });
    const low = await givenCredential(t.db, {
      levelRank: 1,
      validityMonths: 24,
      recertification: { higherCredentials: [high.code] },
      requirements: [{ tree: examTree(lowExam.code) }],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, lowExam.code, daysAgo(500));
    const highPass = daysAgo(1);
    await pass(t, me.id, highExam.code, highPass);
    const [lowAward] = await awardsOf(t, me.id, low.id);
    assert.equal(lowAward?.last_renewed_at?.getTime(), highPass.getTime());
    const events = await eventsOf(t, lowAward!.id);
    assert.equal((events.at(-1)!.details as { path: string }).path, 'higher_credential');
  });

  test('by continuing-education credits earned since the last award', async () => {
    const exam = await givenExam(t.db);
    const category = await givenCreditCategory(t.db);
    const credential = await givenCredential(t.db, {
      validityMonths: 36,
      recertification: { credits: { category: category.code, minimum: 10 } },
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    await t.app.progress.recordCredits(null, me.id, {
      categoryCode: category.code,
      amount: 40,
      earnedAt: daysAgo(400),
      source: 'import',
      reason: 'before the award: does not count',
    });
    await pass(t, me.id, exam.code, daysAgo(365));
    await t.app.progress.recordCredits(null, me.id, {
      categoryCode: category.code,
      amount: 4.5,
      earnedAt: daysAgo(100),
      source: 'manual',
      reason: 'conference',
    });
    assert.equal((await awardsOf(t, me.id, credential.id))[0]?.last_renewed_at, null);
    const reached = daysAgo(10);
    await t.app.progress.recordCredits(null, me.id, {
      categoryCode: category.code,
      amount: 5.5,
      earnedAt: reached,
      source: 'manual',
      reason: 'course',
    });
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.last_renewed_at?.getTime(), reached.getTime());
    assert.equal(award?.expires_at?.getTime(), addMonthsUTC(reached, 36).getTime());
  });
});

describe('revoking and keeping awards', () => {
  test('a revoked result revokes the award resting on it; restoring it restores the award', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      validityMonths: 24,
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    const resultId = await pass(t, me.id, exam.code, daysAgo(20));
    await t.app.progress.revokeResult({ userId: me.id }, resultId, 'Misconduct at the test center');
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.status, 'revoked');
    assert.equal(award?.status_reason, 'Misconduct at the test center');
    assert.deepEqual(
      (await eventsOf(t, award!.id)).map((e) => e.kind),
      ['awarded', 'revoked'],
    );
    const revokedMail = (await mailsTo(t, me.email)).filter(
      (m) => m.template === 'progress.credential-revoked',
    );
    assert.equal(revokedMail.length, 1);
    assert.match(revokedMail[0]!.text, /Misconduct at the test center/);
    assert.ok(
      (await auditOf(t, 'progress.award_revoked')).some((a) => a.subject_id === String(award!.id)),
    );
    assert.ok(
      (await auditOf(t, 'progress.result_revoked')).some((a) => a.subject_id === String(resultId)),
    );
    const changes = await t.db
      .selectFrom('result_changes')
      .selectAll()
      .where('result_id', '=', resultId)
      .execute();
    assert.equal(changes.length, 2); // recorded, revoked

    await t.app.progress.restoreResult(null, resultId, 'Appeal upheld');
    const restored = await awardsOf(t, me.id, credential.id);
    assert.equal(restored.length, 1);
    assert.equal(restored[0]!.status, 'active');
    assert.equal(restored[0]!.credential_number, award!.credential_number);
    assert.equal((await eventsOf(t, award!.id)).at(-1)?.kind, 'restored');
  });

  test('a program manager may keep the award with a recorded decision', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    const resultId = await pass(t, me.id, exam.code, daysAgo(20));
    await t.app.progress.revokeResult({ userId: me.id }, resultId, 'Proctor error', {
      decision: 'Review board 2026-11: the candidate was not at fault',
    });
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.status, 'active');
    assert.equal(award?.kept_by_decision, 'Review board 2026-11: the candidate was not at fault');
    assert.deepEqual(
      (await eventsOf(t, award!.id)).map((e) => e.kind),
      ['awarded', 'kept'],
    );
    assert.ok(
      (await auditOf(t, 'progress.award_kept')).some((a) => a.subject_id === String(award!.id)),
    );
    // Later evaluations leave it alone.
    await t.db
      .transaction()
      .execute((trx) => t.app.progress.reevaluateCandidates(trx, [me.id], 'test'));
    assert.equal((await awardsOf(t, me.id, credential.id))[0]?.status, 'active');
  });

  test('an award that is still met without the revoked result stays, resting on the other evidence', async () => {
    const [a, b] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: anyOf('root', 1, examTree(a.code), examTree(b.code)) }],
    });
    const me = await givenCandidate(t);
    const first = await pass(t, me.id, a.code, daysAgo(30));
    const second = await pass(t, me.id, b.code, daysAgo(20));
    await t.app.progress.revokeResult(null, first, 'Misconduct');
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.status, 'active');
    assert.deepEqual(award?.evidence, [{ type: 'result', id: second }]);
  });

  test('a result corrected to a fail revokes the award resting on it', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    const resultId = await pass(t, me.id, exam.code, daysAgo(20), 710);
    await t.app.progress.correctResult(null, resultId, { score: 690 }, 'Rescored by the provider');
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.status, 'revoked');
    assert.equal(award?.status_reason, 'Rescored by the provider');
    const result = await t.db
      .selectFrom('results')
      .selectAll()
      .where('id', '=', resultId)
      .executeTakeFirstOrThrow();
    assert.equal(result.passed, false);
    const history = await t.db
      .selectFrom('result_changes')
      .selectAll()
      .where('result_id', '=', resultId)
      .orderBy('id')
      .execute();
    assert.deepEqual(history.at(-1)?.before, { score: 710, passed: true });
    assert.deepEqual(history.at(-1)?.after, { score: 690, passed: false });
  });

  test('a revoked prerequisite revokes the credential that required it', async () => {
    const [lowExam, highExam] = [await givenExam(t.db), await givenExam(t.db)];
    const low = await givenCredential(t.db, {
      levelRank: 1,
      requirements: [{ tree: examTree(lowExam.code) }],
    });
    const high = await givenCredential(t.db, {
      levelRank: 2,
      requirements: [
        {
          tree: allOf(
            'root',
            { kind: 'credential', id: 'low', credentialCode: low.code },
            examTree(highExam.code),
          ),
        },
      ],
    });
    const me = await givenCandidate(t);
    const lowResult = await pass(t, me.id, lowExam.code, daysAgo(40));
    await pass(t, me.id, highExam.code, daysAgo(30));
    assert.equal((await awardsOf(t, me.id, high.id))[0]?.status, 'active');
    await t.app.progress.revokeResult(null, lowResult, 'Impersonation');
    assert.equal((await awardsOf(t, me.id, low.id))[0]?.status, 'revoked');
    assert.equal((await awardsOf(t, me.id, high.id))[0]?.status, 'revoked');
    // Restoring the result brings both back.
    await t.app.progress.restoreResult(null, lowResult, 'Appeal upheld');
    assert.equal((await awardsOf(t, me.id, low.id))[0]?.status, 'active');
    assert.equal((await awardsOf(t, me.id, high.id))[0]?.status, 'active');
    assert.equal((await awardsOf(t, me.id, high.id)).length, 1);
  });

  test('a manually revoked award is earned again only with evidence newer than the revocation', async () => {
    const exam = await givenExam(t.db, { retake: { afterPass: true } });
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: examTree(exam.code) }],
    });
    const me = await givenCandidate(t);
    await pass(t, me.id, exam.code, daysAgo(60));
    const [award] = await awardsOf(t, me.id, credential.id);
    // As the credentials feature would: a program manager revokes it.
    await t.db
      .updateTable('awards')
      .set({
        status: 'revoked',
        status_reason: 'Shared exam content',
        status_changed_at: daysAgo(10),
      })
      .where('id', '=', award!.id)
      .execute();
    await t.db
      .transaction()
      .execute((trx) => t.app.progress.reevaluateCandidates(trx, [me.id], 'test'));
    assert.equal((await awardsOf(t, me.id, credential.id)).length, 1);
    // A pass before the revocation is not newer evidence...
    await pass(t, me.id, exam.code, daysAgo(20));
    assert.equal((await awardsOf(t, me.id, credential.id)).length, 1);
    // ...one after it is.
    const fresh = daysAgo(1);
    await pass(t, me.id, exam.code, fresh);
    const awards = await awardsOf(t, me.id, credential.id);
    assert.equal(awards.length, 2);
    assert.equal(awards[1]!.status, 'active');
    assert.equal(awards[1]!.awarded_at.getTime(), fresh.getTime());
  });
});

describe('recording facts', () => {
  test('refuses unknown codes and missing reasons with field problems, and writes nothing', async () => {
    const me = await givenCandidate(t);
    await assert.rejects(
      t.app.progress.recordResult({ userId: me.id }, me.id, {
        examCode: 'NOPE-1',
        score: 800,
        takenAt: daysAgo(1),
        reason: ' ',
      }),
      (error: { problems?: { field: string; messageKey: string }[] }) => {
        assert.deepEqual(
          error.problems?.map((p) => [p.field, p.messageKey]),
          [
            ['examCode', 'progress.v.unknownExam'],
            ['reason', 'progress.v.reasonRequired'],
          ],
        );
        return true;
      },
    );
    const rows = await t.db
      .selectFrom('results')
      .select('id')
      .where('user_id', '=', me.id)
      .execute();
    assert.equal(rows.length, 0);
  });

  test('passed defaults from the passing score; a score off the scale is refused', async () => {
    const exam = await givenExam(t.db, { passingScore: 700, scoreMax: 1000 });
    const me = await givenCandidate(t);
    const low = await pass(t, me.id, exam.code, daysAgo(3), 699);
    const high = await pass(t, me.id, exam.code, daysAgo(2), 700);
    const rows = await t.db
      .selectFrom('results')
      .select(['id', 'passed'])
      .where('user_id', '=', me.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(rows, [
      { id: low, passed: false },
      { id: high, passed: true },
    ]);
    await assert.rejects(pass(t, me.id, exam.code, daysAgo(1), 1001), /VALIDATION_FAILED/);
  });

  test('training and agreements count toward requirements', async () => {
    const training = await t.db
      .insertInto('training_courses')
      .values({ code: 'TR-AWD', title: 'Workshop' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const agreement = await t.db
      .insertInto('agreements')
      .values({ code: 'AG-AWD', title: 'Candidate agreement' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('agreement_versions')
      .values({
        agreement_id: agreement.id,
        version: 2,
        body: 'Be honest.',
        effective_at: daysAgo(1000),
      })
      .execute();
    void training;
    const credential = await givenCredential(t.db, {
      kind: 'accreditation',
      requirements: [
        {
          tree: allOf(
            'root',
            { kind: 'training', id: 'tr', courseCode: 'TR-AWD' },
            { kind: 'agreement', id: 'ag', agreementCode: 'AG-AWD', version: 2 },
          ),
        },
      ],
    });
    const me = await givenCandidate(t);
    await t.app.progress.recordAgreement({ userId: me.id }, me.id, {
      agreementCode: 'AG-AWD',
      version: 2,
      acceptedAt: daysAgo(5),
      source: 'candidate',
    });
    await assert.rejects(
      t.app.progress.recordAgreement(null, me.id, {
        agreementCode: 'AG-AWD',
        version: 2,
        acceptedAt: daysAgo(4),
        source: 'manual',
        reason: 'again',
      }),
      /VALIDATION_FAILED/,
    );
    assert.equal((await awardsOf(t, me.id, credential.id)).length, 0);
    await t.app.progress.recordTraining(null, me.id, {
      courseCode: 'tr-awd',
      completedAt: daysAgo(2),
      source: 'manual',
      reason: 'attended in person',
    });
    const [award] = await awardsOf(t, me.id, credential.id);
    assert.equal(award?.status, 'active');
    assert.ok(
      (await auditOf(t, 'progress.training_recorded')).some((a) => a.subject_id === String(me.id)),
    );
    assert.ok(
      (await auditOf(t, 'progress.agreement_recorded')).some((a) => a.subject_id === String(me.id)),
    );
  });

  test('history lists attempts newest first, with retake information on the latest failure', async () => {
    const exam = await givenExam(t.db, { retake: { waitDaysFirst: 30, waitDaysLater: 60 } });
    const me = await givenCandidate(t);
    const failedAt = daysAgo(2);
    await fail(t, me.id, exam.code, daysAgo(200));
    await pass(t, me.id, exam.code, daysAgo(100));
    await fail(t, me.id, exam.code, failedAt);
    const history = await t.app.progress.history(me.id, { examCode: exam.code });
    assert.equal(history.length, 3);
    assert.equal(history[0]!.takenAt.getTime(), failedAt.getTime());
    // A passed version may not be taken again (the default policy).
    assert.deepEqual(history[0]!.retake, { allowedFrom: null, blocked: 'passed' });
    assert.equal(history[1]!.retake, null);
    assert.equal(history[2]!.retake, null);
  });
});
