import fs from 'node:fs';

/** A table as rows of cells; the first row is the header. Right-aligned columns by index. */
export interface Table {
  header: string[];
  rows: string[][];
  alignRight?: number[];
}

/** Plain text with padded columns, for the terminal. */
export function textTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const right = new Set(table.alignRight ?? []);
  const line = (row: string[]) =>
    row
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(table.header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.rows.map(line),
  ].join('\n');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(table: Table): string {
  const right = new Set(table.alignRight ?? []);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${table.header.map(escape).join(' | ')} |`,
    `|${table.header.map((_, i) => (right.has(i) ? '---:' : '---')).join('|')}|`,
    ...table.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

const PREAMBLE = `# Benchmarks

Written by \`npm run bench\`. Each benchmark suite owns the section between its
\`<!-- bench:<suite>:start -->\` and \`<!-- bench:<suite>:end -->\` markers and
replaces only that section when it runs; edit outside the markers freely.
`;

export function sectionMarkers(suite: string): { start: string; end: string } {
  return { start: `<!-- bench:${suite}:start -->`, end: `<!-- bench:${suite}:end -->` };
}

/**
 * Replaces the suite's section of the file (between its markers), appending
 * the section when the file has none yet and creating the file if needed.
 * The file is written formatted by the project's Prettier settings, so that
 * `npm run format:check` stays green.
 */
export async function writeSection(file: string, suite: string, body: string): Promise<void> {
  const { start, end } = sectionMarkers(suite);
  const section = `${start}\n\n${body.trim()}\n\n${end}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : PREAMBLE;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  let next: string;
  if (from !== -1 && to > from) {
    next = current.slice(0, from) + section + current.slice(to + end.length);
  } else if (from !== -1 || to !== -1) {
    throw new Error(`${file}: the markers of section "${suite}" are damaged; fix them by hand`);
  } else {
    next = `${current.trimEnd()}\n\n${section}\n`;
  }
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(next, { ...options, filepath: file }));
}
