import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { badgeFileName, buildOpenBadge, identityHash, type BadgeInput } from './badges.ts';
import { openSecret, sealSecret } from '../../platform/crypto/secrets.ts';
import { didWebFor, SEAL_PURPOSE } from './issuer-keys.ts';
import { bundledDocumentLoader, DocumentNotBundledError } from './jsonld-loader.ts';
import { encodeList, LIST_LENGTH, listFingerprint } from './status-lists.ts';

const input: BadgeInput = {
  publicUrl: 'https://certs.example.org',
  issuer: { did: 'did:web:certs.example.org', name: 'Corvid', url: 'https://certs.example.org' },
  award: {
    credentialNumber: 'ABCD-EFGH-JKMN-PQRS',
    awardedAt: new Date('2026-01-02T03:04:05.678Z'),
    expiresAt: null,
  },
  credential: {
    code: 'CCA',
    name: 'Corvid Certified Associate',
    kind: 'certification',
    description: '',
    criteria: 'Pass ACS-101.',
  },
  holder: { email: ' Casey@Example.com ', salt: 'pepper' },
  status: { listNumber: 2, index: 17 },
};

describe('buildOpenBadge', () => {
  test('an award that never expires has no validUntil; dates carry whole seconds', () => {
    const badge = buildOpenBadge(input);
    assert.equal(badge.validFrom, '2026-01-02T03:04:05Z');
    assert.equal('validUntil' in badge, false);
    const withExpiry = buildOpenBadge({
      ...input,
      award: { ...input.award, expiresAt: new Date('2028-01-02T00:00:00Z') },
    });
    assert.equal(withExpiry.validUntil, '2028-01-02T00:00:00Z');
  });

  test("status entries point at the award's list and index, one per purpose", () => {
    const badge = buildOpenBadge(input) as { credentialStatus: Record<string, string>[] };
    assert.deepEqual(badge.credentialStatus, [
      {
        id: 'https://certs.example.org/status-lists/revocation/2#17',
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '17',
        statusListCredential: 'https://certs.example.org/status-lists/revocation/2',
      },
      {
        id: 'https://certs.example.org/status-lists/suspension/2#17',
        type: 'BitstringStatusListEntry',
        statusPurpose: 'suspension',
        statusListIndex: '17',
        statusListCredential: 'https://certs.example.org/status-lists/suspension/2',
      },
    ]);
  });

  test('an empty description falls back to the name; accreditations are certificates', () => {
    const badge = buildOpenBadge({
      ...input,
      credential: { ...input.credential, kind: 'accreditation' },
    }) as {
      credentialSubject: { achievement: Record<string, unknown> };
    };
    assert.equal(badge.credentialSubject.achievement.description, 'Corvid Certified Associate');
    assert.equal(badge.credentialSubject.achievement.achievementType, 'Certificate');
  });

  test('the email is hashed trimmed and lower-cased, with the salt', () => {
    const expected = crypto.createHash('sha256').update('casey@example.compepper').digest('hex');
    assert.equal(identityHash(' Casey@Example.com ', 'pepper'), `sha256$${expected}`);
  });

  test('file names are safe', () => {
    assert.equal(badgeFileName('CCA', 'ABCD-EFGH'), 'CCA-ABCD-EFGH.json');
    assert.equal(badgeFileName('C/A', 'X Y'), 'C_A-X_Y.json');
  });
});

describe('didWebFor', () => {
  test('host, port and path', () => {
    assert.deepEqual(didWebFor('https://certs.example.org'), {
      did: 'did:web:certs.example.org',
      documentPaths: ['/.well-known/did.json'],
    });
    assert.equal(didWebFor('https://localhost:8443').did, 'did:web:localhost%3A8443');
    const withPath = didWebFor('https://example.org/programs/laurel');
    assert.equal(withPath.did, 'did:web:example.org:programs:laurel');
    assert.deepEqual(withPath.documentPaths, ['/.well-known/did.json', '/did.json']);
  });
});

describe('sealing the issuer key', () => {
  test('round trip; another secret, another purpose or a changed byte fails', () => {
    const secret = 'a'.repeat(40);
    const sealed = sealSecret(secret, 'zrv3secret', SEAL_PURPOSE);
    assert.ok(!sealed.includes('zrv3secret'));
    assert.equal(openSecret(secret, sealed, SEAL_PURPOSE), 'zrv3secret');
    assert.throws(() => openSecret('b'.repeat(40), sealed, SEAL_PURPOSE));
    assert.throws(() => openSecret(secret, sealed));
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[2] = body.toString('base64url');
    assert.throws(() => openSecret(secret, parts.join('.'), SEAL_PURPOSE));
  });
});

describe('status lists', () => {
  test('the encoded list sets exactly the given bits, most significant bit first', async () => {
    const encoded = await encodeList([0, 9, LIST_LENGTH - 1]);
    assert.match(encoded, /^u[A-Za-z0-9_-]+$/);
    const list = await decodeList({ encodedList: encoded });
    assert.equal(list.length, LIST_LENGTH);
    const set = [0, 1, 8, 9, 10, LIST_LENGTH - 1].filter((i) => list.getStatus(i));
    assert.deepEqual(set, [0, 9, LIST_LENGTH - 1]);
    const raw = (await import('node:zlib')).gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    assert.equal(raw[0], 0b1000_0000);
    assert.equal(raw[1], 0b0100_0000);
  });

  test('the fingerprint changes with the bits and with the key', () => {
    const a = listFingerprint('did:web:x#k1', [1, 2]);
    assert.equal(a, listFingerprint('did:web:x#k1', [1, 2]));
    assert.notEqual(a, listFingerprint('did:web:x#k1', [1, 3]));
    assert.notEqual(a, listFingerprint('did:web:x#k2', [1, 2]));
  });
});

describe('the document loader', () => {
  test('serves bundled contexts and refuses everything else', async () => {
    const load = bundledDocumentLoader();
    const vc = await load('https://www.w3.org/ns/credentials/v2');
    assert.ok(vc.document);
    const ob = await load('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json');
    assert.ok(ob.document);
    await assert.rejects(load('https://example.org/context.json'), DocumentNotBundledError);
  });
});
