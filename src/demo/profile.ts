import type { App } from '../app.ts';
import { publishPrivacyNotice } from '../platform/bootstrap.ts';
import { monthsAgo } from './dates.ts';

/**
 * The profile part of the demo: contact details, a demographic survey with a
 * few answers, a review interval with one candidate due to confirm, a pending
 * deletion request for the support queue, and a newer privacy notice that
 * everyone has accepted except `sam`, who is asked at the next sign-in.
 */

const NOTICE_V2 = `Corvid Systems ("we") runs the Corvid Certification Program. This notice explains what we do with your personal data. Version 2 adds your contact details, the optional demographic survey and your email choices.

What we keep: your name, username, email address, country, postal address, phone number, company and job title; your answers to the demographic survey, if you give any; your exam registrations and results; the credentials you earn; your support conversations; a record of every change to your details.

Why: to run exams, award and verify credentials, send the emails you chose and answer your questions. Survey answers are used only in summary, to understand who takes our exams. Marketing email (program news) is sent only if you opt in; reminders can be turned off, and every email other than account and exam messages has a one-click unsubscribe link.

Who sees it: our program team, the exam delivery providers that run your exams, and, if you work for a partner company, that company's partner contact. Anyone you share a credential with sees what you choose to share.

How long: for as long as you have an account. If you ask us to delete your account, we erase your personal data; the record of credentials you earned (credential, number, dates, status and the name printed on it) stays so that employers can still verify them.

Your rights: on your privacy page you can download everything we hold about you, change your email choices and ask us to delete your account. Write to support@corvid.example with any question.`;

const CONTACTS: Record<
  string,
  {
    country: string;
    addressLine1: string;
    city: string;
    region: string;
    postalCode: string;
    phone: string;
    company: string;
    jobTitle: string;
    timeZone: string;
  }
> = {
  casey: {
    country: 'US',
    addressLine1: '500 Market Street',
    city: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    phone: '(415) 555-0142',
    company: 'Fabrikam Cloud',
    jobTitle: 'Cloud engineer',
    timeZone: 'America/Los_Angeles',
  },
  parker: {
    country: 'GB',
    addressLine1: '1 Northwind Way',
    city: 'Manchester',
    region: '',
    postalCode: 'M1 1AE',
    phone: '0161 496 0123',
    company: 'Northwind Traders',
    jobTitle: 'Partner manager',
    timeZone: 'Europe/London',
  },
  tomas: {
    country: 'DE',
    addressLine1: 'Friedrichstraße 100',
    city: 'Berlin',
    region: '',
    postalCode: '10117',
    phone: '030 1234567',
    company: 'Contoso GmbH',
    jobTitle: 'Systems administrator',
    timeZone: 'Europe/Berlin',
  },
};

const SURVEY = [
  {
    prompt: 'Which best describes your job role?',
    options: [
      'Developer',
      'Operations or SRE',
      'Architect',
      'Data professional',
      'Security',
      'Manager',
      'Student',
      'Other',
    ],
    required: true,
  },
  {
    prompt: 'Which industry do you work in?',
    options: [
      'Technology',
      'Finance',
      'Healthcare',
      'Public sector',
      'Retail',
      'Manufacturing',
      'Education',
      'Other',
    ],
    required: false,
  },
  {
    prompt: 'How many years of experience do you have in the field?',
    options: ['Less than 1', '1–2', '3–5', '6–10', 'More than 10'],
    required: false,
  },
];

export async function seedProfile(app: App, ids: Map<string, number>, now: Date): Promise<void> {
  const { db } = app.platform;
  const { details, privacy } = app.profile;
  const morgan = ids.get('morgan');
  const manager = { userId: morgan ?? 0, ip: null };

  // The survey, and a review every 24 months.
  const questionIds: number[] = [];
  for (const [i, q] of SURVEY.entries()) {
    const outcome = await details.saveQuestion(manager, null, {
      prompt: q.prompt,
      options: q.options.join('\n'),
      required: q.required,
      position: (i + 1) * 10,
      retired: false,
    });
    if ('id' in outcome) questionIds.push(outcome.id);
  }
  await details.saveSettings(manager, { reviewIntervalMonths: 24 });

  for (const [username, contact] of Object.entries(CONTACTS)) {
    const id = ids.get(username);
    if (id === undefined) continue;
    const outcome = await details.updateContact({ userId: id, ip: null }, id, {
      ...contact,
      addressLine2: '',
      locale: 'en',
    });
    if ('problems' in outcome)
      throw new Error(`demo contact of ${username}: ${JSON.stringify(outcome)}`);
  }
  const casey = ids.get('casey');
  if (casey !== undefined && questionIds.length === 3) {
    const answered = await details.saveAnswers({ userId: casey, ip: null }, casey, {
      [`q${questionIds[0]}`]: 'Developer',
      [`q${questionIds[1]}`]: 'Technology',
    });
    if ('problems' in answered) throw new Error(`demo answers: ${JSON.stringify(answered)}`);
  }
  // Tomas last confirmed his details more than two years ago: he is asked at his next sign-in.
  const tomas = ids.get('tomas');
  if (tomas !== undefined) {
    await db
      .updateTable('profile_contacts')
      .set({ confirmed_at: monthsAgo(now, 25) })
      .where('user_id', '=', tomas)
      .execute();
  }

  // Lena, whose Associate expired, asked to have her account deleted: sam's queue has one request.
  const lena = ids.get('lena');
  if (lena !== undefined) {
    await privacy.requestDeletion(
      { userId: lena, ip: null },
      'I have moved to another field and no longer need my account.',
    );
  }

  // A newer privacy notice: everyone has accepted it but sam, who is asked at the next sign-in.
  const version = await publishPrivacyNotice(db, NOTICE_V2, new Date(now.getTime() - 60_000));
  await db.transaction().execute(async (trx) => {
    for (const [username, id] of ids) {
      if (username === 'sam') continue;
      await app.accounts.recordPrivacyNoticeAcceptance(trx, id, version);
    }
  });
}
