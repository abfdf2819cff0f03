import { createTestApp } from './test/helpers/app.ts';
import { GOOD_PASSWORD, givenAccount, givenProgram } from './test/helpers/accounts.ts';
import { launchBrowser, startServer } from './test/helpers/browser.ts';
import { daysAgo, givenPagesCatalog, givenResult, givenTrainingCompletion } from './test/helpers/catalog-pages.ts';

const t = await createTestApp();
try {
  await givenProgram(t);
  await givenPagesCatalog(t.db);
  const me = await givenAccount(t.app, { username: 'robin', givenName: 'Robin', familyName: 'Hart' });
  await givenResult(t.app, me.id, 'ACS-101', 640, daysAgo(60));
  await givenResult(t.app, me.id, 'ACS-101', 812, daysAgo(30));
  await givenTrainingCompletion(t.app, me.id, daysAgo(20));
  await givenResult(t.app, me.id, 'ACS-202', 700, daysAgo(10));
  await givenResult(t.app, me.id, 'ACS-201', 610, daysAgo(2));
  const base = await startServer(t.app);
  const browser = await launchBrowser();
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Username or email address').fill('robin');
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/dashboard/);
    for (const [name, url] of [['dashboard', '/dashboard'], ['csp', '/credentials/CSP'], ['csa', '/credentials/CSA'], ['catalog', '/credentials'], ['history', '/history'], ['evidence-form', '/evidence/new?kind=credits']] as const) {
      await page.goto(`${base}${url}`);
      await page.screenshot({ path: `/tmp/shots/${name}-${width}.png`, fullPage: true });
    }
    await page.getByRole('button', { name: 'Send evidence for review' }).click();
    await page.screenshot({ path: `/tmp/shots/evidence-errors-${width}.png`, fullPage: true });
    await page.close();
  }
  await browser.close();
} finally {
  await t.close();
}
