import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seedDemo } from '../../src/demo/seed.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { freshIp, get, outboxTo } from '../helpers/accounts.ts';
import { text } from './sharing-setup.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  assert.equal(await seedDemo(t.app), true);
});
after(async () => {
  await t?.close();
});

test('the demo lists candidates in the directory, has logos for CCA, and shares with working links', async () => {
  const directory = text((await get(t.app, '/directory')).body);
  assert.match(directory, /Casey Nakamura/);
  assert.match(directory, /Priya Raman/);
  assert.doesNotMatch(directory, /Tomás Herrera/);

  const files = await t.db
    .selectFrom('logo_files')
    .innerJoin('credentials', 'credentials.id', 'logo_files.credential_id')
    .select(['logo_files.file_name', 'credentials.code'])
    .execute();
  assert.deepEqual(files.map((f) => `${f.code}/${f.file_name}`).sort(), [
    'CCA/cca-logo.png',
    'CCA/cca-logo.svg',
  ]);
  const guidelines = await t.db.selectFrom('logo_guidelines').select('version').execute();
  assert.equal(guidelines.length, 1);

  for (const email of ['dana.whitfield@northwind.example', 'recruiting@fabrikam.example']) {
    const [mail] = await outboxTo(t.db, email);
    assert.ok(mail, `a share was emailed to ${email}`);
    const link = new URL(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]+/.exec(mail.text)![0]).pathname;
    const page = await get(t.app, link, undefined, { ip: freshIp() });
    assert.equal(page.statusCode, 200);
  }
  const [mei] = await outboxTo(t.db, 'recruiting@fabrikam.example');
  const meiLink = new URL(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]+/.exec(mei!.text)![0]).pathname;
  assert.match(
    text((await get(t.app, meiLink, undefined, { ip: freshIp() })).body),
    /Exam history/,
  );
});
