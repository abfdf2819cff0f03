import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { notFound } from '../../platform/http/errors.ts';
import { registerNavItem } from '../../platform/html/nav.ts';
import type { MyCredentialsService } from './my-credentials.service.ts';
import { MyAwardPage, MyCredentialsPage } from './views/my-credentials.tsx';

/**
 * Credential numbers as they appear in URLs: `XXXX-XXXX-XXXX-XXXX` in
 * Crockford base32. Anything else is refused by the schema (400) before a
 * query is made.
 */
export const CredentialNumberParams = Type.Object({
  credentialNumber: Type.String({
    pattern:
      '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$',
  }),
});

/** My credentials: the list of every award and one award's page. */
export function registerMyCredentialsPages(
  appBase: FastifyInstance,
  service: MyCredentialsService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({
    area: 'candidate',
    href: '/my-credentials',
    label: 'nav.myCredentials',
    order: 15,
  });

  app.get('/my-credentials', async (request, reply) => {
    const principal = authorize(request);
    const awards = await service.list(principal.userId);
    return reply.html(<MyCredentialsPage ctx={await app.pageContext(request)} awards={awards} />);
  });

  app.get(
    '/my-credentials/:credentialNumber',
    { schema: { params: CredentialNumberParams } },
    async (request, reply) => {
      const principal = authorize(request);
      // Someone else's award answers 404, the same as a number that does not exist.
      const award = await service.one(principal.userId, request.params.credentialNumber);
      if (!award) throw notFound();
      return reply.html(<MyAwardPage ctx={await app.pageContext(request)} award={award} />);
    },
  );
}
