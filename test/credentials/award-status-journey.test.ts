import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import {
  GOOD_PASSWORD,
  givenAccount,
  givenProgram,
  newTotpSecret,
  nextTotpCode,
} from '../helpers/accounts.ts';
import { browserTest, startServer } from '../helpers/browser.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import { awardsOf, daysAgo, pass } from '../progress/setup.ts';

async function assertAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const problems = results.violations.map(
    (v) =>
      `${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  assert.deepEqual(problems, [], problems.join('\n'));
}

// A program manager finds an award in the console, ticks it, and suspends it
// through the real (multipart) form in Chromium; the page passes WCAG 2.2 AA
// checks before and after.
browserTest(
  'a program manager suspends an award from the awards console',
  async ({ page }) => {
    const t = await createTestApp();
    try {
      await givenProgram(t);
      const exam = await givenExam(t.db, { title: 'Cloud Security Basics', passingScore: 700 });
      const credential = await givenCredential(t.db, {
        name: 'Cloud Associate',
        validityMonths: 24,
        requirements: [{ tree: examTree(exam.code) }],
      });
      const candidate = await givenAccount(t.app, { givenName: 'Kim', familyName: 'Park' });
      await pass(t, candidate.id, exam.code, daysAgo(5));
      const [award] = await awardsOf(t, candidate.id, credential.id);
      const number = award!.credential_number;
      const secret = newTotpSecret();
      const manager = await givenAccount(t.app, {
        username: 'pat.manager',
        roles: ['program_manager'],
        totpSecret: secret,
      });
      const base = await startServer(t.app);

      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('pat.manager');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Verification code').fill(await nextTotpCode(t.db, manager.id, secret));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.waitForLoadState('domcontentloaded');

      await page.goto(`${base}/console/awards`);
      await page.getByLabel('Search').fill('Kim Park');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForLoadState('domcontentloaded');
      await assertAccessible(page, '/console/awards');
      await page.getByLabel(`Select ${number}`).check();
      await page.getByLabel('Change', { exact: true }).selectOption('suspend');
      await page.getByLabel('Reason').fill('Proctoring report under review');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Check before you suspend 1 award(s)' }).waitFor();
      await assertAccessible(page, 'the check page');
      assert.equal((await awardsOf(t, candidate.id, credential.id))[0]?.status, 'active');
      await page.getByRole('button', { name: 'Suspend 1 award(s)' }).click();
      await page.waitForLoadState('domcontentloaded');
      const main = await page.locator('main').innerText();
      assert.match(main, /1 award\(s\) suspended/);
      assert.match(main, /Suspended/);
      await assertAccessible(page, '/console/awards after the change');
      const [after] = await awardsOf(t, candidate.id, credential.id);
      assert.equal(after?.status, 'suspended');
    } finally {
      await t.close();
    }
  },
  { timeout: 120_000 },
);
