import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { sqlLiteral } from './literal.ts';

test('sqlLiteral quotes every value as an untyped literal of the text a driver would send', () => {
  assert.equal(sqlLiteral(null), 'null');
  assert.equal(sqlLiteral(undefined), 'null');
  assert.equal(sqlLiteral(42), "'42'");
  assert.equal(sqlLiteral(-1.5), "'-1.5'");
  assert.equal(sqlLiteral(10n), "'10'");
  assert.equal(sqlLiteral(true), "'true'");
  assert.equal(sqlLiteral(new Date('2026-01-02T03:04:05.678Z')), "'2026-01-02T03:04:05.678Z'");
  assert.equal(sqlLiteral(Buffer.from([0, 255, 16])), "'\\x00ff10'");
  assert.equal(sqlLiteral("it's"), "'it''s'");
  assert.equal(sqlLiteral('\\'), "'\\'");
});

test('sqlLiteral declines what it cannot write faithfully', () => {
  assert.equal(sqlLiteral(Number.NaN), undefined);
  assert.equal(sqlLiteral(Number.POSITIVE_INFINITY), undefined);
  assert.equal(sqlLiteral(new Date(Number.NaN)), undefined);
  assert.equal(sqlLiteral([1, 2]), undefined);
  assert.equal(sqlLiteral({ a: 1 }), undefined);
  assert.equal(sqlLiteral('a\u0000b'), undefined);
});

test('a literal always reaches the server as exactly the value, whatever it contains', async () => {
  const pg = await PGlite.create();
  try {
    await pg.exec(
      'prepare echo(text, bytea, int8, timestamptz, boolean) as select $1 as t, $2 as b, $3 as n, $4 as d, $5 as f',
    );
    const nasty = [
      "'); drop table x; --",
      "\\'; select 1; --",
      "''''",
      '$$ $tag$ \\x00 \\\\',
      "E'\\n'",
      'ünïcödé ✓ 𝄞',
      '\n\r\t',
    ];
    for (const s of nasty) {
      const bytes = Buffer.from(s, 'utf8');
      const date = new Date('2024-02-29T23:59:59.999Z');
      const args = [s, bytes, 9_007_199_254_740_991, date, false].map((v) => sqlLiteral(v)!);
      const [result] = await pg.exec(`execute echo(${args.join(', ')})`);
      const row = result!.rows[0] as {
        t: string;
        b: Uint8Array;
        n: number | bigint;
        d: Date;
        f: boolean;
      };
      assert.equal(row.t, s);
      assert.deepEqual(Buffer.from(row.b), bytes);
      assert.equal(String(row.n), '9007199254740991');
      assert.equal(row.d.getTime(), date.getTime());
      assert.equal(row.f, false);
    }
  } finally {
    await pg.close();
  }
});
