import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  PDF_BYTES,
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

// A candidate with a credential, progress toward another and a failed attempt
// walks through the pages in Chromium: every page passes WCAG 2.2 AA checks,
// and an evidence file goes up through the real multipart form (CSRF field
// included) and is listed.
browserTest(
  'candidate pages work in a browser and pass WCAG 2.2 AA checks',
  async ({ page, allowConsoleError }) => {
    allowConsoleError(/status of 400/);
    const t = await createTestApp();
    try {
      await givenProgram(t);
      await givenPagesCatalog(t.db);
      const me = await givenAccount(t.app, {
        username: 'robin',
        givenName: 'Robin',
        familyName: 'Hart',
      });
      await givenResult(t.app, me.id, 'ACS-101', 640, daysAgo(60));
      await givenResult(t.app, me.id, 'ACS-101', 812, daysAgo(30));
      await givenTrainingCompletion(t.app, me.id, daysAgo(20));
      await givenResult(t.app, me.id, 'ACS-202', 700, daysAgo(10));
      await givenResult(t.app, me.id, 'ACS-201', 610, daysAgo(2));

      const base = await startServer(t.app);
      await page.goto(`${base}/credentials/CSP`);
      await assertAccessible(page, '/credentials/CSP signed out');

      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('robin');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome, Robin' }).waitFor();
      assert.equal(await page.locator('.award-card').count(), 1);
      await assertAccessible(page, '/dashboard');

      for (const url of [
        '/credentials',
        '/credentials/CSP',
        '/credentials/CSA',
        '/history',
        '/evidence',
      ]) {
        await page.goto(`${base}${url}`);
        await assertAccessible(page, url);
      }
      await page.goto(`${base}/history`);
      await page.getByLabel('Exam').selectOption('ACS-201');
      await page.getByRole('button', { name: 'Show attempts' }).click();
      await page.waitForURL(/\/history\?exam=ACS-201/);
      assert.equal(await page.locator('tbody tr').count(), 1);

      // The upload, as a person does it.
      await page.goto(`${base}/evidence/new`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('.error-summary').waitFor();
      await assertAccessible(page, '/evidence/new without a choice');
      await page.getByLabel('Continuing-education credits I earned').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Send evidence for review' }).click();
      await page.locator('.error-summary').waitFor();
      await assertAccessible(page, '/evidence/new with errors');
      await page.getByLabel('Credit category').selectOption('CE-GEN');
      await page.getByLabel('Number of credits').fill('3.5');
      await page.getByLabel('Date you earned them').fill(daysAgo(3).toISOString().slice(0, 10));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-evidence-'));
      const file = path.join(dir, 'webinar certificate.pdf');
      fs.writeFileSync(file, PDF_BYTES);
      await page.getByLabel('Upload the evidence').setInputFiles(file);
      await page.getByRole('button', { name: 'Send evidence for review' }).click();
      await page.waitForURL(`${base}/evidence`);
      await page.getByText('Your evidence was sent.').waitFor();
      await page.getByRole('link', { name: 'webinar certificate.pdf' }).waitFor();
      fs.rmSync(dir, { recursive: true, force: true });
      const stored = await t.db
        .selectFrom('evidence_submissions')
        .select(['content_type', 'amount'])
        .where('user_id', '=', me.id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.content_type, 'application/pdf');
      assert.equal(Number(stored.amount), 3.5);

      // A program manager reviews it.
      const manager = await givenAccount(t.app, {
        username: 'morgan',
        roles: ['program_manager'],
        totpSecret: newTotpSecret(),
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('morgan');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page
        .getByLabel('Verification code')
        .fill(await nextTotpCode(t.db, manager.id, manager.totpSecret!));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.waitForURL(/\/dashboard/);
      await page.goto(`${base}/console/evidence`);
      await assertAccessible(page, '/console/evidence');
      await page.getByRole('link', { name: 'Robin Hart' }).click();
      await page.getByRole('link', { name: /Download webinar certificate\.pdf/ }).waitFor();
      await assertAccessible(page, '/console/evidence/:id');
      await page.getByRole('button', { name: 'Reject' }).click();
      await page.locator('.error-summary').waitFor();
      await assertAccessible(page, '/console/evidence/:id with errors');
      await page.getByRole('button', { name: 'Approve and record it' }).click();
      await page.getByText(/was approved and recorded for the candidate/).waitFor();
      const credits = await t.db
        .selectFrom('credit_entries')
        .select('amount')
        .where('user_id', '=', me.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(credits.amount), 3.5);
    } finally {
      await t.close();
    }
  },
  { timeout: 120_000 },
);
