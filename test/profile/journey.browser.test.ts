import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { browserTest, startServer } from '../helpers/browser.ts';
import { createTestApp } from '../helpers/app.ts';
import { givenAccount, givenProgram } from '../helpers/accounts.ts';

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

// A candidate edits their contact details in Chromium: a phone number that is
// not one is refused beside the field with the input kept, then fixed and saved;
// the change shows in their change history.
browserTest(
  'a candidate edits contact details, fixes an error shown beside the field, and sees the history',
  async ({ page, allowConsoleError }) => {
    // A form re-rendered with errors answers 400, which Chromium logs for the document.
    allowConsoleError(/status of 400/);
    const t = await createTestApp();
    try {
      await givenProgram(t);
      const account = await givenAccount(t.app, { country: 'GB' });
      const base = await startServer(t.app);

      await page.goto(`${base}/sign-in`);
      await page.fill('input[name="identifier"]', account.username);
      await page.fill('input[name="password"]', account.password);
      await page.click('form[action="/sign-in"] button[type="submit"]');
      await page.waitForURL(/dashboard/);

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Profile' })
        .click();
      await page.getByRole('heading', { name: 'Your profile' }).waitFor();
      await page.getByLabel('Address line 1').fill('221B Baker Street');
      await page.getByLabel('Town or city').fill('London');
      await page.getByLabel('Postcode').fill('NW1 6XE');
      await page.getByLabel('Phone number (optional)').fill('not a phone');
      await page.getByLabel('Company (optional)').fill('Baker Consulting');
      await page.getByRole('button', { name: 'Save contact details' }).click();

      // The message is beside the phone field, the summary links to it, what was typed is kept.
      const phoneField = page.locator('.field--error', { has: page.locator('#f-phone') });
      await phoneField.getByText('Enter a phone number').waitFor();
      assert.equal(await page.locator('#f-phone').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Company (optional)').inputValue(), 'Baker Consulting');
      await page.locator('.error-summary a[href="#f-phone"]').click();
      assert.ok(
        await page.locator('#f-phone').evaluate((el) => el.ownerDocument.activeElement === el),
      );
      await assertAccessible(page, '/profile with errors');

      await page.getByLabel('Phone number (optional)').fill('020 7946 0958');
      await page.getByRole('button', { name: 'Save contact details' }).click();
      await page.getByText('Your contact details are saved.').waitFor();
      assert.equal(await page.getByLabel('Phone number (optional)').inputValue(), '+44 2079460958');

      await page.getByRole('link', { name: 'Change history' }).click();
      await page.getByRole('heading', { name: 'Change history' }).waitFor();
      const table = (await page.locator('table').textContent()) ?? '';
      assert.match(table, /Phone number/);
      assert.match(table, /\+44 2079460958/);
      assert.match(table, /Baker Consulting/);
      await assertAccessible(page, '/profile/history');
      for (const path of ['/profile', '/profile/demographics', '/privacy']) {
        await page.goto(`${base}${path}`);
        await assertAccessible(page, path);
      }
    } finally {
      await t.close();
    }
  },
  { timeout: 150_000 },
);
