import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

describe('GET /healthz', () => {
  test('answers 200 while the database answers, 503 once it is gone', async () => {
    const t = await createTestApp();
    try {
      const up = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(up.statusCode, 200);
      assert.deepEqual(up.json(), { status: 'ok' });

      await t.closeDatabase();
      const down = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(down.statusCode, 503);
    } finally {
      await t.close();
    }
  });
});

describe('configuration', () => {
  function problemsOf(env: Record<string, string>): string {
    try {
      loadConfig(env);
    } catch (error) {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      return error.message;
    }
    assert.fail(`loadConfig(${JSON.stringify(env)}) did not throw`);
  }

  test('production without SMTP_URL is refused, naming SMTP_URL', () => {
    const message = problemsOf({
      NODE_ENV: 'production',
      SECRET_KEY: 'x'.repeat(40),
      PUBLIC_URL: 'https://certs.example.com',
    });
    assert.match(message, /SMTP_URL/);
  });

  test('a PORT that is not a number is refused, naming PORT', () => {
    assert.match(problemsOf({ PORT: 'abc' }), /PORT/);
  });
});

describe('HTTP basics', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t?.close();
  });

  test('an unknown URL is a 404 page for browsers', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/no/such/page',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<html/i);
  });

  test('an unknown URL is problem+json for API clients', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/no/such/page',
      headers: { accept: 'application/json' },
    });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json<{ status: number; code: string; title: string }>();
    assert.equal(body.status, 404);
    assert.equal(body.code, 'NOT_FOUND');
    assert.equal(typeof body.title, 'string');
  });

  test('every HTML response carries a strict CSP and the other security headers', async () => {
    const paths = new Set([
      '/',
      '/no/such/page',
      ...staticGetRoutes(t.app.printRoutes({ commonPrefix: false })),
    ]);
    assert.ok(paths.has('/healthz'), 'the route list could not be read from printRoutes()');
    const checked: string[] = [];
    for (const url of paths) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
      checked.push(`${url} (${res.statusCode})`);
      const csp = String(res.headers['content-security-policy'] ?? '');
      for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
        assert.ok(csp.includes(directive), `${url}: CSP lacks ${directive}: ${csp}`);
      }
      assert.ok(!csp.includes('unsafe-inline'), `${url}: CSP allows unsafe-inline: ${csp}`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      // Pages holding a secret in their URL (password reset) send the stricter no-referrer.
      assert.ok(
        ['same-origin', 'no-referrer'].includes(String(res.headers['referrer-policy'])),
        `${url}: referrer-policy is ${String(res.headers['referrer-policy'])}`,
      );
    }
    assert.ok(
      checked.length >= 2,
      `expected at least the home page and the 404 page, checked: ${checked.join(', ')}`,
    );
  });
});

/**
 * The parameterless GET routes, read from Fastify's route tree, so that a new
 * page is covered without anyone adding it here. Each line of the tree is a
 * path segment indented four characters per level, methods in parentheses.
 */
function staticGetRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│]*)(?:[└├]── )(.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const segment = match[2]!;
    stack.length = depth;
    stack.push(segment);
    const methods = match[3]?.split(', ') ?? [];
    const full = stack.join('').replace(/\/{2,}/g, '/');
    if (methods.includes('GET') && !/[:*]/.test(full)) routes.push(full);
  }
  return routes;
}
