import { sql, type Kysely } from 'kysely';

// Frozen in time. A candidate's contact details, demographics, notification
// preferences, data exports and deletion requests; the program's profile
// settings and demographic survey. Columns holding personal data are marked `pii`.

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('profile_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    // null: never ask; otherwise ask to confirm details at most this often (12 months or more).
    .addColumn('review_interval_months', 'integer', (c) =>
      c.check(sql`review_interval_months is null or review_interval_months >= 12`),
    )
    // What deletion keeps on award records for verification: the holder's name, or nothing personal.
    .addColumn('deletion_award_name', 'text', (c) =>
      c
        .notNull()
        .defaultTo('keep')
        .check(sql`deletion_award_name in ('keep', 'remove')`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('profile_contacts')
    .addColumn('user_id', 'bigint', (c) =>
      c.primaryKey().references('users.id').onDelete('cascade'),
    )
    .addColumn('address_line1', 'text') // pii
    .addColumn('address_line2', 'text') // pii
    .addColumn('city', 'text') // pii
    .addColumn('region', 'text') // pii
    .addColumn('postal_code', 'text') // pii
    .addColumn('phone', 'text', (c) => c.check(sql`phone ~ '^\\+[1-9][0-9]{6,14}$'`)) // pii, E.164
    .addColumn('company', 'text') // pii
    .addColumn('job_title', 'text') // pii
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('review_prompted_at', 'timestamptz')
    // A random salt: with the installation secret it keys the encryption of this person's
    // change history in the audit log. Erasing it makes those values unreadable for good.
    .addColumn('history_salt', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('demographic_questions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('options', 'jsonb', (c) => c.notNull())
    .addColumn('required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'retired')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('demographic_answers')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('question_id', 'bigint', (c) =>
      c.notNull().references('demographic_questions.id').onDelete('cascade'),
    )
    .addColumn('answer', 'text', (c) => c.notNull()) // pii
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('demographic_answers_pkey', ['user_id', 'question_id'])
    .execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) =>
      c.notNull().check(sql`category in ('exam_reminders', 'expiry_reminders')`),
    )
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('notification_preferences_pkey', ['user_id', 'category'])
    .execute();

  await db.schema
    .createTable('data_exports')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'ready', 'failed', 'expired')`),
    )
    .addColumn('content', 'bytea') // pii: the whole export, gzipped JSON; erased when it expires
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('ready_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('data_exports_user_idx')
    .on('data_exports')
    .columns(['user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('deletion_requests')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'approved', 'rejected', 'cancelled')`),
    )
    .addColumn('reason', 'text') // pii: the candidate's own words
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('decided_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text')
    .execute();
  await sql`create unique index deletion_requests_one_pending on deletion_requests (user_id) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('deletion_requests_status_idx')
    .on('deletion_requests')
    .columns(['status', 'requested_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'deletion_requests',
    'data_exports',
    'notification_preferences',
    'demographic_answers',
    'demographic_questions',
    'profile_contacts',
    'profile_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().cascade().execute();
  }
}
