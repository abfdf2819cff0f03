import assert from 'node:assert/strict';
import fs from 'node:fs';
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
import {
  daysAgo,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
} from '../helpers/catalog-pages.ts';

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

// A candidate finds their credential, downloads its certificate through the
// real form, asks for a name change; a support agent approves it. Every page
// passes WCAG 2.2 AA checks.
browserTest(
  'my credentials, a certificate download and a name change, in a browser',
  async ({ page, allowConsoleError }) => {
    allowConsoleError(/status of 400/);
    const t = await createTestApp();
    try {
      await givenProgram(t);
      await givenPagesCatalog(t.db);
      const me = await givenAccount(t.app, {
        username: 'zoe',
        givenName: 'Zoë',
        familyName: 'Ångström',
      });
      await givenResult(t.app, me.id, 'ACS-101', 812, daysAgo(30));
      await givenTrainingCompletion(t.app, me.id, daysAgo(20));
      const base = await startServer(t.app);

      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('zoe');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/dashboard/);
      await page.getByRole('link', { name: 'My credentials' }).first().click();
      await page.getByRole('heading', { name: 'My credentials', level: 1 }).waitFor();
      await assertAccessible(page, '/my-credentials');

      await page.getByRole('link', { name: 'Get the certificate' }).click();
      await page.getByText('Zoë Ångström').first().waitFor();
      await assertAccessible(page, 'certificate request');
      await page.getByLabel('US Letter').check();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Get the certificate' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^certificate-CSA-[0-9A-Z-]+\.pdf$/);
      const file = await download.path();
      assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), '%PDF-');

      // Nothing chosen: the error is beside the field.
      await page.getByLabel('Download it now').uncheck();
      await page.getByRole('button', { name: 'Get the certificate' }).click();
      await page.locator('.error-summary').waitFor();
      await assertAccessible(page, 'certificate request with errors');

      await page.getByRole('link', { name: 'Ask for a name change' }).first().click();
      await assertAccessible(page, '/my-credentials/name-change');
      await page.getByLabel('Given name').fill('Zoë');
      await page.getByLabel('Family name').fill('Ångström-Berg');
      await page.getByLabel('Why it needs to change').fill('Married name');
      await page.getByRole('button', { name: 'Send the request' }).click();
      await page.getByText('Your request was sent.').waitFor();
      await assertAccessible(page, '/my-credentials/name-change pending');

      const agent = await givenAccount(t.app, {
        username: 'sam',
        roles: ['support_agent'],
        totpSecret: newTotpSecret(),
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('sam');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByLabel('Verification code')
        .fill(await nextTotpCode(t.db, agent.id, agent.totpSecret!));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.waitForURL(/\/dashboard/);
      await page.goto(`${base}/console/name-changes`);
      await assertAccessible(page, '/console/name-changes');
      await page.getByRole('link', { name: /zoe/ }).click();
      await assertAccessible(page, '/console/name-changes/:id');
      await page.getByLabel('Approve: change the name on the account').check();
      await page.getByRole('button', { name: 'Record the decision' }).click();
      await page.getByText(/was approved: the name on the account has changed/).waitFor();
      const account = await t.app.accounts.accountSummary(me.id);
      assert.equal(account.familyName, 'Ångström-Berg');
    } finally {
      await t.close();
    }
  },
  { timeout: 180_000, contextOptions: { acceptDownloads: true } },
);
