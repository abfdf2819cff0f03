import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { securityHeaders } from '../../platform/http/security.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import type { ProvidersService } from './providers.service.ts';
import { HandoffPage, ProviderFormPage, ProvidersPage } from './views/providers.tsx';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const opt = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const ProviderBody = Type.Object({
  _csrf: opt(200),
  name: opt(300),
  code: opt(40),
  schedulingUrl: opt(600),
  clientCode: opt(100),
  passphrase: opt(300),
  sessionTimeoutMinutes: opt(10),
  exams: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 500 })),
  active: opt(5),
});

/** Console pages for delivery providers, and the candidate's hand-off to a provider. */
export function registerProviderPages(
  appBase: FastifyInstance,
  providers: ProvidersService,
  examOptions: () => Promise<{ value: string; label: string }[]>,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const staff = (request: FastifyRequest) => authorize(request, 'program_manager');

  app.get('/console/providers', async (request, reply) => {
    staff(request);
    return reply.html(
      <ProvidersPage
        ctx={await app.pageContext(request)}
        providers={await providers.providers()}
      />,
    );
  });

  const formPage = async (request: FastifyRequest, id: number | null, form: FormState) => (
    <ProviderFormPage
      ctx={await app.pageContext(request)}
      form={form}
      id={id}
      exams={await examOptions()}
    />
  );

  app.get('/console/providers/new', async (request, reply) => {
    staff(request);
    return reply.html(
      await formPage(request, null, { ...emptyForm, values: { sessionTimeoutMinutes: '30' } }),
    );
  });

  app.get('/console/providers/:id', { schema: { params: IdParams } }, async (request, reply) => {
    staff(request);
    const p = await providers.provider(request.params.id);
    return reply.html(
      await formPage(request, p.id, {
        ...emptyForm,
        values: {
          name: p.name,
          code: p.code,
          schedulingUrl: p.schedulingUrl,
          clientCode: p.clientCode,
          sessionTimeoutMinutes: String(p.sessionTimeoutMinutes),
          exams: p.exams.join(','),
          active: p.active ? 'yes' : '',
        },
      }),
    );
  });

  const save = (id: number | null) => async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = staff(request);
    const body = request.body as Record<string, string | string[] | undefined>;
    try {
      await providers.saveProvider(principal, id, body as never);
      return reply
        .flash('success', 'scheduling.flash.providerSaved')
        .redirect('/console/providers', 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { t } = await app.pageContext(request);
      const values = { ...body, exams: Array.isArray(body.exams) ? body.exams.join(',') : '' };
      return reply
        .status(400)
        .html(
          await formPage(request, id, formWithProblems(t, values, error.problems, ['passphrase'])),
        );
    }
  };
  app.post('/console/providers/new', { schema: { body: ProviderBody } }, (request, reply) =>
    save(null)(request, reply),
  );
  app.post(
    '/console/providers/:id',
    { schema: { params: IdParams, body: ProviderBody } },
    (request, reply) => save(request.params.id)(request, reply),
  );

  // The hand-off: a GET that renders a self-submitting form to the provider. The
  // page's CSP lets this one form post to the provider's origin, nothing else.
  app.get(
    '/exams/providers/:code/register',
    {
      schema: {
        params: Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' }) }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request);
      const handoff = await providers.handoff(principal.userId, request.params.code);
      const origin = new URL(handoff.action).origin;
      const csp = securityHeaders(app.platform.config.secureCookies)[
        'content-security-policy'
      ]!.replace("form-action 'self'", `form-action 'self' ${origin}`);
      reply.header('content-security-policy', csp).header('referrer-policy', 'no-referrer');
      return reply.html(
        <HandoffPage
          ctx={await app.pageContext(request)}
          providerName={handoff.providerName}
          action={handoff.action}
          fields={handoff.fields}
        />,
      );
    },
  );
}
