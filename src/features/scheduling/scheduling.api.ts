import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authenticateApiKey } from '../../platform/auth/api-keys.ts';
import type { ProvidersService } from './providers.service.ts';

const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          { field: Type.String(), message: Type.String() },
          { additionalProperties: true },
        ),
      ),
    ),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
);

export const AppointmentNoticeBody = Type.Object(
  {
    event: Type.Union(
      [Type.Literal('booked'), Type.Literal('changed'), Type.Literal('cancelled')],
      {
        description: 'What happened at the provider.',
      },
    ),
    appointmentId: Type.String({
      pattern: '^[A-Za-z0-9._-]{1,64}$',
      description:
        'The provider’s own appointment (registration) reference; notices are idempotent on it.',
    }),
    clientCandidateId: Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'The candidate ID Laurel gave the candidate (CLIENT_CANDIDATE_ID of the hand-off).',
    }),
    examSeriesCode: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'The exam code, e.g. ACS-101.',
    }),
    startsAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Start, RFC 3339 with offset. Required unless cancelled.',
      }),
    ),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
    timeZone: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'IANA zone of the place, for showing the time; default UTC.',
      }),
    ),
    location: Type.Optional(
      Type.String({ maxLength: 500, description: 'The test center as the provider names it.' }),
    ),
  },
  { additionalProperties: false },
);

const NoticeResult = Type.Object({
  outcome: Type.Union([
    Type.Literal('created'),
    Type.Literal('updated'),
    Type.Literal('cancelled'),
    Type.Literal('unchanged'),
  ]),
  confirmationNumber: Type.String(),
  status: Type.String(),
  sequence: Type.Integer(),
});

/** The JSON API of scheduling: appointment notifications pushed by delivery providers. */
export function registerSchedulingApi(appBase: FastifyInstance, providers: ProvidersService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/api/v1/appointments',
    {
      config: { csrf: false },
      schema: {
        tags: ['scheduling'],
        summary: 'An appointment booked, changed or cancelled at a delivery provider',
        description:
          'API key with the `appointments` scope, belonging to a provider (its code set on the key). Idempotent on `appointmentId`.',
        body: AppointmentNoticeBody,
        response: {
          200: NoticeResult,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          429: Problem,
        },
      },
    },
    async (request) => {
      const client = await authenticateApiKey(request, 'appointments');
      return providers.notify(client, request.body);
    },
  );
}
