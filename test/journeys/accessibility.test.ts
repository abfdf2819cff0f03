import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import { browserTest, startServer } from '../helpers/browser.ts';
import { ensureProgram, publishPrivacyNotice } from '../../src/platform/bootstrap.ts';

/**
 * WCAG 2.2 AA checks (axe-core) on the pages everyone meets first, including
 * a form showing its errors. Any violation fails with its rule and target.
 */
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

browserTest(
  'public and account pages pass WCAG 2.2 AA checks',
  async ({ page, allowConsoleError }) => {
    allowConsoleError(/status of 400/);
    const t = await createTestApp();
    try {
      await ensureProgram(t.db, { name: 'Axe Program', supportEmail: 'help@axe.example' });
      await publishPrivacyNotice(t.db, 'Privacy notice text.');
      await t.app.accounts.createAccount({
        username: 'robin',
        email: 'robin@example.org',
        givenName: 'Robin',
        familyName: 'Hart',
        country: 'IE',
        password: 'a perfectly fine passphrase',
        // Without it, the privacy notice in force is asked for first (features/profile).
        acceptPrivacy: true,
      });
      const base = await startServer(t.app);
      for (const path of [
        '/',
        '/sign-in',
        '/register',
        '/account-recovery',
        '/forgot-password',
        '/privacy',
      ]) {
        await page.goto(`${base}${path}`);
        await assertAccessible(page, path);
      }
      // A form with errors: summary, messages beside fields, invalid fields marked.
      await page.goto(`${base}/register`);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('.error-summary').waitFor();
      await assertAccessible(page, '/register with errors');

      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('robin');
      await page.getByLabel('Password').fill('a perfectly fine passphrase');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome, Robin' }).waitFor();
      for (const path of [
        '/dashboard',
        '/account',
        '/account/password',
        '/account/email',
        '/account/sessions',
        '/account/two-factor',
      ]) {
        await page.goto(`${base}${path}`);
        await assertAccessible(page, path);
      }
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      await assertAccessible(page, '/account/two-factor set-up');
    } finally {
      await t.close();
    }
  },
  { timeout: 120_000 },
);
