import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Candidate,
  decide,
  dependentCredentials,
  mergeEvidence,
  overdueAwards,
  versionInForce,
  type AwardRecord,
  type CredentialRules,
} from './award-rules.ts';
import {
  CREDENTIAL_NUMBER_PATTERN,
  formatCredentialNumber,
  newCredentialNumber,
  normalizeCredentialNumber,
} from './credential-number.ts';
import type { ResultFact } from './evaluator.ts';
import type { RequirementNode } from './requirements.ts';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const exam = (examCode: string, id = `e-${examCode}`): RequirementNode => ({
  kind: 'exam',
  id,
  examCode,
});

function credential(
  overrides: Partial<CredentialRules> & { tree?: RequirementNode } = {},
): CredentialRules {
  const { tree, ...rest } = overrides;
  return {
    id: 1,
    code: 'CA',
    validityMonths: 24,
    recertification: { requirementsAgain: false, exams: [], higherCredentials: [], credits: null },
    requirements: [{ version: 1, tree: tree ?? exam('E1'), effectiveAt: d('2000-01-01') }],
    ...rest,
  };
}

let nextId = 1;
function result(examCode: string, takenAt: string, extra: Partial<ResultFact> = {}): ResultFact {
  return {
    id: String(nextId++),
    examCode,
    examVersion: '',
    score: 800,
    passed: true,
    takenAt: d(takenAt),
    revoked: false,
    ...extra,
  };
}

function award(overrides: Partial<AwardRecord>): AwardRecord {
  return {
    id: 100,
    credentialId: 1,
    credentialCode: 'CA',
    status: 'active',
    awardedAt: d('2024-01-01'),
    expiresAt: d('2026-01-01'),
    lastRenewedAt: null,
    statusChangedAt: null,
    requirementVersion: 1,
    evidence: [],
    keptRefs: [],
    ...overrides,
  };
}

function candidate(
  results: ResultFact[],
  awards: AwardRecord[] = [],
  credits: { id: string; categoryCode: string; amount: number; earnedAt: Date }[] = [],
) {
  return new Candidate({ facts: { results, trainings: [], agreements: [], credits }, awards });
}

const at = d('2025-06-01');

describe('decide: new awards', () => {
  test('met: award on metAt, expiring validity months later', () => {
    const decision = decide(credential(), candidate([result('E1', '2025-02-10')]), at);
    assert.equal(decision.kind, 'award');
    if (decision.kind !== 'award') return;
    assert.equal(decision.awardedAt.getTime(), d('2025-02-10').getTime());
    assert.equal(decision.expiresAt?.getTime(), d('2027-02-10').getTime());
    assert.equal(decision.expired, false);
    assert.equal(decision.version, 1);
  });

  test('not met, or met only by a failed or revoked attempt: nothing', () => {
    assert.deepEqual(decide(credential(), candidate([]), at), { kind: 'none' });
    assert.deepEqual(
      decide(
        credential(),
        candidate([
          result('E1', '2025-01-01', { passed: false }),
          result('E1', '2025-01-02', { revoked: true }),
        ]),
        at,
      ),
      { kind: 'none' },
    );
  });

  test('validity already over: created expired', () => {
    const decision = decide(
      credential({ validityMonths: 12 }),
      candidate([result('E1', '2020-01-01')]),
      at,
    );
    assert.equal(decision.kind === 'award' && decision.expired, true);
  });

  test('after an expired award: only evidence newer than its last (re)award date counts', () => {
    const expired = award({
      status: 'expired',
      awardedAt: d('2021-01-01'),
      expiresAt: d('2023-01-01'),
      lastRenewedAt: d('2022-01-01'),
    });
    const old = [result('E1', '2021-01-01'), result('E1', '2021-06-01')];
    assert.deepEqual(decide(credential(), candidate(old, [expired]), at), { kind: 'none' });
    const decision = decide(
      credential(),
      candidate([...old, result('E1', '2022-03-01')], [expired]),
      at,
    );
    assert.equal(decision.kind, 'award');
    assert.equal(
      decision.kind === 'award' && decision.awardedAt.getTime(),
      d('2022-03-01').getTime(),
    );
  });

  test('after a revoked award: only evidence newer than the revocation counts; agreements still do', () => {
    const revoked = award({ status: 'revoked', statusChangedAt: d('2025-03-01') });
    const tree: RequirementNode = {
      kind: 'all',
      id: 'root',
      children: [exam('E1'), { kind: 'agreement', id: 'ag', agreementCode: 'CAND' }],
    };
    const agreement = { id: '9', agreementCode: 'CAND', version: 1, acceptedAt: d('2019-01-01') };
    const facts = (results: ResultFact[]) =>
      new Candidate({
        facts: { results, trainings: [], agreements: [agreement], credits: [] },
        awards: [revoked],
      });
    assert.deepEqual(decide(credential({ tree }), facts([result('E1', '2025-02-01')]), at), {
      kind: 'none',
    });
    assert.equal(
      decide(credential({ tree }), facts([result('E1', '2025-04-01')]), at).kind,
      'award',
    );
  });

  test('judged by the version in force at the date', () => {
    const c = credential({
      requirements: [
        { version: 1, tree: exam('E1'), effectiveAt: d('2000-01-01') },
        { version: 2, tree: exam('E2'), effectiveAt: d('2025-05-01') },
        { version: 3, tree: exam('E3'), effectiveAt: d('2030-01-01') },
      ],
    });
    assert.equal(versionInForce(c.requirements, at)?.version, 2);
    assert.deepEqual(decide(c, candidate([result('E1', '2025-01-01')]), at), { kind: 'none' });
    assert.equal(decide(c, candidate([result('E2', '2025-01-01')]), at).kind, 'award');
  });
});

describe('decide: live awards', () => {
  test('nothing to do without a renewal rule or newer evidence', () => {
    const live = award({ evidence: [{ type: 'result', id: '1' }] });
    const c = candidate(
      [result('E1', '2024-01-01', { id: '1' }), result('E1', '2025-01-01')],
      [live],
    );
    assert.deepEqual(decide(credential(), c, at), { kind: 'none' });
  });

  test('renewal: the earliest qualifying way wins', () => {
    const rules = credential({
      recertification: {
        requirementsAgain: true,
        exams: ['R1'],
        higherCredentials: [],
        credits: { category: 'CPE', minimum: 10 },
      },
    });
    const live = award({ evidence: [{ type: 'result', id: '1' }] });
    const c = new Candidate({
      facts: {
        results: [
          result('E1', '2024-01-01', { id: '1' }),
          result('E1', '2025-03-01'),
          result('R1', '2025-02-01'),
        ],
        trainings: [],
        agreements: [],
        credits: [
          { id: '50', categoryCode: 'CPE', amount: 4, earnedAt: d('2024-06-01') },
          { id: '51', categoryCode: 'CPE', amount: 6, earnedAt: d('2025-01-15') },
        ],
      },
      awards: [live],
    });
    const decision = decide(rules, c, at);
    assert.equal(decision.kind, 'renew');
    if (decision.kind !== 'renew') return;
    assert.equal(decision.path, 'credits');
    assert.equal(decision.renewedAt.getTime(), d('2025-01-15').getTime());
    assert.equal(decision.expiresAt?.getTime(), d('2027-01-15').getTime());
    assert.deepEqual(decision.renewalEvidence, [
      { type: 'credit', id: '50' },
      { type: 'credit', id: '51' },
    ]);
  });

  test('an overdue award is expired first, never renewed', () => {
    const live = award({ expiresAt: d('2025-05-01') });
    assert.deepEqual(
      overdueAwards([live], at).map((a) => a.id),
      [100],
    );
    const rules = credential({
      recertification: {
        requirementsAgain: false,
        exams: ['R1'],
        higherCredentials: [],
        credits: null,
      },
    });
    assert.deepEqual(decide(rules, candidate([result('R1', '2025-05-15')], [live]), at), {
      kind: 'none',
    });
  });

  test('a revoked result: revoke unless still met, then re-evidence; kept refs are left alone', () => {
    const first = result('E1', '2024-01-01', { revoked: true });
    const live = award({ evidence: [{ type: 'result', id: first.id }] });
    assert.deepEqual(decide(credential(), candidate([first], [live]), at), {
      kind: 'revoke',
      awardId: 100,
      revokedRefs: [{ type: 'result', id: first.id }],
    });
    const other = result('E1', '2023-12-01');
    const decision = decide(credential(), candidate([first, other], [live]), at);
    assert.equal(decision.kind, 'reevidence');
    assert.deepEqual(decision.kind === 'reevidence' && decision.evidence, [
      { type: 'result', id: other.id },
    ]);
    const kept = award({ evidence: live.evidence, keptRefs: [`result:${first.id}`] });
    assert.deepEqual(decide(credential(), candidate([first], [kept]), at), { kind: 'none' });
  });
});

describe('dependents and evidence', () => {
  test('dependentCredentials follows credential nodes and higher credentials, transitively', () => {
    const a = credential({ id: 1, code: 'A' });
    const b = credential({
      id: 2,
      code: 'B',
      tree: { kind: 'credential', id: 'c', credentialCode: 'A' },
    });
    const c = credential({
      id: 3,
      code: 'C',
      tree: { kind: 'credential', id: 'c', credentialCode: 'B' },
    });
    const lower = credential({
      id: 4,
      code: 'L',
      recertification: {
        requirementsAgain: false,
        exams: [],
        higherCredentials: ['C'],
        credits: null,
      },
    });
    const unrelated = credential({ id: 5, code: 'U' });
    assert.deepEqual(
      [...dependentCredentials([a, b, c, lower, unrelated], [1])].sort(),
      [1, 2, 3, 4],
    );
    assert.deepEqual([...dependentCredentials([a, b, c, lower, unrelated], [5])], [5]);
  });

  test('mergeEvidence: no duplicates, in the evaluator order', () => {
    assert.deepEqual(
      mergeEvidence(
        [
          { type: 'credit', id: '2' },
          { type: 'result', id: '10' },
        ],
        [
          { type: 'result', id: '9' },
          { type: 'credit', id: '2' },
        ],
      ),
      [
        { type: 'result', id: '9' },
        { type: 'result', id: '10' },
        { type: 'credit', id: '2' },
      ],
    );
  });
});

describe('credential numbers', () => {
  test('16 Crockford base32 digits in four groups, from 80 random bits', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = newCredentialNumber();
      assert.match(n, CREDENTIAL_NUMBER_PATTERN);
      seen.add(n);
    }
    assert.equal(seen.size, 200);
    assert.equal(formatCredentialNumber(new Uint8Array(10)), '0000-0000-0000-0000');
    assert.equal(formatCredentialNumber(new Uint8Array(10).fill(255)), 'ZZZZ-ZZZZ-ZZZZ-ZZZZ');
  });

  test('typed numbers are read generously', () => {
    assert.equal(normalizeCredentialNumber(' abcd efgh jkmn pqrs '), 'ABCD-EFGH-JKMN-PQRS');
    assert.equal(normalizeCredentialNumber('o1il-0000-0000-0000'), '0111-0000-0000-0000');
    assert.equal(normalizeCredentialNumber('ABCD-EFGH-JKMN-PQRU'), undefined);
    assert.equal(normalizeCredentialNumber('short'), undefined);
  });
});
