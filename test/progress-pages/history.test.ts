import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';
import { daysAgo, givenPagesCatalog, givenResult } from '../helpers/catalog-pages.ts';

let t: TestApp;
let me: GivenAccount;
let jar: CookieJar;
const DAY = 86_400_000;
const lastYear = new Date().getUTCFullYear() - 1;
const old = new Date(Date.UTC(lastYear, 2, 10, 9, 0));
let recentFail: Date;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  await givenPagesCatalog(t.db);
  // An exam whose title would run as a formula in a spreadsheet, with a comma and quotes.
  await t.db
    .insertInto('exams')
    .values({
      code: 'ACS-999',
      title: '=HYPERLINK("http://evil.example","Click"), really',
      kind: 'assessment',
      delivery: ['web'],
      passing_score: 500,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
    .then(({ id }) =>
      t.db
        .insertInto('exam_versions')
        .values({ exam_id: id, version: '1', available_from: '2020-01-01', available_until: null })
        .execute(),
    );
  me = await givenAccount(t.app);
  jar = cookieJar();
  await signIn(t, jar, me, { ip: freshIp() });
  recentFail = new Date(Date.now() - 2 * DAY);
  // A failure followed by a pass: nothing to retake there.
  await givenResult(t.app, me.id, 'ACS-202', 600, new Date(old.getTime() - 30 * DAY));
  await givenResult(t.app, me.id, 'ACS-202', 700, old);
  await givenResult(t.app, me.id, 'ACS-101', 600, recentFail);
  await givenResult(t.app, me.id, 'ACS-999', 800, daysAgo(1), { examVersion: '1' });
  const revoked = await givenResult(t.app, me.id, 'ACS-201', 760, daysAgo(3));
  await t.app.progress.revokeResult(null, revoked, 'Misconduct at the test center');
  // Someone else's attempt never shows.
  const other = await givenAccount(t.app);
  await givenResult(t.app, other.id, 'ACS-201', 999, daysAgo(4));
});
after(async () => {
  await t?.close();
});

function rows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr\b[\s\S]*?<\/tr>/g)].map((m) =>
    decode(m[0].replace(/<[^>]+>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('exam history', () => {
  test('signed out, history sends to sign-in', async () => {
    assert.equal((await get(t.app, '/history')).statusCode, 303);
    assert.equal((await get(t.app, '/history.csv')).statusCode, 303);
  });

  test('lists every attempt, newest first, with score, result, source, revocation and retake', async () => {
    const res = await get(t.app, '/history', jar);
    assert.equal(res.statusCode, 200);
    const list = rows(res.body);
    assert.equal(list.length, 5, list.join('\n'));
    assert.match(list[0]!, /^ACS-999 =HYPERLINK/);
    assert.match(
      list[1]!,
      /^ACS-101 Cloud Security Basics 2025 .* 600 \(pass mark 700\) Fail Test provider You may retake it from \w+ \d+, \d{4}$/,
    );
    assert.match(
      list[2]!,
      /^ACS-201 Cloud Security Advanced .* Revoked Misconduct at the test center/,
    );
    assert.match(
      list[3]!,
      /^ACS-202 Cloud Networking 2025 .* 700 \(pass mark 650\) Pass Test provider$/,
    );
    assert.match(
      list[4]!,
      /^ACS-202 Cloud Networking 2025 .* 600 \(pass mark 650\) Fail Test provider$/,
    );
    assert.match(res.body, /class="row--revoked"/);
    assert.doesNotMatch(res.body, /999 \(pass mark/, 'another candidate’s attempt');
    // The retake date is 14 days after the failed attempt (the exam's policy).
    const retake = new Date(recentFail.getTime() + 14 * DAY);
    const expected = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(
      retake,
    );
    assert.ok(list[1]!.endsWith(expected), `${list[1]} should end with ${expected}`);
  });

  test('filters by exam and by year through a GET form whose state is in the URL', async () => {
    const byExam = await get(t.app, '/history?exam=ACS-101', jar);
    assert.deepEqual(
      rows(byExam.body).map((r) => r.split(' ')[0]),
      ['ACS-101'],
    );
    assert.match(
      byExam.body,
      /<option value="ACS-101" selected="">|<option value="ACS-101" selected>/,
    );
    assert.match(byExam.body, /href="\/history.csv\?exam=ACS-101"/);

    const byYear = await get(t.app, `/history?year=${lastYear}`, jar);
    assert.deepEqual(
      rows(byYear.body).map((r) => r.split(' ')[0]),
      ['ACS-202', 'ACS-202'],
    );
    const none = await get(t.app, `/history?exam=ACS-202&year=${lastYear + 1}`, jar);
    assert.match(decode(none.body), /No attempts match this filter/);
    assert.match(none.body, /href="\/history"/);

    assert.equal((await get(t.app, '/history?year=20x5', jar)).statusCode, 400);
  });

  test('downloads the same rows as CSV: attachment, proper quoting and no formulas', async () => {
    const res = await get(t.app, '/history.csv', jar);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="exam-history-[A-Z0-9-]+\.csv"$/,
    );
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.body.startsWith('\uFEFF'), 'a byte order mark for spreadsheet programs');
    const lines = res.body.slice(1).split('\r\n');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.equal(
      lines[0],
      'Exam,Exam title,Version,Date,Score,Passing score,Result,Source,Status,Retake',
    );
    assert.equal(lines.length, 7);
    // The title is defused with an apostrophe, then quoted because of its comma and quotes.
    assert.match(
      lines[1]!,
      /^ACS-999,"'=HYPERLINK\(""http:\/\/evil\.example"",""Click""\), really",1,\d{4}-\d{2}-\d{2},800,500,Pass,Test provider,Valid,$/,
    );
    assert.match(
      lines[2]!,
      /^ACS-101,Cloud Security Basics,2025,\d{4}-\d{2}-\d{2},600,700,Fail,Test provider,Valid,You may retake it from /,
    );
    assert.match(lines[3]!, /^ACS-201,Cloud Security Advanced,2025,.*,Revoked,$/);
    for (const line of lines.slice(1, -1)) {
      for (const cell of line.split(','))
        assert.doesNotMatch(cell, /^"?[=+@-]/, `a live formula in ${line}`);
    }

    const filtered = await get(t.app, `/history.csv?year=${lastYear}`, jar);
    const filteredLines = filtered.body.slice(1).split('\r\n').filter(Boolean);
    assert.equal(filteredLines.length, 3);
    assert.match(
      filteredLines[1]!,
      new RegExp(`^ACS-202,Cloud Networking,2025,${lastYear}-03-10,700,650,Pass`),
    );
  });

  test('a candidate without attempts sees an empty state', async () => {
    const other = await givenAccount(t.app);
    const otherJar = cookieJar();
    await signIn(t, otherJar, other, { ip: freshIp() });
    const res = await get(t.app, '/history', otherJar);
    assert.match(decode(res.body), /You have not taken any exams yet/);
    const csv = await get(t.app, '/history.csv', otherJar);
    assert.equal(csv.body.slice(1).split('\r\n').filter(Boolean).length, 1, 'the header only');
  });
});
