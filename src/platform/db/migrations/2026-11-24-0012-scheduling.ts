import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code and is never edited
// after it has shipped. Exam registration: test centers, sittings,
// appointments, vouchers and external delivery providers.
// Columns holding personal data are marked `pii`.

const now = sql`now()`;

export async function up(db: Kysely<any>): Promise<void> {
  // One row: the program's scheduling policy.
  await db.schema
    .createTable('scheduling_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    // Reschedule and cancel are allowed until this many hours before the start.
    .addColumn('change_deadline_hours', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(24)
        .check(sql`change_deadline_hours between 0 and 720`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await sql`insert into scheduling_settings (id) values (1)`.execute(db);

  await db.schema
    .createTable('test_centers')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('city', 'text', (c) => c.notNull().check(sql`length(city) between 1 and 100`))
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('accessibility', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('sittings')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('delivery', 'text', (c) =>
      c.notNull().check(sql`delivery in ('test_center', 'online_proctored')`),
    )
    // Null for online-proctored sittings: they have no address.
    .addColumn('test_center_id', 'bigint', (c) => c.references('test_centers.id'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(120)
        .check(sql`duration_minutes between 5 and 1440`),
    )
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull().check(sql`seats between 1 and 10000`))
    // Seats taken by booked appointments; kept in step in the booking transaction.
    .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('scheduled')
        .check(sql`status in ('scheduled', 'cancelled')`),
    )
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    // The backstop against overbooking, whatever the code does.
    .addCheckConstraint('sittings_booked_range', sql`booked >= 0 and booked <= seats`)
    .addCheckConstraint(
      'sittings_place',
      sql`(delivery = 'test_center') = (test_center_id is not null)`,
    )
    .execute();
  await db.schema.createIndex('sittings_starts_idx').on('sittings').column('starts_at').execute();

  await db.schema
    .createTable('sitting_exams')
    .addColumn('sitting_id', 'bigint', (c) =>
      c.notNull().references('sittings.id').onDelete('cascade'),
    )
    .addColumn('exam_id', 'bigint', (c) => c.notNull().references('exams.id'))
    .addPrimaryKeyConstraint('sitting_exams_pkey', ['sitting_id', 'exam_id'])
    .execute();
  await db.schema
    .createIndex('sitting_exams_exam_idx')
    .on('sitting_exams')
    .column('exam_id')
    .execute();

  // ---------------------------------------------------------------- providers

  await db.schema
    .createTable('delivery_providers')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // The provider code API keys name (`ApiClient.provider`).
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[a-z0-9][a-z0-9-]{1,31}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scheduling_url', 'text', (c) => c.notNull())
    .addColumn('client_code', 'text', (c) => c.notNull())
    // AES-256-GCM under SECRET_KEY (platform/crypto/secrets.ts); never shown again.
    .addColumn('passphrase_sealed', 'text', (c) => c.notNull())
    .addColumn('session_timeout_minutes', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(30)
        .check(sql`session_timeout_minutes between 1 and 1440`),
    )
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  // Which exams a provider delivers (instead of built-in sittings).
  await db.schema
    .createTable('provider_exams')
    .addColumn('exam_id', 'bigint', (c) => c.primaryKey().references('exams.id'))
    .addColumn('provider_id', 'bigint', (c) =>
      c.notNull().references('delivery_providers.id').onDelete('cascade'),
    )
    .execute();

  // ---------------------------------------------------------------- vouchers

  await db.schema
    .createTable('voucher_batches')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('discount_percent', 'integer', (c) =>
      c.notNull().check(sql`discount_percent between 1 and 100`),
    )
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    // Lowercase domain, e.g. `corvid.example`; null: anyone.
    .addColumn('email_domain', 'text')
    .addColumn('created_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('voucher_batch_exams')
    .addColumn('batch_id', 'bigint', (c) =>
      c.notNull().references('voucher_batches.id').onDelete('cascade'),
    )
    .addColumn('exam_id', 'bigint', (c) => c.notNull().references('exams.id'))
    .addPrimaryKeyConstraint('voucher_batch_exams_pkey', ['batch_id', 'exam_id'])
    .execute();

  await db.schema
    .createTable('vouchers')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('batch_id', 'bigint', (c) =>
      c.notNull().references('voucher_batches.id').onDelete('cascade'),
    )
    .addColumn('code', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`code ~ '^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$'`),
    )
    // Set in the booking transaction; cleared when a timely cancellation gives it back.
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_by', 'bigint', (c) => c.references('users.id')) // pii (who)
    .execute();
  await db.schema.createIndex('vouchers_batch_idx').on('vouchers').column('batch_id').execute();

  // ---------------------------------------------------------------- appointments

  await db.schema
    .createTable('appointments')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('users.id')) // pii
    .addColumn('exam_id', 'bigint', (c) => c.notNull().references('exams.id'))
    // Built-in: the sitting. Provider: null, with provider_id and provider_ref.
    .addColumn('sitting_id', 'bigint', (c) => c.references('sittings.id'))
    .addColumn('provider_id', 'bigint', (c) => c.references('delivery_providers.id'))
    .addColumn('provider_ref', 'text')
    .addColumn('confirmation_number', 'text', (c) => c.notNull().unique())
    // The iCalendar UID: the same for the appointment's whole life.
    .addColumn('calendar_uid', 'text', (c) => c.notNull().unique())
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('booked')
        .check(sql`status in ('booked', 'cancelled', 'completed', 'no_show')`),
    )
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // Provider appointments: the place as the provider names it.
    .addColumn('location', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('voucher_id', 'bigint', (c) => c.references('vouchers.id'))
    .addColumn('price_cents', 'integer')
    .addColumn('currency', 'text')
    .addColumn('rescheduled_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .addColumn('attendance_marked_by', 'bigint', (c) => c.references('users.id'))
    .addColumn('attendance_marked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addCheckConstraint(
      'appointments_source',
      sql`(sitting_id is not null and provider_id is null) or (sitting_id is null and provider_id is not null and provider_ref is not null)`,
    )
    .addUniqueConstraint('appointments_provider_ref_key', ['provider_id', 'provider_ref'])
    .execute();
  await db.schema
    .createIndex('appointments_user_idx')
    .on('appointments')
    .column('user_id')
    .execute();
  await db.schema
    .createIndex('appointments_sitting_idx')
    .on('appointments')
    .column('sitting_id')
    .execute();
  // One booked built-in appointment per candidate and exam at a time.
  await sql`create unique index appointments_one_booked_key on appointments (user_id, exam_id)
    where status = 'booked' and sitting_id is not null`.execute(db);
  // A voucher pays for one live appointment at most.
  await sql`create unique index appointments_voucher_key on appointments (voucher_id)
    where voucher_id is not null and status <> 'cancelled'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'appointments',
    'vouchers',
    'voucher_batch_exams',
    'voucher_batches',
    'provider_exams',
    'delivery_providers',
    'sitting_exams',
    'sittings',
    'test_centers',
    'scheduling_settings',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
