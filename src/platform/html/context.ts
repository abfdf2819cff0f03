import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/session.ts';
import {
  formatDate,
  formatDateTime,
  localeFromHeader,
  resolveLocale,
  translator,
  type MessageKey,
  type Params,
  type Translate,
} from '../i18n/i18n.ts';
import type { ProgramInfo } from '../program.ts';

export interface Flash {
  readonly kind: 'success' | 'info' | 'warning';
  readonly key: MessageKey;
  readonly params?: Params;
}

/** Everything a view needs about the request; views never see the request itself. */
export interface PageContext {
  readonly t: Translate;
  readonly locale: string;
  readonly timeZone: string;
  readonly principal: Principal | null;
  readonly csrfToken: string;
  readonly path: string;
  readonly flash: Flash | null;
  readonly program: ProgramInfo;
  readonly devMailbox: boolean;
  readonly date: (value: Date | string) => string;
  readonly dateTime: (value: Date) => string;
}

declare module 'fastify' {
  interface FastifyRequest {
    flash: Flash | null;
  }
  interface FastifyReply {
    /** Sets a confirmation banner for the next page (post/redirect/get). */
    flash(kind: Flash['kind'], key: MessageKey, params?: Params): FastifyReply;
    /** Sends a rendered page with the headers every page carries. */
    html(body: JSX.Element): Promise<FastifyReply>;
  }
  interface FastifyInstance {
    pageContext(request: FastifyRequest): Promise<PageContext>;
  }
}

export const FLASH_COOKIE = 'laurel_flash';

export function readFlash(raw: string | undefined): Flash | null {
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Flash;
    if (parsed && typeof parsed.key === 'string' && typeof parsed.kind === 'string') return parsed;
  } catch {
    // A damaged flash cookie is simply ignored.
  }
  return null;
}

export function buildPageContext(
  request: FastifyRequest,
  program: ProgramInfo,
  devMailbox: boolean,
): PageContext {
  const principal = request.principal;
  const locale = principal
    ? resolveLocale(principal.locale)
    : localeFromHeader(request.headers['accept-language']);
  const timeZone = principal?.timeZone ?? 'UTC';
  const fmt = { locale, timeZone };
  return {
    t: translator(locale),
    locale,
    timeZone,
    principal,
    csrfToken: request.csrfToken,
    path: request.url.split('?')[0] ?? '/',
    flash: request.flash,
    program,
    devMailbox,
    date: (v) => formatDate(v, fmt),
    dateTime: (v) => formatDateTime(v, fmt),
  };
}

export async function sendHtml(reply: FastifyReply, body: JSX.Element): Promise<FastifyReply> {
  const html = await body;
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}
