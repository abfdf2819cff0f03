import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import { auditOf, awardsOf, givenCandidates, pass } from '../progress/setup.ts';
import { LIST_LENGTH, statusPositionFor } from '../../src/features/credentials/status-lists.ts';
import { verifyWithApp } from './badges-verifier.ts';

const publicUrl = () => `https://badges-${crypto.randomBytes(4).toString('hex')}.test`;

interface Setup {
  t: TestApp;
  url: string;
  exam: { id: number; code: string };
  credential: { id: number; code: string };
  holder: GivenAccount;
  holderJar: CookieJar;
}

async function setUp(): Promise<Setup> {
  const url = publicUrl();
  const t = await createTestApp({ env: { PUBLIC_URL: url } });
  await givenProgram(t);
  const exam = await givenExam(t.db, { title: 'Cloud Security Basics', passingScore: 700 });
  const credential = await givenCredential(t.db, {
    name: 'Cloud Associate',
    validityMonths: 24,
    requirements: [{ tree: examTree(exam.code) }],
  });
  const holder = await givenAccount(t.app, { givenName: 'Katherine', familyName: 'Johnson' });
  const holderJar = cookieJar();
  await signIn(t, holderJar, holder);
  await pass(t, holder.id, exam.code, new Date(Date.now() - 10 * 86_400_000));
  return { t, url, exam, credential, holder, holderJar };
}

async function numberOf(s: Setup, credentialId = s.credential.id): Promise<string> {
  const [award] = await awardsOf(s.t, s.holder.id, credentialId);
  assert.ok(award, 'the holder has an award');
  return award.credential_number;
}

async function download(s: Setup, number: string, jar = s.holderJar) {
  return get(s.t.app, `/my-credentials/${number}/badge`, jar);
}

async function badgeOf(s: Setup, number: string): Promise<Record<string, any>> {
  const res = await download(s, number);
  assert.equal(res.statusCode, 200, res.body.slice(0, 300));
  return JSON.parse(res.body);
}

describe('an award as a signed Open Badge', () => {
  let s: Setup;
  let number: string;
  before(async () => {
    s = await setUp();
    number = await numberOf(s);
  });
  after(async () => {
    await s?.t.close();
  });

  test('the holder downloads it as an OB 3.0 credential named after the credential', async () => {
    const res = await download(s, number);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/vc\+ld\+json/);
    assert.equal(
      res.headers['content-disposition'],
      `attachment; filename="${s.credential.code}-${number}.json"`,
    );
    const badge = JSON.parse(res.body);
    assert.deepEqual(badge.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(badge['@context'][0], 'https://www.w3.org/ns/credentials/v2');
    const host = new URL(s.url).host;
    assert.equal(badge.issuer.id, `did:web:${host}`);
    assert.equal(badge.proof.type, 'DataIntegrityProof');
    assert.equal(badge.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.match(badge.proof.verificationMethod, new RegExp(`^did:web:${host}#key-`));
    const [award] = await awardsOf(s.t, s.holder.id, s.credential.id);
    assert.equal(badge.validFrom, award!.awarded_at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.equal(badge.validUntil, award!.expires_at!.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const subject = badge.credentialSubject;
    assert.equal(subject.licenseNumber, number);
    assert.equal(subject.achievement.name, 'Cloud Associate');
    assert.equal(subject.achievement.achievementType, 'Certification');
    assert.match(subject.achievement.criteria.narrative, /Cloud Security Basics/);
    // The holder: a salted hash of their email, never the address itself.
    const [identity] = subject.identifier;
    assert.equal(identity.identityType, 'emailAddress');
    assert.equal(identity.hashed, true);
    const expected = crypto
      .createHash('sha256')
      .update(s.holder.email + identity.salt)
      .digest('hex');
    assert.equal(identity.identityHash, `sha256$${expected}`);
    assert.ok(!res.body.includes(s.holder.email));
    const purposes = badge.credentialStatus.map((e: { statusPurpose: string }) => e.statusPurpose);
    assert.deepEqual(purposes, ['revocation', 'suspension']);
    for (const entry of badge.credentialStatus) {
      assert.equal(entry.type, 'BitstringStatusListEntry');
      assert.equal(entry.statusListCredential, `${s.url}/status-lists/${entry.statusPurpose}/1`);
    }
  });

  test('another candidate, an unknown number or no session gets nothing', async () => {
    const other = await givenAccount(s.t.app);
    const otherJar = cookieJar();
    await signIn(s.t, otherJar, other);
    assert.equal((await download(s, number, otherJar)).statusCode, 404);
    assert.equal((await download(s, '0000-0000-0000-0000')).statusCode, 404);
    assert.equal((await download(s, 'not-a-number')).statusCode, 404);
    const anonymous = await get(s.t.app, `/my-credentials/${number}/badge`);
    assert.notEqual(anonymous.statusCode, 200);
  });

  test('the DID document publishes the signing key', async () => {
    const res = await get(s.t.app, '/.well-known/did.json');
    assert.equal(res.statusCode, 200);
    const doc = JSON.parse(res.body);
    assert.equal(doc.id, `did:web:${new URL(s.url).host}`);
    const badge = await badgeOf(s, number);
    assert.ok(doc.assertionMethod.includes(badge.proof.verificationMethod));
    const method = doc.verificationMethod.find(
      (m: { id: string }) => m.id === badge.proof.verificationMethod,
    );
    assert.equal(method.type, 'Multikey');
    assert.match(method.publicKeyMultibase, /^z6Mk/);
  });

  test('an independent verifier accepts it; changing one field breaks the signature', async () => {
    const badge = await badgeOf(s, number);
    const result = await verifyWithApp(s.t.app, s.url, badge);
    assert.deepEqual(result.errors, []);
    assert.equal(result.steps.valid_signature, true);
    assert.equal(result.steps.revocation_status, true);
    assert.equal(result.steps.suspension_status, true);
    assert.equal(result.steps.expiration, true);

    const tampered = structuredClone(badge);
    tampered.credentialSubject.achievement.name = 'Cloud Expert';
    const broken = await verifyWithApp(s.t.app, s.url, tampered);
    assert.deepEqual(broken.errors, ['invalid_signature']);
  });

  test('status lists: signed, at least 131,072 entries, a list that does not exist is 404', async () => {
    for (const purpose of ['revocation', 'suspension']) {
      const res = await get(s.t.app, `/status-lists/${purpose}/1`);
      assert.equal(res.statusCode, 200);
      const list = JSON.parse(res.body);
      assert.ok(list.type.includes('BitstringStatusListCredential'));
      assert.equal(list.credentialSubject.statusPurpose, purpose);
      assert.equal(list.proof.cryptosuite, 'eddsa-rdfc-2022');
      assert.match(list.credentialSubject.encodedList, /^u/);
      const decoded = await decodeList({ encodedList: list.credentialSubject.encodedList });
      assert.ok(decoded.length >= 131_072);
    }
    assert.equal((await get(s.t.app, '/status-lists/revocation/2')).statusCode, 404);
    assert.equal((await get(s.t.app, '/status-lists/other/1')).statusCode, 400);
  });

  test('each award keeps one position; positions are unique and spread at random', async () => {
    const people = await givenCandidates(s.t, 200);
    const rows = await s.t.db
      .insertInto('awards')
      .values(
        people.map((p, i) => ({
          user_id: p.id,
          credential_id: s.credential.id,
          credential_number: `Q${String(i).padStart(3, '0')}${crypto.randomBytes(6).toString('hex')}`,
          requirement_version: 1,
          awarded_at: new Date(),
          status: 'active' as const,
          status_changed_at: null,
          evidence: '[]',
        })),
      )
      .returning('id')
      .execute();
    const positions = await Promise.all(rows.map((r) => statusPositionFor(s.t.db, r.id)));
    const again = await statusPositionFor(s.t.db, rows[0]!.id);
    assert.deepEqual(again, positions[0]);
    const keys = new Set(positions.map((p) => `${p.listNumber}:${p.index}`));
    assert.equal(keys.size, rows.length);
    for (const p of positions) {
      assert.equal(p.listNumber, 1);
      assert.ok(p.index >= 0 && p.index < LIST_LENGTH);
    }
    // Not handed out in order: 200 random indexes all below 1,000 would be a one-in-10^340 event.
    assert.ok(positions.some((p) => p.index >= 1000));
  });

  test('a suspended award verifies as suspended, and active again once restored', async () => {
    const badge = await badgeOf(s, number);
    await s.t.app.progress.changeAwardStatus(null, [number], 'suspend', 'Under investigation');
    const suspended = await verifyWithApp(s.t.app, s.url, badge);
    assert.equal(suspended.steps.valid_signature, true);
    assert.equal(suspended.steps.suspension_status, false);
    assert.equal(suspended.steps.revocation_status, true);
    assert.equal((await download(s, number)).statusCode, 409);

    await s.t.app.progress.changeAwardStatus(null, [number], 'restore', 'Cleared');
    const restored = await verifyWithApp(s.t.app, s.url, badge);
    assert.equal(restored.steps.suspension_status, true);
    assert.equal(restored.steps.revocation_status, true);
  });

  test('an expired award keeps its badge, which a verifier reports as expired', async () => {
    const holder = await givenAccount(s.t.app);
    const jar = cookieJar();
    await signIn(s.t, jar, holder);
    await pass(s.t, holder.id, s.exam.code, new Date(Date.now() - 40 * 86_400_000));
    const [award] = await awardsOf(s.t, holder.id, s.credential.id);
    await s.t.db
      .updateTable('awards')
      .set({ status: 'expired', expires_at: new Date(Date.now() - 86_400_000) })
      .where('id', '=', award!.id)
      .execute();
    const res = await download(s, award!.credential_number, jar);
    assert.equal(res.statusCode, 200);
    const result = await verifyWithApp(s.t.app, s.url, JSON.parse(res.body));
    assert.equal(result.steps.valid_signature, true);
    assert.equal(result.steps.expiration, false);
    assert.equal(result.steps.revocation_status, true);
  });

  test('a revoked award verifies as revoked, and has no new badge', async () => {
    const badge = await badgeOf(s, number);
    await s.t.app.progress.changeAwardStatus(null, [number], 'revoke', 'Exam misconduct');
    const revoked = await verifyWithApp(s.t.app, s.url, badge);
    assert.equal(revoked.steps.valid_signature, true);
    assert.equal(revoked.steps.revocation_status, false);
    assert.equal(revoked.steps.suspension_status, true);
    const res = await download(s, number);
    assert.equal(res.statusCode, 409);
  });
});

describe('rotating the issuer key', () => {
  let s: Setup;
  let number: string;
  before(async () => {
    s = await setUp();
    number = await numberOf(s);
  });
  after(async () => {
    await s?.t.close();
  });

  test('badges signed with the old key still verify; new ones use the new key', async () => {
    const before = await badgeOf(s, number);
    const [oldKey] = await s.t.app.badges.keys.list();
    const newKeyId = await s.t.app.badges.keys.rotate(null, 'yearly rotation');
    const afterRotation = await badgeOf(s, number);
    assert.notEqual(before.proof.verificationMethod, afterRotation.proof.verificationMethod);
    assert.ok(afterRotation.proof.verificationMethod.endsWith(`#${newKeyId}`));

    const doc = JSON.parse((await get(s.t.app, '/.well-known/did.json')).body);
    assert.equal(doc.verificationMethod.length, 2);
    assert.ok(doc.assertionMethod.includes(before.proof.verificationMethod));

    for (const badge of [before, afterRotation]) {
      const result = await verifyWithApp(s.t.app, s.url, badge);
      assert.deepEqual(result.errors, []);
      assert.equal(result.steps.valid_signature, true);
      assert.equal(result.steps.revocation_status, true);
    }
    // The retired key's private half is gone.
    const rows = await s.t.db.selectFrom('issuer_keys').selectAll().orderBy('id').execute();
    assert.equal(rows[0]!.key_id, oldKey!.keyId);
    assert.equal(rows[0]!.status, 'retired');
    assert.equal(rows[0]!.secret_key_sealed, null);
    assert.equal(rows[1]!.status, 'current');
    assert.ok(!rows[1]!.secret_key_sealed!.includes(rows[1]!.public_key_multibase));
  });

  test('an admin rotates it from the console; the audit log records it; others may not', async () => {
    const admin = await givenAccount(s.t.app, { roles: ['admin'], totpSecret: newTotpSecret() });
    const adminJar = cookieJar();
    await signIn(s.t, adminJar, admin);
    const page = await get(s.t.app, '/console/issuer-keys', adminJar);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`did:web:${new URL(s.url).host}`));
    const before = await s.t.app.badges.keys.list();
    const res = await post(
      s.t.app,
      '/console/issuer-keys/rotate',
      { reason: 'suspected leak' },
      adminJar,
      {
        from: '/console/issuer-keys',
      },
    );
    assert.equal(res.statusCode, 303);
    const afterKeys = await s.t.app.badges.keys.list();
    assert.equal(afterKeys.length, before.length + 1);
    assert.equal(afterKeys.filter((k) => k.status === 'current').length, 1);
    const audit = await auditOf(s.t, 'credentials.issuer_key_rotated');
    assert.ok(audit.some((a) => a.actor_user_id === admin.id && a.reason === 'suspected leak'));

    assert.equal((await get(s.t.app, '/console/issuer-keys', s.holderJar)).statusCode, 403);
    const refused = await post(s.t.app, '/console/issuer-keys/rotate', {}, s.holderJar, {
      from: '/dashboard',
    });
    assert.equal(refused.statusCode, 403);
  });
});
