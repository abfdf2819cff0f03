import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  blocklistSize,
  checkPassword,
  MAX_LENGTH,
  MIN_LENGTH_SINGLE_FACTOR,
  MIN_LENGTH_WITH_SECOND_FACTOR,
  type PasswordContext,
} from './password-policy.ts';

const single: PasswordContext = {
  username: 'ada.lovelace',
  programNames: ['Heron Certification Program', 'Heron'],
  hasSecondFactor: false,
};
const withTwoFactor: PasswordContext = { ...single, hasSecondFactor: true };

/** The message keys the policy answers with (empty when the password is accepted). */
function keys(password: string, ctx: PasswordContext = single): string[] {
  return checkPassword(password, ctx).map((p) => p.messageKey);
}

/** A password of exactly `n` characters with no pattern and no dictionary word in it. */
function unpatterned(n: number): string {
  const alphabet = 'qzj7xkw4vmbpt9rnyfhgd2csl8';
  let out = '';
  for (let i = 0; out.length < n; i++)
    out += alphabet[(i * 7 + Math.floor(i / 26)) % alphabet.length];
  return out;
}

describe('password length (NIST SP 800-63B rev. 4)', () => {
  test('the minimums are 15 without a second factor and 8 with one', () => {
    assert.equal(MIN_LENGTH_SINGLE_FACTOR, 15);
    assert.equal(MIN_LENGTH_WITH_SECOND_FACTOR, 8);
    assert.ok(MAX_LENGTH >= 128, 'at least 128 characters must be accepted');
  });

  test('without two-factor, 14 characters are refused and 15 accepted', () => {
    assert.deepEqual(keys(unpatterned(14)), ['password.tooShort']);
    assert.deepEqual(checkPassword(unpatterned(14), single)[0]?.params, { min: 15 });
    assert.deepEqual(keys(unpatterned(15)), []);
  });

  test('with two-factor, 7 characters are refused and 8 accepted', () => {
    assert.deepEqual(keys(unpatterned(7), withTwoFactor), ['password.tooShort']);
    assert.deepEqual(checkPassword(unpatterned(7), withTwoFactor)[0]?.params, { min: 8 });
    assert.deepEqual(keys(unpatterned(8), withTwoFactor), []);
  });

  test('256 characters are accepted, 257 refused', () => {
    assert.deepEqual(keys(unpatterned(256)), []);
    assert.deepEqual(keys(unpatterned(257)), ['password.tooLong']);
  });

  test('an empty password asks for one', () => {
    assert.deepEqual(keys(''), ['password.required']);
  });

  test('length counts characters as people see them, not UTF-16 units', () => {
    // 8 emoji are 16 UTF-16 units but 8 characters: too short alone, enough with two-factor.
    const emoji = '🐦🌿🔑🎓🧭🪶🌊🗝';
    assert.equal(emoji.length, 16);
    assert.deepEqual(keys(emoji), ['password.tooShort']);
    assert.deepEqual(keys(emoji, withTwoFactor), []);
  });

  test('there are no composition rules: lowercase words and spaces are fine', () => {
    assert.deepEqual(keys('violet tractor humming seven lanterns'), []);
    assert.deepEqual(keys('ÄÖÜ ß déjà vu – naïve café'), []);
  });

  test('the problem names the field it is given', () => {
    assert.equal(checkPassword('short', single, 'newPassword')[0]?.field, 'newPassword');
    assert.equal(checkPassword('short', single)[0]?.field, 'password');
  });
});

describe('common and guessable passwords', () => {
  test('the blocklist holds at least 10,000 passwords', () => {
    assert.ok(blocklistSize() >= 10_000, `only ${blocklistSize()} entries`);
  });

  test('a common password long enough to pass the length rule is refused', () => {
    assert.deepEqual(keys('passwordpassword'), ['password.common']);
    assert.deepEqual(keys('1qaz2wsx3edc4rfv'), ['password.common']);
    assert.deepEqual(keys('qwerty123456789'), ['password.common']);
  });

  test('with two-factor, short common passwords are refused too, whatever their case', () => {
    assert.deepEqual(keys('password', withTwoFactor), ['password.common']);
    assert.deepEqual(keys('PassWord', withTwoFactor), ['password.common']);
    assert.deepEqual(keys('trustno1', withTwoFactor), ['password.common']);
    assert.deepEqual(keys('sunshine', withTwoFactor), ['password.common']);
  });

  test('one character or a short pattern over and over is refused', () => {
    assert.deepEqual(keys('aaaaaaaaaaaaaaaaaaaa'), ['password.common']);
    assert.deepEqual(keys('abababababababababab'), ['password.common']);
    assert.deepEqual(keys('abcabcabcabcabcabcab'), ['password.common']);
    assert.deepEqual(keys('AbCaBcAbCaBcAbCaBcAb'), ['password.common']);
    assert.deepEqual(keys('😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀'), ['password.common']);
  });

  test('a longer repeated unit is not mistaken for repetition', () => {
    assert.deepEqual(keys('wxyzwxyzwxyzwxyz'), []);
  });

  test('a password that contains the username is refused, whatever its case', () => {
    assert.deepEqual(keys('my name is Ada.Lovelace ok'), ['password.containsUsername']);
  });

  test('a username shorter than 3 characters is not looked for', () => {
    assert.deepEqual(keys('xy is a fine long passphrase', { ...single, username: 'xy' }), []);
  });

  test('a password that contains the program name (long or short) is refused', () => {
    assert.deepEqual(keys('i love the heron certification program'), ['password.containsProgram']);
    assert.deepEqual(keys('grey HERON over the river'), ['password.containsProgram']);
  });

  test('without a username (a new account not named yet) only the other rules apply', () => {
    assert.deepEqual(keys(unpatterned(20), { programNames: [], hasSecondFactor: false }), []);
  });
});
