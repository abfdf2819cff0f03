import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, request, type TestApp } from '../helpers/app.ts';
import { givenProgram } from '../helpers/accounts.ts';
import {
  api,
  code,
  givenCredential,
  givenExam,
  givenRequirements,
  json,
  problemFields,
  signedInCandidate,
  signedInManager,
  type Browser,
} from './helpers.ts';

let t: TestApp;
let pm: Browser;
let candidate: Browser;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  pm = await signedInManager(t);
  candidate = await signedInCandidate(t);
});
after(async () => {
  await t?.close();
});

const newExam = (overrides: Record<string, unknown> = {}) => ({
  code: code('AP'),
  title: 'Kubernetes Operations',
  kind: 'exam',
  delivery: ['online_proctored'],
  scoreMin: 100,
  scoreMax: 1000,
  passingScore: 720,
  languages: ['en', 'ja'],
  durationMinutes: 120,
  price: { cents: 20000, currency: 'EUR' },
  retake: { waitDaysFirst: 1, waitDaysLater: 14, maxPerYear: 4, afterPass: false },
  status: 'published',
  versions: [{ version: '2026', availableFrom: '2026-01-15' }],
  ...overrides,
});

describe('exams API', () => {
  test('a program manager creates, reads and replaces an exam', async () => {
    const body = newExam();
    const created = await api(t, pm, 'POST', '/api/v1/exams', body);
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.headers.location, `/api/v1/exams/${body.code}`);
    const exam = json(created);
    assert.equal(exam.code, body.code);
    assert.deepEqual(exam.price, { cents: 20000, currency: 'EUR' });
    assert.deepEqual(exam.retake, body.retake);
    assert.deepEqual(exam.versions, [
      { version: '2026', availableFrom: '2026-01-15', availableUntil: null },
    ]);
    assert.equal(exam.id, undefined, 'internal ids do not leave the server');

    const read = await api(t, undefined, 'GET', `/api/v1/exams/${body.code.toLowerCase()}`);
    assert.equal(read.statusCode, 200);
    assert.equal(json(read).title, 'Kubernetes Operations');

    const replaced = await api(t, pm, 'PUT', `/api/v1/exams/${body.code}`, {
      ...newExam({ code: undefined, passingScore: 700, status: undefined }),
      versions: [
        { version: '2026', availableFrom: '2026-01-15', availableUntil: '2026-12-31' },
        { version: '2027', availableFrom: '2027-01-01' },
      ],
      reason: 'Annual refresh',
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    const after = json(replaced);
    assert.equal(after.passingScore, 700);
    assert.equal(after.status, 'published', 'a status left out stays as it was');
    assert.deepEqual(
      after.versions.map((v: { version: string; availableUntil: string | null }) => [
        v.version,
        v.availableUntil,
      ]),
      [
        ['2026', '2026-12-31'],
        ['2027', null],
      ],
    );
  });

  test('every problem comes back at once, with JSON field names', async () => {
    const res = await api(t, pm, 'POST', '/api/v1/exams', {
      code: 'no spaces allowed',
      kind: 'oral',
      delivery: [],
      passingScore: 2000,
      price: { cents: 100, currency: 'euro' },
      retake: { waitDaysFirst: -1 },
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    const fields = problemFields(res);
    assert.deepEqual(Object.keys(fields).sort(), [
      'code',
      'delivery',
      'kind',
      'passingScore',
      'price/currency',
      'retake/waitDaysFirst',
      'title',
    ]);
    assert.equal(fields.title, 'Enter a title');
    assert.equal(fields.passingScore, 'The passing score must be between 0 and 1000');
  });

  test('a code already in use is a 400 with a field error, not a 500', async () => {
    const exam = await givenExam(t);
    const res = await api(t, pm, 'POST', '/api/v1/exams', newExam({ code: exam.code }));
    assert.equal(res.statusCode, 400);
    assert.deepEqual(problemFields(res), {
      code: `Another exam already uses the code ${exam.code}`,
    });
  });

  test('drafts are hidden from candidates and visitors; program managers see and filter them', async () => {
    const draft = await givenExam(t, { status: 'draft' });
    const published = await givenExam(t);
    for (const who of [undefined, candidate]) {
      const list = json(await api(t, who, 'GET', '/api/v1/exams?status=draft'));
      const codes = list.exams.map((e: { code: string }) => e.code);
      assert.ok(codes.includes(published.code));
      assert.ok(!codes.includes(draft.code));
      assert.equal((await api(t, who, 'GET', `/api/v1/exams/${draft.code}`)).statusCode, 404);
    }
    const drafts = json(await api(t, pm, 'GET', '/api/v1/exams?status=draft'));
    const codes = drafts.exams.map((e: { code: string }) => e.code);
    assert.ok(codes.includes(draft.code));
    assert.ok(!codes.includes(published.code));
    assert.equal((await api(t, pm, 'GET', `/api/v1/exams/${draft.code}`)).statusCode, 200);
  });

  test('candidates and visitors may not write; a session without the CSRF header is refused', async () => {
    const exam = await givenExam(t);
    assert.equal((await api(t, candidate, 'POST', '/api/v1/exams', newExam())).statusCode, 403);
    assert.equal(
      (await api(t, candidate, 'PUT', `/api/v1/exams/${exam.code}`, newExam())).statusCode,
      403,
    );
    assert.equal(
      (await api(t, undefined, 'POST', '/api/v1/exams', newExam())).statusCode,
      403,
      'no CSRF cookie at all',
    );
    const noHeader = await request(
      t.app,
      {
        method: 'POST',
        url: '/api/v1/exams',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(newExam()),
        remoteAddress: pm.ip,
      },
      pm.jar,
    );
    assert.equal(noHeader.statusCode, 403);
    assert.equal(json(noHeader).code, 'CSRF_FAILED');
  });
});

describe('credentials API', () => {
  test('create a draft, add requirements, publish; candidates see it with its requirements in plain language', async () => {
    const exam = await givenExam(t, { title: 'Cloud Security Basics' });
    const exam2 = await givenExam(t, { title: 'Identity Basics' });
    const c = code('AC');
    const created = await api(t, pm, 'POST', '/api/v1/credentials', {
      code: c,
      name: 'Certified Security Associate',
      kind: 'certification',
      level: 'Associate',
      levelRank: 1,
      validityMonths: 24,
      recertification: { requirementsAgain: true, exams: [exam2.code], credits: null },
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(json(created).status, 'draft');
    assert.equal(json(created).requirements, null);
    assert.equal((await api(t, candidate, 'GET', `/api/v1/credentials/${c}`)).statusCode, 404);

    const tree = {
      kind: 'all',
      id: 'root',
      children: [
        { kind: 'exam', id: 'sec', examCode: exam.code, minScore: 750 },
        {
          kind: 'any',
          id: 'pick',
          count: 1,
          children: [
            { kind: 'exam', id: 'idn', examCode: exam2.code, withinMonths: 36 },
            { kind: 'exam', id: 'sec2', examCode: exam.code, versions: ['1'] },
          ],
        },
      ],
    };
    const v1 = await api(t, pm, 'POST', `/api/v1/credentials/${c}/requirements`, {
      tree,
      effectiveAt: '2026-02-01T00:00:00Z',
      note: 'Launch',
    });
    assert.equal(v1.statusCode, 201, v1.body);
    assert.equal(json(v1).version, 1);
    assert.deepEqual(json(v1).tree, tree);
    assert.match(
      json(v1).text,
      new RegExp(`^Pass Cloud Security Basics \\(${exam.code}\\) with a score of 750 or more`),
    );

    const published = await api(t, pm, 'PUT', `/api/v1/credentials/${c}`, {
      name: 'Certified Security Associate',
      kind: 'certification',
      level: 'Associate',
      levelRank: 1,
      validityMonths: 24,
      recertification: { requirementsAgain: true, exams: [exam2.code] },
      status: 'published',
      reason: 'Launch day',
    });
    assert.equal(published.statusCode, 200, published.body);

    const seen = await api(t, candidate, 'GET', `/api/v1/credentials/${c}`);
    assert.equal(seen.statusCode, 200);
    const body = json(seen);
    assert.equal(body.requirements.version, 1);
    assert.deepEqual(body.requirements.tree, tree);
    assert.equal(body.versions, undefined, 'the version history is for program managers');
    assert.deepEqual(body.recertification, {
      requirementsAgain: true,
      exams: [exam2.code],
      higherCredentials: [],
      credits: null,
    });
    const list = json(await api(t, undefined, 'GET', '/api/v1/credentials'));
    const item = list.credentials.find((x: { code: string }) => x.code === c);
    assert.ok(item);
    assert.match(item.requirements.text, /any one of/);
  });

  test('a new requirement version never changes the old one, and versions count up', async () => {
    const exam = await givenExam(t);
    const credential = await givenCredential(t);
    const v1Tree = { kind: 'exam', id: 'a', examCode: exam.code };
    const v2Tree = { kind: 'exam', id: 'a', examCode: exam.code, minScore: 800 };
    const r1 = await api(t, pm, 'POST', `/api/v1/credentials/${credential.code}/requirements`, {
      tree: v1Tree,
      effectiveAt: '2026-01-01',
    });
    assert.equal(r1.statusCode, 201, r1.body);
    const r2 = await api(t, pm, 'POST', `/api/v1/credentials/${credential.code}/requirements`, {
      tree: v2Tree,
      effectiveAt: '2099-01-01T00:00:00Z',
    });
    assert.equal(json(r2).version, 2);
    const detail = json(await api(t, pm, 'GET', `/api/v1/credentials/${credential.code}`));
    assert.equal(detail.requirements.version, 1, 'version 2 takes effect later');
    assert.deepEqual(
      detail.versions.map((v: { version: number; tree: unknown }) => [v.version, v.tree]),
      [
        [1, v1Tree],
        [2, v2Tree],
      ],
    );
    const rows = await t.db
      .selectFrom('credential_requirements')
      .select(['version', 'tree', 'effective_at'])
      .where('credential_id', '=', credential.id)
      .orderBy('version')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.version, r.tree, r.effective_at.toISOString()]),
      [
        [1, v1Tree, '2026-01-01T00:00:00.000Z'],
        [2, v2Tree, '2099-01-01T00:00:00.000Z'],
      ],
    );
  });

  test('a bad tree is a 400 problem listing every problem with its JSON Pointer', async () => {
    const exam = await givenExam(t, { scoreMin: 0, scoreMax: 100, passingScore: 70 });
    const credential = await givenCredential(t);
    const res = await api(t, pm, 'POST', `/api/v1/credentials/${credential.code}/requirements`, {
      tree: {
        kind: 'any',
        id: 'root',
        count: 4,
        children: [
          { kind: 'exam', id: 'a', examCode: exam.code, minScore: 150 },
          { kind: 'exam', id: 'a', examCode: 'NOPE-1' },
          { kind: 'credits', id: 'c', categoryCode: 'NONE', minimum: 0, withinMonths: 1.5 },
        ],
      },
      effectiveAt: 'tomorrow',
    });
    assert.equal(res.statusCode, 400);
    const fields = problemFields(res);
    assert.deepEqual(Object.keys(fields).sort(), [
      'effectiveAt',
      'tree/children/0/minScore',
      'tree/children/1/examCode',
      'tree/children/1/id',
      'tree/children/2/categoryCode',
      'tree/children/2/minimum',
      'tree/children/2/withinMonths',
      'tree/count',
    ]);
    assert.match(fields['tree/count']!, /must ask for between 1 and 3/);
    assert.equal(fields.effectiveAt, 'Enter a real date, like 2027-03-01');

    const shape = await api(t, pm, 'POST', `/api/v1/credentials/${credential.code}/requirements`, {
      tree: { kind: 'exam', id: 'x', examCode: exam.code, minscore: 50, minScore: '50' },
      effectiveAt: '2026-01-01',
    });
    assert.equal(shape.statusCode, 400);
    assert.deepEqual(Object.keys(problemFields(shape)).sort(), ['tree/minScore', 'tree/minscore']);
    assert.equal((await t.app.catalog.credentialByCode(credential.code))?.requirements.length, 0);
  });

  test('cycles between credentials are refused, self-reference included', async () => {
    const a = await givenCredential(t);
    const b = await givenCredential(t);
    await givenRequirements(t, b.code, { kind: 'credential', id: 'x', credentialCode: a.code });
    const self = await api(t, pm, 'POST', `/api/v1/credentials/${a.code}/requirements`, {
      tree: { kind: 'credential', id: 'me', credentialCode: a.code },
      effectiveAt: '2026-01-01',
    });
    assert.equal(self.statusCode, 400);
    assert.deepEqual(problemFields(self), {
      'tree/credentialCode': `A credential cannot require itself (${a.code}).`,
    });
    const loop = await api(t, pm, 'POST', `/api/v1/credentials/${a.code}/requirements`, {
      tree: {
        kind: 'all',
        id: 'r',
        children: [{ kind: 'credential', id: 'b', credentialCode: b.code }],
      },
      effectiveAt: '2026-01-01',
    });
    assert.equal(loop.statusCode, 400);
    assert.deepEqual(problemFields(loop), {
      'tree/children/0/credentialCode': `Requiring ${b.code} makes a cycle: ${a.code} requires ${b.code} requires ${a.code}.`,
    });
  });

  test('unique codes, publishing rules and permissions', async () => {
    const existing = await givenCredential(t);
    const dup = await api(t, pm, 'POST', '/api/v1/credentials', {
      code: existing.code,
      name: 'Twin',
      kind: 'certification',
      level: 'Associate',
    });
    assert.equal(dup.statusCode, 400);
    assert.deepEqual(problemFields(dup), {
      code: `Another credential already uses the code ${existing.code}`,
    });

    const publish = await api(t, pm, 'PUT', `/api/v1/credentials/${existing.code}`, {
      name: existing.name,
      kind: existing.kind,
      level: existing.level,
      status: 'published',
    });
    assert.equal(publish.statusCode, 400);
    assert.deepEqual(problemFields(publish), {
      status: 'Save a version of the requirements before publishing this credential',
    });

    const badRecert = await api(t, pm, 'PUT', `/api/v1/credentials/${existing.code}`, {
      name: existing.name,
      kind: existing.kind,
      level: existing.level,
      recertification: { higherCredentials: ['NOPE-9'], credits: { category: 'NOPE', minimum: 5 } },
    });
    assert.deepEqual(Object.keys(problemFields(badRecert)).sort(), [
      'recertification/credits/category',
      'recertification/higherCredentials',
    ]);

    for (const [method, url] of [
      ['POST', '/api/v1/credentials'],
      ['PUT', `/api/v1/credentials/${existing.code}`],
      ['POST', `/api/v1/credentials/${existing.code}/requirements`],
    ] as const) {
      const res = await api(t, candidate, method, url, {
        code: code('Z'),
        name: 'x',
        kind: 'certification',
        level: 'A',
        tree: { kind: 'all', id: 'r', children: [] },
        effectiveAt: '2026-01-01',
      });
      assert.equal(res.statusCode, 403, `${method} ${url}`);
    }
    assert.equal((await api(t, pm, 'GET', '/api/v1/credentials/NOPE-404')).statusCode, 404);
  });

  test('the OpenAPI document describes the catalog routes with their schemas', async () => {
    const doc = json(await api(t, undefined, 'GET', '/api/v1/openapi.json'));
    for (const [path, methods] of [
      ['/api/v1/exams', ['get', 'post']],
      ['/api/v1/exams/{code}', ['get', 'put']],
      ['/api/v1/credentials', ['get', 'post']],
      ['/api/v1/credentials/{code}', ['get', 'put']],
      ['/api/v1/credentials/{code}/requirements', ['post']],
    ] as const) {
      for (const method of methods) {
        const op = doc.paths[path]?.[method];
        assert.ok(op, `${method} ${path}`);
        assert.deepEqual(op.tags, ['catalog']);
        assert.ok(op.responses['400'], `${method} ${path} documents its problems`);
      }
    }
    assert.ok(doc.paths['/api/v1/credentials/{code}/requirements'].post.requestBody);
  });
});
