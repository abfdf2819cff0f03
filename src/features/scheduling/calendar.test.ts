import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { appointmentCalendar, type AppointmentEvent } from './calendar.ts';

const event: AppointmentEvent = {
  uid: '7f8d2c1e-aaaa-bbbb-cccc-0123456789ab@laurel.example',
  sequence: 0,
  method: 'REQUEST',
  start: new Date('2026-12-03T09:30:00Z'),
  durationMinutes: 120,
  title: 'ACS-101 Cloud Foundations',
  description: 'Corvid exam appointment. Confirmation number: LA-ABCD-EFGH.',
  location: 'Corvid Test Center, Hauptstraße 1, Berlin, DE',
  url: 'https://laurel.example/exams/appointments/1',
  organizer: { name: 'Corvid Certification', email: 'support@corvid.example' },
  attendee: { name: 'Casey Candidate', email: 'casey@example.com' },
};

function parse(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  const vevent = root.getFirstSubcomponent('vevent')!;
  return { root, vevent };
}

test('an invitation parses, with UID, DTSTAMP, DTSTART, SEQUENCE and METHOD:REQUEST', () => {
  const ics = appointmentCalendar(event);
  assert.match(ics, /\r\n/, 'RFC 5545 lines end in CRLF');
  const { root, vevent } = parse(ics);
  assert.equal(root.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(vevent.getFirstPropertyValue('uid'), event.uid);
  const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
  assert.ok(stamp, 'DTSTAMP is present');
  assert.ok(Math.abs(stamp.toJSDate().getTime() - Date.now()) < 86_400_000);
  const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
  assert.equal(start.toJSDate().toISOString(), '2026-12-03T09:30:00.000Z');
  assert.equal(start.zone?.tzid, 'UTC');
  assert.equal(vevent.getFirstPropertyValue('sequence'), 0);
  assert.equal(vevent.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.equal(vevent.getFirstPropertyValue('location'), event.location);
  const ev = new ICAL.Event(vevent);
  assert.equal(ev.endDate.toJSDate().toISOString(), '2026-12-03T11:30:00.000Z');
});

test('a reschedule keeps the UID and raises SEQUENCE; a cancellation is METHOD:CANCEL', () => {
  const moved = parse(
    appointmentCalendar({ ...event, sequence: 1, start: new Date('2026-12-05T13:00:00Z') }),
  );
  assert.equal(moved.vevent.getFirstPropertyValue('uid'), event.uid);
  assert.equal(moved.vevent.getFirstPropertyValue('sequence'), 1);
  assert.equal(
    (moved.vevent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
    '2026-12-05T13:00:00.000Z',
  );
  const cancelled = parse(appointmentCalendar({ ...event, sequence: 2, method: 'CANCEL' }));
  assert.equal(cancelled.root.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(cancelled.vevent.getFirstPropertyValue('status'), 'CANCELLED');
  assert.equal(cancelled.vevent.getFirstPropertyValue('uid'), event.uid);
  assert.equal(cancelled.vevent.getFirstPropertyValue('sequence'), 2);
});
