import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPhone, parsePhone } from './phone.ts';

describe('parsePhone', () => {
  it('turns national numbers into E.164 with the country calling code', () => {
    assert.deepEqual(parsePhone('020 7946 0958', 'GB'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(parsePhone('(415) 555-2671', 'US'), { ok: true, e164: '+14155552671' });
    assert.deepEqual(parsePhone('1-415-555-2671', 'US'), { ok: true, e164: '+14155552671' });
    assert.deepEqual(parsePhone('030 901820', 'DE'), { ok: true, e164: '+4930901820' });
    // Italy keeps its leading zero in the international form.
    assert.deepEqual(parsePhone('06 6982 1234', 'IT'), { ok: true, e164: '+390669821234' });
  });

  it('accepts the international form whatever the home country', () => {
    assert.deepEqual(parsePhone('+44 20 7946 0958', 'US'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(parsePhone('0044 20 7946 0958', 'FR'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(parsePhone('+44 (0)20 7946 0958', 'GB'), { ok: true, e164: '+442079460958' });
    assert.deepEqual(parsePhone('+358 40 1234567', 'GB'), { ok: true, e164: '+358401234567' });
    assert.deepEqual(parsePhone('+7 495 123 45 67', 'KZ'), { ok: true, e164: '+74951234567' });
  });

  it('refuses what is not a phone number', () => {
    for (const bad of ['hello', '12', '+44 12', '+0 1234567', '555-CALL-NOW', '+1 415 555 26711']) {
      assert.equal(parsePhone(bad, 'US').ok, false, bad);
    }
  });

  it('asks for the calling code where it does not know the country', () => {
    assert.deepEqual(parsePhone('495 123 45 67', 'KZ'), {
      ok: false,
      problem: 'phoneNeedsCountryCode',
    });
  });

  it('formats a stored number with the calling code set apart', () => {
    assert.equal(formatPhone('+442079460958'), '+44 2079460958');
    assert.equal(formatPhone('+358401234567'), '+358 401234567');
  });
});
