import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { formatDateTime, translator, type MessageKey } from '../../platform/i18n/i18n.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo } from '../../platform/program.ts';
import { appointmentCalendar } from './calendar.ts';
import type { AppointmentView } from './scheduling.types.ts';

/**
 * Appointment emails (booked, rescheduled, cancelled, reminder), each with
 * the appointment's calendar file, in the recipient's language; times in the
 * sitting's own time zone, named.
 */

export type AppointmentMailKind = 'booked' | 'rescheduled' | 'cancelled' | 'reminder';

export interface MailRecipient {
  readonly userId: number;
  readonly email: string;
  readonly name: string;
  readonly locale: string;
}

const SUBJECT: Record<AppointmentMailKind, MessageKey> = {
  booked: 'scheduling.mail.bookedSubject',
  rescheduled: 'scheduling.mail.rescheduledSubject',
  cancelled: 'scheduling.mail.cancelledSubject',
  reminder: 'scheduling.mail.reminderSubject',
};
const BODY: Record<AppointmentMailKind, MessageKey> = {
  booked: 'scheduling.mail.bookedBody',
  rescheduled: 'scheduling.mail.rescheduledBody',
  cancelled: 'scheduling.mail.cancelledBody',
  reminder: 'scheduling.mail.reminderBody',
};

export function placeText(a: AppointmentView, t: ReturnType<typeof translator>): string {
  if (a.place) {
    return [a.place.name, a.place.address, a.place.city, a.place.country]
      .filter(Boolean)
      .join(', ');
  }
  if (a.delivery === 'online_proctored') return t('scheduling.online');
  return a.location || (a.providerName ?? '');
}

/** The appointment's calendar file as a string. */
export function calendarFor(
  a: AppointmentView,
  program: ProgramInfo,
  publicUrl: string,
  method: 'REQUEST' | 'PUBLISH' | 'CANCEL',
  attendee?: { name: string; email: string },
): string {
  const t = translator('en');
  return appointmentCalendar({
    uid: a.calendarUid,
    sequence: a.sequence,
    method,
    start: a.startsAt,
    durationMinutes: a.durationMinutes,
    title: `${a.examCode} ${a.examTitle}`,
    description: t('scheduling.calendarDescription', {
      program: program.name,
      number: a.confirmationNumber,
    }),
    location: placeText(a, t),
    url: `${publicUrl}/exams/appointments/${a.id}`,
    organizer: { name: program.name, email: program.supportEmail },
    ...(attendee ? { attendee } : {}),
  });
}

export async function sendAppointmentEmail(
  db: Kysely<DB> | Transaction<DB>,
  program: ProgramInfo,
  publicUrl: string,
  to: MailRecipient,
  a: AppointmentView,
  kind: AppointmentMailKind,
): Promise<void> {
  const t = translator(to.locale);
  const when = formatDateTime(a.startsAt, { locale: to.locale, timeZone: a.timeZone });
  const params = {
    exam: `${a.examCode} ${a.examTitle}`,
    code: a.examCode,
    when,
    place: placeText(a, t),
    number: a.confirmationNumber,
  };
  const paragraphs = [t(BODY[kind], params), t('scheduling.mail.details', params)];
  if (kind !== 'cancelled' && a.changeDeadline) {
    paragraphs.push(
      t('scheduling.mail.changeUntil', {
        deadline: formatDateTime(a.changeDeadline, { locale: to.locale, timeZone: a.timeZone }),
      }),
    );
  }
  if (kind !== 'cancelled' && a.place?.accessibility) {
    paragraphs.push(t('scheduling.mail.accessibility', { notes: a.place.accessibility }));
  }
  paragraphs.push(t('scheduling.mail.calendarAttached'));
  const method = kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const ics = calendarFor(a, program, publicUrl, method, { name: to.name, email: to.email });
  await queueEmail(db, program, {
    to: to.email,
    toName: to.name,
    userId: to.userId,
    template: `scheduling.appointment-${kind}`,
    // Confirmations, changes and cancellations are receipts; the reminder follows the
    // candidate's "exam reminders" choice (and carries one-click unsubscribe).
    category: kind === 'reminder' ? 'exam_reminders' : 'transactional',
    content: {
      subject: t(SUBJECT[kind], params),
      greeting: t('mail.greeting', { name: to.name }),
      paragraphs,
      action: {
        label: t('scheduling.mail.action'),
        url: `${publicUrl}/exams/appointments/${a.id}`,
      },
    },
    attachments: [
      {
        filename: kind === 'cancelled' ? 'cancel.ics' : 'invite.ics',
        contentType: `text/calendar; charset=utf-8; method=${method}`,
        content: Buffer.from(ics, 'utf8').toString('base64'),
        method,
      },
    ],
    footer: {
      sentBy: t('mail.sentBy', { program: program.name }),
      help: t('mail.help', { email: program.supportEmail }),
    },
  });
}
