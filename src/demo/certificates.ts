import zlib from 'node:zlib';
import type { App } from '../app.ts';

/**
 * The demo's certificates: a template for every demo credential (signed by
 * the program manager, with a drawn signature), and a name change request
 * waiting for support (`mei` asks to print her married name), so both
 * sides of the flow can be tried: sign in as `sam` and open Name changes.
 */
export async function seedCertificates(app: App, ids: ReadonlyMap<string, number>): Promise<void> {
  const morgan = ids.get('morgan');
  if (morgan !== undefined) {
    const signature = { name: 'signature.png', bytes: signaturePng(), truncated: false };
    for (const template of await app.credentials.certificates.templates()) {
      const saved = await app.credentials.certificates.saveTemplate(
        { userId: morgan },
        template.credentialCode,
        {
          signatoryName: 'Morgan Dubois',
          signatoryTitle: 'Program Manager, Corvid Certification Program',
          signature,
        },
        '127.0.0.1',
      );
      if (!saved.ok) throw new Error(`demo certificate template for ${template.credentialCode}`);
    }
  }
  const mei = ids.get('mei');
  if (mei !== undefined) {
    const sent = await app.credentials.nameChanges.submit(
      { userId: mei },
      {
        givenName: 'Mei',
        familyName: 'Tanaka-Lindgren',
        reason:
          'I married in June and now use my married name at work; my certificates should show it.',
      },
    );
    if (!sent.ok) throw new Error('demo name change request');
  }
}

/** A handwritten-looking stroke on a transparent background, as a PNG. */
export function signaturePng(width = 360, height = 110): Buffer {
  const pixels = Buffer.alloc(height * (1 + width * 4));
  const ink = (x: number, y: number) => {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const px = Math.round(x + dx);
        const py = Math.round(y + dy);
        if (px < 0 || py < 0 || px >= width || py >= height) continue;
        const at = py * (1 + width * 4) + 1 + px * 4;
        pixels.set([18, 38, 92, 255], at);
      }
    }
  };
  for (let i = 0; i <= 2000; i++) {
    const s = i / 2000;
    const x = 20 + s * (width - 40);
    const y = height / 2 + Math.sin(s * 14) * 22 * (1 - s * 0.6) + Math.cos(s * 37) * 8;
    ink(x, y);
  }
  for (let x = 60; x < width - 30; x++) ink(x, height - 22 + Math.sin(x / 40) * 2);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
