import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authorize, hasRole } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import { notFound, ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import type { ConsoleService } from './console.service.ts';
import {
  readAmount,
  readDate,
  readOutcome,
  readReason,
  readWholeNumber,
  todayIn,
} from './console-forms.ts';
import type { ProgressServiceImpl } from './progress.service.ts';
import {
  CodeParams,
  CorrectResultBody,
  CsrfOnlyBody,
  IdParams,
  PageQuery,
  RecordAgreementBody,
  RecordCreditsBody,
  RecordResultBody,
  RecordTrainingBody,
  RestoreResultBody,
  RevokeResultBody,
  SearchQuery,
} from './progress.schemas.ts';
import { CandidatePage, CandidatesPage } from './views/console/candidates.tsx';
import { HoldersPage, JobPage } from './views/console/holders.tsx';
import { RecordPage, type RecordKind } from './views/console/record.tsx';
import { ResultPage, type ResultForm } from './views/console/result.tsx';

const PAGE_SIZE = 25;

/**
 * The staff console of progress and awarding: candidate search and 360
 * view, recording facts by hand, correcting, revoking and restoring
 * results, a credential's holders, and a background job's progress.
 * Support agents may look; program managers may change.
 */
export function registerConsolePages(
  appBase: FastifyInstance,
  progress: ProgressServiceImpl,
  consoleService: ConsoleService,
  /** Queues the re-evaluation of every candidate for a credential; the job's id, or undefined when unknown. */
  enqueueReevaluation: (credentialCode: string, actorUserId: number) => Promise<number | undefined>,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const ctxOf = (request: FastifyRequest) => app.pageContext(request);

  // ------------------------------------------------------------ candidates

  app.get(
    '/console/candidates',
    { schema: { querystring: SearchQuery } },
    async (request, reply) => {
      authorize(request, 'program_manager', 'support_agent');
      const query = request.query.q ?? '';
      const page = request.query.page ?? 1;
      const { rows, total } = await consoleService.search(query, page, PAGE_SIZE);
      return reply.html(
        <CandidatesPage
          ctx={await ctxOf(request)}
          query={query}
          rows={rows}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
        />,
      );
    },
  );

  app.get('/console/candidates/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = authorize(request, 'program_manager', 'support_agent');
    const file = await consoleService.candidate(request.params.id);
    if (!file) throw notFound();
    return reply.html(
      <CandidatePage
        ctx={await ctxOf(request)}
        file={file}
        canEdit={hasRole(principal, 'program_manager')}
      />,
    );
  });

  // ------------------------------------------------------------ recording facts by hand

  const recordPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    kind: RecordKind,
    userId: number,
    form: FormState,
    status = 200,
  ) => {
    const file = await consoleService.candidate(userId);
    if (!file) throw notFound();
    return reply
      .status(status)
      .html(
        <RecordPage
          ctx={await ctxOf(request)}
          kind={kind}
          candidate={file.candidate}
          options={await consoleService.formOptions()}
          form={form}
        />,
      );
  };

  /** Runs a change; on field problems re-renders the form with them and the input kept. */
  const attempt = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    problems: FieldProblem[],
    change: () => Promise<unknown>,
    rerender: (form: FormState) => Promise<FastifyReply>,
    rename: Record<string, string> = {},
  ): Promise<FastifyReply | undefined> => {
    let all = problems;
    if (all.length === 0) {
      try {
        await change();
        return undefined;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        all = error.problems.map((p) => ({ ...p, field: rename[p.field] ?? p.field }));
      }
    }
    const ctx = await ctxOf(request);
    return rerender(formWithProblems(ctx.t, values, all));
  };

  const recordRoutes: {
    kind: RecordKind;
    path: string;
    schema:
      | typeof RecordResultBody
      | typeof RecordTrainingBody
      | typeof RecordAgreementBody
      | typeof RecordCreditsBody;
    flash:
      | 'progress.flash.resultRecorded'
      | 'progress.flash.trainingRecorded'
      | 'progress.flash.agreementRecorded'
      | 'progress.flash.creditsRecorded';
    run: (
      actor: { userId: number },
      userId: number,
      body: Record<string, string | undefined>,
      problems: FieldProblem[],
      today: string,
    ) => (() => Promise<unknown>) | undefined;
    rename?: Record<string, string>;
  }[] = [
    {
      kind: 'result',
      path: 'results',
      schema: RecordResultBody,
      flash: 'progress.flash.resultRecorded',
      rename: { passed: 'outcome' },
      run: (actor, userId, b, problems, today) => {
        if (!b.examCode?.trim())
          problems.push({ field: 'examCode', messageKey: 'progress.v.examRequired' });
        const score = readWholeNumber(b.score, 'score', problems, 'progress.v.score', {
          min: 0,
          max: 1_000_000,
        });
        const takenAt = readDate(b.takenAt, 'takenAt', problems, today);
        const reason = readReason(b.reason, 'reason', problems);
        if (problems.length > 0 || !takenAt) return undefined;
        const passed = readOutcome(b.outcome);
        return () =>
          progress.recordResult(actor, userId, {
            examCode: b.examCode ?? '',
            ...(b.examVersion?.trim() ? { examVersion: b.examVersion.trim() } : {}),
            ...(score !== undefined ? { score } : {}),
            ...(passed !== undefined ? { passed } : {}),
            takenAt,
            reason,
          });
      },
    },
    {
      kind: 'training',
      path: 'training',
      schema: RecordTrainingBody,
      flash: 'progress.flash.trainingRecorded',
      run: (actor, userId, b, problems, today) => {
        if (!b.courseCode?.trim())
          problems.push({ field: 'courseCode', messageKey: 'progress.v.courseRequired' });
        const completedAt = readDate(b.completedAt, 'completedAt', problems, today);
        const reason = readReason(b.reason, 'reason', problems);
        if (problems.length > 0 || !completedAt) return undefined;
        return () =>
          progress.recordTraining(actor, userId, {
            courseCode: b.courseCode ?? '',
            completedAt,
            source: 'manual',
            reason,
          });
      },
    },
    {
      kind: 'agreement',
      path: 'agreements',
      schema: RecordAgreementBody,
      flash: 'progress.flash.agreementRecorded',
      run: (actor, userId, b, problems, today) => {
        if (!b.agreementCode?.trim()) {
          problems.push({ field: 'agreementCode', messageKey: 'progress.v.agreementRequired' });
        }
        const version = readWholeNumber(
          b.version,
          'version',
          problems,
          'progress.v.agreementVersionRequired',
        );
        if (version === undefined && !problems.some((p) => p.field === 'version')) {
          problems.push({ field: 'version', messageKey: 'progress.v.agreementVersionRequired' });
        }
        const acceptedAt = readDate(b.acceptedAt, 'acceptedAt', problems, today);
        const reason = readReason(b.reason, 'reason', problems);
        if (problems.length > 0 || !acceptedAt || version === undefined) return undefined;
        return () =>
          progress.recordAgreement(actor, userId, {
            agreementCode: b.agreementCode ?? '',
            version,
            acceptedAt,
            source: 'manual',
            reason,
          });
      },
    },
    {
      kind: 'credits',
      path: 'credits',
      schema: RecordCreditsBody,
      flash: 'progress.flash.creditsRecorded',
      run: (actor, userId, b, problems, today) => {
        if (!b.categoryCode?.trim()) {
          problems.push({ field: 'categoryCode', messageKey: 'progress.v.categoryRequired' });
        }
        const amount = readAmount(b.amount, 'amount', problems);
        const earnedAt = readDate(b.earnedAt, 'earnedAt', problems, today);
        const reason = readReason(b.reason, 'reason', problems);
        if (problems.length > 0 || !earnedAt || amount === undefined) return undefined;
        return () =>
          progress.recordCredits(actor, userId, {
            categoryCode: b.categoryCode ?? '',
            amount,
            earnedAt,
            source: 'manual',
            reason,
          });
      },
    },
  ];

  for (const route of recordRoutes) {
    const url = `/console/candidates/:id/${route.path}/new`;
    app.get(url, { schema: { params: IdParams } }, async (request, reply) => {
      authorize(request, 'program_manager');
      return recordPage(request, reply, route.kind, request.params.id, {
        ...emptyForm,
        values: route.kind === 'result' ? { outcome: 'auto' } : {},
      });
    });
    app.post(url, { schema: { params: IdParams, body: route.schema } }, async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const userId = request.params.id;
      const body = request.body as Record<string, string | undefined>;
      const problems: FieldProblem[] = [];
      const change = route.run(actor, userId, body, problems, todayIn(actor.timeZone));
      const failed = await attempt(
        request,
        reply,
        body,
        problems,
        change ?? (async () => undefined),
        (form) => recordPage(request, reply, route.kind, userId, form, 400),
        route.rename,
      );
      if (failed) return failed;
      return reply.flash('success', route.flash).redirect(`/console/candidates/${userId}`, 303);
    });
  }

  // ------------------------------------------------------------ one result

  const resultPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    resultId: number,
    forms: Partial<Record<ResultForm, FormState>> = {},
    status = 200,
  ) => {
    const principal = authorize(request, 'program_manager', 'support_agent');
    const file = await consoleService.result(resultId);
    if (!file) throw notFound();
    return reply
      .status(status)
      .html(
        <ResultPage
          ctx={await ctxOf(request)}
          file={file}
          canEdit={hasRole(principal, 'program_manager')}
          forms={forms}
        />,
      );
  };

  app.get('/console/results/:id', { schema: { params: IdParams } }, async (request, reply) =>
    resultPage(request, reply, request.params.id),
  );

  app.post(
    '/console/results/:id/correct',
    { schema: { params: IdParams, body: CorrectResultBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const id = request.params.id;
      const b = request.body;
      const problems: FieldProblem[] = [];
      const score = readWholeNumber(b.score, 'score', problems, 'progress.v.score', {
        min: 0,
        max: 1_000_000,
      });
      const takenAt = readDate(b.takenAt, 'takenAt', problems, todayIn(actor.timeZone));
      const reason = readReason(b.reason, 'reason', problems);
      const passed = readOutcome(b.outcome);
      const failed = await attempt(
        request,
        reply,
        b,
        problems,
        () =>
          progress.correctResult(
            actor,
            id,
            {
              score: score ?? null,
              ...(passed !== undefined ? { passed } : {}),
              ...(takenAt ? { takenAt } : {}),
              examVersion: b.examVersion?.trim() || null,
            },
            reason,
          ),
        (form) => resultPage(request, reply, id, { correct: form }, 400),
        { passed: 'outcome' },
      );
      if (failed) return failed;
      return reply
        .flash('success', 'progress.flash.resultCorrected')
        .redirect(`/console/results/${id}`, 303);
    },
  );

  app.post(
    '/console/results/:id/revoke',
    { schema: { params: IdParams, body: RevokeResultBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const id = request.params.id;
      const b = request.body;
      const problems: FieldProblem[] = [];
      const reason = readReason(b.revokeReason, 'revokeReason', problems);
      const keep = b.keep === 'yes';
      const decision = (b.decision ?? '').trim();
      if (keep && !decision)
        problems.push({ field: 'decision', messageKey: 'progress.v.decisionRequired' });
      const failed = await attempt(
        request,
        reply,
        b,
        problems,
        () => progress.revokeResult(actor, id, reason, keep ? { decision } : undefined),
        (form) => resultPage(request, reply, id, { revoke: form }, 400),
        { reason: 'revokeReason' },
      );
      if (failed) return failed;
      return reply
        .flash('success', 'progress.flash.resultRevoked')
        .redirect(`/console/results/${id}`, 303);
    },
  );

  app.post(
    '/console/results/:id/restore',
    { schema: { params: IdParams, body: RestoreResultBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const id = request.params.id;
      const problems: FieldProblem[] = [];
      const reason = readReason(request.body.restoreReason, 'restoreReason', problems);
      const failed = await attempt(
        request,
        reply,
        request.body,
        problems,
        () => progress.restoreResult(actor, id, reason),
        (form) => resultPage(request, reply, id, { restore: form }, 400),
        { reason: 'restoreReason' },
      );
      if (failed) return failed;
      return reply
        .flash('success', 'progress.flash.resultRestored')
        .redirect(`/console/results/${id}`, 303);
    },
  );

  // ------------------------------------------------------------ holders and jobs

  app.get(
    '/console/credentials/:code/holders',
    { schema: { params: CodeParams, querystring: PageQuery } },
    async (request, reply) => {
      authorize(request, 'program_manager');
      const page = request.query.page ?? 1;
      const view = await consoleService.holders(request.params.code, page, PAGE_SIZE);
      if (!view) throw notFound();
      return reply.html(
        <HoldersPage
          ctx={await ctxOf(request)}
          view={view}
          page={page}
          pageSize={PAGE_SIZE}
          canReevaluate={view.credential.status === 'published'}
        />,
      );
    },
  );

  app.post(
    '/console/credentials/:code/reevaluate',
    { schema: { params: CodeParams, body: CsrfOnlyBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const jobId = await enqueueReevaluation(request.params.code, actor.userId);
      if (jobId === undefined) throw notFound();
      return reply
        .flash('info', 'progress.flash.reevaluationQueued')
        .redirect(`/console/jobs/${jobId}`, 303);
    },
  );

  app.get('/console/jobs/:id', { schema: { params: IdParams } }, async (request, reply) => {
    authorize(request, 'program_manager');
    const job = await consoleService.job(request.params.id);
    if (!job) throw notFound();
    return reply
      .header('cache-control', 'no-store')
      .html(<JobPage ctx={await ctxOf(request)} job={job} />);
  });
}
