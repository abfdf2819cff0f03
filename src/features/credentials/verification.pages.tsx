import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { wantsJson } from '../../platform/http/error-handler.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import { normalizeCredentialNumber } from '../progress/index.ts';
import { credentialNotFound, type VerificationService } from './verification.service.ts';
import { VerificationPage, VerifyLookupPage } from './verification.views.tsx';

/**
 * `/verify` (the look-up form) and `/verify/:credentialNumber` (an award's
 * public record, as a page or, with `Accept: application/json`, as JSON).
 * Stable public surface: printed on certificates and in QR codes.
 */
export function registerVerificationPages(
  appBase: FastifyInstance,
  service: VerificationService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({ area: 'public', href: '/verify', label: 'nav.verify', order: 20 });

  app.get(
    '/verify',
    {
      schema: {
        querystring: Type.Object({ number: Type.Optional(Type.String({ maxLength: 1000 })) }),
      },
    },
    async (request, reply) => {
      const typed = request.query.number?.trim();
      if (!typed) {
        return reply.html(<VerifyLookupPage ctx={await app.pageContext(request)} />);
      }
      const number = normalizeCredentialNumber(typed);
      if (number) return reply.redirect(`/verify/${number}`, 303);
      // Cannot be a number: the same answer as a number nobody holds.
      const outcome = await service.lookup(typed, request.ip);
      if (outcome.found) return reply.redirect(`/verify/${outcome.record.credentialNumber}`, 303);
      return reply
        .status(404)
        .header('x-robots-tag', 'noindex')
        .html(<VerifyLookupPage ctx={await app.pageContext(request)} missed={outcome.typed} />);
    },
  );

  app.get(
    '/verify/:credentialNumber',
    {
      schema: {
        // Long enough for anything pasted: a wrong number gets the neutral answer, not a 400.
        params: Type.Object({ credentialNumber: Type.String({ minLength: 1, maxLength: 200 }) }),
      },
    },
    async (request, reply) => {
      const typed = request.params.credentialNumber;
      const canonical = normalizeCredentialNumber(typed);
      if (canonical && canonical !== typed) {
        return reply.redirect(`/verify/${canonical}`, 301);
      }
      const outcome = await service.lookup(typed, request.ip);
      reply.header('cache-control', 'no-store').header('vary', 'accept');
      if (!outcome.found) {
        reply.header('x-robots-tag', 'noindex');
        if (wantsJson(request)) throw credentialNotFound();
        return reply
          .status(404)
          .html(<VerifyLookupPage ctx={await app.pageContext(request)} missed={outcome.typed} />);
      }
      // Indexed only when the holder chose to be listed in the public directory.
      if (!outcome.listed) reply.header('x-robots-tag', 'noindex');
      if (wantsJson(request)) return reply.type('application/json').send(outcome.record);
      return reply.html(
        <VerificationPage
          ctx={await app.pageContext(request)}
          record={outcome.record}
          index={outcome.listed}
        />,
      );
    },
  );
}
