import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FORMAT, addressFormat, isValidPostalCode } from './address-formats.ts';

describe('address formats', () => {
  it('knows what common countries call their fields and which they need', () => {
    assert.equal(addressFormat('US').postalLabel, 'zip');
    assert.equal(addressFormat('US').regionLabel, 'state');
    assert.ok(addressFormat('US').required.includes('region'));
    assert.equal(addressFormat('GB').postalLabel, 'postcode');
    assert.ok(!addressFormat('GB').required.includes('region'));
    assert.ok(!addressFormat('SG').fields.includes('city'));
  });

  it('falls back to a sensible default', () => {
    assert.equal(addressFormat('KZ'), DEFAULT_FORMAT);
    assert.deepEqual(DEFAULT_FORMAT.required, ['addressLine1', 'city']);
  });

  it('checks postal codes where the country has a pattern', () => {
    assert.ok(isValidPostalCode('US', '94105'));
    assert.ok(isValidPostalCode('US', '94105-1234'));
    assert.ok(!isValidPostalCode('US', '9410'));
    assert.ok(isValidPostalCode('GB', 'sw1a 1aa'));
    assert.ok(!isValidPostalCode('GB', '12345'));
    assert.ok(isValidPostalCode('CA', 'K1A 0B1'));
    assert.ok(isValidPostalCode('KZ', 'anything'));
  });
});
