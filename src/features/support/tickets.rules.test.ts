import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  autoCloseCutoff,
  checkContact,
  checkNewTicket,
  fillSavedReply,
  olderThan,
  statusAfterCandidateReply,
  subjectFromMessage,
  waitingSince,
} from './tickets.rules.ts';

const now = new Date('2026-11-24T12:00:00Z');

test('a candidate reply reopens a ticket that waited on them or was resolved; a new one stays new', () => {
  assert.equal(statusAfterCandidateReply('waiting_on_candidate'), 'open');
  assert.equal(statusAfterCandidateReply('resolved'), 'open');
  assert.equal(statusAfterCandidateReply('open'), 'open');
  assert.equal(statusAfterCandidateReply('new'), 'new');
});

test('waiting_since starts when a ticket starts waiting, is kept while it waits, and clears after', () => {
  const earlier = new Date('2026-11-20T00:00:00Z');
  assert.equal(
    waitingSince({ status: 'open', waitingSince: null }, 'waiting_on_candidate', now),
    now,
  );
  assert.equal(
    waitingSince(
      { status: 'waiting_on_candidate', waitingSince: earlier },
      'waiting_on_candidate',
      now,
    ),
    earlier,
  );
  assert.equal(
    waitingSince({ status: 'waiting_on_candidate', waitingSince: earlier }, 'open', now),
    null,
  );
});

test('the auto-close cutoff and the age filter count whole days back from now', () => {
  assert.equal(autoCloseCutoff(now, 7).toISOString(), '2026-11-17T12:00:00.000Z');
  assert.equal(olderThan(now, '3d').toISOString(), '2026-11-21T12:00:00.000Z');
});

test('checkNewTicket names each missing or bad field', () => {
  const bad = checkNewTicket({ category: 'billing', subject: ' ', message: '' });
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.problems.map((p) => `${p.field}:${p.messageKey}`), [
    'category:support.categoryRequired',
    'subject:support.subjectRequired',
    'message:support.messageRequired',
  ]);
  const long = checkNewTicket({
    category: 'results',
    subject: 'x'.repeat(201),
    message: 'y'.repeat(10_001),
  });
  assert.deepEqual(!long.ok && long.problems.map((p) => p.messageKey), [
    'support.subjectTooLong',
    'support.messageTooLong',
  ]);
  assert.deepEqual(
    checkNewTicket({ category: 'results', subject: ' Score\n missing ', message: 'Hi\r\n' }),
    {
      ok: true,
      category: 'results',
      subject: 'Score missing',
      message: 'Hi',
    },
  );
});

test('checkContact wants a name, a plausible email address and a message', () => {
  const bad = checkContact({ name: '', email: 'not-an-address', message: '' });
  assert.deepEqual(!bad.ok && bad.problems.map((p) => p.messageKey), [
    'support.nameRequired',
    'support.emailFormat',
    'support.messageRequired',
  ]);
  const ok = checkContact({ name: 'Ada', email: ' Ada@Example.COM ', message: 'Locked out' });
  assert.deepEqual(ok, { ok: true, name: 'Ada', email: 'ada@example.com', message: 'Locked out' });
});

test('subjectFromMessage takes the first non-empty line, shortened', () => {
  assert.equal(subjectFromMessage('\n\n  I cannot sign in  \nmore'), 'I cannot sign in');
  assert.equal(subjectFromMessage('x'.repeat(100)).length, 80);
});

test('fillSavedReply puts the first name where {name} is', () => {
  assert.equal(fillSavedReply('Hello {name}, thanks {name}!', 'Ada'), 'Hello Ada, thanks Ada!');
});
