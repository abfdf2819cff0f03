import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_EVIDENCE_BYTES,
  checkEvidenceFile,
  contentTypeOfName,
  detectContentType,
  normalizeDeclaredType,
  safeFileName,
} from './file-type.ts';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

const PDF = bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n');
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR');
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0');
const EXE = bytes('MZ\x90\x00\x03\x00\x00\x00', [0x04, 0, 0, 0]);

test('detectContentType recognizes PDF, PNG and JPEG by their first bytes', () => {
  assert.equal(detectContentType(PDF), 'application/pdf');
  assert.equal(detectContentType(PNG), 'image/png');
  assert.equal(detectContentType(JPEG), 'image/jpeg');
});

test('detectContentType refuses everything else, including near misses', () => {
  for (const other of [
    EXE,
    bytes('PK\x03\x04'), // ZIP (also .docx)
    bytes('<svg xmlns="http://www.w3.org/2000/svg">'),
    bytes('<!doctype html><script>'),
    bytes('GIF89a'),
    bytes('%PDF'), // no dash: too short to be a header
    bytes(' %PDF-1.4'), // not at the start
    bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a]), // PNG signature cut short
    bytes([0xff, 0xd8]), // JPEG SOI without a marker after it
    new Uint8Array(),
  ]) {
    assert.equal(detectContentType(other), null, Buffer.from(other).toString('latin1'));
  }
});

test('contentTypeOfName reads the extension only, case-insensitively', () => {
  assert.equal(contentTypeOfName('Certificate.PDF'), 'application/pdf');
  assert.equal(contentTypeOfName('scan.jpeg'), 'image/jpeg');
  assert.equal(contentTypeOfName('scan.JPG'), 'image/jpeg');
  assert.equal(contentTypeOfName('photo.png'), 'image/png');
  assert.equal(contentTypeOfName('archive.pdf.exe'), null);
  assert.equal(contentTypeOfName('no-extension'), null);
});

test('normalizeDeclaredType folds the usual aliases and drops parameters', () => {
  assert.equal(normalizeDeclaredType('image/jpg'), 'image/jpeg');
  assert.equal(normalizeDeclaredType('Application/PDF; charset=binary'), 'application/pdf');
  assert.equal(normalizeDeclaredType(''), null);
  assert.equal(normalizeDeclaredType(undefined), null);
});

test('checkEvidenceFile accepts a file whose name and declared type agree with its content', () => {
  assert.deepEqual(
    checkEvidenceFile({ bytes: PDF, name: 'course.pdf', declaredType: 'application/pdf' }),
    { ok: true, contentType: 'application/pdf', extension: 'pdf' },
  );
  assert.deepEqual(
    checkEvidenceFile({ bytes: JPEG, name: 'photo.JPG', declaredType: 'image/jpg' }),
    {
      ok: true,
      contentType: 'image/jpeg',
      extension: 'jpg',
    },
  );
  // A generic or missing declared type, and a name without a known extension, claim nothing.
  assert.equal(
    checkEvidenceFile({ bytes: PNG, name: 'scan', declaredType: 'application/octet-stream' }).ok,
    true,
  );
});

test('checkEvidenceFile refuses a PNG named .pdf or declared as a PDF', () => {
  assert.deepEqual(
    checkEvidenceFile({ bytes: PNG, name: 'certificate.pdf', declaredType: 'application/pdf' }),
    { ok: false, problem: 'mismatch' },
  );
  assert.deepEqual(
    checkEvidenceFile({ bytes: PNG, name: 'certificate.png', declaredType: 'application/pdf' }),
    {
      ok: false,
      problem: 'mismatch',
    },
  );
  assert.deepEqual(
    checkEvidenceFile({ bytes: PNG, name: 'certificate.pdf', declaredType: 'image/png' }),
    {
      ok: false,
      problem: 'mismatch',
    },
  );
});

test('checkEvidenceFile refuses an executable whatever its name and declared type', () => {
  assert.deepEqual(
    checkEvidenceFile({ bytes: EXE, name: 'photo.png', declaredType: 'image/png' }),
    {
      ok: false,
      problem: 'unsupported',
    },
  );
});

test('checkEvidenceFile refuses an empty file and one over the limit or cut off', () => {
  assert.deepEqual(checkEvidenceFile({ bytes: new Uint8Array(), name: 'a.pdf' }), {
    ok: false,
    problem: 'empty',
  });
  const big = new Uint8Array(MAX_EVIDENCE_BYTES + 1);
  big.set(PDF);
  assert.deepEqual(checkEvidenceFile({ bytes: big, name: 'a.pdf' }), {
    ok: false,
    problem: 'tooLarge',
  });
  assert.deepEqual(checkEvidenceFile({ bytes: PDF, name: 'a.pdf', truncated: true }), {
    ok: false,
    problem: 'tooLarge',
  });
  const exact = new Uint8Array(MAX_EVIDENCE_BYTES);
  exact.set(PDF);
  assert.equal(checkEvidenceFile({ bytes: exact, name: 'a.pdf' }).ok, true);
});

test('safeFileName keeps the base name, drops paths and control characters, and uses the detected extension', () => {
  assert.equal(safeFileName('C:\\Users\\ada\\My course.PDF', 'pdf'), 'My course.pdf');
  assert.equal(safeFileName('../../etc/passwd.png', 'png'), 'passwd.png');
  assert.equal(safeFileName('a"b\r\nc;d.jpg', 'jpg'), 'a_b__c_d.jpg');
  assert.equal(safeFileName('photo.pdf', 'png'), 'photo.png');
  assert.equal(safeFileName('', 'pdf'), 'evidence.pdf');
  assert.equal(safeFileName(`${'x'.repeat(300)}.pdf`, 'pdf').length, 124);
});
