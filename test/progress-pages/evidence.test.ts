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
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  pathOf,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import {
  EXE_BYTES,
  JPEG_BYTES,
  PDF_BYTES,
  PNG_BYTES,
  daysAgo,
  givenPagesCatalog,
  givenResult,
  multipartBody,
  type MultipartFile,
} from '../helpers/catalog-pages.ts';

let t: TestApp;
let manager: GivenAccount;
let managerJar: CookieJar;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  await givenPagesCatalog(t.db);
  manager = await givenAccount(t.app, { roles: ['program_manager'], totpSecret: newTotpSecret() });
  managerJar = cookieJar();
  await signIn(t, managerJar, manager, { ip: freshIp() });
});
after(async () => {
  await t?.close();
});

async function candidate(): Promise<{ account: GivenAccount; jar: CookieJar }> {
  const account = await givenAccount(t.app);
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { account, jar };
}

const text = (html: string) => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** Posts the upload form as a browser does: the CSRF token from the form page, as a multipart field. */
async function upload(
  jar: CookieJar,
  fields: Record<string, string>,
  file?: MultipartFile,
  options: { csrf?: boolean } = {},
) {
  const kind = fields.kind ?? 'training';
  const form = await get(t.app, `/evidence/new?kind=${kind}`, jar);
  assert.equal(form.statusCode, 200);
  const body = multipartBody(
    { ...(options.csrf === false ? {} : { _csrf: csrfFrom(form.body) }), kind, ...fields },
    file,
  );
  return request(
    t.app,
    {
      method: 'POST',
      url: '/evidence/new',
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    },
    jar,
  );
}

const training = { kind: 'training', course: 'TRN-CLOUD', occurredOn: '2026-01-15' };

async function submissionsOf(userId: number) {
  return t.db
    .selectFrom('evidence_submissions')
    .selectAll()
    .where('user_id', '=', userId)
    .execute();
}

function fieldError(html: string, field: string): string {
  const m = new RegExp(`<p class="field__error" id="f-${field}-error">([\\s\\S]*?)</p>`).exec(html);
  assert.ok(m, `no error beside ${field}`);
  return text(m[1]!)
    .replace(/^ ?Error: /, '')
    .trim();
}

describe('evidence: candidate side', () => {
  test('the form starts with what the evidence is for, and the upload form is multipart with a CSRF field', async () => {
    const { jar } = await candidate();
    const start = await get(t.app, '/evidence/new', jar);
    assert.equal(start.statusCode, 200);
    assert.match(text(start.body), /What is the evidence for\?/);
    const unchosen = await get(t.app, '/evidence/new?kind=', jar);
    assert.equal(unchosen.statusCode, 400);
    assert.equal(fieldError(unchosen.body, 'kind'), 'Choose what the evidence is for');

    const form = await get(t.app, '/evidence/new?kind=credits&category=CE-GEN', jar);
    assert.match(
      form.body,
      /<form method="post" action="\/evidence\/new" enctype="multipart\/form-data"/,
    );
    assert.match(form.body, /<input type="hidden" name="_csrf"/);
    assert.match(form.body, /<option value="CE-GEN" selected/);
    assert.match(form.body, /type="file"[^>]*accept="\.pdf,\.png,\.jpg,\.jpeg/);
  });

  test('a PDF of a training completion is stored, listed as waiting, and downloadable by its owner', async () => {
    const { account, jar } = await candidate();
    const res = await upload(
      jar,
      { ...training, description: 'Certificate no. 42' },
      {
        name: 'workshop certificate.PDF',
        type: 'application/pdf',
        bytes: PDF_BYTES,
      },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    assert.equal(pathOf(res.headers.location), '/evidence');

    const [row, ...more] = await submissionsOf(account.id);
    assert.ok(row);
    assert.equal(more.length, 0);
    assert.equal(row.kind, 'training');
    assert.equal(row.content_type, 'application/pdf');
    assert.equal(row.file_name, 'workshop certificate.pdf');
    assert.equal(row.file_size, PDF_BYTES.length);
    assert.deepEqual(Buffer.from(row.file), PDF_BYTES);
    assert.equal(row.occurred_on, '2026-01-15');
    assert.equal(row.description, 'Certificate no. 42');
    assert.equal(row.status, 'pending');

    const list = await get(t.app, '/evidence', jar);
    assert.match(text(list.body), /Your evidence was sent/);
    assert.match(text(list.body), /Training: Cloud Fundamentals Workshop/);
    assert.match(text(list.body), /Waiting for review/);

    const file = await get(t.app, `/evidence/${row.id}/file`, jar);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.match(
      String(file.headers['content-disposition']),
      /^attachment; filename="workshop certificate\.pdf"/,
    );
    assert.equal(file.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(file.rawPayload, PDF_BYTES);

    const dashboard = await get(t.app, '/dashboard', jar);
    assert.match(text(dashboard.body), /1 evidence submission is waiting for review/);
  });

  test('a PNG named .pdf and declared as a PDF is refused beside the field, and nothing is stored', async () => {
    const { account, jar } = await candidate();
    const res = await upload(jar, training, {
      name: 'certificate.pdf',
      type: 'application/pdf',
      bytes: PNG_BYTES,
    });
    assert.equal(res.statusCode, 400);
    assert.match(fieldError(res.body, 'file'), /name or type does not match what it contains/);
    assert.match(res.body, /class="error-summary"/);
    assert.match(res.body, /<a href="#f-file">/);
    // What the candidate typed is kept; the file must be chosen again.
    assert.match(res.body, /<option value="TRN-CLOUD" selected/);
    assert.match(res.body, /value="2026-01-15"/);
    assert.equal((await submissionsOf(account.id)).length, 0);
  });

  test('an executable named .png is refused whatever it claims to be', async () => {
    const { account, jar } = await candidate();
    const res = await upload(jar, training, {
      name: 'photo.png',
      type: 'image/png',
      bytes: EXE_BYTES,
    });
    assert.equal(res.statusCode, 400);
    assert.equal(fieldError(res.body, 'file'), 'The file must be a PDF, PNG or JPEG');
    assert.equal((await submissionsOf(account.id)).length, 0);
  });

  test('a file over 5 MB is refused with a clear message, and nothing is stored', async () => {
    const { account, jar } = await candidate();
    const big = Buffer.concat([PDF_BYTES, Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const res = await upload(jar, training, {
      name: 'big.pdf',
      type: 'application/pdf',
      bytes: big,
    });
    assert.equal(res.statusCode, 400);
    assert.equal(fieldError(res.body, 'file'), 'The file must be smaller than 5 MB');
    assert.equal((await submissionsOf(account.id)).length, 0);
  });

  test('missing and wrong fields get a message each', async () => {
    const { account, jar } = await candidate();
    const res = await upload(jar, {
      kind: 'credits',
      category: '',
      amount: '1.234',
      occurredOn: '2999-01-01',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(fieldError(res.body, 'category'), 'Choose the credit category');
    assert.match(fieldError(res.body, 'amount'), /up to 2 decimal places/);
    assert.equal(fieldError(res.body, 'occurredOn'), 'The date must be today or in the past');
    assert.equal(fieldError(res.body, 'file'), 'Choose a file to upload');
    const bad = await upload(
      jar,
      { ...training, occurredOn: '2026-02-30' },
      {
        name: 'a.jpg',
        type: 'image/jpeg',
        bytes: JPEG_BYTES,
      },
    );
    assert.equal(fieldError(bad.body, 'occurredOn'), 'Enter a real date, like 2026-03-27');
    assert.equal((await submissionsOf(account.id)).length, 0);
  });

  test('a multipart post without the CSRF token is refused with 403, and nothing is stored', async () => {
    const { account, jar } = await candidate();
    const res = await upload(
      jar,
      training,
      { name: 'a.pdf', type: 'application/pdf', bytes: PDF_BYTES },
      { csrf: false },
    );
    assert.equal(res.statusCode, 403);
    assert.match(decode(res.body), /This form has expired or did not come from this site/);
    assert.equal((await submissionsOf(account.id)).length, 0);
  });

  test('signed out, the upload is refused before the body is read', async () => {
    const body = multipartBody(training, {
      name: 'a.pdf',
      type: 'application/pdf',
      bytes: PDF_BYTES,
    });
    const res = await request(t.app, {
      method: 'POST',
      url: '/evidence/new',
      headers: { 'content-type': body.contentType },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 401);
  });

  test('another candidate can neither see nor download someone’s evidence (404, as if it did not exist)', async () => {
    const owner = await candidate();
    await upload(owner.jar, training, {
      name: 'mine.pdf',
      type: 'application/pdf',
      bytes: PDF_BYTES,
    });
    const [row] = await submissionsOf(owner.account.id);
    assert.ok(row);

    const other = await candidate();
    assert.equal((await get(t.app, `/evidence/${row.id}/file`, other.jar)).statusCode, 404);
    assert.equal(
      (await get(t.app, `/evidence/${row.id + 100000}/file`, other.jar)).statusCode,
      404,
    );
    assert.doesNotMatch((await get(t.app, '/evidence', other.jar)).body, /mine\.pdf/);
    assert.equal((await get(t.app, `/console/evidence/${row.id}`, other.jar)).statusCode, 403);
    assert.equal((await get(t.app, `/console/evidence/${row.id}/file`, other.jar)).statusCode, 403);
    assert.equal(
      (await get(t.app, `/evidence/${row.id}/file`)).statusCode,
      303,
      'signed out: sign in first',
    );
  });
});

describe('evidence: review by program managers', () => {
  test('approving training evidence records the fact and awards the credential it completes, in one go', async () => {
    const { account, jar } = await candidate();
    await givenResult(t.app, account.id, 'ACS-101', 810, daysAgo(40));
    await upload(
      jar,
      { ...training, occurredOn: yesterday() },
      {
        name: 'scan.jpg',
        type: 'image/jpeg',
        bytes: JPEG_BYTES,
      },
    );
    const [row] = await submissionsOf(account.id);
    assert.ok(row);
    assert.equal(row.content_type, 'image/jpeg');

    const queue = await get(t.app, '/console/evidence', managerJar);
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, new RegExp(`href="/console/evidence/${row.id}"`));
    assert.match(text(queue.body), /Training: Cloud Fundamentals Workshop/);

    const detail = await get(t.app, `/console/evidence/${row.id}`, managerJar);
    assert.equal(detail.statusCode, 200);
    assert.match(text(detail.body), new RegExp(account.candidateNumber));
    assert.match(detail.body, new RegExp(`href="/console/evidence/${row.id}/file"`));

    const file = await get(t.app, `/console/evidence/${row.id}/file`, managerJar);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'image/jpeg');
    assert.match(String(file.headers['content-disposition']), /^attachment;/);
    assert.equal(file.headers['x-content-type-options'], 'nosniff');

    assert.equal(
      (await t.db.selectFrom('awards').select('id').where('user_id', '=', account.id).execute())
        .length,
      0,
    );
    const res = await post(
      t.app,
      `/console/evidence/${row.id}/decision`,
      { decision: 'approve', note: '' },
      managerJar,
      { from: `/console/evidence/${row.id}` },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.equal(pathOf(res.headers.location), '/console/evidence');

    const decided = await t.db
      .selectFrom('evidence_submissions')
      .select(['status', 'decided_by', 'decided_at'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.equal(decided.status, 'approved');
    assert.equal(decided.decided_by, manager.id);
    assert.ok(decided.decided_at);

    const completions = await t.db
      .selectFrom('training_completions')
      .selectAll()
      .where('user_id', '=', account.id)
      .execute();
    assert.equal(completions.length, 1);
    assert.equal(completions[0]!.source, 'evidence');
    assert.equal(completions[0]!.evidence_id, row.id);

    const awards = await t.db
      .selectFrom('awards')
      .innerJoin('credentials', 'credentials.id', 'awards.credential_id')
      .select(['credentials.code', 'awards.status'])
      .where('awards.user_id', '=', account.id)
      .execute();
    assert.deepEqual(awards, [{ code: 'CSA', status: 'active' }]);

    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_type', '=', 'evidence_submission')
      .where('subject_id', '=', String(row.id))
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['progress.evidence_submitted', 'progress.evidence_approved'],
    );

    assert.match(text((await get(t.app, '/evidence', jar)).body), /Approved/);
    assert.match(text((await get(t.app, '/dashboard', jar)).body), /Cloud Security Associate/);

    // Deciding twice is refused: the decision stands.
    const again = await post(
      t.app,
      `/console/evidence/${row.id}/decision`,
      { decision: 'reject', note: 'changed my mind' },
      managerJar,
      { from: `/console/evidence/${row.id}` },
    );
    assert.equal(again.statusCode, 303);
    assert.equal(
      (
        await t.db
          .selectFrom('evidence_submissions')
          .select('status')
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow()
      ).status,
      'approved',
    );
  });

  test('approving credits evidence records the credits; rejecting needs a note the candidate then reads', async () => {
    const { account, jar } = await candidate();
    await upload(
      jar,
      { kind: 'credits', category: 'CE-GEN', amount: '2.5', occurredOn: yesterday() },
      {
        name: 'webinar.png',
        type: 'image/png',
        bytes: PNG_BYTES,
      },
    );
    await upload(
      jar,
      { kind: 'credits', category: 'CE-GEN', amount: '40', occurredOn: yesterday() },
      {
        name: 'conference.pdf',
        type: 'application/pdf',
        bytes: PDF_BYTES,
      },
    );
    const [first, second] = (await submissionsOf(account.id)).sort((a, b) => a.id - b.id);
    assert.ok(first && second);

    const approve = await post(
      t.app,
      `/console/evidence/${first.id}/decision`,
      { decision: 'approve' },
      managerJar,
      {
        from: `/console/evidence/${first.id}`,
      },
    );
    assert.equal(approve.statusCode, 303);
    const credits = await t.db
      .selectFrom('credit_entries')
      .select(['amount', 'source', 'evidence_id'])
      .where('user_id', '=', account.id)
      .execute();
    assert.equal(credits.length, 1);
    assert.equal(Number(credits[0]!.amount), 2.5);
    assert.equal(credits[0]!.source, 'evidence');
    assert.equal(credits[0]!.evidence_id, first.id);

    const noNote = await post(
      t.app,
      `/console/evidence/${second.id}/decision`,
      { decision: 'reject', note: '  ' },
      managerJar,
      {
        from: `/console/evidence/${second.id}`,
      },
    );
    assert.equal(noNote.statusCode, 400);
    assert.equal(
      fieldError(noNote.body, 'note'),
      'Enter a note telling the candidate why the evidence was rejected',
    );

    const reject = await post(
      t.app,
      `/console/evidence/${second.id}/decision`,
      { decision: 'reject', note: 'The certificate does not show <your> name.' },
      managerJar,
      { from: `/console/evidence/${second.id}` },
    );
    assert.equal(reject.statusCode, 303);
    assert.equal(
      (
        await t.db
          .selectFrom('credit_entries')
          .select('id')
          .where('user_id', '=', account.id)
          .execute()
      ).length,
      1,
      'a rejection records nothing',
    );
    const mine = await get(t.app, '/evidence', jar);
    assert.match(mine.body, /The certificate does not show &lt;your(&gt;|>) name\./);
    assert.match(text(mine.body), /Rejected/);

    const decided = await get(t.app, '/console/evidence?status=decided', managerJar);
    assert.match(decided.body, new RegExp(`/console/evidence/${second.id}"`));
    const pending = await get(t.app, '/console/evidence?status=pending', managerJar);
    assert.doesNotMatch(pending.body, new RegExp(`/console/evidence/${second.id}"`));
  });

  test('the review pages are for program managers only', async () => {
    const { jar } = await candidate();
    assert.equal((await get(t.app, '/console/evidence', jar)).statusCode, 403);
    const agent = await givenAccount(t.app, {
      roles: ['support_agent'],
      totpSecret: newTotpSecret(),
    });
    const agentJar = cookieJar();
    await signIn(t, agentJar, agent, { ip: freshIp() });
    assert.equal((await get(t.app, '/console/evidence', agentJar)).statusCode, 403);
  });
});
