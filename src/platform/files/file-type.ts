/**
 * What an uploaded file (evidence, support attachments) really is, judged by its first bytes (its
 * "magic number"), never by its name or the type the browser declared: both
 * are chosen by the sender. Pure: no I/O.
 *
 * Only the three types the program accepts are recognized; anything else
 * (an executable, a ZIP, HTML, an SVG that could carry script) is `null`.
 */

export type EvidenceContentType = 'application/pdf' | 'image/png' | 'image/jpeg';

export const EVIDENCE_CONTENT_TYPES: readonly EvidenceContentType[] = [
  'application/pdf',
  'image/png',
  'image/jpeg',
];

/** 5 MiB: the largest evidence file accepted (the database refuses more as well). */
export const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89PNG\r\n\x1a\n
const JPEG = [0xff, 0xd8, 0xff]; // SOI marker, then the first segment's marker

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

/**
 * The content type the bytes are, or null when they are none of the accepted
 * types. The signature must start the file: readers tolerate junk before a
 * PDF header, but a file that needs that tolerance is one we do not want.
 */
export function detectContentType(bytes: Uint8Array): EvidenceContentType | null {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, PDF)) return 'application/pdf';
  return null;
}

/** The type a file name claims by its extension (case-insensitive), or null. */
export function contentTypeOfName(name: string): EvidenceContentType | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  switch (name.slice(dot + 1).toLowerCase()) {
    case 'pdf':
      return 'application/pdf';
    case 'png':
      return 'image/png';
    case 'jpg':
    case 'jpeg':
    case 'jpe':
      return 'image/jpeg';
    default:
      return null;
  }
}

/** Normalizes a declared (browser-sent) type: `image/jpg` and `image/pjpeg` are JPEG; parameters are dropped. */
export function normalizeDeclaredType(declared: string | undefined): string | null {
  if (!declared) return null;
  const base = declared.split(';')[0]!.trim().toLowerCase();
  if (base === 'image/jpg' || base === 'image/pjpeg') return 'image/jpeg';
  if (base === 'application/x-pdf') return 'application/pdf';
  return base || null;
}

export type FileCheck =
  | { ok: true; contentType: EvidenceContentType; extension: 'pdf' | 'png' | 'jpg' }
  | { ok: false; problem: 'empty' | 'tooLarge' | 'unsupported' | 'mismatch' };

const EXTENSION: Record<EvidenceContentType, 'pdf' | 'png' | 'jpg'> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/**
 * Accepts a file when its content is a PDF, PNG or JPEG, and neither its
 * name's extension nor its declared type says it is something else. A PNG
 * named `.pdf` (or sent as `application/pdf`) is refused as a mismatch rather
 * than quietly stored under the wrong type: the candidate probably picked the
 * wrong file. A generic declared type (`application/octet-stream`, none) and
 * a name without a known extension claim nothing.
 */
export function checkEvidenceFile(file: {
  bytes: Uint8Array;
  name: string;
  declaredType?: string | undefined;
  /** Set when the upload was cut off at the size limit. */
  truncated?: boolean;
}): FileCheck {
  if (file.truncated || file.bytes.length > MAX_EVIDENCE_BYTES) {
    return { ok: false, problem: 'tooLarge' };
  }
  if (file.bytes.length === 0) return { ok: false, problem: 'empty' };
  const detected = detectContentType(file.bytes);
  if (!detected) return { ok: false, problem: 'unsupported' };
  const byName = contentTypeOfName(file.name);
  const declared = normalizeDeclaredType(file.declaredType);
  const nameDisagrees = byName !== null && byName !== detected;
  const declaredDisagrees =
    declared !== null && declared !== 'application/octet-stream' && declared !== detected;
  if (nameDisagrees || declaredDisagrees) return { ok: false, problem: 'mismatch' };
  return { ok: true, contentType: detected, extension: EXTENSION[detected] };
}

/**
 * A file name safe to store and to send back in Content-Disposition: the
 * base name only, control and path characters replaced, at most 120
 * characters, and the extension of the detected type.
 */
export function safeFileName(name: string, extension: 'pdf' | 'png' | 'jpg'): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .replace(/[\u0000-\u001f\u007f"<>:|?*%;]/g, '_')
    .trim()
    .slice(0, 120);
  return `${base || 'evidence'}.${extension}`;
}
