import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addMonthsUTC,
  evaluate,
  type AgreementFact,
  type AwardFact,
  type CreditFact,
  type Evaluation,
  type Facts,
  type ResultFact,
  type TrainingFact,
} from './evaluator.ts';
import {
  parseRequirementTree,
  validateRequirementTree,
  type KnownCodes,
  type RequirementNode,
} from './requirements.ts';

// Examples of every node kind and of the edges that matter to candidates:
// recency windows at exactly N months, revoked results, expired and
// suspended awards, versions, minimum scores, partial credits, `any N`.
// The general laws are in evaluator.property.test.ts.

const d = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00.000Z` : iso);
const AT = d('2025-06-15T12:00:00.000Z');

function facts(partial: Partial<Facts> = {}): Facts {
  return { results: [], awards: [], trainings: [], agreements: [], credits: [], ...partial };
}

function result(id: string, over: Partial<ResultFact> = {}): ResultFact {
  return {
    id,
    examCode: 'ACS-101',
    examVersion: '2024',
    score: 750,
    passed: true,
    takenAt: d('2025-01-10'),
    revoked: false,
    ...over,
  };
}

function award(id: string, over: Partial<AwardFact> = {}): AwardFact {
  return {
    id,
    credentialCode: 'CA',
    status: 'active',
    awardedAt: d('2024-03-01'),
    expiresAt: null,
    ...over,
  };
}

const training = (id: string, completedAt: string, courseCode = 'SEC-T'): TrainingFact => ({
  id,
  courseCode,
  completedAt: d(completedAt),
});
const agreement = (id: string, version: number, acceptedAt = '2024-01-01'): AgreementFact => ({
  id,
  agreementCode: 'CANDIDATE',
  version,
  acceptedAt: d(acceptedAt),
});
const credit = (
  id: string,
  amount: number,
  earnedAt: string,
  categoryCode = 'CPE',
): CreditFact => ({
  id,
  categoryCode,
  amount,
  earnedAt: d(earnedAt),
});

const exam = (over: Partial<Extract<RequirementNode, { kind: 'exam' }>> = {}): RequirementNode => ({
  kind: 'exam',
  id: 'x',
  examCode: 'ACS-101',
  ...over,
});

function metAt(e: Evaluation): string | null {
  return e.metAt?.toISOString() ?? null;
}

describe('exam requirements', () => {
  test('a passed result meets it, dated when it was taken', () => {
    const e = evaluate(exam(), facts({ results: [result('r1')] }), AT);
    assert.equal(e.met, true);
    assert.equal(metAt(e), '2025-01-10T00:00:00.000Z');
    assert.deepEqual(e.evidence, [{ type: 'result', id: 'r1' }]);
    assert.equal(e.percent, 100);
    assert.equal(e.root.missing, null);
  });

  test('a failed, a revoked, another exam’s or a later result does not count', () => {
    const e = evaluate(
      exam(),
      facts({
        results: [
          result('failed', { passed: false, score: 500 }),
          result('revoked', { revoked: true }),
          result('other', { examCode: 'ACS-102' }),
          result('later', { takenAt: d('2025-06-15T12:00:00.001Z') }),
        ],
      }),
      AT,
    );
    assert.equal(e.met, false);
    assert.equal(e.metAt, null);
    assert.deepEqual(e.evidence, []);
    assert.equal(e.percent, 0);
    assert.deepEqual(e.root.missing, { kind: 'exam', examCode: 'ACS-101' });
  });

  test('a result taken at the very instant of evaluation counts', () => {
    const e = evaluate(exam(), facts({ results: [result('r1', { takenAt: AT })] }), AT);
    assert.equal(e.met, true);
    assert.equal(metAt(e), AT.toISOString());
  });

  test('minScore: equal counts, one below does not', () => {
    const tree = exam({ minScore: 700 });
    assert.equal(evaluate(tree, facts({ results: [result('r', { score: 700 })] }), AT).met, true);
    const below = evaluate(tree, facts({ results: [result('r', { score: 699 })] }), AT);
    assert.equal(below.met, false);
    assert.deepEqual(below.root.missing, { kind: 'exam', examCode: 'ACS-101', minScore: 700 });
  });

  test('versions: only listed versions count', () => {
    const tree = exam({ versions: ['2023', '2024'] });
    assert.equal(
      evaluate(tree, facts({ results: [result('r', { examVersion: '2024' })] }), AT).met,
      true,
    );
    const old = evaluate(tree, facts({ results: [result('r', { examVersion: '2022' })] }), AT);
    assert.equal(old.met, false);
    assert.deepEqual(old.root.missing, {
      kind: 'exam',
      examCode: 'ACS-101',
      versions: ['2023', '2024'],
    });
  });

  test('recency: a result taken exactly N months before counts, a millisecond older does not', () => {
    const tree = exam({ withinMonths: 24 });
    const exactly = result('r', { takenAt: d('2023-06-15T12:00:00.000Z') });
    const older = result('r', { takenAt: d('2023-06-15T11:59:59.999Z') });
    const e = evaluate(tree, facts({ results: [exactly] }), AT);
    assert.equal(e.met, true);
    assert.equal(metAt(e), '2023-06-15T12:00:00.000Z');
    assert.equal(evaluate(tree, facts({ results: [older] }), AT).met, false);
  });

  test('recency at a month end: 31 January + 1 month ends on the last day of February', () => {
    const tree = exam({ withinMonths: 1 });
    const r = result('r', { takenAt: d('2024-01-31T09:00:00.000Z') });
    assert.equal(evaluate(tree, facts({ results: [r] }), d('2024-02-29T09:00:00.000Z')).met, true);
    assert.equal(evaluate(tree, facts({ results: [r] }), d('2024-02-29T09:00:00.001Z')).met, false);
  });

  test('recency: metAt is the earliest result still inside the window, not an older one', () => {
    const tree = exam({ withinMonths: 12 });
    const e = evaluate(
      tree,
      facts({
        results: [
          result('old', { takenAt: d('2023-01-01') }),
          result('newer', { takenAt: d('2025-02-01') }),
          result('mid', { takenAt: d('2024-08-01') }),
        ],
      }),
      AT,
    );
    assert.equal(metAt(e), '2024-08-01T00:00:00.000Z');
    assert.deepEqual(e.evidence, [{ type: 'result', id: 'mid' }]);
  });

  test('several qualifying results: the earliest is the evidence; a tie goes to the smaller id', () => {
    const same = d('2024-05-05');
    const e = evaluate(
      exam(),
      facts({
        results: [
          result('b', { takenAt: same }),
          result('c', { takenAt: d('2024-09-09') }),
          result('a', { takenAt: same }),
        ],
      }),
      AT,
    );
    assert.deepEqual(e.evidence, [{ type: 'result', id: 'a' }]);
    assert.equal(metAt(e), same.toISOString());
  });

  test('a result that is too low does not hide a later one that is high enough', () => {
    const e = evaluate(
      exam({ minScore: 800 }),
      facts({
        results: [
          result('low', { takenAt: d('2024-01-01'), score: 710 }),
          result('high', { takenAt: d('2024-06-01'), score: 820 }),
        ],
      }),
      AT,
    );
    assert.equal(metAt(e), '2024-06-01T00:00:00.000Z');
    assert.deepEqual(e.evidence, [{ type: 'result', id: 'high' }]);
  });
});

describe('credential requirements', () => {
  const tree: RequirementNode = { kind: 'credential', id: 'c', credentialCode: 'CA' };

  test('an active award without expiry meets it, dated when awarded', () => {
    const e = evaluate(tree, facts({ awards: [award('a1')] }), AT);
    assert.equal(e.met, true);
    assert.equal(metAt(e), '2024-03-01T00:00:00.000Z');
    assert.deepEqual(e.evidence, [{ type: 'award', id: 'a1' }]);
  });

  test('an award counts until the instant it expires, not at it', () => {
    const before = award('a1', { expiresAt: d('2025-06-15T12:00:00.001Z') });
    const at = award('a1', { expiresAt: AT });
    assert.equal(evaluate(tree, facts({ awards: [before] }), AT).met, true);
    const e = evaluate(tree, facts({ awards: [at] }), AT);
    assert.equal(e.met, false);
    assert.deepEqual(e.root.missing, { kind: 'credential', credentialCode: 'CA', held: 'expired' });
  });

  test('expired, suspended and revoked awards do not count, and say why', () => {
    for (const status of ['expired', 'suspended', 'revoked'] as const) {
      const e = evaluate(tree, facts({ awards: [award('a1', { status })] }), AT);
      assert.equal(e.met, false, status);
      assert.deepEqual(e.root.missing, { kind: 'credential', credentialCode: 'CA', held: status });
    }
  });

  test('no award, or one awarded after the date, is "none"', () => {
    for (const awards of [[], [award('a1', { awardedAt: d('2025-07-01') })]]) {
      const e = evaluate(tree, facts({ awards }), AT);
      assert.deepEqual(e.root.missing, { kind: 'credential', credentialCode: 'CA', held: 'none' });
    }
  });

  test('a renewed credential: the active award counts, the expired one is ignored', () => {
    const e = evaluate(
      tree,
      facts({
        awards: [
          award('old', {
            status: 'expired',
            awardedAt: d('2021-01-01'),
            expiresAt: d('2024-01-01'),
          }),
          award('new', { awardedAt: d('2023-12-01'), expiresAt: d('2026-12-01') }),
        ],
      }),
      AT,
    );
    assert.equal(metAt(e), '2023-12-01T00:00:00.000Z');
    assert.deepEqual(e.evidence, [{ type: 'award', id: 'new' }]);
  });
});

describe('training and agreement requirements', () => {
  test('training, with and without recency', () => {
    const plain: RequirementNode = { kind: 'training', id: 't', courseCode: 'SEC-T' };
    const recent: RequirementNode = { ...plain, withinMonths: 12 };
    const f = facts({ trainings: [training('t1', '2024-06-15T12:00:00.000Z')] });
    assert.equal(evaluate(plain, f, AT).met, true);
    assert.equal(evaluate(recent, f, AT).met, true, 'exactly 12 months');
    assert.equal(evaluate(recent, f, d('2025-06-15T12:00:00.001Z')).met, false);
    assert.deepEqual(evaluate(recent, facts(), AT).root.missing, {
      kind: 'training',
      courseCode: 'SEC-T',
      withinMonths: 12,
    });
  });

  test('agreement: any version, or a minimum version', () => {
    const any: RequirementNode = { kind: 'agreement', id: 'g', agreementCode: 'CANDIDATE' };
    const v2: RequirementNode = { ...any, version: 2 };
    assert.equal(evaluate(any, facts({ agreements: [agreement('g1', 1)] }), AT).met, true);
    const e = evaluate(v2, facts({ agreements: [agreement('g1', 1)] }), AT);
    assert.equal(e.met, false);
    assert.deepEqual(e.root.missing, { kind: 'agreement', agreementCode: 'CANDIDATE', version: 2 });
    const later = evaluate(
      v2,
      facts({ agreements: [agreement('g1', 1, '2023-01-01'), agreement('g3', 3, '2024-04-04')] }),
      AT,
    );
    assert.equal(metAt(later), '2024-04-04T00:00:00.000Z');
    assert.deepEqual(later.evidence, [{ type: 'agreement', id: 'g3' }]);
  });
});

describe('credits requirements', () => {
  const tree: RequirementNode = {
    kind: 'credits',
    id: 'k',
    categoryCode: 'CPE',
    minimum: 12.5,
    withinMonths: 36,
  };

  test('a partial sum: what is earned, what is needed, and partial progress', () => {
    const e = evaluate(
      tree,
      facts({ credits: [credit('k1', 5, '2024-01-01'), credit('k2', 4, '2024-02-01')] }),
      AT,
    );
    assert.equal(e.met, false);
    assert.deepEqual(e.root.missing, {
      kind: 'credits',
      categoryCode: 'CPE',
      minimum: 12.5,
      earned: 9,
      needed: 3.5,
      withinMonths: 36,
    });
    assert.equal(e.root.progress, 9 / 12.5);
    assert.equal(e.percent, 72);
    // What counts so far is shown, though the node is not met.
    assert.deepEqual(
      e.root.evidence.map((r) => r.id),
      ['k1', 'k2'],
    );
  });

  test('met on the date of the credit that reached the minimum; evidence is that prefix', () => {
    const e = evaluate(
      tree,
      facts({
        credits: [
          credit('k3', 4, '2024-03-01'),
          credit('k1', 5, '2024-01-01'),
          credit('k4', 10, '2024-04-01'),
          credit('k2', 4, '2024-02-01'),
        ],
      }),
      AT,
    );
    assert.equal(e.met, true);
    assert.equal(metAt(e), '2024-03-01T00:00:00.000Z');
    assert.deepEqual(
      e.evidence.map((r) => r.id),
      ['k1', 'k2', 'k3'],
    );
  });

  test('credits outside the window, of another category, after the date or not positive do not count', () => {
    const e = evaluate(
      tree,
      facts({
        credits: [
          credit('old', 20, '2022-06-15T11:59:59.999Z'),
          credit('other', 20, '2024-01-01', 'OTHER'),
          credit('later', 20, '2025-07-01'),
          credit('negative', -3, '2024-01-01'),
          credit('nan', Number.NaN, '2024-01-01'),
          credit('edge', 2.5, '2022-06-15T12:00:00.000Z'),
        ],
      }),
      AT,
    );
    assert.equal(e.met, false);
    assert.deepEqual(e.root.evidence, [{ type: 'credit', id: 'edge' }]);
    assert.equal(e.root.missing?.kind === 'credits' && e.root.missing.needed, 10);
  });

  test('decimal amounts add up exactly (0.1 + 0.2 reaches 0.3)', () => {
    const small: RequirementNode = { kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 0.3 };
    const e = evaluate(
      small,
      facts({ credits: [credit('a', 0.1, '2024-01-01'), credit('b', 0.2, '2024-01-02')] }),
      AT,
    );
    assert.equal(e.met, true);
  });
});

describe('all and any', () => {
  const r = (id: string, examCode: string, takenAt: string) =>
    result(id, { examCode, takenAt: d(takenAt) });
  const leaf = (id: string, examCode: string): RequirementNode => ({ kind: 'exam', id, examCode });

  test('all: met when every child is, on the latest child’s date', () => {
    const tree: RequirementNode = {
      kind: 'all',
      id: 'root',
      children: [leaf('a', 'E1'), leaf('b', 'E2')],
    };
    const f = facts({ results: [r('r1', 'E1', '2024-01-01'), r('r2', 'E2', '2024-05-01')] });
    const e = evaluate(tree, f, AT);
    assert.equal(metAt(e), '2024-05-01T00:00:00.000Z');
    assert.deepEqual(
      e.evidence.map((x) => x.id),
      ['r1', 'r2'],
    );
    const half = evaluate(tree, facts({ results: [r('r1', 'E1', '2024-01-01')] }), AT);
    assert.equal(half.met, false);
    assert.deepEqual(half.root.missing, { kind: 'all', unmet: ['b'] });
    assert.equal(half.percent, 50);
    assert.deepEqual(half.evidence, [{ type: 'result', id: 'r1' }]);
    assert.equal(half.byId.get('a')?.met, true);
    assert.equal(half.byId.get('b')?.met, false);
    assert.deepEqual(
      half.root.children.map((c) => c.id),
      ['a', 'b'],
    );
  });

  const any2: RequirementNode = {
    kind: 'any',
    id: 'root',
    count: 2,
    children: [leaf('a', 'E1'), leaf('b', 'E2'), leaf('c', 'E3')],
  };

  test('any 2: met on the second-earliest date; only the chosen children are evidence', () => {
    const e = evaluate(
      any2,
      facts({
        results: [
          r('r3', 'E3', '2024-02-01'),
          r('r1', 'E1', '2024-09-01'),
          r('r2', 'E2', '2024-01-01'),
        ],
      }),
      AT,
    );
    assert.equal(metAt(e), '2024-02-01T00:00:00.000Z');
    assert.deepEqual(
      e.evidence.map((x) => x.id),
      ['r2', 'r3'],
    );
  });

  test('any 2 with one met child: one more needed, of the unmet ones', () => {
    const e = evaluate(any2, facts({ results: [r('r2', 'E2', '2024-01-01')] }), AT);
    assert.equal(e.met, false);
    assert.deepEqual(e.root.missing, { kind: 'any', needed: 1, unmet: ['a', 'c'] });
    assert.equal(e.percent, 50);
    const none = evaluate(any2, facts(), AT);
    assert.deepEqual(none.root.missing, { kind: 'any', needed: 2, unmet: ['a', 'b', 'c'] });
  });

  test('percent weighs leaves as 1, any N as its best N children, credits partly', () => {
    // Progress counts leaf-equivalents of work: the least work the tree asks
    // for (its weight) and the least of it still to do (its remainder).
    const tree: RequirementNode = {
      kind: 'all',
      id: 'root',
      children: [
        leaf('x', 'E0'),
        {
          kind: 'any',
          id: 'pick',
          count: 2,
          children: [
            leaf('a', 'E1'),
            { kind: 'all', id: 'pair', children: [leaf('b', 'E2'), leaf('c', 'E3')] },
            leaf('d', 'E4'),
          ],
        },
        { kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 10 },
      ],
    };
    const e = evaluate(
      tree,
      facts({
        results: [r('r0', 'E0', '2024-01-01'), r('r2', 'E2', '2024-01-01')],
        credits: [credit('k1', 5, '2024-01-01')],
      }),
      AT,
    );
    // `pick`: children remaining a=1, pair=1 (of weight 2), d=1; weights 1, 2, 1.
    // weight = 1 + 1 = 2, remaining = 1 + 1 = 2, so progress 0.
    assert.equal(e.byId.get('pick')?.progress, 0);
    // root: weight 1 + 2 + 1 = 4; remaining 0 + 2 + 0.5 = 2.5; progress 1.5 / 4.
    assert.equal(e.root.progress, 1.5 / 4);
    assert.equal(e.percent, 37.5);
  });

  test('an empty group or an impossible count is never met (a broken tree awards nothing)', () => {
    const empty: RequirementNode = { kind: 'all', id: 'root', children: [] };
    assert.equal(evaluate(empty, facts(), AT).met, false);
    assert.equal(evaluate(empty, facts(), AT).root.missing?.kind, 'invalid');
    const tooMany: RequirementNode = {
      kind: 'any',
      id: 'root',
      count: 3,
      children: [leaf('a', 'E1'), leaf('b', 'E2')],
    };
    const e = evaluate(
      tooMany,
      facts({ results: [r('r1', 'E1', '2024-01-01'), r('r2', 'E2', '2024-01-01')] }),
      AT,
    );
    assert.equal(e.met, false);
    assert.ok(e.percent < 100);
    assert.equal(e.root.children.length, 2, 'children are still evaluated for the page');
    const zero: RequirementNode = {
      kind: 'any',
      id: 'root',
      count: 0,
      children: [leaf('a', 'E1')],
    };
    assert.equal(evaluate(zero, facts(), AT).met, false);
  });

  test('a bad evaluation date is refused', () => {
    assert.throws(() => evaluate(leaf('a', 'E1'), facts(), new Date(Number.NaN)), RangeError);
  });
});

describe('addMonthsUTC', () => {
  test('keeps the time of day and clamps to the month’s last day', () => {
    assert.equal(
      addMonthsUTC(d('2023-06-15T12:34:56.789Z'), 24).toISOString(),
      '2025-06-15T12:34:56.789Z',
    );
    assert.equal(addMonthsUTC(d('2024-01-31'), 1).toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(addMonthsUTC(d('2023-01-31'), 1).toISOString(), '2023-02-28T00:00:00.000Z');
    assert.equal(addMonthsUTC(d('2024-03-31'), -1).toISOString(), '2024-02-29T00:00:00.000Z');
    assert.equal(addMonthsUTC(d('2024-11-30'), 3).toISOString(), '2025-02-28T00:00:00.000Z');
    assert.equal(addMonthsUTC(d('2024-02-29'), 12).toISOString(), '2025-02-28T00:00:00.000Z');
  });
});

// ---------------------------------------------------------------------------
// The tree's shape and meaning checks (requirements.ts)
// ---------------------------------------------------------------------------

const known: KnownCodes = {
  exams: new Set(['ACS-101', 'ACS-102']),
  credentials: new Set(['CA', 'CP', 'CE']),
  trainings: new Set(['SEC-T']),
  agreements: new Set(['CANDIDATE']),
  creditCategories: new Set(['CPE']),
  examVersions: new Map([['ACS-101', new Set(['2023', '2024'])]]),
  scoreScales: new Map([['ACS-101', { min: 100, max: 1000 }]]),
};

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('parseRequirementTree', () => {
  test('accepts a well-formed tree and drops null optionals', () => {
    const parsed = parseRequirementTree({
      kind: 'all',
      id: 'root',
      children: [
        { kind: 'exam', id: 'e', examCode: 'ACS-101', minScore: 700, versions: null },
        { kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 12.5, withinMonths: 36 },
      ],
    });
    assert.deepEqual(parsed, {
      ok: true,
      tree: {
        kind: 'all',
        id: 'root',
        children: [
          { kind: 'exam', id: 'e', examCode: 'ACS-101', minScore: 700 },
          { kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 12.5, withinMonths: 36 },
        ],
      },
    });
  });

  test('reports every shape problem with a path and a precise message', () => {
    const parsed = parseRequirementTree({
      kind: 'any',
      id: 'root',
      count: '2',
      children: [
        { kind: 'exam', id: 'e', examCode: 'ACS-101', minscore: 700 },
        { kind: 'exams', id: 'f' },
        { kind: 'credits', id: ' k', categoryCode: 'CPE' },
        'ACS-102',
        { kind: 'exam', id: 'g', examCode: 'ACS-101', versions: ['2024', 7] },
      ],
    });
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(
      parsed.problems.map((p) => [p.path, p.code]),
      [
        ['/count', 'WRONG_TYPE'],
        ['/children/0/minscore', 'UNKNOWN_FIELD'],
        ['/children/1/kind', 'UNKNOWN_KIND'],
        ['/children/2/id', 'BLANK_STRING'],
        ['/children/2/minimum', 'MISSING_FIELD'],
        ['/children/3', 'NOT_AN_OBJECT'],
        ['/children/4/versions/1', 'WRONG_TYPE'],
      ],
    );
    assert.equal(parsed.problems[0]?.message, '"count" must be a number, got a string ("2").');
    assert.match(
      parsed.problems[1]?.message ?? '',
      /"minscore" is not a field of an "exam" requirement/,
    );
  });

  test('refuses trees that are too deep', () => {
    let node: unknown = { kind: 'exam', id: 'leaf', examCode: 'ACS-101' };
    for (let i = 0; i < 20; i++) node = { kind: 'all', id: `g${i}`, children: [node] };
    const parsed = parseRequirementTree(node);
    assert.equal(parsed.ok, false);
    assert.ok(!parsed.ok && codes(parsed.problems).includes('TOO_DEEP'));
  });

  test('a non-object is refused', () => {
    assert.deepEqual(parseRequirementTree(null), {
      ok: false,
      problems: [
        {
          path: '',
          code: 'NOT_AN_OBJECT',
          message: 'Expected a requirement (an object with a "kind"), got null.',
        },
      ],
    });
  });
});

describe('validateRequirementTree', () => {
  test('a sound tree has no problems', () => {
    const tree: RequirementNode = {
      kind: 'all',
      id: 'root',
      children: [
        {
          kind: 'exam',
          id: 'e',
          examCode: 'ACS-101',
          minScore: 700,
          versions: ['2024'],
          withinMonths: 24,
        },
        {
          kind: 'any',
          id: 'pick',
          count: 1,
          children: [
            { kind: 'credential', id: 'c', credentialCode: 'CA' },
            { kind: 'training', id: 't', courseCode: 'SEC-T', withinMonths: 12 },
          ],
        },
        { kind: 'agreement', id: 'g', agreementCode: 'CANDIDATE', version: 2 },
        { kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 12.5, withinMonths: 36 },
      ],
    };
    assert.deepEqual(validateRequirementTree(tree, known, 'CP', new Map([['CA', []]])), []);
  });

  test('unknown codes, bad numbers, empty groups, impossible counts and duplicate ids', () => {
    const tree: RequirementNode = {
      kind: 'all',
      id: 'root',
      children: [
        { kind: 'exam', id: 'e', examCode: 'NOPE', minScore: -1 },
        { kind: 'exam', id: 'e2', examCode: 'ACS-101', minScore: 1200, versions: ['2019'] },
        {
          kind: 'any',
          id: 'pick',
          count: 3,
          children: [{ kind: 'credential', id: 'e', credentialCode: 'ZZ' }],
        },
        { kind: 'all', id: 'empty', children: [] },
        { kind: 'training', id: 't', courseCode: 'NOPE', withinMonths: 1.5 },
        { kind: 'agreement', id: 'g', agreementCode: 'NOPE', version: 0 },
        { kind: 'credits', id: 'k', categoryCode: 'NOPE', minimum: 0, withinMonths: -3 },
        {
          kind: 'any',
          id: 'frac',
          count: 0.5,
          children: [{ kind: 'exam', id: 'x', examCode: 'ACS-102', versions: [] }],
        },
        { kind: 'exam', id: 'bad id!', examCode: 'ACS-102' },
      ],
    };
    assert.deepEqual(
      validateRequirementTree(tree, known).map((p) => [p.path, p.code]),
      [
        ['/children/0/examCode', 'UNKNOWN_EXAM'],
        ['/children/0/minScore', 'MIN_SCORE_OUT_OF_RANGE'],
        ['/children/1/minScore', 'MIN_SCORE_OUT_OF_RANGE'],
        ['/children/1/versions/0', 'UNKNOWN_EXAM_VERSION'],
        ['/children/2/count', 'COUNT_OUT_OF_RANGE'],
        ['/children/2/children/0/id', 'DUPLICATE_ID'],
        ['/children/2/children/0/credentialCode', 'UNKNOWN_CREDENTIAL'],
        ['/children/3/children', 'EMPTY_GROUP'],
        ['/children/4/courseCode', 'UNKNOWN_TRAINING'],
        ['/children/4/withinMonths', 'NOT_A_WHOLE_NUMBER'],
        ['/children/5/agreementCode', 'UNKNOWN_AGREEMENT'],
        ['/children/5/version', 'OUT_OF_RANGE'],
        ['/children/6/categoryCode', 'UNKNOWN_CREDIT_CATEGORY'],
        ['/children/6/minimum', 'OUT_OF_RANGE'],
        ['/children/6/withinMonths', 'OUT_OF_RANGE'],
        ['/children/7/count', 'NOT_A_WHOLE_NUMBER'],
        ['/children/7/children/0/versions', 'EMPTY_VERSIONS'],
        ['/children/8/id', 'INVALID_ID'],
      ],
    );
    const messages = validateRequirementTree(tree, known).map((p) => p.message);
    assert.ok(
      messages.includes("The minimum score 1200 is outside ACS-101's score scale (100 to 1000)."),
    );
    assert.ok(
      messages.includes(
        '"Any 3 of" must ask for between 1 and 1 (the number of requirements inside it).',
      ),
    );
  });

  test('a credential that requires itself, directly or through others', () => {
    const self: RequirementNode = { kind: 'credential', id: 'c', credentialCode: 'CE' };
    assert.deepEqual(validateRequirementTree(self, known, 'CE'), [
      {
        path: '/credentialCode',
        code: 'CREDENTIAL_CYCLE',
        message: 'A credential cannot require itself (CE).',
      },
    ]);
    // CE requires CP; CP requires CA; CA requires CE: a cycle through three credentials.
    const graph = new Map([
      ['CP', ['CA']],
      ['CA', ['CE']],
      ['CE', ['something old, replaced by this tree']],
    ]);
    const tree: RequirementNode = { kind: 'credential', id: 'c', credentialCode: 'CP' };
    assert.deepEqual(validateRequirementTree(tree, known, 'CE', graph), [
      {
        path: '/credentialCode',
        code: 'CREDENTIAL_CYCLE',
        message: 'Requiring CP makes a cycle: CE requires CP requires CA requires CE.',
      },
    ]);
    // Without the edge back to CE there is no cycle, even if others loop among themselves.
    const noCycle = new Map([
      ['CP', ['CA']],
      ['CA', ['CP']],
    ]);
    assert.deepEqual(validateRequirementTree(tree, known, 'CE', noCycle), []);
  });
});
