import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  qrSvg,
  totpCode,
  totpUri,
  verifyTotp,
} from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP codes (RFC 6238)', () => {
  test('match the RFC 6238 test vectors (last 6 digits)', () => {
    const vectors: [number, string][] = [
      [59, '287082'],
      [1111111109, '081804'],
      [1111111111, '050471'],
      [1234567890, '005924'],
      [2000000000, '279037'],
    ];
    for (const [seconds, code] of vectors) {
      assert.equal(totpCode(RFC_SECRET, seconds * 1000), code, `at T=${seconds}`);
    }
  });

  test('a new secret is 160 bits in base32 and differs every time', () => {
    const a = newTotpSecret();
    const b = newTotpSecret();
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.notEqual(a, b);
  });

  test('verify returns the time step of the code, allowing one step of drift either way', () => {
    const secret = newTotpSecret();
    const at = 1_700_000_000_000;
    const step = Math.floor(at / 30_000);
    assert.equal(verifyTotp(secret, totpCode(secret, at), at), step);
    assert.equal(verifyTotp(secret, totpCode(secret, at - 30_000), at), step - 1);
    assert.equal(verifyTotp(secret, totpCode(secret, at + 30_000), at), step + 1);
  });

  test('codes two steps away, from another secret, or malformed are refused', () => {
    const secret = newTotpSecret();
    const at = 1_700_000_000_000;
    assert.equal(verifyTotp(secret, totpCode(secret, at - 60_000), at), null);
    assert.equal(verifyTotp(secret, totpCode(secret, at + 60_000), at), null);
    assert.equal(verifyTotp(secret, totpCode(newTotpSecret(), at), at), null);
    assert.equal(verifyTotp(secret, '', at), null);
    assert.equal(verifyTotp(secret, '12345', at), null);
    assert.equal(verifyTotp(secret, '1234567', at), null);
    assert.equal(verifyTotp(secret, 'abcdef', at), null);
  });

  test('spaces inside a typed code are ignored', () => {
    const secret = newTotpSecret();
    const at = 1_700_000_000_000;
    const code = totpCode(secret, at);
    assert.notEqual(verifyTotp(secret, ` ${code.slice(0, 3)} ${code.slice(3)} `, at), null);
  });

  test('the otpauth URI names the issuer and the account', () => {
    const uri = totpUri(RFC_SECRET, 'ada', 'Heron Certification Program');
    assert.match(uri, /^otpauth:\/\/totp\//);
    assert.match(uri, /secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ/);
    assert.match(uri, /issuer=Heron%20Certification%20Program/);
    assert.match(uri, /ada/);
    assert.match(uri, /period=30/);
    assert.match(uri, /digits=6/);
  });

  test('the QR code is an SVG image', async () => {
    const svg = await qrSvg(totpUri(RFC_SECRET, 'ada', 'Heron'));
    assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.doesNotMatch(svg, /<script/i);
  });
});

describe('recovery codes', () => {
  test('ten distinct codes like xxxxx-xxxxx, without look-alike characters', () => {
    const codes = newRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) {
      assert.match(code, /^[a-hjkmnp-z2-9]{5}-[a-hjkmnp-z2-9]{5}$/);
      assert.doesNotMatch(code, /[ilo01]/);
    }
  });

  test('normalizing ignores case, dashes and spaces', () => {
    assert.equal(normalizeRecoveryCode(' K7M2P-X9QRT '), 'k7m2px9qrt');
    assert.equal(normalizeRecoveryCode('k7m2p x9qrt'), 'k7m2px9qrt');
  });

  test('a recovery code is told apart from a six-digit TOTP code', () => {
    assert.equal(looksLikeRecoveryCode('k7m2p-x9qrt'), true);
    assert.equal(looksLikeRecoveryCode('K7M2PX9QRT'), true);
    assert.equal(looksLikeRecoveryCode('123456'), false);
    assert.equal(looksLikeRecoveryCode('1234567890'), false);
    assert.equal(looksLikeRecoveryCode('k7m2p'), false);
  });
});
