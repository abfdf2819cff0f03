import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * No text Laurel stores may carry a NUL byte (PostgreSQL refuses them, and
 * they only ever arrive from attacks or broken clients): refuse the request
 * with a 400 before any handler sees it.
 */
export async function rejectNulBytes(request: FastifyRequest): Promise<void> {
  if (hasNul(request.body, 0) || hasNul(request.query, 0) || hasNul(request.params, 0)) {
    throw new AppError('NUL_BYTE', 400, 'error.nulByte');
  }
}

function hasNul(value: unknown, depth: number): boolean {
  if (depth > 20) return false;
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000') || hasNul(v, depth + 1)) return true;
    }
  }
  return false;
}
