import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { createTestApp } from '../helpers/app.ts';
import { GOOD_PASSWORD, givenAccount, givenProgram } from '../helpers/accounts.ts';
import { browserTest, freePort, startServer } from '../helpers/browser.ts';
import { givenScheduledExam, givenSitting, hoursAhead, parseCalendar } from './setup.ts';

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

// A candidate finds a sitting, books it with a voucher, reschedules it; the
// confirmation and the reschedule emails arrive over real SMTP, each with a
// calendar file that an independent parser reads: same UID, SEQUENCE 0 then 1.
browserTest(
  'a candidate books a sitting with a voucher, reschedules, and gets calendar files by email',
  async ({ page, allowConsoleError }) => {
    allowConsoleError(/status of 400/);
    const port = await freePort();
    const t = await createTestApp({ smtp: true, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    try {
      await givenProgram(t);
      const exam = await givenScheduledExam(t, { title: 'Cloud Foundations' });
      const first = hoursAhead(24 * 6);
      const second = hoursAhead(24 * 13);
      await givenSitting(t, { examIds: [exam.id], startsAt: first, seats: 2 });
      await givenSitting(t, { examIds: [exam.id], startsAt: second, seats: 8 });
      const manager = await givenAccount(t.app, { roles: ['program_manager'] });
      const batch = await t.app.scheduling.batch(
        await t.app.scheduling.createBatch(
          { userId: manager.id },
          {
            name: 'Journey',
            count: '1',
            exams: [exam.code],
            discountPercent: '100',
            expiresOn: '2099-12-31',
          },
        ),
      );
      const voucher = batch.vouchers[0]!.code;
      const me = await givenAccount(t.app, {
        username: 'riley',
        givenName: 'Riley',
        familyName: 'Stone',
      });
      const base = await startServer(t.app, port);
      const mailTo = async (subject: RegExp) => {
        await t.app.platform.mail.deliverDue();
        return t.smtp.waitFor((m) => m.to.includes(me.email) && subject.test(m.subject), 10_000);
      };

      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Username or email address').fill('riley');
      await page.getByLabel('Password').fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Exams', exact: true }).click();
      await page.getByRole('heading', { name: 'My exams' }).waitFor();
      await page.getByLabel('Exam', { exact: true }).selectOption(exam.code);
      await page.getByRole('button', { name: 'Find sittings' }).click();
      await page.getByRole('table', { name: 'Sittings found' }).waitFor();
      await assertAccessible(page, '/exams with results');
      await page
        .getByRole('link', { name: `Book ${exam.code}` })
        .first()
        .click();

      await page.getByRole('heading', { name: 'Check your booking' }).waitFor();
      await page.getByLabel('Voucher code (optional)').fill('WRONG-CODE');
      await page.getByRole('button', { name: 'Book this sitting' }).click();
      await page.locator('.error-summary').waitFor();
      await assertAccessible(page, 'booking with an error');
      await page.getByLabel('Voucher code (optional)').fill(voucher.toLowerCase());
      await page.getByRole('button', { name: 'Book this sitting' }).click();
      await page.getByText('Your exam is booked.').waitFor();
      const confirmation = (await page.locator('dd.mono').first().innerText()).trim();
      assert.match(confirmation, /^LA-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      await page.getByRole('link', { name: 'Add to calendar' }).waitFor();
      await assertAccessible(page, 'appointment page');

      const booked = await mailTo(/is booked/);
      assert.ok(booked.text.includes(confirmation));
      const ics1 = booked.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      assert.ok(ics1, 'the confirmation carries a calendar file');
      const cal1 = parseCalendar(ics1.content.toString('utf8'));
      assert.equal(cal1.method, 'REQUEST');
      assert.equal(cal1.sequence, 0);
      assert.equal(cal1.start.getTime(), first.getTime());
      assert.ok(Math.abs(cal1.stamp.getTime() - Date.now()) < 600_000);

      await page.getByRole('link', { name: 'Reschedule' }).click();
      await page.getByRole('heading', { name: 'Choose a new sitting' }).waitFor();
      await assertAccessible(page, 'reschedule page');
      await page.getByRole('button', { name: 'Move to this sitting' }).click();
      await page.getByText('Your appointment was moved.').waitFor();

      const moved = await mailTo(/new time/);
      const ics2 = moved.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      assert.ok(ics2, 'the reschedule email carries a calendar file');
      const cal2 = parseCalendar(ics2.content.toString('utf8'));
      assert.equal(cal2.uid, cal1.uid);
      assert.equal(cal2.sequence, 1);
      assert.equal(cal2.start.getTime(), second.getTime());

      await page.getByRole('link', { name: 'My exams' }).click();
      await page.getByRole('cell', { name: confirmation }).waitFor();
    } finally {
      await t.close();
    }
  },
  { timeout: 120_000 },
);
