import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyText } from './database.ts';

test('copyText writes values in COPY text format', () => {
  assert.equal(copyText(null), '\\N');
  assert.equal(copyText(42), '42');
  assert.equal(copyText(false), 'false');
  assert.equal(copyText(new Date('2026-03-14T09:30:00Z')), '2026-03-14T09:30:00.000Z');
  assert.equal(copyText('plain'), 'plain');
  // The escapes COPY reads back as the characters themselves.
  assert.equal(copyText('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
  // The text "\N" is not null.
  assert.equal(copyText('\\N'), '\\\\N');
});
