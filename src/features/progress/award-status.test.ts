import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCredentialNumbers, transition } from './award-status.ts';

describe('parseCredentialNumbers', () => {
  test('lines, commas, spaces and quotes; normalized and deduplicated; the rest reported', () => {
    const { numbers, invalid } = parseCredentialNumbers(
      'ABCD-EFGH-JKMN-PQRS\r\nabcdefghjkmnpqrs, "0000-0000-0000-0001";banana\n\n  oooo-iiii-llll-0000',
    );
    assert.deepEqual(numbers, [
      'ABCD-EFGH-JKMN-PQRS',
      '0000-0000-0000-0001',
      '0000-1111-1111-0000',
    ]);
    assert.deepEqual(invalid, ['banana']);
  });
});

describe('transition', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const active = { status: 'active' as const, expiresAt: null };
  const suspended = { status: 'suspended' as const, expiresAt: null };
  const revoked = { status: 'revoked' as const, expiresAt: null };
  const expired = { status: 'expired' as const, expiresAt: new Date('2026-01-01T00:00:00Z') };

  test('suspend only an active award', () => {
    assert.deepEqual(transition('suspend', active, now), { to: 'suspended' });
    for (const award of [suspended, revoked, expired]) {
      assert.deepEqual(transition('suspend', award, now), { skip: 'notActive' });
    }
  });

  test('revoke anything not revoked yet', () => {
    for (const award of [active, suspended, expired]) {
      assert.deepEqual(transition('revoke', award, now), { to: 'revoked' });
    }
    assert.deepEqual(transition('revoke', revoked, now), { skip: 'alreadyRevoked' });
  });

  test('restore a suspended or revoked award: active, or expired past its expiry', () => {
    assert.deepEqual(transition('restore', suspended, now), { to: 'active' });
    assert.deepEqual(transition('restore', revoked, now), { to: 'active' });
    assert.deepEqual(
      transition(
        'restore',
        { status: 'suspended', expiresAt: new Date('2026-06-01T00:00:00Z') },
        now,
      ),
      { to: 'expired' },
    );
    assert.deepEqual(
      transition(
        'restore',
        { status: 'suspended', expiresAt: new Date('2026-06-01T00:00:01Z') },
        now,
      ),
      { to: 'active' },
    );
    for (const award of [active, expired]) {
      assert.deepEqual(transition('restore', award, now), { skip: 'notSuspendedOrRevoked' });
    }
  });
});
