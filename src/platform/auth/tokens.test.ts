import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decryptSecret, encryptSecret, hashToken, hmac, randomToken, safeEqual } from './tokens.ts';

const SECRET = 'a test installation secret of enough length';

describe('random tokens', () => {
  test('are 32 random bytes in base64url (43 characters), never the same twice', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const token = randomToken();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
    }
    assert.equal(seen.size, 1000);
  });

  test('take another size when asked', () => {
    assert.equal(Buffer.from(randomToken(16), 'base64url').length, 16);
  });
});

describe('token hashes', () => {
  test('are SHA-256 digests: 32 bytes, stable, different for different tokens', () => {
    const token = randomToken();
    const digest = hashToken(token);
    assert.equal(digest.length, 32);
    assert.deepEqual(hashToken(token), digest);
    assert.notDeepEqual(hashToken(`${token}x`), digest);
    assert.equal(
      hashToken('abc').toString('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('keyed MACs', () => {
  test('depend on the secret, the purpose and the value', () => {
    const base = hmac(SECRET, 'csrf', 'seed');
    assert.equal(hmac(SECRET, 'csrf', 'seed'), base);
    assert.notEqual(hmac(`${SECRET}!`, 'csrf', 'seed'), base);
    assert.notEqual(hmac(SECRET, 'rate-limit', 'seed'), base);
    assert.notEqual(hmac(SECRET, 'csrf', 'seed2'), base);
    assert.match(base, /^[A-Za-z0-9_-]{43}$/);
  });

  test('purpose and value cannot be shifted into each other', () => {
    assert.notEqual(hmac(SECRET, 'ab', 'c'), hmac(SECRET, 'a', 'bc'));
  });
});

describe('constant-time comparison', () => {
  test('is true only for equal strings', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('é', 'e'), false);
  });
});

describe('secrets at rest', () => {
  test('round-trip, and two sealings of one value differ (a fresh IV each time)', () => {
    const a = encryptSecret(SECRET, 'totp-secret', 'JBSWY3DPEHPK3PXP');
    const b = encryptSecret(SECRET, 'totp-secret', 'JBSWY3DPEHPK3PXP');
    assert.notEqual(a, b);
    assert.match(a, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!a.includes('JBSWY3DPEHPK3PXP'));
    assert.equal(decryptSecret(SECRET, 'totp-secret', a), 'JBSWY3DPEHPK3PXP');
    assert.equal(decryptSecret(SECRET, 'totp-secret', b), 'JBSWY3DPEHPK3PXP');
  });

  test('cannot be opened with another secret or for another purpose', () => {
    const sealed = encryptSecret(SECRET, 'totp-secret', 'JBSWY3DPEHPK3PXP');
    assert.throws(() => decryptSecret(`${SECRET}!`, 'totp-secret', sealed));
    assert.throws(() => decryptSecret(SECRET, 'other', sealed));
  });

  test('a tampered or malformed sealing is refused', () => {
    const sealed = encryptSecret(SECRET, 'totp-secret', 'JBSWY3DPEHPK3PXP');
    const [v, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    assert.throws(() =>
      decryptSecret(SECRET, 'totp-secret', [v, iv, flipped.toString('base64url'), tag].join('.')),
    );
    assert.throws(() => decryptSecret(SECRET, 'totp-secret', 'v2.a.b.c'));
    assert.throws(() => decryptSecret(SECRET, 'totp-secret', 'v1.a.b'));
    assert.throws(() => decryptSecret(SECRET, 'totp-secret', ''));
  });
});
