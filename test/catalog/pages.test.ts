import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { attr, get, givenProgram, inputTag, pathOf, textOfClass } from '../helpers/accounts.ts';
import {
  code,
  getPage,
  givenCredential,
  givenExam,
  givenRequirements,
  signedInCandidate,
  signedInManager,
  submit,
  type Browser,
} from './helpers.ts';

let t: TestApp;
let pm: Browser;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  pm = await signedInManager(t);
});
after(async () => {
  await t?.close();
});

const examFields = (overrides: Record<string, string | string[]> = {}) => ({
  code: code('PG'),
  title: 'Networking Fundamentals',
  description: 'What every network engineer knows.',
  kind: 'exam',
  delivery: ['test_center', 'web'],
  scoreMin: '0',
  scoreMax: '1000',
  passingScore: '700',
  languages: 'en, fr',
  durationMinutes: '90',
  price: '150',
  currency: 'usd',
  retakeWaitDaysFirst: '1',
  retakeWaitDaysLater: '14',
  retakeMaxPerYear: '5',
  status: 'published',
  ...overrides,
});

/** The message shown beside a field (`f-<name>-error`), tags stripped. */
function fieldError(html: string, name: string): string | undefined {
  const id = `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}-error`;
  const m = new RegExp(`<p class="field__error" id="${id}">([\\s\\S]*?)</p>`).exec(html);
  return m
    ? m[1]!
        .replace(/<[^>]*>/g, '')
        .replace(/^Error:\s*/, '')
        .trim()
    : undefined;
}

describe('who may open the catalog console', () => {
  test('a candidate gets 403 on every console page and form post', async () => {
    const candidate = await signedInCandidate(t);
    const exam = await givenExam(t);
    for (const url of [
      '/console/catalog',
      '/console/catalog/exams',
      '/console/catalog/exams/new',
      `/console/catalog/exams/${exam.code}`,
      '/console/catalog/credentials/new',
      '/console/catalog/trainings',
      '/console/catalog/agreements/new',
    ]) {
      const res = await getPage(t, candidate, url);
      assert.equal(res.statusCode, 403, url);
    }
    const res = await submit(t, candidate, '/console/catalog/exams', examFields(), '/account');
    assert.equal(res.statusCode, 403);
  });

  test('someone signed out is sent to sign in', async () => {
    const res = await get(t.app, '/console/catalog');
    assert.equal(res.statusCode, 303);
    assert.match(pathOf(res.headers.location), /^\/sign-in\?next=%2Fconsole%2Fcatalog/);
  });

  test('a program manager sees the catalog in the navigation and the home lists every section', async () => {
    const exam = await givenExam(t, { title: 'Home page exam' });
    const res = await getPage(t, pm, '/console/catalog');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /href="\/console\/catalog"[^>]*>Catalog</);
    for (const heading of [
      'Credentials',
      'Exams and assessments',
      'Training courses',
      'Agreements',
      'Credit categories',
    ]) {
      assert.match(res.body, new RegExp(`<h2[^>]*>${heading}</h2>`), heading);
    }
    assert.ok(res.body.includes(exam.code));
  });
});

describe('exams through the pages', () => {
  test('create, see, edit: post/redirect/get with a confirmation, values kept', async () => {
    const fields = examFields();
    const created = await submit(
      t,
      pm,
      '/console/catalog/exams',
      fields,
      '/console/catalog/exams/new',
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 500));
    assert.equal(pathOf(created.headers.location), `/console/catalog/exams/${fields.code}`);
    const page = await getPage(t, pm, `/console/catalog/exams/${fields.code}`);
    assert.equal(page.statusCode, 200);
    assert.match(
      textOfClass(page.body, 'banner--success') ?? '',
      new RegExp(`Exam ${fields.code} was added`),
    );
    assert.ok(page.body.includes('Networking Fundamentals'));
    assert.ok(page.body.includes('700 (scale 0 to 1000)'));

    const exam = await t.app.catalog.examByCode(fields.code);
    assert.deepEqual(exam?.delivery, ['test_center', 'web']);
    assert.deepEqual(exam?.languages, ['en', 'fr']);
    assert.deepEqual(exam?.price, { cents: 15000, currency: 'USD' });
    assert.deepEqual(exam?.retake, {
      waitDaysFirst: 1,
      waitDaysLater: 14,
      maxPerYear: 5,
      afterPass: false,
    });

    const edit = await getPage(t, pm, `/console/catalog/exams/${fields.code}/edit`);
    assert.equal(attr(inputTag(edit.body, 'passingScore'), 'value'), '700');
    assert.equal(attr(inputTag(edit.body, 'price'), 'value'), '150.00');
    const saved = await submit(
      t,
      pm,
      `/console/catalog/exams/${fields.code}`,
      {
        ...examFields({ passingScore: '650', title: 'Networking Fundamentals 2' }),
        reason: 'New scale study',
      },
      `/console/catalog/exams/${fields.code}/edit`,
    );
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    const after = await t.app.catalog.examByCode(fields.code);
    assert.equal(after?.passingScore, 650);
    assert.equal(after?.code, fields.code, 'the code never changes');
    const audit = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'reason', 'details'])
      .where('subject_type', '=', 'exam')
      .where('subject_id', '=', fields.code)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['catalog.exam_created', 'catalog.exam_updated'],
    );
    assert.equal(audit[1]!.actor_user_id, pm.account.id);
    assert.equal(audit[1]!.reason, 'New scale study');
    assert.deepEqual(
      (audit[1]!.details as { changes: Record<string, unknown> }).changes.passingScore,
      [700, 650],
    );
  });

  test('problems are shown beside each field and in the summary, and what was typed is kept', async () => {
    const res = await submit(
      t,
      pm,
      '/console/catalog/exams',
      examFields({
        code: 'bad code!',
        title: '',
        delivery: [],
        scoreMin: '100',
        scoreMax: '50',
        passingScore: 'lots',
        price: '12.345',
        languages: 'English',
      }),
      '/console/catalog/exams/new',
    );
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /class="error-summary"/);
    assert.match(fieldError(res.body, 'code') ?? '', /2 to 32 capital letters/);
    assert.equal(fieldError(res.body, 'title'), 'Enter a title');
    assert.equal(fieldError(res.body, 'delivery'), 'Choose at least one way to sit it');
    assert.equal(
      fieldError(res.body, 'scoreMax'),
      'The highest score must be more than the lowest',
    );
    assert.equal(fieldError(res.body, 'passingScore'), 'Enter a whole number, like 700');
    assert.equal(fieldError(res.body, 'price'), 'Enter a price like 150 or 149.50');
    assert.match(fieldError(res.body, 'languages') ?? '', /language codes/);
    assert.equal(attr(inputTag(res.body, 'code'), 'value'), 'bad code!');
    assert.equal(attr(inputTag(res.body, 'languages'), 'value'), 'English');
    assert.match(res.body, /href="#f-code"/);
  });

  test('a code already in use is a field error, not a server error', async () => {
    const exam = await givenExam(t);
    const res = await submit(
      t,
      pm,
      '/console/catalog/exams',
      examFields({ code: exam.code.toLowerCase() }),
      '/console/catalog/exams/new',
    );
    assert.equal(res.statusCode, 400);
    assert.equal(fieldError(res.body, 'code'), `Another exam already uses the code ${exam.code}`);
  });

  test('versions are added and retired; a version cannot be added twice', async () => {
    const exam = await givenExam(t, { versions: [] });
    const base = `/console/catalog/exams/${exam.code}`;
    const added = await submit(
      t,
      pm,
      `${base}/versions`,
      { version: '2027', availableFrom: '2027-01-01' },
      base,
    );
    assert.equal(added.statusCode, 303, added.body.slice(0, 500));
    const again = await submit(
      t,
      pm,
      `${base}/versions`,
      { version: '2027', availableFrom: '2027-02-01' },
      base,
    );
    assert.equal(again.statusCode, 400);
    assert.equal(fieldError(again.body, 'version'), 'This exam already has a version 2027');
    const badDates = await submit(
      t,
      pm,
      `${base}/versions`,
      { version: '2028', availableFrom: '2028-02-30', availableUntil: '' },
      base,
    );
    assert.equal(fieldError(badDates.body, 'availableFrom'), 'Enter a real date, like 2027-03-01');

    const early = await submit(
      t,
      pm,
      `${base}/versions/2027/retire`,
      { availableUntil: '2026-12-31' },
      base,
    );
    assert.equal(early.statusCode, 400);
    assert.match(early.body, /The last date must be on or after the first date/);
    const retired = await submit(
      t,
      pm,
      `${base}/versions/2027/retire`,
      { availableUntil: '2027-06-30' },
      base,
    );
    assert.equal(retired.statusCode, 303);
    const after = await t.app.catalog.examByCode(exam.code);
    assert.deepEqual(after?.versions, [
      { version: '2027', availableFrom: '2027-01-01', availableUntil: '2027-06-30' },
    ]);
  });

  test('names that look like markup are shown as text', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const exam = await givenExam(t, { title: evil, description: `"><b>${evil}` });
    for (const url of [
      `/console/catalog/exams?q=${exam.code}`,
      `/console/catalog/exams/${exam.code}`,
      `/console/catalog/exams/${exam.code}/edit`,
    ]) {
      const res = await getPage(t, pm, url);
      assert.equal(res.statusCode, 200, url);
      // Inside a quoted attribute value `<` is harmless; outside one it must be escaped.
      const outsideAttributes = res.body.replace(/="[^"]*"/g, '=""');
      assert.ok(!outsideAttributes.includes('<script>alert(1)'), url);
      assert.ok(!outsideAttributes.includes('<img src=x'), url);
      assert.ok(!outsideAttributes.includes('"><b>'), url);
      assert.ok(
        res.body.includes('&lt;script>alert(1)&lt;/script>') ||
          res.body.includes('value="&lt;script>'),
        url,
      );
    }
    // The plain-language requirements carry names too.
    const credential = await givenCredential(t, { name: `<b>${evil}</b>` });
    await givenRequirements(t, credential.code, { kind: 'exam', id: 'e', examCode: exam.code });
    for (const url of [
      `/console/catalog/credentials/${credential.code}`,
      `/console/catalog/credentials/${credential.code}/requirements/new`,
    ]) {
      const res = await getPage(t, pm, url);
      assert.equal(res.statusCode, 200, url);
      const outsideAttributes = res.body.replace(/="[^"]*"/g, '=""');
      assert.ok(!outsideAttributes.includes('<script>alert(1)'), url);
      assert.ok(!outsideAttributes.includes('<b>'), url);
      assert.ok(res.body.includes('Pass &lt;script>alert(1)&lt;/script>'), url);
    }
  });
});

describe('credentials through the pages', () => {
  test('create as a draft, refuse to publish without requirements, publish after, retire', async () => {
    const cr = code('CP');
    const created = await submit(
      t,
      pm,
      '/console/catalog/credentials',
      {
        code: cr,
        name: 'Certified <Cloud> Architect',
        kind: 'certification',
        level: 'Professional',
        levelRank: '2',
        validityMonths: '36',
        recertRequirementsAgain: 'yes',
        recertExams: '',
      },
      '/console/catalog/credentials/new',
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 600));
    const page = await getPage(t, pm, `/console/catalog/credentials/${cr}`);
    assert.ok(page.body.includes('Certified &lt;Cloud> Architect'));
    assert.ok(!page.body.includes('<Cloud>'));
    assert.match(page.body, /Draft/);

    const refused = await submit(
      t,
      pm,
      `/console/catalog/credentials/${cr}/status`,
      { status: 'published' },
      `/console/catalog/credentials/${cr}`,
    );
    assert.equal(refused.statusCode, 400);
    assert.match(
      refused.body,
      /Save a version of the requirements before publishing this credential/,
    );

    const exam = await givenExam(t);
    await givenRequirements(t, cr, examNodeTree(exam.code));
    const published = await submit(
      t,
      pm,
      `/console/catalog/credentials/${cr}/status`,
      { status: 'published' },
      `/console/catalog/credentials/${cr}`,
    );
    assert.equal(published.statusCode, 303);
    assert.equal((await t.app.catalog.credentialByCode(cr))?.status, 'published');
    const shown = await getPage(t, pm, `/console/catalog/credentials/${cr}`);
    assert.match(shown.body, new RegExp(`Pass Cloud Security Basics \\(${exam.code}\\)`));
    assert.match(shown.body, /In force/);

    const retired = await submit(
      t,
      pm,
      `/console/catalog/credentials/${cr}/status`,
      { status: 'retired' },
      `/console/catalog/credentials/${cr}`,
    );
    assert.equal(retired.statusCode, 303, retired.body.slice(0, 2000));
    assert.equal((await t.app.catalog.credentialByCode(cr))?.status, 'retired');
  });

  test('recertification codes must exist and a credential cannot renew itself', async () => {
    const cr = code('CQ');
    const res = await submit(
      t,
      pm,
      '/console/catalog/credentials',
      {
        code: cr,
        name: 'Renewal test',
        kind: 'accreditation',
        level: 'Associate',
        levelRank: '1',
        recertExams: 'NOPE-1',
        recertHigherCredentials: cr,
        recertCreditsMinimum: '10',
      },
      '/console/catalog/credentials/new',
    );
    assert.equal(res.statusCode, 400);
    assert.equal(
      fieldError(res.body, 'recertHigherCredentials'),
      'A credential cannot renew itself; list higher credentials only',
    );
    assert.equal(fieldError(res.body, 'recertCreditsCategory'), 'Choose the credit category');
    const res2 = await submit(
      t,
      pm,
      '/console/catalog/credentials',
      {
        code: cr,
        name: 'Renewal test',
        kind: 'accreditation',
        level: 'Associate',
        levelRank: '1',
        recertExams: 'NOPE-1',
      },
      '/console/catalog/credentials/new',
    );
    assert.equal(fieldError(res2.body, 'recertExams'), 'There is no exam with the code NOPE-1');
  });

  test('a credential code already in use is a field error', async () => {
    const existing = await givenCredential(t);
    const res = await submit(
      t,
      pm,
      '/console/catalog/credentials',
      {
        code: existing.code,
        name: 'Twin',
        kind: 'certification',
        level: 'Associate',
        levelRank: '1',
      },
      '/console/catalog/credentials/new',
    );
    assert.equal(res.statusCode, 400);
    assert.equal(
      fieldError(res.body, 'code'),
      `Another credential already uses the code ${existing.code}`,
    );
  });
});

describe('training courses, agreements and credit categories', () => {
  test('create and edit each; an agreement gets versions', async () => {
    for (const [path, prefix] of [
      ['/console/catalog/trainings', 'TR'],
      ['/console/catalog/credit-categories', 'CC'],
    ] as const) {
      const c = code(prefix);
      const created = await submit(
        t,
        pm,
        path,
        { code: c, title: `Title ${c}`, description: '' },
        `${path}/new`,
      );
      assert.equal(created.statusCode, 303, created.body.slice(0, 400));
      const dup = await submit(t, pm, path, { code: c, title: 'Again' }, `${path}/new`);
      assert.equal(dup.statusCode, 400, path);
      assert.match(fieldError(dup.body, 'code') ?? '', /already uses the code/);
      const edited = await submit(
        t,
        pm,
        `${path}/${c}`,
        { title: 'Renamed', description: 'More' },
        `${path}/${c}`,
      );
      assert.equal(edited.statusCode, 303);
      const list = await getPage(t, pm, `${path}?q=${c}`);
      assert.ok(list.body.includes('Renamed'), path);
    }

    const ag = code('AG');
    const created = await submit(
      t,
      pm,
      '/console/catalog/agreements',
      { code: ag, title: 'Candidate agreement', body: 'Be honest.', effectiveAt: '2026-01-01' },
      '/console/catalog/agreements/new',
    );
    assert.equal(created.statusCode, 303, created.body.slice(0, 400));
    const noText = await submit(
      t,
      pm,
      `/console/catalog/agreements/${ag}/versions`,
      { body: '  ', effectiveAt: '2026-06-01' },
      `/console/catalog/agreements/${ag}`,
    );
    assert.equal(noText.statusCode, 400);
    assert.equal(fieldError(noText.body, 'body'), 'Enter the text of the agreement');
    const earlier = await submit(
      t,
      pm,
      `/console/catalog/agreements/${ag}/versions`,
      { body: 'v2', effectiveAt: '2025-06-01' },
      `/console/catalog/agreements/${ag}`,
    );
    assert.match(
      fieldError(earlier.body, 'effectiveAt') ?? '',
      /on or after 2026-01-01, when version 1 took effect/,
    );
    const v2 = await submit(
      t,
      pm,
      `/console/catalog/agreements/${ag}/versions`,
      { body: 'Be honest, always.', effectiveAt: '2026-06-01' },
      `/console/catalog/agreements/${ag}`,
    );
    assert.equal(v2.statusCode, 303);
    const agreement = await t.app.catalog.agreementByCode(ag);
    assert.deepEqual(
      agreement?.versions.map((v) => [v.version, v.body]),
      [
        [1, 'Be honest.'],
        [2, 'Be honest, always.'],
      ],
    );
  });
});

function examNodeTree(examCode: string) {
  return { kind: 'all', id: 'root', children: [{ kind: 'exam', id: 'e1', examCode }] };
}
