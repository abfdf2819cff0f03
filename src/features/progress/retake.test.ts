import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retakeEligibility, type Attempt, type RetakePolicyInput } from './retake.ts';

const policy: RetakePolicyInput = {
  waitDaysFirst: 1,
  waitDaysLater: 14,
  maxPerYear: 5,
  afterPass: false,
};
const d = (iso: string) => new Date(iso);
const fail = (iso: string, version: string | null = '1'): Attempt => ({
  takenAt: d(iso),
  passed: false,
  version,
});
const pass = (iso: string, version: string | null = '1'): Attempt => ({
  takenAt: d(iso),
  passed: true,
  version,
});

describe('retakeEligibility', () => {
  test('no attempts: may sit now', () => {
    assert.deepEqual(retakeEligibility(policy, [], d('2026-03-01T00:00:00Z')), {
      allowedFrom: null,
      blocked: null,
    });
  });

  test('after the first failure: the first waiting period', () => {
    const attempts = [fail('2026-03-01T10:00:00Z')];
    assert.deepEqual(retakeEligibility(policy, attempts, d('2026-03-01T12:00:00Z')), {
      allowedFrom: d('2026-03-02T10:00:00Z'),
      blocked: null,
    });
    // Once the wait is over, nothing holds the candidate back.
    assert.deepEqual(retakeEligibility(policy, attempts, d('2026-03-02T10:00:00Z')), {
      allowedFrom: null,
      blocked: null,
    });
  });

  test('after a second failure in a row: the later waiting period', () => {
    const attempts = [fail('2026-03-01T10:00:00Z'), fail('2026-03-03T10:00:00Z')];
    assert.deepEqual(retakeEligibility(policy, attempts, d('2026-03-04T00:00:00Z')), {
      allowedFrom: d('2026-03-17T10:00:00Z'),
      blocked: null,
    });
  });

  test('failures are counted since the last pass when passes may be retaken', () => {
    const open = { ...policy, afterPass: true };
    const attempts = [
      fail('2026-01-01T00:00:00Z'),
      fail('2026-01-20T00:00:00Z'),
      pass('2026-02-10T00:00:00Z'),
      fail('2026-03-01T00:00:00Z'),
    ];
    assert.deepEqual(retakeEligibility(open, attempts, d('2026-03-01T01:00:00Z')), {
      allowedFrom: d('2026-03-02T00:00:00Z'),
      blocked: null,
    });
  });

  test('the order of the attempts does not matter, and later attempts are ignored', () => {
    const attempts = [fail('2026-03-03T10:00:00Z'), fail('2026-03-01T10:00:00Z')];
    const reversed = [...attempts].reverse();
    const at = d('2026-03-04T00:00:00Z');
    assert.deepEqual(
      retakeEligibility(policy, attempts, at),
      retakeEligibility(policy, reversed, at),
    );
    // At 2 March only the first failure had happened.
    assert.deepEqual(retakeEligibility(policy, attempts, d('2026-03-01T20:00:00Z')), {
      allowedFrom: d('2026-03-02T10:00:00Z'),
      blocked: null,
    });
  });

  test('a passed version may not be sat again when the policy says so', () => {
    const attempts = [fail('2026-01-01T00:00:00Z'), pass('2026-02-01T00:00:00Z', '2')];
    assert.deepEqual(retakeEligibility(policy, attempts, d('2026-06-01T00:00:00Z')), {
      allowedFrom: null,
      blocked: 'passed',
    });
    // Another version is fine...
    assert.deepEqual(
      retakeEligibility(policy, attempts, d('2026-06-01T00:00:00Z'), { version: '3' }),
      { allowedFrom: null, blocked: null },
    );
    // ...the same one is not...
    assert.equal(
      retakeEligibility(policy, attempts, d('2026-06-01T00:00:00Z'), { version: '2' }).blocked,
      'passed',
    );
    // ...and a pass of an unknown version blocks every version.
    assert.equal(
      retakeEligibility(policy, [pass('2026-02-01T00:00:00Z', null)], d('2026-06-01T00:00:00Z'), {
        version: '3',
      }).blocked,
      'passed',
    );
  });

  test('passes may be retaken when the policy allows it', () => {
    const open = { ...policy, afterPass: true };
    assert.deepEqual(
      retakeEligibility(open, [pass('2026-02-01T00:00:00Z')], d('2026-02-02T00:00:00Z')),
      {
        allowedFrom: null,
        blocked: null,
      },
    );
  });

  test('maximum attempts in any 12 months', () => {
    const three = { waitDaysFirst: 0, waitDaysLater: 0, maxPerYear: 3, afterPass: false };
    const attempts = [
      fail('2025-04-10T09:00:00Z'),
      fail('2025-06-01T09:00:00Z'),
      fail('2025-09-01T09:00:00Z'),
    ];
    // Three attempts in the last 12 months: the next may be taken 12 months after the oldest of them.
    assert.deepEqual(retakeEligibility(three, attempts, d('2025-10-01T00:00:00Z')), {
      allowedFrom: d('2026-04-10T09:00:00Z'),
      blocked: 'max_attempts',
    });
    assert.deepEqual(retakeEligibility(three, attempts, d('2026-04-10T09:00:00Z')), {
      allowedFrom: null,
      blocked: null,
    });
    // A fourth attempt later moves the window along: the pivot is the third most recent.
    const four = [...attempts, fail('2026-04-11T00:00:00Z')];
    assert.deepEqual(retakeEligibility(three, four, d('2026-04-12T00:00:00Z')), {
      allowedFrom: d('2026-06-01T09:00:00Z'),
      blocked: 'max_attempts',
    });
  });

  test('the later of the waiting period and the 12-month limit wins', () => {
    const strict = { waitDaysFirst: 30, waitDaysLater: 60, maxPerYear: 2, afterPass: false };
    const attempts = [fail('2025-01-01T00:00:00Z'), fail('2025-12-20T00:00:00Z')];
    // Limit until 2026-01-01; wait (second failure: 60 days) until 2026-02-18: the wait decides.
    assert.deepEqual(retakeEligibility(strict, attempts, d('2025-12-21T00:00:00Z')), {
      allowedFrom: d('2026-02-18T00:00:00Z'),
      blocked: null,
    });
    const early = [fail('2025-11-01T00:00:00Z'), fail('2025-11-05T00:00:00Z')];
    const lenient = { ...strict, waitDaysLater: 1 };
    assert.deepEqual(retakeEligibility(lenient, early, d('2025-11-10T00:00:00Z')), {
      allowedFrom: d('2026-11-01T00:00:00Z'),
      blocked: 'max_attempts',
    });
  });

  test('an invalid date is refused', () => {
    assert.throws(() => retakeEligibility(policy, [], new Date(Number.NaN)), RangeError);
  });
});
