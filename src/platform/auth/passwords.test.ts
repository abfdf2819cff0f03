import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.ts';

describe('password hashes', () => {
  test('are argon2id with 46 MiB or more (m=47104), t=1, p=1', async () => {
    const hash = await hashPassword('violet tractor humming seven lanterns');
    assert.match(hash, /^\$argon2id\$v=19\$m=47104,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    const memory = Number(/m=(\d+)/.exec(hash)?.[1]);
    assert.ok(memory >= 46 * 1024, `memory cost ${memory} KiB`);
  });

  test('are salted: one password hashes differently each time', async () => {
    const a = await hashPassword('violet tractor humming seven lanterns');
    const b = await hashPassword('violet tractor humming seven lanterns');
    assert.notEqual(a, b);
  });

  test('verify the password and nothing else', async () => {
    const hash = await hashPassword('violet tractor humming seven lanterns');
    assert.equal(await verifyPassword(hash, 'violet tractor humming seven lanterns'), true);
    assert.equal(await verifyPassword(hash, 'violet tractor humming seven lantern'), false);
    assert.equal(await verifyPassword(hash, 'Violet tractor humming seven lanterns'), false);
    assert.equal(await verifyPassword(hash, ''), false);
  });

  test('compare long passwords whole: a difference at character 200 of 256 counts', async () => {
    const long = 'k'.repeat(199) + 'x' + 'q'.repeat(56);
    const other = 'k'.repeat(199) + 'y' + 'q'.repeat(56);
    const hash = await hashPassword(long);
    assert.equal(await verifyPassword(hash, long), true);
    assert.equal(await verifyPassword(hash, other), false);
  });

  test('without a stored hash (unknown user) nothing verifies', async () => {
    assert.equal(await verifyPassword(null, 'laurel-dummy-password-for-timing'), false);
    assert.equal(await verifyPassword(undefined, 'anything at all'), false);
  });

  test('a damaged stored hash is a failed verification, not an error', async () => {
    assert.equal(await verifyPassword('$argon2id$garbage', 'anything at all'), false);
    assert.equal(await verifyPassword('not a hash', 'anything at all'), false);
  });
});
