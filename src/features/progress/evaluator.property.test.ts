import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  addMonthsUTC,
  evaluate,
  evaluatorFor,
  type AgreementFact,
  type AwardFact,
  type CreditFact,
  type Evaluation,
  type Facts,
  type NodeEvaluation,
  type ResultFact,
  type TrainingFact,
} from './evaluator.ts';
import type { LeafRequirement, RequirementNode } from './requirements.ts';

// Laws of the evaluator, checked on random trees and facts. Codes come from
// small pools and dates from a few years (with a handful of shared dates, so
// that ties happen) so that random facts often meet random requirements.

// FC_NUM_RUNS=20000 for a long hunt; the default keeps the file under a few seconds.
const NUM_RUNS = Number(process.env.FC_NUM_RUNS) || 300;

const EXAMS = ['E1', 'E2', 'E3'];
const VERSIONS = ['v1', 'v2', 'v3'];
const CREDENTIALS = ['C1', 'C2'];
const COURSES = ['T1', 'T2'];
const AGREEMENTS = ['A1', 'A2'];
const CATEGORIES = ['K1', 'K2'];

const MIN_DATE = new Date('2019-01-01T00:00:00.000Z');
const MAX_DATE = new Date('2026-06-30T00:00:00.000Z');
const SHARED_DATES = ['2021-03-31', '2022-01-01', '2023-06-15', '2024-02-29'].map(
  (s) => new Date(`${s}T00:00:00.000Z`),
);

const dateArb = fc.oneof(
  { weight: 4, arbitrary: fc.date({ min: MIN_DATE, max: MAX_DATE, noInvalidDate: true }) },
  { weight: 1, arbitrary: fc.constantFrom(...SHARED_DATES) },
);
const atArb = fc.date({
  min: new Date('2021-01-01T00:00:00.000Z'),
  max: new Date('2026-01-01T00:00:00.000Z'),
  noInvalidDate: true,
});
const monthsArb = fc.option(fc.integer({ min: 1, max: 36 }), { nil: undefined });

// --- trees ------------------------------------------------------------------

/** A tree before ids are given out. */
type Unnumbered =
  | { kind: 'all'; children: Unnumbered[] }
  | { kind: 'any'; count: number; children: Unnumbered[] }
  | DistributiveOmit<LeafRequirement, 'id'>;
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function leafArb(recency: boolean): fc.Arbitrary<Unnumbered> {
  const months = recency ? monthsArb : fc.constant(undefined);
  return fc.oneof(
    fc
      .record({
        examCode: fc.constantFrom(...EXAMS),
        minScore: fc.option(fc.constantFrom(500, 700, 800), { nil: undefined }),
        versions: fc.option(fc.subarray(VERSIONS, { minLength: 1 }), { nil: undefined }),
        withinMonths: months,
      })
      .map((r) => ({
        kind: 'exam' as const,
        examCode: r.examCode,
        ...optional('minScore', r.minScore),
        ...optional('versions', r.versions),
        ...optional('withinMonths', r.withinMonths),
      })),
    fc
      .constantFrom(...CREDENTIALS)
      .map((credentialCode) => ({ kind: 'credential' as const, credentialCode })),
    fc.record({ courseCode: fc.constantFrom(...COURSES), withinMonths: months }).map((r) => ({
      kind: 'training' as const,
      courseCode: r.courseCode,
      ...optional('withinMonths', r.withinMonths),
    })),
    fc
      .record({
        agreementCode: fc.constantFrom(...AGREEMENTS),
        version: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      })
      .map((r) => ({
        kind: 'agreement' as const,
        agreementCode: r.agreementCode,
        ...optional('version', r.version),
      })),
    fc
      .record({
        categoryCode: fc.constantFrom(...CATEGORIES),
        minimum: fc.constantFrom(0.3, 1, 2.5, 5, 10),
        withinMonths: months,
      })
      .map((r) => ({
        kind: 'credits' as const,
        categoryCode: r.categoryCode,
        minimum: r.minimum,
        ...optional('withinMonths', r.withinMonths),
      })),
  );
}

/** Random valid trees, at most three levels of groups; `recency: false` leaves out every window. */
function treeArb(options: {
  recency: boolean;
  credentials?: boolean;
}): fc.Arbitrary<RequirementNode> {
  const { tree } = fc.letrec<{ tree: Unnumbered; all: Unnumbered; any: Unnumbered }>((tie) => ({
    tree: fc.oneof(
      { maxDepth: 3, depthSize: 'small' },
      leafArb(options.recency),
      tie('all'),
      tie('any'),
    ),
    all: fc
      .array(tie('tree'), { minLength: 1, maxLength: 4 })
      .map((children) => ({ kind: 'all', children }) as Unnumbered),
    any: fc
      .array(tie('tree'), { minLength: 1, maxLength: 4 })
      .chain((children) =>
        fc
          .integer({ min: 1, max: children.length })
          .map((count) => ({ kind: 'any' as const, count, children }) as Unnumbered),
      ),
  }));
  return tree
    .map((t) => numbered(t))
    .filter((t) => options.credentials !== false || !hasKind(t, 'credential'));
}

/** Gives every node a unique id, n0, n1, ... in tree order. */
function numbered(tree: Unnumbered): RequirementNode {
  let next = 0;
  const walk = (node: Unnumbered): RequirementNode => {
    const id = `n${next++}`;
    if (node.kind === 'all' || node.kind === 'any') {
      return { ...node, id, children: node.children.map(walk) };
    }
    return { ...node, id };
  };
  return walk(tree);
}

function hasKind(tree: RequirementNode, kind: RequirementNode['kind']): boolean {
  if (tree.kind === kind) return true;
  return (
    (tree.kind === 'all' || tree.kind === 'any') && tree.children.some((c) => hasKind(c, kind))
  );
}

function hasRecency(tree: RequirementNode): boolean {
  if (tree.kind === 'all' || tree.kind === 'any') return tree.children.some(hasRecency);
  return 'withinMonths' in tree && tree.withinMonths !== undefined;
}

/** A copy whose ids all end in `suffix`, so copies can sit side by side. */
function renamed(tree: RequirementNode, suffix: string): RequirementNode {
  if (tree.kind === 'all' || tree.kind === 'any') {
    return {
      ...tree,
      id: tree.id + suffix,
      children: tree.children.map((c) => renamed(c, suffix)),
    };
  }
  return { ...tree, id: tree.id + suffix };
}

// --- facts ------------------------------------------------------------------

function factsArb(options: { expiring?: boolean } = {}): fc.Arbitrary<Facts> {
  const results = fc
    .array(
      fc.record({
        examCode: fc.constantFrom(...EXAMS),
        examVersion: fc.constantFrom(...VERSIONS),
        score: fc.constantFrom(400, 500, 650, 700, 750, 800, 900),
        passed: fc.oneof(
          { weight: 3, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
        takenAt: dateArb,
        revoked: fc.oneof(
          { weight: 5, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
      }),
      { maxLength: 10 },
    )
    .map((rs) => rs.map((r, i): ResultFact => ({ id: `r${i}`, ...r })));
  const awards = fc
    .array(
      fc.record({
        credentialCode: fc.constantFrom(...CREDENTIALS),
        status: fc.constantFrom<AwardFact['status']>(
          'active',
          'active',
          'expired',
          'suspended',
          'revoked',
        ),
        awardedAt: dateArb,
        validMonths:
          options.expiring === false
            ? fc.constant(null)
            : fc.option(fc.integer({ min: 1, max: 48 }), { nil: null }),
      }),
      { maxLength: 3 },
    )
    .map((as) =>
      as.map((a, i): AwardFact => ({
        id: `a${i}`,
        credentialCode: a.credentialCode,
        status: a.status,
        awardedAt: a.awardedAt,
        expiresAt:
          a.validMonths === null
            ? null
            : new Date(a.awardedAt.getTime() + a.validMonths * 30 * 86_400_000),
      })),
    );
  const trainings = fc
    .array(fc.record({ courseCode: fc.constantFrom(...COURSES), completedAt: dateArb }), {
      maxLength: 3,
    })
    .map((ts) => ts.map((t, i): TrainingFact => ({ id: `t${i}`, ...t })));
  const agreements = fc
    .array(
      fc.record({
        agreementCode: fc.constantFrom(...AGREEMENTS),
        version: fc.integer({ min: 1, max: 3 }),
        acceptedAt: dateArb,
      }),
      { maxLength: 3 },
    )
    .map((gs) => gs.map((g, i): AgreementFact => ({ id: `g${i}`, ...g })));
  const credits = fc
    .array(
      fc.record({
        categoryCode: fc.constantFrom(...CATEGORIES),
        amount: fc.constantFrom(0.1, 0.2, 0.5, 1, 2.5, 4, -1, 0),
        earnedAt: dateArb,
      }),
      { maxLength: 8 },
    )
    .map((cs) => cs.map((c, i): CreditFact => ({ id: `k${i}`, ...c })));
  return fc.record({ results, awards, trainings, agreements, credits });
}

/**
 * Facts aimed at the tree's leaves (each leaf gets, or not, one fact that
 * would meet it if dated right), so that a good share of random trees is
 * met and the laws about met trees are not tested on empty cases only.
 */
function aimedFactsArb(
  tree: RequirementNode,
  options: { expiring?: boolean },
): fc.Arbitrary<Facts> {
  const leaves: LeafRequirement[] = [];
  const walk = (node: RequirementNode): void => {
    if (node.kind === 'all' || node.kind === 'any') node.children.forEach(walk);
    else leaves.push(node);
  };
  walk(tree);
  const perLeaf = leaves.map((leaf, i) =>
    fc
      .option(
        fc.record({
          date: dateArb,
          months: fc.option(fc.integer({ min: 1, max: 48 }), { nil: null }),
        }),
        { nil: null },
      )
      .map((aim): Partial<Facts> => {
        if (aim === null) return {};
        const id = `aim${i}`;
        switch (leaf.kind) {
          case 'exam':
            return {
              results: [
                {
                  id,
                  examCode: leaf.examCode,
                  examVersion: leaf.versions?.[0] ?? 'v1',
                  score: 900,
                  passed: true,
                  takenAt: aim.date,
                  revoked: false,
                },
              ],
            };
          case 'credential':
            return {
              awards: [
                {
                  id,
                  credentialCode: leaf.credentialCode,
                  status: 'active',
                  awardedAt: aim.date,
                  expiresAt:
                    options.expiring === false || aim.months === null
                      ? null
                      : addMonthsUTC(aim.date, aim.months),
                },
              ],
            };
          case 'training':
            return { trainings: [{ id, courseCode: leaf.courseCode, completedAt: aim.date }] };
          case 'agreement':
            return {
              agreements: [
                { id, agreementCode: leaf.agreementCode, version: 3, acceptedAt: aim.date },
              ],
            };
          case 'credits':
            return {
              credits: [
                { id, categoryCode: leaf.categoryCode, amount: leaf.minimum, earnedAt: aim.date },
              ],
            };
        }
      }),
  );
  return fc
    .tuple(...perLeaf)
    .map((parts) => parts.reduce<Facts>((all, part) => withExtra(all, part), noFacts));
}

const noFacts: Facts = { results: [], awards: [], trainings: [], agreements: [], credits: [] };

interface Case {
  tree: RequirementNode;
  facts: Facts;
  at: Date;
}

/** A random tree, random facts plus facts aimed at its leaves, and a date. */
function caseArb(options: { recency: boolean; expiring?: boolean }): fc.Arbitrary<Case> {
  return treeArb(options).chain((tree) =>
    fc.record({
      tree: fc.constant(tree),
      facts: fc
        .tuple(factsArb(options), aimedFactsArb(tree, options))
        .map(([random, aimed]) => withExtra(random, aimed)),
      at: atArb,
    }),
  );
}

/** More facts of any kind, with ids no generated fact has. */
const extraFactArb: fc.Arbitrary<Partial<Facts>> = factsArb().map((f) => ({
  results: f.results.map((r) => ({ ...r, id: `x${r.id}` })),
  awards: f.awards.map((a) => ({ ...a, id: `x${a.id}` })),
  trainings: f.trainings.map((t) => ({ ...t, id: `x${t.id}` })),
  agreements: f.agreements.map((g) => ({ ...g, id: `x${g.id}` })),
  credits: f.credits.map((k) => ({ ...k, id: `x${k.id}` })),
}));

function withExtra(facts: Facts, extra: Partial<Facts>): Facts {
  return {
    results: [...facts.results, ...(extra.results ?? [])],
    awards: [...facts.awards, ...(extra.awards ?? [])],
    trainings: [...facts.trainings, ...(extra.trainings ?? [])],
    agreements: [...facts.agreements, ...(extra.agreements ?? [])],
    credits: [...facts.credits, ...(extra.credits ?? [])],
  };
}

/** A deterministic shuffle driven by fast-check's seed (mulberry32). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffledFacts(facts: Facts, seed: number): Facts {
  return {
    results: shuffled(facts.results, seed),
    awards: shuffled(facts.awards, seed + 1),
    trainings: shuffled(facts.trainings, seed + 2),
    agreements: shuffled(facts.agreements, seed + 3),
    credits: shuffled(facts.credits, seed + 4),
  };
}

function allNodes(n: NodeEvaluation): NodeEvaluation[] {
  return [n, ...n.children.flatMap(allNodes)];
}

const time = (e: Evaluation | NodeEvaluation) => e.metAt?.getTime() ?? null;

// --- (a) monotonicity -------------------------------------------------------

// Holds for EVERY tree, recency windows and credential nodes included: whether
// a node is met at `at` depends only on the facts that count at `at`, and
// adding a fact only adds to those (a result is revoked by a flag on itself,
// never by another fact; negative credits are ignored). A fact dated after
// `at` is ignored. Changing a fact (revoking a result, suspending an award)
// is not an addition, and can of course unmeet a tree.
test('(a) adding a passed result never makes a met tree unmet, nor later, nor less complete', () => {
  fc.assert(
    fc.property(
      caseArb({ recency: true }),
      fc.record({
        examCode: fc.constantFrom(...EXAMS),
        examVersion: fc.constantFrom(...VERSIONS),
        score: fc.constantFrom(500, 700, 900),
        takenAt: dateArb,
      }),
      ({ tree, facts, at }, r) => {
        const before = evaluate(tree, facts, at);
        const added: ResultFact = { id: 'new', passed: true, revoked: false, ...r };
        const after = evaluate(tree, withExtra(facts, { results: [added] }), at);
        if (before.met) {
          assert.equal(after.met, true);
          assert.ok(time(after)! <= time(before)!, 'metAt never moves later');
        }
        assert.ok(after.percent >= before.percent, 'percent never drops');
      },
    ),
    { numRuns: NUM_RUNS },
  );
});

test('(a′) the same holds, node by node, for adding facts of any kind', () => {
  fc.assert(
    fc.property(caseArb({ recency: true }), extraFactArb, ({ tree, facts, at }, extra) => {
      const before = allNodes(evaluate(tree, facts, at).root);
      const after = allNodes(evaluate(tree, withExtra(facts, extra), at).root);
      before.forEach((b, i) => {
        const a = after[i]!;
        if (b.met) {
          assert.equal(a.met, true, b.id);
          assert.ok(time(a)! <= time(b)!, b.id);
        }
        assert.ok(a.progress >= b.progress, b.id);
      });
    }),
    { numRuns: NUM_RUNS },
  );
});

// --- (b) determinism ------------------------------------------------------

test('(b) evaluation is deterministic and independent of the order of the facts', () => {
  fc.assert(
    fc.property(caseArb({ recency: true }), fc.integer(), ({ tree, facts, at }, seed) => {
      const first = evaluate(tree, facts, at);
      assert.deepStrictEqual(evaluate(tree, facts, at), first);
      assert.deepStrictEqual(evaluate(tree, shuffledFacts(facts, seed), at), first);
    }),
    { numRuns: NUM_RUNS },
  );
});

test('(b′) one evaluatorFor(facts, at) used for many trees answers as evaluate does for each', () => {
  fc.assert(
    fc.property(
      caseArb({ recency: true }),
      caseArb({ recency: true }),
      caseArb({ recency: false }),
      ({ tree, facts, at }, second, third) => {
        // The facts are indexed once; every tree must still get its own, independent answer.
        const evaluator = evaluatorFor(facts, at);
        for (const t of [tree, second.tree, third.tree, tree]) {
          assert.deepStrictEqual(evaluator(t), evaluate(t, facts, at));
        }
      },
    ),
    { numRuns: NUM_RUNS },
  );
});

// --- (c) any N of identical children ----------------------------------------

test('(c) any N of k ≥ N copies of c, and all of N copies, behave like c', () => {
  fc.assert(
    fc.property(
      caseArb({ recency: true }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 3 }),
      ({ tree: c, facts, at }, n, extraCopies) => {
        const copies = Array.from({ length: n + extraCopies }, (_, i) => renamed(c, `.${i}`));
        const any: RequirementNode = { kind: 'any', id: 'any', count: n, children: copies };
        const all: RequirementNode = { kind: 'all', id: 'all', children: copies.slice(0, n) };
        const single = evaluate(c, facts, at);
        for (const group of [evaluate(any, facts, at), evaluate(all, facts, at)]) {
          assert.equal(group.met, single.met);
          assert.equal(time(group), time(single));
          // An unmet group passes on only its met children's evidence, so
          // evidence agrees when met; progress is a ratio, equal up to rounding.
          if (single.met) assert.deepEqual(group.evidence, single.evidence);
          assert.ok(Math.abs(group.percent - single.percent) <= 0.1);
        }
      },
    ),
    { numRuns: NUM_RUNS },
  );
});

// --- (d) consistency of one evaluation --------------------------------------

test('(d) metAt <= at when met, met iff percent is 100, and every node agrees with itself', () => {
  fc.assert(
    fc.property(caseArb({ recency: true }), ({ tree, facts, at }) => {
      const e = evaluate(tree, facts, at);
      assert.equal(e.met, e.percent === 100);
      assert.ok(e.percent >= 0 && e.percent <= 100);
      for (const node of allNodes(e.root)) {
        assert.equal(node.met, node.progress === 1, node.id);
        assert.ok(node.progress >= 0 && node.progress <= 1, node.id);
        assert.equal(node.met, node.metAt !== null, node.id);
        assert.equal(node.met, node.missing === null, node.id);
        if (node.metAt) assert.ok(node.metAt.getTime() <= at.getTime(), node.id);
      }
      // Evidence only ever names facts that may count at `at`.
      const ids = new Set([
        ...facts.results
          .filter((r) => r.passed && !r.revoked && r.takenAt <= at)
          .map((r) => `result:${r.id}`),
        ...facts.awards
          .filter((a) => a.status === 'active' && a.awardedAt <= at)
          .map((a) => `award:${a.id}`),
        ...facts.trainings.filter((t) => t.completedAt <= at).map((t) => `training:${t.id}`),
        ...facts.agreements.filter((g) => g.acceptedAt <= at).map((g) => `agreement:${g.id}`),
        ...facts.credits
          .filter((k) => k.amount > 0 && k.earnedAt <= at)
          .map((k) => `credit:${k.id}`),
      ]);
      for (const node of allNodes(e.root)) {
        for (const ref of node.evidence) {
          assert.ok(ids.has(`${ref.type}:${ref.id}`), `${node.id}: ${ref.type}:${ref.id}`);
        }
      }
    }),
    { numRuns: NUM_RUNS },
  );
});

// --- metAt semantics (CONTEXT.md) ----------------------------------------------

test('metAt: the tree is met at every date from metAt to at', () => {
  fc.assert(
    fc.property(
      caseArb({ recency: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      ({ tree, facts, at }, f) => {
        const e = evaluate(tree, facts, at);
        if (!e.met) return;
        const from = e.metAt!.getTime();
        const between = new Date(from + Math.floor((at.getTime() - from) * f));
        assert.equal(evaluate(tree, facts, e.metAt!).met, true, 'met at metAt');
        assert.equal(evaluate(tree, facts, between).met, true, `met at ${between.toISOString()}`);
      },
    ),
    { numRuns: NUM_RUNS },
  );
});

// Without recency windows and with awards that never expire, being met can
// only start, never stop, so metAt is exactly the earliest date the tree was
// met: met at metAt, unmet a millisecond before, and the same metAt then.
test('metAt without recency: exactly the earliest date at which the tree is met', () => {
  fc.assert(
    fc.property(caseArb({ recency: false, expiring: false }), ({ tree, facts, at }) => {
      assert.ok(!hasRecency(tree));
      assert.ok(facts.awards.every((a) => a.expiresAt === null));
      const e = evaluate(tree, facts, at);
      if (!e.met) return;
      const atMetAt = evaluate(tree, facts, e.metAt!);
      assert.equal(atMetAt.met, true);
      assert.equal(time(atMetAt), time(e));
      assert.equal(evaluate(tree, facts, new Date(e.metAt!.getTime() - 1)).met, false);
    }),
    { numRuns: NUM_RUNS },
  );
});

test('evidence suffices: the facts it names alone meet the tree on the same date', () => {
  fc.assert(
    fc.property(caseArb({ recency: true }), ({ tree, facts, at }) => {
      const e = evaluate(tree, facts, at);
      if (!e.met) return;
      const named = new Set(e.evidence.map((r) => `${r.type}:${r.id}`));
      const only: Facts = {
        results: facts.results.filter((r) => named.has(`result:${r.id}`)),
        awards: facts.awards.filter((a) => named.has(`award:${a.id}`)),
        trainings: facts.trainings.filter((t) => named.has(`training:${t.id}`)),
        agreements: facts.agreements.filter((g) => named.has(`agreement:${g.id}`)),
        credits: facts.credits.filter((k) => named.has(`credit:${k.id}`)),
      };
      const again = evaluate(tree, only, at);
      assert.equal(again.met, true);
      assert.equal(time(again), time(e));
      assert.deepEqual(again.evidence, e.evidence);
    }),
    { numRuns: NUM_RUNS },
  );
});

test('the generators produce met, partly met and unmet trees', () => {
  // Guards the laws above against passing on empty cases only.
  const outcomes = fc
    .sample(caseArb({ recency: true }), { numRuns: 400, seed: 42 })
    .map(({ tree, facts, at }) => evaluate(tree, facts, at))
    .map((e) => (e.met ? 'met' : e.percent > 0 ? 'partial' : 'none'));
  for (const outcome of ['met', 'partial', 'none']) {
    assert.ok(
      outcomes.filter((o) => o === outcome).length >= 40,
      `${outcome}: ${outcomes.filter((o) => o === outcome).length} of 400`,
    );
  }
});
