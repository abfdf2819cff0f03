import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { formatDate, translator } from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';

/**
 * The email that carries a share's link to its recipient, written to the
 * outbox in the transaction that creates the share. The recipient has no
 * account: the email is in the sender's language, and the sender's message
 * is quoted as plain text (the layout escapes it).
 */
export async function sendShareEmail(
  trx: Transaction<DB>,
  program: ProgramInfo,
  share: {
    holderName: string;
    recipientName: string;
    recipientEmail: string;
    message: string;
    url: string;
    expiresAt: Date;
    scope: 'awards' | 'transcript';
    count: number;
    locale: string;
    timeZone: string;
  },
): Promise<void> {
  const t = translator(share.locale);
  const expires = formatDate(share.expiresAt, { locale: share.locale, timeZone: share.timeZone });
  const what =
    share.scope === 'transcript'
      ? t('shares.mail.transcript')
      : share.count === 1
        ? t('shares.mail.oneCredential')
        : t('shares.mail.credentials', { count: share.count });
  const paragraphs = [
    t('shares.mail.body', { holder: share.holderName, what, program: program.name }),
    ...(share.message
      ? [t('shares.mail.message', { holder: share.holderName }), share.message]
      : []),
    t('shares.mail.expires', { date: expires }),
  ];
  await queueEmail(trx, program, {
    to: share.recipientEmail,
    toName: share.recipientName,
    userId: null,
    template: 'credentials.share',
    category: 'transactional',
    content: {
      subject: t('shares.mail.subject', { holder: share.holderName, program: program.name }),
      greeting: t('mail.greeting', { name: share.recipientName }),
      paragraphs,
      action: { label: t('shares.mail.action'), url: share.url },
      afterAction: [t('shares.mail.unexpected')],
    },
    footer: {
      sentBy: t('mail.sentBy', { program: program.name }),
      help: t('mail.help', { email: program.supportEmail }),
    },
  });
}
