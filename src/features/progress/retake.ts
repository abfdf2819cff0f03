import { addMonthsUTC } from './evaluator.ts';

/**
 * When may a candidate sit an exam again? Pure: the policy, the candidate's
 * attempts and the date are inputs. Used by the history page ("You may
 * retake ACS-101 from 12 March") and by exam registration at booking.
 *
 * The rules, in order:
 *
 * 1. **No retake of a passed version** (`afterPass: false`): a passed
 *    attempt blocks for good (`blocked: 'passed'`). With `options.version`
 *    (the version about to be booked) only a pass of that version blocks; a
 *    pass whose version is unknown (null) blocks any version, to be safe.
 * 2. **Waiting days**: after a failed attempt, the next may be taken
 *    `waitDaysFirst` days after it when it is the first failure in a row
 *    (counting since the last pass), `waitDaysLater` days after it when it
 *    is the second or a later one. A day is 24 hours from the attempt's time.
 * 3. **Maximum attempts in any 12 months** (`maxPerYear`): an attempt at T
 *    is allowed when fewer than `maxPerYear` attempts lie in (T − 12 months,
 *    T]; so once the limit is reached, the next attempt may be taken 12
 *    calendar months after the `maxPerYear`-th most recent one
 *    (`blocked: 'max_attempts'` until then).
 *
 * `allowedFrom` is the first instant a new attempt is allowed when that is
 * after `at`; null when the candidate may sit the exam at `at` already, or
 * when blocked for good. Attempts dated after `at` are ignored. Pass only
 * attempts that count: revoked results are not attempts.
 */

export interface RetakePolicyInput {
  /** Days to wait after the first failure. */
  readonly waitDaysFirst: number;
  /** Days to wait after the second and later failures in a row. */
  readonly waitDaysLater: number;
  /** Attempts allowed in any 12 months; null: no limit. */
  readonly maxPerYear: number | null;
  /** Whether a passed version may be sat again. */
  readonly afterPass: boolean;
}

export interface Attempt {
  readonly takenAt: Date;
  readonly passed: boolean;
  /** The exam version sat; null when unknown. */
  readonly version?: string | null;
}

export interface RetakeEligibility {
  /** The first instant a new attempt is allowed, when later than `at`; else null. */
  allowedFrom: Date | null;
  /** 'passed': never again (this version); 'max_attempts': the 12-month limit holds until `allowedFrom`. */
  blocked: 'passed' | 'max_attempts' | null;
}

const DAY_MS = 86_400_000;

export function retakeEligibility(
  policy: RetakePolicyInput,
  attempts: readonly Attempt[],
  at: Date,
  options: { version?: string } = {},
): RetakeEligibility {
  const atTime = at.getTime();
  if (Number.isNaN(atTime)) throw new RangeError('retakeEligibility: `at` is not a valid date.');
  const past = attempts
    .filter((a) => a.takenAt.getTime() <= atTime)
    .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());

  if (!policy.afterPass) {
    const wanted = options.version;
    const blocking = past.some(
      (a) =>
        a.passed &&
        (wanted === undefined ||
          a.version === null ||
          a.version === undefined ||
          a.version === wanted),
    );
    if (blocking) return { allowedFrom: null, blocked: 'passed' };
  }

  let waitUntil = Number.NEGATIVE_INFINITY;
  const last = past[past.length - 1];
  if (last && !last.passed) {
    let failuresInARow = 0;
    for (let i = past.length - 1; i >= 0 && !past[i]!.passed; i--) failuresInARow++;
    const days = failuresInARow <= 1 ? policy.waitDaysFirst : policy.waitDaysLater;
    waitUntil = last.takenAt.getTime() + Math.max(0, days) * DAY_MS;
  }

  let limitUntil = Number.NEGATIVE_INFINITY;
  const max = policy.maxPerYear;
  if (max !== null && max > 0 && past.length >= max) {
    // The max-th most recent attempt must have left the 12-month window.
    const pivot = past[past.length - max]!;
    limitUntil = addMonthsUTC(pivot.takenAt, 12).getTime();
  }

  const from = Math.max(waitUntil, limitUntil);
  if (from <= atTime) return { allowedFrom: null, blocked: null };
  return {
    allowedFrom: new Date(from),
    blocked: limitUntil > atTime && limitUntil >= waitUntil ? 'max_attempts' : null,
  };
}
