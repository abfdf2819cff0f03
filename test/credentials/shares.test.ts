import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { freshIp, get, givenProgram, outboxTo, post } from '../helpers/accounts.ts';
import { SHARES_PER_DAY } from '../../src/features/credentials/shares.rules.ts';
import {
  earn,
  givenHolder,
  givenSharingCatalog,
  principalOf,
  text,
  type Holder,
  type SharingCatalog,
} from './sharing-setup.ts';

let t: TestApp;
let catalog: SharingCatalog;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  catalog = await givenSharingCatalog(t);
});
after(async () => {
  await t?.close();
});

interface Sender extends Holder {
  alpha: string;
  beta: string;
  alphaResult: number;
}

async function sender(names = { givenName: 'Grace', familyName: 'Hopper' }): Promise<Sender> {
  const holder = await givenHolder(t, names);
  const a = await earn(t, holder.account.id, catalog.alpha.examCode);
  const b = await earn(t, holder.account.id, catalog.beta.examCode);
  return { ...holder, alpha: a.number, beta: b.number, alphaResult: a.resultId };
}

const RECIPIENT = { recipientName: 'Hiring Team', message: 'As discussed on the phone.' };

/** Fills the form, checks, and sends; returns the share link from the recipient's email. */
async function share(
  s: Sender,
  fields: Record<string, string | string[]>,
  email = `hr-${Math.random().toString(36).slice(2, 8)}@example.com`,
): Promise<{ link: string; email: string }> {
  const body = { ...RECIPIENT, recipientEmail: email, ...fields };
  const check = await post(t.app, '/shares/new', body, s.jar, { ip: s.ip });
  assert.equal(check.statusCode, 200, check.body.slice(0, 300));
  assert.match(text(check.body), /Check before you send/);
  const sent = await post(t.app, '/shares/new', { ...body, confirm: 'yes' }, s.jar, {
    ip: s.ip,
    from: '/shares/new',
  });
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
  assert.equal(sent.headers.location, '/shares');
  const [mail] = await outboxTo(t.db, email);
  assert.ok(mail, 'the recipient was emailed');
  const link = /https?:\/\/[^\s"<>]+\/s\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  assert.ok(link, mail.text);
  return { link: new URL(link).pathname, email };
}

describe('sharing chosen credentials', () => {
  test('/shares/new?award= preselects that award; another person’s number preselects nothing', async () => {
    const s = await sender();
    const other = await sender({ givenName: 'Alan', familyName: 'Turing' });
    const res = await get(t.app, `/shares/new?award=${s.beta.toLowerCase()}`, s.jar, { ip: s.ip });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`value="${s.beta}" checked`));
    assert.doesNotMatch(res.body, new RegExp(`value="${s.alpha}" checked`));
    const foreign = await get(t.app, `/shares/new?award=${other.alpha}`, s.jar, { ip: s.ip });
    assert.doesNotMatch(foreign.body, new RegExp(other.alpha));
    assert.match(foreign.body, /<option value="90" selected/);
  });

  test('the recipient gets an email with a link to a page showing only the chosen award, live', async () => {
    const s = await sender();
    const { link, email } = await share(s, {
      scope: 'awards',
      awards: [s.alpha],
      expiresInDays: '30',
    });
    const [mail] = await outboxTo(t.db, email);
    assert.match(mail!.subject, /Grace Hopper shared credentials/);
    assert.match(mail!.text, /As discussed on the phone\./);

    // The token is stored hashed only.
    const token = link.split('/').pop()!;
    const rows = await t.db
      .selectFrom('shares')
      .select(['token_hash', 'expires_at', 'created_at'])
      .where('user_id', '=', s.account.id)
      .execute();
    assert.equal(rows.length, 1);
    assert.notEqual(Buffer.from(rows[0]!.token_hash).toString('utf8'), token);
    assert.ok(!Buffer.from(rows[0]!.token_hash).toString('base64url').includes(token));
    assert.equal(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime(), 30 * 86_400_000);

    const page = await get(t.app, link, undefined, {
      ip: freshIp(),
      headers: { 'user-agent': 'RecruiterBrowser/1.0' },
    });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.equal(page.headers['x-robots-tag'], 'noindex');
    const body = text(page.body);
    assert.match(body, /Credentials of Grace Hopper/);
    assert.match(body, /As discussed on the phone\./);
    assert.match(body, /Harbor Pilot Associate/);
    assert.match(body, /Active/);
    assert.match(page.body, new RegExp(`href="/verify/${s.alpha}"`));
    // Nothing beyond the chosen items: not the other credential, not the email, not the history.
    assert.doesNotMatch(body, /Lighthouse Keeper/);
    assert.doesNotMatch(page.body, new RegExp(s.beta));
    assert.doesNotMatch(page.body, new RegExp(s.account.email));
    assert.doesNotMatch(body, /Exam history|Harbor Basics/);

    // The view is logged, and the sender sees it.
    const list = await get(t.app, '/shares', s.jar, { ip: s.ip });
    assert.match(text(list.body), /Opened once, on /);
    const [summary] = await t.db
      .selectFrom('shares')
      .select(['id', 'open_count', 'first_opened_at'])
      .where('user_id', '=', s.account.id)
      .execute();
    assert.equal(summary!.open_count, 1);
    assert.ok(summary!.first_opened_at);
    const detail = await get(t.app, `/shares/${summary!.id}`, s.jar, { ip: s.ip });
    assert.match(text(detail.body), /RecruiterBrowser\/1\.0/);

    // Live status: the award is revoked later; the page says so, without the reason.
    await t.app.progress.revokeResult(null, s.alphaResult, 'Answer sheet copied from a neighbour');
    const later = await get(t.app, link, undefined, { ip: freshIp() });
    assert.match(text(later.body), /Revoked/);
    assert.match(text(later.body), /was revoked on/);
    assert.doesNotMatch(later.body, /neighbour/);
  });

  test('a whole transcript shows every award, and exam history only when chosen', async () => {
    const s = await sender({ givenName: 'Hedy', familyName: 'Lamarr' });
    const plain = await share(s, { scope: 'transcript' });
    let page = text((await get(t.app, plain.link, undefined, { ip: freshIp() })).body);
    assert.match(page, /Harbor Pilot Associate/);
    assert.match(page, /Lighthouse Keeper Professional/);
    assert.doesNotMatch(page, /Exam history/);

    const withHistory = await share(s, { scope: 'transcript', includeHistory: 'yes' });
    page = text((await get(t.app, withHistory.link, undefined, { ip: freshIp() })).body);
    assert.match(page, /Exam history/);
    assert.match(page, /Harbor Basics/);
    assert.match(page, /Passed/);
  });

  test('a bad form is shown again with the problems beside the fields', async () => {
    const s = await sender();
    const other = await sender({ givenName: 'Alan', familyName: 'Turing' });
    const res = await post(
      t.app,
      '/shares/new',
      {
        scope: 'awards',
        awards: [other.alpha],
        recipientName: '',
        recipientEmail: 'nope',
        expiresInDays: '3',
      },
      s.jar,
      { ip: s.ip },
    );
    assert.equal(res.statusCode, 400);
    const body = text(res.body);
    assert.match(body, /There is a problem/);
    assert.match(body, /Choose from your active credentials/);
    assert.match(body, /Enter the recipient’s name/);
    assert.match(body, /Enter an email address like name@example.com/);
    assert.match(body, /Choose when the link expires/);
    // Confirming the same data does not send anything either.
    const confirmed = await post(
      t.app,
      '/shares/new',
      {
        scope: 'awards',
        awards: [other.alpha],
        recipientName: 'X',
        recipientEmail: 'x@example.com',
        confirm: 'yes',
      },
      s.jar,
      { ip: s.ip, from: '/shares/new' },
    );
    assert.equal(confirmed.statusCode, 400);
    assert.equal((await outboxTo(t.db, 'x@example.com')).length, 0);
  });

  test('signed out, the share pages send you to sign in', async () => {
    const res = await get(t.app, '/shares');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/sign-in/);
  });
});

describe('links that no longer work', () => {
  test('the owner revokes a link: it says so and shows nothing', async () => {
    const s = await sender();
    const { link } = await share(s, { scope: 'awards', awards: [s.beta] });
    const [row] = await t.db
      .selectFrom('shares')
      .select('id')
      .where('user_id', '=', s.account.id)
      .execute();
    const confirm = await get(t.app, `/shares/${row!.id}/revoke`, s.jar, { ip: s.ip });
    assert.match(text(confirm.body), /Revoke this link\?/);
    const revoked = await post(t.app, `/shares/${row!.id}/revoke`, {}, s.jar, { ip: s.ip });
    assert.equal(revoked.statusCode, 303);
    const page = await get(t.app, link, undefined, { ip: freshIp() });
    assert.equal(page.statusCode, 410);
    assert.match(text(page.body), /This link was withdrawn/);
    assert.doesNotMatch(page.body, /Lighthouse Keeper|Grace Hopper/);
    assert.doesNotMatch(page.body, new RegExp(s.beta));
  });

  test('an expired link says when it expired and shows nothing', async () => {
    const s = await sender();
    const { link } = await share(s, { scope: 'awards', awards: [s.alpha] });
    await t.db
      .updateTable('shares')
      .set({
        created_at: new Date(Date.now() - 100 * 86_400_000),
        expires_at: new Date(Date.now() - 86_400_000),
      })
      .where('user_id', '=', s.account.id)
      .execute();
    const page = await get(t.app, link, undefined, { ip: freshIp() });
    assert.equal(page.statusCode, 410);
    assert.match(text(page.body), /This link has expired/);
    assert.doesNotMatch(page.body, /Harbor Pilot/);
    const [row] = await t.db
      .selectFrom('shares')
      .select('open_count')
      .where('user_id', '=', s.account.id)
      .execute();
    assert.equal(row!.open_count, 0);
  });

  test('an unknown token gets a neutral page, and guessing is rate limited', async () => {
    const ip = freshIp();
    const res = await get(t.app, '/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', undefined, {
      ip,
    });
    assert.equal(res.statusCode, 404);
    assert.match(text(res.body), /This link does not work/);
    for (let i = 0; i < 30; i++) await get(t.app, `/s/guess${i}`, undefined, { ip });
    assert.equal((await get(t.app, '/s/guess-more', undefined, { ip })).statusCode, 429);
  });
});

describe('one candidate cannot touch another’s shares', () => {
  test('details, revoke page and revoke answer 404 for someone else’s share id', async () => {
    const owner = await sender();
    const intruder = await sender({ givenName: 'Mallory', familyName: 'Intruder' });
    const { link } = await share(owner, { scope: 'awards', awards: [owner.alpha] });
    const [row] = await t.db
      .selectFrom('shares')
      .select('id')
      .where('user_id', '=', owner.account.id)
      .execute();
    const id = row!.id;
    assert.equal(
      (await get(t.app, `/shares/${id}`, intruder.jar, { ip: intruder.ip })).statusCode,
      404,
    );
    assert.equal(
      (await get(t.app, `/shares/${id}/revoke`, intruder.jar, { ip: intruder.ip })).statusCode,
      404,
    );
    const attempt = await post(t.app, `/shares/${id}/revoke`, {}, intruder.jar, {
      ip: intruder.ip,
      from: '/shares',
    });
    assert.equal(attempt.statusCode, 404);
    const [after] = await t.db
      .selectFrom('shares')
      .select('revoked_at')
      .where('id', '=', id)
      .execute();
    assert.equal(after!.revoked_at, null);
    assert.equal((await get(t.app, link, undefined, { ip: freshIp() })).statusCode, 200);
    // And the intruder's list does not show it.
    assert.doesNotMatch(
      text((await get(t.app, '/shares', intruder.jar, { ip: intruder.ip })).body),
      /Hiring Team/,
    );
  });
});

describe('limits', () => {
  test(`at most ${SHARES_PER_DAY} shares a day`, async () => {
    const s = await sender({ givenName: 'Busy', familyName: 'Sharer' });
    const principal = principalOf(s.account, { givenName: 'Busy', familyName: 'Sharer' });
    for (let i = 0; i < SHARES_PER_DAY; i++) {
      await t.app.sharing.shares.create(
        principal,
        {
          scope: 'awards',
          awards: [s.alpha],
          includeHistory: false,
          recipientName: 'R',
          recipientEmail: `r${i}@example.com`,
          message: '',
          expiresInDays: 90,
        },
        s.ip,
      );
    }
    const body = {
      scope: 'awards',
      awards: [s.alpha],
      recipientName: 'R',
      recipientEmail: 'one-more@example.com',
      confirm: 'yes',
    };
    const res = await post(t.app, '/shares/new', body, s.jar, { ip: s.ip, from: '/shares/new' });
    assert.equal(res.statusCode, 429);
    assert.equal((await outboxTo(t.db, 'one-more@example.com')).length, 0);
  });
});
