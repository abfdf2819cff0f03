import assert from 'node:assert/strict';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import type { App } from '../../src/app.ts';

/**
 * Browser journeys run in the distribution's Chromium through playwright-core,
 * so no browser download is needed. Without Chromium they are skipped, except
 * in CI (or with LAUREL_REQUIRE_BROWSER set), where a missing browser must not
 * turn a red suite green.
 */

const HINT = 'Chromium not found: apt-get install chromium to run browser tests';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type BrowserAvailability =
  { ok: true; executablePath: string } | { ok: false; reason: string };

export function browserAvailability(): BrowserAvailability {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    fs.accessSync(executablePath, fs.constants.X_OK);
    return { ok: true, executablePath };
  } catch {
    return {
      ok: false,
      reason: `${HINT} (looked for ${executablePath}; set CHROMIUM_PATH to use another)`,
    };
  }
}

/** True where a missing browser is a failure rather than a skip. */
export function browserRequired(): boolean {
  return Boolean(process.env.CI || process.env.LAUREL_REQUIRE_BROWSER);
}

export async function launchBrowser(): Promise<Browser> {
  const availability = browserAvailability();
  if (!availability.ok) throw new Error(availability.reason);
  return chromium.launch({ executablePath: availability.executablePath, args: LAUNCH_ARGS });
}

/** Listens on 127.0.0.1 (port 0: any free port) and returns the base URL, without a trailing slash. */
export async function startServer(app: App, port = 0): Promise<string> {
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/**
 * A free local port, for a test that must know its URL before building the
 * app (links in emails use `publicUrl`): build with
 * `config: { publicUrl: \`http://127.0.0.1:${port}\` }`, then `startServer(app, port)`.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface BrowserPage {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far, in every page of the context. */
  readonly consoleErrors: string[];
  /** Tolerates console errors matching the pattern (a test that expects, say, a 404 resource). */
  allowConsoleError(pattern: RegExp): void;
  /** Fails when any console error or page error was seen. */
  assertNoConsoleErrors(): void;
  close(): Promise<void>;
}

/** A fresh context and page that records every console error and uncaught page error. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserPage> {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', ...options });
  const consoleErrors: string[] = [];
  const allowed: RegExp[] = [];
  const record = (message: string): void => {
    if (!allowed.some((pattern) => pattern.test(message))) consoleErrors.push(message);
  };
  context.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    record(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  context.on('weberror', (error) => record(`page error: ${error.error().message}`));
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    consoleErrors,
    allowConsoleError: (pattern) => void allowed.push(pattern),
    assertNoConsoleErrors() {
      assert.deepEqual(consoleErrors, [], `The page logged errors:\n${consoleErrors.join('\n')}`);
    },
    close: () => context.close(),
  };
}

export interface BrowserTestContext extends BrowserPage {
  readonly t: TestContext;
}

/**
 * A node:test test with its own Chromium and page. It fails when the page
 * logs a console error or throws; on failure it leaves a screenshot in
 * test-results/. Skipped (or failed, see `browserRequired`) without Chromium.
 */
export function browserTest(
  name: string,
  fn: (ctx: BrowserTestContext) => Promise<void>,
  options: { timeout?: number; contextOptions?: BrowserContextOptions } = {},
): void {
  const availability = browserAvailability();
  if (!availability.ok) {
    if (browserRequired()) {
      test(name, () => {
        throw new Error(
          `${availability.reason}. Browser tests are required here (CI or LAUREL_REQUIRE_BROWSER).`,
        );
      });
    } else {
      test(name, { skip: HINT }, () => {});
    }
    return;
  }
  test(name, { timeout: options.timeout ?? 60_000 }, async (t) => {
    const browser = await launchBrowser();
    try {
      const handle = await openPage(browser, options.contextOptions);
      try {
        await fn({ ...handle, t });
      } catch (error) {
        await screenshot(handle.page, name);
        if (handle.consoleErrors.length > 0 && error instanceof Error) {
          error.message += `\nThe page also logged:\n${handle.consoleErrors.join('\n')}`;
        }
        throw error;
      }
      handle.assertNoConsoleErrors();
    } finally {
      await browser.close();
    }
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  try {
    const dir = path.resolve('test-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.error(`Screenshot of the failing page: ${file}`);
  } catch {
    // The page may be gone; the test's own error says more.
  }
}
