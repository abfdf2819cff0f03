import { Readable } from 'node:stream';
import type { TestApp } from '../helpers/app.ts';
import { request, type CookieJar } from '../helpers/app.ts';
import { csrfFrom } from '../helpers/http.ts';
import type { Response } from '../helpers/http.ts';

/** Helpers for the results tests (not a test file). */

export const PROVIDER_HEADER = [
  'RegistrationID',
  'ClientCandidateID',
  'TCID',
  'ExamSeriesCode',
  'ExamName',
  'ExamRevision',
  'Form',
  'ExamLanguage',
  'Attempt',
  'ExamDate',
  'TimeUsed',
  'PassingScore',
  'Score',
  'Grade',
  'NoShow',
  'LastName',
];

export interface ProviderRow {
  ref: string;
  candidate: string;
  exam: string;
  date?: string;
  score?: string;
  grade?: string;
  noShow?: string;
  lastName?: string;
  revision?: string;
}

/** A provider results file (tab-separated) with these rows. */
export function providerFile(rows: ProviderRow[]): string {
  const lines = [PROVIDER_HEADER.join('\t')];
  for (const r of rows) {
    lines.push(
      [
        r.ref,
        r.candidate,
        '80001',
        r.exam,
        'Some exam',
        r.revision ?? '',
        'A',
        'ENU',
        '1',
        r.date ?? '2026/03/14 09:30:00',
        '85',
        '700',
        r.score ?? '812',
        r.grade ?? 'pass',
        r.noShow ?? 'false',
        r.lastName ?? '',
      ].join('\t'),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function stream(text: string | Buffer): Readable {
  return Readable.from([typeof text === 'string' ? Buffer.from(text) : text]);
}

/** Stages and applies a file through the service; returns the import. */
export async function importText(
  t: TestApp,
  text: string,
  options: { provider?: string; mode?: 'all_or_nothing' | 'good_rows' } = {},
) {
  const imports = t.app.results.imports;
  const id = await imports.stage(stream(text), {
    provider: options.provider ?? 'vue',
    fileName: 'results.txt',
    mode: options.mode ?? 'all_or_nothing',
    actorUserId: null,
  });
  const staged = (await imports.get(id))!;
  if (staged.status !== 'ready') return staged;
  return imports.apply(id, null);
}

/** A multipart upload of the results form: _csrf first, then the fields, then the file. */
export async function uploadResults(
  t: TestApp,
  jar: CookieJar,
  file: { name: string; content: Buffer | string },
  fields: Record<string, string> = {},
  csrf?: string,
): Promise<Response> {
  let token = csrf;
  if (token === undefined) {
    const page = await request(t.app, { method: 'GET', url: '/console/results/imports/new' }, jar);
    token = csrfFrom(page.body);
  }
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const field = (name: string, value: string) =>
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  field('_csrf', token);
  for (const [name, value] of Object.entries({
    provider: 'vue',
    mode: 'all_or_nothing',
    ...fields,
  }))
    field(name, value);
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/plain\r\n\r\n`,
    ),
  );
  parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content);
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return request(
    t.app,
    {
      method: 'POST',
      url: '/console/results/imports',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat(parts),
    },
    jar,
  );
}

export function resultsByRef(t: TestApp, provider: string) {
  return t.db
    .selectFrom('results')
    .selectAll()
    .where('provider', '=', provider)
    .orderBy('provider_ref')
    .execute();
}
