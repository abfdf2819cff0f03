import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  VOUCHER_ALPHABET,
  canChange,
  discountedCents,
  generateConfirmationNumber,
  generateVoucherCode,
  normalizeEmailDomain,
  normalizeVoucherCode,
  utcToZonedLocal,
  voucherProblem,
  zonedLocalToUtc,
} from './scheduling-rules.ts';

describe('voucher codes', () => {
  test('use only unambiguous characters, in groups of four', () => {
    for (let i = 0; i < 200; i++) {
      const code = generateVoucherCode();
      assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      for (const ch of code.replace(/-/g, '')) assert.ok(VOUCHER_ALPHABET.includes(ch), ch);
    }
    for (const ambiguous of ['0', 'O', '1', 'I', 'L', 'U', 'V']) {
      assert.ok(!VOUCHER_ALPHABET.includes(ambiguous), ambiguous);
    }
  });

  test('typed back in any case, with or without separators, normalize to the stored form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        let s = seed;
        const code = generateVoucherCode((n) => {
          s = (s * 1103515245 + 12345) % 2 ** 31;
          return s % n;
        });
        assert.equal(normalizeVoucherCode(code.toLowerCase().replace(/-/g, ' ')), code);
        assert.equal(normalizeVoucherCode(code.replace(/-/g, '')), code);
      }),
    );
    assert.equal(normalizeVoucherCode('ABCD-EFGH-JKM'), undefined);
    assert.equal(normalizeVoucherCode('ABCD-EFGH-JKM0'), undefined);
    assert.equal(normalizeVoucherCode(''), undefined);
  });

  test('confirmation numbers look like LA-XXXX-XXXX', () => {
    assert.match(generateConfirmationNumber(), /^LA-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  });
});

describe('voucherProblem', () => {
  const base = {
    usedAt: null,
    expiresAt: new Date('2026-12-31T23:59:59Z'),
    examIds: [1, 2],
    emailDomain: null,
  };
  const at = new Date('2026-12-01T00:00:00Z');
  test('a fresh voucher for a listed exam is fine', () => {
    assert.equal(voucherProblem(base, { examId: 2, email: 'a@b.example', at }), null);
  });
  test('used, expired, wrong exam, wrong domain', () => {
    assert.equal(
      voucherProblem({ ...base, usedAt: at }, { examId: 1, email: 'a@b.example', at }),
      'used',
    );
    assert.equal(
      voucherProblem(base, {
        examId: 1,
        email: 'a@b.example',
        at: new Date('2027-01-01T00:00:00Z'),
      }),
      'expired',
    );
    assert.equal(voucherProblem(base, { examId: 3, email: 'a@b.example', at }), 'wrong_exam');
    const restricted = { ...base, emailDomain: 'corvid.example' };
    assert.equal(
      voucherProblem(restricted, { examId: 1, email: 'a@evil.example', at }),
      'wrong_domain',
    );
    assert.equal(voucherProblem(restricted, { examId: 1, email: 'A@Corvid.Example', at }), null);
    // A subdomain, or the domain inside the local part, is not the domain.
    assert.equal(
      voucherProblem(restricted, { examId: 1, email: 'a@x.corvid.example', at }),
      'wrong_domain',
    );
    assert.equal(
      voucherProblem(restricted, { examId: 1, email: 'corvid.example@evil.example', at }),
      'wrong_domain',
    );
  });
  test('email domains are normalized or refused', () => {
    assert.equal(normalizeEmailDomain(' @Corvid.Example '), 'corvid.example');
    assert.equal(normalizeEmailDomain('not a domain'), undefined);
    assert.equal(normalizeEmailDomain('localhost'), undefined);
  });
});

describe('policy deadline', () => {
  const start = new Date('2026-12-10T09:00:00Z');
  test('changes are allowed up to and including the deadline, not after', () => {
    assert.equal(canChange(start, new Date('2026-12-09T09:00:00Z'), 24), true);
    assert.equal(canChange(start, new Date('2026-12-09T09:00:00.001Z'), 24), false);
    assert.equal(canChange(start, new Date('2026-12-10T08:59:59Z'), 0), true);
    assert.equal(canChange(start, new Date('2026-12-10T09:00:01Z'), 0), false);
  });
});

describe('prices', () => {
  test('a discount rounds in the candidate’s favour; 100 % is free', () => {
    assert.equal(discountedCents(19_900, 100), 0);
    assert.equal(discountedCents(19_900, 50), 9_950);
    assert.equal(discountedCents(999, 15), 849);
  });
});

describe('local times in a zone', () => {
  test('winter and summer in Berlin, and New York', () => {
    assert.equal(
      zonedLocalToUtc('2026-01-15T09:00', 'Europe/Berlin')?.toISOString(),
      '2026-01-15T08:00:00.000Z',
    );
    assert.equal(
      zonedLocalToUtc('2026-07-15T09:00', 'Europe/Berlin')?.toISOString(),
      '2026-07-15T07:00:00.000Z',
    );
    assert.equal(
      zonedLocalToUtc('2026-11-24T18:30', 'America/New_York')?.toISOString(),
      '2026-11-24T23:30:00.000Z',
    );
    // Clock changes in Los Angeles (8 March and 1 November 2026).
    assert.equal(
      zonedLocalToUtc('2026-03-08T03:00', 'America/Los_Angeles')?.toISOString(),
      '2026-03-08T10:00:00.000Z',
    );
    assert.equal(
      zonedLocalToUtc('2026-03-08T01:59', 'America/Los_Angeles')?.toISOString(),
      '2026-03-08T09:59:00.000Z',
    );
    // 02:30 does not exist that day: read with the offset before the change (PST).
    assert.equal(
      zonedLocalToUtc('2026-03-08T02:30', 'America/Los_Angeles')?.toISOString(),
      '2026-03-08T10:30:00.000Z',
    );
    // 01:30 happens twice on 1 November: the first (PDT).
    assert.equal(
      zonedLocalToUtc('2026-11-01T01:30', 'America/Los_Angeles')?.toISOString(),
      '2026-11-01T08:30:00.000Z',
    );
    assert.equal(
      zonedLocalToUtc('2026-11-01T03:00', 'America/Los_Angeles')?.toISOString(),
      '2026-11-01T11:00:00.000Z',
    );
    assert.equal(zonedLocalToUtc('2026-02-30T09:00', 'UTC'), undefined);
    assert.equal(zonedLocalToUtc('2026-02-10T09:00', 'Mars/Base'), undefined);
  });
  test('round trip for whole minutes, clock changes included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.constantFrom(
          'UTC',
          'Europe/Berlin',
          'Asia/Kolkata',
          'America/Los_Angeles',
          'Australia/Sydney',
        ),
        (ms, zone) => {
          const instant = new Date(Math.floor(ms / 60_000) * 60_000);
          const local = utcToZonedLocal(instant, zone);
          const back = zonedLocalToUtc(local, zone)!;
          // In the repeated hour of a change back, the earlier reading may come back: one hour apart at most.
          assert.ok(Math.abs(back.getTime() - instant.getTime()) <= 3_600_000, `${zone} ${local}`);
          assert.equal(utcToZonedLocal(back, zone), local);
        },
      ),
      { numRuns: 2000, examples: [[1772964000000, 'America/Los_Angeles']] },
    );
  });
});
