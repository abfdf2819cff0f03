import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TString } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import type { FieldProblem } from '../../platform/http/errors.ts';
import { actorOf } from './profile.pages.tsx';
import type { PrivacyService } from './privacy.service.ts';
import { REVIEW_INTERVALS } from './profile-rules.ts';
import type { ProfileService } from './profile.service.ts';
import {
  DeletionRequestsPage,
  DemographicsConsolePage,
  NoticesConsolePage,
  QuestionPage,
} from './views/console.tsx';

const text = (maxLength = 200): TString => Type.String({ maxLength });
const csrf = Type.Optional(text(100));
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

const QuestionBody = Type.Object({
  _csrf: csrf,
  prompt: Type.Optional(text(1000)),
  options: Type.Optional(text(20_000)),
  required: Type.Optional(text(10)),
  retired: Type.Optional(text(10)),
  position: Type.Optional(text(10)),
});
const ReviewBody = Type.Object({ _csrf: csrf, months: Type.Optional(text(10)) });
const NoticeBody = Type.Object({
  _csrf: csrf,
  body: Type.Optional(text(200_000)),
  effectiveOn: Type.Optional(text(20)),
});
const PolicyBody = Type.Object({
  _csrf: csrf,
  policy: Type.Optional(Type.Union([Type.Literal('keep'), Type.Literal('remove')])),
});
const DecisionBody = Type.Object({
  _csrf: csrf,
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  note: Type.Optional(text(4000)),
});

/** 'YYYY-MM-DD' as the start of that day in UTC, or null. */
function parseDay(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
}

/** Staff pages: the survey (program managers), privacy notices (admins), deletion requests (support). */
export function registerConsolePages(
  appBase: FastifyInstance,
  profile: ProfileService,
  privacy: PrivacyService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const ctxOf = (request: FastifyRequest) => app.pageContext(request);

  // ------------------------------------------------------------ demographic survey

  const surveyPage = async (request: FastifyRequest, form: FormState) => {
    const [questions, settings] = [await profile.questions(false), await profile.settings()];
    return (
      <DemographicsConsolePage
        ctx={await ctxOf(request)}
        questions={questions}
        form={form}
        reviewInterval={settings.reviewIntervalMonths}
      />
    );
  };

  const questionInput = (b: {
    prompt?: string;
    options?: string;
    required?: string;
    retired?: string;
    position?: string;
  }) => {
    const problems: FieldProblem[] = [];
    const position = b.position?.trim() ? Number(b.position) : 0;
    if (!Number.isInteger(position) || position < 0 || position > 10_000)
      problems.push({ field: 'position', messageKey: 'profile.v.position' });
    return {
      problems,
      input: {
        prompt: b.prompt ?? '',
        options: b.options ?? '',
        required: b.required === 'yes',
        retired: b.retired === 'yes',
        position: Number.isInteger(position) ? position : 0,
      },
    };
  };

  app.get('/console/demographics', async (request, reply) => {
    authorize(request, 'program_manager');
    return reply.html(await surveyPage(request, emptyForm));
  });

  app.post('/console/demographics', { schema: { body: QuestionBody } }, async (request, reply) => {
    const me = authorize(request, 'program_manager');
    const { problems, input } = questionInput(request.body);
    const outcome =
      problems.length > 0
        ? { problems }
        : await profile.saveQuestion(actorOf(me, request), null, input);
    if ('problems' in outcome) {
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(await surveyPage(request, formWithProblems(ctx.t, request.body, outcome.problems)));
    }
    return reply
      .flash('success', 'profile.console.questionSaved')
      .redirect('/console/demographics', 303);
  });

  app.get('/console/demographics/:id', { schema: { params: IdParams } }, async (request, reply) => {
    authorize(request, 'program_manager');
    const q = (await profile.questions(false)).find((x) => x.id === request.params.id);
    if (!q) return reply.callNotFound();
    const values = {
      prompt: q.prompt,
      options: q.options.join('\n'),
      position: String(q.position),
      required: q.required ? 'yes' : undefined,
      retired: q.status === 'retired' ? 'yes' : undefined,
    };
    return reply.html(
      <QuestionPage ctx={await ctxOf(request)} id={q.id} form={{ ...emptyForm, values }} />,
    );
  });

  app.post(
    '/console/demographics/:id',
    { schema: { params: IdParams, body: QuestionBody } },
    async (request, reply) => {
      const me = authorize(request, 'program_manager');
      const { problems, input } = questionInput(request.body);
      const outcome =
        problems.length > 0
          ? { problems }
          : await profile.saveQuestion(actorOf(me, request), request.params.id, input);
      if ('problems' in outcome) {
        const ctx = await ctxOf(request);
        return reply
          .status(400)
          .html(
            <QuestionPage
              ctx={ctx}
              id={request.params.id}
              form={formWithProblems(ctx.t, request.body, outcome.problems)}
            />,
          );
      }
      return reply
        .flash('success', 'profile.console.questionSaved')
        .redirect('/console/demographics', 303);
    },
  );

  app.post(
    '/console/demographics/review',
    { schema: { body: ReviewBody } },
    async (request, reply) => {
      const me = authorize(request, 'program_manager');
      const months = Number(request.body.months);
      const value = (REVIEW_INTERVALS as readonly number[]).includes(months) ? months : null;
      await profile.saveSettings(actorOf(me, request), { reviewIntervalMonths: value });
      return reply
        .flash('success', 'profile.console.reviewSaved')
        .redirect('/console/demographics', 303);
    },
  );

  // ------------------------------------------------------------ privacy notices (admins)

  const noticesPage = async (request: FastifyRequest, form: FormState) => {
    const notices = await privacy.notices();
    const settings = await profile.settings();
    return (
      <NoticesConsolePage
        ctx={await ctxOf(request)}
        notices={notices.map((n) => ({
          version: n.version,
          body: n.body,
          effectiveAt: n.effective_at,
          createdAt: n.created_at,
        }))}
        form={form}
        deletionAwardName={settings.deletionAwardName}
      />
    );
  };

  app.get('/admin/privacy-notices', async (request, reply) => {
    authorize(request, 'admin');
    const today = new Date().toISOString().slice(0, 10);
    return reply.html(await noticesPage(request, { ...emptyForm, values: { effectiveOn: today } }));
  });

  app.post('/admin/privacy-notices', { schema: { body: NoticeBody } }, async (request, reply) => {
    const me = authorize(request, 'admin');
    const b = request.body;
    const day = parseDay(b.effectiveOn);
    // Today means from now, not from midnight: nobody is asked about a version "already" in force.
    const today = new Date().toISOString().slice(0, 10);
    const effectiveAt = day && b.effectiveOn === today ? new Date() : day;
    const outcome = await privacy.publishNotice(actorOf(me, request), b.body ?? '', effectiveAt);
    if ('problems' in outcome) {
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(await noticesPage(request, formWithProblems(ctx.t, b, outcome.problems)));
    }
    return reply
      .flash('success', 'profile.console.noticePublished', { version: outcome.version })
      .redirect('/admin/privacy-notices', 303);
  });

  app.post(
    '/admin/privacy-notices/deletion-policy',
    { schema: { body: PolicyBody } },
    async (request, reply) => {
      const me = authorize(request, 'admin');
      if (request.body.policy) {
        await profile.saveSettings(actorOf(me, request), {
          deletionAwardName: request.body.policy,
        });
      }
      return reply
        .flash('success', 'profile.console.policySaved')
        .redirect('/admin/privacy-notices', 303);
    },
  );

  // ------------------------------------------------------------ deletion requests (support)

  app.get('/console/deletion-requests', async (request, reply) => {
    authorize(request, 'support_agent');
    const view = (rows: Awaited<ReturnType<PrivacyService['deletionRequests']>>) =>
      rows.map((r) => ({
        id: r.id,
        candidateNumber: r.candidate_number,
        username: r.username,
        name: `${r.given_name} ${r.family_name}`,
        email: r.email,
        status: r.status,
        reason: r.reason,
        requestedAt: r.requested_at,
        decidedAt: r.decided_at,
        decidedBy: r.decided_by_username,
        note: r.decision_note,
      }));
    return reply.html(
      <DeletionRequestsPage
        ctx={await ctxOf(request)}
        pending={view(await privacy.deletionRequests('pending'))}
        decided={view(await privacy.deletionRequests('decided'))}
      />,
    );
  });

  app.post(
    '/console/deletion-requests/:id',
    { schema: { params: IdParams, body: DecisionBody } },
    async (request, reply) => {
      const me = authorize(request, 'support_agent');
      const { decision, note } = request.body;
      await privacy.decideDeletion(actorOf(me, request), request.params.id, decision, note ?? '');
      return reply
        .flash(
          'success',
          decision === 'approve' ? 'profile.console.approved' : 'profile.console.rejected',
        )
        .redirect('/console/deletion-requests', 303);
    },
  );
}
