import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkCountry,
  checkEmail,
  checkName,
  checkUsername,
  emailDomain,
  normalizeEmail,
  safeNextPath,
} from './account-rules.ts';

const keys = (problems: { messageKey: string }[]) => problems.map((p) => p.messageKey);

describe('usernames', () => {
  test('3 to 40 letters, digits, dots, dashes and underscores, starting with a letter or digit', () => {
    for (const ok of ['ada', 'Ada.Lovelace', 'a_b-c.d', '007', 'x'.repeat(40)]) {
      assert.deepEqual(checkUsername(ok), [], ok);
    }
    for (const bad of [
      'ab',
      'x'.repeat(41),
      '.ada',
      '-ada',
      'ada lovelace',
      'ada@home',
      'adä',
      'ada\u0000x',
    ]) {
      assert.deepEqual(
        keys(checkUsername(bad)),
        ['validation.usernameFormat'],
        JSON.stringify(bad),
      );
    }
  });

  test('an empty or blank username asks for one', () => {
    assert.deepEqual(keys(checkUsername('')), ['validation.usernameRequired']);
    assert.deepEqual(keys(checkUsername('   ')), ['validation.usernameRequired']);
  });

  test('surrounding spaces are not held against it', () => {
    assert.deepEqual(checkUsername('  ada  '), []);
  });
});

describe('email addresses', () => {
  test('plain addresses pass; the confirmation link is the real check', () => {
    for (const ok of ['ada@example.com', 'a.b+tag@sub.example.co.uk', 'ADA@EXAMPLE.COM']) {
      assert.deepEqual(checkEmail(ok), [], ok);
    }
  });

  test('missing, malformed and overlong addresses are refused', () => {
    assert.deepEqual(keys(checkEmail('')), ['validation.emailRequired']);
    for (const bad of [
      'ada',
      'ada@',
      '@example.com',
      'ada@example',
      'ada @example.com',
      'a@b@c.com',
      'ada@example..com',
    ]) {
      assert.deepEqual(keys(checkEmail(bad)), ['validation.emailFormat'], bad);
    }
    assert.deepEqual(keys(checkEmail(`${'a'.repeat(64)}@${'b'.repeat(190)}.com`)), [
      'validation.emailFormat',
    ]);
    assert.deepEqual(keys(checkEmail(`${'a'.repeat(65)}@example.com`)), ['validation.emailFormat']);
  });

  test('the problem names the field it is given', () => {
    assert.equal(checkEmail('', 'newEmail')[0]?.field, 'newEmail');
  });

  test('normalizing trims; the domain is lowercase', () => {
    assert.equal(normalizeEmail('  Ada@Example.com '), 'Ada@Example.com');
    assert.equal(emailDomain('ada@Partner.Example'), 'partner.example');
  });
});

describe('names and countries', () => {
  test('names are required, at most 100 characters, without control characters', () => {
    assert.deepEqual(checkName('Ada', 'givenName'), []);
    assert.deepEqual(checkName('<script>alert(1)</script>', 'givenName'), []);
    assert.deepEqual(keys(checkName('  ', 'givenName')), ['validation.givenNameRequired']);
    assert.deepEqual(keys(checkName('', 'familyName')), ['validation.familyNameRequired']);
    assert.deepEqual(checkName('é'.repeat(100), 'familyName'), []);
    assert.deepEqual(keys(checkName('é'.repeat(101), 'familyName')), ['validation.nameTooLong']);
    assert.deepEqual(keys(checkName('Ada\u0007', 'givenName')), ['validation.nameCharacters']);
    assert.deepEqual(keys(checkName('Ada\u0085x', 'givenName')), ['validation.nameCharacters']);
  });

  test('a country is a known ISO code', () => {
    assert.deepEqual(checkCountry('GB'), []);
    assert.deepEqual(keys(checkCountry('')), ['validation.countryRequired']);
    assert.deepEqual(keys(checkCountry('XX')), ['validation.countryRequired']);
    assert.deepEqual(keys(checkCountry('gb ')), ['validation.countryRequired']);
  });
});

describe('the page to return to after sign-in', () => {
  test('local paths are kept', () => {
    assert.equal(safeNextPath('/account/sessions'), '/account/sessions');
    assert.equal(safeNextPath('/admin/users?q=ada&page=2'), '/admin/users?q=ada&page=2');
  });

  test('other sites, protocol-relative and odd values are dropped', () => {
    for (const bad of [
      undefined,
      null,
      42,
      '',
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      `/${'a'.repeat(600)}`,
    ]) {
      assert.equal(safeNextPath(bad), undefined, JSON.stringify(bad));
    }
  });

  test('control characters are dropped: browsers strip tabs and newlines, making "/\\t/evil" a jump to evil', () => {
    for (const bad of [
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/x\u0000',
      '/\\\t\\evil.example',
    ]) {
      assert.equal(safeNextPath(bad), undefined, JSON.stringify(bad));
    }
  });
});
