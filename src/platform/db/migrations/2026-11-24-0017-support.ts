import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never edited
// after it has shipped. Support tickets (threads of messages, internal notes,
// attachments stored in the database so app nodes stay stateless), saved
// replies, the support settings, and the help articles, seeded with the
// program's first guidance. Columns holding personal data are marked `pii`.

const now = sql`now()`;

const CATEGORIES = sql`('exam_registration', 'results', 'certificates', 'account', 'partner_program', 'other')`;
const STATUSES = sql`('new', 'open', 'waiting_on_candidate', 'resolved', 'closed')`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('support_tickets')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // The candidate who opened it; null for the signed-out contact form.
    .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('requester_name', 'text') // pii: signed-out form only
    .addColumn('requester_email', 'text') // pii: signed-out form only
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ${CATEGORIES}`))
    .addColumn('subject', 'text', (c) =>
      c.notNull().check(sql`char_length(subject) between 1 and 200`),
    ) // pii
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('new')
        .check(sql`status in ${STATUSES}`),
    )
    .addColumn('assignee_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    // The last message (not note) or status change: the queue sorts by it.
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    // Set while the status is waiting_on_candidate: the auto-close job counts from it.
    .addColumn('waiting_since', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addCheckConstraint(
      'support_tickets_requester',
      sql`user_id is not null or (requester_name is not null and requester_email is not null)`,
    )
    .addCheckConstraint(
      'support_tickets_waiting',
      sql`(status = 'waiting_on_candidate') = (waiting_since is not null)`,
    )
    .execute();
  await db.schema
    .createIndex('support_tickets_user_idx')
    .on('support_tickets')
    .columns(['user_id', 'updated_at'])
    .execute();
  await db.schema
    .createIndex('support_tickets_status_idx')
    .on('support_tickets')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('support_tickets_assignee_idx')
    .on('support_tickets')
    .column('assignee_id')
    .execute();

  await db.schema
    .createTable('support_messages')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ticket_id', 'bigint', (c) =>
      c.notNull().references('support_tickets.id').onDelete('cascade'),
    )
    .addColumn('author_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    // requester: the candidate (or the signed-out sender); agent: support staff; system: Laurel itself.
    .addColumn('author_kind', 'text', (c) =>
      c.notNull().check(sql`author_kind in ('requester', 'agent', 'system')`),
    )
    // Internal notes are for staff only: never shown to or mailed to the candidate.
    .addColumn('internal', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) <= 10000`)) // pii
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      'support_messages_internal_by_agent',
      sql`not internal or author_kind = 'agent'`,
    )
    .execute();
  await db.schema
    .createIndex('support_messages_ticket_idx')
    .on('support_messages')
    .columns(['ticket_id', 'id'])
    .execute();

  await db.schema
    .createTable('support_attachments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('ticket_id', 'bigint', (c) =>
      c.notNull().references('support_tickets.id').onDelete('cascade'),
    )
    .addColumn('message_id', 'bigint', (c) =>
      c.notNull().references('support_messages.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) =>
      c.notNull().check(sql`content_type in ('application/pdf', 'image/png', 'image/jpeg')`),
    )
    .addColumn('file_size', 'integer', (c) =>
      c.notNull().check(sql`file_size between 1 and 5242880`),
    )
    .addColumn('file', 'bytea', (c) => c.notNull()) // pii
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('support_attachments_message_idx')
    .on('support_attachments')
    .column('message_id')
    .execute();
  await db.schema
    .createIndex('support_attachments_ticket_idx')
    .on('support_attachments')
    .column('ticket_id')
    .execute();

  await db.schema
    .createTable('support_saved_replies')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('title', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`char_length(title) between 1 and 120`),
    )
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) <= 10000`))
    .addColumn('updated_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('support_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    // Tickets waiting on the candidate this many days are closed by the daily job.
    .addColumn('auto_close_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(7)
        .check(sql`auto_close_days between 1 and 365`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.insertInto('support_settings').values({ id: 1, auto_close_days: 7 }).execute();

  await db.schema
    .createTable('help_articles')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('slug', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`slug ~ '^[a-z0-9][a-z0-9-]{0,79}$'`),
    )
    .addColumn('topic', 'text', (c) => c.notNull().check(sql`char_length(topic) between 1 and 80`))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) between 1 and 200`))
    // Markdown, rendered without raw HTML and with safe links only.
    .addColumn('body', 'text', (c) => c.notNull().check(sql`char_length(body) <= 50000`))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.insertInto('help_articles').values(SEED_ARTICLES).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'help_articles',
    'support_settings',
    'support_saved_replies',
    'support_attachments',
    'support_messages',
    'support_tickets',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

const SEED_ARTICLES = [
  {
    slug: 'first-time-users',
    topic: 'Getting started',
    position: 10,
    title: 'First time users',
    body: `Welcome to the certification program portal. This is where you book exams, follow your progress towards a credential, and download your certificates.

## Create your account

1. Choose **Create an account** at the top of any page.
2. Use an email address you will keep: certificates, reminders and support replies go there.
3. Enter your name exactly as it should be printed on your certificates.
4. Confirm your email address with the link we send you.

## Find your way around

- **Dashboard**: what you hold, what expires soon, and what to do next.
- **Credentials**: every certification and accreditation, with what each one requires and how far you are.
- **Exam history**: your results, including results sent to us by the exam provider.

## Already took an exam before this portal?

Results from the exam provider are matched to your account by your email address and candidate ID. If a result is missing after a few days, [contact the support team](/support) and tell us the exam code and date.`,
  },
  {
    slug: 'partner-company-candidates',
    topic: 'Getting started',
    position: 20,
    title: 'Candidates working for a partner company',
    body: `If your employer is a partner company of the program, your credentials also count towards your company's partner standing.

## Use your work email address

Register (or change your email) with the address of your company's email domain. That is how we recognize that you work for a partner.

## What your company sees

Your company's partner contact sees your name, your email address and the credentials you hold, because the partner program needs them. They do not see your exam scores or your support conversations.

## You changed employer

Change your email address on your account page to your new work address. Your credentials stay yours: they belong to you, not to the company.

If your company is missing or wrong, choose the category **Partner program** when you [contact the support team](/support).`,
  },
  {
    slug: 'recover-your-account',
    topic: 'Your account',
    position: 10,
    title: 'How to recover your account',
    body: `## Forgot your password or username

Go to [account recovery](/account-recovery) (on the sign-in page: **Forgot your username or password?**) and say what you forgot.

- **I forgot my password**: we send a link to your email address to choose a new password. The link works once and expires after a short time.
- **I forgot my username**: we send your username to your email address.

## Lost your two-factor device

On the sign-in page, enter one of the recovery codes you saved when you turned two-factor on, instead of a code from the app. Each recovery code works once. Then set up two-factor with your new device on your account page, and save the new codes. No recovery codes left? Use the [contact form](/contact).

## No access to your email address any more

You cannot reset the password yourself. Use the [contact form](/contact) (no sign-in needed): give your name, the email address on the account and anything that helps us find it, such as your candidate ID. The support team checks that the account is yours before changing anything.`,
  },
  {
    slug: 'contact-support',
    topic: 'Your account',
    position: 20,
    title: 'Contacting the support team',
    body: `Signed in, open **Support** and choose **Ask a question**. Pick the category that fits best, describe the problem and attach up to three files (PDF, PNG or JPEG, 5 MB each), such as a score report or a screenshot.

You can follow every request on the support page: its status, our replies, and your answers. We also email you when we reply; the email has a link, not the reply itself.

If you cannot sign in, use the [contact form](/contact).`,
  },
];
