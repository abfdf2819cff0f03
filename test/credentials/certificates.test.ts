import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import {
  daysAgo,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
} from '../helpers/catalog-pages.ts';
import { missingTools, pdfInfo, pdfText, qpdfCheck, qpdfEncryption, qrCodes } from './pdf-tools.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp({ env: { PUBLIC_URL: 'https://laurel.example' } });
  await givenProgram(t);
  await givenPagesCatalog(t.db);
});
after(async () => {
  await t?.close();
});

interface Holder {
  account: GivenAccount;
  jar: CookieJar;
  number: string;
}

/** A signed-in candidate holding the CSA credential (an exam pass and a course). */
async function holder(name: { givenName: string; familyName: string }): Promise<Holder> {
  const account = await givenAccount(t.app, name);
  await givenResult(t.app, account.id, 'ACS-101', 812, daysAgo(40));
  await givenTrainingCompletion(t.app, account.id, daysAgo(30));
  const awards = await t.app.progress.awardsOf(account.id);
  assert.equal(awards.length, 1, 'the candidate holds CSA');
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { account, jar, number: awards[0]!.credentialNumber };
}

function text(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

async function download(h: Holder, fields: Record<string, string> = {}) {
  return post(
    t.app,
    `/my-credentials/${h.number}/certificate`,
    { paper: 'a4', language: 'en', download: 'yes', ...fields },
    h.jar,
  );
}

function setStatus(number: string, status: 'suspended' | 'revoked' | 'expired', reason: string) {
  return t.db
    .updateTable('awards')
    .set({ status, status_reason: reason, status_changed_at: new Date() })
    .where('credential_number', '=', number)
    .execute();
}

describe('My credentials', () => {
  test('lists the award with number, dates, evidence and the actions of an active award', async () => {
    const h = await holder({ givenName: 'Grace', familyName: 'Hopper' });
    const res = await get(t.app, '/my-credentials', h.jar);
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Cloud Security Associate/);
    assert.ok(page.includes(h.number));
    assert.match(page, /Passed Cloud Security Basics \(ACS-101\) on .* with a score of 812/);
    assert.match(page, /Completed .* on /);
    assert.match(res.body, /<a href="\/my-credentials"[^>]*>My credentials<\/a>/, 'nav item');
    assert.ok(res.body.includes(`href="/my-credentials/${h.number}/certificate"`));
    assert.ok(res.body.includes(`href="/my-credentials/${h.number}/badge"`));
    assert.ok(res.body.includes(`href="/shares/new?award=${h.number}"`));
    assert.ok(res.body.includes(`href="/my-credentials/${h.number}/logos"`));
    assert.ok(res.body.includes(`href="https://laurel.example/verify/${h.number}"`));
    const linkedIn = /href="(https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+)"/.exec(res.body);
    assert.ok(linkedIn, 'a LinkedIn add-to-profile link');
    const params = new URL(decode(linkedIn[1]!)).searchParams;
    assert.equal(params.get('startTask'), 'CERTIFICATION_NAME');
    assert.equal(params.get('name'), 'Cloud Security Associate');
    assert.equal(params.get('organizationName'), 'Heron Certification Program');
    assert.equal(params.get('certId'), h.number);
    assert.equal(params.get('certUrl'), `https://laurel.example/verify/${h.number}`);
    assert.match(params.get('issueYear') ?? '', /^\d{4}$/);
    assert.match(params.get('expirationMonth') ?? '', /^([1-9]|1[0-2])$/);

    const one = await get(t.app, `/my-credentials/${h.number}`, h.jar);
    assert.equal(one.statusCode, 200);
    assert.match(text(one.body), /Cloud Security Associate/);
  });

  test('a revoked award stays listed, marked, with its actions withdrawn and the reason', async () => {
    const h = await holder({ givenName: 'Alan', familyName: 'Turing' });
    await setStatus(h.number, 'revoked', 'Exam misconduct');
    const res = await get(t.app, '/my-credentials', h.jar);
    const page = text(res.body);
    assert.ok(page.includes(h.number));
    assert.match(page, /Revoked/);
    assert.match(page, /Reason: Exam misconduct/);
    assert.match(page, /This credential was revoked: certificates, sharing/);
    assert.ok(!res.body.includes(`/my-credentials/${h.number}/certificate`));
    assert.ok(!res.body.includes('linkedin.com'));
  });

  test('a candidate without awards is told what to do next', async () => {
    const account = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    const res = await get(t.app, '/my-credentials', jar);
    assert.equal(res.statusCode, 200);
    assert.match(text(res.body), /You have no credentials yet/);
  });
});

describe('certificates', () => {
  test('the PDF passes qpdf, shows a non-Latin name, and its QR code decodes to the verification URL', async (ctx) => {
    const missing = missingTools('qpdf', 'pdftotext', 'pdfinfo', 'pdftoppm', 'zbarimg');
    if (missing) return ctx.skip(missing);
    const h = await holder({ givenName: 'Zoë Łucja', familyName: 'Дмитриева-Παπαδοπούλου' });
    const page = await get(t.app, `/my-credentials/${h.number}/certificate`, h.jar);
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /Name printed Zoë Łucja Дмитриева-Παπαδοπούλου/);

    const res = await download(h);
    assert.equal(res.statusCode, 200, res.body.slice(0, 500));
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="certificate-CSA-/,
    );
    const pdf = res.rawPayload;
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');

    const check = qpdfCheck(pdf);
    assert.equal(check.status, 0, `qpdf --check: ${check.stdout} ${check.stderr}`);
    assert.match(check.stdout, /No syntax or stream encoding errors/);
    assert.match(qpdfEncryption(pdf), /File is not encrypted/);

    const words = pdfText(pdf).replace(/\s+/g, ' ');
    assert.ok(words.includes('Zoë Łucja Дмитриева-Παπαδοπούλου'), words);
    assert.ok(words.includes('Cloud Security Associate'));
    assert.ok(words.includes(h.number));
    assert.ok(words.includes(`https://laurel.example/verify/${h.number}`));
    assert.match(words, /Awarded .* Valid until /);

    const info = pdfInfo(pdf);
    assert.equal(
      info.Title,
      'Cloud Security Associate: certificate of Zoë Łucja Дмитриева-Παπαδοπούλου',
    );
    assert.ok(info.Subject?.includes(h.number), info.Subject);
    assert.equal(info.Encrypted, 'no');

    assert.deepEqual(qrCodes(pdf), [`https://laurel.example/verify/${h.number}`]);
  });

  test('US Letter paper gives a US Letter page', async (ctx) => {
    const missing = missingTools('pdfinfo');
    if (missing) return ctx.skip(missing);
    const h = await holder({ givenName: 'Émile', familyName: 'Noël' });
    const res = await download(h, { paper: 'letter' });
    assert.equal(res.statusCode, 200);
    assert.match(pdfInfo(res.rawPayload)['Page size'] ?? '', /^792 x 612 pts/);
  });

  test('requests are recorded, and a second request is served from the cache', async () => {
    const h = await holder({ givenName: 'Ada', familyName: 'Byron' });
    const first = await download(h);
    const second = await download(h);
    assert.equal(first.statusCode, 200);
    assert.equal(second.statusCode, 200);
    const award = (await t.app.progress.awardOfUser(h.account.id, h.number))!;
    const requests = await t.db
      .selectFrom('certificate_requests')
      .selectAll()
      .where('award_id', '=', award.id)
      .execute();
    assert.equal(requests.length, 2);
    assert.deepEqual(
      requests.map((r) => [r.user_id, r.paper, r.language, r.delivery]),
      [
        [h.account.id, 'a4', 'en', 'download'],
        [h.account.id, 'a4', 'en', 'download'],
      ],
    );
    const files = await t.db
      .selectFrom('certificate_files')
      .select(['fingerprint', 'created_at'])
      .where('award_id', '=', award.id)
      .execute();
    assert.equal(files.length, 1);
    assert.ok(
      Buffer.from(first.rawPayload).equals(Buffer.from(second.rawPayload)),
      'the same file',
    );

    const page = await get(t.app, `/my-credentials/${h.number}/certificate`, h.jar);
    assert.match(text(page.body), /Certificates you asked for .*: A4, downloaded/);
  });

  test('emailing the certificate writes an email with the PDF attached and redirects', async () => {
    const h = await holder({ givenName: 'Katherine', familyName: 'Johnson' });
    const res = await post(
      t.app,
      `/my-credentials/${h.number}/certificate`,
      { paper: 'a4', language: 'en', email: 'yes' },
      h.jar,
    );
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/my-credentials/${h.number}/certificate`);
    const mails = await t.db
      .selectFrom('outbox')
      .select(['template', 'subject', 'attachments', 'text'])
      .where('to_address', '=', h.account.email)
      .where('template', '=', 'credentials.certificate')
      .execute();
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, 'Your certificate: Cloud Security Associate');
    assert.ok(mails[0]!.text.includes(`https://laurel.example/verify/${h.number}`));
    const [attachment] = mails[0]!.attachments;
    assert.equal(attachment?.contentType, 'application/pdf');
    assert.equal(Buffer.from(attachment!.content, 'base64').subarray(0, 5).toString(), '%PDF-');
    const after = await get(t.app, `/my-credentials/${h.number}/certificate`, h.jar);
    assert.match(text(after.body), /The certificate is on its way to/);
  });

  test('without a delivery choice the form says so beside the field', async () => {
    const h = await holder({ givenName: 'Mary', familyName: 'Jackson' });
    const res = await post(
      t.app,
      `/my-credentials/${h.number}/certificate`,
      { paper: 'a4', language: 'en' },
      h.jar,
    );
    assert.equal(res.statusCode, 400);
    assert.match(text(res.body), /Choose to download the certificate, to have it emailed, or both/);
    const bad = await post(
      t.app,
      `/my-credentials/${h.number}/certificate`,
      { paper: 'a3', language: 'xx', download: 'yes' },
      h.jar,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(text(bad.body), /Choose A4 or US Letter/);
    assert.match(text(bad.body), /Choose a language/);
  });

  test('suspended, revoked and expired awards get no certificate, and the page says why', async () => {
    for (const [status, message] of [
      ['suspended', /This credential is suspended, so it has no certificate/],
      ['revoked', /This credential was revoked, so it has no certificate/],
      ['expired', /This credential has expired, so it has no certificate/],
    ] as const) {
      const h = await holder({ givenName: 'Dorothy', familyName: `Vaughan ${status}` });
      await setStatus(h.number, status, 'A reason');
      const page = await get(t.app, `/my-credentials/${h.number}/certificate`, h.jar);
      assert.equal(page.statusCode, 200);
      assert.match(text(page.body), message);
      assert.doesNotMatch(
        page.body,
        /<form method="post" action="\/my-credentials\/[^"]+\/certificate"/,
      );
      const res = await download(h, { _csrf: csrfOf(page.body) });
      assert.equal(res.statusCode, 409, status);
      assert.equal(String(res.headers['content-type']).startsWith('text/html'), true);
      assert.match(text(res.body), message);
    }
  });

  test('an active award past its expiry date is treated as expired', async () => {
    const h = await holder({ givenName: 'Hedy', familyName: 'Lamarr' });
    await t.db
      .updateTable('awards')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('credential_number', '=', h.number)
      .execute();
    const page = await get(t.app, `/my-credentials/${h.number}/certificate`, h.jar);
    assert.match(text(page.body), /This credential has expired/);
  });

  test("another candidate's award answers 404; malformed numbers 400; signed out must sign in", async () => {
    const owner = await holder({ givenName: 'Radia', familyName: 'Perlman' });
    const other = await holder({ givenName: 'Barbara', familyName: 'Liskov' });
    for (const url of [
      `/my-credentials/${owner.number}`,
      `/my-credentials/${owner.number}/certificate`,
    ]) {
      assert.equal((await get(t.app, url, other.jar)).statusCode, 404, url);
    }
    const page = await get(t.app, `/my-credentials/${other.number}/certificate`, other.jar);
    const stolen = await post(
      t.app,
      `/my-credentials/${owner.number}/certificate`,
      { _csrf: csrfOf(page.body), paper: 'a4', language: 'en', download: 'yes' },
      other.jar,
    );
    assert.equal(stolen.statusCode, 404);
    assert.equal((await get(t.app, '/my-credentials/not-a-number', other.jar)).statusCode, 400);
    assert.equal(
      (await get(t.app, '/my-credentials/0000-0000-0000-0000/certificate', other.jar)).statusCode,
      404,
    );
    const anonymous = await get(t.app, `/my-credentials/${owner.number}/certificate`);
    assert.notEqual(anonymous.statusCode, 200);
    assert.ok(!anonymous.body.includes(owner.number));
  });

  test('a name the certificate font cannot print is refused with a way forward', async () => {
    const h = await holder({ givenName: '李', familyName: '小龙' });
    const page = await get(t.app, `/my-credentials/${h.number}/certificate`, h.jar);
    assert.match(text(page.body), /Your name cannot be printed on the certificate/);
    const res = await download(h, { _csrf: csrfOf(page.body) });
    assert.equal(res.statusCode, 409);
  });
});

function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'a CSRF token in the page');
  return decode(m[1]!);
}
