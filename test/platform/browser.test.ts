import assert from 'node:assert/strict';
import { browserTest, startServer } from '../helpers/browser.ts';
import { createTestApp } from '../helpers/app.ts';

// The smallest journey: it proves the browser harness works and that the home
// page and its assets load under the CSP without a single console error.
browserTest('the home page loads in Chromium without console errors', async ({ page }) => {
  const t = await createTestApp();
  try {
    const base = await startServer(t.app);
    const response = await page.goto(`${base}/`);
    assert.equal(response?.status(), 200);
    assert.ok((await page.title()).length > 0, 'the page has a title');
    await page.waitForLoadState('networkidle');
  } finally {
    await t.close();
  }
});

browserTest(
  'the harness records console errors and uncaught page errors',
  async ({ page, consoleErrors }) => {
    // browserTest fails a journey whose page logged an error; here both kinds are
    // provoked on purpose, checked, then cleared so that this test passes.
    await page.setContent('<p>x</p>');
    await page.evaluate(() => console.error('deliberate'));
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('deliberate throw');
      }),
    );
    await page.waitForTimeout(100);
    assert.ok(
      consoleErrors.some((e) => e.includes('deliberate')),
      consoleErrors.join('\n'),
    );
    assert.ok(
      consoleErrors.some((e) => e.includes('deliberate throw')),
      consoleErrors.join('\n'),
    );
    consoleErrors.length = 0;
  },
);
