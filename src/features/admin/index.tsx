import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ALL_ROLES, authorize } from '../../platform/auth/session.ts';
import { notFound } from '../../platform/http/errors.ts';
import { formWithProblems, emptyForm } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import { findOutboxMessage, listOutbox } from '../../platform/mail/outbox.ts';
import type { Role } from '../../platform/db/schema.ts';
import { UserRolesPage, UsersPage } from './views/users.tsx';
import { ApiKeysPage } from './views/api-keys.tsx';
import { ConsoleHomePage } from './views/console-home.tsx';
import { attentionItems } from '../../platform/html/attention.ts';
import { STAFF_ROLES } from '../../platform/auth/session.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../platform/auth/api-keys.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import { MailboxPage, MailPage } from './views/mailbox.tsx';

const PAGE_SIZE = 25;
const RoleLiteral = Type.Union(ALL_ROLES.map((r) => Type.Literal(r)));

/** Console pages that span features: users and roles; the development mailbox. */
export default fp(
  async function admin(appBase: FastifyInstance) {
    const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
    const { config, db, mail } = app.platform;
    registerNavItem({
      area: 'staff',
      href: '/admin/users',
      label: 'nav.users',
      roles: ['admin'],
      order: 90,
    });

    app.get(
      '/admin/users',
      {
        schema: {
          querystring: Type.Object({
            q: Type.Optional(Type.String({ maxLength: 200 })),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
          }),
        },
      },
      async (request, reply) => {
        authorize(request, 'admin');
        const query = request.query.q ?? '';
        const page = request.query.page ?? 1;
        const { rows, total } = await app.accounts.searchUsers(query, page, PAGE_SIZE);
        return reply.html(
          <UsersPage
            ctx={await app.pageContext(request)}
            query={query}
            page={page}
            pageSize={PAGE_SIZE}
            total={total}
            rows={rows.map((r) => ({
              id: r.id,
              candidateNumber: r.candidate_number,
              username: r.username,
              email: r.email,
              name: `${r.given_name} ${r.family_name}`,
              roles: r.roles,
            }))}
          />,
        );
      },
    );

    const userView = async (id: number) => {
      const a = await app.accounts.accountSummary(id);
      return {
        id: a.id,
        candidateNumber: a.candidateNumber,
        username: a.username,
        email: a.email,
        name: `${a.givenName} ${a.familyName}`,
        roles: a.roles,
        twoFactor: a.twoFactorEnabledAt !== null,
      };
    };
    const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

    app.get('/admin/users/:id', { schema: { params: IdParams } }, async (request, reply) => {
      authorize(request, 'admin');
      const user = await userView(request.params.id);
      return reply.html(
        <UserRolesPage
          ctx={await app.pageContext(request)}
          user={user}
          form={{ ...emptyForm, roles: user.roles }}
        />,
      );
    });

    app.post(
      '/admin/users/:id/roles',
      {
        schema: {
          params: IdParams,
          body: Type.Object({
            _csrf: Type.Optional(Type.String({ maxLength: 100 })),
            roles: Type.Optional(Type.Array(RoleLiteral, { maxItems: 10 })),
          }),
        },
      },
      async (request, reply) => {
        const actor = authorize(request, 'admin');
        const roles = (request.body.roles ?? []) as Role[];
        const problems = await app.accounts.setRoles(actor, request.params.id, roles, request.ip);
        if (problems.length === 0) {
          return reply
            .flash('success', 'admin.rolesSaved')
            .redirect(`/admin/users/${request.params.id}`, 303);
        }
        const ctx = await app.pageContext(request);
        const user = await userView(request.params.id);
        return reply
          .status(400)
          .html(
            <UserRolesPage
              ctx={ctx}
              user={user}
              form={{ ...formWithProblems(ctx.t, {}, problems), roles }}
            />,
          );
      },
    );

    registerNavItem({
      area: 'staff',
      href: '/console',
      label: 'nav.consoleHome',
      roles: [...STAFF_ROLES],
      order: 0,
    });

    // The console's home: what needs attention, for the queues this person's roles may work.
    app.get('/console', async (request, reply) => {
      const principal = authorize(request, ...STAFF_ROLES);
      const ctx = await app.pageContext(request);
      const items = attentionItems(principal.roles);
      const counts = await Promise.all(items.map((i) => i.count(db)));
      return reply.html(
        <ConsoleHomePage
          ctx={ctx}
          rows={items.map((i, n) => ({ label: ctx.t(i.label), href: i.href, count: counts[n]! }))}
        />,
      );
    });

    registerNavItem({
      area: 'staff',
      href: '/admin/api-keys',
      label: 'nav.apiKeys',
      roles: ['admin'],
      order: 92,
    });

    app.get('/admin/api-keys', async (request, reply) => {
      authorize(request, 'admin');
      return reply.html(
        <ApiKeysPage
          ctx={await app.pageContext(request)}
          keys={await listApiKeys(db)}
          form={emptyForm}
          scopes={[]}
        />,
      );
    });

    app.post(
      '/admin/api-keys',
      {
        schema: {
          body: Type.Object({
            _csrf: Type.Optional(Type.String({ maxLength: 100 })),
            name: Type.Optional(Type.String({ maxLength: 1000 })),
            scopes: Type.Optional(
              Type.Union([
                Type.String({ maxLength: 50 }),
                Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 }),
              ]),
            ),
            provider: Type.Optional(Type.String({ maxLength: 1000 })),
          }),
        },
      },
      async (request, reply) => {
        const actor = authorize(request, 'admin');
        const { scopes: rawScopes, ...fields } = request.body;
        const scopes = rawScopes === undefined ? [] : [rawScopes].flat();
        try {
          const created = await createApiKey(db, actor.userId, { ...fields, scopes });
          // The key is on this response only: never stored, never in a redirect or a flash.
          return reply.html(
            <ApiKeysPage
              ctx={await app.pageContext(request)}
              keys={await listApiKeys(db)}
              form={emptyForm}
              scopes={[]}
              created={{ name: fields.name?.trim() ?? '', key: created.key }}
            />,
          );
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          const ctx = await app.pageContext(request);
          return reply
            .status(400)
            .html(
              <ApiKeysPage
                ctx={ctx}
                keys={await listApiKeys(db)}
                form={formWithProblems(ctx.t, fields, error.problems)}
                scopes={scopes}
              />,
            );
        }
      },
    );

    app.post(
      '/admin/api-keys/:id/revoke',
      {
        schema: {
          params: IdParams,
          body: Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 100 })) }),
        },
      },
      async (request, reply) => {
        const actor = authorize(request, 'admin');
        if (!(await revokeApiKey(db, actor.userId, request.params.id))) throw notFound();
        return reply.flash('success', 'apiKeys.revoked').redirect('/admin/api-keys', 303);
      },
    );

    // The development mailbox: only where mail cannot leave (no SMTP_URL, not production).
    if (!config.production && !mail.enabled) {
      app.get('/dev/mailbox', async (request, reply) => {
        const rows = await listOutbox(db);
        return reply.html(
          <MailboxPage
            ctx={await app.pageContext(request)}
            mails={rows.map((m) => ({
              id: m.id,
              to: m.to_address,
              subject: m.subject,
              createdAt: m.created_at,
              status: m.status,
            }))}
          />,
        );
      });
      app.get('/dev/mailbox/:id', { schema: { params: IdParams } }, async (request, reply) => {
        const m = await findOutboxMessage(db, request.params.id);
        if (!m) throw notFound();
        return reply.html(
          <MailPage
            ctx={await app.pageContext(request)}
            mail={{
              id: m.id,
              to: m.to_address,
              subject: m.subject,
              createdAt: m.created_at,
              status: m.status,
              text: (await mail.preview(m)).text,
            }}
          />,
        );
      });
      app.get('/dev/mailbox/:id/html', { schema: { params: IdParams } }, async (request, reply) => {
        const m = await findOutboxMessage(db, request.params.id);
        if (!m) throw notFound();
        // The email's own HTML uses inline styles; a sandbox keeps it from doing anything else.
        return reply
          .header(
            'content-security-policy',
            "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
          )
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send((await mail.preview(m)).html);
      });
    }
  },
  { name: 'admin', dependencies: ['accounts'] },
);
