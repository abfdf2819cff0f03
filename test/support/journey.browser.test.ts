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
import { PDF_BYTES } from './helpers.ts';

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

async function signIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Username or email address').fill(username);
  await page.getByLabel('Password').fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// A candidate asks a question with a PDF attached; an agent adds an internal
// note and a reply; the candidate reads the reply, never the note. Every
// page on the way passes WCAG 2.2 AA checks.
browserTest(
  'a support ticket from question to answer, with an internal note the candidate never sees',
  async ({ page }) => {
    const t = await createTestApp();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-support-'));
    try {
      await givenProgram(t);
      await givenAccount(t.app, { username: 'quinn', givenName: 'Quinn', familyName: 'Baker' });
      const agent = await givenAccount(t.app, {
        username: 'sasha',
        givenName: 'Sasha',
        familyName: 'Support',
        roles: ['support_agent'],
        totpSecret: newTotpSecret(),
      });
      const base = await startServer(t.app);

      await page.goto(`${base}/help`);
      await assertAccessible(page, '/help');
      await page.goto(`${base}/contact`);
      await assertAccessible(page, '/contact');

      await signIn(page, base, 'quinn');
      await page.waitForURL(/\/dashboard/);
      await page.getByRole('link', { name: 'Support', exact: true }).click();
      await assertAccessible(page, '/support');
      await page.getByRole('link', { name: 'Ask a question' }).click();
      await assertAccessible(page, '/support/new');
      await page.getByLabel('Category').selectOption('results');
      await page.getByLabel('Subject').fill('Missing ACS-101 result');
      await page.getByLabel('Message').fill('I passed ACS-101 on Monday; it is not in my history.');
      const file = path.join(dir, 'score report.pdf');
      fs.writeFileSync(file, PDF_BYTES);
      await page.getByLabel('Attachments (optional)').setInputFiles(file);
      await page.getByRole('button', { name: 'Send to the support team' }).click();
      await page.getByText(/Your question was sent as ticket \d+/).waitFor();
      await page.getByRole('link', { name: 'Download score report.pdf' }).waitFor();
      await assertAccessible(page, '/support/tickets/:id');
      const ticketUrl = page.url();
      const id = Number(/\/support\/tickets\/(\d+)$/.exec(ticketUrl)?.[1]);
      assert.ok(id > 0);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, base, 'sasha');
      await page
        .getByLabel('Verification code')
        .fill(await nextTotpCode(t.db, agent.id, agent.totpSecret!));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.waitForURL(/\/dashboard/);
      await page.getByRole('link', { name: 'Tickets', exact: true }).click();
      await assertAccessible(page, '/console/tickets');
      await page.getByRole('link', { name: 'Missing ACS-101 result' }).click();
      await assertAccessible(page, '/console/tickets/:id');

      await page
        .getByLabel('Message', { exact: true })
        .fill('Feed from the test center is late; re-check tomorrow.');
      await page.getByLabel('Internal note (staff only)').check();
      await page.getByRole('button', { name: 'Add to the ticket' }).click();
      await page.getByText('Your internal note was added.').waitFor();
      await page.getByText('Feed from the test center is late; re-check tomorrow.').waitFor();

      await page
        .getByLabel('Message', { exact: true })
        .fill('Your ACS-101 result is now in your history.');
      await page.getByLabel('Reply to the candidate').check();
      await page.getByLabel('Status after a reply').selectOption('resolved');
      await page.getByRole('button', { name: 'Add to the ticket' }).click();
      await page.getByText('Your reply was sent to the candidate.').waitFor();

      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, base, 'quinn');
      await page.waitForURL(/\/dashboard/);
      await page.goto(ticketUrl);
      await page.getByText('Your ACS-101 result is now in your history.').waitFor();
      await page.getByText('Resolved', { exact: true }).first().waitFor();
      assert.equal(await page.getByText(/re-check tomorrow/).count(), 0);
      assert.equal(await page.getByText('Internal note').count(), 0);
      await assertAccessible(page, '/support/tickets/:id answered');

      const mail = await t.db
        .selectFrom('outbox')
        .select(['template', 'text'])
        .where('template', '=', 'support.reply-to-candidate')
        .execute();
      assert.equal(mail.length, 1);
      assert.ok(mail[0]!.text.includes(`/support/tickets/${id}`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await t.close();
    }
  },
  { timeout: 120_000 },
);
