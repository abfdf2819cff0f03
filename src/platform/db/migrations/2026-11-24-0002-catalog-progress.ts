import { sql, type Kysely } from 'kysely';

// Frozen in time. The program's definitions (catalog), a candidate's facts
// (results, training, agreements, credits, evidence) and awards.
// Columns holding personal data are marked `pii`.

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  // ------------------------------------------------------------------ catalog

  await db.schema
    .createTable('exams')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'`),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('exam', 'assessment')`))
    .addColumn('delivery', sql`text[]`, (c) =>
      c
        .notNull()
        .check(
          sql`delivery <@ array['test_center', 'online_proctored', 'web']::text[] and cardinality(delivery) > 0`,
        ),
    )
    .addColumn('score_min', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('score_max', 'integer', (c) => c.notNull().defaultTo(1000))
    .addColumn('passing_score', 'integer', (c) => c.notNull())
    .addColumn('languages', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{en}'::text[]`))
    .addColumn('duration_minutes', 'integer', (c) => c.check(sql`duration_minutes > 0`))
    .addColumn('price_cents', 'integer', (c) => c.check(sql`price_cents >= 0`))
    .addColumn('currency', 'text', (c) => c.check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('retake_wait_days_first', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`retake_wait_days_first >= 0`),
    )
    .addColumn('retake_wait_days_later', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`retake_wait_days_later >= 0`),
    )
    .addColumn('retake_max_per_year', 'integer', (c) => c.check(sql`retake_max_per_year > 0`))
    .addColumn('retake_after_pass', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('published')
        .check(sql`status in ('draft', 'published', 'retired')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      'exams_score_range',
      sql`score_min < score_max and passing_score between score_min and score_max`,
    )
    .execute();

  await db.schema
    .createTable('exam_versions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('exam_id', 'bigint', (c) => c.notNull().references('exams.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull().check(sql`version ~ '^[A-Za-z0-9._-]{1,20}$'`))
    .addColumn('available_from', 'date', (c) => c.notNull())
    .addColumn('available_until', 'date')
    .addUniqueConstraint('exam_versions_exam_version_key', ['exam_id', 'version'])
    .addCheckConstraint(
      'exam_versions_dates',
      sql`available_until is null or available_until >= available_from`,
    )
    .execute();

  for (const table of ['training_courses', 'credit_categories', 'agreements']) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      .addColumn('code', 'text', (c) =>
        c
          .notNull()
          .unique()
          .check(sql`code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'`),
      )
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
  }

  await db.schema
    .createTable('agreement_versions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('agreement_id', 'bigint', (c) =>
      c.notNull().references('agreements.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('effective_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('agreement_versions_key', ['agreement_id', 'version'])
    .execute();

  await db.schema
    .createTable('credentials')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('accreditation', 'certification')`),
    )
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('level_rank', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`level_rank between 1 and 10`),
    )
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('draft')
        .check(sql`status in ('draft', 'published', 'retired')`),
    )
    .addColumn('validity_months', 'integer', (c) => c.check(sql`validity_months between 1 and 600`))
    // { requirementsAgain: boolean, exams: string[], higherCredentials: string[],
    //   credits: { category: string, minimum: number } | null }
    .addColumn('recertification', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('credential_requirements')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('credential_id', 'bigint', (c) =>
      c.notNull().references('credentials.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version > 0`))
    .addColumn('tree', 'jsonb', (c) => c.notNull())
    .addColumn('effective_at', 'timestamptz', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('credential_requirements_key', ['credential_id', 'version'])
    .execute();

  // ------------------------------------------------------------------ a candidate's facts

  await db.schema
    .createTable('results')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.references('users.id').onDelete('cascade')) // null: unclaimed
    .addColumn('exam_id', 'bigint', (c) => c.notNull().references('exams.id'))
    .addColumn('exam_version', 'text')
    .addColumn('score', 'integer')
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('provider', 'import', 'manual', 'api')`),
    )
    .addColumn('provider', 'text')
    .addColumn('provider_ref', 'text')
    .addColumn('provider_candidate_id', 'text') // pii
    .addColumn('provider_last_name', 'text') // pii: for claiming an unclaimed result
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('valid')
        .check(sql`status in ('valid', 'revoked')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('recorded_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint('results_provider_ref', sql`(provider is null) = (provider_ref is null)`)
    .execute();
  // Every import is idempotent on the provider's own attempt reference.
  await sql`create unique index results_provider_ref_key on results (provider, provider_ref) where provider is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('results_user_idx')
    .on('results')
    .columns(['user_id', 'taken_at'])
    .execute();
  await db.schema.createIndex('results_exam_idx').on('results').columns(['exam_id']).execute();

  await db.schema
    .createTable('result_changes')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('result_id', 'bigint', (c) =>
      c.notNull().references('results.id').onDelete('cascade'),
    )
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('actor_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('before', 'jsonb', (c) => c.notNull())
    .addColumn('after', 'jsonb', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema
    .createIndex('result_changes_result_idx')
    .on('result_changes')
    .column('result_id')
    .execute();

  await db.schema
    .createTable('evidence_submissions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('training', 'credits')`))
    .addColumn('course_id', 'bigint', (c) => c.references('training_courses.id'))
    .addColumn('category_id', 'bigint', (c) => c.references('credit_categories.id'))
    .addColumn('amount', 'numeric(8, 2)', (c) => c.check(sql`amount > 0`))
    .addColumn('occurred_on', 'date', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo('')) // pii
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) =>
      c.notNull().check(sql`content_type in ('application/pdf', 'image/png', 'image/jpeg')`),
    )
    .addColumn('file_size', 'integer', (c) =>
      c.notNull().check(sql`file_size between 1 and 5242880`),
    )
    .addColumn('file', 'bytea', (c) => c.notNull()) // pii
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'approved', 'rejected')`),
    )
    .addColumn('decided_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      'evidence_kind_target',
      sql`(kind = 'training' and course_id is not null and category_id is null)
          or (kind = 'credits' and category_id is not null and amount is not null and course_id is null)`,
    )
    .execute();
  await db.schema
    .createIndex('evidence_status_idx')
    .on('evidence_submissions')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('evidence_user_idx')
    .on('evidence_submissions')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('training_completions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('course_id', 'bigint', (c) => c.notNull().references('training_courses.id'))
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('manual', 'evidence', 'import')`),
    )
    .addColumn('evidence_id', 'bigint', (c) =>
      c.references('evidence_submissions.id').onDelete('set null'),
    )
    .addColumn('recorded_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('training_completions_user_idx')
    .on('training_completions')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('agreement_acceptances')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('agreement_id', 'bigint', (c) => c.notNull().references('agreements.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('candidate', 'manual', 'import')`),
    )
    .addColumn('recorded_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addUniqueConstraint('agreement_acceptances_key', ['user_id', 'agreement_id', 'version'])
    .execute();

  await db.schema
    .createTable('credit_entries')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('category_id', 'bigint', (c) => c.notNull().references('credit_categories.id'))
    .addColumn('amount', 'numeric(8, 2)', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('earned_at', 'timestamptz', (c) => c.notNull())
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('manual', 'evidence', 'import')`),
    )
    .addColumn('evidence_id', 'bigint', (c) =>
      c.references('evidence_submissions.id').onDelete('set null'),
    )
    .addColumn('recorded_by', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('credit_entries_user_idx')
    .on('credit_entries')
    .column('user_id')
    .execute();

  // ------------------------------------------------------------------ awards

  await db.schema
    .createTable('awards')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'bigint', (c) => c.notNull().references('credentials.id'))
    // The public verification code: unguessable, printed on certificates.
    .addColumn('credential_number', 'text', (c) => c.notNull().unique())
    .addColumn('requirement_version', 'integer', (c) => c.notNull())
    .addColumn('awarded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('last_renewed_at', 'timestamptz')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('active')
        .check(sql`status in ('active', 'expired', 'suspended', 'revoked')`),
    )
    .addColumn('status_reason', 'text')
    .addColumn('status_changed_at', 'timestamptz')
    // [{ type: 'result' | 'award' | 'training' | 'agreement' | 'credits', id: number }]
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('kept_by_decision', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      'awards_expiry_after_award',
      sql`expires_at is null or expires_at > awarded_at`,
    )
    .execute();
  // Never two live awards of one credential for one candidate, whatever the races.
  await sql`create unique index awards_one_live_key on awards (user_id, credential_id) where status in ('active', 'suspended')`.execute(
    db,
  );
  await db.schema.createIndex('awards_user_idx').on('awards').column('user_id').execute();
  await sql`create index awards_expiry_idx on awards (expires_at) where status = 'active'`.execute(
    db,
  );
  await db.schema
    .createIndex('awards_credential_idx')
    .on('awards')
    .columns(['credential_id', 'status'])
    .execute();

  await db.schema
    .createTable('award_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('award_id', 'bigint', (c) => c.notNull().references('awards.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('awarded', 'renewed', 'expired', 'suspended', 'restored', 'revoked', 'kept')`,
        ),
    )
    .addColumn('actor_user_id', 'bigint', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('award_events_award_idx')
    .on('award_events')
    .column('award_id')
    .execute();

  await db.schema
    .createTable('award_reminders')
    .addColumn('award_id', 'bigint', (c) => c.notNull().references('awards.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('days_before', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    // One reminder per award, expiry date and threshold: a renewal starts a new series.
    .addPrimaryKeyConstraint('award_reminders_pkey', ['award_id', 'expires_at', 'days_before'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'award_reminders',
    'award_events',
    'awards',
    'credit_entries',
    'agreement_acceptances',
    'training_completions',
    'evidence_submissions',
    'result_changes',
    'results',
    'credential_requirements',
    'credentials',
    'agreement_versions',
    'agreements',
    'credit_categories',
    'training_courses',
    'exam_versions',
    'exams',
  ]) {
    await db.schema.dropTable(table).ifExists().cascade().execute();
  }
}
