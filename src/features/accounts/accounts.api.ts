import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authorize } from '../../platform/auth/session.ts';
import { MeResponse } from './accounts.schemas.ts';

export function registerAccountApi(appBase: FastifyInstance): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in account',
        security: [{ session: [] }],
        response: { 200: MeResponse },
      },
    },
    async (request, reply) => {
      const p = authorize(request);
      return reply.header('cache-control', 'no-store').send({
        candidateId: p.candidateNumber,
        username: p.username,
        email: p.email,
        givenName: p.givenName,
        familyName: p.familyName,
        roles: ['candidate', ...p.roles],
        twoFactorEnabled: p.twoFactorEnabled,
      });
    },
  );
}
