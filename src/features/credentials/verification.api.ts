import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { credentialNotFound, type VerificationService } from './verification.service.ts';

const Status = Type.Union([
  Type.Literal('active'),
  Type.Literal('expired'),
  Type.Literal('suspended'),
  Type.Literal('revoked'),
]);
const Instant = Type.String({ format: 'date-time' });

/** The public record of an award: the whitelist of what verification tells anyone. */
export const VerificationRecordSchema = Type.Object(
  {
    credentialNumber: Type.String({ description: '`XXXX-XXXX-XXXX-XXXX`, Crockford base32' }),
    status: Status,
    statusDate: Type.Union([Instant, Type.Null()], {
      description: 'When it expired, was suspended or revoked; null while active.',
    }),
    holder: Type.Object({ name: Type.String() }),
    credential: Type.Object({
      code: Type.String(),
      name: Type.String(),
      kind: Type.Union([Type.Literal('accreditation'), Type.Literal('certification')]),
      level: Type.String(),
    }),
    issuer: Type.Object({ name: Type.String(), url: Type.String() }),
    awardedAt: Instant,
    expiresAt: Type.Union([Instant, Type.Null()]),
    lastRenewedAt: Type.Union([Instant, Type.Null()]),
    verificationUrl: Type.String(),
    checkedAt: Instant,
  },
  { additionalProperties: false },
);

const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
});

/**
 * `GET /api/v1/verifications/{credentialNumber}`: the same record as
 * `/verify/{credentialNumber}` with `Accept: application/json`, described in
 * the OpenAPI document. Public; guessing is rate limited like the page.
 */
export function registerVerificationApi(
  appBase: FastifyInstance,
  service: VerificationService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/verifications/:credentialNumber',
    {
      schema: {
        tags: ['verification'],
        summary: "An award's public verification record",
        description:
          'Holder, credential, issuer, dates and status with its date (never the reason). ' +
          'Case, spaces and dashes in the number do not matter. Unknown and malformed numbers ' +
          'both answer 404 CREDENTIAL_NOT_FOUND.',
        params: Type.Object({ credentialNumber: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: VerificationRecordSchema, 404: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const outcome = await service.lookup(request.params.credentialNumber, request.ip);
      reply.header('cache-control', 'no-store');
      if (!outcome.found) throw credentialNotFound();
      if (!outcome.listed) reply.header('x-robots-tag', 'noindex');
      return reply.send(outcome.record);
    },
  );
}
