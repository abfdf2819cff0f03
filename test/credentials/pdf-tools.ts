import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { browserRequired } from '../helpers/browser.ts';

/**
 * Debian's PDF and barcode tools, to check certificates with software we did
 * not write: qpdf (structure), poppler-utils (text, metadata, rendering) and
 * zbar-tools (QR decoding). A test that needs a missing tool skips with a
 * message saying which package to install, except where the browser is
 * required too (CI): there a missing tool is a failure, not a skip.
 */

export function missingTools(...tools: string[]): string | undefined {
  const missing = tools.filter((tool) => spawnSync('which', [tool]).status !== 0);
  if (missing.length === 0) return undefined;
  const message = `needs ${missing.join(', ')} (Debian packages qpdf, poppler-utils, zbar-tools)`;
  if (browserRequired()) throw new Error(`Required in CI: ${message}`);
  return message;
}

function withFile<T>(pdf: Uint8Array, work: (file: string, dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'laurel-cert-'));
  try {
    const file = path.join(dir, 'certificate.pdf');
    fs.writeFileSync(file, pdf);
    return work(file, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function run(
  command: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `qpdf --check`: exit status 0 (2 is errors, 3 warnings) and its output. */
export function qpdfCheck(pdf: Uint8Array) {
  return withFile(pdf, (file) => run('qpdf', ['--check', file]));
}

export function qpdfEncryption(pdf: Uint8Array): string {
  return withFile(pdf, (file) => run('qpdf', ['--show-encryption', file]).stdout);
}

export function pdfText(pdf: Uint8Array): string {
  return withFile(pdf, (file) => run('pdftotext', ['-enc', 'UTF-8', file, '-']).stdout);
}

export function pdfInfo(pdf: Uint8Array): Record<string, string> {
  const out = withFile(pdf, (file) => run('pdfinfo', ['-enc', 'UTF-8', file]).stdout);
  const info: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1]!.trim()] = m[2]!.trim();
  }
  return info;
}

/** Renders the first page (150 dpi) and decodes every QR code on it. */
export function qrCodes(pdf: Uint8Array): string[] {
  return withFile(pdf, (file, dir) => {
    const base = path.join(dir, 'page');
    const render = run('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-png', file, base]);
    if (render.status !== 0) throw new Error(`pdftoppm failed: ${render.stderr}`);
    const png = fs.readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png'));
    if (!png) throw new Error('pdftoppm wrote no page');
    const scan = run('zbarimg', ['--quiet', '--raw', path.join(dir, png)]);
    return scan.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  });
}

// ---------------------------------------------------------------------------
// A real PNG (pdf-lib decodes it), drawn in memory
// ---------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of `width` × `height` with a diagonal stroke (a stand-in signature). */
export function pngImage(width = 120, height = 40): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3, 255);
    row[0] = 0;
    for (let x = 0; x < width; x++) {
      if (Math.abs(Math.round((x * height) / width) - y) <= 1) row.fill(20, 1 + x * 3, 4 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
