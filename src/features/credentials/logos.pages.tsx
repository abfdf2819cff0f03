import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { AppError } from '../../platform/http/errors.ts';
import { rejectNulBytes } from '../../platform/http/input.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import { MAX_LOGO_BYTES } from './logos.file-check.ts';
import type { LogosService, StoredLogo, UploadedLogo } from './logos.service.ts';
import { CandidateLogosPage, CredentialLogosPage, LogosOverviewPage } from './logos.views.tsx';

const MAX_UPLOAD_REQUEST_BYTES = 20 * 1024 * 1024;
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' });
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const Number_ = Type.String({ minLength: 1, maxLength: 40 });
const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/**
 * Console: `/console/logos` and `/console/logos/:code` (files, guidelines,
 * download log). Candidates: `/my-credentials/:credentialNumber/logos`.
 * Every file leaves as an attachment, never for display.
 */
export function registerLogoPages(appBase: FastifyInstance, service: LogosService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({
    area: 'staff',
    href: '/console/logos',
    label: 'nav.logos',
    roles: ['program_manager'],
    order: 40,
  });

  // ------------------------------------------------------------------ console

  app.get('/console/logos', async (request, reply) => {
    authorize(request, 'program_manager');
    const rows = await service.overview();
    return reply.html(<LogosOverviewPage ctx={await app.pageContext(request)} rows={rows} />);
  });

  app.get(
    '/console/logos/:code',
    { schema: { params: Type.Object({ code: Code }) } },
    async (request, reply) => {
      authorize(request, 'program_manager');
      const data = await service.forCredential(request.params.code);
      return reply.html(
        <CredentialLogosPage
          ctx={await app.pageContext(request)}
          data={data}
          uploadForm={emptyForm}
          guidelinesForm={emptyForm}
        />,
      );
    },
  );

  app.get(
    '/console/logos/:code/files/:id',
    { schema: { params: Type.Object({ code: Code, id: Id }) } },
    async (request, reply) => {
      authorize(request, 'program_manager');
      return sendLogo(reply, await service.fileForStaff(request.params.code, request.params.id));
    },
  );

  app.post(
    '/console/logos/:code/files/:id/delete',
    {
      schema: {
        params: Type.Object({ code: Code, id: Id }),
        body: Type.Object({ _csrf: short(200) }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const { code, id } = request.params;
      const name = await service.removeFile(principal, code, id, request.ip);
      return reply
        .flash('success', 'logos.removedFlash', { name })
        .redirect(`/console/logos/${encodeURIComponent(code)}`, 303);
    },
  );

  app.post(
    '/console/logos/:code/guidelines',
    {
      schema: {
        params: Type.Object({ code: Code }),
        body: Type.Object({ _csrf: short(200), body: short(100_000) }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const { code } = request.params;
      const outcome = await service.publishGuidelines(
        principal,
        code,
        request.body.body,
        request.ip,
      );
      if (outcome.ok) {
        return reply
          .flash('success', 'logos.publishedFlash', { version: outcome.version })
          .redirect(`/console/logos/${encodeURIComponent(code)}`, 303);
      }
      const ctx = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          <CredentialLogosPage
            ctx={ctx}
            data={await service.forCredential(code)}
            uploadForm={emptyForm}
            guidelinesForm={formWithProblems(ctx.t, { body: request.body.body }, outcome.problems)}
          />,
        );
    },
  );

  // The upload: the one multipart route, in a scope of its own.
  app.register(async function logoUpload(scopeBase) {
    const scope = scopeBase.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      attachFieldsToBody: true,
      throwFileSizeLimit: false,
      limits: {
        fileSize: MAX_LOGO_BYTES,
        files: 1,
        fields: 5,
        fieldSize: 1000,
        parts: 6,
        headerPairs: 50,
      },
    });
    scope.addHook('preValidation', async (request) => {
      flattenMultipart(request);
      await rejectNulBytes(request);
    });
    scope.post(
      '/console/logos/:code/files',
      {
        schema: {
          params: Type.Object({ code: Code }),
          body: Type.Object({ _csrf: short(200), file: Type.Optional(Type.Unknown()) }),
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
        const { code } = request.params;
        const file = request.body.file as UploadedLogo | undefined;
        const outcome = await service.upload(principal, code, file, request.ip);
        if (outcome.ok) {
          return reply
            .flash('success', 'logos.uploadedFlash', { name: outcome.fileName })
            .redirect(`/console/logos/${encodeURIComponent(code)}`, 303);
        }
        const ctx = await app.pageContext(request);
        return reply
          .status(400)
          .html(
            <CredentialLogosPage
              ctx={ctx}
              data={await service.forCredential(code)}
              uploadForm={formWithProblems(ctx.t, {}, outcome.problems)}
              guidelinesForm={emptyForm}
            />,
          );
      },
    );
  });

  // ------------------------------------------------------------------ candidates

  app.get(
    '/my-credentials/:credentialNumber/logos',
    { schema: { params: Type.Object({ credentialNumber: Number_ }) } },
    async (request, reply) => {
      const principal = authorize(request);
      const data = await service.candidatePage(principal.userId, request.params.credentialNumber);
      return reply.html(<CandidateLogosPage ctx={await app.pageContext(request)} data={data} />);
    },
  );

  app.post(
    '/my-credentials/:credentialNumber/logos/accept',
    {
      schema: {
        params: Type.Object({ credentialNumber: Number_ }),
        body: Type.Object({
          _csrf: short(200),
          version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request);
      const { credentialNumber } = request.params;
      const { version } = request.body;
      if (version === undefined) throw new AppError('VALIDATION_FAILED', 400, 'error.badRequest');
      await service.accept(principal.userId, credentialNumber, version, request.ip);
      return reply
        .flash('success', 'logos.acceptedFlash')
        .redirect(
          `/my-credentials/${encodeURIComponent(credentialNumber.toUpperCase())}/logos`,
          303,
        );
    },
  );

  app.get(
    '/my-credentials/:credentialNumber/logos/:id',
    { schema: { params: Type.Object({ credentialNumber: Number_, id: Id }) } },
    async (request, reply) => {
      const principal = authorize(request);
      const { credentialNumber, id } = request.params;
      return sendLogo(reply, await service.download(principal.userId, credentialNumber, id));
    },
  );
}

/**
 * Sends a logo as a download, never for display: `attachment`, the kind's
 * content type (SVG as an opaque `application/octet-stream`), no sniffing,
 * and a sandboxing CSP in case a browser renders it anyway.
 */
function sendLogo(reply: FastifyReply, file: StoredLogo): FastifyReply {
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', file.contentType)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(file.fileName)}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(Buffer.from(file.bytes));
}

function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Multipart parts as plain strings and one `{ name, bytes, truncated }` file (as the evidence upload does). */
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
      } satisfies UploadedLogo;
    } else if (typeof part.value === 'string') {
      flat[name] = part.value;
    }
  }
  request.body = flat;
}
