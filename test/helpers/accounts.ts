import { CompiledQuery } from 'kysely';
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { buildApp, type App } from '../../src/app.ts';
import type { NewAccount } from '../../src/features/accounts/index.ts';
import { totpCode } from '../../src/features/accounts/totp.ts';
import { sessionCookieName } from '../../src/platform/auth/session.ts';
import { ensureProgram, publishPrivacyNotice } from '../../src/platform/bootstrap.ts';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/database.ts';
import type { Database } from '../../src/platform/db/database.ts';
import type { TestApp } from './app.ts';
import { csrfFrom, linksIn, request, type CookieJar } from './app.ts';
import type { FormFields, Response } from './http.ts';

/**
 * Factories and steps for account tests: a program with a privacy notice,
 * ready accounts, signing in (with two-factor), and reading the outbox.
 */

export const PROGRAM = {
  name: 'Heron Certification Program',
  shortName: 'Heron',
  supportEmail: 'support@heron.example',
};

/** A passphrase that passes the policy for any account these factories make. */
export const GOOD_PASSWORD = 'violet tractor humming seven lanterns';

let counter = 0;
/** A name no other test in this process uses: `prefix` + a counter + random letters. */
export function unique(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 6)}`;
}

let ipCounter = 0;
/**
 * A client address of its own, so that one test's attempts never count
 * against another's per-address rate limits (`request(..., { remoteAddress })`).
 */
export function freshIp(): string {
  ipCounter++;
  return `10.${(process.pid >> 8) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

/** The program row (with a short name, as the demo has) and a published privacy notice. */
export async function givenProgram(
  t: Pick<TestApp, 'app' | 'db'>,
  notice = 'We keep your name and email to run the program.',
): Promise<{ noticeVersion: number }> {
  await ensureProgram(t.db, { name: PROGRAM.name, supportEmail: PROGRAM.supportEmail });
  await t.db
    .updateTable('program')
    .set({ name: PROGRAM.name, short_name: PROGRAM.shortName, support_email: PROGRAM.supportEmail })
    .where('id', '=', 1)
    .execute();
  t.app.platform.program.invalidate();
  const noticeVersion = await publishPrivacyNotice(t.db, notice, new Date(Date.now() - 60_000));
  return { noticeVersion };
}

export interface GivenAccount {
  readonly id: number;
  readonly candidateNumber: string;
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly totpSecret: string | undefined;
}

/** A confirmed account, ready to sign in; pass `totpSecret` for one with two-factor on. */
export async function givenAccount(
  app: App,
  overrides: Partial<NewAccount> = {},
): Promise<GivenAccount> {
  const username = overrides.username ?? unique('user');
  const input: NewAccount = {
    username,
    email: `${username.toLowerCase()}@example.com`,
    givenName: 'Ada',
    familyName: 'Lovelace',
    country: 'GB',
    password: GOOD_PASSWORD,
    emailVerified: true,
    acceptPrivacy: true,
    ...overrides,
  };
  const { id, candidateNumber } = await app.accounts.createAccount(input);
  return {
    id,
    candidateNumber,
    username: input.username,
    email: input.email,
    password: input.password ?? '',
    totpSecret: input.totpSecret,
  };
}

/** A fresh base32 TOTP key (what an authenticator app would be given). */
export { newTotpSecret } from '../../src/features/accounts/totp.ts';

export interface PostOptions {
  /** The page holding the form, fetched for the CSRF token; defaults to `url`. */
  from?: string;
  /** The client address the request comes from. */
  ip?: string;
  headers?: InjectOptions['headers'];
}

/**
 * `formPost` with a client address: GETs the form page (for the CSRF cookie
 * and token) unless `_csrf` is given, then POSTs the fields url-encoded.
 */
export async function post(
  app: App,
  url: string,
  fields: FormFields,
  jar: CookieJar,
  options: PostOptions = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, String(v));
  }
  const remote = options.ip ? { remoteAddress: options.ip } : {};
  if (!body.has('_csrf')) {
    const page = await request(app, { method: 'GET', url: options.from ?? url, ...remote }, jar);
    assert.equal(
      page.statusCode,
      200,
      `GET ${options.from ?? url} for its form: ${page.body.slice(0, 300)}`,
    );
    body.set('_csrf', csrfFrom(page.body));
  }
  return request(
    app,
    {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      payload: body.toString(),
      ...remote,
    },
    jar,
  );
}

/** GET with the jar (and optionally a client address). */
export function get(
  app: App,
  url: string,
  jar?: CookieJar,
  options: { ip?: string; headers?: InjectOptions['headers'] } = {},
): Promise<Response> {
  return request(
    app,
    {
      method: 'GET',
      url,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.ip ? { remoteAddress: options.ip } : {}),
    },
    jar,
  );
}

/** The session cookie's name under this config (`__Host-` prefixed over HTTPS). */
export function sessionCookie(t: Pick<TestApp, 'config'>, jar: CookieJar): string | undefined {
  return jar.get(sessionCookieName(t.config));
}

/**
 * The next TOTP code the account will accept: the current time step, or the
 * one after the last step it used (codes are single-use). A later step is
 * still inside the ±1 step window; two steps ahead would not be.
 */
export async function nextTotpCode(db: Database, userId: number, secret: string): Promise<string> {
  const row = await db
    .selectFrom('users')
    .select('totp_last_step')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const now = Math.floor(Date.now() / 30_000);
  const step = Math.max(now, (row.totp_last_step ?? -1) + 1);
  if (step > now + 1) {
    // Both usable steps are spent: wait for the clock instead of sending a code that must fail.
    await new Promise((resolve) => setTimeout(resolve, (step - 1) * 30_000 - Date.now() + 50));
  }
  return totpCode(secret, step * 30_000 + 1_000);
}

/**
 * Signs in through the pages (and the two-factor page when `totpSecret` is
 * given); fails the test unless it ends on a signed-in redirect.
 */
export async function signIn(
  t: Pick<TestApp, 'app' | 'db'>,
  jar: CookieJar,
  account: { username: string; password: string; id?: number; totpSecret?: string | undefined },
  options: { ip?: string; identifier?: string } = {},
): Promise<Response> {
  const first = await post(
    t.app,
    '/sign-in',
    { identifier: options.identifier ?? account.username, password: account.password },
    jar,
    { ...(options.ip ? { ip: options.ip } : {}) },
  );
  assert.equal(
    first.statusCode,
    303,
    `sign-in answered ${first.statusCode}: ${first.body.slice(0, 500)}`,
  );
  if (!account.totpSecret) {
    assert.equal(pathOf(first.headers.location), '/dashboard');
    return first;
  }
  assert.match(String(first.headers.location), /^\/sign-in\/two-factor/);
  const id = account.id ?? (await userIdOf(t.db, account.username));
  const code = await nextTotpCode(t.db, id, account.totpSecret);
  const second = await post(t.app, '/sign-in/two-factor', { code }, jar, {
    ...(options.ip ? { ip: options.ip } : {}),
  });
  assert.equal(
    second.statusCode,
    303,
    `two-factor answered ${second.statusCode}: ${second.body.slice(0, 500)}`,
  );
  return second;
}

export async function userIdOf(db: Database, username: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The path and query of a URL or `location` header (absolute or not). */
export function pathOf(url: string | string[] | number | undefined): string {
  assert.equal(typeof url, 'string', `expected a URL, got ${String(url)}`);
  const parsed = new URL(url as string, 'http://test.invalid');
  return parsed.pathname + parsed.search;
}

/** Outbox rows addressed to `to` (case-insensitive), oldest first. */
export function outboxTo(db: Database, to: string) {
  return db
    .selectFrom('outbox')
    .select(['id', 'to_address', 'subject', 'text', 'html', 'template', 'status', 'attempts'])
    .where(({ fn, eb }) => eb(fn('lower', ['to_address']), '=', to.toLowerCase()))
    .orderBy('id')
    .execute();
}

/** The first link in the newest outbox message of `template` to `to`. */
export async function linkFromOutbox(db: Database, to: string, template: string): Promise<string> {
  const rows = (await outboxTo(db, to)).filter((r) => r.template === template);
  const last = rows.at(-1);
  assert.ok(last, `no ${template} email to ${to} in the outbox`);
  const link = linksIn(last.text)[0];
  assert.ok(link, `the ${template} email has no link:\n${last.text}`);
  return link;
}

/**
 * A second app on the same database, as a second process behind a load
 * balancer would be: on PostgreSQL through a pool of its own, on the
 * embedded database through the same PGlite (the only way to share it).
 */
export async function secondInstance(t: TestApp): Promise<{ app: App; close(): Promise<void> }> {
  let handle: DatabaseHandle;
  if (t.config.databaseUrl) {
    handle = await openDatabase({ databaseUrl: t.config.databaseUrl, poolSize: 3 });
  } else {
    handle = sharedEmbeddedHandle(t);
  }
  const app = await buildApp(t.config, { database: handle, migrate: false, logger: false });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}

/**
 * Another handle on the test's database: a separate pool on PostgreSQL (so
 * two "processes" really run at once), the same PGlite when embedded.
 */
export async function secondHandle(t: TestApp): Promise<DatabaseHandle> {
  if (t.config.databaseUrl) return openDatabase({ databaseUrl: t.config.databaseUrl, poolSize: 3 });
  return sharedEmbeddedHandle(t);
}

/** The test's own PGlite, shared (closing it is left to the test app). */
function sharedEmbeddedHandle(t: TestApp): DatabaseHandle {
  return {
    db: t.db,
    kind: t.app.platform.dbKind,
    prepared: async <R>(_name: string, text: string, values: readonly unknown[]) =>
      (await t.db.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows as R[],
    close: async () => {},
  };
}

/** A local TCP port with nothing listening on it (a mail server that is down). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The text of the first element with `class="<name>"` (tags stripped, entities for &<>" decoded). */
export function textOfClass(html: string, name: string): string | undefined {
  const match = new RegExp(
    `<(\\w+)[^>]*\\bclass="[^"]*\\b${name}\\b[^"]*"[^>]*>([\\s\\S]*?)</\\1>`,
  ).exec(html);
  if (!match) return undefined;
  return decode(match[2]!.replace(/<[^>]*>/g, ''));
}

export function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The `<input>` tag for a field name, as rendered. */
export function inputTag(html: string, name: string): string | undefined {
  return (html.match(/<(?:input|select)\b[^>]*>/gi) ?? []).find((tag) =>
    new RegExp(`\\bname="${name}"`).test(tag),
  );
}

/** An attribute's value in a tag (decoded), or undefined. */
export function attr(tag: string | undefined, name: string): string | undefined {
  if (!tag) return undefined;
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]!) : undefined;
}

/**
 * The paths of every route that answers `method`, read from Fastify's route
 * tree (four characters of indent per level), so a new route is covered
 * without anyone listing it. Parameters are left in (`/admin/users/:id`).
 */
export function routePaths(app: App, method: string): string[] {
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([\s│]*)(?:[└├]── )(.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const methods = match[3]?.split(', ') ?? [];
    if (methods.includes(method)) paths.push(stack.join('').replace(/\/{2,}/g, '/'));
  }
  return paths;
}
