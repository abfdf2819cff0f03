import { formatDate, translator, type MessageKey, type Params } from '../../platform/i18n/i18n.ts';
import type { QueueEmailInput } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';

/**
 * The awarding emails, each in the recipient's language and time zone,
 * written to the outbox in the transaction that made the change. Earned,
 * expired and revoked are transactional; expiry reminders are in the
 * 'expiry_reminders' category, which a person may turn off.
 */

export interface Recipient {
  readonly userId: number;
  readonly email: string;
  readonly name: string;
  readonly locale: string;
  readonly timeZone: string;
}

export interface AwardMailFacts {
  readonly credentialCode: string;
  readonly credentialName: string;
  readonly credentialNumber: string;
}

export type AwardMail =
  | { kind: 'earned'; awardedAt: Date; expiresAt: Date | null }
  | { kind: 'expiring'; expiresAt: Date }
  | { kind: 'expired'; expiresAt: Date }
  | { kind: 'revoked'; at: Date; reason: string | null };

/** The email about an award, ready for the outbox. */
export function awardEmail(
  program: ProgramInfo,
  publicUrl: string,
  to: Recipient,
  award: AwardMailFacts,
  mail: AwardMail,
  options: { notBefore?: Date } = {},
): QueueEmailInput {
  const t = translator(to.locale);
  const date = (d: Date) => formatDate(d, { locale: to.locale, timeZone: to.timeZone });
  const base: Params = {
    program: program.name,
    credential: award.credentialName,
    number: award.credentialNumber,
  };
  const link = `${publicUrl}/credentials/${encodeURIComponent(award.credentialCode)}`;
  let subject: [MessageKey, Params];
  const body: [MessageKey, Params][] = [];
  let action: { label: MessageKey; url: string };
  let category = 'transactional';
  switch (mail.kind) {
    case 'earned':
      subject = ['mail.credentialEarned.subject', base];
      body.push(['mail.credentialEarned.body', { ...base, date: date(mail.awardedAt) }]);
      if (mail.expiresAt)
        body.push(['mail.credentialEarned.expires', { date: date(mail.expiresAt) }]);
      action = { label: 'mail.credentialEarned.action', url: link };
      break;
    case 'expiring':
      subject = ['mail.credentialExpiring.subject', { ...base, date: date(mail.expiresAt) }];
      body.push(['mail.credentialExpiring.body', { ...base, date: date(mail.expiresAt) }]);
      action = { label: 'mail.credentialExpiring.action', url: link };
      category = 'expiry_reminders';
      break;
    case 'expired':
      subject = ['mail.credentialExpired.subject', base];
      body.push(['mail.credentialExpired.body', { ...base, date: date(mail.expiresAt) }]);
      action = { label: 'mail.credentialExpired.action', url: link };
      break;
    case 'revoked':
      subject = ['mail.credentialRevoked.subject', base];
      body.push(['mail.credentialRevoked.body', { ...base, date: date(mail.at) }]);
      if (mail.reason) body.push(['mail.credentialRevoked.reason', { reason: mail.reason }]);
      action = { label: 'mail.credentialRevoked.action', url: link };
      break;
  }
  return {
    to: to.email,
    toName: to.name,
    userId: to.userId,
    template: `progress.credential-${mail.kind}`,
    category,
    content: {
      subject: t(subject[0], subject[1]),
      greeting: t('mail.greeting', { name: to.name }),
      paragraphs: body.map(([key, params]) => t(key, params)),
      action: { label: t(action.label), url: action.url },
    },
    footer: {
      sentBy: t('mail.sentBy', { program: program.name }),
      help: t('mail.help', { email: program.supportEmail }),
    },
    ...(options.notBefore ? { notBefore: options.notBefore } : {}),
  };
}
