import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import type { HelpService } from './help.service.ts';
import { renderMarkdown } from './help.markdown.ts';
import { HelpArticlePage, HelpConsolePage, HelpEditPage, HelpIndexPage } from './views/help.tsx';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const ArticleBody = Type.Object({
  _csrf: short(200),
  slug: short(200),
  topic: short(200),
  title: short(400),
  body: short(60_000),
  position: short(20),
  published: short(10),
});

/** Help and FAQ pages (public) and their editor (admins). */
export function registerHelpPages(appBase: FastifyInstance, service: HelpService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({ area: 'public', href: '/help', label: 'nav.help', order: 90 });
  registerNavItem({
    area: 'staff',
    href: '/console/help',
    label: 'nav.helpArticles',
    roles: ['admin'],
    order: 95,
  });

  app.get(
    '/help',
    { schema: { querystring: Type.Object({ q: short(200) }) } },
    async (request, reply) => {
      const query = (request.query.q ?? '').trim();
      const [topics, hits] = await Promise.all([
        query ? Promise.resolve([]) : service.topics(),
        query ? service.search(query) : Promise.resolve(undefined),
      ]);
      return reply.html(
        <HelpIndexPage
          ctx={await app.pageContext(request)}
          topics={topics}
          query={query}
          hits={hits}
        />,
      );
    },
  );

  app.get(
    '/help/:slug',
    { schema: { params: Type.Object({ slug: Type.String({ maxLength: 100 }) }) } },
    async (request, reply) => {
      const article = await service.article(request.params.slug);
      return reply.html(<HelpArticlePage ctx={await app.pageContext(request)} article={article} />);
    },
  );

  // ------------------------------------------------------------------ console

  app.get('/console/help', async (request, reply) => {
    authorize(request, 'admin');
    return reply.html(
      <HelpConsolePage ctx={await app.pageContext(request)} topics={await service.topics(true)} />,
    );
  });

  app.get('/console/help/new', async (request, reply) => {
    authorize(request, 'admin');
    return reply.html(
      <HelpEditPage
        ctx={await app.pageContext(request)}
        form={{ ...emptyForm, values: { published: 'on', position: '0' } }}
        article={undefined}
        preview={undefined}
      />,
    );
  });

  app.post('/console/help/new', { schema: { body: ArticleBody } }, async (request, reply) => {
    const principal = authorize(request, 'admin');
    const outcome = await service.save(principal.userId, undefined, request.body, request.ip);
    if (outcome.ok) {
      return reply.flash('success', 'helpAdmin.savedFlash').redirect('/console/help', 303);
    }
    const ctx = await app.pageContext(request);
    return reply
      .status(400)
      .html(
        <HelpEditPage
          ctx={ctx}
          form={formWithProblems(ctx.t, request.body, outcome.problems)}
          article={undefined}
          preview={request.body.body ? renderMarkdown(request.body.body) : undefined}
        />,
      );
  });

  app.get('/console/help/:id', { schema: { params: IdParams } }, async (request, reply) => {
    authorize(request, 'admin');
    const article = await service.byId(request.params.id);
    return reply.html(
      <HelpEditPage
        ctx={await app.pageContext(request)}
        form={{
          values: {
            slug: article.slug,
            topic: article.topic,
            title: article.title,
            body: article.body,
            position: String(article.position),
            published: article.published ? 'on' : '',
          },
          errors: {},
        }}
        article={article}
        preview={article.html}
      />,
    );
  });

  app.post(
    '/console/help/:id',
    { schema: { params: IdParams, body: ArticleBody } },
    async (request, reply) => {
      const principal = authorize(request, 'admin');
      const article = await service.byId(request.params.id);
      const outcome = await service.save(principal.userId, article.id, request.body, request.ip);
      if (outcome.ok) {
        return reply
          .flash('success', 'helpAdmin.savedFlash')
          .redirect(`/console/help/${article.id}`, 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          <HelpEditPage
            ctx={ctx}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
            article={article}
            preview={request.body.body ? renderMarkdown(request.body.body) : undefined}
          />,
        );
    },
  );

  app.post(
    '/console/help/:id/delete',
    { schema: { params: IdParams, body: Type.Object({ _csrf: short(200) }) } },
    async (request, reply) => {
      const principal = authorize(request, 'admin');
      await service.remove(principal.userId, request.params.id, request.ip);
      return reply.flash('success', 'helpAdmin.deletedFlash').redirect('/console/help', 303);
    },
  );
}
