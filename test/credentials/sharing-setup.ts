import type { TestApp } from '../helpers/app.ts';
import { cookieJar, type CookieJar } from '../helpers/app.ts';
import { freshIp, givenAccount, signIn, type GivenAccount } from '../helpers/accounts.ts';
import { examTree, givenCredential, givenExam } from '../helpers/catalog.ts';
import type { Principal } from '../../src/platform/auth/session.ts';

/**
 * Shared set-up for the verification, share and logo tests (not a test
 * file): a small catalog, and candidates who earn awards through the
 * awarding engine by passing exams.
 */

export const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

export interface SharingCatalog {
  alpha: { examCode: string; credentialId: number; code: string; name: string };
  beta: { examCode: string; credentialId: number; code: string; name: string };
}

export async function givenSharingCatalog(t: TestApp): Promise<SharingCatalog> {
  const make = async (name: string, title: string) => {
    const exam = await givenExam(t.db, { title, passingScore: 700, versions: ['2026'] });
    const credential = await givenCredential(t.db, {
      name,
      validityMonths: 24,
      requirements: [{ tree: examTree(exam.code) }],
    });
    return { examCode: exam.code, credentialId: credential.id, code: credential.code, name };
  };
  return {
    alpha: await make('Harbor Pilot Associate', 'Harbor Basics'),
    beta: await make('Lighthouse Keeper Professional', 'Lighthouse Operations'),
  };
}

export interface Holder {
  account: GivenAccount;
  jar: CookieJar;
  ip: string;
}

export async function givenHolder(
  t: TestApp,
  names: { givenName: string; familyName: string } = { givenName: 'Grace', familyName: 'Hopper' },
): Promise<Holder> {
  const account = await givenAccount(t.app, names);
  const jar = cookieJar();
  const ip = freshIp();
  await signIn(t, jar, account, { ip });
  return { account, jar, ip };
}

/** Passes the exam (as a provider feed would) and returns the credential number of the award it made. */
export async function earn(
  t: TestApp,
  userId: number,
  examCode: string,
  takenAt: Date = daysAgo(30),
): Promise<{ number: string; resultId: number }> {
  const { resultId } = await t.app.progress.recordResult(null, userId, {
    examCode,
    score: 800,
    takenAt,
    examVersion: '2026',
    reason: 'test',
    source: 'provider',
  });
  const awards = await t.app.progress.awardsOf(userId);
  const award = awards.find((a) =>
    a.evidence.some((e) => e.type === 'result' && Number(e.id) === resultId),
  );
  if (!award) throw new Error('The pass did not award the credential');
  return { number: award.credentialNumber, resultId };
}

/** A principal for calling services directly (the pages build one from the session). */
export function principalOf(
  account: GivenAccount,
  names = { givenName: 'Grace', familyName: 'Hopper' },
): Principal {
  return {
    userId: account.id,
    sessionId: 0,
    username: account.username,
    candidateNumber: account.candidateNumber,
    givenName: names.givenName,
    familyName: names.familyName,
    email: account.email,
    roles: [],
    twoFactorEnabled: false,
    locale: 'en',
    timeZone: 'UTC',
    reauthenticatedAt: null,
  };
}

/** Text of a page without tags, entities decoded, white space collapsed. */
export function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
