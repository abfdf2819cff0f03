import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isHeld, publicStatus } from './verification.rules.ts';

const at = new Date('2026-06-01T00:00:00Z');
const before = new Date('2026-05-01T00:00:00Z');
const after = new Date('2026-07-01T00:00:00Z');

describe('publicStatus', () => {
  test('an active award before its expiry is active, with no date', () => {
    assert.deepEqual(
      publicStatus({ status: 'active', expiresAt: after, statusChangedAt: null }, at),
      {
        status: 'active',
        since: null,
      },
    );
    assert.equal(isHeld({ status: 'active', expiresAt: null, statusChangedAt: null }, at), true);
  });

  test('an active award past its expiry reads as expired at once, from its expiry date', () => {
    const s = publicStatus({ status: 'active', expiresAt: before, statusChangedAt: null }, at);
    assert.deepEqual(s, { status: 'expired', since: before });
    assert.equal(isHeld({ status: 'active', expiresAt: before, statusChangedAt: null }, at), false);
  });

  test('suspended and revoked carry the date of the change', () => {
    assert.deepEqual(
      publicStatus({ status: 'revoked', expiresAt: after, statusChangedAt: before }, at),
      { status: 'revoked', since: before },
    );
    assert.deepEqual(
      publicStatus({ status: 'suspended', expiresAt: null, statusChangedAt: before }, at),
      { status: 'suspended', since: before },
    );
    assert.equal(
      isHeld({ status: 'suspended', expiresAt: null, statusChangedAt: before }, at),
      false,
    );
  });

  test('an expired award without a change date falls back to its expiry', () => {
    assert.deepEqual(
      publicStatus({ status: 'expired', expiresAt: before, statusChangedAt: null }, at),
      { status: 'expired', since: before },
    );
  });
});
