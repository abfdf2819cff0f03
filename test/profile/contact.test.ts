import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, cookieJar, request, type CookieJar, type TestApp } from '../helpers/app.ts';
import {
  attr,
  decode,
  freshIp,
  get,
  givenAccount,
  givenProgram,
  inputTag,
  newTotpSecret,
  pathOf,
  post,
  signIn,
  type GivenAccount,
} from '../helpers/accounts.ts';

let t: TestApp;

describe('contact details, demographics and the change history', () => {
  before(async () => {
    t = await createTestApp();
    await givenProgram(t);
  });
  after(async () => {
    await t?.close();
  });

  async function candidate(): Promise<{ account: GivenAccount; jar: CookieJar }> {
    const account = await givenAccount(t.app);
    const jar = cookieJar();
    await signIn(t, jar, account, { ip: freshIp() });
    return { account, jar };
  }

  const ukAddress = {
    country: 'GB',
    addressLine1: '10 Downing Street',
    addressLine2: '',
    city: 'London',
    region: '',
    postalCode: 'sw1a 2aa',
    phone: '020 7946 0958',
    company: 'Corvid Ltd',
    jobTitle: 'Cloud engineer',
    locale: 'en',
    timeZone: 'Europe/London',
  };

  test('saving contact details stores the phone in E.164 and writes field, old, new, who and when to the audit log', async () => {
    const { account, jar } = await candidate();
    const saved = await post(t.app, '/profile', { ...ukAddress, intent: 'save' }, jar);
    assert.equal(saved.statusCode, 303, saved.body.slice(0, 500));
    assert.equal(pathOf(saved.headers.location), '/profile');

    const row = await t.db
      .selectFrom('profile_contacts')
      .selectAll()
      .where('user_id', '=', account.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.phone, '+442079460958');
    assert.equal(row.postal_code, 'SW1A 2AA');
    assert.equal(row.company, 'Corvid Ltd');
    const user = await t.db
      .selectFrom('users')
      .select(['time_zone', 'country'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    assert.equal(user.time_zone, 'Europe/London');

    // Change one field: one audit event for it, with who and when, old and new readable in history.
    const last = await t.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    const again = await post(t.app, '/profile', { ...ukAddress, jobTitle: 'Architect' }, jar);
    assert.equal(again.statusCode, 303);
    const events = await t.db
      .selectFrom('audit_events')
      .selectAll()
      .where('subject_type', '=', 'user')
      .where('subject_id', '=', String(account.id))
      .where('action', '=', 'profile.field_changed')
      .where('id', '>', Number(last.id))
      .execute();
    assert.equal(events.length, 1, JSON.stringify(events));
    const event = events[0]!;
    assert.equal(event.actor_user_id, account.id);
    assert.equal(event.details.field, 'jobTitle');
    assert.ok(event.at instanceof Date);
    // The values are in the log, sealed so that erasing the account erases them too.
    assert.equal(typeof event.details.old, 'string');
    assert.ok(!String(event.details.old).includes('Cloud engineer'));
    const history = await t.app.profile.details.history(account.id);
    const change = history.find((h) => h.field === 'jobTitle' && h.new === 'Architect');
    assert.ok(change, JSON.stringify(history));
    assert.equal(change.old, 'Cloud engineer');
    assert.equal(change.by, 'self');

    const page = await get(t.app, '/profile/history', jar);
    assert.equal(page.statusCode, 200);
    const text = decode(page.body);
    assert.match(text, /Job title \(optional\)/);
    assert.match(text, /Cloud engineer/);
    assert.match(text, /Architect/);
  });

  test('a bad phone number and postcode are shown beside their fields, with the input kept, and nothing saved', async () => {
    const { account, jar } = await candidate();
    const res = await post(
      t.app,
      '/profile',
      { ...ukAddress, phone: 'call me', postalCode: '12345' },
      jar,
    );
    assert.equal(res.statusCode, 400);
    assert.equal(attr(inputTag(res.body, 'phone'), 'aria-invalid'), 'true');
    assert.equal(attr(inputTag(res.body, 'phone'), 'value'), 'call me');
    assert.equal(attr(inputTag(res.body, 'postalCode'), 'aria-invalid'), 'true');
    assert.match(decode(res.body), /Enter a phone number/);
    assert.match(decode(res.body), /like SW1A 1AA/);
    assert.equal(attr(inputTag(res.body, 'city'), 'aria-invalid'), undefined);
    const row = await t.db
      .selectFrom('profile_contacts')
      .select('phone')
      .where('user_id', '=', account.id)
      .executeTakeFirst();
    assert.equal(row?.phone ?? null, null);
  });

  test('the form shows the fields of the chosen country: a US address needs a state and a ZIP code', async () => {
    const { jar } = await candidate();
    const switched = await post(
      t.app,
      '/profile',
      { ...ukAddress, country: 'US', intent: 'country' },
      jar,
    );
    assert.equal(switched.statusCode, 200);
    assert.match(decode(switched.body), /ZIP code/);
    assert.match(decode(switched.body), /State/);
    const missing = await post(
      t.app,
      '/profile',
      { ...ukAddress, country: 'US', region: '', postalCode: '', phone: '' },
      jar,
    );
    assert.equal(missing.statusCode, 400);
    assert.equal(attr(inputTag(missing.body, 'region'), 'aria-invalid'), 'true');
    assert.equal(attr(inputTag(missing.body, 'postalCode'), 'aria-invalid'), 'true');
    const ok = await post(
      t.app,
      '/profile',
      { ...ukAddress, country: 'US', region: 'CA', postalCode: '94105', phone: '(415) 555-2671' },
      jar,
    );
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
  });

  test('demographics: a required question must be answered, optional ones may be left out, answers are in the history', async () => {
    const pm = await givenAccount(t.app, {
      roles: ['program_manager'],
      totpSecret: newTotpSecret(),
    });
    const pmJar = cookieJar();
    await signIn(t, pmJar, pm, { ip: freshIp() });
    const tag = Math.random().toString(36).slice(2, 7);
    const added = await post(
      t.app,
      '/console/demographics',
      {
        prompt: `Industry ${tag}`,
        options: 'Finance\nHealth\nRetail',
        required: 'yes',
        position: '1',
      },
      pmJar,
    );
    assert.equal(added.statusCode, 303, added.body.slice(0, 400));
    const optional = await post(
      t.app,
      '/console/demographics',
      { prompt: `Years ${tag}`, options: '0-2\n3-5\n6+', position: '2' },
      pmJar,
    );
    assert.equal(optional.statusCode, 303);
    const bad = await post(t.app, '/console/demographics', { prompt: '', options: 'one' }, pmJar);
    assert.equal(bad.statusCode, 400);

    const questions = await t.app.profile.details.questions(true);
    const industry = questions.find((q) => q.prompt === `Industry ${tag}`)!;
    const years = questions.find((q) => q.prompt === `Years ${tag}`)!;

    const { account, jar } = await candidate();
    const page = await get(t.app, '/profile/demographics', jar);
    assert.match(decode(page.body), new RegExp(`Years ${tag} \\(optional\\)`));
    const refused = await post(t.app, '/profile/demographics', { [`q${years.id}`]: '3-5' }, jar);
    assert.equal(refused.statusCode, 400);
    assert.match(decode(refused.body), /Choose an answer/);
    const madeUp = await post(
      t.app,
      '/profile/demographics',
      { [`q${industry.id}`]: 'Pirate' },
      jar,
    );
    assert.equal(madeUp.statusCode, 400);
    const saved = await post(
      t.app,
      '/profile/demographics',
      { [`q${industry.id}`]: 'Health', [`q${years.id}`]: '' },
      jar,
    );
    assert.equal(saved.statusCode, 303);
    const answers = await t.app.profile.details.answers(account.id);
    assert.equal(answers.get(industry.id), 'Health');
    assert.equal(answers.has(years.id), false);
    const history = await t.app.profile.details.history(account.id);
    assert.ok(
      history.some(
        (h) => h.kind === 'answer' && h.field === `Industry ${tag}` && h.new === 'Health',
      ),
    );
  });

  test('the JSON API reads and replaces contact details, with problem details for bad input', async () => {
    const { account, jar } = await candidate();
    const page = await get(t.app, '/profile', jar);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const put = (body: unknown) =>
      request(
        t.app,
        {
          method: 'PUT',
          url: '/api/v1/me/profile/contact',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          payload: JSON.stringify(body),
        },
        jar,
      );
    const bad = await put({ country: 'GB', phone: 'nope' });
    assert.equal(bad.statusCode, 400);
    assert.match(String(bad.headers['content-type']), /application\/problem\+json/);
    assert.equal(JSON.parse(bad.body).errors[0].field, 'phone');
    const ok = await put({
      country: 'FR',
      addressLine1: '8 rue de Rivoli',
      city: 'Paris',
      postalCode: '75004',
      phone: '01 42 76 40 40',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const read = await get(t.app, '/api/v1/me/profile', jar, {
      headers: { accept: 'application/json' },
    });
    const body = JSON.parse(read.body);
    assert.equal(body.contact.phone, '+33142764040');
    assert.equal(body.contact.city, 'Paris');
    assert.equal(body.preferences.expiry_reminders, true);
    assert.equal(
      (await t.app.profile.details.history(account.id)).some(
        (h) => h.field === 'city' && h.new === 'Paris',
      ),
      true,
    );
    assert.equal((await get(t.app, '/api/v1/me/profile')).statusCode, 401);
  });

  test('a candidate cannot reach the survey console', async () => {
    const { jar } = await candidate();
    const res = await get(t.app, '/console/demographics', jar);
    assert.equal(res.statusCode, 403);
  });
});
