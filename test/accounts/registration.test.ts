import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, linksIn, type TestSmtpServer } from '../helpers/app.ts';
import type { TestApp } from '../helpers/app.ts';
import {
  GOOD_PASSWORD,
  PROGRAM,
  attr,
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  linkFromOutbox,
  outboxTo,
  pathOf,
  post,
  sessionCookie,
  signIn,
  unique,
} from '../helpers/accounts.ts';

let t: TestApp & { smtp: TestSmtpServer };
let noticeVersion: number;

// One app for the whole file; closed in this suite's own after hook.
describe('self-registration', () => {
  before(async () => {
    t = await createTestApp({ smtp: true });
    ({ noticeVersion } = await givenProgram(t));
  });
  after(async () => {
    await t?.close();
  });

  function registration(overrides: Record<string, string | undefined> = {}) {
    const username = overrides.username ?? unique('reg');
    const fields: Record<string, string> = {
      username,
      email: `${username.toLowerCase()}@example.org`,
      givenName: 'Grace',
      familyName: 'Hopper',
      country: 'US',
      password: GOOD_PASSWORD,
      acceptPrivacy: 'yes',
    };
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) delete fields[key];
      else fields[key] = value;
    }
    return fields;
  }

  async function userByUsername(username: string) {
    return t.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  describe('registration', () => {
    test('creates an unconfirmed account with a candidate ID, consents and a confirmation email', async () => {
      const fields = registration();
      const jar = cookieJar();
      const res = await post(t.app, '/register', fields, jar, { ip: freshIp() });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      assert.equal(pathOf(res.headers.location), '/register/check-email');
      assert.equal(sessionCookie(t, jar), undefined, 'registering does not sign in');

      const user = await userByUsername(fields.username!);
      assert.ok(user);
      assert.match(user.candidate_number, /^CT-\d{7}$/);
      assert.equal(user.email, fields.email);
      assert.equal(user.given_name, 'Grace');
      assert.equal(user.family_name, 'Hopper');
      assert.equal(user.country, 'US');
      assert.equal(user.email_verified_at, null);
      assert.equal(user.marketing_opt_in, false);
      assert.match(user.password_hash ?? '', /^\$argon2id\$v=19\$m=47104,/);

      const consents = await t.db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', user.id)
        .orderBy('kind')
        .execute();
      assert.deepEqual(
        consents.map((c) => [c.kind, c.privacy_notice_version, c.granted]),
        [
          ['marketing', null, false],
          ['privacy_notice', noticeVersion, true],
        ],
      );
      assert.ok(
        consents.every((c) => c.at instanceof Date && Date.now() - c.at.getTime() < 600_000),
      );

      const mails = await outboxTo(t.db, fields.email!);
      assert.deepEqual(
        mails.map((m) => [m.template, m.status]),
        [['accounts.verify-email', 'pending']],
      );
    });

    test('the marketing opt-in is recorded when ticked', async () => {
      const fields = registration({ marketing: 'yes' });
      const res = await post(t.app, '/register', fields, cookieJar(), { ip: freshIp() });
      assert.equal(res.statusCode, 303);
      const user = await userByUsername(fields.username!);
      assert.equal(user?.marketing_opt_in, true);
      const marketing = await t.db
        .selectFrom('consents')
        .select('granted')
        .where('user_id', '=', user!.id)
        .where('kind', '=', 'marketing')
        .executeTakeFirstOrThrow();
      assert.equal(marketing.granted, true);
    });

    test('the form shows the privacy notice, and the marketing box is not ticked', async () => {
      const res = await get(t.app, '/register', cookieJar());
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /We keep your name and email to run the program\./);
      assert.match(res.body, new RegExp(`Privacy notice \\(version ${noticeVersion}\\)`));
      const marketing = inputTag(res.body, 'marketing');
      assert.ok(marketing);
      assert.doesNotMatch(marketing, /\bchecked\b/);
      assert.doesNotMatch(inputTag(res.body, 'acceptPrivacy') ?? '', /\bchecked\b/);
    });

    test('the email is delivered over SMTP; its link confirms the address (GET shows a button, POST confirms), then sign-in works', async () => {
      const fields = registration();
      const ip = freshIp();
      const jar = cookieJar();
      assert.equal((await post(t.app, '/register', fields, jar, { ip })).statusCode, 303);

      const report = await t.app.platform.mail.deliverDue();
      assert.ok(report.sent >= 1, JSON.stringify(report));
      const mail = await t.smtp.waitFor((m) => m.to.includes(fields.email!));
      assert.equal(mail.subject, 'Confirm your email address');
      assert.match(mail.text, new RegExp(PROGRAM.name));
      assert.ok(mail.html.length > 0, 'the message has an HTML part');
      const link = linksIn(mail.text).find((l) => l.includes('/confirm-email?token='));
      assert.ok(link, mail.text);
      assert.ok(link.startsWith(`${t.config.publicUrl}/confirm-email?token=`), link);
      assert.ok(
        mail.html.includes(link.replace(/&/g, '&amp;')),
        'the HTML part carries the same link',
      );

      // Signing in before confirming: a notice, no session.
      const early = await post(
        t.app,
        '/sign-in',
        { identifier: fields.username!, password: GOOD_PASSWORD },
        jar,
        { ip },
      );
      assert.equal(early.statusCode, 400);
      assert.match(early.body, /Confirm your email address before you sign in/);
      assert.equal(sessionCookie(t, jar), undefined);
      const user = await userByUsername(fields.username!);
      const sessions = await t.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', user!.id)
        .execute();
      assert.equal(sessions.length, 0);

      // The link's page only shows a button: the GET alone confirms nothing.
      const page = await get(t.app, pathOf(link), jar);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post" action="\/confirm-email">/);
      const token = new URL(link).searchParams.get('token')!;
      assert.equal(attr(inputTag(page.body, 'token'), 'value'), token);
      assert.equal((await userByUsername(fields.username!))?.email_verified_at, null);

      const confirmed = await post(t.app, '/confirm-email', { token }, jar, { from: pathOf(link) });
      assert.equal(confirmed.statusCode, 303);
      assert.equal(pathOf(confirmed.headers.location), '/sign-in');
      assert.ok((await userByUsername(fields.username!))?.email_verified_at instanceof Date);
      const flash = await get(t.app, '/sign-in', jar);
      assert.match(flash.body, /Your email address is confirmed/);

      await signIn(t, jar, { username: fields.username!, password: GOOD_PASSWORD }, { ip });
      const account = await get(t.app, '/account', jar);
      assert.equal(account.statusCode, 200);
      assert.match(account.body, /Grace Hopper/);
      assert.match(account.body, new RegExp(user!.candidate_number));

      // The same link a second time does nothing.
      const again = await post(t.app, '/confirm-email', { token }, cookieJar(), {
        from: '/sign-in',
      });
      assert.equal(again.statusCode, 303);
      assert.equal(pathOf(again.headers.location), '/confirm-email');
      const used = await get(t.app, pathOf(link), cookieJar());
      assert.match(used.body, /This confirmation link is not valid or has expired/);
      assert.equal(inputTag(used.body, 'token'), undefined);
    });

    test('an unknown, expired or wrong-purpose token confirms nothing', async () => {
      const fields = registration();
      await post(t.app, '/register', fields, cookieJar(), { ip: freshIp() });
      const link = await linkFromOutbox(t.db, fields.email!, 'accounts.verify-email');
      const token = new URL(link).searchParams.get('token')!;

      for (const bad of ['', 'x', `${token}x`, 'a'.repeat(150)]) {
        const res = await post(t.app, '/confirm-email', { token: bad }, cookieJar(), {
          from: '/sign-in',
        });
        assert.equal(pathOf(res.headers.location), '/confirm-email', `token ${bad.slice(0, 10)}`);
      }
      const user = await userByUsername(fields.username!);
      await t.db
        .updateTable('account_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', user!.id)
        .execute();
      const page = await get(t.app, pathOf(link), cookieJar());
      assert.match(page.body, /not valid or has expired/);
      const expired = await post(t.app, '/confirm-email', { token }, cookieJar(), {
        from: '/sign-in',
      });
      assert.equal(pathOf(expired.headers.location), '/confirm-email');
      assert.equal((await userByUsername(fields.username!))?.email_verified_at, null);
    });

    test('a new confirmation link can be asked for; it replaces the old one, and the answer is the same for unknown addresses', async () => {
      const fields = registration();
      const ip = freshIp();
      await post(t.app, '/register', fields, cookieJar(), { ip });
      const first = await linkFromOutbox(t.db, fields.email!, 'accounts.verify-email');

      const known = await post(
        t.app,
        '/confirm-email/resend',
        { email: fields.email! },
        cookieJar(),
        { ip },
      );
      const unknown = await post(
        t.app,
        '/confirm-email/resend',
        { email: `nobody-${unique()}@example.org` },
        cookieJar(),
        { ip },
      );
      assert.equal(known.statusCode, 200);
      assert.equal(unknown.statusCode, 200);
      assert.match(known.body, /we have sent a new link/);
      assert.equal(strip(known.body), strip(unknown.body));

      await t.app.platform.jobs.drain();
      const second = await linkFromOutbox(t.db, fields.email!, 'accounts.verify-email');
      assert.notEqual(second, first);
      const old = await post(
        t.app,
        '/confirm-email',
        { token: new URL(first).searchParams.get('token')! },
        cookieJar(),
        { from: '/sign-in' },
      );
      assert.equal(
        pathOf(old.headers.location),
        '/confirm-email',
        'the older link stopped working',
      );
      const fresh = await post(
        t.app,
        '/confirm-email',
        { token: new URL(second).searchParams.get('token')! },
        cookieJar(),
        { from: '/sign-in' },
      );
      assert.equal(pathOf(fresh.headers.location), '/sign-in');
    });

    test(
      'a new confirmation link is sent even when the program settings must be read afresh (no deadlock on the embedded database)',
      { timeout: 60_000 },
      async () => {
        const fields = registration();
        await post(t.app, '/register', fields, cookieJar(), { ip: freshIp() });
        // As when the job runs more than five seconds after the settings were last read.
        t.app.platform.program.invalidate();
        await t.app.accounts.runResendConfirmation({ email: fields.email! });
        const mails = (await outboxTo(t.db, fields.email!)).filter(
          (m) => m.template === 'accounts.verify-email',
        );
        assert.equal(mails.length, 2);
      },
    );

    test('field errors re-render the form with 400, keep what was typed (not the password) and tie each message to its field', async () => {
      const fields = registration({ email: 'not-an-address', password: 'short', country: '' });
      const res = await post(t.app, '/register', fields, cookieJar(), { ip: freshIp() });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(await userByUsername(fields.username!), undefined);

      // The typed values come back.
      assert.equal(attr(inputTag(res.body, 'username'), 'value'), fields.username);
      assert.equal(attr(inputTag(res.body, 'email'), 'value'), 'not-an-address');
      assert.equal(attr(inputTag(res.body, 'givenName'), 'value'), 'Grace');
      assert.match(inputTag(res.body, 'acceptPrivacy') ?? '', /\bchecked\b/);
      // Never the password.
      assert.equal(attr(inputTag(res.body, 'password'), 'value'), undefined);
      assert.ok(!res.body.includes('value="short"'));

      // Messages beside the fields, tied to them for assistive technology.
      for (const [field, message] of [
        ['email', 'Enter an email address in the correct format'],
        ['password', 'Password must be at least 15 characters'],
        ['country', 'Choose your country or territory'],
      ] as const) {
        const tag = inputTag(res.body, field);
        assert.equal(attr(tag, 'aria-invalid'), 'true', field);
        assert.match(
          attr(tag, 'aria-describedby') ?? '',
          new RegExp(`\\bf-${field}-error\\b`),
          field,
        );
        const error =
          new RegExp(`<p class="field__error" id="f-${field}-error">[\\s\\S]*?</p>`).exec(
            res.body,
          )?.[0] ?? '';
        assert.ok(decode(error).includes(message), `${field}: ${error}`);
      }
      // Fields without a problem are not marked.
      assert.equal(attr(inputTag(res.body, 'username'), 'aria-invalid'), undefined);
      // The summary at the top links to the fields.
      assert.match(res.body, /class="error-summary"/);
      assert.match(res.body, /href="#f-email"/);
    });

    test('a taken username (in any case) is a field error', async () => {
      const existing = await givenAccount(t.app);
      const fields = registration({ username: existing.username.toUpperCase() });
      const res = await post(t.app, '/register', fields, cookieJar(), { ip: freshIp() });
      assert.equal(res.statusCode, 400);
      assert.equal(attr(inputTag(res.body, 'username'), 'aria-invalid'), 'true');
      assert.match(res.body, /This username is taken/);
      const count = await t.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', fields.email!)
        .execute();
      assert.equal(count.length, 0);
    });

    test('an address that already has an account gets the same answer as a new one, and its owner is told by email', async () => {
      const existing = await givenAccount(t.app);
      const before = await t.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();

      const fresh = registration();
      const taken = registration({ email: existing.email.toUpperCase() });
      const a = await post(t.app, '/register', fresh, cookieJar(), { ip: freshIp() });
      const b = await post(t.app, '/register', taken, cookieJar(), { ip: freshIp() });
      assert.equal(b.statusCode, a.statusCode);
      assert.equal(b.headers.location, a.headers.location);
      assert.equal(b.body, a.body);

      const afterCount = await t.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(
        Number(afterCount.n),
        Number(before.n) + 1,
        'only the new address made an account',
      );
      assert.equal(await userByUsername(taken.username!), undefined);

      await t.app.platform.mail.deliverDue();
      const mail = await t.smtp.waitFor((m) => m.to.includes(existing.email));
      assert.equal(mail.subject, 'You already have an account');
      assert.match(mail.text, new RegExp(`username ${existing.username}`));
      assert.ok(linksIn(mail.text).some((l) => l === `${t.config.publicUrl}/forgot-password`));
    });

    test('not accepting the privacy notice is an error and creates nothing', async () => {
      const fields = registration({ acceptPrivacy: undefined });
      const res = await post(t.app, '/register', fields, cookieJar(), { ip: freshIp() });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /You must accept the privacy notice/);
      assert.equal(attr(inputTag(res.body, 'acceptPrivacy'), 'aria-invalid'), 'true');
      assert.equal(await userByUsername(fields.username!), undefined);

      const wrongValue = registration({ acceptPrivacy: 'on' });
      const res2 = await post(t.app, '/register', wrongValue, cookieJar(), { ip: freshIp() });
      assert.equal(res2.statusCode, 400);
    });

    test('every empty field is reported, none crashes', async () => {
      const res = await post(t.app, '/register', {}, cookieJar(), { ip: freshIp() });
      assert.equal(res.statusCode, 400);
      for (const message of [
        'Enter a username',
        'Enter your email address',
        'Enter your given name',
        'Enter your family name',
        'Choose your country or territory',
        'Enter a password',
        'You must accept the privacy notice',
      ]) {
        assert.ok(res.body.includes(message), message);
      }
    });

    test('a password with the username, the program name or from the common list is refused at registration', async () => {
      const username = unique('pw');
      for (const password of [
        `${username} is my password`,
        'heron heron heron heron',
        'passwordpassword',
      ]) {
        const res = await post(
          t.app,
          '/register',
          registration({ username, password }),
          cookieJar(),
          { ip: freshIp() },
        );
        assert.equal(res.statusCode, 400, password);
        assert.equal(attr(inputTag(res.body, 'password'), 'aria-invalid'), 'true');
      }
      assert.equal(await userByUsername(username), undefined);
    });

    test('a name like <script>alert(1)</script> is shown as text', async () => {
      const evil = '<script>alert(1)</script>';
      const fields = registration({
        givenName: evil,
        familyName: '"><img src=x onerror=alert(2)>',
      });
      const ip = freshIp();
      assert.equal((await post(t.app, '/register', fields, cookieJar(), { ip })).statusCode, 303);

      // The email escapes it too.
      const mail = (await outboxTo(t.db, fields.email!))[0]!;
      assert.ok(!mail.html.includes(evil), 'raw tag in the email HTML');
      assert.ok(mail.html.includes('&lt;script'), 'escaped name in the email HTML');

      const link = await linkFromOutbox(t.db, fields.email!, 'accounts.verify-email');
      const jar = cookieJar();
      await post(
        t.app,
        '/confirm-email',
        { token: new URL(link).searchParams.get('token')! },
        jar,
        {
          from: pathOf(link),
        },
      );
      await signIn(t, jar, { username: fields.username!, password: GOOD_PASSWORD }, { ip });

      for (const url of ['/dashboard', '/account']) {
        const page = await get(t.app, url, jar);
        assert.equal(page.statusCode, 200, url);
        assert.ok(!page.body.includes(evil), `${url} shows the raw tag`);
        assert.ok(!page.body.includes('<img src=x'), `${url} shows the raw img tag`);
        assert.ok(
          page.body.includes('&lt;script>alert(1)&lt;/script>'),
          `${url} does not show the name escaped`,
        );
        assert.ok(decode(page.body).includes(evil), `${url} shows the name as text`);
      }
    });

    test("an address at a partner company's domain is told to ask its partner contact, and no account is made", async () => {
      const original = t.app.accounts.partnerLookup;
      t.app.accounts.partnerLookup = async (domain) =>
        domain === 'northwind.example' ? { name: 'Northwind <Traders>' } : null;
      try {
        const username = unique('partner');
        const res = await post(
          t.app,
          '/register',
          registration({ username, email: `${username}@NorthWind.example` }),
          cookieJar(),
          { ip: freshIp() },
        );
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /Your company is a partner of the program/);
        assert.ok(res.body.includes('Northwind &lt;Traders>'), 'the organization name is escaped');
        assert.equal(await userByUsername(username), undefined);
        const mails = await outboxTo(t.db, `${username}@NorthWind.example`);
        assert.equal(mails.length, 0);
      } finally {
        t.app.accounts.partnerLookup = original;
      }
    });

    test('registration is closed (no form) until a privacy notice is published', async () => {
      const closed = await createTestApp();
      try {
        const page = await get(closed.app, '/register', cookieJar());
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /registration is closed/);
        assert.equal(inputTag(page.body, 'username'), undefined);
      } finally {
        await closed.close();
      }
    });

    test('a signed-in visitor is sent from the registration form to the dashboard', async () => {
      const account = await givenAccount(t.app);
      const jar = cookieJar();
      await signIn(t, jar, account, { ip: freshIp() });
      const res = await get(t.app, '/register', jar);
      assert.equal(res.statusCode, 303);
      assert.equal(pathOf(res.headers.location), '/dashboard');
    });
  });

  /** A page with its per-browser parts (the CSRF token) taken out. */
  function strip(html: string): string {
    return html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""');
  }
});
