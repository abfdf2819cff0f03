import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { AppError } from '../../platform/http/errors.ts';
import { rejectNulBytes } from '../../platform/http/input.ts';
import type { RateRule } from '../../platform/http/rate-limit.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import { MAX_EVIDENCE_BYTES } from '../../platform/files/file-type.ts';
import {
  CATEGORIES,
  MAX_ATTACHMENTS,
  REPLY_STATUSES,
  STATUSES,
  isAgeFilter,
  type ReplyStatus,
} from './tickets.rules.ts';
import type { TicketService, UploadedFile } from './tickets.service.ts';
import { FILES_FIELD, flattenMultipart, sendDownload } from './uploads.ts';
import {
  ContactPage,
  ContactSentPage,
  NewTicketPage,
  SupportHomePage,
  TicketPage,
} from './views/tickets.tsx';
import {
  AgentTicketPage,
  QueuePage,
  SavedRepliesPage,
  SavedReplyEditPage,
  SupportSettingsPage,
  type QueueFilters,
} from './views/console.tsx';

const PAGE_SIZE = 25;
/** A request body this large is refused before it is read: far past three 5 MB files. */
const MAX_UPLOAD_REQUEST_BYTES = 20 * 1024 * 1024;

export const SUPPORT_RATE = {
  open: { name: 'support:open', limit: 10, windowSeconds: 3600 },
  reply: { name: 'support:reply', limit: 60, windowSeconds: 3600 },
  contactAddress: { name: 'support:contact-address', limit: 5, windowSeconds: 3600 },
  contactEmail: { name: 'support:contact-email', limit: 3, windowSeconds: 3600 },
} satisfies Record<string, RateRule>;

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const FileParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
  attachmentId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
});
const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const Files = Type.Optional(Type.Unknown());

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));

/**
 * Support ticket pages: the candidate's tickets and the signed-in form, the
 * signed-out contact form, and the agents' queue, ticket page, saved replies
 * and settings.
 */
export function registerTicketPages(appBase: FastifyInstance, service: TicketService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { rateLimiter } = app.platform;
  registerNavItem({ area: 'candidate', href: '/support', label: 'nav.support', order: 80 });
  registerNavItem({
    area: 'staff',
    href: '/console/tickets',
    label: 'nav.tickets',
    roles: ['support_agent'],
    order: 15,
  });

  // ------------------------------------------------------------------ candidate

  app.get('/support', async (request, reply) => {
    const principal = authorize(request);
    const tickets = await service.mine(principal.userId);
    return reply.html(<SupportHomePage ctx={await app.pageContext(request)} tickets={tickets} />);
  });

  app.get('/support/new', async (request, reply) => {
    authorize(request);
    return reply.html(<NewTicketPage ctx={await app.pageContext(request)} form={emptyForm} />);
  });

  app.get('/support/tickets/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = authorize(request);
    const ticket = await service.ownTicket(principal.userId, request.params.id);
    return reply.html(
      <TicketPage ctx={await app.pageContext(request)} ticket={ticket} form={emptyForm} />,
    );
  });

  app.get(
    '/support/tickets/:id/attachments/:attachmentId',
    { schema: { params: FileParams } },
    async (request, reply) => {
      const principal = authorize(request);
      const { id, attachmentId } = request.params;
      // Someone else's ticket, or a file on an internal note, answers 404 like one that does not exist.
      return sendDownload(reply, await service.attachment(id, attachmentId, principal.userId));
    },
  );

  // The two multipart routes, in a scope of their own so no other route accepts multipart.
  app.register(async function supportUploads(scopeBase) {
    const scope = scopeBase.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      attachFieldsToBody: true,
      throwFileSizeLimit: false,
      limits: {
        fileSize: MAX_EVIDENCE_BYTES,
        // One more than allowed, so that four files get a message beside the field, not an error page.
        files: MAX_ATTACHMENTS + 1,
        fields: 10,
        fieldSize: 20_000,
        parts: 16,
        headerPairs: 50,
      },
    });
    scope.addHook('onRequest', async (request) => {
      if (String(request.headers['content-type'] ?? '').startsWith('multipart/'))
        authorize(request);
      if (Number(request.headers['content-length'] ?? 0) > MAX_UPLOAD_REQUEST_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', 413, 'error.tooLarge');
      }
    });
    scope.addHook('preValidation', async (request) => {
      flattenMultipart(request);
      await rejectNulBytes(request);
    });

    scope.post(
      '/support/new',
      {
        schema: {
          body: Type.Object({
            _csrf: short(200),
            category: short(40),
            subject: short(2_000),
            message: short(20_000),
            [FILES_FIELD]: Files,
          }),
        },
      },
      async (request, reply) => {
        const principal = authorize(request);
        await rateLimiter.consume(SUPPORT_RATE.open, `user:${principal.userId}`);
        const { [FILES_FIELD]: files, ...fields } = request.body;
        const outcome = await service.open(principal, fields, filesOf(files));
        if (outcome.ok) {
          return reply
            .flash('success', 'support.sentFlash', { id: outcome.id })
            .redirect(`/support/tickets/${outcome.id}`, 303);
        }
        const ctx = await app.pageContext(request);
        return reply
          .status(400)
          .html(
            <NewTicketPage ctx={ctx} form={formWithProblems(ctx.t, fields, outcome.problems)} />,
          );
      },
    );

    scope.post(
      '/support/tickets/:id/reply',
      {
        schema: {
          params: IdParams,
          body: Type.Object({
            _csrf: short(200),
            message: short(20_000),
            [FILES_FIELD]: Files,
          }),
        },
      },
      async (request, reply) => {
        const principal = authorize(request);
        const { id } = request.params;
        // The ticket must be theirs before anything else (404 otherwise).
        const ticket = await service.ownTicket(principal.userId, id);
        await rateLimiter.consume(SUPPORT_RATE.reply, `user:${principal.userId}`);
        const { [FILES_FIELD]: files, ...fields } = request.body;
        let outcome;
        try {
          outcome = await service.candidateReply(principal, id, fields, filesOf(files));
        } catch (error) {
          if (error instanceof AppError && error.code === 'TICKET_CLOSED') {
            return reply
              .flash('warning', 'support.closedNoReply')
              .redirect(`/support/tickets/${id}`, 303);
          }
          throw error;
        }
        if (outcome.ok) {
          return reply
            .flash('success', 'support.replyFlash')
            .redirect(`/support/tickets/${id}`, 303);
        }
        const ctx = await app.pageContext(request);
        return reply
          .status(400)
          .html(
            <TicketPage
              ctx={ctx}
              ticket={ticket}
              form={formWithProblems(ctx.t, fields, outcome.problems)}
            />,
          );
      },
    );
  });

  // ------------------------------------------------------------------ signed out

  app.get('/contact', async (request, reply) =>
    reply.html(<ContactPage ctx={await app.pageContext(request)} form={emptyForm} />),
  );

  app.post(
    '/contact',
    {
      schema: {
        body: Type.Object({
          _csrf: short(200),
          name: short(1_000),
          email: short(1_000),
          message: short(20_000),
          website: short(1_000),
        }),
      },
    },
    async (request, reply) => {
      await rateLimiter.consume(SUPPORT_RATE.contactAddress, request.ip);
      const email = (request.body.email ?? '').trim().toLowerCase();
      if (email) await rateLimiter.check(SUPPORT_RATE.contactEmail, email);
      const outcome = await service.contact(request.body);
      if (outcome.ok) {
        if (outcome.id !== null) await rateLimiter.consume(SUPPORT_RATE.contactEmail, email);
        return reply.redirect('/contact/sent', 303);
      }
      const ctx = await app.pageContext(request);
      const { website: _honeypot, ...kept } = request.body;
      return reply
        .status(400)
        .html(<ContactPage ctx={ctx} form={formWithProblems(ctx.t, kept, outcome.problems)} />);
    },
  );

  app.get('/contact/sent', async (request, reply) =>
    reply.html(<ContactSentPage ctx={await app.pageContext(request)} />),
  );

  // ------------------------------------------------------------------ agents

  app.get(
    '/console/tickets',
    {
      schema: {
        querystring: Type.Object({
          status: Type.Optional(literals([...STATUSES, 'active', 'all'])),
          category: Type.Optional(Type.Union([Type.Literal(''), literals(CATEGORIES)])),
          assignee: Type.Optional(Type.String({ pattern: '^(|me|none|[1-9][0-9]{0,15})$' })),
          age: Type.Optional(Type.String({ maxLength: 5 })),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const q = request.query;
      const filters: QueueFilters = {
        status: q.status ?? 'active',
        category: q.category || undefined,
        assignee:
          q.assignee === 'me' || q.assignee === 'none'
            ? q.assignee
            : q.assignee
              ? Number(q.assignee)
              : undefined,
        age: isAgeFilter(q.age) ? q.age : undefined,
      };
      const page = q.page ?? 1;
      const [{ rows, total }, agents] = await Promise.all([
        service.queue({ ...filters, page }, principal.userId, PAGE_SIZE),
        service.agents(),
      ]);
      return reply.html(
        <QueuePage
          ctx={await app.pageContext(request)}
          filters={filters}
          rows={rows}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
          agents={agents}
        />,
      );
    },
  );

  app.get('/console/tickets/settings', async (request, reply) => {
    authorize(request, 'support_agent');
    const days = await service.autoCloseDays();
    return reply.html(
      <SupportSettingsPage
        ctx={await app.pageContext(request)}
        form={{ values: { days: String(days) }, errors: {} }}
      />,
    );
  });

  app.post(
    '/console/tickets/settings',
    { schema: { body: Type.Object({ _csrf: short(200), days: short(20) }) } },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const outcome = await service.setAutoCloseDays(principal, request.body.days, request.ip);
      if (outcome.ok) {
        return reply
          .flash('success', 'supportSettings.savedFlash')
          .redirect('/console/tickets', 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          <SupportSettingsPage
            ctx={ctx}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
          />,
        );
    },
  );

  const ticketPage = async (
    request: FastifyRequest,
    id: number,
    form: FormState,
    draft?: string,
  ) => {
    const [ticket, agents, savedReplies] = await Promise.all([
      service.forAgent(id),
      service.agents(),
      service.savedReplies(),
    ]);
    return (
      <AgentTicketPage
        ctx={await app.pageContext(request)}
        ticket={ticket}
        agents={agents}
        savedReplies={savedReplies}
        form={form}
        draft={draft}
      />
    );
  };

  app.get(
    '/console/tickets/:id',
    {
      schema: {
        params: IdParams,
        querystring: Type.Object({
          saved: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })),
        }),
      },
    },
    async (request, reply) => {
      authorize(request, 'support_agent');
      const { id } = request.params;
      let draft: string | undefined;
      if (request.query.saved) {
        draft = await service.savedReplyFor(request.query.saved, await service.forAgent(id));
      }
      return reply.html(await ticketPage(request, id, emptyForm, draft));
    },
  );

  app.get(
    '/console/tickets/:id/attachments/:attachmentId',
    { schema: { params: FileParams } },
    async (request, reply) => {
      authorize(request, 'support_agent');
      const { id, attachmentId } = request.params;
      return sendDownload(reply, await service.attachment(id, attachmentId, undefined));
    },
  );

  app.post(
    '/console/tickets/:id/messages',
    {
      schema: {
        params: IdParams,
        body: Type.Object({
          _csrf: short(200),
          body: short(20_000),
          kind: Type.Optional(Type.Union([Type.Literal('reply'), Type.Literal('note')])),
          replyStatus: Type.Optional(literals(REPLY_STATUSES)),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const { id } = request.params;
      const { body, kind = 'reply', replyStatus } = request.body;
      let outcome;
      try {
        outcome = await service.agentWrite(
          principal,
          id,
          { body, kind, status: replyStatus as ReplyStatus | undefined },
          request.ip,
        );
      } catch (error) {
        if (error instanceof AppError && error.code === 'TICKET_CLOSED') {
          return reply
            .flash('warning', 'support.closedNoReply')
            .redirect(`/console/tickets/${id}`, 303);
        }
        throw error;
      }
      if (outcome.ok) {
        return reply
          .flash('success', kind === 'note' ? 'queue.noteFlash' : 'queue.replyFlash')
          .redirect(`/console/tickets/${id}`, 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          await ticketPage(request, id, formWithProblems(ctx.t, request.body, outcome.problems)),
        );
    },
  );

  app.post(
    '/console/tickets/:id/assign',
    {
      schema: {
        params: IdParams,
        body: Type.Object({
          _csrf: short(200),
          assignee: Type.Optional(Type.String({ pattern: '^(|[1-9][0-9]{0,15})$' })),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const { id } = request.params;
      const assignee = request.body.assignee ? Number(request.body.assignee) : null;
      const outcome = await service.assign(principal, id, assignee, request.ip);
      if (outcome.ok) {
        return reply
          .flash('success', 'queue.assignedFlash')
          .redirect(`/console/tickets/${id}`, 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(await ticketPage(request, id, formWithProblems(ctx.t, {}, outcome.problems)));
    },
  );

  app.post(
    '/console/tickets/:id/status',
    {
      schema: {
        params: IdParams,
        body: Type.Object({ _csrf: short(200), status: short(40) }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const { id } = request.params;
      const outcome = await service.setStatus(principal, id, request.body.status ?? '', request.ip);
      if (outcome.ok) {
        return reply.flash('success', 'queue.statusFlash').redirect(`/console/tickets/${id}`, 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(await ticketPage(request, id, formWithProblems(ctx.t, {}, outcome.problems)));
    },
  );

  // ------------------------------------------------------------------ saved replies

  const SavedReplyBody = Type.Object({
    _csrf: short(200),
    title: short(1_000),
    body: short(20_000),
  });

  app.get('/console/saved-replies', async (request, reply) => {
    authorize(request, 'support_agent');
    return reply.html(
      <SavedRepliesPage
        ctx={await app.pageContext(request)}
        replies={await service.savedReplies()}
        form={emptyForm}
      />,
    );
  });

  app.post(
    '/console/saved-replies',
    { schema: { body: SavedReplyBody } },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const outcome = await service.saveSavedReply(principal, undefined, request.body, request.ip);
      if (outcome.ok) {
        return reply
          .flash('success', 'savedReplies.savedFlash')
          .redirect('/console/saved-replies', 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          <SavedRepliesPage
            ctx={ctx}
            replies={await service.savedReplies()}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
          />,
        );
    },
  );

  app.get(
    '/console/saved-replies/:id',
    { schema: { params: IdParams } },
    async (request, reply) => {
      authorize(request, 'support_agent');
      const saved = await service.savedReply(request.params.id);
      return reply.html(
        <SavedReplyEditPage
          ctx={await app.pageContext(request)}
          reply={saved}
          form={{ values: { title: saved.title, body: saved.body }, errors: {} }}
        />,
      );
    },
  );

  app.post(
    '/console/saved-replies/:id',
    { schema: { params: IdParams, body: SavedReplyBody } },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const { id } = request.params;
      const saved = await service.savedReply(id);
      const outcome = await service.saveSavedReply(principal, id, request.body, request.ip);
      if (outcome.ok) {
        return reply
          .flash('success', 'savedReplies.savedFlash')
          .redirect('/console/saved-replies', 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          <SavedReplyEditPage
            ctx={ctx}
            reply={saved}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
          />,
        );
    },
  );

  app.post(
    '/console/saved-replies/:id/delete',
    { schema: { params: IdParams, body: Type.Object({ _csrf: short(200) }) } },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      await service.deleteSavedReply(principal, request.params.id, request.ip);
      return reply
        .flash('success', 'savedReplies.deletedFlash')
        .redirect('/console/saved-replies', 303);
    },
  );
}

function filesOf(value: unknown): UploadedFile[] {
  return Array.isArray(value) ? (value as UploadedFile[]) : [];
}
