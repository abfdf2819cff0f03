import type { MessageKey } from '../i18n/i18n.ts';

/**
 * A domain error: a stable code that clients may rely on, an HTTP status, and
 * a message key for people. Thrown by services, rendered by the one error
 * handler as an HTML page or as RFC 9457 problem details.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError('NOT_FOUND', 404, 'error.notFound');
export const forbidden = () => new AppError('FORBIDDEN', 403, 'error.forbidden');
export const unauthorized = () => new AppError('UNAUTHORIZED', 401, 'error.unauthorized');

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'RATE_LIMITED',
      429,
      'error.rateLimited',
      { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) },
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

/** One problem with one input field; forms show it beside the field. */
export interface FieldProblem {
  field: string;
  messageKey: MessageKey;
  params?: Record<string, string | number>;
}

export class ValidationError extends AppError {
  constructor(readonly problems: FieldProblem[]) {
    super('VALIDATION_FAILED', 400, 'error.validation');
  }
}
