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
import {
  daysAgo,
  givenPagesCatalog,
  givenResult,
  givenTrainingCompletion,
} from '../helpers/catalog-pages.ts';

let t: TestApp;

before(async () => {
  t = await createTestApp();
  await givenProgram(t);
  await givenPagesCatalog(t.db);
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

function text(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

/** The checklist item of a requirement node, by its id. */
function item(html: string, id: string): string {
  const start = html.indexOf(`id="req-${id}"`);
  assert.ok(start >= 0, `no checklist item ${id}`);
  const open = html.lastIndexOf('<', start);
  const tag = /^<(\w+)/.exec(html.slice(open))![1]!;
  // Items nest; find the matching close tag.
  let depth = 0;
  const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
  re.lastIndex = open;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(open, m.index);
  }
  throw new Error(`unclosed ${tag}`);
}

describe('requirements catalog', () => {
  test('signed out, /credentials lists published credentials by kind and level with their rules', async () => {
    const res = await get(t.app, '/credentials');
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Certifications: Associate/);
    assert.match(page, /Certifications: Professional/);
    assert.ok(
      page.indexOf('Cloud Security Associate') < page.indexOf('Cloud Security Professional'),
    );
    assert.match(
      page,
      /Pass Cloud Security Basics \(ACS-101\) with a score of 700 or more and complete Cloud Fundamentals Workshop \(TRN-CLOUD\)\./,
    );
    assert.match(
      page,
      /Hold a current Cloud Security Associate \(CSA\) credential, and any two of: /,
    );
    assert.match(page, /Prerequisites Cloud Security Associate/);
    assert.match(page, /Valid for 2 years/);
    assert.match(page, /Valid for 3 years/);
    assert.match(page, /meet the requirements again with newer results/);
    assert.match(page, /earn 20 credits in General continuing education while it is valid/);
    assert.match(page, /pass one of these exams: Cloud Security Advanced \(ACS-201\)/);
    assert.doesNotMatch(page, /Secret Draft Credential/);
    assert.doesNotMatch(page, /% complete/, 'no progress for visitors');
    // Visible to visitors in the navigation too.
    assert.match(res.body, /<a href="\/credentials"[^>]*>Credentials<\/a>/);
  });

  test('signed out, a credential page shows its requirements and invites to sign in for progress', async () => {
    const res = await get(t.app, '/credentials/CSP');
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Cloud Security Professional CSP/);
    assert.match(page, /Requirements \(version 1\)/);
    assert.match(
      page,
      /Any two of: Pass Cloud Security Advanced \(ACS-201\) with a score of 750 or more/,
    );
    assert.match(page, /Sign in to see your progress/);
    assert.match(res.body, /href="\/sign-in\?next=%2Fcredentials%2FCSP"/);
    assert.doesNotMatch(res.body, /class="check /);
    assert.doesNotMatch(res.body, /noindex/, 'public requirement pages may be indexed');
  });

  test('unknown and draft credentials answer 404', async () => {
    assert.equal((await get(t.app, '/credentials/NOPE')).statusCode, 404);
    assert.equal((await get(t.app, '/credentials/DRAFT-1')).statusCode, 404);
    assert.equal((await get(t.app, '/credentials/%3Cscript%3E')).statusCode, 400);
  });

  test('signed in, the page shows a checklist: what is met with its evidence, and what is left', async () => {
    const { account, jar } = await candidate();
    const basics = daysAgo(30);
    await givenResult(t.app, account.id, 'ACS-101', 650, daysAgo(60)); // failed: not evidence
    await givenResult(t.app, account.id, 'ACS-101', 812, basics);
    await givenTrainingCompletion(t.app, account.id, daysAgo(20));
    await givenResult(t.app, account.id, 'ACS-202', 700, daysAgo(10));
    await givenResult(t.app, account.id, 'ACS-201', 720, daysAgo(5)); // passed, but below 750

    const res = await get(t.app, '/credentials/CSP', jar);
    assert.equal(res.statusCode, 200);
    const page = text(res.body);
    assert.match(page, /Your progress/);
    assert.match(page, /66% complete/);
    assert.match(res.body, /<progress class="progress__bar" max="100" value="66"/);

    const associate = text(item(res.body, 'associate'));
    assert.match(associate, /^ ?Met Hold a current Cloud Security Associate \(CSA\) credential/);
    const number = (
      await t.db
        .selectFrom('awards')
        .select('credential_number')
        .where('user_id', '=', account.id)
        .executeTakeFirstOrThrow()
    ).credential_number;
    assert.match(
      associate,
      new RegExp(`Cloud Security Associate, credential number ${number}, awarded on`),
    );

    const networking = text(item(res.body, 'networking'));
    assert.match(networking, /Met Pass Cloud Networking \(ACS-202\)/);
    assert.match(
      networking,
      /ACS-202 Cloud Networking, version 2025: passed with 700 \(pass mark 650\) on \w+ \d+, \d{4}/,
    );

    const advanced = text(item(res.body, 'advanced'));
    assert.match(
      advanced,
      /Not met yet Pass Cloud Security Advanced \(ACS-201\) with a score of 750 or more/,
    );
    assert.match(advanced, /Not passed yet\./);

    const credits = item(res.body, 'ce');
    assert.match(text(credits), /0 of 10 credits earned: 10 still needed\./);
    assert.match(credits, /href="\/evidence\/new\?kind=credits&(amp;)?category=CE-GEN"/);

    assert.match(text(item(res.body, 'electives')), /1 of 2 needed are met/);
  });

  test('a met credential shows its award card with expiry and renew-by dates', async () => {
    const { account, jar } = await candidate();
    await givenResult(t.app, account.id, 'ACS-101', 900, daysAgo(15));
    await givenTrainingCompletion(t.app, account.id, daysAgo(12));
    const res = await get(t.app, '/credentials/CSA', jar);
    const page = text(res.body);
    assert.match(res.body, /class="award-card award-card--active"/);
    assert.match(page, /100% complete/);
    assert.match(page, /You meet the requirements/);
    assert.match(page, /Met since/);
    assert.match(page, /Expires on \w+ \d+, \d{4}/);
    assert.match(page, /Renew by \w+ \d+, \d{4}/);
    assert.match(
      text(item(res.body, 'basics')),
      /ACS-101 Cloud Security Basics, version 2025: passed with 900 \(pass mark 700\)/,
    );
    assert.match(text(item(res.body, 'workshop')), /Cloud Fundamentals Workshop: completed on/);
  });

  test('signed in, /credentials shows each credential’s standing', async () => {
    const { account, jar } = await candidate();
    await givenResult(t.app, account.id, 'ACS-101', 900, daysAgo(15));
    const page = text((await get(t.app, '/credentials', jar)).body);
    assert.match(page, /Cloud Security Associate CSA 50% complete/);
    assert.match(page, /Cloud Security Professional CSP 0% complete/);
  });
});
