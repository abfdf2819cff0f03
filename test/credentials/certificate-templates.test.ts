import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, request, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
} from '../helpers/accounts.ts';
import {
  daysAgo,
  EXE_BYTES,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
  PNG_BYTES,
} from '../helpers/catalog-pages.ts';
import { missingTools, pdfText, pngImage, qpdfCheck, qrCodes } from './pdf-tools.ts';

let t: TestApp;
let manager: CookieJar;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  await givenPagesCatalog(t.db);
  const account = await givenAccount(t.app, {
    roles: ['program_manager'],
    totpSecret: newTotpSecret(),
  });
  manager = cookieJar();
  await signIn(t, manager, account, { ip: freshIp() });
});
after(async () => {
  await t?.close();
});

function text(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

interface Part {
  name: string;
  value?: string;
  file?: { filename: string; type: string; bytes: Buffer };
}

function multipart(parts: Part[]): { payload: Buffer; contentType: string } {
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if (p.file) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file.filename}"\r\nContent-Type: ${p.file.type}\r\n\r\n`,
        ),
        p.file.bytes,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value ?? ''}\r\n`,
        ),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function saveTemplate(jar: CookieJar, code: string, parts: Part[]) {
  const page = await get(t.app, `/console/certificate-templates/${code}`, jar);
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  const csrf = decode(/name="_csrf" value="([^"]+)"/.exec(page.body)![1]!);
  const { payload, contentType } = multipart([{ name: '_csrf', value: csrf }, ...parts]);
  return request(
    t.app,
    {
      method: 'POST',
      url: `/console/certificate-templates/${code}`,
      payload,
      headers: { 'content-type': contentType },
    },
    jar,
  );
}

describe('certificate templates', () => {
  test('a program manager sets signatory and signature; certificates print them; the cache is renewed', async (ctx) => {
    const missing = missingTools('qpdf', 'pdftotext', 'pdftoppm', 'zbarimg');
    if (missing) return ctx.skip(missing);
    const list = await get(t.app, '/console/certificate-templates', manager);
    assert.equal(list.statusCode, 200);
    assert.match(text(list.body), /Cloud Security Associate CSA/);

    // A candidate's certificate before the template exists.
    const candidate = await givenAccount(t.app, { givenName: 'Ψυχή', familyName: 'Ångström' });
    await givenResult(t.app, candidate.id, 'ACS-101', 800, daysAgo(20));
    await givenTrainingCompletion(t.app, candidate.id, daysAgo(10));
    const [award] = await t.app.progress.awardsOf(candidate.id);
    const jar = cookieJar();
    await signIn(t, jar, candidate, { ip: freshIp() });
    const url = `/my-credentials/${award!.credentialNumber}/certificate`;
    const fields = { paper: 'a4', language: 'en', download: 'yes' };
    const before = await post(t.app, url, fields, jar);
    assert.equal(before.statusCode, 200);
    assert.ok(!pdfText(before.rawPayload).includes('Jordan Signer'));

    const saved = await saveTemplate(manager, 'CSA', [
      { name: 'signatoryName', value: 'Jordan Signer' },
      { name: 'signatoryTitle', value: 'Director of Certification' },
      {
        name: 'signature',
        file: { filename: 'signature.png', type: 'image/png', bytes: pngImage() },
      },
      { name: 'logo', file: { filename: 'logo.png', type: 'image/png', bytes: pngImage(200, 60) } },
    ]);
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'credentials.certificate_template_saved')
      .execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0]!.details.images, { logo: 'replaced', signature: 'replaced' });

    const after = await post(t.app, url, fields, jar);
    const pdf = after.rawPayload;
    assert.equal(qpdfCheck(pdf).status, 0);
    const words = pdfText(pdf);
    assert.ok(words.includes('Jordan Signer'));
    assert.ok(words.includes('Director of Certification'));
    assert.ok(words.includes('Ψυχή Ångström'));
    assert.deepEqual(qrCodes(pdf), [`${t.config.publicUrl}/verify/${award!.credentialNumber}`]);
    const files = await t.db
      .selectFrom('certificate_files')
      .select('fingerprint')
      .where('award_id', '=', award!.id)
      .execute();
    assert.equal(files.length, 1, 'one cached file per award, paper and language');

    const preview = await get(t.app, '/console/certificate-templates/CSA/preview.pdf', manager);
    assert.equal(preview.statusCode, 200);
    assert.equal(preview.headers['content-type'], 'application/pdf');
    assert.ok(pdfText(preview.rawPayload).includes('Jordan Signer'));

    // Removing the signature image keeps the rest.
    const removed = await saveTemplate(manager, 'CSA', [
      { name: 'signatoryName', value: 'Jordan Signer' },
      { name: 'signatoryTitle', value: '' },
      { name: 'removeSignature', value: 'on' },
    ]);
    assert.equal(removed.statusCode, 303);
    const row = await t.db
      .selectFrom('certificate_templates')
      .select(['version', 'signature_type', 'logo_type', 'signatory_title'])
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      version: 2,
      signature_type: null,
      logo_type: 'image/png',
      signatory_title: '',
    });
  });

  test('files are checked by content: not an image, or an image pdf-lib cannot read, is refused', async () => {
    const exe = await saveTemplate(manager, 'CSP', [
      { name: 'signatoryName', value: 'A' },
      {
        name: 'background',
        file: { filename: 'background.png', type: 'image/png', bytes: EXE_BYTES },
      },
    ]);
    assert.equal(exe.statusCode, 400);
    assert.match(text(exe.body), /The image must be a PNG or JPEG file/);
    const broken = await saveTemplate(manager, 'CSP', [
      { name: 'signatoryName', value: 'A' },
      { name: 'logo', file: { filename: 'logo.png', type: 'image/png', bytes: PNG_BYTES } },
    ]);
    assert.equal(broken.statusCode, 400);
    assert.match(text(broken.body), /The image could not be read/);
    const long = await saveTemplate(manager, 'CSP', [
      { name: 'signatoryName', value: 'x'.repeat(200) },
    ]);
    assert.equal(long.statusCode, 400);
    assert.match(text(long.body), /Enter 120 characters or fewer/);
    const none = await t.db.selectFrom('certificate_templates').select('id').execute();
    assert.ok(none.length <= 1, 'nothing saved for CSP');
  });

  test('only program managers reach templates', async () => {
    const candidate = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, candidate, { ip: freshIp() });
    assert.equal((await get(t.app, '/console/certificate-templates', jar)).statusCode, 403);
    assert.equal(
      (await get(t.app, '/console/certificate-templates/CSA/preview.pdf', jar)).statusCode,
      403,
    );
    assert.equal(
      (await get(t.app, '/console/certificate-templates/NOPE', manager)).statusCode,
      404,
    );
  });
});
