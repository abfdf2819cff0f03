import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import { decode, freshIp, get, givenAccount, givenProgram, signIn } from '../helpers/accounts.ts';
import {
  daysAgo,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
  type PagesCatalog,
} from '../helpers/catalog-pages.ts';
import { CATALOG_FINGERPRINT_SQL } from '../../src/features/catalog/index.ts';
import { codeLookup } from '../../src/features/progress/awarding.ts';
import { candidateRows } from '../../src/features/progress/candidate.repository.ts';
import { candidateFromRows, loadCandidates } from '../../src/features/progress/facts.repository.ts';
import { toAwardView } from '../../src/features/progress/progress.service.ts';
import type { Facts } from '../../src/features/progress/evaluator.ts';

/**
 * The candidate pages read a candidate in one statement (candidate.repository.ts)
 * instead of the engine's query per table: it must give exactly what the
 * engine reads, and pages must never show anything older than the database.
 */

let t: TestApp;
let catalog: PagesCatalog;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  catalog = await givenPagesCatalog(t.db);
});
after(async () => {
  await t?.close();
});

const byId = <T extends { id: string }>(list: readonly T[]) =>
  [...list].sort((a, b) => Number(a.id) - Number(b.id));
const sorted = (f: Omit<Facts, 'awards'>) => ({
  results: byId(f.results),
  trainings: byId(f.trainings),
  agreements: byId(f.agreements),
  credits: byId(f.credits),
});

function text(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

async function signedIn(): Promise<{ id: number; jar: CookieJar }> {
  const account = await givenAccount(t.app);
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { id: account.id, jar };
}

describe('the candidate pages’ one-statement read', () => {
  test('gives the same facts and awards as the engine’s reads, to the millisecond', async () => {
    const me = await signedIn();
    const app = t.app;
    // Every kind of fact, and the awkward values: a pass without a score, a fail,
    // a revoked result, credits with decimals, an evidence-sourced training.
    await givenResult(app, me.id, 'ACS-101', 720, daysAgo(400));
    const revoked = await givenResult(app, me.id, 'ACS-201', 760, daysAgo(300));
    await app.progress.revokeResult(null, revoked, 'misconduct');
    await givenResult(app, me.id, 'ACS-202', 100, daysAgo(200));
    await app.progress.recordResult(null, me.id, {
      examCode: 'ACS-202',
      passed: true,
      takenAt: daysAgo(100),
      reason: 'test',
      source: 'manual',
    });
    await givenTrainingCompletion(app, me.id, daysAgo(390));
    await app.progress.recordTraining(null, me.id, {
      courseCode: 'TRN-CLOUD',
      completedAt: daysAgo(20),
      source: 'evidence',
      reason: 'from evidence',
    });
    await app.progress.recordAgreement(null, me.id, {
      agreementCode: 'CAND',
      version: 1,
      acceptedAt: daysAgo(500),
      source: 'manual',
      reason: 'test',
    });
    await app.progress.recordCredits(null, me.id, {
      categoryCode: 'CE-GEN',
      amount: 2.75,
      earnedAt: daysAgo(10),
      source: 'manual',
      reason: 'test',
    });
    // A timestamp finer than a millisecond, as SQL's now() writes them.
    await sql`update results set taken_at = taken_at + interval '123.456 microseconds' where user_id = ${me.id}`.execute(
      t.db,
    );
    await t.db
      .insertInto('evidence_submissions')
      .values({
        user_id: me.id,
        kind: 'credits',
        category_id: catalog.categoryId,
        amount: '1.00',
        occurred_on: '2026-01-05',
        file_name: 'c.pdf',
        content_type: 'application/pdf',
        file_size: 4,
        file: Buffer.from('%PDF'),
      })
      .execute();

    const defs = await app.catalog.definitions();
    const rows = await candidateRows(app.platform.prepared, me.id);
    const mine = candidateFromRows(me.id, rows, codeLookup(defs));
    const engine = (await loadCandidates(t.db, [me.id], codeLookup(defs))).get(me.id)!;

    assert.equal(mine.facts.results.length, 4);
    assert.ok(mine.awards.length >= 1, 'the engine awarded CSA');
    assert.deepEqual(sorted(mine.facts), sorted(engine.facts));
    assert.deepEqual(
      [...mine.resultMeta].sort(([a], [b]) => Number(a) - Number(b)),
      [...engine.resultMeta].sort(([a], [b]) => Number(a) - Number(b)),
    );
    // What a program manager decided to keep only matters to the engine; the rest is equal.
    assert.deepEqual(
      mine.awards.map((a) => ({ ...a, keptRefs: [] })).sort((a, b) => a.id - b.id),
      engine.awards.map((a) => ({ ...a, keptRefs: [] })).sort((a, b) => a.id - b.id),
    );
    assert.deepEqual(
      rows.awards.map((r) => toAwardView(r, defs)),
      await app.progress.awardsOf(me.id),
    );
    assert.deepEqual(
      [...rows.trainingSources.values()].sort(),
      ['evidence', 'manual'],
      'how each training was recorded',
    );
    assert.equal(rows.pendingEvidence, 1);
    const { rows: fp } = await sql<{
      f: string;
    }>`select ${sql.raw(CATALOG_FINGERPRINT_SQL)} as f`.execute(t.db);
    assert.equal(rows.catalogFingerprint, fp[0]!.f);
  });

  test('a candidate with nothing gets empty lists, not an error', async () => {
    const me = await signedIn();
    const rows = await candidateRows(t.app.platform.prepared, me.id);
    assert.deepEqual(
      [rows.results, rows.trainings, rows.agreements, rows.credits, rows.awards],
      [[], [], [], [], []],
    );
    assert.equal(rows.pendingEvidence, 0);
  });
});

describe('pages are never older than the database', () => {
  test('a result that arrives after a page was shown is on the next page: earned, not "in reach"', async () => {
    const me = await signedIn();
    await givenTrainingCompletion(t.app, me.id, daysAgo(30));
    const before = await get(t.app, '/credentials/CSA', me.jar);
    assert.equal(before.statusCode, 200);
    assert.match(text(before.body), /Requirements met so far/);
    assert.doesNotMatch(text(before.body), /You meet the requirements/);
    const dashBefore = text((await get(t.app, '/dashboard', me.jar)).body);
    assert.match(dashBefore, /You do not hold any credentials yet/);

    await givenResult(t.app, me.id, 'ACS-101', 780, daysAgo(1));

    const page = text((await get(t.app, '/credentials/CSA', me.jar)).body);
    assert.match(page, /You meet the requirements/);
    assert.match(page, /Credential number/);
    const dashboard = text((await get(t.app, '/dashboard', me.jar)).body);
    assert.doesNotMatch(dashboard, /You do not hold any credentials yet/);
    assert.match(dashboard, /Cloud Security Associate/);
  });

  test('a catalog change made behind the service’s back (another process) shows on the next page', async () => {
    const me = await signedIn();
    const first = text((await get(t.app, '/credentials/CSP', me.jar)).body);
    assert.match(first, /Cloud Networking/);
    // Warm the cached definitions, then change a title and add a requirement version directly.
    await t.db
      .updateTable('exams')
      .set({ title: 'Cloud Networking Essentials' })
      .where('id', '=', catalog.exams['ACS-202'])
      .execute();
    const renamed = text((await get(t.app, '/credentials/CSP', me.jar)).body);
    assert.match(renamed, /Cloud Networking Essentials/);
    const dashboard = await get(t.app, '/dashboard', me.jar);
    assert.equal(dashboard.statusCode, 200);

    await t.db
      .insertInto('credential_requirements')
      .values({
        credential_id: catalog.credentials.CSP,
        version: 2,
        effective_at: daysAgo(1),
        tree: JSON.stringify({ kind: 'exam', id: 'only', examCode: 'ACS-201' }),
      })
      .execute();
    const versioned = text((await get(t.app, '/credentials/CSP', me.jar)).body);
    assert.doesNotMatch(versioned, /Cloud Networking Essentials/);
    assert.match(versioned, /Cloud Security Advanced/);
  });
});
