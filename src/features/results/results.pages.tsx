import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Config } from '../../config.ts';
import { authorize, hasRole } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import {
  AppError,
  notFound,
  ValidationError,
  type FieldProblem,
} from '../../platform/http/errors.ts';
import { verifyCsrf } from '../../platform/http/security.ts';
import type { ExportService } from './export.service.ts';
import { PROVIDER_CODE, type ImportMode, type ImportService } from './import.service.ts';
import type { ResultsService } from './results.service.ts';
import { ClaimPage } from './views/claim.tsx';
import {
  ImportPage,
  ImportsPage,
  NewImportPage,
  UnclaimedPage,
  UnclaimedResultPage,
} from './views/console.tsx';
import { ExportsPage } from './views/exports.tsx';
import { SigningPage } from './views/signing.tsx';
import type { SigningSecrets } from './signing.ts';

const PAGE_SIZE = 25;
const PROBLEM_PAGE_SIZE = 100;
/** The largest results file the console takes (the CLI takes any size). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
});
const text = (maxLength = 200) => Type.Optional(Type.String({ maxLength }));
const LinkBody = Type.Object({ _csrf: text(100), candidateNumber: text(64), reason: text(2000) });
const ClaimBody = Type.Object({ _csrf: text(100), registrationId: text(64), lastName: text(200) });
const CsrfBody = Type.Object({ _csrf: text(100) });
const AuthorizeBody = Type.Object({
  _csrf: text(100),
  candidateNumber: text(64),
  examCode: text(40),
  eligibleFrom: text(20),
  eligibleUntil: text(20),
});

/**
 * The results console (imports, unclaimed results, linking, exports) and the
 * candidate's claim page.
 */
export function registerResultsPages(
  appBase: FastifyInstance,
  config: Config,
  imports: ImportService,
  results: ResultsService,
  exports: ExportService,
  signing: SigningSecrets,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const ctxOf = (request: FastifyRequest) => app.pageContext(request);

  // ------------------------------------------------------------ imports

  app.get('/console/results', { schema: { querystring: PageQuery } }, async (request, reply) => {
    authorize(request, 'program_manager');
    const page = request.query.page ?? 1;
    const { rows, total } = await imports.list(page, PAGE_SIZE);
    return reply.html(
      <ImportsPage
        ctx={await ctxOf(request)}
        rows={rows}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
      />,
    );
  });

  app.get('/console/results/imports/new', async (request, reply) => {
    authorize(request, 'program_manager');
    return reply.html(<NewImportPage ctx={await ctxOf(request)} form={emptyForm} />);
  });

  // The upload: read as a stream (a results file may be very large), in a scope
  // of its own so that no other route accepts multipart bodies. The CSRF token
  // is the first field of the form and is checked before the file is read.
  app.register(async function importUpload(scope) {
    await scope.register(multipart, {
      limits: {
        fileSize: MAX_UPLOAD_BYTES,
        files: 1,
        fields: 5,
        fieldSize: 1000,
        parts: 6,
        headerPairs: 50,
      },
    });
    scope.post(
      '/console/results/imports',
      {
        config: { csrf: false },
        bodyLimit: MAX_UPLOAD_BYTES + 64 * 1024,
        onRequest: async (request) => {
          // Only a multipart body can carry the form's token (read while streaming, below);
          // anything else is refused as a forgery before anything else is said.
          const type = request.headers['content-type'];
          if (typeof type !== 'string' || !type.toLowerCase().startsWith('multipart/form-data')) {
            const header = request.headers['x-csrf-token'];
            verifyCsrf(request, config, typeof header === 'string' ? header : undefined);
          }
          authorize(request, 'program_manager');
        },
      },
      async (request, reply) => {
        const actor = authorize(request, 'program_manager');
        if (!request.isMultipart()) throw new AppError('BAD_REQUEST', 400, 'results.v.multipart');
        const fields: Record<string, string> = {};
        const problems: FieldProblem[] = [];
        let importId: number | undefined;
        let csrfChecked = false;
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            fields[part.fieldname] = String(part.value ?? '');
            if (part.fieldname === '_csrf') {
              verifyCsrf(request, config, fields._csrf);
              csrfChecked = true;
            }
            continue;
          }
          if (!csrfChecked) verifyCsrf(request, config, fields._csrf);
          csrfChecked = true;
          const provider = (fields.provider ?? '').trim().toLowerCase();
          if (!PROVIDER_CODE.test(provider)) {
            problems.push({ field: 'provider', messageKey: 'results.v.provider' });
          }
          if (!part.filename)
            problems.push({ field: 'file', messageKey: 'results.v.fileRequired' });
          if (problems.length > 0) {
            part.file.resume();
            continue;
          }
          const mode: ImportMode = fields.mode === 'good_rows' ? 'good_rows' : 'all_or_nothing';
          importId = await imports.stage(part.file, {
            provider,
            fileName: part.filename,
            mode,
            actorUserId: actor.userId,
          });
          if (part.file.truncated) await imports.refuseTooLarge(importId, MAX_UPLOAD_BYTES);
        }
        if (!csrfChecked) verifyCsrf(request, config, fields._csrf);
        if (importId === undefined) {
          if (problems.length === 0)
            problems.push({ field: 'file', messageKey: 'results.v.fileRequired' });
          const ctx = await ctxOf(request);
          return reply
            .status(400)
            .html(<NewImportPage ctx={ctx} form={formWithProblems(ctx.t, fields, problems)} />);
        }
        return reply.redirect(`/console/results/imports/${importId}`, 303);
      },
    );
  });

  app.get(
    '/console/results/imports/:id',
    { schema: { params: IdParams, querystring: PageQuery } },
    async (request, reply) => {
      authorize(request, 'program_manager');
      const view = await imports.get(request.params.id);
      if (!view) throw notFound();
      const page = request.query.page ?? 1;
      const [preview, problems] = await Promise.all([
        view.status === 'ready' ? imports.preview(view.id) : Promise.resolve([]),
        imports.problems(view.id, page, PROBLEM_PAGE_SIZE),
      ]);
      return reply
        .header('cache-control', 'no-store')
        .html(
          <ImportPage
            ctx={await ctxOf(request)}
            view={view}
            preview={preview}
            problems={problems.rows}
            problemTotal={problems.total}
            page={page}
            pageSize={PROBLEM_PAGE_SIZE}
          />,
        );
    },
  );

  app.post(
    '/console/results/imports/:id/apply',
    { schema: { params: IdParams, body: CsrfBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      await imports.queueApply(request.params.id, actor.userId);
      return reply
        .flash('info', 'results.flash.importQueued')
        .redirect(`/console/results/imports/${request.params.id}`, 303);
    },
  );

  app.post(
    '/console/results/imports/:id/discard',
    { schema: { params: IdParams, body: CsrfBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      await imports.discard(request.params.id, actor.userId);
      return reply
        .flash('info', 'results.flash.importDiscarded')
        .redirect(`/console/results/imports/${request.params.id}`, 303);
    },
  );

  app.get(
    '/console/results/imports/:id/bad-rows',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const view = await imports.get(request.params.id);
      if (!view) throw notFound();
      await results.auditBadRowsDownload(actor.userId, view.id);
      const base =
        view.fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'results';
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${base}-bad-rows.txt"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(imports.badRows(view.id)));
    },
  );

  // ------------------------------------------------------------ unclaimed results

  app.get(
    '/console/results/unclaimed',
    {
      schema: {
        querystring: Type.Object({
          q: text(100),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        }),
      },
    },
    async (request, reply) => {
      authorize(request, 'program_manager', 'support_agent');
      const q = request.query.q ?? '';
      const page = request.query.page ?? 1;
      const { rows, total } = await results.unclaimed(q, page, PAGE_SIZE);
      return reply.html(
        <UnclaimedPage
          ctx={await ctxOf(request)}
          query={q}
          rows={rows}
          total={total}
          page={page}
          pageSize={PAGE_SIZE}
        />,
      );
    },
  );

  const unclaimedPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    form: FormState,
    status = 200,
  ) => {
    const principal = authorize(request, 'program_manager', 'support_agent');
    const result = await results.unclaimedResult(id);
    if (!result) throw notFound();
    return reply
      .status(status)
      .html(
        <UnclaimedResultPage
          ctx={await ctxOf(request)}
          result={result}
          form={form}
          canEdit={hasRole(principal, 'program_manager')}
        />,
      );
  };

  app.get(
    '/console/results/unclaimed/:id',
    { schema: { params: IdParams } },
    async (request, reply) => unclaimedPage(request, reply, request.params.id, emptyForm),
  );

  app.post(
    '/console/results/unclaimed/:id/link',
    { schema: { params: IdParams, body: LinkBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      try {
        const { userId } = await results.link(
          actor,
          request.params.id,
          request.body.candidateNumber ?? '',
          request.body.reason ?? '',
        );
        return reply
          .flash('success', 'results.flash.linked')
          .redirect(`/console/candidates/${userId}`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const ctx = await ctxOf(request);
        return unclaimedPage(
          request,
          reply,
          request.params.id,
          formWithProblems(ctx.t, request.body, error.problems),
          400,
        );
      }
    },
  );

  // ------------------------------------------------------------ exports

  const exportsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState,
    status = 200,
  ) =>
    reply
      .status(status)
      .html(
        <ExportsPage
          ctx={await ctxOf(request)}
          history={await exports.history(20)}
          authorizations={await exports.authorizations(50)}
          form={form}
        />,
      );

  app.get('/console/results/exports', async (request, reply) => {
    authorize(request, 'program_manager');
    return exportsPage(request, reply, emptyForm);
  });

  app.post(
    '/console/results/authorizations',
    { schema: { body: AuthorizeBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      const b = request.body;
      try {
        await exports.authorize(actor.userId, {
          candidateNumber: b.candidateNumber ?? '',
          examCode: b.examCode ?? '',
          eligibleFrom: b.eligibleFrom ?? '',
          eligibleUntil: b.eligibleUntil ?? '',
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const ctx = await ctxOf(request);
        return exportsPage(request, reply, formWithProblems(ctx.t, b, error.problems), 400);
      }
      return reply
        .flash('success', 'results.flash.authorized')
        .redirect('/console/results/exports', 303);
    },
  );

  app.post(
    '/console/results/authorizations/:id/cancel',
    { schema: { params: IdParams, body: CsrfBody } },
    async (request, reply) => {
      const actor = authorize(request, 'program_manager');
      await exports.cancelAuthorization(actor.userId, request.params.id);
      return reply
        .flash('success', 'results.flash.authorizationCancelled')
        .redirect('/console/results/exports', 303);
    },
  );

  for (const kind of ['candidates', 'authorizations'] as const) {
    app.post(
      `/console/results/exports/${kind}`,
      { schema: { body: CsrfBody } },
      async (request, reply) => {
        const actor = authorize(request, 'program_manager');
        const file = await exports.export(kind, actor.userId);
        return reply
          .header('content-type', 'text/tab-separated-values; charset=utf-8')
          .header('content-disposition', `attachment; filename="${file.fileName}"`)
          .header('cache-control', 'no-store')
          .send(file.body);
      },
    );
  }

  // ------------------------------------------------------------ signing secrets (admins)

  app.get('/console/results/signing', async (request, reply) => {
    authorize(request, 'admin');
    return reply
      .header('cache-control', 'no-store')
      .html(<SigningPage ctx={await ctxOf(request)} keys={await signing.keys()} />);
  });

  app.post(
    '/console/results/signing/:id',
    { schema: { params: IdParams, body: CsrfBody } },
    async (request, reply) => {
      const actor = authorize(request, 'admin');
      const keys = await signing.keys();
      const key = keys.find((k) => k.id === request.params.id);
      if (!key) throw notFound();
      const secret = await signing.rotate(key.id, actor.userId);
      // Shown once, on this response only: no redirect, nothing cached.
      return reply
        .header('cache-control', 'no-store')
        .html(
          <SigningPage
            ctx={await ctxOf(request)}
            keys={await signing.keys()}
            revealed={{ keyName: key.name, secret }}
          />,
        );
    },
  );

  app.post(
    '/console/results/signing/:id/remove',
    { schema: { params: IdParams, body: CsrfBody } },
    async (request, reply) => {
      const actor = authorize(request, 'admin');
      if (!(await signing.remove(request.params.id, actor.userId))) throw notFound();
      return reply
        .flash('success', 'results.flash.signingRemoved')
        .redirect('/console/results/signing', 303);
    },
  );

  // ------------------------------------------------------------ the candidate's claim

  app.get('/history/claim', async (request, reply) => {
    authorize(request);
    return reply.html(<ClaimPage ctx={await ctxOf(request)} form={emptyForm} />);
  });

  app.post('/history/claim', { schema: { body: ClaimBody } }, async (request, reply) => {
    const principal = authorize(request);
    const ctx = await ctxOf(request);
    const body = request.body;
    try {
      const outcome = await results.claim(
        principal.userId,
        body.registrationId ?? '',
        body.lastName ?? '',
      );
      if (outcome.ok) {
        return reply.flash('success', 'results.claim.done').redirect('/history', 303);
      }
      return reply
        .status(400)
        .html(
          <ClaimPage
            ctx={ctx}
            form={formWithProblems(ctx.t, body, [
              { field: 'registrationId', messageKey: 'results.claim.noMatch' },
            ])}
          />,
        );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return reply
        .status(400)
        .html(<ClaimPage ctx={ctx} form={formWithProblems(ctx.t, body, error.problems)} />);
    }
  });
}
