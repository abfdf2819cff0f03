import assert from 'node:assert/strict';
import { cookieJar, csrfFrom, request, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  newTotpSecret,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';

/** Steps and factories for the support tests. */

export { EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES } from '../helpers/catalog-pages.ts';

export interface Upload {
  name: string;
  type: string;
  bytes: Buffer;
}

export interface Person {
  account: GivenAccount;
  jar: CookieJar;
}

export async function candidate(t: TestApp, given = 'Ada'): Promise<Person> {
  const account = await givenAccount(t.app, { givenName: given });
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { account, jar };
}

export async function agent(t: TestApp, role: 'support_agent' | 'admin' = 'support_agent') {
  const account = await givenAccount(t.app, {
    givenName: 'Sam',
    familyName: 'Agent',
    roles: [role],
    totpSecret: newTotpSecret(),
  });
  const jar = cookieJar();
  await signIn(t, jar, account, { ip: freshIp() });
  return { account, jar };
}

/** A multipart body with any number of files in the `attachments` field, as a browser sends it. */
export function multipart(
  fields: Record<string, string>,
  files: readonly Upload[] = [],
): { payload: Buffer; contentType: string } {
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  for (const file of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Posts a multipart form: the CSRF token from `from` (the page holding the form). */
export async function postMultipart(
  t: TestApp,
  jar: CookieJar,
  url: string,
  from: string,
  fields: Record<string, string>,
  files: readonly Upload[] = [],
) {
  const page = await get(t.app, from, jar);
  assert.equal(page.statusCode, 200, `GET ${from}: ${page.statusCode}`);
  const body = multipart({ _csrf: csrfFrom(page.body), ...fields }, files);
  return request(
    t.app,
    { method: 'POST', url, headers: { 'content-type': body.contentType }, payload: body.payload },
    jar,
  );
}

export const question = {
  category: 'results',
  subject: 'Score report missing',
  message: 'I sat ACS-101 last week and see no result.',
};

/** Opens a ticket through the form; returns its id. */
export async function openTicket(
  t: TestApp,
  jar: CookieJar,
  fields: Record<string, string> = question,
  files: readonly Upload[] = [],
): Promise<number> {
  const res = await postMultipart(t, jar, '/support/new', '/support/new', fields, files);
  assert.equal(res.statusCode, 303, res.body.slice(0, 800));
  const m = /^\/support\/tickets\/(\d+)$/.exec(String(res.headers.location));
  assert.ok(m, String(res.headers.location));
  return Number(m[1]);
}

/** The visible text of a page: tags removed, entities decoded, spaces collapsed. */
export const text = (html: string) => decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');

export function fieldError(html: string, field: string): string {
  const m = new RegExp(`<p class="field__error" id="f-${field}-error">([\\s\\S]*?)</p>`).exec(html);
  assert.ok(m, `no error beside ${field}`);
  return text(m[1]!)
    .replace(/^ ?Error: /, '')
    .trim();
}

export async function ticketRow(t: TestApp, id: number) {
  return t.db
    .selectFrom('support_tickets')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}
