import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_ACCOUNTS, seedDemo } from '../../src/demo/seed.ts';
import { cookieJar, createTestApp, type TestApp } from '../helpers/app.ts';
import { freshIp, get, post, signIn } from '../helpers/accounts.ts';
import { missingTools, pdfText } from './pdf-tools.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  assert.equal(await seedDemo(t.app), true);
});
after(async () => {
  await t?.close();
});

test('the demo has certificate templates, a pending name change, and casey gets a signed certificate', async (ctx) => {
  const templates = await t.app.credentials.certificates.templates();
  assert.ok(templates.length > 0);
  for (const tpl of templates) {
    assert.equal(tpl.signatoryName, 'Morgan Dubois', tpl.credentialCode);
    assert.equal(tpl.hasSignature, true);
  }
  const queue = await t.app.credentials.nameChanges.queue('pending', 1, 20);
  assert.equal(queue.total, 1);
  assert.equal(queue.rows[0]!.requestedName, 'Mei Tanaka-Lindgren');

  const casey = DEMO_ACCOUNTS.find((a) => a.username === 'casey')!;
  const jar = cookieJar();
  await signIn(t, jar, { username: casey.username, password: casey.password }, { ip: freshIp() });
  const page = await get(t.app, '/my-credentials', jar);
  assert.equal(page.statusCode, 200);
  const number = /href="\/my-credentials\/([0-9A-Z-]{19})\/certificate"/.exec(page.body)?.[1];
  assert.ok(number, 'casey has an active award with a certificate link');
  const missing = missingTools('pdftotext');
  if (missing) return ctx.skip(missing);
  const res = await post(
    t.app,
    `/my-credentials/${number}/certificate`,
    { paper: 'letter', language: 'en', download: 'yes' },
    jar,
  );
  assert.equal(res.statusCode, 200);
  const words = pdfText(res.rawPayload);
  assert.ok(words.includes('Casey Nakamura'));
  assert.ok(words.includes('Morgan Dubois'));
});
