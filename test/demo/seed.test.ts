import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { AwardView } from '../../src/features/progress/index.ts';
import {
  DEMO_CANDIDATE_PASSWORD,
  DEMO_STORIES,
  MORE_CANDIDATES,
} from '../../src/demo/candidates.ts';
import { DEMO_CREDENTIALS, DEMO_EXAMS } from '../../src/demo/program.ts';
import { ago, monthsAgo } from '../../src/demo/dates.ts';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET, seedDemo } from '../../src/demo/seed.ts';
import { EvidenceService } from '../../src/features/progress/evidence.service.ts';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import { freshIp, get, signIn } from '../helpers/accounts.ts';

const DAY = 86_400_000;

let t: TestApp;
let seededAt: number;
let firstSeed: boolean;

async function userId(username: string): Promise<number> {
  const row = await t.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function awards(username: string): Promise<Map<string, AwardView>> {
  const list = await t.app.progress.awardsOf(await userId(username));
  const map = new Map<string, AwardView>();
  // Newest first: keep the newest award of each credential.
  for (const a of list) if (!map.has(a.credentialCode)) map.set(a.credentialCode, a);
  return map;
}

function activeUntil(award: AwardView | undefined, from: number, to: number, label: string) {
  assert.ok(award, `${label}: no award`);
  assert.equal(award.status, 'active', `${label}: status`);
  assert.ok(award.expiresAt, `${label}: no expiry`);
  const expires = award.expiresAt.getTime();
  assert.ok(
    expires > from && expires <= to,
    `${label}: expires ${award.expiresAt.toISOString()}, expected between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}`,
  );
}

async function counts() {
  const row = await sql<Record<string, number>>`
    select
      (select count(*)::int from users) as users,
      (select count(*)::int from exams) as exams,
      (select count(*)::int from credentials) as credentials,
      (select count(*)::int from credential_requirements) as requirements,
      (select count(*)::int from results) as results,
      (select count(*)::int from awards) as awards,
      (select count(*)::int from evidence_submissions) as evidence,
      (select count(*)::int from audit_events) as audit`.execute(t.db);
  return row.rows[0]!;
}

describe('demo seed', () => {
  before(async () => {
    t = await createTestApp();
    seededAt = Date.now();
    firstSeed = await seedDemo(t.app);
  });
  after(async () => {
    await t?.close();
  });

  test('seeds an empty database', () => {
    assert.equal(firstSeed, true);
  });

  test('a dozen exams and assessments, six published credentials at three levels, one draft', async () => {
    const defs = await t.app.catalog.definitions();
    const exams = [...defs.exams.values()];
    assert.ok(exams.length >= 12, `${exams.length} exams`);
    assert.equal(exams.length, DEMO_EXAMS.length);
    assert.ok(exams.some((e) => e.kind === 'assessment'));
    assert.ok(exams.every((e) => e.passingScore > 0 && e.scoreMax === 1000));
    const today = new Date(seededAt).toISOString().slice(0, 10);
    assert.ok(
      exams.some((e) =>
        e.versions.some((v) => v.availableUntil !== null && v.availableUntil < today),
      ),
      'one retired exam version',
    );
    assert.ok(defs.trainings.size >= 2);
    assert.ok(defs.creditCategories.size >= 1);
    assert.equal(defs.agreements.get('CANDIDATE')?.versions.length, 2);

    const published = defs.credentials.filter((c) => c.status === 'published');
    assert.ok(published.length >= 6, `${published.length} published credentials`);
    assert.deepEqual(
      new Set(published.map((c) => c.level)),
      new Set(['Associate', 'Professional', 'Expert']),
    );
    assert.ok(published.some((c) => c.kind === 'accreditation'));
    assert.deepEqual(
      defs.credentials.filter((c) => c.status === 'draft').map((c) => c.code),
      ['CCE-DATA'],
    );
    // Every recertification way is used somewhere.
    const recert = published.map((c) => c.recertification);
    assert.ok(recert.some((r) => r.requirementsAgain));
    assert.ok(recert.some((r) => r.exams.length > 0));
    assert.ok(recert.some((r) => r.higherCredentials.length > 0));
    assert.ok(recert.some((r) => r.credits !== null));
    assert.ok(published.every((c) => c.validityMonths !== null));
  });

  test('every requirement version validates, and the trees use every kind of node', async () => {
    const defs = await t.app.catalog.definitions();
    const kinds = new Set<string>();
    const features = new Set<string>();
    for (const credential of defs.credentials) {
      assert.ok(credential.requirements.length > 0, `${credential.code} has requirements`);
      for (const version of credential.requirements) {
        const { problems } = await t.app.catalog.checkRequirements(credential.code, version.tree);
        assert.deepEqual(problems, [], `${credential.code} v${version.version}`);
        const walk = (node: typeof version.tree) => {
          kinds.add(node.kind);
          if (node.kind === 'any' && node.count > 1) features.add('any N');
          if ('withinMonths' in node && node.withinMonths) features.add('recency');
          if (node.kind === 'exam' && node.minScore) features.add('minimum score');
          if (node.kind === 'all' || node.kind === 'any') node.children.forEach(walk);
        };
        walk(version.tree);
      }
    }
    assert.deepEqual([...kinds].sort(), [
      'agreement',
      'all',
      'any',
      'credential',
      'exam',
      'training',
    ]);
    assert.deepEqual([...features].sort(), ['any N', 'minimum score', 'recency']);
    // One credential has a second requirement version, in force today.
    const expert = defs.credentialsByCode.get('CCE-ARCH')!;
    assert.equal(expert.requirements.length, 2);
    assert.equal(t.app.catalog.requirementsInForce(expert, new Date())?.version, 2);
    assert.equal(
      DEMO_CREDENTIALS.reduce((n, c) => n + c.requirements.length, 0),
      defs.credentials.reduce((n, c) => n + c.requirements.length, 0),
    );
  });

  test('the accounts: one per role, and the extra candidates', async () => {
    const usernames = (await t.db.selectFrom('users').select('username').execute()).map(
      (u) => u.username,
    );
    for (const a of [...DEMO_ACCOUNTS, ...MORE_CANDIDATES])
      assert.ok(usernames.includes(a.username), a.username);
    assert.ok(MORE_CANDIDATES.length >= 4 && MORE_CANDIDATES.length <= 6);
    assert.equal(
      DEMO_ACCOUNTS.find((a) => a.username === 'casey')?.password,
      DEMO_CANDIDATE_PASSWORD,
    );
  });

  test('casey: accreditation active, Associate expiring soon, Professional half-way, evidence pending', async () => {
    const list = await awards('casey');
    assert.equal(list.get('CAA')?.status, 'active');
    activeUntil(list.get('CCA'), seededAt + 30 * DAY, seededAt + 60 * DAY, 'casey CCA');
    assert.equal(list.has('CCP-ARCH'), false);
    const id = await userId('casey');
    const professional = await t.app.progress.credentialProgress(id, 'CCP-ARCH');
    assert.ok(professional && professional.evaluation.percent > 50);
    assert.equal(professional.evaluation.met, false);
    const history = await t.app.progress.history(id);
    const failed = history.find((r) => r.examCode === 'SEC-220');
    assert.equal(failed?.passed, false);
    assert.ok(failed?.retake?.allowedFrom && failed.retake.allowedFrom.getTime() > seededAt);
    assert.ok(history.some((r) => r.examCode === 'ACS-101' && r.examVersion === '1.0'));
    const pending = await t.db
      .selectFrom('evidence_submissions')
      .select(['status', 'kind'])
      .where('user_id', '=', id)
      .execute();
    assert.deepEqual(pending, [{ status: 'pending', kind: 'credits' }]);
  });

  test('robin has nothing yet', async () => {
    const id = await userId('robin');
    assert.equal((await awards('robin')).size, 0);
    assert.equal((await t.app.progress.history(id)).length, 0);
  });

  test('jordan is half-way: no credential, progress toward two', async () => {
    const id = await userId('jordan');
    assert.equal((await awards('jordan')).size, 0);
    for (const code of ['CAA', 'CCA']) {
      const p = await t.app.progress.credentialProgress(id, code);
      assert.ok(p && p.evaluation.percent >= 50 && !p.evaluation.met, code);
    }
  });

  test('priya is certified: Expert, and earning it renewed her Professional and Associate', async () => {
    const list = await awards('priya');
    const expert = list.get('CCE-ARCH');
    activeUntil(expert, seededAt + 30 * 30 * DAY, seededAt + 36 * 31 * DAY, 'priya CCE-ARCH');
    for (const code of ['CCP-ARCH', 'CCA']) {
      const award = list.get(code);
      assert.equal(award?.status, 'active', code);
      assert.equal(award.lastRenewedAt?.getTime(), expert!.awardedAt.getTime(), `${code} renewed`);
    }
  });

  test('mei is certified: three credentials, renewed by the recertification exam and by credits', async () => {
    const list = await awards('mei');
    for (const code of ['CCA', 'CCP-OPS', 'CCS-SEC'])
      assert.equal(list.get(code)?.status, 'active');
    const ops = list.get('CCP-OPS')!;
    assert.ok(ops.lastRenewedAt && ops.lastRenewedAt.getTime() > seededAt - 40 * DAY);
    const events = await t.db
      .selectFrom('award_events')
      .innerJoin('awards', 'awards.id', 'award_events.award_id')
      .select(['award_events.details'])
      .where('awards.user_id', '=', await userId('mei'))
      .where('award_events.kind', '=', 'renewed')
      .execute();
    const paths = new Set(events.map((e) => (e.details as { path?: string }).path));
    for (const path of ['exam', 'credits', 'higher_credential'])
      assert.ok(paths.has(path), `renewed by ${path}: ${[...paths].join(', ')}`);
  });

  test('tomas has an Associate that expires within 30 days', async () => {
    activeUntil((await awards('tomas')).get('CCA'), seededAt, seededAt + 30 * DAY, 'tomas CCA');
  });

  test('lena has an expired Associate', async () => {
    const cca = (await awards('lena')).get('CCA');
    assert.equal(cca?.status, 'expired');
    assert.ok(cca.expiresAt && cca.expiresAt.getTime() < seededAt);
  });

  test('every story reaches its stage; the draft credential is awarded to nobody', async () => {
    assert.deepEqual(
      DEMO_STORIES.map((s) => [s.username, s.stage]),
      [
        ['casey', 'mixed'],
        ['robin', 'nothing yet'],
        ['jordan', 'half-way'],
        ['priya', 'certified'],
        ['mei', 'certified'],
        ['tomas', 'expiring soon'],
        ['lena', 'expired'],
      ],
    );
    const draft = await t.db
      .selectFrom('awards')
      .innerJoin('credentials', 'credentials.id', 'awards.credential_id')
      .select('awards.id')
      .where('credentials.code', '=', 'CCE-DATA')
      .execute();
    assert.equal(draft.length, 0);
  });

  test('casey signs in and sees the dashboard, credentials and history', async () => {
    const jar = cookieJar();
    await signIn(
      t,
      jar,
      { username: 'casey', password: DEMO_CANDIDATE_PASSWORD },
      { ip: freshIp() },
    );
    for (const [url, expected] of [
      ['/dashboard', 'Corvid Certified Cloud Associate'],
      ['/credentials', 'Corvid Certified Expert'],
      ['/history', 'SEC-220'],
    ] as const) {
      const response = await get(t.app, url, jar);
      assert.equal(response.statusCode, 200, url);
      assert.ok(response.body.includes(expected), `${url} mentions ${expected}`);
    }
  });

  test('morgan sees the catalog, the holders, the candidates and the evidence queue', async () => {
    const jar = cookieJar();
    const morgan = DEMO_ACCOUNTS.find((a) => a.username === 'morgan')!;
    await signIn(
      t,
      jar,
      { username: morgan.username, password: morgan.password, totpSecret: DEMO_TOTP_SECRET },
      { ip: freshIp() },
    );
    for (const [url, expected] of [
      ['/console/catalog/exams', 'ACS-R01'],
      ['/console/catalog/exams/ACS-101', '2.0'],
      ['/console/catalog/credentials', 'CCE-DATA'],
      ['/console/catalog/credentials/CCE-ARCH', 'Corvid Certified Expert'],
      ['/console/credentials/CCA/holders', 'Corvid Certified Cloud Associate'],
      [`/console/candidates/${await userId('priya')}`, 'Priya'],
      ['/console/evidence', 'Casey'],
    ] as const) {
      const response = await get(t.app, url, jar);
      assert.equal(response.statusCode, 200, url);
      assert.ok(response.body.includes(expected), `${url} mentions ${expected}`);
    }
  });

  test("approving casey's pending evidence renews her Associate by credits", async () => {
    const id = await userId('casey');
    const morgan = await userId('morgan');
    const submission = await t.db
      .selectFrom('evidence_submissions')
      .select('id')
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    const evidence = new EvidenceService(t.db, t.app.catalog, t.app.progress, t.app.accounts);
    const outcome = await evidence.decide(
      { userId: morgan },
      submission.id,
      'approve',
      'Certificate checked.',
      '127.0.0.1',
    );
    assert.deepEqual(outcome, { ok: true });
    const cca = (await awards('casey')).get('CCA');
    activeUntil(cca, seededAt + 23 * 30 * DAY, seededAt + 24 * 31 * DAY, 'casey CCA renewed');
    assert.ok(cca?.lastRenewedAt);
  });

  test('a pass of NET-230 awards casey the Professional, which renews her Associate', async () => {
    const id = await userId('casey');
    await t.app.progress.recordResult(null, id, {
      examCode: 'NET-230',
      score: 801,
      takenAt: new Date(),
      source: 'provider',
      reason: '',
    });
    const list = await awards('casey');
    const professional = list.get('CCP-ARCH');
    assert.equal(professional?.status, 'active');
    assert.equal(list.get('CCA')?.lastRenewedAt?.getTime(), professional.awardedAt.getTime());
  });

  test('seeding again does nothing', async () => {
    const before = await counts();
    assert.equal(await seedDemo(t.app), false);
    assert.deepEqual(await counts(), before);
  });
});

describe('demo dates', () => {
  // The stories are dated back from the moment of seeding; they must reach
  // their stages whatever the day (month ends, leap years included).
  const days = Array.from({ length: 800 }, (_, i) => new Date(Date.UTC(2027, 0, 1, 7) + i * DAY));
  const whenOf = (now: Date, at: readonly [number, number], hour = 10) =>
    ago(now, at[0], at[1], hour);
  const story = (username: string) => DEMO_STORIES.find((s) => s.username === username)!;
  const firstPass = (now: Date, username: string, exam: string) => {
    const fact = story(username).facts.find(
      (f) => f.kind === 'result' && f.exam === exam && f.score >= 700,
    )!;
    return whenOf(now, fact.at);
  };

  test('facts are in the past and in order, on every day', () => {
    for (const now of days) {
      for (const s of DEMO_STORIES) {
        let previous = 0;
        for (const fact of s.facts) {
          const at = whenOf(now, fact.at, fact.kind === 'result' ? 10 : 14).getTime();
          assert.ok(at <= now.getTime(), `${s.username} ${fact.kind} in the future`);
          assert.ok(at >= previous, `${s.username}: facts out of order on ${now.toISOString()}`);
          previous = at;
        }
      }
    }
  });

  test('expiry dates land in their windows on every day', () => {
    for (const now of days) {
      const t0 = now.getTime();
      const expiry = (username: string) =>
        monthsAgo(firstPass(now, username, 'ACS-101'), -24).getTime();
      const tomas = expiry('tomas');
      assert.ok(tomas > t0 && tomas <= t0 + 30 * DAY, `tomas on ${now.toISOString()}`);
      const casey = expiry('casey');
      assert.ok(casey > t0 + 30 * DAY && casey <= t0 + 60 * DAY, `casey on ${now.toISOString()}`);
      assert.ok(expiry('lena') < t0, `lena on ${now.toISOString()}`);
      for (const username of ['priya', 'mei']) {
        assert.ok(expiry(username) > t0, `${username}'s Associate is renewed before it expires`);
      }
    }
  });
});
