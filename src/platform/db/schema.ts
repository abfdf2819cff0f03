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

// ---------------------------------------------------------------- catalog

export type Delivery = 'test_center' | 'online_proctored' | 'web';
export type PublicationStatus = 'draft' | 'published' | 'retired';

export interface ExamsTable {
  id: Generated<number>;
  code: string;
  title: string;
  description: Generated<string>;
  kind: 'exam' | 'assessment';
  delivery: ColumnType<Delivery[], Delivery[], Delivery[]>;
  score_min: Generated<number>;
  score_max: Generated<number>;
  passing_score: number;
  languages: ColumnType<string[], string[] | undefined, string[]>;
  duration_minutes: number | null;
  price_cents: number | null;
  currency: string | null;
  retake_wait_days_first: Generated<number>;
  retake_wait_days_later: Generated<number>;
  retake_max_per_year: number | null;
  retake_after_pass: Generated<boolean>;
  status: Generated<PublicationStatus>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ExamVersionsTable {
  id: Generated<number>;
  exam_id: number;
  version: string;
  /** 'YYYY-MM-DD' */
  available_from: string;
  available_until: string | null;
}

export interface CodedTable {
  id: Generated<number>;
  code: string;
  title: string;
  description: Generated<string>;
  created_at: Generated<Date>;
}

export interface AgreementVersionsTable {
  id: Generated<number>;
  agreement_id: number;
  version: number;
  body: string;
  effective_at: Date;
  created_at: Generated<Date>;
}

export interface Recertification {
  requirementsAgain?: boolean;
  exams?: string[];
  higherCredentials?: string[];
  credits?: { category: string; minimum: number } | null;
}

export interface CredentialsTable {
  id: Generated<number>;
  code: string;
  name: string;
  kind: 'accreditation' | 'certification';
  level: string;
  level_rank: Generated<number>;
  description: Generated<string>;
  status: Generated<PublicationStatus>;
  validity_months: number | null;
  recertification: ColumnType<Recertification, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CredentialRequirementsTable {
  id: Generated<number>;
  credential_id: number;
  version: number;
  tree: ColumnType<unknown, string, string>;
  effective_at: Date;
  note: Generated<string>;
  created_by: number | null;
  created_at: Generated<Date>;
}

// ---------------------------------------------------------------- facts

export type ResultSource = 'provider' | 'import' | 'manual' | 'api';

export interface ResultsTable {
  id: Generated<number>;
  user_id: number | null;
  exam_id: number;
  exam_version: string | null;
  score: number | null;
  passed: boolean;
  taken_at: Date;
  source: ResultSource;
  provider: string | null;
  provider_ref: string | null;
  provider_candidate_id: string | null;
  provider_last_name: string | null;
  status: Generated<'valid' | 'revoked'>;
  status_reason: string | null;
  recorded_by: number | null;
  reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ResultChangesTable {
  id: Generated<number>;
  result_id: number;
  at: Generated<Date>;
  actor_user_id: number | null;
  before: ColumnType<Record<string, unknown>, string, never>;
  after: ColumnType<Record<string, unknown>, string, never>;
  reason: string | null;
}

export interface EvidenceSubmissionsTable {
  id: Generated<number>;
  user_id: number;
  kind: 'training' | 'credits';
  course_id: number | null;
  category_id: number | null;
  /** numeric: a decimal string */
  amount: string | null;
  occurred_on: string;
  description: Generated<string>;
  file_name: string;
  content_type: 'application/pdf' | 'image/png' | 'image/jpeg';
  file_size: number;
  file: Uint8Array;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Generated<Date>;
}

export interface TrainingCompletionsTable {
  id: Generated<number>;
  user_id: number;
  course_id: number;
  completed_at: Date;
  source: 'manual' | 'evidence' | 'import';
  evidence_id: number | null;
  recorded_by: number | null;
  reason: string | null;
  created_at: Generated<Date>;
}

export interface AgreementAcceptancesTable {
  id: Generated<number>;
  user_id: number;
  agreement_id: number;
  version: number;
  accepted_at: Date;
  source: 'candidate' | 'manual' | 'import';
  recorded_by: number | null;
  reason: string | null;
}

export interface CreditEntriesTable {
  id: Generated<number>;
  user_id: number;
  category_id: number;
  /** numeric: a decimal string */
  amount: string;
  earned_at: Date;
  source: 'manual' | 'evidence' | 'import';
  evidence_id: number | null;
  recorded_by: number | null;
  reason: string | null;
  created_at: Generated<Date>;
}

// ---------------------------------------------------------------- awards

export type AwardStatus = 'active' | 'expired' | 'suspended' | 'revoked';
export interface EvidenceRef {
  type: 'result' | 'award' | 'training' | 'agreement' | 'credit';
  id: number;
}

export interface AwardsTable {
  id: Generated<number>;
  user_id: number;
  credential_id: number;
  credential_number: string;
  requirement_version: number;
  awarded_at: Date;
  expires_at: Date | null;
  last_renewed_at: Date | null;
  status: Generated<AwardStatus>;
  status_reason: string | null;
  status_changed_at: Date | null;
  evidence: ColumnType<EvidenceRef[], string | undefined, string>;
  kept_by_decision: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AwardEventsTable {
  id: Generated<number>;
  award_id: number;
  at: Generated<Date>;
  kind: 'awarded' | 'renewed' | 'expired' | 'suspended' | 'restored' | 'revoked' | 'kept';
  actor_user_id: number | null;
  reason: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface AwardRemindersTable {
  award_id: number;
  expires_at: Date;
  days_before: number;
  sent_at: Generated<Date>;
}

// ---------------------------------------------------------------- Open Badges (credentials feature)

export interface IssuerKeysTable {
  id: Generated<number>;
  key_id: string;
  public_key_multibase: string;
  secret_key_sealed: string | null;
  status: Generated<'current' | 'retired'>;
  created_at: CreatedAt;
  retired_at: Timestamp | null;
}

export interface BadgeStatusEntriesTable {
  award_id: number;
  list_number: number;
  list_index: number;
  created_at: CreatedAt;
}

export type ApiScope = 'results' | 'appointments' | 'candidates';

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_hash: Buffer;
  scopes: ColumnType<ApiScope[], ApiScope[], ApiScope[]>;
  provider: string | null;
  created_by: number | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
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
  exams: ExamsTable;
  exam_versions: ExamVersionsTable;
  training_courses: CodedTable;
  credit_categories: CodedTable;
  agreements: CodedTable;
  agreement_versions: AgreementVersionsTable;
  credentials: CredentialsTable;
  credential_requirements: CredentialRequirementsTable;
  results: ResultsTable;
  result_changes: ResultChangesTable;
  evidence_submissions: EvidenceSubmissionsTable;
  training_completions: TrainingCompletionsTable;
  agreement_acceptances: AgreementAcceptancesTable;
  credit_entries: CreditEntriesTable;
  awards: AwardsTable;
  award_events: AwardEventsTable;
  award_reminders: AwardRemindersTable;
  issuer_keys: IssuerKeysTable;
  badge_status_entries: BadgeStatusEntriesTable;
  api_keys: ApiKeysTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewOutbox = Insertable<OutboxTable>;
