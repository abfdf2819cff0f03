import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import type { TestApp } from '../helpers/app.ts';
import { cookieJar, csrfFrom, request, type CookieJar } from '../helpers/app.ts';
import {
  freshIp,
  get,
  givenAccount,
  newTotpSecret,
  post,
  signIn,
  unique,
  type GivenAccount,
} from '../helpers/accounts.ts';
import type { Response } from '../helpers/http.ts';
import type { CatalogActor } from '../../src/features/catalog/index.ts';

/** Steps and factories for catalog tests: signed-in program managers and candidates, JSON calls, definitions. */

export interface Browser {
  readonly account: GivenAccount;
  readonly jar: CookieJar;
  readonly ip: string;
}

/** A program manager with two-factor on, signed in. */
export async function signedInManager(
  t: TestApp,
  role: 'program_manager' | 'admin' = 'program_manager',
): Promise<Browser> {
  const account = await givenAccount(t.app, {
    username: unique('pm'),
    roles: [role],
    totpSecret: newTotpSecret(),
  });
  const jar = cookieJar();
  const ip = freshIp();
  await signIn(t, jar, account, { ip });
  return { account, jar, ip };
}

/** A candidate (no staff role), signed in. */
export async function signedInCandidate(t: TestApp): Promise<Browser> {
  const account = await givenAccount(t.app, { username: unique('cand') });
  const jar = cookieJar();
  const ip = freshIp();
  await signIn(t, jar, account, { ip });
  return { account, jar, ip };
}

export function getPage(t: TestApp, b: Browser, url: string): Promise<Response> {
  return get(t.app, url, b.jar, { ip: b.ip });
}

/** Submits a form the way a browser does (token from `from`, or the page at `url`). */
export function submit(
  t: TestApp,
  b: Browser,
  url: string,
  fields: Record<string, string | readonly string[]>,
  from?: string,
): Promise<Response> {
  return post(t.app, url, fields, b.jar, { ip: b.ip, ...(from ? { from } : {}) });
}

/** The CSRF token for this browser, from any page with a form. */
export async function csrfToken(t: TestApp, b: Browser): Promise<string> {
  const page = await get(t.app, '/account', b.jar, { ip: b.ip });
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  return csrfFrom(page.body);
}

/** A JSON call with the browser's cookies (and its CSRF header for writes). */
export async function api(
  t: TestApp,
  b: Browser | undefined,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (b && method !== 'GET') headers['x-csrf-token'] = await csrfToken(t, b);
  const options: InjectOptions = {
    method,
    url,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    ...(b ? { remoteAddress: b.ip } : {}),
  };
  return request(t.app, options, b?.jar);
}

export function json<T = any>(res: Response): T {
  return JSON.parse(res.body) as T;
}

/** The `field: message` pairs of a problem+json answer. */
export function problemFields(res: Response): Record<string, string> {
  const body = json<{ errors?: { field: string; message: string }[] }>(res);
  return Object.fromEntries((body.errors ?? []).map((e) => [e.field, e.message]));
}

export const SYSTEM: CatalogActor = {
  userId: null,
  timeZone: 'UTC',
  ip: null,
  reason: 'test setup',
};

let codeCounter = 0;
/** A code no other test in this process uses, valid for the catalog: `PREFIX-7K3`. */
export function code(prefix = 'X'): string {
  codeCounter++;
  return `${prefix}-${codeCounter}${Math.random().toString(36).slice(2, 5).toUpperCase()}`;
}

/** An exam straight through the service, with sensible defaults. */
export async function givenExam(t: TestApp, overrides: Record<string, unknown> = {}) {
  return t.app.catalog.createExam(SYSTEM, {
    code: code('EX'),
    title: 'Cloud Security Basics',
    kind: 'exam',
    delivery: ['test_center', 'online_proctored'],
    scoreMin: 0,
    scoreMax: 1000,
    passingScore: 700,
    languages: ['en'],
    status: 'published',
    versions: [{ version: '1', availableFrom: '2026-01-01' }],
    ...overrides,
  });
}

export async function givenCredential(t: TestApp, overrides: Record<string, unknown> = {}) {
  return t.app.catalog.createCredential(SYSTEM, {
    code: code('CR'),
    name: 'Certified Cloud Associate',
    kind: 'certification',
    level: 'Associate',
    levelRank: 1,
    validityMonths: 24,
    ...overrides,
  });
}

/** Saves a requirement version through the service (effective a day ago unless given). */
export function givenRequirements(
  t: TestApp,
  credentialCode: string,
  tree: unknown,
  effectiveAt: string | Date = new Date(Date.now() - 86_400_000),
) {
  return t.app.catalog.addRequirementVersion(SYSTEM, credentialCode, {
    tree,
    effectiveAt: effectiveAt instanceof Date ? effectiveAt.toISOString() : effectiveAt,
  });
}

export function examNode(id: string, examCode: string, extra: Record<string, unknown> = {}) {
  return { kind: 'exam', id, examCode, ...extra };
}

/**
 * The fields a browser would submit from the form that posts to `action`:
 * inputs (not buttons or unticked boxes), each select's chosen option (the
 * first when none is marked), textareas; values decoded.
 */
export function browserFields(html: string, action: string): [string, string][] {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `no form posting to ${action}`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end);
  const fields: [string, string][] = [];
  const decode = (v: string) =>
    v
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#34;|&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
    return m ? decode(m[1]!) : undefined;
  };
  const re =
    /<input\b[^>]*>|<select\b[^>]*>[\s\S]*?<\/select>|<textarea\b[^>]*>[\s\S]*?<\/textarea>/g;
  for (const m of form.matchAll(re)) {
    const tag = m[0];
    const name = attr(tag, 'name');
    if (!name) continue;
    if (tag.startsWith('<input')) {
      const type = attr(tag, 'type') ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(tag)) continue;
      fields.push([name, attr(tag, 'value') ?? '']);
    } else if (tag.startsWith('<select')) {
      const options = [...tag.matchAll(/<option\b([^>]*)>/g)].map((o) => o[1]!);
      const chosen = options.find((o) => /\sselected/.test(o)) ?? options[0] ?? '';
      fields.push([name, attr(` ${chosen}`, 'value') ?? '']);
    } else {
      fields.push([name, decode(/>([\s\S]*)<\/textarea>$/.exec(tag)![1]!)]);
    }
  }
  return fields;
}

/** Posts a form's fields as the browser has them, with changes and the button pressed. */
export function pressButton(
  t: TestApp,
  b: Browser,
  action: string,
  fields: [string, string][],
  button: string | undefined,
  changes: Record<string, string> = {},
): Promise<Response> {
  const body = new URLSearchParams();
  const seen = new Set<string>();
  for (const [name, value] of fields) {
    if (name in changes) {
      if (!seen.has(name)) body.append(name, changes[name]!);
      seen.add(name);
    } else body.append(name, value);
  }
  for (const [name, value] of Object.entries(changes))
    if (!seen.has(name)) body.append(name, value);
  if (button !== undefined) body.append('action', button);
  return request(
    t.app,
    {
      method: 'POST',
      url: action,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
      remoteAddress: b.ip,
    },
    b.jar,
  );
}
