import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  certificateFileName,
  certificateFingerprint,
  linkedInAddUrl,
  unavailableReason,
  verificationUrl,
} from './my-credentials.rules.ts';

const at = new Date('2026-06-15T12:00:00Z');

describe('unavailableReason', () => {
  test('an active award without expiry, or expiring later, is available', () => {
    assert.equal(unavailableReason({ status: 'active', expiresAt: null }, at), null);
    assert.equal(
      unavailableReason({ status: 'active', expiresAt: new Date('2026-06-15T12:00:01Z') }, at),
      null,
    );
  });

  test('an active award at or past its expiry counts as expired (the sweep may not have run)', () => {
    assert.equal(
      unavailableReason({ status: 'active', expiresAt: new Date('2026-06-15T12:00:00Z') }, at),
      'expired',
    );
  });

  test('expired, suspended and revoked awards say so', () => {
    for (const status of ['expired', 'suspended', 'revoked'] as const) {
      assert.equal(unavailableReason({ status, expiresAt: null }, at), status);
    }
  });
});

describe('links', () => {
  test('the verification URL joins the public address and the number', () => {
    assert.equal(
      verificationUrl('https://cert.example/', 'ABCD-EFGH-JKMN-PQRS'),
      'https://cert.example/verify/ABCD-EFGH-JKMN-PQRS',
    );
  });

  test('the LinkedIn link carries name, organization, months, number and verification URL', () => {
    const url = new URL(
      linkedInAddUrl({
        credentialName: 'Cloud Associate & Co',
        organizationName: 'Corvid Certification',
        awardedAt: new Date('2026-01-31T23:30:00Z'),
        expiresAt: new Date('2029-12-01T00:00:00Z'),
        credentialNumber: 'ABCD-EFGH-JKMN-PQRS',
        verificationUrl: 'https://cert.example/verify/ABCD-EFGH-JKMN-PQRS',
      }),
    );
    assert.equal(url.origin + url.pathname, 'https://www.linkedin.com/profile/add');
    const p = url.searchParams;
    assert.equal(p.get('startTask'), 'CERTIFICATION_NAME');
    assert.equal(p.get('name'), 'Cloud Associate & Co');
    assert.equal(p.get('organizationName'), 'Corvid Certification');
    assert.equal(p.get('issueYear'), '2026');
    assert.equal(p.get('issueMonth'), '1');
    assert.equal(p.get('expirationYear'), '2029');
    assert.equal(p.get('expirationMonth'), '12');
    assert.equal(p.get('certId'), 'ABCD-EFGH-JKMN-PQRS');
    assert.equal(p.get('certUrl'), 'https://cert.example/verify/ABCD-EFGH-JKMN-PQRS');
  });

  test('an award that never expires has no expiration in the link', () => {
    const p = new URL(
      linkedInAddUrl({
        credentialName: 'X',
        organizationName: 'Y',
        awardedAt: at,
        expiresAt: null,
        credentialNumber: 'N',
        verificationUrl: 'https://v',
      }),
    ).searchParams;
    assert.equal(p.has('expirationYear'), false);
    assert.equal(p.has('expirationMonth'), false);
  });
});

describe('fingerprint and file name', () => {
  test('the fingerprint ignores key order and changes with any part', () => {
    const a = certificateFingerprint({ name: 'Zoë', template: 2, expires: at });
    assert.equal(a, certificateFingerprint({ expires: at, template: 2, name: 'Zoë' }));
    assert.notEqual(a, certificateFingerprint({ name: 'Zoe', template: 2, expires: at }));
    assert.notEqual(a, certificateFingerprint({ name: 'Zoë', template: 3, expires: at }));
    assert.notEqual(
      a,
      certificateFingerprint({ name: 'Zoë', template: 2, expires: new Date(at.getTime() + 1) }),
    );
  });

  test('the file name keeps only safe characters', () => {
    assert.equal(
      certificateFileName('CCA"/..', 'ABCD-EFGH-JKMN-PQRS'),
      'certificate-CCA-ABCD-EFGH-JKMN-PQRS.pdf',
    );
  });
});
