import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import fontkitBase from '@pdf-lib/fontkit';
import { PDFDict, PDFDocument } from 'pdf-lib';
import {
  PLAIN,
  renderCertificate,
  unprintableCharacters,
  type CertificateContent,
} from './certificates.pdf.ts';

const fontkit = ((fontkitBase as { default?: typeof fontkitBase }).default ??
  fontkitBase) as unknown as {
  create(data: Uint8Array): {
    layout(text: string, features?: unknown): { glyphs: { id: number }[] };
    glyphsForString(text: string): { id: number }[];
  };
};

const SAMPLES = [
  'Zoë Łucja Дмитриева-Παπαδοπούλου',
  'Nguyễn Thị Minh Khai',
  'Siobhán Ní Bhriain, Søren Kierkegård',
  'Ђорђе Јовановић · Ерлан Сейтқалиев',
  'Credential number 0ABC-DEFG-HJKM-NPQR · Awarded Mar 12, 2026',
  'https://certification.example/verify/0ABC-DEFG-HJKM-NPQR',
  'office ffi fl “quotes” — dashes',
];

describe('certificate font', () => {
  test('layout by the character map gives the glyphs fontkit gives with the same features off', () => {
    for (const file of ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf']) {
      // A font of its own: the renderer's shared font has the shortcut installed.
      const font = fontkit.create(fs.readFileSync(new URL(`./fonts/${file}`, import.meta.url)));
      for (const text of SAMPLES) {
        assert.deepEqual(
          font.glyphsForString(text).map((g) => g.id),
          font.layout(text, { ...PLAIN }).glyphs.map((g) => g.id),
          `${file}: ${text}`,
        );
      }
    }
  });

  test('Latin with diacritics, Greek and Cyrillic print; other scripts are named', () => {
    for (const text of SAMPLES) assert.deepEqual(unprintableCharacters(text), [], text);
    assert.deepEqual(unprintableCharacters('李小龙 Lee'), ['李', '小', '龙']);
    assert.deepEqual(unprintableCharacters('محمد'), ['م', 'ح', 'د']);
  });

  test('a certificate is a PDF whose page content carries the text through the font subset', async () => {
    const content: CertificateContent = {
      paper: 'a4',
      language: 'en',
      programName: 'Program',
      holderName: 'Zoë Дмитриева',
      credentialName: 'Credential',
      credentialNumber: '0ABC-DEFG-HJKM-NPQR',
      awardedOn: '1 Jan 2026',
      expiresOn: null,
      verificationUrl: 'https://x.example/verify/0ABC-DEFG-HJKM-NPQR',
      branding: null,
      accentColor: '#112233',
      labels: {
        heading: 'Certificate',
        certifies: 'This certifies that',
        hasEarned: 'has earned',
        credentialNumber: 'Number',
        awardedOn: 'Awarded',
        expiresOn: 'Valid until',
        noExpiry: 'Does not expire',
        verifyAt: 'Verify at',
      },
      metadata: { title: 'T', subject: 'S', keywords: ['K'], createdAt: new Date(0) },
    };
    const pdf = Buffer.from(await renderCertificate(content));
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const doc = await PDFDocument.load(pdf);
    const keys = new Set<string>();
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      const dict = object instanceof PDFDict ? object : (object as { dict?: unknown }).dict;
      if (dict instanceof PDFDict) for (const key of dict.keys()) keys.add(key.asString());
    }
    assert.ok(keys.has('/FontFile2'), 'TrueType font programs embedded');
    assert.ok(keys.has('/ToUnicode'), 'text maps back to Unicode (selectable, searchable)');
    assert.equal(doc.context.trailerInfo.Encrypt, undefined, 'not encrypted');
    assert.equal(doc.getTitle(), 'T');
    assert.equal(doc.getSubject(), 'S');
    assert.ok(pdf.length < 60_000, `a subset, not the whole font (${pdf.length} bytes)`);
  });
});
