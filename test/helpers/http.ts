import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

export type Response = LightMyRequestResponse;

/**
 * A browser's cookie store for `app.inject`, reduced to what the tests need:
 * one path, one host, no Secure/SameSite rules.
 */
export interface CookieJar {
  /** Cookie values by name. */
  readonly cookies: Map<string, string>;
  /** Takes the `set-cookie` headers of a response; an expired or emptied cookie is removed. */
  store(response: Response): void;
  /** The `cookie` request header to send; undefined when the jar is empty. */
  header(): string | undefined;
  get(name: string): string | undefined;
  clear(): void;
}

export function cookieJar(): CookieJar {
  const cookies = new Map<string, string>();
  return {
    cookies,
    store(response) {
      for (const c of response.cookies) {
        const expired =
          c.value === '' ||
          (typeof c.maxAge === 'number' && c.maxAge <= 0) ||
          (c.expires instanceof Date && c.expires.getTime() <= Date.now());
        if (expired) cookies.delete(c.name);
        else cookies.set(c.name, c.value);
      }
    },
    header() {
      if (cookies.size === 0) return undefined;
      return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    },
    get: (name) => cookies.get(name),
    clear: () => cookies.clear(),
  };
}

/** `app.inject` that sends the jar's cookies and keeps the ones the response sets. */
export async function request(
  app: FastifyInstance,
  options: InjectOptions,
  jar?: CookieJar,
): Promise<Response> {
  const cookie = jar?.header();
  const response = await app.inject({
    ...options,
    headers: { ...(cookie ? { cookie } : {}), ...options.headers },
  });
  jar?.store(response);
  return response;
}

/** The CSRF token of the first form in a page (`<input type="hidden" name="_csrf" value="...">`). */
export function csrfFrom(html: string): string {
  for (const tag of html.match(/<input\b[^>]*>/gi) ?? []) {
    if (!/\bname=["']_csrf["']/i.test(tag)) continue;
    const value = /\bvalue=["']([^"']*)["']/i.exec(tag)?.[1];
    if (value) return value.replace(/&amp;/g, '&');
  }
  throw new Error(`No _csrf field in the page:\n${html.slice(0, 500)}`);
}

export type FormFields = Record<string, string | number | boolean | readonly string[]>;

export interface FormPostOptions {
  /** The page holding the form, fetched for the cookie and token; defaults to `url`. */
  from?: string;
  headers?: InjectOptions['headers'];
}

/**
 * Submits a form the way a browser does: when `fields` carries no `_csrf`, it
 * first GETs the form page (with the jar) for the CSRF cookie and token.
 */
export async function formPost(
  app: FastifyInstance,
  url: string,
  fields: FormFields,
  jar: CookieJar,
  options: FormPostOptions = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, String(v));
  }
  if (!body.has('_csrf')) {
    const page = await request(app, { method: 'GET', url: options.from ?? url }, jar);
    if (page.statusCode !== 200) {
      throw new Error(
        `GET ${options.from ?? url} for the form answered ${page.statusCode}, not 200`,
      );
    }
    body.set('_csrf', csrfFrom(page.body));
  }
  return request(
    app,
    {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      payload: body.toString(),
    },
    jar,
  );
}

/** The path of a redirect's `location` header (throws when the response is no redirect). */
export function redirectPath(response: Response): string {
  const location = response.headers.location;
  if (response.statusCode < 300 || response.statusCode >= 400 || typeof location !== 'string') {
    throw new Error(
      `Expected a redirect, got ${response.statusCode}: ${response.body.slice(0, 300)}`,
    );
  }
  const url = new URL(location, 'http://test.invalid');
  return url.pathname + url.search;
}
