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

// ---------------------------------------------------------------- results (src/features/results)

export interface ResultImportsTable {
  id: Generated<number>;
  provider: string;
  file_name: string;
  format: 'provider' | 'simple' | null;
  header_line: string | null;
  mode: 'all_or_nothing' | 'good_rows';
  status: Generated<'validating' | 'invalid' | 'ready' | 'importing' | 'done' | 'failed'>;
  rows_total: Generated<number>;
  rows_valid: Generated<number>;
  rows_bad: Generated<number>;
  rows_no_show: Generated<number>;
  rows_done: Generated<number>;
  created_count: Generated<number>;
  updated_count: Generated<number>;
  unchanged_count: Generated<number>;
  unclaimed_count: Generated<number>;
  awarded_count: Generated<number>;
  applied_through_line: Generated<number>;
  job_id: number | null;
  last_error: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface ResultImportRowsTable {
  import_id: number;
  line: number;
  registration_id: string;
  candidate_id: string;
  last_name: string | null;
  exam_id: number;
  exam_version: string | null;
  score: number | null;
  passed: boolean;
  taken_at: Date;
}

export interface ResultImportProblemsTable {
  id: Generated<number>;
  import_id: number;
  line: number;
  column_name: string;
  message_key: string;
  params: ColumnType<Record<string, string | number>, string | undefined, never>;
  raw: string | null;
}

export interface ResultSigningSecretsTable {
  api_key_id: number;
  sealed_secret: string;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ExamAuthorizationsTable {
  id: Generated<number>;
  user_id: number;
  exam_id: number;
  /** 'YYYY-MM-DD' */
  eligible_from: string;
  eligible_until: string;
  status: Generated<'active' | 'cancelled'>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProviderExportsTable {
  id: Generated<number>;
  kind: 'candidates' | 'authorizations';
  changed_after: Date | null;
  changed_until: Date;
  row_count: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

// ---------------------------------------------------------------- scheduling

export interface SchedulingSettingsTable {
  id: number;
  change_deadline_hours: number;
  updated_at: Generated<Date>;
}

export interface TestCentersTable {
  id: Generated<number>;
  name: string;
  address: string;
  city: string;
  country: string;
  time_zone: string;
  accessibility: string;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SittingsTable {
  id: Generated<number>;
  delivery: 'test_center' | 'online_proctored';
  test_center_id: number | null;
  starts_at: Date;
  duration_minutes: number;
  time_zone: string;
  seats: number;
  booked: Generated<number>;
  status: Generated<'scheduled' | 'cancelled'>;
  notes: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SittingExamsTable {
  sitting_id: number;
  exam_id: number;
}

export interface DeliveryProvidersTable {
  id: Generated<number>;
  code: string;
  name: string;
  scheduling_url: string;
  client_code: string;
  passphrase_sealed: string;
  session_timeout_minutes: Generated<number>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProviderExamsTable {
  exam_id: number;
  provider_id: number;
}

export interface VoucherBatchesTable {
  id: Generated<number>;
  name: string;
  discount_percent: number;
  expires_at: Date;
  email_domain: string | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface VoucherBatchExamsTable {
  batch_id: number;
  exam_id: number;
}

export interface VouchersTable {
  id: Generated<number>;
  batch_id: number;
  code: string;
  used_at: Date | null;
  used_by: number | null;
}

export type AppointmentStatus = 'booked' | 'cancelled' | 'completed' | 'no_show';

export interface AppointmentsTable {
  id: Generated<number>;
  user_id: number;
  exam_id: number;
  sitting_id: number | null;
  provider_id: number | null;
  provider_ref: string | null;
  confirmation_number: string;
  calendar_uid: string;
  sequence: Generated<number>;
  status: Generated<AppointmentStatus>;
  starts_at: Date;
  duration_minutes: number;
  time_zone: string;
  location: Generated<string>;
  voucher_id: number | null;
  price_cents: number | null;
  currency: string | null;
  rescheduled_at: Date | null;
  cancelled_at: Date | null;
  attendance_marked_by: number | null;
  attendance_marked_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

// ---------------------------------------------------------------- certificates and name changes

export type CertificateImageType = 'image/png' | 'image/jpeg';

export interface CertificateTemplatesTable {
  id: Generated<number>;
  credential_id: number;
  version: Generated<number>;
  signatory_name: Generated<string>;
  signatory_title: Generated<string>;
  background: Uint8Array | null;
  background_type: CertificateImageType | null;
  logo: Uint8Array | null;
  logo_type: CertificateImageType | null;
  signature: Uint8Array | null;
  signature_type: CertificateImageType | null;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface CertificateRequestsTable {
  id: Generated<number>;
  user_id: number;
  award_id: number;
  paper: 'a4' | 'letter';
  language: string;
  delivery: 'download' | 'email' | 'both';
  template_version: number | null;
  created_at: Generated<Date>;
}

export interface CertificateFilesTable {
  award_id: number;
  paper: 'a4' | 'letter';
  language: string;
  fingerprint: string;
  pdf: Uint8Array;
  created_at: Generated<Date>;
}

export type NameChangeStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface NameChangeRequestsTable {
  id: Generated<number>;
  user_id: number;
  current_given_name: string;
  current_family_name: string;
  requested_given_name: string;
  requested_family_name: string;
  reason: string;
  status: Generated<NameChangeStatus>;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Generated<Date>;
}

export interface NameChangeEventsTable {
  id: Generated<number>;
  request_id: number;
  at: Generated<Date>;
  actor_user_id: number | null;
  kind: 'submitted' | 'approved' | 'rejected' | 'withdrawn';
  note: string | null;
}

// ---------------------------------------------------------------- sharing (credentials feature)

export interface DirectoryListingsTable {
  user_id: number;
  listed_at: Generated<Date>;
}

export interface SharesTable {
  id: Generated<number>;
  user_id: number;
  token_hash: Uint8Array;
  scope: 'awards' | 'transcript';
  include_history: Generated<boolean>;
  recipient_name: string;
  recipient_email: string;
  message: Generated<string>;
  created_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
  first_opened_at: Date | null;
  last_opened_at: Date | null;
  open_count: Generated<number>;
}

export interface ShareAwardsTable {
  share_id: number;
  credential_number: string;
}

export interface ShareViewsTable {
  id: Generated<number>;
  share_id: number;
  at: Generated<Date>;
  user_agent: string | null;
}

export type LogoKind = 'svg' | 'png' | 'eps' | 'zip';

export interface LogoFilesTable {
  id: Generated<number>;
  credential_id: number;
  file_name: string;
  kind: LogoKind;
  file_size: number;
  file: Uint8Array;
  uploaded_by: number | null;
  created_at: Generated<Date>;
}

export interface LogoGuidelinesTable {
  credential_id: number;
  version: number;
  body: string;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface LogoAcceptancesTable {
  user_id: number;
  credential_id: number;
  version: number;
  accepted_at: Generated<Date>;
}

export interface LogoDownloadsTable {
  id: Generated<number>;
  user_id: number;
  credential_id: number;
  logo_file_id: number | null;
  credential_number: string;
  file_name: string;
  guidelines_version: number | null;
  at: Generated<Date>;
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

// ---------------------------------------------------------------- profile (src/features/profile)

export interface ProfileSettingsTable {
  id: number;
  review_interval_months: number | null;
  deletion_award_name: Generated<'keep' | 'remove'>;
  updated_at: Generated<Date>;
}

export interface ProfileContactsTable {
  user_id: number;
  address_line1: string | null;
  address_line2: string | null;
  city: string | null;
  region: string | null;
  postal_code: string | null;
  phone: string | null;
  company: string | null;
  job_title: string | null;
  confirmed_at: Date | null;
  review_prompted_at: Date | null;
  history_salt: string;
  updated_at: Generated<Date>;
}

export interface DemographicQuestionsTable {
  id: Generated<number>;
  prompt: string;
  options: ColumnType<string[], string, string>;
  required: Generated<boolean>;
  position: Generated<number>;
  status: Generated<'active' | 'retired'>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface DemographicAnswersTable {
  user_id: number;
  question_id: number;
  answer: string;
  updated_at: Generated<Date>;
}

export interface NotificationPreferencesTable {
  user_id: number;
  category: 'exam_reminders' | 'expiry_reminders';
  enabled: boolean;
  updated_at: Generated<Date>;
}

export interface DataExportsTable {
  id: Generated<number>;
  user_id: number;
  status: Generated<'queued' | 'ready' | 'failed' | 'expired'>;
  content: Uint8Array | null;
  created_at: Generated<Date>;
  ready_at: Date | null;
  expires_at: Date | null;
}

export interface DeletionRequestsTable {
  id: Generated<number>;
  user_id: number;
  status: Generated<'pending' | 'approved' | 'rejected' | 'cancelled'>;
  reason: string | null;
  requested_at: Generated<Date>;
  decided_by: number | null;
  decided_at: Date | null;
  decision_note: string | null;
}

// Support: tickets, messages, attachments, saved replies, settings, help (features/support)
export type SupportCategory =
  'exam_registration' | 'results' | 'certificates' | 'account' | 'partner_program' | 'other';
export type SupportStatus = 'new' | 'open' | 'waiting_on_candidate' | 'resolved' | 'closed';

export interface SupportTicketsTable {
  id: Generated<number>;
  user_id: number | null;
  requester_name: string | null;
  requester_email: string | null;
  category: SupportCategory;
  subject: string;
  status: Generated<SupportStatus>;
  assignee_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  waiting_since: Date | null;
  closed_at: Date | null;
}

export interface SupportMessagesTable {
  id: Generated<number>;
  ticket_id: number;
  author_id: number | null;
  author_kind: 'requester' | 'agent' | 'system';
  internal: Generated<boolean>;
  body: string;
  created_at: Generated<Date>;
}

export interface SupportAttachmentsTable {
  id: Generated<number>;
  ticket_id: number;
  message_id: number;
  file_name: string;
  content_type: 'application/pdf' | 'image/png' | 'image/jpeg';
  file_size: number;
  file: Uint8Array;
  created_at: Generated<Date>;
}

export interface SupportSavedRepliesTable {
  id: Generated<number>;
  title: string;
  body: string;
  updated_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SupportSettingsTable {
  id: number;
  auto_close_days: Generated<number>;
  updated_at: Generated<Date>;
}

export interface HelpArticlesTable {
  id: Generated<number>;
  slug: string;
  topic: string;
  title: string;
  body: string;
  position: Generated<number>;
  published: Generated<boolean>;
  updated_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
// Support: end

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
  api_keys: ApiKeysTable;
  result_imports: ResultImportsTable;
  result_import_rows: ResultImportRowsTable;
  result_import_problems: ResultImportProblemsTable;
  result_signing_secrets: ResultSigningSecretsTable;
  exam_authorizations: ExamAuthorizationsTable;
  provider_exports: ProviderExportsTable;
  scheduling_settings: SchedulingSettingsTable;
  test_centers: TestCentersTable;
  sittings: SittingsTable;
  sitting_exams: SittingExamsTable;
  delivery_providers: DeliveryProvidersTable;
  provider_exams: ProviderExamsTable;
  voucher_batches: VoucherBatchesTable;
  voucher_batch_exams: VoucherBatchExamsTable;
  vouchers: VouchersTable;
  appointments: AppointmentsTable;
  certificate_templates: CertificateTemplatesTable;
  certificate_requests: CertificateRequestsTable;
  certificate_files: CertificateFilesTable;
  name_change_requests: NameChangeRequestsTable;
  name_change_events: NameChangeEventsTable;
  directory_listings: DirectoryListingsTable;
  shares: SharesTable;
  share_awards: ShareAwardsTable;
  share_views: ShareViewsTable;
  logo_files: LogoFilesTable;
  logo_guidelines: LogoGuidelinesTable;
  logo_acceptances: LogoAcceptancesTable;
  logo_downloads: LogoDownloadsTable;
  issuer_keys: IssuerKeysTable;
  badge_status_entries: BadgeStatusEntriesTable;
  profile_settings: ProfileSettingsTable;
  profile_contacts: ProfileContactsTable;
  demographic_questions: DemographicQuestionsTable;
  demographic_answers: DemographicAnswersTable;
  notification_preferences: NotificationPreferencesTable;
  data_exports: DataExportsTable;
  deletion_requests: DeletionRequestsTable;
  support_tickets: SupportTicketsTable;
  support_messages: SupportMessagesTable;
  support_attachments: SupportAttachmentsTable;
  support_saved_replies: SupportSavedRepliesTable;
  support_settings: SupportSettingsTable;
  help_articles: HelpArticlesTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewOutbox = Insertable<OutboxTable>;
