import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { get, givenProgram, post } from '../helpers/accounts.ts';
import { agent, candidate, fieldError, text, type Person } from './helpers.ts';

let t: TestApp;
let admin: Person;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  admin = await agent(t, 'admin');
});
after(async () => {
  await t?.close();
});

const slugsIn = (html: string) =>
  [...html.matchAll(/href="\/help\/([a-z0-9-]+)"/g)].map((m) => m[1]);

describe('help and FAQ', () => {
  test('the seeded articles are listed by topic and readable without signing in', async () => {
    const index = await get(t.app, '/help');
    assert.equal(index.statusCode, 200);
    const page = text(index.body);
    assert.match(page, /Getting started First time users Candidates working for a partner company/);
    assert.match(page, /Your account How to recover your account/);
    const article = await get(t.app, '/help/recover-your-account');
    assert.equal(article.statusCode, 200);
    assert.match(article.body, /<h2>Forgot your password or username<\/h2>/);
    assert.match(article.body, /<a href="\/account-recovery">account recovery<\/a>/);
    assert.equal((await get(t.app, '/help/no-such-article')).statusCode, 404);
  });

  test('search finds words by their stem and by part of a word, on either database', async () => {
    const stem = await get(t.app, '/help?q=recovering');
    assert.ok(
      slugsIn(stem.body).includes('recover-your-account'),
      'full text: recovering → recover',
    );
    const partial = await get(t.app, '/help?q=partn');
    assert.ok(slugsIn(partial.body).includes('partner-company-candidates'), 'substring');
    const none = await get(t.app, '/help?q=zyzzyva');
    assert.match(text(none.body), /No article matches/);
    // Characters that mean something to LIKE or to tsquery are just characters.
    assert.equal((await get(t.app, '/help?q=%25_%5C%27%20%26%20!%3A*')).statusCode, 200);
  });

  test('Markdown with a script tag and javascript: links renders harmless', async () => {
    const saved = await post(
      t.app,
      '/console/help/new',
      {
        title: 'Tricky article',
        slug: 'tricky',
        topic: 'Testing',
        position: '1',
        published: 'on',
        body: [
          'Hello <script>alert("x")</script>',
          '[click me](javascript:alert(1)) [and me](JAVASCRIPT:alert(2))',
          '<a href="javascript:alert(3)">raw</a> <img src=x onerror=alert(4)>',
          '[fine](https://example.com)',
        ].join('\n\n'),
      },
      admin.jar,
    );
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
    const page = await get(t.app, '/help/tricky');
    assert.equal(page.statusCode, 200);
    const article = /<div class="help-article">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    assert.ok(article.includes('&lt;script&gt;'), article);
    assert.doesNotMatch(article, /<script|<img|javascript:[^<]*"|href="javascript/i);
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.match(article, /<a href="https:\/\/example.com" rel="noopener noreferrer">fine<\/a>/);
  });

  test('admins write, unpublish and delete articles; others may not', async () => {
    const bad = await post(
      t.app,
      '/console/help/new',
      { title: '', slug: 'Bad Slug', topic: '', body: '', position: 'x' },
      admin.jar,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(fieldError(bad.body, 'slug'), /lowercase letters/);
    assert.equal(fieldError(bad.body, 'title'), 'Enter a title of up to 200 characters');
    const taken = await post(
      t.app,
      '/console/help/new',
      { title: 'Dup', slug: 'first-time-users', topic: 'T', body: 'b', position: '0' },
      admin.jar,
    );
    assert.equal(fieldError(taken.body, 'slug'), 'Another article has this web address name');

    const created = await post(
      t.app,
      '/console/help/new',
      { title: 'Draft one', slug: 'draft-one', topic: 'Drafts', body: 'Soon.', position: '0' },
      admin.jar,
    );
    assert.equal(created.statusCode, 303);
    // Not published: not on the public pages, in the console.
    assert.equal((await get(t.app, '/help/draft-one')).statusCode, 404);
    assert.ok(!slugsIn((await get(t.app, '/help')).body).includes('draft-one'));
    const row = await t.db
      .selectFrom('help_articles')
      .select('id')
      .where('slug', '=', 'draft-one')
      .executeTakeFirstOrThrow();
    assert.match(
      text((await get(t.app, '/console/help', admin.jar)).body),
      /Draft one draft-one 0 Draft/,
    );
    const published = await post(
      t.app,
      `/console/help/${row.id}`,
      {
        title: 'Draft one',
        slug: 'draft-one',
        topic: 'Drafts',
        body: 'Now.',
        position: '0',
        published: 'on',
      },
      admin.jar,
    );
    assert.equal(published.statusCode, 303);
    assert.equal((await get(t.app, '/help/draft-one')).statusCode, 200);
    const removed = await post(t.app, `/console/help/${row.id}/delete`, {}, admin.jar, {
      from: `/console/help/${row.id}`,
    });
    assert.equal(removed.statusCode, 303);
    assert.equal((await get(t.app, '/help/draft-one')).statusCode, 404);
    const audit = await t.db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_type', '=', 'help_article')
      .where('subject_id', '=', String(row.id))
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((a) => a.action),
      ['support.help_created', 'support.help_updated', 'support.help_deleted'],
    );

    const someone = await candidate(t);
    assert.equal((await get(t.app, '/console/help', someone.jar)).statusCode, 403);
    assert.equal((await get(t.app, '/console/help/new', someone.jar)).statusCode, 403);
  });

  test('every page has a help link, signed in or not', async () => {
    const someone = await candidate(t);
    for (const [url, jar] of [
      ['/', undefined],
      ['/sign-in', undefined],
      ['/contact', undefined],
      ['/dashboard', someone.jar],
      ['/support', someone.jar],
    ] as const) {
      const res = await get(t.app, url, jar);
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<footer[\s\S]*<a href="\/help">Help<\/a>/, url);
    }
  });
});
