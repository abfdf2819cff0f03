import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import { GOOD_PASSWORD, givenAccount, givenProgram, outboxTo } from '../helpers/accounts.ts';
import { browserTest, startServer } from '../helpers/browser.ts';
import { earn, givenSharingCatalog } from './sharing-setup.ts';

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

// An employer verifies a number typed by hand; the holder shares that
// credential through the real forms (check page, CSRF, PRG) and the
// recipient opens the emailed link. Every page passes WCAG 2.2 AA checks.
browserTest(
  'verify, share and open a shared link in a browser',
  async ({ page, allowConsoleError }) => {
    allowConsoleError(/status of 404/);
    const t = await createTestApp();
    try {
      await givenProgram(t);
      const catalog = await givenSharingCatalog(t);
      const me = await givenAccount(t.app, {
        username: 'noor',
        givenName: 'Noor',
        familyName: 'Haddad',
      });
      const { number } = await earn(t, me.id, catalog.alpha.examCode);
      const base = await startServer(t.app);

      await page.goto(`${base}/verify`);
      await assertAccessible(page, '/verify');
      await page.getByLabel('Credential number').fill(number.toLowerCase().replace(/-/g, ' '));
      await page.getByRole('button', { name: 'Check this number' }).click();
      await page.getByRole('heading', { name: 'Credential verification' }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/verify/${number}`);
      assert.match(await page.locator('main').innerText(), /Noor Haddad/);
      await assertAccessible(page, '/verify/:number');

      await page.goto(`${base}/verify/0000-0000-0000-0000`);
      await page.getByRole('heading', { name: 'No credential found' }).waitFor();
      await assertAccessible(page, 'unknown number');

      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('noor');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/dashboard`);

      await page.goto(`${base}/shares/new?award=${number}`);
      await assertAccessible(page, '/shares/new');
      assert.equal(
        await page.getByRole('checkbox', { name: /Harbor Pilot Associate/ }).isChecked(),
        true,
      );
      await page.getByLabel('Recipient’s name').fill('Talent Team');
      await page.getByLabel('Recipient’s email address').fill('talent@example.com');
      await page.getByLabel('Message').fill('Thanks for the interview.');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Check before you send' }).waitFor();
      await assertAccessible(page, 'check page');
      await page.getByRole('button', { name: 'Send credentials' }).click();
      await page.waitForURL(`${base}/shares`);
      assert.match(
        await page.locator('main').innerText(),
        /The link was sent to talent@example\.com/,
      );
      await assertAccessible(page, '/shares');

      const [mail] = await outboxTo(t.db, 'talent@example.com');
      const link = new URL(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]+/.exec(mail!.text)![0]).pathname;
      await page.goto(`${base}${link}`);
      await page.getByRole('heading', { name: 'Credentials of Noor Haddad' }).waitFor();
      assert.match(await page.locator('main').innerText(), /Thanks for the interview\./);
      await assertAccessible(page, '/s/:token');
      await page.getByRole('link', { name: 'Verify Harbor Pilot Associate' }).click();
      await page.waitForURL(`${base}/verify/${number}`);

      // Logos: accept the guidelines, then the files are listed.
      await t.app.sharing.logos.publishGuidelines(
        { userId: me.id },
        catalog.alpha.code,
        'Keep clear space around the mark.',
        '127.0.0.1',
      );
      await page.goto(`${base}/my-credentials/${number}/logos`);
      await page.getByRole('heading', { name: 'Usage guidelines, version 1' }).waitFor();
      await assertAccessible(page, 'logos before acceptance');
      await page.getByRole('button', { name: 'Accept the guidelines' }).click();
      await page.getByText('You accepted the guidelines').waitFor();
      await assertAccessible(page, 'logos after acceptance');

      await page.goto(`${base}/directory`);
      await assertAccessible(page, '/directory');
      await page.goto(`${base}/directory/settings`);
      await assertAccessible(page, '/directory/settings');
    } finally {
      await t.close();
    }
  }, // The machine running the tests may be busy: a journey of a dozen pages needs more than the default minute.
  { timeout: 180_000 },
);
