/**
 * A parameter value as an SQL string literal, for `EXECUTE name(...)` on the
 * embedded database (database.ts). The value is written as the text the
 * PostgreSQL driver would send for it in the extended protocol, quoted as an
 * untyped literal, so the server applies the parameter type's input function
 * exactly as it does for a bound parameter. Needs
 * `standard_conforming_strings = on` (backslashes are ordinary characters),
 * which the caller checks. Returns undefined for a value it does not handle
 * (arrays, and anything else unusual): the caller binds those instead.
 */
export function sqlLiteral(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    text = value.toISOString();
  } else if (value instanceof Uint8Array) text = `\\x${Buffer.from(value).toString('hex')}`;
  else return undefined;
  // PostgreSQL text cannot hold NUL; a bound parameter would be refused too.
  if (text.includes('\u0000')) return undefined;
  return `'${text.replace(/'/g, "''")}'`;
}
