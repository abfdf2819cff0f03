import crypto from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';

const PUBLIC_DIR = new URL('../../../public/', import.meta.url);
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Static files from `public/`, read once into memory with an ETag, and the
 * theme stylesheet made from the program's accent color (a stylesheet, not an
 * inline style, so the CSP needs no 'unsafe-inline').
 */
export function registerAssets(app: FastifyInstance): void {
  const files = new Map<string, { body: Buffer; type: string; etag: string }>();
  for (const name of fs.readdirSync(PUBLIC_DIR)) {
    const ext = name.slice(name.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type) continue;
    const body = fs.readFileSync(new URL(name, PUBLIC_DIR));
    files.set(name, {
      body,
      type,
      etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"`,
    });
  }

  app.get('/assets/theme.css', { logLevel: 'warn' }, async (_request, reply) => {
    const { accentColor } = await app.platform.program.get();
    const accent = /^#[0-9a-fA-F]{6}$/.test(accentColor) ? accentColor : '#1d4ed8';
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .send(`:root { --accent: ${accent}; }\n`);
  });

  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { logLevel: 'warn' },
    async (request, reply) => {
      const file = files.get(request.params.name);
      if (!file) return reply.callNotFound();
      if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
      return reply
        .type(file.type)
        .header('etag', file.etag)
        .header('cache-control', 'public, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .send(file.body);
    },
  );
}
