import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { enqueueCredentialReevaluation } from '../../src/features/progress/index.ts';
import { addMonthsUTC } from '../../src/features/progress/evaluator.ts';
import { createTestApp, cookieJar, type TestApp } from '../helpers/app.ts';
import { get, givenAccount, givenProgram, newTotpSecret, signIn } from '../helpers/accounts.ts';
import { addRequirementVersion, examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import {
  DAY,
  awardsOf,
  daysAgo,
  eventsOf,
  givenCandidate,
  givenCandidates,
  mailsTo,
  pass,
} from './setup.ts';

async function withApp(work: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await createTestApp();
  try {
    await givenProgram(t);
    await work(t);
  } finally {
    await t.close();
  }
}

/** An active award of a fresh 12-month credential that expires `daysLeft` days from now. */
async function awardExpiringIn(
  t: TestApp,
  daysLeft: number,
  examCode?: string,
  credentialId?: number,
) {
  const code = examCode ?? (await givenExam(t.db)).code;
  const credential =
    credentialId ??
    (await givenCredential(t.db, { validityMonths: 12, requirements: [{ tree: examTree(code) }] }))
      .id;
  const me = await givenCandidate(t);
  // Passed 12 months minus `daysLeft` ago (calendar months: step back from the wanted expiry).
  const expiry = new Date(Date.now() + daysLeft * DAY);
  await pass(t, me.id, code, addMonthsUTC(expiry, -12));
  const [award] = await awardsOf(t, me.id, credential);
  assert.equal(award?.status, 'active');
  return { me, award: award!, examCode: code, credentialId: credential };
}

describe('the daily sweep', () => {
  test('expires awards past their expiry once, with an event and an email', async () => {
    await withApp(async (t) => {
      const { me, award } = await awardExpiringIn(t, 10);
      const later = new Date(award.expires_at!.getTime() + DAY);
      const first = await t.app.awarding.runDailySweep(later);
      assert.equal(first.expired, 1);
      const second = await t.app.awarding.runDailySweep(later);
      assert.equal(second.expired, 0);
      const [after] = await awardsOf(t, me.id);
      assert.equal(after?.status, 'expired');
      assert.equal(after?.status_changed_at?.getTime(), award.expires_at!.getTime());
      assert.deepEqual(
        (await eventsOf(t, award.id)).map((e) => e.kind),
        ['awarded', 'expired'],
      );
      const expired = (await mailsTo(t, me.email)).filter(
        (m) => m.template === 'progress.credential-expired',
      );
      assert.equal(expired.length, 1);
      assert.equal(expired[0]!.category, 'transactional');
    });
  });

  test('sends each reminder once: the nearest threshold reached, then the next one', async () => {
    await withApp(async (t) => {
      const { me, award } = await awardExpiringIn(t, 25);
      const reminders = async () =>
        (await mailsTo(t, me.email)).filter((m) => m.template === 'progress.credential-expiring');

      const now = new Date();
      assert.equal((await t.app.awarding.runDailySweep(now)).reminders, 1);
      assert.equal((await t.app.awarding.runDailySweep(now)).reminders, 0);
      const sent = await reminders();
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.category, 'expiry_reminders');
      // 90 and 30 are both reached: both are marked, one email speaks for them.
      const rows = await t.db
        .selectFrom('award_reminders')
        .select('days_before')
        .where('award_id', '=', award.id)
        .orderBy('days_before')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.days_before),
        [30, 90],
      );

      const weekBefore = new Date(award.expires_at!.getTime() - 5 * DAY);
      assert.equal((await t.app.awarding.runDailySweep(weekBefore)).reminders, 1);
      assert.equal((await t.app.awarding.runDailySweep(weekBefore)).reminders, 0);
      assert.equal((await reminders()).length, 2);
    });
  });

  test('a renewal starts a new series of reminders', async () => {
    await withApp(async (t) => {
      const recert = await givenExam(t.db);
      const exam = await givenExam(t.db);
      const credential = await givenCredential(t.db, {
        validityMonths: 12,
        recertification: { exams: [recert.code] },
        requirements: [{ tree: examTree(exam.code) }],
      });
      const { me, award } = await awardExpiringIn(t, 20, exam.code, credential.id);
      assert.equal((await t.app.awarding.runDailySweep()).reminders, 1);
      await pass(t, me.id, recert.code, daysAgo(0));
      const [renewed] = await awardsOf(t, me.id, credential.id);
      assert.ok(renewed!.expires_at!.getTime() > award.expires_at!.getTime());
      const beforeNewExpiry = new Date(renewed!.expires_at!.getTime() - 20 * DAY);
      assert.equal((await t.app.awarding.runDailySweep(beforeNewExpiry)).reminders, 1);
    });
  });

  test('spreads many emails over the following minutes', async () => {
    await withApp(async (t) => {
      const exam = await givenExam(t.db);
      const credential = await givenCredential(t.db, {
        validityMonths: 12,
        requirements: [{ tree: examTree(exam.code) }],
      });
      const people = [];
      for (let i = 0; i < 5; i++)
        people.push((await awardExpiringIn(t, 20, exam.code, credential.id)).me);
      const started = Date.now();
      const report = await t.app.awarding.runDailySweep(new Date(), { emailsPerMinute: 2 });
      assert.equal(report.reminders, 5);
      const due = await t.db
        .selectFrom('outbox')
        .select(['next_attempt_at'])
        .where('template', '=', 'progress.credential-expiring')
        .orderBy('id')
        .execute();
      const minutes = due.map((d) => Math.round((d.next_attempt_at.getTime() - started) / 60_000));
      assert.deepEqual(minutes, [0, 0, 1, 1, 2]);
    });
  });
});

describe('re-evaluating every candidate after a requirements change', () => {
  test('a job walks all candidates in batches, reports progress and awards whoever now meets the requirements', async () => {
    await withApp(async (t) => {
      const [oldExam, newExam] = [await givenExam(t.db), await givenExam(t.db)];
      const credential = await givenCredential(t.db, {
        validityMonths: 24,
        requirements: [{ tree: examTree(oldExam.code) }],
      });
      const candidates = await givenCandidates(t, 300);
      // 120 passed the exam the new version asks for: written straight to the table, as history.
      const passedAt = daysAgo(30);
      await t.db
        .insertInto('results')
        .values(
          candidates.slice(0, 120).map((c) => ({
            user_id: c.id,
            exam_id: newExam.id,
            score: 800,
            passed: true,
            taken_at: passedAt,
            source: 'import' as const,
          })),
        )
        .execute();
      await addRequirementVersion(t.db, credential.id, examTree(newExam.code), daysAgo(1));
      const jobId = await t.db
        .transaction()
        .execute((trx) => enqueueCredentialReevaluation(trx, credential.id));
      // Small batches, to see the walk page through.
      await t.db
        .updateTable('jobs')
        .set({ payload: JSON.stringify({ credentialId: credential.id, batchSize: 70 }) })
        .where('id', '=', jobId)
        .execute();
      await t.app.platform.jobs.drain();

      const job = await t.db
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', jobId)
        .executeTakeFirstOrThrow();
      assert.equal(job.status, 'succeeded', job.last_error ?? '');
      const progress = job.progress as { done: number; total: number; note: string };
      const users = await t.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(progress.done, Number(users.n));
      assert.equal(progress.total, Number(users.n));
      assert.equal(JSON.parse(progress.note).awarded, 120);
      const awards = await t.db
        .selectFrom('awards')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('credential_id', '=', credential.id)
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();
      assert.equal(Number(awards.n), 120);
      const sample = await awardsOf(t, candidates[0]!.id, credential.id);
      assert.equal(sample[0]?.requirement_version, 2);
      assert.equal(sample[0]?.awarded_at.getTime(), passedAt.getTime());

      // Its progress page, for a program manager.
      const manager = await givenAccount(t.app, {
        roles: ['program_manager'],
        totpSecret: newTotpSecret(),
      });
      const jar = cookieJar();
      await signIn(t, jar, manager);
      const page = await get(t.app, `/console/jobs/${jobId}`, jar);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Finished/);
      assert.match(page.body, /120 awarded/);
      assert.doesNotMatch(page.body, /http-equiv="refresh"/);
    });
  });

  test('a new requirement version queues the job when the catalog saves it, and a running job page refreshes itself', async () => {
    await withApp(async (t) => {
      const exam = await givenExam(t.db);
      const credential = await givenCredential(t.db, {
        requirements: [{ tree: examTree(exam.code) }],
      });
      const actor = { userId: null, timeZone: 'UTC' };
      await t.app.catalog.addRequirementVersion(actor, credential.code, {
        tree: examTree(exam.code, { minScore: 750 }),
        effectiveAt: new Date(Date.now() - 60_000),
      });
      const effectiveLater = new Date(Date.now() + 10 * DAY);
      await t.app.catalog.addRequirementVersion(actor, credential.code, {
        tree: examTree(exam.code, { minScore: 800 }),
        effectiveAt: effectiveLater,
      });
      const queued = await t.db
        .selectFrom('jobs')
        .select(['id', 'payload', 'run_at', 'status'])
        .where('name', '=', 'progress.reevaluate-credential')
        .orderBy('id')
        .execute();
      assert.equal(queued.length, 2);
      assert.deepEqual(queued[0]!.payload, { credentialId: credential.id });
      assert.ok(queued[0]!.run_at.getTime() <= Date.now());
      // A version that takes effect later is re-evaluated when it does.
      assert.equal(queued[1]!.run_at.getTime(), effectiveLater.getTime());

      const manager = await givenAccount(t.app, {
        roles: ['program_manager'],
        totpSecret: newTotpSecret(),
      });
      const jar = cookieJar();
      await signIn(t, jar, manager);
      const page = await get(t.app, `/console/jobs/${queued[0]!.id}`, jar);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<meta http-equiv="refresh" content="2"/);
      assert.match(page.body, /Waiting to start/);

      // Candidates may not see it.
      const someone = await givenAccount(t.app);
      const theirs = cookieJar();
      await signIn(t, theirs, someone);
      assert.equal((await get(t.app, `/console/jobs/${queued[0]!.id}`, theirs)).statusCode, 403);
    });
  });
});
