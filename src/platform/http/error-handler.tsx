import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignInRequiredError, TwoFactorRequiredError } from '../auth/session.ts';
import { Layout } from '../html/layout.tsx';
import { translator, localeFromHeader, type MessageKey } from '../i18n/i18n.ts';
import { AppError, ValidationError } from './errors.ts';

/** API clients get problem details; browsers get a page. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

interface Problem {
  status: number;
  code: string;
  messageKey: MessageKey;
  params?: Record<string, string | number>;
  errors?: { field: string; message: string }[];
  headers?: Record<string, string>;
}

function classify(error: FastifyError | Error, request: FastifyRequest): Problem {
  if (error instanceof ValidationError) {
    const t = translator(
      request.principal?.locale ?? localeFromHeader(request.headers['accept-language']),
    );
    return {
      status: 400,
      code: error.code,
      messageKey: error.messageKey,
      errors: error.problems.map((p) => ({ field: p.field, message: t(p.messageKey, p.params) })),
    };
  }
  if (error instanceof AppError) {
    return {
      status: error.statusCode,
      code: error.code,
      messageKey: error.messageKey,
      params: error.params,
      headers: error.headers,
    };
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      messageKey: 'error.badRequest',
      errors: fe.validation.map((v) => ({
        field: String(
          v.instancePath || (v.params as { missingProperty?: string })?.missingProperty || '',
        ).replace(/^\//, ''),
        message: v.message ?? 'is not valid',
      })),
    };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', messageKey: 'error.tooLarge' };
  if (status === 415)
    return { status, code: 'UNSUPPORTED_MEDIA_TYPE', messageKey: 'error.badRequest' };
  if (status >= 400 && status < 500)
    return { status, code: fe.code ?? 'BAD_REQUEST', messageKey: 'error.badRequest' };
  return { status: 500, code: 'INTERNAL', messageKey: 'error.internal' };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError | Error, request, reply) => {
    const problem = classify(error, request);
    if (problem.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: problem.code, status: problem.status }, 'request refused');
    }
    const html = !wantsJson(request);
    if (html && error instanceof SignInRequiredError && request.method === 'GET') {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    if (html && error instanceof TwoFactorRequiredError && request.method === 'GET') {
      reply.flash('warning', 'error.twoFactorRequired');
      return reply.redirect('/account/two-factor', 303);
    }
    return sendProblem(app, request, reply, problem);
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(app, request, reply, {
      status: 404,
      code: 'NOT_FOUND',
      messageKey: 'error.notFound',
    }),
  );
}

async function sendProblem(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
): Promise<FastifyReply> {
  for (const [name, value] of Object.entries(problem.headers ?? {})) reply.header(name, value);
  reply.status(problem.status);
  if (wantsJson(request)) {
    const t = translator(request.principal?.locale ?? 'en');
    return reply.type('application/problem+json').send({
      type: `urn:laurel:problem:${problem.code.toLowerCase().replace(/_/g, '-')}`,
      title: t(problem.messageKey, problem.params),
      status: problem.status,
      code: problem.code,
      ...(problem.errors ? { errors: problem.errors } : {}),
    });
  }
  let ctx;
  try {
    ctx = await app.pageContext(request);
  } catch {
    // The database may be what failed; fall back to a page that needs nothing.
    return reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><title>Error</title><h1>Something went wrong</h1><p>Please try again.</p>',
      );
  }
  const { t } = ctx;
  const titleKey: MessageKey =
    problem.status === 404
      ? 'error.notFoundTitle'
      : problem.status === 403
        ? 'error.forbiddenTitle'
        : problem.status === 429
          ? 'error.rateLimitedTitle'
          : problem.status >= 500
            ? 'error.internalTitle'
            : 'error.badRequestTitle';
  return reply.html(
    <Layout ctx={ctx} title={t(titleKey)}>
      <h1 safe>{t(titleKey)}</h1>
      <p class="lead" safe>
        {t(problem.messageKey, problem.params)}
      </p>
      {problem.errors && problem.errors.length > 0 ? (
        <ul>
          {problem.errors.map((e) => (
            <li safe>{`${e.field ? `${e.field}: ` : ''}${e.message}`}</li>
          ))}
        </ul>
      ) : (
        ''
      )}
      <p>
        <a href={ctx.principal ? '/dashboard' : '/'} safe>
          {t('error.backHome')}
        </a>
      </p>
    </Layout>,
  );
}
