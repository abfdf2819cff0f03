import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { givenProgram } from '../helpers/accounts.ts';
import { anyOf, examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import { awardsOf, daysAgo, givenCandidates } from './setup.ts';

/**
 * Never two live awards of one credential for one candidate, even when two
 * changes race. On PostgreSQL (TEST_DATABASE_URL) the transactions below
 * really run at once on separate connections; on the embedded database
 * they take turns, and the outcome must be the same.
 */

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await givenProgram(t);
});
after(async () => {
  await t?.close();
});

describe('concurrent changes for one candidate', () => {
  test('two simultaneous result writes, each enough on its own, yield exactly one award', async () => {
    const [a, b] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      validityMonths: 24,
      requirements: [{ tree: anyOf('root', 1, examTree(a.code), examTree(b.code)) }],
    });
    const people = await givenCandidates(t, 8);
    for (const person of people) {
      await Promise.all(
        [a.code, b.code].map((examCode, i) =>
          t.app.progress.recordResult(null, person.id, {
            examCode,
            score: 800,
            takenAt: daysAgo(10 - i),
            reason: 'race',
            source: 'provider',
          }),
        ),
      );
    }
    for (const person of people) {
      const awards = await awardsOf(t, person.id, credential.id);
      assert.equal(awards.length, 1, `candidate ${person.id}: ${awards.length} awards`);
      assert.equal(awards[0]!.status, 'active');
    }
  });

  test('imports that insert a result first and re-evaluate in the same transaction do not deadlock or double-award', async () => {
    const [a, b] = [await givenExam(t.db), await givenExam(t.db)];
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: anyOf('root', 1, examTree(a.code), examTree(b.code)) }],
    });
    const people = await givenCandidates(t, 6);
    for (const person of people) {
      await Promise.all(
        [a.id, b.id].map((examId) =>
          t.db.transaction().execute(async (trx) => {
            await trx
              .insertInto('results')
              .values({
                user_id: person.id,
                exam_id: examId,
                score: 900,
                passed: true,
                taken_at: daysAgo(3),
                source: 'import',
              })
              .execute();
            // Give the other transaction time to insert its row too.
            await new Promise((resolve) => setTimeout(resolve, 20));
            await t.app.progress.reevaluateCandidates(trx, [person.id], 'import');
          }),
        ),
      );
      assert.equal((await awardsOf(t, person.id, credential.id)).length, 1);
    }
  });

  test('the database itself refuses a second live award', async () => {
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: examTree(exam.code) }],
    });
    const [person] = await givenCandidates(t, 1);
    const row = (n: string) => ({
      user_id: person!.id,
      credential_id: credential.id,
      credential_number: n,
      requirement_version: 1,
      awarded_at: daysAgo(1),
      evidence: '[]',
    });
    await t.db.insertInto('awards').values(row('TEST-0000-0000-0001')).execute();
    await assert.rejects(
      t.db.insertInto('awards').values(row('TEST-0000-0000-0002')).execute(),
      /awards_one_live_key/,
    );
  });
});
