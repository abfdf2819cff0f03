import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import {
  GOOD_PASSWORD,
  givenAccount,
  givenProgram,
  newTotpSecret,
  nextTotpCode,
} from '../helpers/accounts.ts';
import { browserTest, openPage, startServer } from '../helpers/browser.ts';
import { daysAgo, givenPagesCatalog, givenTrainingCompletion } from '../helpers/catalog-pages.ts';

/**
 * Issue 3's journey: a candidate sees a credential's requirements and what is
 * left; a program manager records a passing result by hand in the console;
 * the candidate's progress page and dashboard show the new credential.
 */
browserTest(
  'a recorded passing result shows as a new credential on progress and dashboard',
  async ({ page, browser }) => {
    const t = await createTestApp();
    try {
      await givenProgram(t);
      await givenPagesCatalog(t.db);
      const candidate = await givenAccount(t.app, {
        username: 'kim',
        givenName: 'Kim',
        familyName: 'Park',
      });
      // CSA needs ACS-101 (700+) and the workshop: the workshop is done.
      await givenTrainingCompletion(t.app, candidate.id, daysAgo(5));
      const secret = newTotpSecret();
      const manager = await givenAccount(t.app, {
        username: 'pat.manager',
        givenName: 'Pat',
        familyName: 'Manager',
        roles: ['program_manager'],
        totpSecret: secret,
      });
      const base = await startServer(t.app);

      await signIn(page, base, 'kim', GOOD_PASSWORD);
      await page.getByRole('heading', { name: 'Welcome, Kim' }).waitFor();
      assert.equal(await page.locator('.award-card').count(), 0);
      await page.goto(`${base}/credentials/CSA`);
      const before = await page.locator('main').innerText();
      assert.match(before, /ACS-101/);
      assert.match(before, /50(\.0)? ?%/, 'half of CSA is done before the result');

      // The program manager, in a browser of their own, records the pass.
      const staff = await openPage(browser);
      try {
        const p = staff.page;
        await signIn(p, base, 'pat.manager', GOOD_PASSWORD);
        await p.getByLabel('Verification code').fill(await nextTotpCode(t.db, manager.id, secret));
        await p.getByRole('button', { name: 'Verify and sign in' }).click();
        await p.waitForLoadState('domcontentloaded');
        await p.goto(`${base}/console/candidates/${candidate.id}`);
        await p.getByRole('link', { name: 'Record a result' }).click();
        await p.getByLabel('Exam', { exact: true }).selectOption('ACS-101');
        await p.getByLabel('Score (optional)').fill('812');
        await p.getByLabel('Date taken').fill(new Date().toISOString().slice(0, 10));
        await p.getByLabel('Reason').fill('Paper score report checked by support');
        await p.getByRole('button', { name: 'Record this result' }).click();
        await p.waitForLoadState('domcontentloaded');
        assert.match(await p.locator('main').innerText(), /ACS-101/);
        staff.assertNoConsoleErrors();
      } finally {
        await staff.close();
      }

      // The candidate sees the credential at once.
      await page.goto(`${base}/credentials/CSA`);
      const after = await page.locator('main').innerText();
      assert.match(after, /812/, 'the checklist names the result as evidence');
      assert.match(after, /100 ?%/);
      await page.goto(`${base}/dashboard`);
      assert.equal(await page.locator('.award-card').count(), 1);
      assert.match(await page.locator('.award-card').innerText(), /Active/i);
    } finally {
      await t.close();
    }
  },
  { timeout: 120_000 },
);

async function signIn(
  page: Page,
  base: string,
  identifier: string,
  password: string,
): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Username or email address').fill(identifier);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('domcontentloaded');
}
