import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { UploadedFile } from './tickets.service.ts';

/**
 * Multipart bodies for the support forms, and sending stored files back.
 * Like evidence uploads (features/progress/evidence.pages.tsx), but a form
 * here carries up to three files in one field.
 */

/** The file field of the support forms. */
export const FILES_FIELD = 'attachments';

/**
 * `attachFieldsToBody` gives `{ value }` objects and file parts with
 * buffers: turn them into plain strings (a repeated text field keeps its
 * first value) and, for the files field, a list of `UploadedFile`, so the
 * schema, the CSRF check and the NUL-byte check see an ordinary body.
 */
export function flattenMultipart(request: FastifyRequest): void {
  if (!request.isMultipart()) return;
  const parts = (request.body ?? {}) as Record<string, unknown>;
  const flat: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(parts)) {
    const list = (Array.isArray(entry) ? entry : [entry]) as (
      MultipartFile | MultipartValue | undefined
    )[];
    for (const part of list) {
      if (!part || typeof part !== 'object') continue;
      if (part.type === 'file') {
        if (name !== FILES_FIELD) continue;
        const file = part as MultipartFile & { _buf?: Buffer | null };
        const files = (flat[name] ??= []) as UploadedFile[];
        files.push({
          name: file.filename ?? '',
          declaredType: file.mimetype,
          bytes: file._buf ?? Buffer.alloc(0),
          truncated: file.file.truncated,
        });
      } else if (typeof part.value === 'string' && flat[name] === undefined) {
        flat[name] = part.value;
      }
    }
  }
  request.body = flat;
}

/** Sends a stored file for download, never for display: the browser must not render what someone uploaded. */
export function sendDownload(
  reply: FastifyReply,
  file: { fileName: string; contentType: string; bytes: Uint8Array },
): FastifyReply {
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
