import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { AppError } from '../../platform/http/errors.ts';
import { rejectNulBytes } from '../../platform/http/input.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import {
  MAX_TEMPLATE_IMAGE_BYTES,
  type CertificateService,
  type UploadedImage,
} from './certificates.service.ts';
import { CredentialNumberParams } from './my-credentials.pages.tsx';
import { CertificatePage, TemplatePage, TemplatesPage } from './views/certificates.tsx';

const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const CodeParams = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' }),
});
const MAX_UPLOAD_REQUEST_BYTES = 4 * MAX_TEMPLATE_IMAGE_BYTES;

/**
 * The candidate's certificate request (GET the form or the reason there is
 * none; POST to download and/or email it) and the program managers'
 * certificate templates (list, form with image uploads, sample PDF).
 */
export function registerCertificatePages(
  appBase: FastifyInstance,
  service: CertificateService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({
    area: 'staff',
    href: '/console/certificate-templates',
    label: 'nav.certificateTemplates',
    roles: ['program_manager'],
    order: 40,
  });

  app.get(
    '/my-credentials/:credentialNumber/certificate',
    { schema: { params: CredentialNumberParams } },
    async (request, reply) => {
      const principal = authorize(request);
      const view = await service.page(principal.userId, request.params.credentialNumber);
      return reply.html(
        <CertificatePage ctx={await app.pageContext(request)} view={view} form={emptyForm} />,
      );
    },
  );

  app.post(
    '/my-credentials/:credentialNumber/certificate',
    {
      schema: {
        params: CredentialNumberParams,
        body: Type.Object({
          _csrf: short(200),
          paper: short(20),
          language: short(20),
          download: short(10),
          email: short(10),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request);
      const { credentialNumber } = request.params;
      const ctx = await app.pageContext(request);
      let outcome;
      try {
        outcome = await service.request(principal, credentialNumber, request.body, ctx.timeZone);
      } catch (error) {
        // An award that stopped being active, or a name that cannot be printed: the page says why.
        if (
          error instanceof AppError &&
          (error.code === 'CERTIFICATE_UNAVAILABLE' || error.code === 'NAME_NOT_PRINTABLE')
        ) {
          const view = await service.page(principal.userId, credentialNumber);
          return reply.status(409).html(<CertificatePage ctx={ctx} view={view} form={emptyForm} />);
        }
        throw error;
      }
      if (!outcome.ok) {
        const view = await service.page(principal.userId, credentialNumber);
        const form = formWithProblems(ctx.t, { ...request.body, delivery: '' }, outcome.problems);
        return reply.status(400).html(<CertificatePage ctx={ctx} view={view} form={form} />);
      }
      if (outcome.emailed)
        reply.flash('success', 'certificates.emailedFlash', { email: principal.email });
      if (!outcome.pdf) {
        return reply.redirect(
          `/my-credentials/${encodeURIComponent(credentialNumber)}/certificate`,
          303,
        );
      }
      return sendPdf(reply, outcome.pdf, outcome.fileName, 'attachment');
    },
  );

  // ------------------------------------------------------------------ console

  app.get('/console/certificate-templates', async (request, reply) => {
    authorize(request, 'program_manager');
    const templates = await service.templates();
    return reply.html(<TemplatesPage ctx={await app.pageContext(request)} templates={templates} />);
  });

  app.get(
    '/console/certificate-templates/:code',
    { schema: { params: CodeParams } },
    async (request, reply) => {
      authorize(request, 'program_manager');
      const template = await service.template(request.params.code);
      return reply.html(
        <TemplatePage ctx={await app.pageContext(request)} template={template} form={emptyForm} />,
      );
    },
  );

  app.get(
    '/console/certificate-templates/:code/preview.pdf',
    {
      schema: {
        params: CodeParams,
        querystring: Type.Object({
          paper: Type.Optional(Type.Union([Type.Literal('a4'), Type.Literal('letter')])),
        }),
      },
    },
    async (request, reply) => {
      authorize(request, 'program_manager');
      const pdf = await service.preview(request.params.code, request.query.paper ?? 'a4');
      return sendPdf(
        reply,
        pdf,
        `certificate-sample-${request.params.code.toUpperCase()}.pdf`,
        'inline',
      );
    },
  );

  // The template form: the one multipart route of this feature, in a scope of its own.
  app.register(async function templateUpload(scopeBase) {
    const scope = scopeBase.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      attachFieldsToBody: true,
      throwFileSizeLimit: false,
      limits: {
        fileSize: MAX_TEMPLATE_IMAGE_BYTES,
        files: 3,
        fields: 10,
        fieldSize: 2_000,
        parts: 14,
        headerPairs: 50,
      },
    });
    scope.addHook('preValidation', async (request) => {
      flattenMultipart(request);
      await rejectNulBytes(request);
    });
    scope.post(
      '/console/certificate-templates/:code',
      {
        schema: {
          params: CodeParams,
          body: Type.Object({
            _csrf: short(200),
            signatoryName: short(2_000),
            signatoryTitle: short(2_000),
            removeBackground: short(10),
            removeLogo: short(10),
            removeSignature: short(10),
            background: Type.Optional(Type.Unknown()),
            logo: Type.Optional(Type.Unknown()),
            signature: Type.Optional(Type.Unknown()),
          }),
        },
        onRequest: async (request) => {
          if (String(request.headers['content-type'] ?? '').startsWith('multipart/')) {
            authorize(request, 'program_manager');
          }
          if (Number(request.headers['content-length'] ?? 0) > MAX_UPLOAD_REQUEST_BYTES) {
            throw new AppError('PAYLOAD_TOO_LARGE', 413, 'error.tooLarge');
          }
        },
      },
      async (request, reply) => {
        const principal = authorize(request, 'program_manager');
        const { background, logo, signature, ...fields } = request.body;
        const outcome = await service.saveTemplate(
          principal,
          request.params.code,
          {
            ...fields,
            background: background as UploadedImage | undefined,
            logo: logo as UploadedImage | undefined,
            signature: signature as UploadedImage | undefined,
          },
          request.ip,
        );
        const code = request.params.code.toUpperCase();
        if (outcome.ok) {
          return reply
            .flash('success', 'templates.savedFlash', { version: outcome.version })
            .redirect(`/console/certificate-templates/${encodeURIComponent(code)}`, 303);
        }
        const ctx = await app.pageContext(request);
        const template = await service.template(code);
        return reply
          .status(400)
          .html(
            <TemplatePage
              ctx={ctx}
              template={template}
              form={formWithProblems(ctx.t, fields, outcome.problems)}
            />,
          );
      },
    );
  });
}

function sendPdf(
  reply: FastifyReply,
  pdf: Uint8Array,
  fileName: string,
  disposition: 'attachment' | 'inline',
) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `${disposition}; filename="${fileName}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(Buffer.from(pdf));
}

/**
 * `attachFieldsToBody` gives `{ value }` objects and file parts: plain
 * strings and `{ name, bytes, truncated }` instead, so the schema, the CSRF
 * check and the NUL-byte check see an ordinary body (as evidence uploads do).
 */
function flattenMultipart(request: FastifyRequest): void {
  if (!request.isMultipart()) return;
  const parts = (request.body ?? {}) as Record<string, unknown>;
  const flat: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(parts)) {
    const part = (Array.isArray(entry) ? entry[0] : entry) as
      MultipartFile | MultipartValue | undefined;
    if (!part || typeof part !== 'object') continue;
    if (part.type === 'file') {
      const file = part as MultipartFile & { _buf?: Buffer | null };
      flat[name] = {
        name: file.filename ?? '',
        bytes: file._buf ?? Buffer.alloc(0),
        truncated: file.file.truncated,
      } satisfies UploadedImage;
    } else if (typeof part.value === 'string') {
      flat[name] = part.value;
    }
  }
  request.body = flat;
}
