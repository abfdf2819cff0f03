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
  get,
  givenAccount,
  givenProgram,
  newTotpSecret,
  post,
  signIn,
} from '../helpers/accounts.ts';
import { multipartBody, PNG_BYTES } from '../helpers/catalog-pages.ts';
import {
  earn,
  givenHolder,
  givenSharingCatalog,
  text,
  type Holder,
  type SharingCatalog,
} from './sharing-setup.ts';

let t: TestApp;
let catalog: SharingCatalog;
let managerJar: CookieJar;

const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>\n',
);

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  catalog = await givenSharingCatalog(t);
  const manager = await givenAccount(t.app, {
    roles: ['program_manager'],
    totpSecret: newTotpSecret(),
  });
  managerJar = cookieJar();
  await signIn(t, managerJar, manager);
});
after(async () => {
  await t?.close();
});

async function upload(
  code: string,
  file: { name: string; type: string; bytes: Buffer },
  jar = managerJar,
) {
  const form = await get(t.app, `/console/logos/${code}`, jar);
  assert.equal(form.statusCode, 200);
  const { payload, contentType } = multipartBody({ _csrf: csrfFrom(form.body) }, file);
  return request(
    t.app,
    {
      method: 'POST',
      url: `/console/logos/${code}/files`,
      payload,
      headers: { 'content-type': contentType },
    },
    jar,
  );
}

async function publishGuidelines(code: string, body: string) {
  const res = await post(t.app, `/console/logos/${code}/guidelines`, { body }, managerJar, {
    from: `/console/logos/${code}`,
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
}

async function fileIds(credentialId: number): Promise<Map<string, number>> {
  const rows = await t.db
    .selectFrom('logo_files')
    .select(['id', 'file_name'])
    .where('credential_id', '=', credentialId)
    .execute();
  return new Map(rows.map((r) => [r.file_name, r.id]));
}

async function holderOf(examCode: string, names?: { givenName: string; familyName: string }) {
  const holder = await givenHolder(t, names);
  const award = await earn(t, holder.account.id, examCode);
  return { ...holder, number: award.number, resultId: award.resultId };
}

function assertDownload(
  res: Awaited<ReturnType<typeof get>>,
  fileName: string,
  contentType: string,
) {
  assert.equal(res.statusCode, 200);
  assert.match(
    String(res.headers['content-disposition']),
    new RegExp(`^attachment; filename="${fileName}"`),
  );
  assert.equal(res.headers['content-type'], contentType);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.match(String(res.headers['content-security-policy']), /sandbox/);
}

describe('program managers manage logos', () => {
  test('uploads are checked by content: a PNG named .svg and an HTML file are refused', async () => {
    const code = catalog.beta.code;
    const mismatch = await upload(code, {
      name: 'logo.svg',
      type: 'image/svg+xml',
      bytes: PNG_BYTES,
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(text(mismatch.body), /does not match its content/);
    const html = await upload(code, {
      name: 'logo.png',
      type: 'image/png',
      bytes: Buffer.from('<html><script>x</script></html>'),
    });
    assert.equal(html.statusCode, 400);
    assert.match(text(html.body), /must be an SVG, PNG, EPS or ZIP file/);
    assert.equal((await fileIds(catalog.beta.credentialId)).size, 0);

    const ok = await upload(code, { name: 'beta.png', type: 'image/png', bytes: PNG_BYTES });
    assert.equal(ok.statusCode, 303);
    assert.ok((await fileIds(catalog.beta.credentialId)).has('beta.png'));
    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'credentials.logo_uploaded')
      .execute();
    assert.ok(audit.length >= 1);
  });

  test('an SVG with script is stored but only ever served as an opaque attachment', async () => {
    const code = catalog.alpha.code;
    const res = await upload(code, {
      name: 'mark.svg',
      type: 'image/svg+xml',
      bytes: SVG_WITH_SCRIPT,
    });
    assert.equal(res.statusCode, 303);
    const id = (await fileIds(catalog.alpha.credentialId)).get('mark.svg');
    assert.ok(id);
    const staff = await get(t.app, `/console/logos/${code}/files/${id}`, managerJar);
    assertDownload(staff, 'mark.svg', 'application/octet-stream');
    assert.equal(staff.body, SVG_WITH_SCRIPT.toString());
  });

  test('candidates cannot open the console', async () => {
    const holder = await givenHolder(t);
    assert.equal(
      (await get(t.app, '/console/logos', holder.jar, { ip: holder.ip })).statusCode,
      403,
    );
    assert.equal(
      (await get(t.app, `/console/logos/${catalog.alpha.code}`, holder.jar, { ip: holder.ip }))
        .statusCode,
      403,
    );
  });
});

describe('candidates download logos', () => {
  let holder: Holder & { number: string; resultId: number };
  let svgId: number;

  before(async () => {
    await upload(catalog.alpha.code, {
      name: 'wordmark.svg',
      type: 'image/svg+xml',
      bytes: SVG_WITH_SCRIPT,
    });
    svgId = (await fileIds(catalog.alpha.credentialId)).get('wordmark.svg')!;
    await publishGuidelines(
      catalog.alpha.code,
      'Use the mark at 24 px or larger.\nDo not recolour it.',
    );
    holder = await holderOf(catalog.alpha.examCode, { givenName: 'Lise', familyName: 'Meitner' });
  });

  test('accept the current guidelines once, then download; every download is logged', async () => {
    const base = `/my-credentials/${holder.number}/logos`;
    let page = await get(t.app, base, holder.jar, { ip: holder.ip });
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /Usage guidelines, version 1/);
    assert.match(text(page.body), /Do not recolour it/);
    assert.doesNotMatch(page.body, new RegExp(`${base}/${svgId}"`));
    const early = await get(t.app, `${base}/${svgId}`, holder.jar, { ip: holder.ip });
    assert.equal(early.statusCode, 403);

    const accepted = await post(t.app, `${base}/accept`, { version: '1' }, holder.jar, {
      ip: holder.ip,
      from: base,
    });
    assert.equal(accepted.statusCode, 303);
    page = await get(t.app, base, holder.jar, { ip: holder.ip });
    assert.match(page.body, new RegExp(`href="${base}/${svgId}"`));

    const file = await get(t.app, `${base}/${svgId}`, holder.jar, { ip: holder.ip });
    assertDownload(file, 'wordmark.svg', 'application/octet-stream');
    const log = await t.db
      .selectFrom('logo_downloads')
      .selectAll()
      .where('user_id', '=', holder.account.id)
      .execute();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.credential_number, holder.number);
    assert.equal(log[0]!.guidelines_version, 1);
    const consolePage = await get(t.app, `/console/logos/${catalog.alpha.code}`, managerJar);
    assert.match(consolePage.body, new RegExp(holder.number));

    // A new version must be accepted again before the next download.
    await publishGuidelines(catalog.alpha.code, 'Version two: keep clear space around the mark.');
    assert.equal(
      (await get(t.app, `${base}/${svgId}`, holder.jar, { ip: holder.ip })).statusCode,
      403,
    );
    const stale = await post(t.app, `${base}/accept`, { version: '1' }, holder.jar, {
      ip: holder.ip,
      from: base,
    });
    assert.equal(stale.statusCode, 409);
    await post(t.app, `${base}/accept`, { version: '2' }, holder.jar, {
      ip: holder.ip,
      from: base,
    });
    assert.equal(
      (await get(t.app, `${base}/${svgId}`, holder.jar, { ip: holder.ip })).statusCode,
      200,
    );
  });

  test('another candidate cannot open, accept or download through someone else’s number', async () => {
    const intruder = await holderOf(catalog.alpha.examCode, {
      givenName: 'Eve',
      familyName: 'Dropper',
    });
    const base = `/my-credentials/${holder.number}/logos`;
    assert.equal((await get(t.app, base, intruder.jar, { ip: intruder.ip })).statusCode, 404);
    assert.equal(
      (await get(t.app, `${base}/${svgId}`, intruder.jar, { ip: intruder.ip })).statusCode,
      404,
    );
    const accept = await post(t.app, `${base}/accept`, { version: '2' }, intruder.jar, {
      ip: intruder.ip,
      from: `/my-credentials/${intruder.number}/logos`,
    });
    assert.equal(accept.statusCode, 404);
    // A file of another credential cannot be fetched through one's own award either.
    await upload(catalog.beta.code, { name: 'cross.png', type: 'image/png', bytes: PNG_BYTES });
    const betaFile = (await fileIds(catalog.beta.credentialId)).get('cross.png');
    assert.ok(betaFile);
    await post(
      t.app,
      `/my-credentials/${intruder.number}/logos/accept`,
      { version: '2' },
      intruder.jar,
      {
        ip: intruder.ip,
        from: `/my-credentials/${intruder.number}/logos`,
      },
    );
    const own = await get(
      t.app,
      `/my-credentials/${intruder.number}/logos/${svgId}`,
      intruder.jar,
      {
        ip: intruder.ip,
      },
    );
    assert.equal(own.statusCode, 200);
    const cross = await get(
      t.app,
      `/my-credentials/${intruder.number}/logos/${betaFile}`,
      intruder.jar,
      {
        ip: intruder.ip,
      },
    );
    assert.equal(cross.statusCode, 404);
    // Signed out: sign in first.
    assert.equal((await get(t.app, base)).statusCode, 303);
  });

  test('a revoked award loses access to the logos', async () => {
    const loser = await holderOf(catalog.alpha.examCode, { givenName: 'Rev', familyName: 'Oked' });
    const base = `/my-credentials/${loser.number}/logos`;
    await post(t.app, `${base}/accept`, { version: '2' }, loser.jar, { ip: loser.ip, from: base });
    assert.equal(
      (await get(t.app, `${base}/${svgId}`, loser.jar, { ip: loser.ip })).statusCode,
      200,
    );
    await t.app.progress.revokeResult(null, loser.resultId, 'misconduct');
    const page = await get(t.app, base, loser.jar, { ip: loser.ip });
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /only while your credential is active/);
    assert.doesNotMatch(page.body, new RegExp(`${base}/${svgId}`));
    assert.equal(
      (await get(t.app, `${base}/${svgId}`, loser.jar, { ip: loser.ip })).statusCode,
      403,
    );
  });

  test('an award past its expiry loses access at once', async () => {
    const lapsed = await holderOf(catalog.alpha.examCode, {
      givenName: 'Old',
      familyName: 'Timer',
    });
    const base = `/my-credentials/${lapsed.number}/logos`;
    await post(t.app, `${base}/accept`, { version: '2' }, lapsed.jar, {
      ip: lapsed.ip,
      from: base,
    });
    await t.db
      .updateTable('awards')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('credential_number', '=', lapsed.number)
      .execute();
    assert.equal(
      (await get(t.app, `${base}/${svgId}`, lapsed.jar, { ip: lapsed.ip })).statusCode,
      403,
    );
  });
});
