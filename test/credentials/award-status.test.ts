import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestApp,
  cookieJar,
  csrfFrom,
  request,
  type CookieJar,
  type TestApp,
} from '../helpers/app.ts';
import {
  decode,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import { ValidationError } from '../../src/platform/http/errors.ts';
import {
  auditOf,
  awardsOf,
  daysAgo,
  eventsOf,
  givenCandidate,
  mailsTo,
  pass,
} from '../progress/setup.ts';

let t: TestApp;
let exam: { id: number; code: string };
let credential: { id: number; code: string };
let manager: GivenAccount;
let managerJar: CookieJar;

before(async () => {
  t = await createTestApp({ env: { PUBLIC_URL: 'https://laurel.example' } });
  await givenProgram(t);
  exam = await givenExam(t.db, { title: 'Cloud Security Basics', passingScore: 700 });
  credential = await givenCredential(t.db, {
    name: 'Cloud Associate',
    validityMonths: 24,
    requirements: [{ tree: examTree(exam.code) }],
  });
  manager = await givenAccount(t.app, { roles: ['program_manager'], totpSecret: newTotpSecret() });
  managerJar = cookieJar();
  await signIn(t, managerJar, manager);
});
after(async () => {
  await t?.close();
});

/** A candidate holding an active award of the credential; its number. */
async function holder(passedDaysAgo = 10) {
  const candidate = await givenCandidate(t);
  await pass(t, candidate.id, exam.code, daysAgo(passedDaysAgo));
  const [award] = await awardsOf(t, candidate.id, credential.id);
  assert.ok(award);
  return { ...candidate, award, number: award.credential_number };
}

const statusOf = async (userId: number, number: string) =>
  (await awardsOf(t, userId, credential.id)).find((a) => a.credential_number === number)!;

describe('changeAwardStatus', () => {
  test('suspending: status, reason, event, audit and an email to the candidate', async () => {
    const h = await holder();
    const outcome = await t.app.progress.changeAwardStatus(
      { userId: manager.id },
      [h.number],
      'suspend',
      'Investigation of a proctoring report',
    );
    assert.deepEqual(outcome.skipped, []);
    assert.deepEqual(outcome.changed, [
      { credentialNumber: h.number, userId: h.id, from: 'active', to: 'suspended' },
    ]);
    const award = await statusOf(h.id, h.number);
    assert.equal(award.status, 'suspended');
    assert.equal(award.status_reason, 'Investigation of a proctoring report');
    assert.ok(award.status_changed_at);
    const events = await eventsOf(t, h.award.id);
    const last = events[events.length - 1]!;
    assert.equal(last.kind, 'suspended');
    assert.equal(last.actor_user_id, manager.id);
    assert.equal(last.reason, 'Investigation of a proctoring report');
    const audit = await auditOf(t, 'progress.award_suspended');
    assert.ok(
      audit.some((a) => a.subject_id === String(h.award.id) && a.actor_user_id === manager.id),
    );
    const mails = await mailsTo(t, h.email);
    const mail = mails.find((m) => m.template === 'progress.credential-suspended');
    assert.ok(mail, 'the candidate is told');
    assert.match(mail.subject, /Cloud Associate.*suspended/);
    assert.match(mail.text, /Investigation of a proctoring report/);
    assert.match(mail.text, new RegExp(h.number));
  });

  test('restoring a suspended award makes it active again, or expired when its expiry passed', async () => {
    const h = await holder();
    await t.app.progress.changeAwardStatus(null, [h.number], 'suspend', 'check');
    const back = await t.app.progress.changeAwardStatus(null, [h.number], 'restore', 'cleared');
    assert.equal(back.changed[0]?.to, 'active');
    const award = await statusOf(h.id, h.number);
    assert.equal(award.status, 'active');
    assert.equal(award.status_reason, null);
    assert.ok(
      (await mailsTo(t, h.email)).some((m) => m.template === 'progress.credential-restored'),
    );

    // Suspension does not stop the clock.
    const late = await holder();
    await t.app.progress.changeAwardStatus(null, [late.number], 'suspend', 'check');
    await t.db
      .updateTable('awards')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', late.award.id)
      .execute();
    const restored = await t.app.progress.changeAwardStatus(
      null,
      [late.number],
      'restore',
      'cleared',
    );
    assert.equal(restored.changed[0]?.to, 'expired');
    assert.equal((await statusOf(late.id, late.number)).status, 'expired');
  });

  test('revoking; what cannot take the change is skipped with the reason, the rest is changed', async () => {
    const a = await holder();
    const b = await holder();
    await t.app.progress.changeAwardStatus(null, [b.number], 'suspend', 'check');
    const outcome = await t.app.progress.changeAwardStatus(
      null,
      [a.number, b.number.toLowerCase().replaceAll('-', ''), '0000-0000-0000-0000', 'nonsense'],
      'revoke',
      'Exam content shared online',
    );
    assert.deepEqual(
      outcome.changed.map((c) => [c.credentialNumber, c.from, c.to]),
      [
        [a.number, 'active', 'revoked'],
        [b.number, 'suspended', 'revoked'],
      ],
    );
    assert.deepEqual(
      outcome.skipped.map((s) => s.reason),
      ['unknown', 'unknown'],
    );
    assert.equal((await statusOf(a.id, a.number)).status, 'revoked');
    assert.equal((await statusOf(b.id, b.number)).status, 'revoked');
    assert.ok(
      (await mailsTo(t, a.email)).some((m) => m.template === 'progress.credential-revoked'),
    );

    const again = await t.app.progress.changeAwardStatus(null, [a.number], 'revoke', 'twice');
    assert.deepEqual(again.skipped, [{ credentialNumber: a.number, reason: 'alreadyRevoked' }]);
    const suspendRevoked = await t.app.progress.changeAwardStatus(null, [a.number], 'suspend', 'x');
    assert.deepEqual(suspendRevoked.skipped, [{ credentialNumber: a.number, reason: 'notActive' }]);
    const restoreActive = await t.app.progress.changeAwardStatus(
      null,
      [(await holder()).number],
      'restore',
      'x',
    );
    assert.equal(restoreActive.skipped[0]?.reason, 'notSuspendedOrRevoked');
  });

  test('never two live awards: restoring a revoked award is refused while another stands', async () => {
    const h = await holder(40);
    await t.app.progress.changeAwardStatus(null, [h.number], 'revoke', 'misconduct');
    // Earned again on evidence newer than the revocation: a new award with a new number.
    await pass(t, h.id, exam.code, new Date(Date.now() + 60_000));
    const awards = await awardsOf(t, h.id, credential.id);
    const live = awards.find((a) => a.status === 'active');
    assert.ok(live && live.credential_number !== h.number);

    const outcome = await t.app.progress.changeAwardStatus(
      null,
      [h.number],
      'restore',
      'appeal upheld',
    );
    assert.deepEqual(outcome.changed, []);
    assert.deepEqual(outcome.skipped, [{ credentialNumber: h.number, reason: 'anotherLive' }]);
    assert.equal((await statusOf(h.id, h.number)).status, 'revoked');
  });

  test('revoking a prerequisite revokes the awards that rest on it; suspending it does not', async () => {
    const higher = await givenCredential(t.db, {
      name: 'Cloud Professional',
      requirements: [{ tree: { kind: 'credential', id: 'held', credentialCode: credential.code } }],
    });
    const h = await holder();
    const [dependent] = await awardsOf(t, h.id, higher.id);
    assert.equal(dependent?.status, 'active');
    await t.app.progress.changeAwardStatus(null, [h.number], 'suspend', 'review');
    assert.equal((await awardsOf(t, h.id, higher.id))[0]?.status, 'active');
    await t.app.progress.changeAwardStatus(null, [h.number], 'revoke', 'fraud confirmed');
    const [after] = await awardsOf(t, h.id, higher.id);
    assert.equal(after?.status, 'revoked');
  });

  test('a reason and an action are required', async () => {
    const h = await holder();
    await assert.rejects(
      t.app.progress.changeAwardStatus(null, [h.number], 'suspend', '   '),
      (error: unknown) =>
        error instanceof ValidationError && error.problems.some((p) => p.field === 'reason'),
    );
    await assert.rejects(
      t.app.progress.changeAwardStatus(null, [h.number], 'delete' as never, 'why'),
      (error: unknown) =>
        error instanceof ValidationError && error.problems.some((p) => p.field === 'action'),
    );
    assert.equal((await statusOf(h.id, h.number)).status, 'active');
  });
});

describe('/console/awards', () => {
  test('only program managers (and admins) may use it', async () => {
    const candidate = await givenAccount(t.app);
    const candidateJar = cookieJar();
    await signIn(t, candidateJar, candidate);
    assert.equal((await get(t.app, '/console/awards', candidateJar)).statusCode, 403);
    const agent = await givenAccount(t.app, {
      roles: ['support_agent'],
      totpSecret: newTotpSecret(),
    });
    const agentJar = cookieJar();
    await signIn(t, agentJar, agent);
    assert.equal((await get(t.app, '/console/awards', agentJar)).statusCode, 403);
    assert.equal((await get(t.app, '/console/awards.csv', agentJar)).statusCode, 403);
    const h = await holder();
    const res = await post(
      t.app,
      '/console/awards/status',
      { selected: [h.number], action: 'revoke', reason: 'x' },
      agentJar,
      { from: '/dashboard' },
    );
    assert.equal(res.statusCode, 403);
    assert.equal((await statusOf(h.id, h.number)).status, 'active');
  });

  test('search by number or candidate, filter by status, page', async () => {
    const h = await holder();
    const byNumber = await get(t.app, `/console/awards?q=${h.number.toLowerCase()}`, managerJar);
    assert.equal(byNumber.statusCode, 200);
    assert.ok(byNumber.body.includes(h.number));
    assert.match(decode(byNumber.body), /1 awards found/);
    const byEmail = await get(
      t.app,
      `/console/awards?q=${encodeURIComponent(h.email)}`,
      managerJar,
    );
    assert.ok(byEmail.body.includes(h.number));
    const byCredential = await get(t.app, `/console/awards?q=${credential.code}`, managerJar);
    assert.ok(byCredential.body.includes(h.number));
    const revokedOnly = await get(t.app, '/console/awards?status=revoked', managerJar);
    assert.ok(!revokedOnly.body.includes(h.number));
    const second = await get(t.app, '/console/awards?page=2', managerJar);
    assert.equal(second.statusCode, 200);
  });

  test('the list downloads as CSV with the same filter', async () => {
    const h = await holder();
    await t.app.progress.changeAwardStatus(null, [h.number], 'suspend', '=HYPERLINK("x")');
    const res = await get(t.app, `/console/awards.csv?q=${h.number}&status=suspended`, managerJar);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^credential_number,status,status_reason/);
    assert.ok(lines[1]!.startsWith(`${h.number},suspended,"'=HYPERLINK(""x"")"`), lines[1]);
    const none = await get(t.app, `/console/awards.csv?q=${h.number}&status=revoked`, managerJar);
    assert.equal(
      none.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n').length,
      1,
    );
  });

  test('ticked and pasted awards change together; the flash says what happened', async () => {
    const a = await holder();
    const b = await holder();
    const fields = {
      selected: [a.number],
      numbers: `${b.number.toLowerCase()}\n0000-0000-0000-0000`,
      action: 'suspend',
      reason: 'Proctoring review',
    };
    // First the check page: what will change, what will not; nothing changed yet.
    const check = await post(t.app, '/console/awards/status', fields, managerJar, {
      from: '/console/awards',
    });
    assert.equal(check.statusCode, 200);
    const checkText = decode(check.body);
    assert.match(checkText, /Check before you suspend 2 award\(s\)/);
    assert.ok(check.body.includes(a.number) && check.body.includes(b.number));
    assert.match(checkText, /These will not change: 0000-0000-0000-0000 \(no such award\)/);
    assert.match(checkText, /Suspend 2 award\(s\)/);
    assert.equal((await statusOf(a.id, a.number)).status, 'active');
    const res = await post(
      t.app,
      '/console/awards/status',
      { ...fields, confirm: 'yes' },
      managerJar,
      { from: '/console/awards' },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    assert.equal((await statusOf(a.id, a.number)).status, 'suspended');
    assert.equal((await statusOf(b.id, b.number)).status, 'suspended');
    const page = await get(t.app, String(res.headers.location), managerJar);
    const text = decode(page.body);
    assert.match(text, /2 award\(s\) suspended/);
    assert.match(text, /0000-0000-0000-0000 \(no such award\)/);
  });

  test('a bad form is shown again with the errors beside the fields and the input kept', async () => {
    const h = await holder();
    const res = await post(
      t.app,
      '/console/awards/status',
      { numbers: `${h.number} banana`, action: '', reason: '' },
      managerJar,
      { from: '/console/awards' },
    );
    assert.equal(res.statusCode, 400);
    const text = decode(res.body);
    assert.match(text, /These are not credential numbers: banana/);
    assert.match(text, /Choose suspend, restore or revoke/);
    assert.match(text, /Enter the reason/);
    assert.ok(res.body.includes(h.number), 'the pasted numbers are kept');
    assert.equal((await statusOf(h.id, h.number)).status, 'active');
  });

  test('a refused restore says why', async () => {
    const h = await holder(40);
    await t.app.progress.changeAwardStatus(null, [h.number], 'revoke', 'misconduct');
    await pass(t, h.id, exam.code, new Date(Date.now() + 60_000));
    const res = await post(
      t.app,
      '/console/awards/status',
      { numbers: h.number, action: 'restore', reason: 'appeal' },
      managerJar,
      { from: '/console/awards' },
    );
    assert.equal(res.statusCode, 400);
    assert.match(decode(res.body), /Nothing was changed: .*another live award of this credential/);
  });

  test('the browser form is multipart: ticked awards and an uploaded CSV together', async () => {
    const [a, b, c] = [await holder(), await holder(), await holder()];
    const page = await get(t.app, '/console/awards', managerJar);
    assert.match(
      page.body,
      /<form method="post" action="\/console\/awards\/status" enctype="multipart\/form-data"/,
    );
    const csv = `number,candidate\n${c.number.toLowerCase()},someone\n`;
    const res = await multipartPost(
      [
        ['_csrf', csrfFrom(page.body)],
        ['selected', a.number],
        ['selected', b.number],
        ['action', 'revoke'],
        ['reason', 'Fraud ring'],
        ['confirm', 'yes'],
      ],
      { name: 'numbers.csv', type: 'text/csv', text: csv },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 800));
    for (const h of [a, b, c]) assert.equal((await statusOf(h.id, h.number)).status, 'revoked');
  });

  test('an uploaded file without numbers, or too large, is refused beside the field', async () => {
    const h = await holder();
    const page = await get(t.app, '/console/awards', managerJar);
    const fields: [string, string][] = [
      ['_csrf', csrfFrom(page.body)],
      ['action', 'suspend'],
      ['reason', 'check'],
    ];
    const empty = await multipartPost(fields, {
      name: 'list.txt',
      type: 'text/plain',
      text: 'nothing here',
    });
    assert.equal(empty.statusCode, 400);
    assert.match(decode(empty.body), /The file holds no credential numbers/);
    const big = await multipartPost(fields, {
      name: 'list.txt',
      type: 'text/plain',
      text: `${h.number}\n`.repeat(4000),
    });
    assert.equal(big.statusCode, 400);
    assert.match(decode(big.body), /The file must be 64 KB or smaller/);
    assert.equal((await statusOf(h.id, h.number)).status, 'active');
  });
});

/** A multipart POST as the browser sends the change form (repeated fields allowed). */
async function multipartPost(
  fields: readonly [string, string][],
  file?: { name: string; type: string; text: string },
) {
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const chunks: string[] = fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  if (file) {
    chunks.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.text}\r\n`,
    );
  }
  chunks.push(`--${boundary}--\r\n`);
  return request(
    t.app,
    {
      method: 'POST',
      url: '/console/awards/status',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: chunks.join(''),
    },
    managerJar,
  );
}
