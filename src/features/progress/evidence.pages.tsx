import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { AppError } from '../../platform/http/errors.ts';
import { rejectNulBytes } from '../../platform/http/input.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { registerNavItem } from '../../platform/html/nav.ts';
import { isoDateIn } from './candidate.service.ts';
import type { EvidenceService, StoredFile, SubmissionInput } from './evidence.service.ts';
import { MAX_EVIDENCE_BYTES } from '../../platform/files/file-type.ts';
import {
  EvidenceFormPage,
  EvidenceKindPage,
  EvidenceListPage,
  ReviewPage,
  ReviewQueuePage,
} from './views/candidate/evidence.tsx';

const PAGE_SIZE = 20;
/** A request body this large is refused before reading it: far past any file we accept. */
const MAX_UPLOAD_REQUEST_BYTES = 50 * 1024 * 1024;

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' });
const short = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

/** The upload's fields after `flattenMultipart`: strings, and the file as bytes. */
const UploadBody = Type.Object({
  _csrf: short(200),
  kind: short(20),
  course: short(100),
  category: short(100),
  amount: short(50),
  occurredOn: short(50),
  // The service gives the precise message; this only keeps absurd input out.
  description: short(20_000),
  file: Type.Optional(Type.Unknown()),
});

interface UploadedFile {
  name: string;
  declaredType: string | undefined;
  bytes: Uint8Array;
  truncated: boolean;
}

/**
 * Evidence pages: the candidate's list and upload form, the file download,
 * and the program managers' review queue and decision.
 */
export function registerEvidencePages(appBase: FastifyInstance, service: EvidenceService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  registerNavItem({
    area: 'staff',
    href: '/console/evidence',
    label: 'nav.evidenceReview',
    roles: ['program_manager'],
    order: 30,
  });

  app.get('/evidence', async (request, reply) => {
    const principal = authorize(request);
    const submissions = await service.mine(principal.userId);
    return reply.html(
      <EvidenceListPage ctx={await app.pageContext(request)} submissions={submissions} />,
    );
  });

  app.get(
    '/evidence/new',
    {
      schema: {
        querystring: Type.Object({
          kind: short(20),
          step: short(10),
          course: Type.Optional(Type.Union([Type.Literal(''), Code])),
          category: Type.Optional(Type.Union([Type.Literal(''), Code])),
        }),
      },
    },
    async (request, reply) => {
      authorize(request);
      const ctx = await app.pageContext(request);
      const { kind, course, category, step } = request.query;
      if (kind !== 'training' && kind !== 'credits') {
        // The question answered without a choice: say so beside the radios.
        const asked = step !== undefined || kind !== undefined;
        const form = asked
          ? formWithProblems(ctx.t, {}, [{ field: 'kind', messageKey: 'evidence.kindRequired' }])
          : emptyForm;
        return reply.status(asked ? 400 : 200).html(<EvidenceKindPage ctx={ctx} form={form} />);
      }
      const choices = await service.choices();
      return reply.html(
        <EvidenceFormPage
          ctx={ctx}
          kind={kind}
          form={{ ...emptyForm, values: { course, category } }}
          courses={choices.courses}
          categories={choices.categories}
        />,
      );
    },
  );

  app.get('/evidence/:id/file', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = authorize(request);
    // Someone else's submission answers 404, the same as one that does not exist.
    return sendFile(reply, await service.file(request.params.id, principal.userId));
  });

  // The upload: the one multipart route, in a scope of its own so that no
  // other route accepts multipart bodies.
  app.register(async function evidenceUpload(scopeBase) {
    const scope = scopeBase.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      attachFieldsToBody: true,
      // A file over the limit is cut off and flagged, not thrown, so the form can say so beside the field.
      throwFileSizeLimit: false,
      limits: {
        fileSize: MAX_EVIDENCE_BYTES,
        files: 1,
        fields: 10,
        fieldSize: 20_000,
        parts: 12,
        headerPairs: 50,
      },
    });
    // Runs after the multipart plugin's own preValidation hook has read the parts.
    scope.addHook('preValidation', async (request) => {
      flattenMultipart(request);
      await rejectNulBytes(request);
    });

    scope.post(
      '/evidence/new',
      {
        schema: { body: UploadBody },
        // Before the body is read: no one signed out gets to upload, and nothing absurdly large is read.
        onRequest: async (request) => {
          if (String(request.headers['content-type'] ?? '').startsWith('multipart/'))
            authorize(request);
          const length = Number(request.headers['content-length'] ?? 0);
          if (length > MAX_UPLOAD_REQUEST_BYTES) {
            throw new AppError('PAYLOAD_TOO_LARGE', 413, 'error.tooLarge');
          }
        },
      },
      async (request, reply) => {
        const principal = authorize(request);
        const ctx = await app.pageContext(request);
        const { file, ...fields } = request.body;
        const input: SubmissionInput = { ...fields, file: file as UploadedFile | undefined };
        const outcome = await service.submit(
          principal.userId,
          input,
          isoDateIn(new Date(), ctx.timeZone),
        );
        if (outcome.ok) {
          return reply.flash('success', 'evidence.sentFlash').redirect('/evidence', 303);
        }
        const form = formWithProblems(ctx.t, fields, outcome.problems);
        if (fields.kind !== 'training' && fields.kind !== 'credits') {
          return reply.status(400).html(<EvidenceKindPage ctx={ctx} form={form} />);
        }
        const choices = await service.choices();
        return reply
          .status(400)
          .html(
            <EvidenceFormPage
              ctx={ctx}
              kind={fields.kind}
              form={form}
              courses={choices.courses}
              categories={choices.categories}
            />,
          );
      },
    );
  });

  // ------------------------------------------------------------------ staff

  app.get(
    '/console/evidence',
    {
      schema: {
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('decided')])),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        }),
      },
    },
    async (request, reply) => {
      authorize(request, 'program_manager');
      const status = request.query.status ?? 'pending';
      const page = request.query.page ?? 1;
      const { rows, total } = await service.reviewQueue(status, page, PAGE_SIZE);
      return reply.html(
        <ReviewQueuePage
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

  app.get('/console/evidence/:id', { schema: { params: IdParams } }, async (request, reply) => {
    authorize(request, 'program_manager');
    const row = await service.forReview(request.params.id);
    return reply.html(
      <ReviewPage ctx={await app.pageContext(request)} row={row} form={emptyForm} />,
    );
  });

  app.get(
    '/console/evidence/:id/file',
    { schema: { params: IdParams } },
    async (request, reply) => {
      authorize(request, 'program_manager');
      return sendFile(reply, await service.file(request.params.id, undefined));
    },
  );

  app.post(
    '/console/evidence/:id/decision',
    {
      schema: {
        params: IdParams,
        body: Type.Object({
          _csrf: short(200),
          // Optional in the schema so that a post without a CSRF token is refused as such (403).
          decision: Type.Optional(Type.Union([Type.Literal('approve'), Type.Literal('reject')])),
          note: short(20_000),
        }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const { id } = request.params;
      const { decision, note } = request.body;
      if (!decision) throw new AppError('VALIDATION_FAILED', 400, 'error.badRequest');
      let outcome;
      try {
        outcome = await service.decide(principal, id, decision, note, request.ip);
      } catch (error) {
        if (error instanceof AppError && error.code === 'EVIDENCE_ALREADY_DECIDED') {
          return reply
            .flash('warning', 'evidence.alreadyDecided')
            .redirect(`/console/evidence/${id}`, 303);
        }
        throw error;
      }
      if (outcome.ok) {
        return reply
          .flash(
            'success',
            decision === 'approve' ? 'review.approvedFlash' : 'review.rejectedFlash',
            {
              id,
            },
          )
          .redirect('/console/evidence', 303);
      }
      const ctx = await app.pageContext(request);
      const row = await service.forReview(id);
      return reply
        .status(400)
        .html(
          <ReviewPage
            ctx={ctx}
            row={row}
            form={formWithProblems(ctx.t, request.body, outcome.problems)}
          />,
        );
    },
  );
}

/**
 * `attachFieldsToBody` gives `{ value }` objects (with a circular `fields`
 * back-reference) and file parts with streams: turn them into plain strings
 * and one `{ name, declaredType, bytes, truncated }`, so that the schema,
 * the CSRF check and the NUL-byte check see an ordinary body. A repeated
 * field keeps its first value; a field that is not text is dropped.
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
        declaredType: file.mimetype,
        bytes: file._buf ?? Buffer.alloc(0),
        truncated: file.file.truncated,
      } satisfies UploadedFile;
    } else if (typeof part.value === 'string') {
      flat[name] = part.value;
    }
  }
  request.body = flat;
}

/** Sends a stored file for download, never for display: the browser must not render what a candidate uploaded. */
function sendFile(reply: FastifyReply, file: StoredFile): FastifyReply {
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

/** Percent-encoding for a `filename*` value (RFC 5987 leaves fewer characters bare than URIs do). */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
