import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { AppError } from '../../platform/http/errors.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import type { AccountsService } from '../accounts/index.ts';
import { fullName } from './certificates.service.ts';
import type { NameChangeService } from './name-change.service.ts';
import { NameChangePage, NameChangeQueuePage, NameChangeReviewPage } from './views/name-change.tsx';

const PAGE_SIZE = 20;
const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

/** Name change requests: the candidate's form and history; support's queue and decision. */
export function registerNameChangePages(
  appBase: FastifyInstance,
  service: NameChangeService,
  accounts: AccountsService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({
    area: 'staff',
    href: '/console/name-changes',
    label: 'nav.nameChanges',
    roles: ['support_agent'],
    order: 45,
  });

  const currentName = async (userId: number) => {
    const a = await accounts.accountSummary(userId);
    return fullName(a.givenName, a.familyName);
  };

  app.get('/my-credentials/name-change', async (request, reply) => {
    const principal = authorize(request);
    const [name, requests] = await Promise.all([
      currentName(principal.userId),
      service.mine(principal.userId),
    ]);
    return reply.html(
      <NameChangePage
        ctx={await app.pageContext(request)}
        currentName={name}
        requests={requests}
        form={emptyForm}
      />,
    );
  });

  app.post(
    '/my-credentials/name-change',
    {
      schema: {
        body: Type.Object({
          _csrf: short(200),
          givenName: short(1_000),
          familyName: short(1_000),
          reason: short(20_000),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request);
      const outcome = await service.submit(principal, request.body);
      if (outcome.ok) {
        return reply
          .flash('success', 'nameChange.sentFlash')
          .redirect('/my-credentials/name-change', 303);
      }
      const ctx = await app.pageContext(request);
      const [name, requests] = await Promise.all([
        currentName(principal.userId),
        service.mine(principal.userId),
      ]);
      return reply
        .status(400)
        .html(
          <NameChangePage
            ctx={ctx}
            currentName={name}
            requests={requests}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
          />,
        );
    },
  );

  app.post(
    '/my-credentials/name-change/:id/withdraw',
    { schema: { params: IdParams, body: Type.Object({ _csrf: short(200) }) } },
    async (request, reply) => {
      const principal = authorize(request);
      try {
        await service.withdraw(principal, request.params.id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NAME_CHANGE_DECIDED') {
          return reply
            .flash('warning', 'nameChange.alreadyDecided')
            .redirect('/my-credentials/name-change', 303);
        }
        throw error;
      }
      return reply
        .flash('success', 'nameChange.withdrawnFlash')
        .redirect('/my-credentials/name-change', 303);
    },
  );

  // ------------------------------------------------------------------ support

  app.get(
    '/console/name-changes',
    {
      schema: {
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('decided')])),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        }),
      },
    },
    async (request, reply) => {
      authorize(request, 'support_agent');
      const status = request.query.status ?? 'pending';
      const page = request.query.page ?? 1;
      const { rows, total } = await service.queue(status, page, PAGE_SIZE);
      return reply.html(
        <NameChangeQueuePage
          ctx={await app.pageContext(request)}
          status={status}
          rows={rows}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
        />,
      );
    },
  );

  app.get('/console/name-changes/:id', { schema: { params: IdParams } }, async (request, reply) => {
    authorize(request, 'support_agent');
    const row = await service.forReview(request.params.id);
    return reply.html(
      <NameChangeReviewPage ctx={await app.pageContext(request)} request={row} form={emptyForm} />,
    );
  });

  app.post(
    '/console/name-changes/:id/decision',
    {
      schema: {
        params: IdParams,
        body: Type.Object({
          _csrf: short(200),
          decision: short(20),
          note: short(20_000),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'support_agent');
      const { id } = request.params;
      const { decision, note } = request.body;
      const ctx = await app.pageContext(request);
      if (decision !== 'approve' && decision !== 'reject') {
        const row = await service.forReview(id);
        const form = formWithProblems(ctx.t, request.body, [
          { field: 'decision', messageKey: 'nameChange.v.decisionRequired' },
        ]);
        return reply.status(400).html(<NameChangeReviewPage ctx={ctx} request={row} form={form} />);
      }
      let outcome;
      try {
        outcome = await service.decide(principal, id, decision, note, request.ip);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NAME_CHANGE_DECIDED') {
          return reply
            .flash('warning', 'nameChange.alreadyDecided')
            .redirect(`/console/name-changes/${id}`, 303);
        }
        throw error;
      }
      if (outcome.ok) {
        return reply
          .flash(
            'success',
            decision === 'approve' ? 'nameChange.approvedFlash' : 'nameChange.rejectedFlash',
            { id },
          )
          .redirect('/console/name-changes', 303);
      }
      const row = await service.forReview(id);
      return reply
        .status(400)
        .html(
          <NameChangeReviewPage
            ctx={ctx}
            request={row}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
          />,
        );
    },
  );
}
