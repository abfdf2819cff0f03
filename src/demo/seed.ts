import type { App } from '../app.ts';
import { ensureProgram, publishPrivacyNotice } from '../platform/bootstrap.ts';
import type { Role } from '../platform/db/schema.ts';
import {
  DEMO_CANDIDATE_PASSWORD,
  DEMO_STORIES,
  MORE_CANDIDATES,
  recordStory,
  submitPendingEvidence,
} from './candidates.ts';
import { seedBadgesDemo } from './badges.ts';
import { seedProgram } from './program.ts';
import { seedSharing } from './sharing.ts';
import { seedCertificates } from './certificates.ts';
import { seedSupport } from './support.ts';
import { seedProfile } from './profile.ts';
import { seedResults } from './results.ts';
import { seedScheduling } from './scheduling.ts';

/**
 * The demo program: a fictional vendor, its privacy notice, one account per
 * role, the catalog of program.ts (exams, credentials, requirements) and the
 * candidates of candidates.ts at different stages. Seeded only into an empty
 * database and never in production. Later features add their part here.
 */
export const DEMO_PROGRAM = {
  name: 'Corvid Certification Program',
  shortName: 'Corvid',
  supportEmail: 'support@corvid.example',
};

/** Staff accounts need two-factor; the demo ones share this authenticator key (see the README). */
export const DEMO_TOTP_SECRET = 'LAURELDEMOSTAFFKEYAAAAAAAAAAAAAA';

export const DEMO_ACCOUNTS: readonly {
  username: string;
  password: string;
  givenName: string;
  familyName: string;
  email: string;
  country: string;
  roles: Role[];
  twoFactor: boolean;
}[] = [
  {
    username: 'casey',
    password: 'demo candidate passphrase',
    givenName: 'Casey',
    familyName: 'Nakamura',
    email: 'casey@example.com',
    country: 'US',
    roles: [],
    twoFactor: false,
  },
  {
    username: 'parker',
    password: 'demo partner passphrase',
    givenName: 'Parker',
    familyName: 'Okafor',
    email: 'parker@northwind.example',
    country: 'GB',
    roles: ['partner_admin'],
    twoFactor: false,
  },
  {
    username: 'sam',
    password: 'demo support passphrase',
    givenName: 'Sam',
    familyName: 'Lindqvist',
    email: 'sam@corvid.example',
    country: 'SE',
    roles: ['support_agent'],
    twoFactor: true,
  },
  {
    username: 'morgan',
    password: 'demo manager passphrase',
    givenName: 'Morgan',
    familyName: 'Dubois',
    email: 'morgan@corvid.example',
    country: 'FR',
    roles: ['program_manager'],
    twoFactor: true,
  },
  {
    username: 'alex',
    password: 'demo admin passphrase',
    givenName: 'Alex',
    familyName: 'Moreno',
    email: 'alex@corvid.example',
    country: 'ES',
    roles: ['admin'],
    twoFactor: true,
  },
];

const PRIVACY_NOTICE = `Corvid Systems ("we") runs the Corvid Certification Program. This notice explains what we do with your personal data.

What we keep: your name, username, email address and country; your exam registrations and results; the credentials you earn; your support conversations.

Why: to run exams, award and verify credentials, and answer your questions. Marketing email is sent only if you opt in, and you can opt out at any time.

Who sees it: our program team, the exam delivery providers that run your exams, and, if you work for a partner company, that company's partner contact. Anyone you share a credential with sees what you choose to share.

How long: for as long as you have an account, and afterwards only what is needed to verify credentials that were awarded.

Your rights: you can see, download and correct your data, and ask us to delete your account. Write to support@corvid.example.`;

export async function isDatabaseEmpty(app: App): Promise<boolean> {
  const row = await app.platform.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

export async function seedDemo(app: App): Promise<boolean> {
  const { db } = app.platform;
  if (!(await isDatabaseEmpty(app))) return false;
  await ensureProgram(db, { name: DEMO_PROGRAM.name, supportEmail: DEMO_PROGRAM.supportEmail });
  await db
    .updateTable('program')
    .set({
      name: DEMO_PROGRAM.name,
      short_name: DEMO_PROGRAM.shortName,
      support_email: DEMO_PROGRAM.supportEmail,
      accent_color: '#0f5c8c',
    })
    .where('id', '=', 1)
    .execute();
  app.platform.program.invalidate();
  const notices = await db.selectFrom('privacy_notices').select('version').limit(1).execute();
  if (notices.length === 0)
    await publishPrivacyNotice(db, PRIVACY_NOTICE, new Date(Date.UTC(2026, 0, 1)));
  const ids = new Map<string, number>();
  for (const account of DEMO_ACCOUNTS) {
    const { id } = await app.accounts.createAccount({
      username: account.username,
      email: account.email,
      givenName: account.givenName,
      familyName: account.familyName,
      country: account.country,
      password: account.password,
      roles: account.roles,
      emailVerified: true,
      acceptPrivacy: true,
      ...(account.twoFactor ? { totpSecret: DEMO_TOTP_SECRET } : {}),
    });
    ids.set(account.username, id);
  }

  // Dates are counted back from now, so the demo looks alive whenever it is seeded.
  const now = new Date();
  // The extra candidates' passwords are hashed (off the main thread) while
  // the catalog is written: the two together take little more than the catalog.
  const moreCandidates = (async () => {
    for (const candidate of MORE_CANDIDATES) {
      const { id } = await app.accounts.createAccount({
        username: candidate.username,
        email: candidate.email,
        givenName: candidate.givenName,
        familyName: candidate.familyName,
        country: candidate.country,
        password: DEMO_CANDIDATE_PASSWORD,
        roles: [],
        emailVerified: true,
        acceptPrivacy: true,
      });
      ids.set(candidate.username, id);
    }
  })();
  await Promise.all([
    moreCandidates,
    seedProgram(app, { userId: ids.get('alex') ?? null, timeZone: 'UTC' }, now),
  ]);
  const morgan = ids.get('morgan');
  const manager = morgan === undefined ? null : { userId: morgan };
  for (const story of DEMO_STORIES) {
    const id = ids.get(story.username);
    if (id === undefined) continue;
    await recordStory(app, id, story, manager, now);
    await submitPendingEvidence(app, id, story, now);
  }
  await seedBadgesDemo(app, manager, now);
  await seedSharing(app, ids);
  await seedCertificates(app, ids);
  await seedSupport(app, ids);
  await seedProfile(app, ids, now);
  await seedResults(app, ids, now);
  await seedScheduling(app, ids, now);
  return true;
}
