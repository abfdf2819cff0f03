import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { givenProgram, secondHandle } from '../helpers/accounts.ts';
import { CatalogService, type RequirementsChange } from '../../src/features/catalog/index.ts';
import { code, givenCredential, givenExam, givenRequirements, SYSTEM } from './helpers.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
});
after(async () => {
  await t?.close();
});

describe('what other features read: app.catalog', () => {
  test('definitions() has every definition by code and by id, typed and in order', async () => {
    const exam = await givenExam(t, {
      versions: [
        { version: 'B', availableFrom: '2026-06-01' },
        { version: 'A', availableFrom: '2026-01-01', availableUntil: '2026-05-31' },
      ],
      retake: undefined,
      retakeWaitDaysFirst: 3,
      retakeMaxPerYear: 5,
    });
    const training = await t.app.catalog.createCoded(SYSTEM, 'training', {
      code: code('TR'),
      title: 'Lab course',
    });
    const category = await t.app.catalog.createCoded(SYSTEM, 'creditCategory', {
      code: code('CE'),
      title: 'Webinars',
    });
    const agreement = await t.app.catalog.createCoded(SYSTEM, 'agreement', {
      code: code('AG'),
      title: 'Candidate agreement',
      body: 'v1 text',
      effectiveAt: '2026-01-01',
    });
    await t.app.catalog.addAgreementVersion(SYSTEM, agreement.code, {
      body: 'v2 text',
      effectiveAt: '2026-02-01',
    });
    const senior = await givenCredential(t, { levelRank: 3, name: 'Senior' });
    const junior = await givenCredential(t, {
      levelRank: 1,
      name: 'Junior',
      validityMonths: null,
      recertExams: exam.code,
      recertCreditsCategory: category.code,
      recertCreditsMinimum: '12.5',
    });
    await givenRequirements(
      t,
      junior.code,
      { kind: 'exam', id: 'e', examCode: exam.code },
      '2026-01-01',
    );
    await givenRequirements(
      t,
      junior.code,
      {
        kind: 'all',
        id: 'r',
        children: [
          { kind: 'exam', id: 'e', examCode: exam.code, minScore: 800 },
          { kind: 'training', id: 't', courseCode: training.code },
          { kind: 'agreement', id: 'a', agreementCode: agreement.code, version: 2 },
          { kind: 'credits', id: 'c', categoryCode: category.code, minimum: 10, withinMonths: 12 },
        ],
      },
      '2026-07-01',
    );

    const defs = await t.app.catalog.definitions();
    const e = defs.exams.get(exam.code)!;
    assert.equal(defs.examsById.get(exam.id), e);
    assert.deepEqual(e.versions, [
      { version: 'A', availableFrom: '2026-01-01', availableUntil: '2026-05-31' },
      { version: 'B', availableFrom: '2026-06-01', availableUntil: null },
    ]);
    assert.deepEqual(e.retake, {
      waitDaysFirst: 3,
      waitDaysLater: 0,
      maxPerYear: 5,
      afterPass: false,
    });
    assert.equal(e.passingScore, 700);
    assert.equal(e.status, 'published');

    const j = defs.credentialsByCode.get(junior.code)!;
    assert.equal(defs.credentialsById.get(junior.id), j);
    assert.ok(
      defs.credentials.indexOf(j) <
        defs.credentials.indexOf(defs.credentialsByCode.get(senior.code)!),
    );
    assert.equal(j.validityMonths, null);
    assert.deepEqual(j.recertification, {
      requirementsAgain: false,
      exams: [exam.code],
      higherCredentials: [],
      credits: { category: category.code, minimum: 12.5 },
    });
    assert.deepEqual(
      j.requirements.map((r) => [r.version, r.effectiveAt.toISOString()]),
      [
        [1, '2026-01-01T00:00:00.000Z'],
        [2, '2026-07-01T00:00:00.000Z'],
      ],
    );
    assert.equal(j.requirements[1]!.tree.kind, 'all');
    assert.equal(
      t.app.catalog.requirementsInForce(j, new Date('2026-06-30T23:59:59Z'))?.version,
      1,
    );
    assert.equal(
      t.app.catalog.requirementsInForce(j, new Date('2026-07-01T00:00:00Z'))?.version,
      2,
    );

    assert.deepEqual(defs.trainings.get(training.code), { ...training, description: '' });
    assert.equal(defs.trainingsById.get(training.id)?.code, training.code);
    assert.equal(defs.creditCategories.get(category.code)?.title, 'Webinars');
    assert.deepEqual(
      defs.agreements.get(agreement.code)?.versions.map((v) => [v.version, v.body]),
      [
        [1, 'v1 text'],
        [2, 'v2 text'],
      ],
    );
    assert.equal(defs.agreementsById.get(agreement.id)?.code, agreement.code);
  });

  test('lookups by code (any case) and by id', async () => {
    const exam = await givenExam(t);
    const credential = await givenCredential(t);
    assert.equal((await t.app.catalog.examByCode(exam.code.toLowerCase()))?.id, exam.id);
    assert.equal((await t.app.catalog.examById(exam.id))?.code, exam.code);
    assert.equal((await t.app.catalog.credentialById(credential.id))?.code, credential.code);
    assert.equal(await t.app.catalog.examByCode('NOPE-0'), undefined);
    assert.equal(await t.app.catalog.credentialByCode('NOPE-0'), undefined);
    assert.equal(await t.app.catalog.trainingByCode('NOPE-0'), undefined);
  });

  test('definitions(trx) reads inside the caller’s transaction', async () => {
    const c = code('TX');
    await t.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('credentials')
          .values({ code: c, name: 'Uncommitted', kind: 'certification', level: 'A' })
          .execute();
        const inside = await t.app.catalog.definitions(trx);
        assert.ok(inside.credentialsByCode.has(c));
        throw new Error('roll back');
      })
      .catch((error: Error) => assert.equal(error.message, 'roll back'));
    assert.ok(!(await t.app.catalog.definitions()).credentialsByCode.has(c));
  });

  test('a requirements change is told to listeners in the same transaction; a failing listener undoes it', async () => {
    const service = new CatalogService(t.db);
    const exam = await givenExam(t);
    const credential = await givenCredential(t);
    const seen: RequirementsChange[] = [];
    service.onRequirementsChanged(async (trx, change) => {
      seen.push(change);
      const row = await trx
        .selectFrom('credential_requirements')
        .select('version')
        .where('credential_id', '=', change.credentialId)
        .where('version', '=', change.version)
        .executeTakeFirst();
      assert.ok(row, 'the new version is visible to the listener');
      if (seen.length === 2) throw new Error('job queue is down');
    });
    await service.addRequirementVersion(SYSTEM, credential.code, {
      tree: { kind: 'exam', id: 'e', examCode: exam.code },
      effectiveAt: '2026-01-01',
    });
    assert.equal(seen[0]!.credentialCode, credential.code);
    assert.equal(seen[0]!.version, 1);
    await assert.rejects(
      service.addRequirementVersion(SYSTEM, credential.code, {
        tree: { kind: 'exam', id: 'e', examCode: exam.code, minScore: 800 },
        effectiveAt: '2026-02-01',
      }),
      /job queue is down/,
    );
    assert.equal((await service.credentialByCode(credential.code))?.requirements.length, 1);
  });

  test('concurrent saves take different version numbers, and cannot together make a cycle', async () => {
    const exam = await givenExam(t);
    const credential = await givenCredential(t);
    const other = await secondHandle(t);
    try {
      const a = new CatalogService(t.db);
      const b = new CatalogService(other.db);
      const tree = { kind: 'exam', id: 'e', examCode: exam.code };
      const saved = await Promise.all([
        a.addRequirementVersion(SYSTEM, credential.code, { tree, effectiveAt: '2026-01-01' }),
        b.addRequirementVersion(SYSTEM, credential.code, { tree, effectiveAt: '2026-01-01' }),
      ]);
      assert.deepEqual(saved.map((v) => v.version).sort(), [1, 2]);

      const x = await givenCredential(t);
      const y = await givenCredential(t);
      const results = await Promise.allSettled([
        a.addRequirementVersion(SYSTEM, x.code, {
          tree: { kind: 'credential', id: 'y', credentialCode: y.code },
          effectiveAt: '2026-01-01',
        }),
        b.addRequirementVersion(SYSTEM, y.code, {
          tree: { kind: 'credential', id: 'x', credentialCode: x.code },
          effectiveAt: '2026-01-01',
        }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status).sort(),
        ['fulfilled', 'rejected'],
        'exactly one of the two halves of the cycle is saved',
      );
    } finally {
      await other.close();
    }
  });
});
