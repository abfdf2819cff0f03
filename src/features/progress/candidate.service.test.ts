import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentAwards, displayStatus, isoDateIn, unmetLeaves } from './candidate.service.ts';
import { describeRequirements } from './describe.ts';
import { evaluate, type Facts } from './evaluator.ts';
import { parseAmount } from './evidence.service.ts';
import type { AwardView } from './progress.types.ts';
import type { RequirementNode } from './requirements.ts';

const DAY = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');

function award(over: Partial<AwardView>): AwardView {
  return {
    id: 1,
    credentialNumber: 'AAAA-BBBB-CCCC-DDDD',
    credentialId: 1,
    credentialCode: 'CSA',
    credentialName: 'Cloud Security Associate',
    status: 'active',
    statusReason: null,
    statusChangedAt: null,
    awardedAt: new Date('2025-01-01T00:00:00Z'),
    expiresAt: null,
    lastRenewedAt: null,
    requirementVersion: 1,
    evidence: [],
    keptByDecision: null,
    ...over,
  };
}

test('displayStatus: active, expiring within 90 days, expired by date, and the stored statuses', () => {
  assert.equal(displayStatus(award({}), now), 'active');
  assert.equal(
    displayStatus(award({ expiresAt: new Date(now.getTime() + 91 * DAY) }), now),
    'active',
  );
  assert.equal(
    displayStatus(award({ expiresAt: new Date(now.getTime() + 90 * DAY) }), now),
    'expiring',
  );
  assert.equal(
    displayStatus(award({ expiresAt: new Date(now.getTime() + 1000) }), now),
    'expiring',
  );
  // Still marked active, but the sweep has not run yet: the card already says expired.
  assert.equal(displayStatus(award({ expiresAt: now }), now), 'expired');
  for (const status of ['expired', 'suspended', 'revoked'] as const) {
    assert.equal(displayStatus(award({ status }), now), status);
  }
});

test('currentAwards keeps one award per credential: the live one, else the newest', () => {
  const older = award({ id: 1, status: 'expired', awardedAt: new Date('2020-01-01') });
  const live = award({ id: 2, status: 'active', awardedAt: new Date('2022-01-01') });
  const revokedNewer = award({ id: 3, status: 'revoked', awardedAt: new Date('2023-01-01') });
  assert.deepEqual(
    currentAwards([revokedNewer, live, older]).map((a) => a.id),
    [2],
  );
  const other = award({
    id: 4,
    credentialId: 2,
    status: 'expired',
    awardedAt: new Date('2019-01-01'),
  });
  const newestExpired = award({
    id: 5,
    credentialId: 2,
    status: 'expired',
    awardedAt: new Date('2021-01-01'),
  });
  assert.deepEqual(
    currentAwards([other, newestExpired, live]).map((a) => a.id),
    [2, 5],
    'live cards first',
  );
});

test('unmetLeaves lists what is left in tree order and skips groups already met', () => {
  const tree: RequirementNode = {
    kind: 'all',
    id: 'root',
    children: [
      { kind: 'exam', id: 'a', examCode: 'A' },
      {
        kind: 'any',
        id: 'pick',
        count: 1,
        children: [
          { kind: 'exam', id: 'b', examCode: 'B' },
          { kind: 'exam', id: 'c', examCode: 'C' },
        ],
      },
      { kind: 'training', id: 't', courseCode: 'T' },
    ],
  };
  const facts = (codes: string[]): Facts => ({
    results: codes.map((examCode, i) => ({
      id: String(i + 1),
      examCode,
      examVersion: '1',
      score: 800,
      passed: true,
      takenAt: new Date('2026-01-01'),
      revoked: false,
    })),
    awards: [],
    trainings: [],
    agreements: [],
    credits: [],
  });
  const described = describeRequirements(tree);
  const ids = (codes: string[]) =>
    unmetLeaves(tree, evaluate(tree, facts(codes), now).root, described).map((l) => l.id);
  assert.deepEqual(ids([]), ['a', 'b', 'c', 't']);
  assert.deepEqual(ids(['C']), ['a', 't']);
  assert.deepEqual(
    unmetLeaves(tree, evaluate(tree, facts(['A', 'B']), now).root, described).map((l) => l.text),
    ['Complete T'],
  );
});

test('parseAmount takes positive amounts with up to two decimals, up to 100,000', () => {
  assert.equal(parseAmount('4'), '4');
  assert.equal(parseAmount(' 1.5 '), '1.5');
  assert.equal(parseAmount('2,25'), '2.25');
  assert.equal(parseAmount('100000'), '100000');
  for (const bad of ['', '0', '0.00', '-1', '1.234', '1e3', '100000.01', 'abc', '1.', undefined]) {
    assert.equal(parseAmount(bad), null, String(bad));
  }
});

test('isoDateIn gives the calendar day in the time zone, and UTC for an unknown zone', () => {
  const late = new Date('2026-03-01T23:30:00Z');
  assert.equal(isoDateIn(late, 'UTC'), '2026-03-01');
  assert.equal(isoDateIn(late, 'Asia/Tokyo'), '2026-03-02');
  assert.equal(isoDateIn(late, 'America/Los_Angeles'), '2026-03-01');
  assert.equal(isoDateIn(late, 'Not/AZone'), '2026-03-01');
});
