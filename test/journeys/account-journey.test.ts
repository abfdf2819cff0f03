import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { createTestApp, linksIn, type TestSmtpServer } from '../helpers/app.ts';
import { browserTest, freePort, startServer } from '../helpers/browser.ts';
import { ensureProgram, publishPrivacyNotice } from '../../src/platform/bootstrap.ts';
import { totpCode } from '../../src/features/accounts/totp.ts';

/**
 * A new user as they would try Laurel: register, confirm from the email,
 * sign in, turn on two-factor, sign out, forget the password, reset it from
 * the email, and sign in again with two-factor. Mail goes through a real
 * SMTP server; the journey reads it there and follows its links.
 */
browserTest(
  'register, confirm, two-factor, sign out, reset password, sign in with two-factor',
  async ({ page, allowConsoleError }) => {
    // A form re-rendered with errors answers 400, which Chromium logs for the document.
    allowConsoleError(/status of 400/);
    // Links in emails use PUBLIC_URL, so the server's port is chosen first.
    const port = await freePort();
    const t = await createTestApp({ smtp: true, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    try {
      await ensureProgram(t.db, { name: 'Journey Program', supportEmail: 'help@journey.example' });
      await publishPrivacyNotice(t.db, 'We keep your name and email to run the program.');
      const base = await startServer(t.app, port);
      const mailTo = async (address: string, subject: RegExp) => {
        await t.app.platform.jobs.drain();
        await t.app.platform.mail.deliverDue();
        return waitForMail(t.smtp, address, subject);
      };
      const email = 'jordan.lee@example.org';
      const password = 'a long and unusual passphrase';

      // Register, with one mistake first: the form keeps what was typed.
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: 'Create an account' }).first().click();
      await page.getByLabel('Username').fill('jordan');
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Given name').fill('Jordan');
      await page.getByLabel('Family name').fill('Lee');
      await page.getByLabel('Country or territory').selectOption('CA');
      await page.getByLabel('Password').fill('too short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await assertErrorSummary(page, 'Password must be at least 15 characters');
      await assertErrorSummary(page, 'You must accept the privacy notice');
      assert.equal(await page.getByLabel('Username').inputValue(), 'jordan');
      await page.getByLabel('Password').fill(password);
      await page.getByLabel('I have read the privacy notice and accept it').check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();

      // Signing in before confirming is refused with a way forward.
      await signIn(page, base, 'jordan', password);
      await page.getByText('Confirm your email address before you sign in').waitFor();

      // Confirm from the email.
      const welcome = await mailTo(email, /Confirm your email address/);
      const confirm = linksIn(welcome.text).find((l) => l.includes('/confirm-email?token='));
      assert.ok(confirm, welcome.text);
      await page.goto(confirm);
      await page.getByRole('button', { name: 'Confirm my email address' }).click();
      await page.getByText('Your email address is confirmed').waitFor();

      // Sign in and turn on two-factor.
      await signIn(page, base, 'jordan', password);
      await page.getByRole('heading', { name: 'Welcome, Jordan' }).waitFor();
      await page
        .getByRole('link', { name: 'Set up two-factor authentication', exact: true })
        .click();
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      const secret = (await page.locator('#totp-secret').innerText()).replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      await page.getByLabel('Enter the 6-digit code the app shows.').fill(totpCode(secret));
      await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
      await page.getByRole('heading', { name: 'Two-factor authentication is on' }).waitFor();
      const codes = await page.locator('ul.codes li').allInnerTexts();
      assert.equal(codes.length, 10);
      await page.getByRole('link', { name: 'I have saved my recovery codes' }).click();

      // Sign out.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();

      // Forget the password and reset it from the email.
      await page.getByRole('link', { name: 'Forgot your username or password?' }).click();
      await page.getByRole('link', { name: 'I forgot my password' }).click();
      await page.getByLabel('Username or email address').fill(email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      const reset = await mailTo(email, /Reset your password/);
      const resetLink = linksIn(reset.text).find((l) => l.includes('/reset-password?token='));
      assert.ok(resetLink, reset.text);
      await page.goto(resetLink);
      const newPassword = 'another long unusual passphrase';
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password').fill(newPassword);
      await page.getByRole('button', { name: 'Save new password' }).click();
      await page.getByText('Your password has been changed').waitFor();

      // The old password no longer works; the new one still needs the second factor.
      await signIn(page, base, 'jordan', password);
      await assertErrorSummary(page, 'The username, email address or password is not right');
      await signIn(page, base, email, newPassword);
      await page.getByRole('heading', { name: 'Enter your verification code' }).waitFor();
      await page.getByLabel('Verification code').fill(totpCode(secret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Verify and sign in' }).click();
      await page.getByRole('heading', { name: 'Welcome, Jordan' }).waitFor();
      await page.getByText('Two-factor authentication is on.').waitFor();
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

async function assertErrorSummary(page: Page, text: string): Promise<void> {
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.ok((await summary.innerText()).includes(text), `error summary lacks "${text}"`);
  // The summary takes focus so that screen readers announce it.
  assert.equal(
    await summary.evaluate((el) => el.ownerDocument.activeElement === el),
    true,
    'the error summary has focus',
  );
}

async function waitForMail(smtp: TestSmtpServer, address: string, subject: RegExp) {
  return smtp.waitFor((m) => m.to.includes(address) && subject.test(m.subject), 10_000);
}
