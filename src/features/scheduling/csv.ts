/**
 * CSV for downloads (RFC 4180: CRLF line ends, fields quoted when they hold
 * a comma, quote or line break, quotes doubled). Pure.
 *
 * Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and,
 * in some, a tab or carriage return) as a formula, so a value a candidate or
 * an import controls could run one on a reviewer's machine. Such a cell gets
 * a leading apostrophe, which spreadsheets show as text (OWASP, "CSV
 * Injection").
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole document: a byte order mark (so spreadsheet programs read UTF-8), a header row and the rows. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  const line = (cells: readonly (string | number | null | undefined)[]) =>
    cells.map(csvCell).join(',');
  return `\uFEFF${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}
