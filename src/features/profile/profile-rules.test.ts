import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkContact,
  checkQuestion,
  checkSurvey,
  checkUnsubscribeToken,
  diffContact,
  reviewDue,
  unsubscribeToken,
  type ContactInput,
} from './profile-rules.ts';

const blank: ContactInput = {
  country: 'GB',
  addressLine1: '',
  addressLine2: '',
  city: '',
  region: '',
  postalCode: '',
  phone: '',
  company: '',
  jobTitle: '',
  locale: 'en',
  timeZone: 'UTC',
};

describe('checkContact', () => {
  it('accepts a blank address, and requires the rest of one that is started', () => {
    assert.deepEqual(checkContact(blank).problems, []);
    const started = checkContact({ ...blank, addressLine1: '1 High Street' });
    assert.deepEqual(
      started.problems.map((p) => p.field),
      ['city', 'postalCode'],
    );
  });

  it('stores empty as null, trims and normalizes, and only keeps the fields the country uses', () => {
    const { problems, contact } = checkContact({
      ...blank,
      country: 'SG',
      addressLine1: '  1 Raffles  Place ',
      city: 'ignored for Singapore',
      postalCode: '048616',
      phone: '6123 4567',
    });
    assert.deepEqual(problems, []);
    assert.equal(contact.addressLine1, '1 Raffles Place');
    assert.equal(contact.city, null);
    assert.equal(contact.phone, '+6561234567');
    assert.equal(contact.company, null);
  });

  it('refuses unknown countries, languages, time zones and control characters', () => {
    const { problems } = checkContact({
      ...blank,
      country: 'XX',
      locale: 'tlh',
      timeZone: 'Mars/Olympus',
      company: 'Evil\u0007Corp',
    });
    assert.deepEqual(problems.map((p) => p.field).sort(), [
      'company',
      'country',
      'locale',
      'timeZone',
    ]);
  });

  it('diffs only the fields that changed', () => {
    const a = checkContact({ ...blank, company: 'A' }).contact;
    const b = checkContact({ ...blank, company: 'B', jobTitle: 'CTO' }).contact;
    assert.deepEqual(diffContact(a, b), [
      { field: 'company', old: 'A', new: 'B' },
      { field: 'jobTitle', old: null, new: 'CTO' },
    ]);
  });
});

describe('survey rules', () => {
  const questions = [
    { id: 1, prompt: 'Role', options: ['Dev', 'Ops'], required: true },
    { id: 2, prompt: 'Years', options: ['0-2', '3+'], required: false },
  ];
  it('requires required questions, allows optional ones blank, refuses made-up answers', () => {
    assert.deepEqual(
      checkSurvey(questions, { q2: '3+' }).problems.map((p) => p.field),
      ['q1'],
    );
    assert.deepEqual(
      checkSurvey(questions, { q1: 'Pirate' }).problems.map((p) => p.field),
      ['q1'],
    );
    const ok = checkSurvey(questions, { q1: 'Ops', q2: '' });
    assert.deepEqual(ok.problems, []);
    assert.equal(ok.answers.get(1), 'Ops');
    assert.equal(ok.answers.get(2), null);
  });
  it('reads a question as a prompt and one option per line, without duplicates', () => {
    const q = checkQuestion({ prompt: ' Industry ', options: 'Finance\r\n\r\nHealth\nFinance\n' });
    assert.deepEqual(q.problems, []);
    assert.equal(q.prompt, 'Industry');
    assert.deepEqual(q.options, ['Finance', 'Health']);
    assert.equal(checkQuestion({ prompt: 'X', options: 'only one' }).problems[0]?.field, 'options');
  });
});

describe('reviewDue', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const base = {
    now,
    accountCreatedAt: new Date('2020-01-01T00:00:00Z'),
    confirmedAt: null,
    promptedAt: null,
  };
  it('never asks when the program does not, or more than once a year', () => {
    assert.equal(reviewDue({ ...base, intervalMonths: null }), false);
    assert.equal(reviewDue({ ...base, intervalMonths: 6 }), false);
    assert.equal(reviewDue({ ...base, intervalMonths: 12 }), true);
  });
  it('counts from the last confirmation and asks once per interval', () => {
    const confirmedAt = new Date('2026-01-01T00:00:00Z');
    assert.equal(reviewDue({ ...base, intervalMonths: 12, confirmedAt }), false);
    const old = new Date('2025-10-01T00:00:00Z');
    assert.equal(reviewDue({ ...base, intervalMonths: 12, confirmedAt: old }), true);
    assert.equal(
      reviewDue({
        ...base,
        intervalMonths: 12,
        confirmedAt: old,
        promptedAt: new Date('2026-11-01T00:00:00Z'),
      }),
      false,
    );
  });
});

describe('unsubscribe tokens', () => {
  it('are bound to the secret, the person and the category', () => {
    const token = unsubscribeToken('secret-one', 7, 'expiry_reminders');
    assert.ok(checkUnsubscribeToken('secret-one', 7, 'expiry_reminders', token));
    assert.ok(!checkUnsubscribeToken('secret-two', 7, 'expiry_reminders', token));
    assert.ok(!checkUnsubscribeToken('secret-one', 8, 'expiry_reminders', token));
    assert.ok(!checkUnsubscribeToken('secret-one', 7, 'program_news', token));
    assert.ok(!checkUnsubscribeToken('secret-one', 7, 'expiry_reminders', token.slice(1)));
  });
});
