import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  MAX_RECORD_CHARS,
  RecordSplitter,
  normalizeLastName,
  parseResultDate,
  readHeader,
  readRow,
  type ExamFacts,
  type RawRecord,
} from './result-file.ts';
import { checkSignature, signBody } from './signing.ts';
import { vendorDate, vendorTimestamp } from './export.service.ts';
import { alpha3 } from './countries.ts';

function split(chunks: string[]): RawRecord[] {
  const out: RawRecord[] = [];
  const s = new RecordSplitter();
  for (const c of chunks) s.push(c, (r) => out.push(r));
  s.end((r) => out.push(r));
  return out;
}

const EXAM: ExamFacts = {
  id: 7,
  code: 'ACS-101',
  scoreMin: 100,
  scoreMax: 1000,
  passingScore: 700,
  versions: ['A'],
};
const exams = (code: string) => (code === 'ACS-101' ? EXAM : undefined);
const NOW = new Date('2026-11-24T12:00:00Z');

describe('RecordSplitter', () => {
  test('tabs or commas from the first line; CRLF, quotes, doubled quotes and line breaks in quotes', () => {
    assert.deepEqual(
      split(['a\tb\r\n1\t"x\ty"\r\n']).map((r) => r.fields),
      [
        ['a', 'b'],
        ['1', 'x\ty'],
      ],
    );
    const records = split(['a,b\n"he said ""hi""","two\nlines"\n\n3,4']);
    assert.deepEqual(
      records.map((r) => [r.line, r.fields]),
      [
        [1, ['a', 'b']],
        [2, ['he said "hi"', 'two\nlines']],
        [5, ['3', '4']],
      ],
    );
  });

  test('a BOM is dropped; NUL bytes, bad UTF-8, unclosed quotes and endless lines are flagged', () => {
    assert.deepEqual(split(['\ufeffa,b\n'])[0]!.fields, ['a', 'b']);
    const recs = split(['a,b\n1,\u0000\n2,\ufffd\n3,"open\n']);
    assert.deepEqual(
      recs.map((r) => [r.line, r.problem ?? null]),
      [
        [1, null],
        [2, 'results.p.nulByte'],
        [3, 'results.p.encoding'],
        [4, 'results.p.unclosedQuote'],
      ],
    );
    assert.ok(!recs[1]!.raw.includes('\u0000'));
    const long = split(['a,b\n', 'x'.repeat(MAX_RECORD_CHARS * 3), '\n1,2\n']);
    assert.deepEqual(
      long.map((r) => [r.line, r.problem ?? null, r.fields.length]),
      [
        [1, null, 2],
        [2, 'results.p.tooLong', 1],
        [3, null, 2],
      ],
    );
  });

  test('property: records do not depend on how the text is cut into chunks', () => {
    const cell = fc.stringMatching(/^[a-z0-9 ,"\t\n]{0,8}$/);
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (rows, cuts) => {
          const text = `h1,h2\n${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let at = 0;
          for (const p of points) {
            chunks.push(text.slice(at, p));
            at = p;
          }
          chunks.push(text.slice(at));
          const whole = split([text]).map((r) => r.fields);
          assert.deepEqual(
            split(chunks).map((r) => r.fields),
            whole,
          );
          assert.deepEqual(whole.slice(1), rows);
        },
      ),
    );
  });
});

describe('readHeader and readRow', () => {
  const header = readHeader({
    line: 1,
    raw: '',
    fields: [
      'RegistrationID',
      'ClientCandidateID',
      'ExamSeriesCode',
      'ExamRevision',
      'ExamDate',
      'Score',
      'Grade',
      'NoShow',
      'TCID',
    ],
  }).header!;
  const row = (fields: string[]) =>
    readRow({ line: 2, raw: '', fields: [...fields, 'x'] }, header, exams, NOW);

  test('the vendor header is recognised; unknown columns are ignored', () => {
    assert.equal(header.format, 'provider');
    assert.equal(header.columns.examCode, 2);
  });

  test('a good row, with the outcome from the grade or from the score', () => {
    const ok = row(['R1', 'CT-1', 'acs-101', 'A', '2026/03/14 09:30', '650', 'pass', 'false']);
    assert.equal(ok.kind, 'row');
    if (ok.kind === 'row') {
      assert.equal(ok.row.passed, true);
      assert.equal(ok.row.examCode, 'ACS-101');
      assert.equal(ok.row.takenAt.toISOString(), '2026-03-14T09:30:00.000Z');
    }
    const byScore = row(['R1', 'CT-1', 'ACS-101', '', '2026-03-14', '650', '', '']);
    assert.equal(byScore.kind === 'row' && byScore.row.passed, false);
    assert.equal(row(['R1', 'CT-1', 'ACS-101', '', '2026-03-14', '', '', 'Y']).kind, 'noShow');
  });

  test('every problem of a row, each with its column', () => {
    const bad = row(['', 'CT-1', 'XYZ', 'B', 'yesterday', 'lots', 'maybe', 'perhaps']);
    assert.equal(bad.kind, 'bad');
    if (bad.kind === 'bad') {
      assert.deepEqual(
        bad.problems.map((p) => `${p.column}:${p.messageKey}`),
        [
          'NoShow:results.p.noShow',
          'RegistrationID:results.p.required',
          'ExamSeriesCode:results.p.unknownExam',
          'ExamDate:results.p.date',
          'Score:results.p.score',
          'Grade:results.p.outcome',
        ],
      );
    }
    const width = readRow({ line: 3, raw: '', fields: ['a'] }, header, exams, NOW);
    assert.equal(width.kind === 'bad' && width.problems[0]!.messageKey, 'results.p.columnCount');
  });

  test('property: readRow never throws, whatever the fields', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 20 }), { minLength: 9, maxLength: 9 }),
        (fields) => {
          const out = readRow({ line: 2, raw: '', fields }, header, exams, NOW);
          assert.ok(['row', 'bad', 'noShow'].includes(out.kind));
        },
      ),
    );
  });
});

describe('small rules', () => {
  test('dates: formats, zones, impossible days', () => {
    assert.equal(parseResultDate('2026-03-14')!.toISOString(), '2026-03-14T00:00:00.000Z');
    assert.equal(parseResultDate('2026/3/4 7:05:09')!.toISOString(), '2026-03-04T07:05:09.000Z');
    assert.equal(
      parseResultDate('2026-03-14T10:00:00+02:00')!.toISOString(),
      '2026-03-14T08:00:00.000Z',
    );
    for (const bad of [
      '2026-02-30',
      '1969-12-31',
      '14/03/2026',
      '2026-13-01',
      '2026-03-14 25:00',
      '',
    ])
      assert.equal(parseResultDate(bad), undefined, bad);
  });

  test('last names compare without case, accents, spaces, dashes and apostrophes', () => {
    assert.equal(normalizeLastName('Núñez-García'), normalizeLastName('nunez garcia'));
    assert.equal(normalizeLastName("O'Brien"), 'obrien');
    assert.notEqual(normalizeLastName('Lee'), normalizeLastName('Li'));
  });

  test('signatures: the known vector, replay window, tampering', () => {
    const body = '{"results":[]}';
    const header = signBody('s3cret', 1_700_000_000, body);
    // Computed independently: printf '1700000000.{"results":[]}' | openssl dgst -sha256 -hmac s3cret
    assert.equal(
      header,
      't=1700000000,v1=6a77d18885456a73ec526cd038198925695883e2a7f7f67b90e20ece69ae9302',
    );
    assert.equal(checkSignature('s3cret', header, body, 1_700_000_100), 'ok');
    assert.equal(checkSignature('s3cret', header, body, 1_700_000_400), 'stale');
    assert.equal(checkSignature('s3cret', header, `${body} `, 1_700_000_000), 'mismatch');
    assert.equal(checkSignature('s3cret', undefined, body, 1_700_000_000), 'missing');
    assert.equal(checkSignature('s3cret', 'garbage', body, 1_700_000_000), 'malformed');
    assert.equal(checkSignature(null, undefined, body, 0), 'ok');
    assert.equal(checkSignature(null, header, body, 0), 'unexpected');
  });

  test('vendor formats', () => {
    assert.equal(vendorTimestamp(new Date('2026-01-02T03:04:05.678Z')), '2026/01/02 03:04:05');
    assert.equal(vendorDate('2026-05-01'), '2026/05/01');
    assert.equal(alpha3('de'), 'DEU');
    assert.equal(alpha3('GB'), 'GBR');
    assert.equal(alpha3('XX'), '');
  });
});
