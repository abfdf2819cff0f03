import { sql, type RawBuilder } from 'kysely';

/**
 * `column = any($1::bigint[])`: a list of ids as one array parameter, where
 * Kysely's `in` would bind one parameter per value. For the batch queries of
 * a thousand ids and more, whose parsing and binding would otherwise cost
 * more than running them: `.where('id', '=', anyId(ids))`.
 */
export function anyId(ids: readonly number[]): RawBuilder<number> {
  return sql<number>`any(${[...ids]}::bigint[])`;
}

/** `column = any($1::text[])`: the same for text values. */
export function anyText(values: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${[...values]}::text[])`;
}
