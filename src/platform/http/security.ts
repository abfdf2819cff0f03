import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { hmac, randomToken, safeEqual } from '../auth/tokens.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token forms must echo back in `_csrf` (or the `x-csrf-token` header). */
    csrfToken: string;
  }
  interface FastifyContextConfig {
    /** Set false on routes that authenticate by something other than the browser's cookies. */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const REPLY = 'laurelCsrfReply';
const TOKEN = 'laurelCsrfToken';
type CsrfState = FastifyRequest & { [REPLY]: FastifyReply | null; [TOKEN]: string | null };

export function csrfCookieName(config: Config): string {
  return config.secureCookies ? '__Host-laurel_csrf' : 'laurel_csrf';
}

/**
 * Security headers and CSRF protection for every route.
 *
 * CSRF: a random per-browser cookie, and a form token that is its HMAC under
 * the installation secret (signed double submit). A cross-site page can
 * neither read the cookie nor forge the HMAC. The Origin header, when a
 * browser sends one, must also be ours.
 */
export default fp(
  async function security(app: FastifyInstance, opts: { config: Config }) {
    const { config } = opts;
    // The same headers on every response, computed once (helmet rebuilds them per request).
    const headers = securityHeaders(config.secureCookies);
    app.addHook('onRequest', async (_request, reply) => {
      reply.headers(headers);
    });

    const cookieName = csrfCookieName(config);

    // The token is made when something reads it (a page with a form): JSON
    // answers, and pages without forms, neither mint a cookie nor compute an HMAC.
    app.decorateRequest(REPLY, null);
    app.decorateRequest(TOKEN, null);
    app.decorateRequest('csrfToken', {
      getter(this: FastifyRequest): string {
        const self = this as CsrfState;
        if (self[TOKEN] !== null) return self[TOKEN];
        let seed = this.cookies[cookieName];
        if (!seed || seed.length > 100) {
          seed = randomToken();
          self[REPLY]?.setCookie(cookieName, seed, {
            path: '/',
            httpOnly: true,
            sameSite: 'lax',
            secure: config.secureCookies,
          });
        }
        self[TOKEN] = hmac(config.secretKey, 'csrf', seed);
        return self[TOKEN];
      },
    });
    app.addHook('onRequest', async (request, reply) => {
      (request as CsrfState)[REPLY] = reply;
    });

    // Before schema validation, so a forged request is refused as such (403) and never
    // told which fields it lacked.
    app.addHook('preValidation', async (request) => {
      if (!UNSAFE.has(request.method)) return;
      if (request.routeOptions.config?.csrf === false) return;
      // A multipart body is read by @fastify/multipart's own preValidation hook, which runs
      // after this one: its token is checked in preHandler, below.
      if (isMultipart(request)) return;
      verifyCsrf(request, config, submittedToken(request));
    });
    app.addHook('preHandler', async (request) => {
      if (!UNSAFE.has(request.method) || !isMultipart(request)) return;
      if (request.routeOptions.config?.csrf === false) return;
      verifyCsrf(request, config, submittedToken(request));
    });
  },
  { name: 'laurel-security', dependencies: ['@fastify/cookie'] },
);

/**
 * A CSP without 'unsafe-inline' (styles and scripts are files of our own),
 * no plugins, no <base>, no framing; plus the usual hardening headers.
 */
export function securityHeaders(https: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  return {
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/**
 * The signed double-submit check (and, when the browser sends one, the
 * Origin): throws the 403 CSRF error unless `sent` is this browser's token.
 * The preValidation hook runs it for every unsafe request; a route that streams its
 * body (`config: { csrf: false }`) runs it itself once it has read the token.
 */
export function verifyCsrf(
  request: FastifyRequest,
  config: Config,
  sent: string | undefined,
): void {
  const origin = request.headers.origin;
  if (
    origin &&
    origin !== 'null' &&
    origin !== new URL(config.publicUrl).origin &&
    !sameHost(request, origin)
  ) {
    throw csrfError();
  }
  const seed = request.cookies[csrfCookieName(config)];
  if (!sent || !seed || !safeEqual(sent, hmac(config.secretKey, 'csrf', seed))) {
    throw csrfError();
  }
}

function isMultipart(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('multipart/');
}

function submittedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = request.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body._csrf : undefined;
  if (typeof field === 'string') return field;
  // @fastify/multipart with attachFieldsToBody gives { value } objects.
  if (field && typeof field === 'object' && 'value' in field && typeof field.value === 'string') {
    return field.value;
  }
  return undefined;
}

/** Behind a proxy or on another port, the Host the browser used is also ours. */
function sameHost(request: FastifyRequest, origin: string): boolean {
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

function csrfError(): AppError {
  return new AppError('CSRF_FAILED', 403, 'error.csrf');
}
