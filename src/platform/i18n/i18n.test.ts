import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatDate,
  formatDateTime,
  isValidTimeZone,
  localeFromHeader,
  translator,
} from './i18n.ts';

/** ICU versions differ in the space they put before AM/PM (U+0020 or U+202F). */
const spaces = (s: string) => s.replace(/\s/g, ' ');

describe('dates and times', () => {
  const moment = new Date(Date.UTC(2026, 0, 5, 14, 30));

  test('a moment is shown in the user’s time zone, with the zone named', () => {
    assert.equal(
      spaces(formatDateTime(moment, { locale: 'en', timeZone: 'Europe/Paris' })),
      'Jan 5, 2026, 3:30 PM GMT+1',
    );
    assert.equal(
      spaces(formatDateTime(moment, { locale: 'en', timeZone: 'UTC' })),
      'Jan 5, 2026, 2:30 PM UTC',
    );
  });

  test('an unknown time zone falls back to UTC instead of failing the page', () => {
    assert.equal(
      spaces(formatDateTime(moment, { locale: 'en', timeZone: 'Not/AZone' })),
      'Jan 5, 2026, 2:30 PM UTC',
    );
    assert.equal(isValidTimeZone('Not/AZone'), false);
    assert.equal(isValidTimeZone('America/New_York'), true);
  });

  test('a calendar date string never shifts with the time zone', () => {
    assert.equal(
      formatDate('2026-01-05', { locale: 'en', timeZone: 'Pacific/Honolulu' }),
      'Jan 5, 2026',
    );
    assert.equal(
      formatDate(moment, { locale: 'en', timeZone: 'Pacific/Kiritimati' }),
      'Jan 6, 2026',
    );
  });
});

describe('messages', () => {
  test('parameters are filled in; unknown ones are left visible', () => {
    const t = translator('en');
    assert.equal(
      t('error.rateLimited', { minutes: 15 }),
      'There have been too many attempts. Try again in 15 minutes.',
    );
    assert.equal(t('password.tooShort'), 'Password must be at least {min} characters');
  });

  test('the language comes from Accept-Language, English when none is supported', () => {
    assert.equal(localeFromHeader(undefined), 'en');
    assert.equal(localeFromHeader('xx-YY, en-GB;q=0.8'), 'en');
    assert.equal(localeFromHeader('zz'), 'en');
  });
});
