import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  credentialGraph,
  parsePrice,
  readCredential,
  readExam,
  requirementsInForce,
  startOfDayIn,
} from '../../src/features/catalog/catalog-rules.ts';
import {
  applyAction,
  editTreeFrom,
  editTreeFromBody,
  flatten,
  formValues,
  nodeField,
  parseAction,
  problemsToFields,
  toRequirementJson,
} from '../../src/features/catalog/requirement-form.ts';
import type { RequirementNode } from '../../src/features/catalog/catalog.requirements.ts';
import { parseRequirementTree } from '../../src/features/catalog/catalog.requirements.ts';

/** Pure rules: no database. */

describe('reading an exam', () => {
  test('form strings and JSON values give the same exam', () => {
    const fromForm = readExam({
      code: ' acs-101 ',
      title: 'Cloud',
      kind: 'exam',
      delivery: ['web', 'test_center'],
      scoreMin: '0',
      scoreMax: '1000',
      passingScore: '700',
      languages: 'en, pt-BR',
      durationMinutes: '',
      price: '149,5',
      currency: 'usd',
      retakeWaitDaysFirst: '1',
      retakeWaitDaysLater: '',
      retakeMaxPerYear: '',
      retakeAfterPass: 'yes',
      status: 'draft',
    });
    const fromJson = readExam({
      code: 'ACS-101',
      title: 'Cloud',
      kind: 'exam',
      delivery: ['test_center', 'web'],
      passingScore: 700,
      languages: ['en', 'pt-BR'],
      price: '149.50',
      currency: 'USD',
      retakeWaitDaysFirst: 1,
      retakeAfterPass: true,
      status: 'draft',
    });
    assert.ok(fromForm.ok && fromJson.ok);
    assert.deepEqual(fromForm.value, fromJson.value);
    assert.equal(fromForm.value.priceCents, 14950);
    assert.deepEqual(fromForm.value.delivery, ['test_center', 'web'], 'in a stable order');
  });

  test('one problem per field, the first to fix', () => {
    const read = readExam({
      code: '',
      title: 'x'.repeat(201),
      kind: '',
      passingScore: '1.5',
      price: '10',
      languages: '',
    });
    assert.ok(!read.ok);
    assert.deepEqual(Object.fromEntries(read.problems.map((p) => [p.field, p.messageKey])), {
      code: 'catalog.v.codeRequired',
      title: 'catalog.v.tooLong',
      kind: 'catalog.v.examKindRequired',
      delivery: 'catalog.v.deliveryRequired',
      passingScore: 'catalog.v.wholeNumber',
      languages: 'catalog.v.languagesRequired',
      currency: 'catalog.v.currencyRequired',
    });
  });

  test('prices are read exactly, in cents', () => {
    assert.equal(parsePrice('0.1'), 10);
    assert.equal(parsePrice('19.99'), 1999);
    assert.equal(parsePrice('1.999'), null);
    assert.equal(parsePrice('-1'), null);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        return parsePrice(text) === cents;
      }),
    );
  });
});

describe('reading a credential', () => {
  test('recertification from flat form fields', () => {
    const read = readCredential({
      code: 'CSA',
      name: 'Security Associate',
      kind: 'certification',
      level: 'Associate',
      levelRank: '2',
      validityMonths: '',
      recertRequirementsAgain: 'yes',
      recertExams: 'acs-201, ACS-202 acs-201',
      recertCreditsCategory: 'ce',
      recertCreditsMinimum: '40',
    });
    assert.ok(read.ok);
    assert.equal(read.value.validityMonths, null);
    assert.deepEqual(read.value.recertification, {
      requirementsAgain: true,
      exams: ['ACS-201', 'ACS-202'],
      higherCredentials: [],
      credits: { category: 'CE', minimum: 40 },
    });
  });
});

describe('time', () => {
  test('a date starts at midnight in the given time zone', () => {
    assert.equal(startOfDayIn('2026-03-01', 'UTC').toISOString(), '2026-03-01T00:00:00.000Z');
    assert.equal(
      startOfDayIn('2026-03-01', 'Australia/Sydney').toISOString(),
      '2026-02-28T13:00:00.000Z',
    );
    assert.equal(
      startOfDayIn('2026-07-01', 'America/New_York').toISOString(),
      '2026-07-01T04:00:00.000Z',
    );
    // The day clocks go forward in Europe: midnight exists and is still UTC+1.
    assert.equal(
      startOfDayIn('2026-03-29', 'Europe/Paris').toISOString(),
      '2026-03-28T23:00:00.000Z',
    );
  });

  test('the version in force is the latest that has taken effect; the higher version wins a tie', () => {
    const v = (version: number, at: string) => ({
      version,
      effectiveAt: new Date(at),
      tree: { kind: 'all', id: 'r', children: [] } as RequirementNode,
      note: '',
      createdAt: new Date(),
    });
    const credential = {
      requirements: [
        v(1, '2026-01-01'),
        v(2, '2026-06-01'),
        v(3, '2026-06-01'),
        v(4, '2027-01-01'),
      ],
    };
    assert.equal(requirementsInForce(credential, new Date('2025-12-31')), undefined);
    assert.equal(requirementsInForce(credential, new Date('2026-01-01'))?.version, 1);
    assert.equal(requirementsInForce(credential, new Date('2026-06-01'))?.version, 3);
    assert.equal(requirementsInForce(credential, new Date('2026-12-31'))?.version, 3);
    assert.equal(requirementsInForce(credential, new Date('2030-01-01'))?.version, 4);
  });

  test('the credential graph keeps the version in force and later ones, not superseded ones', () => {
    const node = (code: string): RequirementNode => ({
      kind: 'credential',
      id: code,
      credentialCode: code,
    });
    const v = (version: number, at: string, tree: RequirementNode) => ({
      version,
      effectiveAt: new Date(at),
      tree,
      note: '',
      createdAt: new Date(),
    });
    const graph = credentialGraph(
      [
        {
          code: 'A',
          requirements: [
            v(1, '2020-01-01', node('OLD')),
            v(2, '2025-01-01', node('B')),
            v(3, '2099-01-01', node('C')),
          ],
        },
        { code: 'B', requirements: [] },
      ],
      new Date('2026-01-01'),
    );
    assert.deepEqual(graph.get('A'), ['B', 'C']);
    assert.deepEqual(graph.get('B'), []);
  });
});

describe('the tree editor’s form state', () => {
  const tree: RequirementNode = {
    kind: 'all',
    id: 'root',
    children: [
      { kind: 'exam', id: 'e1', examCode: 'ACS-101', minScore: 700, versions: ['1', '2'] },
      {
        kind: 'any',
        id: 'g',
        count: 1,
        children: [
          { kind: 'credential', id: 'c1', credentialCode: 'CSA' },
          { kind: 'credits', id: 'cr', categoryCode: 'CE', minimum: 2.5, withinMonths: 12 },
        ],
      },
      { kind: 'agreement', id: 'a', agreementCode: 'CAND', version: 2 },
      { kind: 'training', id: 't', courseCode: 'LAB-1', withinMonths: 6 },
    ],
  };

  /** What the browser posts back for a tree the editor rendered. */
  function posted(root: ReturnType<typeof editTreeFrom>): Record<string, string> {
    const body: Record<string, string> = { ...formValues(root) };
    for (const f of flatten(root)) {
      body[nodeField(f.index, 'id')] = f.node.id;
      body[nodeField(f.index, 'kind')] = f.node.kind;
      body[nodeField(f.index, 'parent')] = f.parent >= 0 ? String(f.parent) : '';
    }
    return body;
  }

  test('a stored tree goes through the form and back unchanged', () => {
    const root = editTreeFromBody(posted(editTreeFrom(tree)));
    const { json, problems } = toRequirementJson(root);
    assert.deepEqual(problems, []);
    const parsed = parseRequirementTree(json);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.tree, tree);
  });

  test('add, remove, move and wrap keep ids unique and the rest in place', () => {
    let root = editTreeFrom(tree);
    root = applyAction(root, { kind: 'add', index: 2, nodeKind: 'exam' }).root;
    assert.equal(flatten(root)[5]!.node.kind, 'exam');
    const ids = flatten(root).map((f) => f.node.id);
    assert.equal(new Set(ids).size, ids.length);
    root = applyAction(root, { kind: 'remove', index: 2 }).root;
    assert.deepEqual(
      root.children.map((c) => c.id),
      ['e1', 'a', 't'],
    );
    root = applyAction(root, { kind: 'down', index: 1 }).root;
    assert.deepEqual(
      root.children.map((c) => c.id),
      ['a', 'e1', 't'],
    );
    const wrapped = applyAction(root, { kind: 'wrap', index: 0 });
    assert.equal(wrapped.root.kind, 'all');
    assert.equal(wrapped.root.children[0]!.id, 'root');
    assert.equal(wrapped.focus, 0);
    // The root cannot be removed or moved.
    assert.deepEqual(applyAction(root, { kind: 'remove', index: 0 }).root, root);
  });

  test('actions are read from the button, with the kind chosen beside it', () => {
    assert.deepEqual(parseAction('add:3', { 'nodes[3][addKind]': 'credits' }), {
      kind: 'add',
      index: 3,
      nodeKind: 'credits',
    });
    assert.deepEqual(parseAction('group:3', {}), { kind: 'add', index: 3, nodeKind: 'all' });
    assert.deepEqual(parseAction('save', {}), { kind: 'save' });
    assert.deepEqual(parseAction('drop table', {}), { kind: 'refresh' });
  });

  test('a tampered form is repaired, never refused', () => {
    const root = editTreeFromBody({
      'nodes[0][kind]': 'nonsense',
      'nodes[2][kind]': 'exam',
      'nodes[2][parent]': '7',
      'nodes[2][id]': 'bad id!',
      'nodes[3][kind]': 'exam',
      'nodes[3][parent]': '2',
      'nodes[9999][kind]': 'exam',
    });
    // The root became a leaf, so nothing hangs under it; every id is valid.
    assert.equal(root.kind, 'exam');
    assert.deepEqual(root.children, []);
    assert.match(root.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  test('problem paths land on the node and field they name', () => {
    const root = editTreeFrom(tree);
    const fields = problemsToFields(root, [
      { path: '/children/1/children/1/minimum', code: 'OUT_OF_RANGE', message: 'too few' },
      { path: '/children/0/versions/1', code: 'UNKNOWN_EXAM_VERSION', message: 'no such version' },
      { path: '/children/1/children', code: 'EMPTY_GROUP', message: 'empty' },
      { path: '/children/3/id', code: 'DUPLICATE_ID', message: 'dup' },
    ]);
    assert.deepEqual(
      fields.map((f) => f.field),
      ['nodes[4][minimum]', 'nodes[1][versions]', 'nodes[2]', 'nodes[6]'],
    );
  });

  test('blank choices and words in number fields are the form’s own problems, with the rest still checked', () => {
    const root = editTreeFrom({ kind: 'all', id: 'r', children: [] });
    root.children.push(
      { id: 'x', kind: 'exam', values: { minScore: 'high' }, children: [] },
      { id: 'y', kind: 'any', values: {}, children: [] },
    );
    const { json, problems } = toRequirementJson(root);
    assert.deepEqual(
      problems.map((p) => [p.field, p.messageKey]),
      [
        ['nodes[1][examCode]', 'catalog.tree.chooseExam'],
        ['nodes[1][minScore]', 'catalog.tree.number'],
        ['nodes[2][count]', 'catalog.tree.countRequired'],
      ],
    );
    assert.ok(parseRequirementTree(json).ok, 'stand-ins keep the tree checkable');
  });
});
