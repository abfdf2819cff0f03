import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, toCsv } from './csv.ts';

test('csvCell leaves plain text and numbers alone', () => {
  assert.equal(csvCell('ACS-101'), 'ACS-101');
  assert.equal(csvCell(812), '812');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
});

test('csvCell quotes commas, quotes, line breaks and edge spaces, doubling quotes', () => {
  assert.equal(csvCell('Cloud, advanced'), '"Cloud, advanced"');
  assert.equal(csvCell('The "best" exam'), '"The ""best"" exam"');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
  assert.equal(csvCell(' padded'), '" padded"');
});

test('csvCell defuses cells a spreadsheet would run as a formula', () => {
  assert.equal(
    csvCell('=HYPERLINK("http://evil.example","x")'),
    '"\'=HYPERLINK(""http://evil.example"",""x"")"',
  );
  assert.equal(csvCell('+1+1'), "'+1+1");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\t=1'), "'\t=1");
  // Only the start matters.
  assert.equal(csvCell('a=b'), 'a=b');
});

test('toCsv writes a BOM, a header and CRLF-terminated rows', () => {
  assert.equal(
    toCsv(
      ['Exam', 'Score'],
      [
        ['ACS-101', 812],
        ['=cmd', null],
      ],
    ),
    "\uFEFFExam,Score\r\nACS-101,812\r\n'=cmd,\r\n",
  );
});
