import { createEvent, type EventAttributes } from 'ics';

/**
 * The iCalendar (RFC 5545) file of an appointment. The UID is the
 * appointment's own and never changes; SEQUENCE rises with every
 * reschedule; a cancellation is METHOD:CANCEL with STATUS:CANCELLED, so
 * calendar programs update or remove the event they already have.
 */
export interface AppointmentEvent {
  readonly uid: string;
  readonly sequence: number;
  /** REQUEST for emails (an invitation to keep), PUBLISH for a download, CANCEL to remove. */
  readonly method: 'REQUEST' | 'PUBLISH' | 'CANCEL';
  readonly start: Date;
  readonly durationMinutes: number;
  readonly title: string;
  readonly description: string;
  readonly location: string;
  readonly url: string;
  readonly organizer: { readonly name: string; readonly email: string };
  readonly attendee?: { readonly name: string; readonly email: string };
}

export function appointmentCalendar(event: AppointmentEvent): string {
  const attributes: EventAttributes = {
    productId: '-//Laurel//Exam appointments//EN',
    uid: event.uid,
    sequence: event.sequence,
    method: event.method,
    status: event.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    start: event.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: event.durationMinutes },
    title: event.title,
    description: event.description,
    ...(event.location ? { location: event.location } : {}),
    url: event.url,
    organizer: { name: event.organizer.name, email: event.organizer.email },
    ...(event.attendee
      ? {
          attendees: [
            {
              name: event.attendee.name,
              email: event.attendee.email,
              rsvp: false,
              partstat: 'ACCEPTED',
              role: 'REQ-PARTICIPANT',
            },
          ],
        }
      : {}),
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) throw error ?? new Error('The calendar file could not be made.');
  return value;
}
