import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queueEmail } from '../../src/platform/mail/outbox.ts';
import { createTestApp, linksIn } from '../helpers/app.ts';

test('an email written to the outbox reaches the SMTP server when delivery runs', async () => {
  const t = await createTestApp({ smtp: true });
  try {
    const program = await t.app.platform.program.get();
    await queueEmail(t.db, program, {
      to: 'ada@example.com',
      toName: 'Ada Lovelace',
      template: 'test.hello',
      content: {
        subject: 'Hello from the outbox',
        paragraphs: ['This is a test.'],
        action: { label: 'Open it', url: 'http://127.0.0.1:3000/verify/ABC-123?x=1&y=2' },
      },
      footer: { sentBy: 'Sent by the test', help: 'No help needed' },
    });

    const report = await t.app.platform.mail.deliverDue();
    assert.equal(report.sent, 1);
    const mail = await t.smtp.waitFor((m) => m.to.includes('ada@example.com'));
    assert.equal(mail.subject, 'Hello from the outbox');
    assert.match(mail.text, /This is a test\./);
    assert.match(mail.html, /This is a test\./);
    assert.deepEqual(linksIn(mail.text), ['http://127.0.0.1:3000/verify/ABC-123?x=1&y=2']);
    assert.ok(mail.headers.get('message-id'));
  } finally {
    await t.close();
  }
});
