import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import type { SharesService } from './shares.service.ts';
import {
  RevokeSharePage,
  ShareCheckPage,
  ShareDetailPage,
  ShareFormPage,
  ShareGonePage,
  SharedCredentialsPage,
  SharesListPage,
} from './shares.views.tsx';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

const ShareBody = Type.Object({
  _csrf: short(200),
  scope: short(20),
  awards: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })),
  includeHistory: short(10),
  recipientName: short(500),
  recipientEmail: short(500),
  message: short(5000),
  expiresInDays: short(10),
  confirm: short(10),
  edit: short(10),
});

/**
 * `/shares` (shares I made), `/shares/new` (choose, check, send),
 * `/shares/:id` (details and view log), `/shares/:id/revoke`, and the
 * recipient's page `/s/:token`.
 */
export function registerSharePages(appBase: FastifyInstance, service: SharesService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({ area: 'candidate', href: '/shares', label: 'nav.shares', order: 45 });

  app.get('/shares', async (request, reply) => {
    const principal = authorize(request);
    const shares = await service.list(principal.userId);
    return reply.html(<SharesListPage ctx={await app.pageContext(request)} shares={shares} />);
  });

  app.get(
    '/shares/new',
    { schema: { querystring: Type.Object({ award: short(40) }) } },
    async (request, reply) => {
      const principal = authorize(request);
      const awards = await service.shareableAwards(principal.userId);
      const wanted = request.query.award?.trim().toUpperCase();
      const chosen = new Set(
        awards.filter((a) => a.credentialNumber === wanted).map((a) => a.credentialNumber),
      );
      return reply.html(
        <ShareFormPage
          ctx={await app.pageContext(request)}
          awards={awards}
          form={emptyForm}
          chosen={chosen}
        />,
      );
    },
  );

  app.post('/shares/new', { schema: { body: ShareBody } }, async (request, reply) => {
    const principal = authorize(request);
    const { confirm, edit, _csrf, ...fields } = request.body;
    const ctx = await app.pageContext(request);
    const awards = await service.shareableAwards(principal.userId);
    const check = await service.check(principal.userId, fields);
    const chosen = new Set(fields.awards ?? []);
    const values = { ...fields, awards: undefined };
    if (!check.ok || edit === 'yes') {
      const form = check.ok
        ? { ...emptyForm, values }
        : formWithProblems(ctx.t, values, check.problems);
      return reply
        .status(check.ok ? 200 : 400)
        .html(
          <ShareFormPage ctx={ctx} awards={awards} form={{ ...form, values }} chosen={chosen} />,
        );
    }
    if (confirm !== 'yes') {
      const names = new Map(awards.map((a) => [a.credentialNumber, a.credentialName]));
      return reply.html(<ShareCheckPage ctx={ctx} input={check.input} names={names} />);
    }
    await service.create(principal, check.input, request.ip);
    return reply
      .flash('success', 'shares.sentFlash', { email: check.input.recipientEmail })
      .redirect('/shares', 303);
  });

  app.get('/shares/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = authorize(request);
    const { share, views } = await service.detail(principal.userId, request.params.id);
    return reply.html(
      <ShareDetailPage ctx={await app.pageContext(request)} share={share} views={views} />,
    );
  });

  app.get('/shares/:id/revoke', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = authorize(request);
    const { share } = await service.detail(principal.userId, request.params.id);
    if (share.state !== 'active') return reply.redirect(`/shares/${share.id}`, 303);
    return reply.html(<RevokeSharePage ctx={await app.pageContext(request)} share={share} />);
  });

  app.post(
    '/shares/:id/revoke',
    { schema: { params: IdParams, body: Type.Object({ _csrf: short(200) }) } },
    async (request, reply) => {
      const principal = authorize(request);
      await service.revoke(principal.userId, request.params.id, request.ip);
      return reply.flash('success', 'shares.revokedFlash').redirect('/shares', 303);
    },
  );

  // ------------------------------------------------------------------ the recipient's page

  app.get(
    '/s/:token',
    { schema: { params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }) } },
    async (request, reply) => {
      const opening = await service.open(
        request.params.token,
        request.ip,
        request.headers['user-agent'],
      );
      // The token is in the URL: never pass it on, never let it be indexed or cached.
      reply.header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
      const ctx = await app.pageContext(request);
      if (opening.state === 'active') {
        return reply.html(<SharedCredentialsPage ctx={ctx} page={opening.page} />);
      }
      return reply
        .status(opening.state === 'missing' ? 404 : 410)
        .html(
          <ShareGonePage
            ctx={ctx}
            state={opening.state}
            {...(opening.state !== 'missing' ? { at: opening.at } : {})}
          />,
        );
    },
  );
}
