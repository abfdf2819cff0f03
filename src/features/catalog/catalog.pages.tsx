import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authorize, type Principal } from '../../platform/auth/session.ts';
import type { PageContext } from '../../platform/html/context.ts';
import {
  emptyForm,
  formWithProblems as platformFormWithProblems,
  type FormState,
} from '../../platform/html/forms.tsx';
import { notFound, ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import { requirementsInForce, todayIn } from './catalog-rules.ts';
import {
  describeRequirements,
  parseRequirementTree,
  type RequirementDescription,
  type RequirementProblemCode,
} from './catalog.requirements.ts';
import {
  AgreementVersionForm,
  CodeParams,
  CodedForm,
  CredentialForm,
  ExamForm,
  ExamVersionForm,
  ListQuery,
  RequirementEditorForm,
  StatusForm,
  VersionParams,
} from './catalog.schemas.ts';
import { CatalogService, type CatalogActor, type CodedKind } from './catalog.service.ts';
import type { CredentialDefinition, ExamDefinition, ProgramDefinitions } from './catalog.types.ts';
import {
  applyAction,
  editTreeFrom,
  editTreeFromBody,
  emptyTree,
  flatten,
  formValues,
  outlineLabels,
  parseAction,
  problemsToFields,
  toRequirementJson,
  type EditNode,
} from './requirement-form.ts';
import { AgreementPage, CODED_PATHS, CodedFormPage, CodedListPage } from './views/coded.tsx';
import {
  CredentialFormPage,
  CredentialListPage,
  CredentialPage,
  credentialFormValues,
  type RequirementVersionView,
} from './views/credentials.tsx';
import { ExamFormPage, ExamListPage, ExamPage, examFormValues } from './views/exams.tsx';
import { CatalogHomePage } from './views/home.tsx';
import { RequirementEditorPage, type EditorOptions } from './views/requirement-editor.tsx';

const PAGE_SIZE = 25;
const HOME_ROWS = 10;
const CODED_KINDS: readonly CodedKind[] = ['training', 'agreement', 'creditCategory'];

/** The form as typed, with its problems. Unlike sign-in forms, no catalog field is secret: `code` is kept. */
function formWithProblems(
  t: PageContext['t'],
  values: Record<string, unknown>,
  problems: readonly FieldProblem[],
): FormState {
  return platformFormWithProblems(t, values, problems, []);
}

/** Runs a service call; a ValidationError becomes its problems, anything else is thrown on. */
async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; problems: FieldProblem[] }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, problems: error.problems };
    throw error;
  }
}

function actorOf(request: FastifyRequest, principal: Principal, reason?: string): CatalogActor {
  return {
    userId: principal.userId,
    timeZone: principal.timeZone,
    ip: request.ip,
    reason: reason?.trim() || null,
  };
}

function pages(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

function namesFor(defs: ProgramDefinitions) {
  return CatalogService.names(defs);
}

function describe(defs: ProgramDefinitions, tree: Parameters<typeof describeRequirements>[0]) {
  return describeRequirements(tree, { names: namesFor(defs) });
}

/** The program manager's console pages for the catalog, under /console/catalog. */
export function registerCatalogPages(appBase: FastifyInstance, service: CatalogService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const manager = (request: FastifyRequest) => authorize(request, 'program_manager');
  const ctxOf = (request: FastifyRequest) => app.pageContext(request);
  const listOf = (query: ListQuery) => ({
    q: query.q ?? '',
    status: query.status ?? '',
    page: query.page ?? 1,
  });

  // ------------------------------------------------------------ home

  app.get('/console/catalog', async (request, reply) => {
    manager(request);
    const first = { page: 1, pageSize: HOME_ROWS };
    const [exams, credentials, training, agreement, creditCategory] = await Promise.all([
      service.listExams(first),
      service.listCredentials(first),
      ...CODED_KINDS.map((k) => service.listCoded(k, first)),
    ]);
    return reply.html(
      <CatalogHomePage
        ctx={await ctxOf(request)}
        view={{
          exams: exams!,
          credentials: credentials!,
          coded: { training: training!, agreement: agreement!, creditCategory: creditCategory! },
        }}
      />,
    );
  });

  // ------------------------------------------------------------ exams

  app.get(
    '/console/catalog/exams',
    { schema: { querystring: ListQuery } },
    async (request, reply) => {
      manager(request);
      const { q, status, page } = listOf(request.query);
      const { rows, total } = await service.listExams({
        q,
        status: status || undefined,
        page,
        pageSize: PAGE_SIZE,
      });
      return reply.html(
        <ExamListPage
          ctx={await ctxOf(request)}
          view={{ rows, total, page, pages: pages(total), q, status }}
        />,
      );
    },
  );

  const newExamForm: FormState = {
    ...emptyForm,
    values: {
      kind: 'exam',
      scoreMin: '0',
      scoreMax: '1000',
      languages: 'en',
      retakeWaitDaysFirst: '0',
      retakeWaitDaysLater: '0',
      status: 'draft',
    },
  };

  app.get('/console/catalog/exams/new', async (request, reply) => {
    manager(request);
    return reply.html(<ExamFormPage ctx={await ctxOf(request)} form={newExamForm} delivery={[]} />);
  });

  app.post('/console/catalog/exams', { schema: { body: ExamForm } }, async (request, reply) => {
    const principal = manager(request);
    const result = await attempt(() =>
      service.createExam(actorOf(request, principal), request.body),
    );
    if (result.ok) {
      return reply
        .flash('success', 'catalog.flash.examCreated', { code: result.value.code })
        .redirect(`/console/catalog/exams/${encodeURIComponent(result.value.code)}`, 303);
    }
    const ctx = await ctxOf(request);
    return reply
      .status(400)
      .html(
        <ExamFormPage
          ctx={ctx}
          form={formWithProblems(ctx.t, request.body, result.problems)}
          delivery={request.body.delivery ?? []}
        />,
      );
  });

  const examOr404 = async (code: string): Promise<ExamDefinition> => {
    const exam = await service.examByCode(code);
    if (!exam) throw notFound();
    return exam;
  };

  const renderExam = async (
    request: FastifyRequest,
    exam: ExamDefinition,
    extra: { versionForm?: FormState; retire?: { version: string; form: FormState } } = {},
  ) => {
    const ctx = await ctxOf(request);
    return (
      <ExamPage
        ctx={ctx}
        exam={exam}
        versionForm={extra.versionForm ?? emptyForm}
        retire={extra.retire}
        today={todayIn(ctx.timeZone)}
      />
    );
  };

  app.get(
    '/console/catalog/exams/:code',
    { schema: { params: CodeParams } },
    async (request, reply) => {
      manager(request);
      return reply.html(await renderExam(request, await examOr404(request.params.code)));
    },
  );

  app.get(
    '/console/catalog/exams/:code/edit',
    { schema: { params: CodeParams } },
    async (request, reply) => {
      manager(request);
      const exam = await examOr404(request.params.code);
      return reply.html(
        <ExamFormPage
          ctx={await ctxOf(request)}
          form={{ ...emptyForm, values: examFormValues(exam) }}
          delivery={exam.delivery}
          exam={exam}
        />,
      );
    },
  );

  app.post(
    '/console/catalog/exams/:code',
    { schema: { params: CodeParams, body: ExamForm } },
    async (request, reply) => {
      const principal = manager(request);
      const exam = await examOr404(request.params.code);
      const result = await attempt(() =>
        service.updateExam(
          actorOf(request, principal, request.body.reason),
          exam.code,
          request.body,
        ),
      );
      if (result.ok) {
        return reply
          .flash('success', 'catalog.flash.examSaved', { code: exam.code })
          .redirect(`/console/catalog/exams/${encodeURIComponent(exam.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(
          <ExamFormPage
            ctx={ctx}
            form={formWithProblems(ctx.t, { ...request.body, code: exam.code }, result.problems)}
            delivery={request.body.delivery ?? []}
            exam={exam}
          />,
        );
    },
  );

  app.post(
    '/console/catalog/exams/:code/versions',
    { schema: { params: CodeParams, body: ExamVersionForm } },
    async (request, reply) => {
      const principal = manager(request);
      const exam = await examOr404(request.params.code);
      const result = await attempt(() =>
        service.addExamVersion(actorOf(request, principal), exam.code, request.body),
      );
      if (result.ok) {
        return reply
          .flash('success', 'catalog.flash.examVersionAdded', {
            version: request.body.version ?? '',
          })
          .redirect(`/console/catalog/exams/${encodeURIComponent(exam.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      return reply.status(400).html(
        await renderExam(request, exam, {
          versionForm: formWithProblems(ctx.t, request.body, result.problems),
        }),
      );
    },
  );

  app.post(
    '/console/catalog/exams/:code/versions/:version/retire',
    { schema: { params: VersionParams, body: ExamVersionForm } },
    async (request, reply) => {
      const principal = manager(request);
      const exam = await examOr404(request.params.code);
      const { version } = request.params;
      const result = await attempt(() =>
        service.retireExamVersion(actorOf(request, principal), exam.code, version, request.body),
      );
      if (result.ok) {
        return reply
          .flash('success', 'catalog.flash.examVersionRetired', { version })
          .redirect(`/console/catalog/exams/${encodeURIComponent(exam.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      return reply.status(400).html(
        await renderExam(request, exam, {
          retire: { version, form: formWithProblems(ctx.t, request.body, result.problems) },
        }),
      );
    },
  );

  // ------------------------------------------------------------ credentials

  app.get(
    '/console/catalog/credentials',
    { schema: { querystring: ListQuery } },
    async (request, reply) => {
      manager(request);
      const { q, status, page } = listOf(request.query);
      const { rows, total } = await service.listCredentials({
        q,
        status: status || undefined,
        page,
        pageSize: PAGE_SIZE,
      });
      return reply.html(
        <CredentialListPage
          ctx={await ctxOf(request)}
          view={{ rows, total, page, pages: pages(total), q, status }}
        />,
      );
    },
  );

  const categories = async () => [...(await service.definitions()).creditCategories.values()];

  app.get('/console/catalog/credentials/new', async (request, reply) => {
    manager(request);
    return reply.html(
      <CredentialFormPage
        ctx={await ctxOf(request)}
        form={{ ...emptyForm, values: { kind: 'certification', levelRank: '1' } }}
        creditCategories={await categories()}
      />,
    );
  });

  app.post(
    '/console/catalog/credentials',
    { schema: { body: CredentialForm } },
    async (request, reply) => {
      const principal = manager(request);
      const result = await attempt(() =>
        service.createCredential(actorOf(request, principal), request.body),
      );
      if (result.ok) {
        return reply
          .flash('success', 'catalog.flash.credentialCreated', { code: result.value.code })
          .redirect(`/console/catalog/credentials/${encodeURIComponent(result.value.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(
          <CredentialFormPage
            ctx={ctx}
            form={formWithProblems(ctx.t, request.body, result.problems)}
            creditCategories={await categories()}
          />,
        );
    },
  );

  const credentialOr404 = async (code: string): Promise<CredentialDefinition> => {
    const credential = await service.credentialByCode(code);
    if (!credential) throw notFound();
    return credential;
  };

  const renderCredential = async (request: FastifyRequest, code: string, statusError?: string) => {
    const defs = await service.definitions();
    const credential = defs.credentialsByCode.get(code.trim().toUpperCase());
    if (!credential) throw notFound();
    const now = new Date();
    const current = requirementsInForce(credential, now);
    const versions: RequirementVersionView[] = [...credential.requirements].reverse().map((v) => ({
      ...v,
      description: describe(defs, v.tree),
      state: v === current ? 'inForce' : v.effectiveAt > now ? 'scheduled' : 'superseded',
    }));
    return (
      <CredentialPage
        ctx={await ctxOf(request)}
        credential={credential}
        versions={versions}
        statusError={statusError}
        names={(c) => defs.credentialsByCode.get(c)?.name}
      />
    );
  };

  app.get(
    '/console/catalog/credentials/:code',
    { schema: { params: CodeParams } },
    async (request, reply) => {
      manager(request);
      return reply.html(await renderCredential(request, request.params.code));
    },
  );

  app.get(
    '/console/catalog/credentials/:code/edit',
    { schema: { params: CodeParams } },
    async (request, reply) => {
      manager(request);
      const credential = await credentialOr404(request.params.code);
      return reply.html(
        <CredentialFormPage
          ctx={await ctxOf(request)}
          form={{ ...emptyForm, values: credentialFormValues(credential) }}
          credential={credential}
          creditCategories={await categories()}
        />,
      );
    },
  );

  app.post(
    '/console/catalog/credentials/:code',
    { schema: { params: CodeParams, body: CredentialForm } },
    async (request, reply) => {
      const principal = manager(request);
      const credential = await credentialOr404(request.params.code);
      const result = await attempt(() =>
        service.updateCredential(
          actorOf(request, principal, request.body.reason),
          credential.code,
          request.body,
        ),
      );
      if (result.ok) {
        return reply
          .flash('success', 'catalog.flash.credentialSaved', { code: credential.code })
          .redirect(`/console/catalog/credentials/${encodeURIComponent(credential.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(
          <CredentialFormPage
            ctx={ctx}
            form={formWithProblems(
              ctx.t,
              { ...request.body, code: credential.code },
              result.problems,
            )}
            credential={credential}
            creditCategories={await categories()}
          />,
        );
    },
  );

  app.post(
    '/console/catalog/credentials/:code/status',
    { schema: { params: CodeParams, body: StatusForm } },
    async (request, reply) => {
      const principal = manager(request);
      const credential = await credentialOr404(request.params.code);
      const { status } = request.body;
      const result = await attempt(() =>
        service.setCredentialStatus(actorOf(request, principal), credential.code, status),
      );
      if (result.ok) {
        return reply
          .flash('success', `catalog.flash.credential.${status}`, { code: credential.code })
          .redirect(`/console/catalog/credentials/${encodeURIComponent(credential.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      const problem = result.problems[0]!;
      return reply
        .status(400)
        .html(
          await renderCredential(
            request,
            credential.code,
            ctx.t(problem.messageKey, problem.params),
          ),
        );
    },
  );

  // ------------------------------------------------------------ the requirement tree editor

  const editorOptions = (defs: ProgramDefinitions, selfCode: string): EditorOptions => {
    const list = <T extends { code: string; title: string }>(m: ReadonlyMap<string, T>) =>
      [...m.values()].map((x) => ({ code: x.code, title: x.title }));
    return {
      exams: list(defs.exams),
      credentials: defs.credentials
        .filter((c) => c.code !== selfCode)
        .map((c) => ({ code: c.code, title: c.name })),
      trainings: list(defs.trainings),
      agreements: list(defs.agreements),
      creditCategories: list(defs.creditCategories),
    };
  };

  const previewOf = (
    defs: ProgramDefinitions,
    root: EditNode,
  ): RequirementDescription | undefined => {
    // Only a tree with every choice made reads as a sentence; stand-ins would show as "?".
    const { json, problems } = toRequirementJson(root);
    if (problems.length > 0) return undefined;
    const parsed = parseRequirementTree(json);
    return parsed.ok ? describe(defs, parsed.tree) : undefined;
  };

  const renderEditor = async (
    request: FastifyRequest,
    ctx: PageContext,
    credential: CredentialDefinition,
    root: EditNode,
    extra: { values: Record<string, string>; problems: FieldProblem[] },
  ) => {
    const defs = await service.definitions();
    // Messages name the requirement they are about, so the summary at the top reads on its own.
    const labels = outlineLabels(flatten(root));
    const problems = extra.problems.map((p): FieldProblem => {
      const m = /^nodes\[(\d+)\]/.exec(p.field);
      if (!m) return p;
      const position = labels.get(Number(m[1])) ?? '';
      const message = ctx.t(p.messageKey, p.params);
      return position
        ? { field: p.field, messageKey: 'catalog.tree.problemAt', params: { position, message } }
        : { field: p.field, messageKey: 'catalog.tree.problemAtRoot', params: { message } };
    });
    const form = formWithProblems(ctx.t, { ...formValues(root), ...extra.values }, problems);
    return (
      <RequirementEditorPage
        ctx={ctx}
        credential={credential}
        root={root}
        form={form}
        options={editorOptions(defs, credential.code)}
        preview={previewOf(defs, root)}
        basedOn={credential.requirements.at(-1)?.version}
      />
    );
  };

  app.get(
    '/console/catalog/credentials/:code/requirements/new',
    { schema: { params: CodeParams } },
    async (request, reply) => {
      manager(request);
      const credential = await credentialOr404(request.params.code);
      const latest = credential.requirements.at(-1);
      const root = latest ? editTreeFrom(latest.tree) : emptyTree();
      const ctx = await ctxOf(request);
      return reply.html(
        await renderEditor(request, ctx, credential, root, {
          values: { effectiveAt: todayIn(ctx.timeZone) },
          problems: [],
        }),
      );
    },
  );

  app.post(
    '/console/catalog/credentials/:code/requirements/new',
    { schema: { params: CodeParams, body: RequirementEditorForm } },
    async (request, reply) => {
      const principal = manager(request);
      const credential = await credentialOr404(request.params.code);
      const body = request.body;
      const ctx = await ctxOf(request);
      const first = (v: unknown) =>
        typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
      const values = { effectiveAt: first(body.effectiveAt), note: first(body.note) };
      const action = parseAction(first(body.action), body);
      const edited = applyAction(editTreeFromBody(body), action);
      if (action.kind !== 'save') {
        return reply.html(
          await renderEditor(request, ctx, credential, edited.root, { values, problems: [] }),
        );
      }
      const root = edited.root;
      const { json, problems: formProblems } = toRequirementJson(root);
      const input = { tree: json, effectiveAt: values.effectiveAt, note: values.note };
      const actor = actorOf(request, principal);
      let problems: FieldProblem[];
      if (formProblems.length > 0) {
        problems = [
          ...formProblems,
          ...(await service.checkRequirementVersion(actor, credential.code, input)),
        ];
      } else {
        const result = await attempt(() =>
          service.addRequirementVersion(actor, credential.code, input),
        );
        if (result.ok) {
          return reply
            .flash('success', 'catalog.flash.requirementsSaved', { version: result.value.version })
            .redirect(`/console/catalog/credentials/${encodeURIComponent(credential.code)}`, 303);
        }
        problems = result.problems;
      }
      return reply.status(400).html(
        await renderEditor(request, ctx, credential, root, {
          values,
          problems: toEditorProblems(root, problems),
        }),
      );
    },
  );

  // ------------------------------------------------------------ training courses, agreements, credit categories

  for (const kind of CODED_KINDS) {
    const base = CODED_PATHS[kind];

    app.get(base, { schema: { querystring: ListQuery } }, async (request, reply) => {
      manager(request);
      const { q, page } = listOf(request.query);
      const { rows, total } = await service.listCoded(kind, { q, page, pageSize: PAGE_SIZE });
      return reply.html(
        <CodedListPage
          ctx={await ctxOf(request)}
          kind={kind}
          view={{ rows, total, page, pages: pages(total), q, status: '' }}
        />,
      );
    });

    app.get(`${base}/new`, async (request, reply) => {
      manager(request);
      const ctx = await ctxOf(request);
      const form =
        kind === 'agreement'
          ? { ...emptyForm, values: { effectiveAt: todayIn(ctx.timeZone) } }
          : emptyForm;
      return reply.html(<CodedFormPage ctx={ctx} kind={kind} form={form} />);
    });

    app.post(base, { schema: { body: CodedForm } }, async (request, reply) => {
      const principal = manager(request);
      const body =
        kind === 'agreement'
          ? request.body
          : { ...request.body, body: undefined, effectiveAt: undefined };
      const result = await attempt(() =>
        service.createCoded(actorOf(request, principal), kind, body),
      );
      if (result.ok) {
        return reply
          .flash('success', 'catalog.flash.created', { code: result.value.code })
          .redirect(`${base}/${encodeURIComponent(result.value.code)}`, 303);
      }
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(
          <CodedFormPage
            ctx={ctx}
            kind={kind}
            form={formWithProblems(ctx.t, request.body, result.problems)}
          />,
        );
    });

    const codedOr404 = async (code: string) => {
      const row = await service.codedByCode(kind, code);
      if (!row) throw notFound();
      return row;
    };

    const editForm = async (request: FastifyRequest, code: string) => {
      const row = await codedOr404(code);
      return (
        <CodedFormPage
          ctx={await ctxOf(request)}
          kind={kind}
          form={{
            ...emptyForm,
            values: { code: row.code, title: row.title, description: row.description },
          }}
          existing={row}
        />
      );
    };

    const renderAgreement = async (
      request: FastifyRequest,
      code: string,
      versionForm: FormState,
    ) => {
      const agreement = await service.agreementByCode(code);
      if (!agreement) throw notFound();
      return (
        <AgreementPage ctx={await ctxOf(request)} agreement={agreement} versionForm={versionForm} />
      );
    };

    // Training courses and credit categories are edited on their own page; an agreement's page shows its texts.
    app.get(`${base}/:code`, { schema: { params: CodeParams } }, async (request, reply) => {
      manager(request);
      if (kind === 'agreement') {
        const ctx = await ctxOf(request);
        return reply.html(
          await renderAgreement(request, request.params.code, {
            ...emptyForm,
            values: { effectiveAt: todayIn(ctx.timeZone) },
          }),
        );
      }
      return reply.html(await editForm(request, request.params.code));
    });

    if (kind === 'agreement') {
      app.get(`${base}/:code/edit`, { schema: { params: CodeParams } }, async (request, reply) => {
        manager(request);
        return reply.html(await editForm(request, request.params.code));
      });

      app.post(
        `${base}/:code/versions`,
        { schema: { params: CodeParams, body: AgreementVersionForm } },
        async (request, reply) => {
          const principal = manager(request);
          const row = await codedOr404(request.params.code);
          const result = await attempt(() =>
            service.addAgreementVersion(actorOf(request, principal), row.code, request.body),
          );
          if (result.ok) {
            return reply
              .flash('success', 'catalog.flash.agreementVersionAdded', { version: result.value })
              .redirect(`${base}/${encodeURIComponent(row.code)}`, 303);
          }
          const ctx = await ctxOf(request);
          return reply
            .status(400)
            .html(
              await renderAgreement(
                request,
                row.code,
                formWithProblems(ctx.t, request.body, result.problems),
              ),
            );
        },
      );
    }

    app.post(
      `${base}/:code`,
      { schema: { params: CodeParams, body: CodedForm } },
      async (request, reply) => {
        const principal = manager(request);
        const row = await codedOr404(request.params.code);
        const result = await attempt(() =>
          service.updateCoded(
            actorOf(request, principal, request.body.reason),
            kind,
            row.code,
            request.body,
          ),
        );
        if (result.ok) {
          return reply
            .flash('success', 'catalog.flash.saved', { code: row.code })
            .redirect(kind === 'agreement' ? `${base}/${encodeURIComponent(row.code)}` : base, 303);
        }
        const ctx = await ctxOf(request);
        return reply
          .status(400)
          .html(
            <CodedFormPage
              ctx={ctx}
              kind={kind}
              form={formWithProblems(ctx.t, { ...request.body, code: row.code }, result.problems)}
              existing={row}
            />,
          );
      },
    );
  }
}

/** Service problems (fields `tree/...`, `effectiveAt`, `note`) placed in the editor's fields. */
function toEditorProblems(root: EditNode, problems: readonly FieldProblem[]): FieldProblem[] {
  return problems.flatMap((p): FieldProblem[] => {
    if (!p.field.startsWith('tree')) return [p];
    return problemsToFields(root, [
      {
        path: p.field.slice('tree'.length),
        code: String(p.params?.code ?? '') as RequirementProblemCode,
        message: String(p.params?.message ?? ''),
      },
    ]);
  });
}
