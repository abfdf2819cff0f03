import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { decode, givenProgram, pathOf } from '../helpers/accounts.ts';
import {
  browserFields,
  code,
  getPage,
  givenCredential,
  givenExam,
  givenRequirements,
  pressButton,
  signedInCandidate,
  signedInManager,
  SYSTEM,
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

function fieldError(html: string, name: string): string | undefined {
  const id = `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const field = new RegExp(`<p class="field__error" id="${id}-error">([\\s\\S]*?)</p>`).exec(html);
  if (field)
    return decode(
      field[1]!
        .replace(/<[^>]*>/g, '')
        .replace(/^Error:\s*/, '')
        .trim(),
    );
  // A problem with a whole node is shown at the top of its fieldset.
  const node = new RegExp(
    `<fieldset[^>]*id="${id}"[^>]*>\\s*<legend[^>]*>[\\s\\S]*?</legend>\\s*<p class="field__error">([\\s\\S]*?)</p>`,
  ).exec(html);
  return node
    ? decode(
        node[1]!
          .replace(/<[^>]*>/g, '')
          .replace(/^Error:\s*/, '')
          .trim(),
      )
    : undefined;
}

function value(fields: [string, string][], name: string): string | undefined {
  return fields.find(([n]) => n === name)?.[1];
}

/** Opens the editor and returns a function that presses buttons, keeping the page's state like a browser. */
async function openEditor(credentialCode: string) {
  const url = `/console/catalog/credentials/${credentialCode}/requirements/new`;
  const first = await getPage(t, pm, url);
  assert.equal(first.statusCode, 200, first.body.slice(0, 300));
  let html = first.body;
  return {
    get html() {
      return html;
    },
    get fields() {
      return browserFields(html, url);
    },
    async press(button: string | undefined, changes: Record<string, string> = {}) {
      const res = await pressButton(t, pm, url, browserFields(html, url), button, changes);
      if (res.statusCode === 200 || res.statusCode === 400) html = res.body;
      return res;
    },
  };
}

describe('the requirement tree editor, without JavaScript', () => {
  test('builds a tree with add, change type, move and remove, then saves version 1', async () => {
    const exam = await givenExam(t, { title: 'Storage Essentials' });
    const exam2 = await givenExam(t, { title: 'Compute Essentials' });
    const prereq = await givenCredential(t, { name: 'Cloud Foundations' });
    const credential = await givenCredential(t);
    const editor = await openEditor(credential.code);
    assert.match(editor.html, /Requirements: All of these/);
    assert.equal(value(editor.fields, 'nodes[0][kind]'), 'all');

    // Add an exam inside the root.
    let res = await editor.press('add:0', { 'nodes[0][addKind]': 'exam' });
    assert.equal(res.statusCode, 200);
    assert.equal(value(editor.fields, 'nodes[1][kind]'), 'exam');
    assert.equal(value(editor.fields, 'nodes[1][parent]'), '0');
    // The button takes the browser back to the group it was pressed in.
    assert.match(editor.html, /value="add:0" formaction="[^"]*#f-nodes-0-"/);

    // Add a group, and make it "some of these".
    await editor.press('group:0');
    assert.equal(value(editor.fields, 'nodes[2][kind]'), 'all');
    await editor.press('refresh', { 'nodes[2][kind]': 'any' });
    assert.equal(value(editor.fields, 'nodes[2][kind]'), 'any');
    assert.equal(value(editor.fields, 'nodes[2][count]'), '', 'a count field appears');

    // Two conditions inside the group.
    await editor.press('add:2', { 'nodes[2][addKind]': 'exam' });
    await editor.press('add:2', { 'nodes[2][addKind]': 'credential' });
    assert.equal(value(editor.fields, 'nodes[3][parent]'), '2');
    assert.equal(value(editor.fields, 'nodes[4][kind]'), 'credential');

    // A third, removed again; then the two swapped with "Move up".
    await editor.press('add:2', { 'nodes[2][addKind]': 'training' });
    assert.equal(value(editor.fields, 'nodes[5][kind]'), 'training');
    await editor.press('remove:5');
    assert.equal(value(editor.fields, 'nodes[5][kind]'), undefined);
    await editor.press('up:4');
    assert.equal(value(editor.fields, 'nodes[3][kind]'), 'credential');
    assert.equal(value(editor.fields, 'nodes[4][kind]'), 'exam');

    // Fill in the fields and save.
    res = await editor.press('save', {
      'nodes[1][examCode]': exam.code,
      'nodes[1][minScore]': '750',
      'nodes[1][versions]': '1',
      'nodes[2][count]': '1',
      'nodes[3][credentialCode]': prereq.code,
      'nodes[4][examCode]': exam2.code,
      'nodes[4][withinMonths]': '24',
      effectiveAt: '2026-03-01',
      note: 'First version',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 3000));
    assert.equal(pathOf(res.headers.location), `/console/catalog/credentials/${credential.code}`);

    const saved = await t.app.catalog.credentialByCode(credential.code);
    assert.equal(saved?.requirements.length, 1);
    const v1 = saved!.requirements[0]!;
    assert.equal(v1.version, 1);
    assert.equal(v1.note, 'First version');
    // A date means midnight where the program manager is (UTC for this account).
    assert.equal(v1.effectiveAt.toISOString(), '2026-03-01T00:00:00.000Z');
    assert.deepEqual(v1.tree, {
      kind: 'all',
      id: 'root',
      children: [
        { kind: 'exam', id: 'n1', examCode: exam.code, minScore: 750, versions: ['1'] },
        {
          kind: 'any',
          id: 'n2',
          count: 1,
          children: [
            { kind: 'credential', id: 'n4', credentialCode: prereq.code },
            { kind: 'exam', id: 'n3', examCode: exam2.code, withinMonths: 24 },
          ],
        },
      ],
    });

    const page = await getPage(t, pm, `/console/catalog/credentials/${credential.code}`);
    assert.match(page.body, /Requirements version 1 was saved/);
    assert.match(
      page.body,
      new RegExp(
        `Pass Storage Essentials \\(${exam.code}\\) in version 1 with a score of 750 or more`,
      ),
    );
    assert.match(page.body, /Any one of/);

    const audit = await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'reason'])
      .where('subject_type', '=', 'credential')
      .where('subject_id', '=', credential.code)
      .where('action', '=', 'catalog.requirements_versioned')
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_user_id, pm.account.id);
    assert.equal(audit.reason, 'First version');
  });

  test('a change is saved as the next version; earlier versions stay as they were', async () => {
    const exam = await givenExam(t);
    const exam2 = await givenExam(t);
    const credential = await givenCredential(t);
    const v1 = await givenRequirements(
      t,
      credential.code,
      { kind: 'exam', id: 'only', examCode: exam.code },
      '2026-01-01',
    );
    const editor = await openEditor(credential.code);
    assert.match(editor.html, /This starts from version 1/);
    assert.equal(value(editor.fields, 'nodes[0][examCode]'), exam.code);

    // Wrap the single exam in a group, then add a second exam beside it.
    await editor.press('wrap:0');
    assert.equal(value(editor.fields, 'nodes[0][kind]'), 'all');
    assert.equal(value(editor.fields, 'nodes[1][examCode]'), exam.code);
    await editor.press('add:0', { 'nodes[0][addKind]': 'exam' });
    const res = await editor.press('save', {
      'nodes[0][kind]': 'any',
      'nodes[0][count]': '1',
      'nodes[2][examCode]': exam2.code,
      effectiveAt: '2026-09-01',
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 2000));

    const saved = await t.app.catalog.credentialByCode(credential.code);
    assert.deepEqual(
      saved?.requirements.map((v) => v.version),
      [1, 2],
    );
    assert.deepEqual(saved!.requirements[0]!.tree, v1.tree, 'version 1 is untouched');
    assert.equal(saved!.requirements[0]!.effectiveAt.toISOString(), v1.effectiveAt.toISOString());
    assert.equal(saved!.requirements[1]!.tree.kind, 'any');
    assert.equal(
      t.app.catalog.requirementsInForce(saved!, new Date('2026-08-31T23:59:59Z'))?.version,
      1,
    );
    assert.equal(
      t.app.catalog.requirementsInForce(saved!, new Date('2026-09-01T00:00:00Z'))?.version,
      2,
    );
    assert.equal(
      t.app.catalog.requirementsInForce(saved!, new Date('2025-12-31T00:00:00Z')),
      undefined,
    );
  });

  test('on save, one clear message per problem beside the node it is about; nothing is saved', async () => {
    const exam = await givenExam(t, { scoreMin: 100, scoreMax: 1000, passingScore: 700 });
    const credential = await givenCredential(t);
    await givenRequirements(
      t,
      credential.code,
      { kind: 'exam', id: 'x', examCode: exam.code },
      '2026-05-01',
    );
    const editor = await openEditor(credential.code);
    await editor.press('wrap:0');
    await editor.press('group:0');
    await editor.press('refresh', { 'nodes[2][kind]': 'any' });
    await editor.press('add:2', { 'nodes[2][addKind]': 'exam' });
    await editor.press('add:0', { 'nodes[0][addKind]': 'credits' });
    await editor.press('add:0', { 'nodes[0][addKind]': 'exam' });
    const res = await editor.press('save', {
      'nodes[1][minScore]': '50', // below the exam's scale
      'nodes[1][withinMonths]': 'soon', // not a number
      'nodes[2][count]': '3', // only one inside
      'nodes[4][minimum]': '0',
      effectiveAt: '2026-04-01', // before version 1
    });
    assert.equal(res.statusCode, 400);
    assert.match(editor.html, /class="error-summary"/);
    assert.equal(
      fieldError(editor.html, 'nodes[1][withinMonths]'),
      'Requirement 1: Enter a number, like 12',
    );
    assert.match(
      fieldError(editor.html, 'nodes[1][minScore]') ?? '',
      new RegExp(`outside ${exam.code}'s score scale \\(100 to 1000\\)`),
    );
    assert.match(fieldError(editor.html, 'nodes[2][count]') ?? '', /between 1 and 1/);
    assert.equal(fieldError(editor.html, 'nodes[3][examCode]'), 'Requirement 2.1: Choose an exam');
    assert.equal(
      fieldError(editor.html, 'nodes[4][categoryCode]'),
      'Requirement 3: Choose a credit category',
    );
    assert.equal(fieldError(editor.html, 'nodes[5][examCode]'), 'Requirement 4: Choose an exam');
    assert.match(
      fieldError(editor.html, 'effectiveAt') ?? '',
      /on or after 2026-05-01, when version 1 took effect/,
    );
    // What was typed is still there.
    assert.equal(value(editor.fields, 'nodes[1][withinMonths]'), 'soon');
    assert.equal(value(editor.fields, 'nodes[2][count]'), '3');
    assert.equal((await t.app.catalog.credentialByCode(credential.code))?.requirements.length, 1);
  });

  test('an empty group and an unknown code are reported where they are', async () => {
    const credential = await givenCredential(t);
    const editor = await openEditor(credential.code);
    const res = await editor.press('save', { effectiveAt: '2026-01-01' });
    assert.equal(res.statusCode, 400);
    assert.match(
      fieldError(editor.html, 'nodes[0]') ?? '',
      /needs at least one requirement inside it/,
    );

    // A code that is not in the catalog (from an API client, say) stays selected and is named.
    await t.app.catalog
      .addRequirementVersion(SYSTEM, credential.code, {
        tree: { kind: 'exam', id: 'gone', examCode: 'NOT-THERE' },
        effectiveAt: '2026-01-01',
      })
      .then(
        () => assert.fail('an unknown exam must be refused'),
        (error: { problems?: { field: string }[] }) => {
          assert.deepEqual(
            error.problems?.map((p) => p.field),
            ['tree/examCode'],
          );
        },
      );
  });

  test('a credential that would require itself, directly or through others, is refused with the chain', async () => {
    const a = await givenCredential(t, { name: 'Alpha' });
    const b = await givenCredential(t, { name: 'Beta' });
    const c = await givenCredential(t, { name: 'Gamma' });
    await givenRequirements(t, b.code, { kind: 'credential', id: 'b1', credentialCode: a.code });
    await givenRequirements(t, c.code, { kind: 'credential', id: 'c1', credentialCode: b.code });
    // A requiring C makes A → C → B → A.
    const editor = await openEditor(a.code);
    await editor.press('add:0', { 'nodes[0][addKind]': 'credential' });
    assert.ok(
      !editor.html.includes(`<option value="${a.code}"`),
      'a credential is not offered for itself',
    );
    const res = await editor.press('save', {
      'nodes[1][credentialCode]': c.code,
      effectiveAt: '2026-01-01',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(
      fieldError(editor.html, 'nodes[1][credentialCode]'),
      `Requirement 1: Requiring ${c.code} makes a cycle: ${a.code} requires ${c.code} requires ${b.code} requires ${a.code}.`,
    );
    assert.equal((await t.app.catalog.credentialByCode(a.code))?.requirements.length, 0);
  });

  test('the editor keeps markup-looking input as text, and is for program managers only', async () => {
    const credential = await givenCredential(t);
    const editor = await openEditor(credential.code);
    await editor.press('add:0', { 'nodes[0][addKind]': 'exam' });
    const res = await editor.press('save', {
      'nodes[1][versions]': '"><script>alert(1)</script>',
      note: '</textarea><script>alert(2)</script>',
      effectiveAt: '2026-01-01',
    });
    assert.equal(res.statusCode, 400);
    const outsideAttributes = editor.html.replace(/="[^"]*"/g, '=""');
    assert.ok(!outsideAttributes.includes('<script>alert'));
    assert.equal(value(editor.fields, 'note'), '</textarea><script>alert(2)</script>');

    const candidate = await signedInCandidate(t);
    const page = await getPage(
      t,
      candidate,
      `/console/catalog/credentials/${credential.code}/requirements/new`,
    );
    assert.equal(page.statusCode, 403);
  });
});

describe('with another program manager', () => {
  test('admins may use the editor too', async () => {
    const admin = await signedInManager(t, 'admin');
    const credential = await givenCredential(t);
    const res = await getPage(
      t,
      admin,
      `/console/catalog/credentials/${credential.code}/requirements/new`,
    );
    assert.equal(res.statusCode, 200);
    assert.ok(code('Z'));
  });
});
