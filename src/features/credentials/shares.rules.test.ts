import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkShareForm, expiryFrom, shareState, DEFAULT_EXPIRY_DAYS } from './shares.rules.ts';

const MINE = new Set(['AAAA-BBBB-CCCC-DDDD', '1111-2222-3333-4444']);
const base = {
  scope: 'awards',
  awards: ['aaaa-bbbb-cccc-dddd'],
  recipientName: 'Hiring Team',
  recipientEmail: 'hr@example.com',
};

function fields(result: ReturnType<typeof checkShareForm>): string[] {
  return result.ok ? [] : result.problems.map((p) => p.field);
}

describe('checkShareForm', () => {
  test('accepts own awards, upper-cases numbers and defaults the expiry to 90 days', () => {
    const result = checkShareForm(base, MINE);
    assert.ok(result.ok);
    assert.deepEqual(result.input.awards, ['AAAA-BBBB-CCCC-DDDD']);
    assert.equal(result.input.expiresInDays, DEFAULT_EXPIRY_DAYS);
    assert.equal(result.input.includeHistory, false);
  });

  test("refuses a number that is not one of the candidate's shareable awards", () => {
    const result = checkShareForm({ ...base, awards: ['ZZZZ-ZZZZ-ZZZZ-ZZZZ'] }, MINE);
    assert.deepEqual(fields(result), ['awards']);
  });

  test('asks for at least one award, a name, a valid email and a known expiry', () => {
    const result = checkShareForm(
      { scope: 'awards', recipientName: ' ', recipientEmail: 'not-an-email', expiresInDays: '3' },
      MINE,
    );
    assert.deepEqual(fields(result), [
      'awards',
      'recipientName',
      'recipientEmail',
      'expiresInDays',
    ]);
  });

  test('a transcript needs no award choice and may include exam history', () => {
    const result = checkShareForm(
      {
        ...base,
        scope: 'transcript',
        awards: undefined,
        includeHistory: 'yes',
        expiresInDays: '30',
      },
      MINE,
    );
    assert.ok(result.ok);
    assert.deepEqual(result.input.awards, []);
    assert.equal(result.input.includeHistory, true);
    assert.equal(result.input.expiresInDays, 30);
  });

  test('history is never included in a share of chosen awards', () => {
    const result = checkShareForm({ ...base, includeHistory: 'yes' }, MINE);
    assert.ok(result.ok);
    assert.equal(result.input.includeHistory, false);
  });

  test('refuses a message over 1000 characters and a name with a line break', () => {
    const result = checkShareForm(
      { ...base, message: 'x'.repeat(1001), recipientName: 'A\nB' },
      MINE,
    );
    assert.deepEqual(fields(result).sort(), ['message', 'recipientName']);
  });

  test('refuses an unknown scope', () => {
    assert.deepEqual(fields(checkShareForm({ ...base, scope: 'everything' }, MINE)), ['scope']);
  });
});

describe('shareState', () => {
  const created = new Date('2026-01-01T00:00:00Z');
  const expiresAt = expiryFrom(created, 90);

  test('expires exactly 90 days later', () => {
    assert.equal(expiresAt.toISOString(), '2026-04-01T00:00:00.000Z');
  });

  test('active, then expired at its expiry; revoked whatever the date', () => {
    assert.equal(
      shareState({ expiresAt, revokedAt: null }, new Date('2026-03-31T23:59:59Z')),
      'active',
    );
    assert.equal(shareState({ expiresAt, revokedAt: null }, expiresAt), 'expired');
    assert.equal(shareState({ expiresAt, revokedAt: created }, created), 'revoked');
  });
});
