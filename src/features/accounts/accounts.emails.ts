import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { translator, type MessageKey, type Params } from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';

/** The account emails, each written in the recipient's language. All are transactional. */

export interface Recipient {
  readonly userId: number | null;
  readonly email: string;
  readonly name: string;
  readonly locale: string;
}

interface Mail {
  template: string;
  subject: MessageKey;
  body: readonly [MessageKey, Params?][];
  action?: { label: MessageKey; url: string };
  after?: readonly [MessageKey, Params?][];
}

export async function sendAccountEmail(
  db: Kysely<DB> | Transaction<DB>,
  program: ProgramInfo,
  to: Recipient,
  mail: Mail,
): Promise<void> {
  const t = translator(to.locale);
  const withProgram = (params?: Params) => ({ program: program.name, ...params });
  await queueEmail(db, program, {
    to: to.email,
    toName: to.name,
    userId: to.userId,
    template: mail.template,
    category: 'transactional',
    content: {
      subject: t(mail.subject, withProgram()),
      greeting: t('mail.greeting', { name: to.name }),
      paragraphs: mail.body.map(([key, params]) => t(key, withProgram(params))),
      ...(mail.action ? { action: { label: t(mail.action.label), url: mail.action.url } } : {}),
      afterAction: (mail.after ?? []).map(([key, params]) => t(key, withProgram(params))),
    },
    footer: {
      sentBy: t('mail.sentBy', { program: program.name }),
      help: t('mail.help', { email: program.supportEmail }),
    },
  });
}
