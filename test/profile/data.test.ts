import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, linksIn, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  outboxTo,
  pathOf,
  post,
  signIn,
  unique,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { examTree, givenCreditCategory, givenCredential, givenExam } from '../helpers/catalog.ts';

let t: TestApp;

/** "Your data": the export (only the candidate's own data) and deletion approved by support. */
describe('your data: export and account deletion', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  interface Person {
    account: GivenAccount;
    jar: CookieJar;
    phone: string;
    company: string;
    credentialNumber: string;
  }

  async function person(): Promise<Person> {
    const account = await givenAccount(t.app, {
      givenName: unique('Given'),
      familyName: unique('Family'),
    });
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    const phone = `+4420${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const company = unique('Company');
    const saved = await post(
      t.app,
      '/profile',
      {
        country: 'GB',
        addressLine1: unique('Street'),
        city: 'Leeds',
        postalCode: 'LS1 4AP',
        phone,
        company,
        jobTitle: 'Engineer',
        locale: 'en',
        timeZone: 'Europe/London',
      },
      jar,
    );
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 400));
    // A result and an award, as the progress feature would have recorded them.
    const exam = await givenExam(t.db);
    const credential = await givenCredential(t.db, {
      requirements: [{ tree: examTree(exam.code) }],
    });
    await t.db
      .insertInto('results')
      .values({
        user_id: account.id,
        exam_id: exam.id,
        score: 800,
        passed: true,
        taken_at: new Date('2026-01-10T10:00:00Z'),
        source: 'manual',
      })
      .execute();
    const category = await givenCreditCategory(t.db);
    await t.db
      .insertInto('evidence_submissions')
      .values({
        user_id: account.id,
        kind: 'credits',
        category_id: category.id,
        amount: '5',
        occurred_on: '2026-01-05',
        description: 'Conference talk',
        file_name: 'talk.pdf',
        content_type: 'application/pdf',
        file_size: 8,
        file: Buffer.from('%PDF-1.4'),
      })
      .execute();
    const credentialNumber = unique('CN-');
    await t.db
      .insertInto('awards')
      .values({
        user_id: account.id,
        credential_id: credential.id,
        credential_number: credentialNumber,
        requirement_version: 1,
        awarded_at: new Date('2026-01-10T10:00:00Z'),
        expires_at: null,
      })
      .execute();
    return { account, jar, phone, company, credentialNumber };
  }

  test('the export is built by a job, linked by email, holds the candidate’s data and no one else’s, and expires', async () => {
    const a = await person();
    const b = await person();

    const requested = await post(t.app, '/privacy/exports', {}, a.jar, { from: '/privacy' });
    assert.equal(requested.statusCode, 303);
    assert.match(decode((await get(t.app, '/privacy', a.jar)).body), /Being prepared/);
    await t.app.platform.jobs.drain();

    const mail = (await outboxTo(t.db, a.account.email)).find(
      (m) => m.template === 'profile.export-ready',
    );
    assert.ok(mail, 'an email says the export is ready');
    const link = linksIn(mail.text).find((l) => l.includes('/privacy/exports/'));
    assert.ok(link, mail.text);
    const path = pathOf(link);

    const download = await get(t.app, path, a.jar);
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers['content-type']), /^application\/json/);
    assert.match(
      String(download.headers['content-disposition']),
      /^attachment; filename="personal-data-/,
    );
    const body = download.body;
    const data = JSON.parse(body) as Record<string, any>;
    assert.equal(data.account.email, a.account.email);
    assert.equal(data.contact.phone, a.phone);
    assert.equal(data.contact.company, a.company);
    assert.equal(data.awards[0].credentialNumber, a.credentialNumber);
    assert.equal(data.results.length, 1);
    assert.ok(data.profileHistory.length > 0);
    assert.ok(Array.isArray(data.account.consents));
    // Nothing of B's, anywhere in the file; no secrets either.
    for (const value of [
      b.account.email,
      b.account.username,
      b.phone,
      b.company,
      b.credentialNumber,
    ]) {
      assert.ok(!body.includes(value), `the export holds ${value}`);
    }
    assert.doesNotMatch(body, /password_hash|passwordHash|totp_secret|argon2/);

    // B cannot open A's export (404, as for any id that is not theirs); signed out is refused.
    assert.equal((await get(t.app, path, b.jar)).statusCode, 404);
    assert.notEqual((await get(t.app, path)).statusCode, 200);
    assert.equal((await get(t.app, '/privacy/exports/999999', a.jar)).statusCode, 404);

    // After it expires the file is gone.
    const id = Number(path.split('/').pop());
    await t.db
      .updateTable('data_exports')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    assert.equal((await get(t.app, path, a.jar)).statusCode, 404);
    assert.ok((await t.app.profile.privacy.expireExports()) >= 1);
    const row = await t.db
      .selectFrom('data_exports')
      .select(['status', 'content'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'expired');
    assert.equal(row.content, null);
  });

  test('deletion: the candidate asks, support approves, personal data is erased, the award stays verifiable, the audit log records it', async () => {
    const a = await person();
    const bystander = await person();
    const missing = await post(t.app, '/privacy/deletion', { reason: 'Moving on' }, a.jar, {
      from: '/privacy',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(decode(missing.body), /Tick the box to confirm/);
    const asked = await post(
      t.app,
      '/privacy/deletion',
      { reason: 'Moving on', confirm: 'yes' },
      a.jar,
      { from: '/privacy' },
    );
    assert.equal(asked.statusCode, 303);
    assert.match(
      decode((await get(t.app, '/privacy', a.jar)).body),
      /You asked to delete your account/,
    );

    // A candidate cannot open the queue; a support agent can.
    assert.equal((await get(t.app, '/console/deletion-requests', bystander.jar)).statusCode, 403);
    const agent = await givenAccount(t.app, {
      roles: ['support_agent'],
      totpSecret: newTotpSecret(),
    });
    const agentJar = cookieJar();
    await signIn(t, agentJar, agent, { ip: freshIp() });
    const queue = await get(t.app, '/console/deletion-requests', agentJar);
    assert.equal(queue.statusCode, 200);
    assert.match(decode(queue.body), new RegExp(a.account.candidateNumber));
    const request = await t.db
      .selectFrom('deletion_requests')
      .select('id')
      .where('user_id', '=', a.account.id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();

    const approved = await post(
      t.app,
      `/console/deletion-requests/${request.id}`,
      { decision: 'approve', note: 'Identity checked' },
      agentJar,
      { from: '/console/deletion-requests' },
    );
    assert.equal(approved.statusCode, 303, approved.body.slice(0, 300));

    const user = await t.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', a.account.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(user.email, a.account.email);
    assert.notEqual(user.username, a.account.username);
    assert.equal(user.password_hash, null);
    assert.equal(user.status, 'disabled');
    assert.equal(user.candidate_number, a.account.candidateNumber);
    // The default policy keeps the name on award records for verification.
    assert.notEqual(user.given_name, 'Deleted');
    assert.equal(
      await t.db
        .selectFrom('profile_contacts')
        .select('user_id')
        .where('user_id', '=', a.account.id)
        .executeTakeFirst(),
      undefined,
    );
    assert.equal(
      await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', a.account.id)
        .executeTakeFirst(),
      undefined,
    );
    // Uploaded evidence files are gone; the award and the result it rests on are kept.
    assert.equal(
      await t.db
        .selectFrom('evidence_submissions')
        .select('id')
        .where('user_id', '=', a.account.id)
        .executeTakeFirst(),
      undefined,
    );
    assert.equal(
      (await t.db.selectFrom('results').select('id').where('user_id', '=', a.account.id).execute())
        .length,
      1,
    );
    const award = await t.db
      .selectFrom('awards')
      .select(['credential_number', 'status'])
      .where('user_id', '=', a.account.id)
      .executeTakeFirstOrThrow();
    assert.equal(award.credential_number, a.credentialNumber);
    // The change history stays in the append-only audit log, but its values can no longer be read.
    const sealed = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'profile.field_changed')
      .where('subject_id', '=', String(a.account.id))
      .execute();
    assert.ok(sealed.length > 0);
    assert.ok(!JSON.stringify(sealed).includes(a.phone));
    assert.deepEqual(await t.app.profile.details.history(a.account.id), []);
    // No copy of their email bodies or address is left in the outbox, but for the one telling them.
    const left = await t.db
      .selectFrom('outbox')
      .select(['template', 'text'])
      .where('to_address', '=', a.account.email)
      .execute();
    assert.deepEqual(
      left.map((m) => m.template),
      ['profile.account-erased'],
    );
    const erased = await t.db
      .selectFrom('audit_events')
      .select(['actor_user_id', 'details', 'reason'])
      .where('action', '=', 'profile.account_erased')
      .where('subject_id', '=', String(a.account.id))
      .executeTakeFirstOrThrow();
    assert.equal(erased.actor_user_id, agent.id);
    assert.equal(erased.reason, 'Identity checked');

    // The old session is gone and the old credentials no longer sign in.
    const after = await get(t.app, '/dashboard', a.jar);
    assert.equal(after.statusCode, 303);
    assert.match(pathOf(after.headers.location), /^\/sign-in/);

    // The bystander is untouched.
    const other = await t.db
      .selectFrom('users')
      .select(['email', 'status'])
      .where('id', '=', bystander.account.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(other, { email: bystander.account.email, status: 'active' });

    // Deciding twice is refused.
    const again = await post(
      t.app,
      `/console/deletion-requests/${request.id}`,
      { decision: 'reject' },
      agentJar,
      { from: '/console/deletion-requests' },
    );
    assert.equal(again.statusCode, 409);
  });

  test('with the "remove" policy the name goes too; a rejected request keeps the account and tells the candidate', async () => {
    const admin = await givenAccount(t.app, { roles: ['admin'], totpSecret: newTotpSecret() });
    const adminJar = cookieJar();
    await signIn(t, adminJar, admin, { ip: freshIp() });
    const policy = await post(
      t.app,
      '/admin/privacy-notices/deletion-policy',
      { policy: 'remove' },
      adminJar,
      { from: '/admin/privacy-notices' },
    );
    assert.equal(policy.statusCode, 303);

    const a = await person();
    const b = await person();
    for (const p of [a, b]) {
      await post(t.app, '/privacy/deletion', { confirm: 'yes' }, p.jar, { from: '/privacy' });
    }
    const idOf = async (userId: number) =>
      (
        await t.db
          .selectFrom('deletion_requests')
          .select('id')
          .where('user_id', '=', userId)
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow()
      ).id;
    const approve = await post(
      t.app,
      `/console/deletion-requests/${await idOf(a.account.id)}`,
      { decision: 'approve' },
      adminJar,
      { from: '/console/deletion-requests' },
    );
    assert.equal(approve.statusCode, 303);
    const user = await t.db
      .selectFrom('users')
      .select(['given_name', 'family_name'])
      .where('id', '=', a.account.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(user, { given_name: 'Deleted', family_name: 'account' });

    const reject = await post(
      t.app,
      `/console/deletion-requests/${await idOf(b.account.id)}`,
      { decision: 'reject', note: 'You have an open exam appointment' },
      adminJar,
      { from: '/console/deletion-requests' },
    );
    assert.equal(reject.statusCode, 303);
    assert.equal((await get(t.app, '/dashboard', b.jar)).statusCode, 200);
    const told = (await outboxTo(t.db, b.account.email)).find(
      (m) => m.template === 'profile.deletion-rejected',
    );
    assert.ok(told);
    assert.match(told.text, /open exam appointment/);
  });

  test('only an admin may approve erasing a staff account', async () => {
    const staffer = await givenAccount(t.app, {
      roles: ['program_manager'],
      totpSecret: newTotpSecret(),
    });
    const stafferJar = cookieJar();
    await signIn(t, stafferJar, staffer, { ip: freshIp() });
    const asked = await post(t.app, '/privacy/deletion', { confirm: 'yes' }, stafferJar, {
      from: '/privacy',
    });
    assert.equal(asked.statusCode, 303);
    const request = await t.db
      .selectFrom('deletion_requests')
      .select('id')
      .where('user_id', '=', staffer.id)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();

    const agent = await givenAccount(t.app, {
      roles: ['support_agent'],
      totpSecret: newTotpSecret(),
    });
    const agentJar = cookieJar();
    await signIn(t, agentJar, agent, { ip: freshIp() });
    const refused = await post(
      t.app,
      `/console/deletion-requests/${request.id}`,
      { decision: 'approve' },
      agentJar,
      { from: '/console/deletion-requests' },
    );
    assert.equal(refused.statusCode, 403);
    assert.match(decode(refused.body), /only an admin may approve erasing it/);
    const still = await t.db
      .selectFrom('users')
      .select('username')
      .where('id', '=', staffer.id)
      .executeTakeFirstOrThrow();
    assert.equal(still.username, staffer.username, 'nothing was erased');

    const admin = await givenAccount(t.app, { roles: ['admin'], totpSecret: newTotpSecret() });
    const adminJar = cookieJar();
    await signIn(t, adminJar, admin, { ip: freshIp() });
    const approved = await post(
      t.app,
      `/console/deletion-requests/${request.id}`,
      { decision: 'approve' },
      adminJar,
      { from: '/console/deletion-requests' },
    );
    assert.equal(approved.statusCode, 303);
    const roles = await t.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', staffer.id)
      .execute();
    assert.deepEqual(roles, []);
  });
});
