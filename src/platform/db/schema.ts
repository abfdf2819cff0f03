import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * The database as the application sees it: one interface per table, written
 * by hand next to the migrations. Rows never leave the feature that owns the
 * table; services map them to domain types.
 */
type Timestamp = Date;
type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;

export interface ProgramTable {
  id: number;
  name: string;
  short_name: string;
  support_email: string;
  accent_color: Generated<string>;
  candidate_id_prefix: Generated<string>;
  updated_at: Generated<Timestamp>;
}

export interface PrivacyNoticesTable {
  version: number;
  body: string;
  effective_at: Timestamp;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  candidate_number: string;
  username: string;
  email: string;
  email_verified_at: Timestamp | null;
  given_name: string;
  family_name: string;
  country: string;
  locale: Generated<string>;
  time_zone: Generated<string>;
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: number | null;
  marketing_opt_in: Generated<boolean>;
  status: Generated<'active' | 'disabled'>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export type Role = 'partner_admin' | 'support_agent' | 'program_manager' | 'admin';

export interface UserRolesTable {
  user_id: number;
  role: Role;
  granted_at: Generated<Timestamp>;
  granted_by: number | null;
}

export interface ConsentsTable {
  id: Generated<number>;
  user_id: number;
  kind: 'privacy_notice' | 'marketing';
  privacy_notice_version: number | null;
  granted: boolean;
  at: Generated<Timestamp>;
}

export interface SessionsTable {
  id: Generated<number>;
  token_hash: Uint8Array;
  user_id: number;
  state: 'active' | 'second_factor';
  created_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
  expires_at: Timestamp;
  reauthenticated_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export type AccountTokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

export interface AccountTokensTable {
  id: Generated<number>;
  token_hash: Uint8Array;
  user_id: number;
  purpose: AccountTokenPurpose;
  new_email: string | null;
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: Uint8Array;
  used_at: Timestamp | null;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  hits: number;
  expires_at: Timestamp;
}

export interface OutboxAttachment {
  filename: string;
  contentType: string;
  /** base64 */
  content: string;
  method?: string;
}

export interface OutboxTable {
  id: Generated<number>;
  message_id: string;
  user_id: number | null;
  to_address: string;
  to_name: string | null;
  subject: string;
  html: string;
  text: string;
  headers: ColumnType<Record<string, string>, string | undefined, string>;
  attachments: ColumnType<OutboxAttachment[], string | undefined, string>;
  template: string;
  category: Generated<string>;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed' | 'held'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Timestamp>;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Generated<Timestamp>;
  sent_at: Timestamp | null;
}

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: ColumnType<unknown, string | undefined, string>;
  dedupe_key: string | null;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  run_at: Generated<Timestamp>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: Timestamp | null;
  locked_by: string | null;
  progress: Json | null;
  last_error: string | null;
  created_at: Generated<Timestamp>;
  finished_at: Timestamp | null;
}

export interface SchedulesTable {
  name: string;
  next_run_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: Generated<Timestamp>;
  actor_user_id: number | null;
  action: string;
  subject_type: string;
  subject_id: string;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  reason: string | null;
  ip: string | null;
}

export interface DB {
  program: ProgramTable;
  privacy_notices: PrivacyNoticesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  consents: ConsentsTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  recovery_codes: RecoveryCodesTable;
  rate_limits: RateLimitsTable;
  outbox: OutboxTable;
  jobs: JobsTable;
  schedules: SchedulesTable;
  audit_events: AuditEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewOutbox = Insertable<OutboxTable>;
