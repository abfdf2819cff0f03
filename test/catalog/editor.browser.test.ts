import assert from 'node:assert/strict';
import fs from 'node:fs';
import { browserTest, startServer } from '../helpers/browser.ts';
import { createTestApp } from '../helpers/app.ts';
import {
  givenAccount,
  givenProgram,
  newTotpSecret,
  nextTotpCode,
  unique,
} from '../helpers/accounts.ts';
import { givenCredential, givenExam } from './helpers.ts';

// The requirement editor with JavaScript turned off: a program manager builds
// a tree with the buttons alone, and saves it as version 1.
browserTest(
  'a program manager builds and saves requirements with JavaScript off',
  async ({ page }) => {
    const t = await createTestApp();
    try {
      await givenProgram(t);
      const exam = await givenExam(t, { title: 'Cloud Security Basics' });
      const exam2 = await givenExam(t, { title: 'Identity Basics' });
      const credential = await givenCredential(t, { name: 'Certified Security Associate' });
      const secret = newTotpSecret();
      const account = await givenAccount(t.app, {
        username: unique('pm'),
        roles: ['program_manager'],
        totpSecret: secret,
      });
      const base = await startServer(t.app);

      await page.goto(`${base}/sign-in`);
      await page.fill('input[name="identifier"]', account.username);
      await page.fill('input[name="password"]', account.password);
      await page.click('form[action="/sign-in"] button[type="submit"]');
      await page.waitForURL(/two-factor/);
      await page.fill('input[name="code"]', await nextTotpCode(t.db, account.id, secret));
      await page.click('main form button[type="submit"]');
      await page.waitForURL(/dashboard/);

      await page.goto(`${base}/console/catalog/credentials/${credential.code}/requirements/new`);
      await page.selectOption('select[name="nodes[0][addKind]"]', 'exam');
      await page.click('button[value="add:0"]');
      await page.selectOption('select[name="nodes[1][examCode]"]', exam.code);
      await page.fill('input[name="nodes[1][minScore]"]', '750');
      await page.click('button[value="group:0"]');
      await page.selectOption('select[name="nodes[2][kind]"]', 'any');
      await page.click('#f-nodes-2- > .button-row button[value="refresh"]');
      await page.fill('input[name="nodes[2][count]"]', '1');
      await page.selectOption('select[name="nodes[2][addKind]"]', 'exam');
      await page.click('button[value="add:2"]');
      await page.selectOption('select[name="nodes[3][examCode]"]', exam2.code);
      // Until every choice is made there is nothing to read back; after a round-trip there is.
      assert.match(
        (await page.textContent('section[aria-labelledby="tree-preview"]')) ?? '',
        /appears once every requirement/,
      );
      await page.click('#f-nodes-0- > .button-row button[value="refresh"]');
      // What was typed before survives every round-trip.
      assert.equal(await page.inputValue('input[name="nodes[1][minScore]"]'), '750');
      assert.match(
        (await page.textContent('section[aria-labelledby="tree-preview"]')) ?? '',
        /Pass Cloud Security Basics .* with a score of 750 or more.*Pass Identity Basics/,
      );
      if (process.env.LAUREL_SCREENSHOTS) {
        fs.mkdirSync('.tmp', { recursive: true });
        await page.screenshot({ path: '.tmp/requirement-editor.png', fullPage: true });
      }
      await page.fill('input[name="effectiveAt"]', '2026-03-01');
      await page.click('button[value="save"]');
      await page.waitForURL(new RegExp(`/console/catalog/credentials/${credential.code}$`));
      assert.match(
        (await page.textContent('.banner--success')) ?? '',
        /Requirements version 1 was saved/,
      );
      assert.match((await page.textContent('main')) ?? '', /Pass Identity Basics/);

      const saved = await t.app.catalog.credentialByCode(credential.code);
      assert.equal(saved?.requirements.length, 1);
      assert.deepEqual(saved?.requirements[0]?.tree, {
        kind: 'all',
        id: 'root',
        children: [
          { kind: 'exam', id: 'n1', examCode: exam.code, minScore: 750 },
          {
            kind: 'any',
            id: 'n2',
            count: 1,
            children: [{ kind: 'exam', id: 'n3', examCode: exam2.code }],
          },
        ],
      });
    } finally {
      await t.close();
    }
  },
  { contextOptions: { javaScriptEnabled: false } },
);
