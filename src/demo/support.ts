import type { App } from '../app.ts';

/**
 * The demo's support desk: saved replies, and tickets from demo candidates
 * in every state (one with an attachment and an internal note), plus a
 * message from someone who could not sign in, so that `sam` (support
 * agent) has a queue to work. Everything goes through the ticket service,
 * as the pages would; the help articles come with the migration.
 */

const SAVED_REPLIES = [
  {
    title: 'Result not showing yet',
    body: 'Hello {name},\n\nResults reach us from the exam provider within 5 working days of the exam. If yours is still missing after that, reply here with the exam code and the date you sat it, and we will chase it.',
  },
  {
    title: 'Name on certificate',
    body: 'Hello {name},\n\nThe name on your certificates is the one on your account. Tell us exactly how it should be printed (and send a photo of an ID if it is a legal name change), and we will correct it and issue new certificates.',
  },
  {
    title: 'Account recovery checks',
    body: 'Hello {name},\n\nTo protect your account we need to check it is yours. Please reply with your candidate ID and the date and exam code of your last exam.',
  },
];

interface DemoTicket {
  username: string;
  daysAgo: number;
  category: 'exam_registration' | 'results' | 'certificates' | 'account' | 'partner_program';
  subject: string;
  message: string;
  attachment?: string;
  note?: string;
  reply?: string;
  /** The state the ticket is left in (new: nobody has answered). */
  status: 'new' | 'open' | 'waiting_on_candidate' | 'resolved' | 'closed';
}

const TICKETS: readonly DemoTicket[] = [
  {
    username: 'robin',
    daysAgo: 3,
    category: 'results',
    subject: 'ACS-201 result missing',
    message:
      'I sat ACS-201 at the test center last week and the score report says I passed, but my exam history does not show it. The score report is attached.',
    attachment: 'score-report-ACS-201.pdf',
    note: 'Provider feed for that test center was late this week; the result should arrive with tonight’s import. Check tomorrow before replying.',
    status: 'open',
  },
  {
    username: 'casey',
    daysAgo: 5,
    category: 'certificates',
    subject: 'Middle name on my certificate',
    message: 'Could my certificates show my full name, Casey J. Nakamura?',
    reply:
      'Hello Casey,\n\nThe name on your certificates is the one on your account. Please confirm exactly how it should be printed, and we will issue new certificates.',
    status: 'waiting_on_candidate',
  },
  {
    username: 'jordan',
    daysAgo: 1,
    category: 'exam_registration',
    subject: 'Can I move my exam to next month?',
    message: 'Something came up at work. Can I move my exam booking to a date next month?',
    status: 'new',
  },
  {
    username: 'priya',
    daysAgo: 12,
    category: 'partner_program',
    subject: 'My credentials do not count for my company',
    message:
      'I changed jobs and my new employer is a partner, but my credentials are not listed for them.',
    reply:
      'Hello Priya,\n\nYour credentials now count for your new employer: we matched your account to their partner record. Thank you for telling us.',
    status: 'resolved',
  },
  {
    username: 'mei',
    daysAgo: 30,
    category: 'account',
    subject: 'Two-factor codes not accepted',
    message: 'My authenticator codes stopped working after I changed phones.',
    reply:
      'Hello Mei,\n\nSign in with one of your recovery codes, then turn two-factor off and on again with your new phone.',
    status: 'closed',
  },
];

export async function seedSupport(app: App, ids: ReadonlyMap<string, number>): Promise<void> {
  const { tickets } = app.support;
  const samId = ids.get('sam');
  if (samId === undefined) return;
  const sam = await actorOf(app, samId);

  for (const saved of SAVED_REPLIES) {
    const outcome = await tickets.saveSavedReply(sam, undefined, saved, '127.0.0.1');
    if (!outcome.ok)
      throw new Error(`Demo saved reply refused: ${JSON.stringify(outcome.problems)}`);
  }

  for (const demo of TICKETS) {
    const userId = ids.get(demo.username);
    if (userId === undefined) continue;
    const candidate = await actorOf(app, userId);
    const files = demo.attachment
      ? [
          {
            name: demo.attachment,
            declaredType: 'application/pdf',
            bytes: scoreReportPdf(
              `${candidate.givenName} ${candidate.familyName}`,
              new Date(Date.now() - (demo.daysAgo + 7) * 86_400_000).toISOString().slice(0, 10),
            ),
            truncated: false,
          },
        ]
      : [];
    const opened = await tickets.open(candidate, demo, files);
    if (!opened.ok) throw new Error(`Demo ticket refused: ${JSON.stringify(opened.problems)}`);
    const id = opened.id;
    if (demo.note) {
      await tickets.agentWrite(sam, id, { body: demo.note, kind: 'note' }, '127.0.0.1');
    }
    if (demo.reply) {
      const status = demo.status === 'closed' ? 'resolved' : demo.status;
      await tickets.agentWrite(
        sam,
        id,
        {
          body: demo.reply,
          kind: 'reply',
          status: status === 'new' || status === 'open' ? 'open' : status,
        },
        '127.0.0.1',
      );
    }
    if (demo.status === 'closed') await tickets.setStatus(sam, id, 'closed', '127.0.0.1');
    await backdate(app, id, demo.daysAgo);
  }

  const contact = await tickets.contact({
    name: 'Alex Rivera',
    email: 'alex.rivera@example.net',
    message:
      'I cannot sign in: my account uses my old work email, which I no longer have. My candidate ID is CT-1000099.',
  });
  if (contact.ok && contact.id !== null) await backdate(app, contact.id, 2);
}

async function actorOf(app: App, userId: number) {
  const a = await app.accounts.accountSummary(userId);
  return {
    userId: a.id,
    givenName: a.givenName,
    familyName: a.familyName,
    email: a.email,
    locale: 'en',
  };
}

/** Moves a seeded ticket's dates back, so the queue's ages and the candidates' lists look lived in. */
async function backdate(app: App, ticketId: number, days: number): Promise<void> {
  const { db } = app.platform;
  const shift = days * 86_400_000;
  const ticket = await db
    .selectFrom('support_tickets')
    .select(['created_at', 'updated_at', 'waiting_since', 'closed_at'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  const messages = await db
    .selectFrom('support_messages')
    .select(['id', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('id')
    .execute();
  // Each answer comes an hour after the message before it.
  const later = (messages.length - 1) * 3_600_000;
  await db
    .updateTable('support_tickets')
    .set({
      created_at: new Date(ticket.created_at.getTime() - shift),
      updated_at: new Date(ticket.updated_at.getTime() - shift + later),
      waiting_since: ticket.waiting_since
        ? new Date(ticket.waiting_since.getTime() - shift + later)
        : null,
      closed_at: ticket.closed_at ? new Date(ticket.closed_at.getTime() - shift + later) : null,
    })
    .where('id', '=', ticketId)
    .execute();
  for (const [i, m] of messages.entries()) {
    await db
      .updateTable('support_messages')
      .set({ created_at: new Date(m.created_at.getTime() - shift + i * 3_600_000) })
      .where('id', '=', m.id)
      .execute();
  }
}

/** A one-page PDF score report (PDF 1.4, Helvetica): valid, tiny, made on the spot. */
function scoreReportPdf(name: string, date: string): Uint8Array {
  const ascii = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/[\\()]/g, (c) => `\\${c}`);
  const lines = [
    'Score report - ACS-201 Designing Solutions on Corvid Cloud',
    `Candidate: ${ascii(name)}`,
    `Exam date: ${date}`,
    'Score: 742 / 1000 (passing score 720) - PASS',
  ];
  const content = lines
    .map((line, i) => `BT /F1 ${i === 0 ? 18 : 12} Tf 72 ${720 - i * 28} Td (${line}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
