import zlib from 'node:zlib';
import type { Transaction } from 'kysely';
import type { Config } from '../../config.ts';
import { recordAudit } from '../../platform/audit.ts';
import { publishPrivacyNotice } from '../../platform/bootstrap.ts';
import type { Database } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import { AppError, notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import { translator, type MessageKey, type Params } from '../../platform/i18n/i18n.ts';
import { enqueueJob } from '../../platform/jobs/runner.ts';
import type { MailPolicy, PolicyDecision } from '../../platform/mail/delivery.ts';
import { queueEmail } from '../../platform/mail/outbox.ts';
import type { ProgramInfo, ProgramSettings } from '../../platform/program.ts';
import type { AccountsService } from '../accounts/index.ts';
import { CORE_ERASERS, CORE_SECTIONS, type ExportSection } from './export-data.ts';
import {
  PREFERENCE_CATEGORIES,
  checkUnsubscribeToken,
  isPreferenceCategory,
  unsubscribeToken,
  type PreferenceCategory,
} from './profile-rules.ts';
import * as repo from './profile.repository.ts';
import type { Actor, ProfileService } from './profile.service.ts';

export const EXPORT_DAYS = 7;
export const EXPORT_JOB = 'profile.build-export';
const NOTICE_TTL_MS = 5_000;
const MAX_NOTICE_LENGTH = 100_000;

export const PRIVACY_RATE = {
  exports: { name: 'profile:export', limit: 5, windowSeconds: 86_400 },
  unsubscribeFailures: { name: 'profile:unsubscribe-failures', limit: 30, windowSeconds: 600 },
} satisfies Record<string, RateRule>;

export type Preferences = Record<PreferenceCategory, boolean>;

/** Something another feature erases when an account is deleted, in the approval's transaction. */
export type Eraser = (trx: Transaction<DB>, userId: number) => Promise<void>;

/**
 * The privacy notice and consent, notification preferences and one-click
 * unsubscribe, the data export and account deletion.
 */
export class PrivacyService {
  private readonly sections = new Map<string, ExportSection>(Object.entries(CORE_SECTIONS));
  private readonly erasers: Eraser[] = [...CORE_ERASERS];
  private notice: { version: number | null; at: number } | undefined;
  /** `${userId}:${version}` pairs known to be accepted: only ever true, so safe to cache. */
  private readonly accepted = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly program: ProgramSettings,
    private readonly accounts: AccountsService,
    private readonly profile: ProfileService,
    private readonly limiter: RateLimiter,
  ) {}

  registerExportSection(name: string, section: ExportSection): void {
    this.sections.set(name, section);
  }

  registerEraser(eraser: Eraser): void {
    this.erasers.push(eraser);
  }

  // ---------------------------------------------------------------- notices and consent

  notices() {
    return this.db
      .selectFrom('privacy_notices')
      .select(['version', 'body', 'effective_at', 'created_at'])
      .orderBy('version', 'desc')
      .execute();
  }

  async publishNotice(
    actor: Actor,
    body: string,
    effectiveAt: Date | null,
  ): Promise<{ problems: FieldProblem[] } | { version: number }> {
    const text = body.replace(/\r\n/g, '\n').trim();
    const problems: FieldProblem[] = [];
    if (!text) problems.push({ field: 'body', messageKey: 'profile.v.noticeRequired' });
    else if (text.length > MAX_NOTICE_LENGTH)
      problems.push({
        field: 'body',
        messageKey: 'profile.v.tooLong',
        params: { max: MAX_NOTICE_LENGTH },
      });
    if (effectiveAt === null)
      problems.push({ field: 'effectiveOn', messageKey: 'profile.v.effectiveDate' });
    if (problems.length > 0) return { problems };
    const version = await publishPrivacyNotice(this.db, text, effectiveAt!);
    await recordAudit(this.db, {
      actorUserId: actor.userId,
      action: 'profile.privacy_notice_published',
      subjectType: 'privacy_notice',
      subjectId: version,
      details: { effectiveAt: effectiveAt!.toISOString() },
      ip: actor.ip,
    });
    this.notice = undefined;
    return { version };
  }

  /** The version in force now (cached for a few seconds: every signed-in request asks). */
  async currentVersion(): Promise<number | null> {
    if (this.notice && Date.now() - this.notice.at < NOTICE_TTL_MS) return this.notice.version;
    const notice = await this.accounts.currentPrivacyNotice();
    this.notice = { version: notice?.version ?? null, at: Date.now() };
    return this.notice.version;
  }

  /** The version the person must accept before going on, or null. */
  async mustAccept(userId: number): Promise<number | null> {
    const version = await this.currentVersion();
    if (version === null) return null;
    const key = `${userId}:${version}`;
    if (this.accepted.has(key)) return null;
    const acceptedVersion = await this.accounts.acceptedPrivacyNoticeVersion(this.db, userId);
    if (acceptedVersion !== null && acceptedVersion >= version) {
      if (this.accepted.size > 50_000) this.accepted.clear();
      this.accepted.add(key);
      return null;
    }
    return version;
  }

  async accept(actor: Actor, version: number): Promise<boolean> {
    const current = await this.accounts.currentPrivacyNotice();
    if (!current || current.version !== version) return false;
    await this.db.transaction().execute(async (trx) => {
      await this.accounts.recordPrivacyNoticeAcceptance(trx, actor.userId, version);
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.privacy_notice_accepted',
        subjectType: 'user',
        subjectId: actor.userId,
        details: { version },
        ip: actor.ip,
      });
    });
    return true;
  }

  consentHistory(userId: number) {
    return this.accounts.consentHistory(this.db, userId);
  }

  // ---------------------------------------------------------------- preferences and unsubscribe

  async preferences(userId: number): Promise<Preferences> {
    const account = await this.accounts.profileAccount(this.db, userId);
    const rows = await repo.preferences(this.db, userId);
    const stored = new Map(rows.map((r) => [r.category, r.enabled]));
    return {
      exam_reminders: stored.get('exam_reminders') ?? true,
      expiry_reminders: stored.get('expiry_reminders') ?? true,
      // Program news is marketing: it follows the marketing opt-in, off unless given.
      program_news: account.marketingOptIn,
    };
  }

  async setPreferences(actor: Actor, userId: number, next: Preferences, via = 'preferences') {
    const before = await this.preferences(userId);
    const changed = PREFERENCE_CATEGORIES.filter((c) => before[c] !== next[c]);
    if (changed.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const category of changed) {
        if (category === 'program_news') {
          await this.accounts.setMarketingOptIn(trx, userId, next.program_news);
        } else {
          await repo.setPreference(trx, userId, category, next[category]);
        }
      }
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.preferences_changed',
        subjectType: 'user',
        subjectId: userId,
        details: { via, ...Object.fromEntries(changed.map((c) => [c, next[c]])) },
        ip: actor.ip,
      });
    });
  }

  unsubscribeUrl(userId: number, category: PreferenceCategory): string {
    const token = unsubscribeToken(this.config.secretKey, userId, category);
    return `${this.config.publicUrl}/unsubscribe/${userId}/${category}/${token}`;
  }

  /** Whether a link is genuine (the GET page asks only then). */
  isValidUnsubscribe(userId: number, category: string, token: string): boolean {
    return (
      isPreferenceCategory(category) &&
      checkUnsubscribeToken(this.config.secretKey, userId, category, token)
    );
  }

  /** One-click unsubscribe: the token is the proof, no session needed. False for a bad link. */
  async unsubscribe(userId: number, category: string, token: string, ip: string): Promise<boolean> {
    // Only failures count against an address: mail providers send every one-click POST of
    // their users from a few addresses, and a genuine link must always work.
    await this.limiter.check(PRIVACY_RATE.unsubscribeFailures, ip);
    if (!this.isValidUnsubscribe(userId, category, token) || !isPreferenceCategory(category)) {
      await this.limiter.consume(PRIVACY_RATE.unsubscribeFailures, ip);
      return false;
    }
    const exists = await this.db
      .selectFrom('users')
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!exists) return false;
    const prefs = await this.preferences(userId);
    await this.setPreferences(
      { userId, ip },
      userId,
      { ...prefs, [category]: false },
      'unsubscribe',
    );
    return true;
  }

  /** Installed on the mail delivery: preferences decide at delivery time. */
  readonly mailPolicy: MailPolicy = async (mail): Promise<PolicyDecision> => {
    if (!isPreferenceCategory(mail.category)) return { send: true };
    if (mail.userId === null) return { send: true };
    const row = await repo.mailPreferenceOf(this.db, mail.userId, mail.category);
    if (!row || row.status !== 'active')
      return { send: false, reason: 'not sent: the account is closed' };
    const enabled = mail.category === 'program_news' ? row.marketing_opt_in : (row.enabled ?? true);
    if (!enabled)
      return { send: false, reason: `not sent: the person turned off ${mail.category}` };
    return { send: true, unsubscribeUrl: this.unsubscribeUrl(mail.userId, mail.category) };
  };

  // ---------------------------------------------------------------- data export

  exportsOf(userId: number) {
    return repo.exportsOf(this.db, userId);
  }

  async requestExport(actor: Actor): Promise<number> {
    await this.limiter.consume(PRIVACY_RATE.exports, String(actor.userId));
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertExport(trx, actor.userId);
      await enqueueJob(trx, EXPORT_JOB, { exportId: id }, { maxAttempts: 3 });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.export_requested',
        subjectType: 'user',
        subjectId: actor.userId,
        details: { exportId: id },
        ip: actor.ip,
      });
      return id;
    });
  }

  /** Everything Laurel holds about one person, as one JSON-ready object. */
  async buildExport(userId: number): Promise<Record<string, unknown>> {
    const contact = await this.profile.contact(userId);
    const questions = await this.profile.questions(false);
    const answers = await this.profile.answers(userId);
    const history = await this.profile.history(userId, 10_000);
    const preferences = await this.preferences(userId);
    const data: Record<string, unknown> = {
      format: 'laurel-personal-data-export/1',
      generatedAt: new Date().toISOString(),
      program: (await this.program.get()).name,
      contact: contact.contact,
      contactConfirmedAt: contact.confirmedAt,
      demographics: questions
        .filter((q) => answers.has(q.id))
        .map((q) => ({ question: q.prompt, answer: answers.get(q.id) })),
      notificationPreferences: preferences,
      profileHistory: history,
    };
    await this.db.transaction().execute(async (trx) => {
      data.account = await this.accounts.exportAccount(trx, userId);
      data.deletionRequests = await trx
        .selectFrom('deletion_requests')
        .select(['status', 'reason', 'requested_at as requestedAt', 'decided_at as decidedAt'])
        .where('user_id', '=', userId)
        .execute();
      for (const [name, section] of this.sections) data[name] = await section(trx, userId);
    });
    return data;
  }

  async runExport(payload: { exportId: number }): Promise<void> {
    const row = await repo.exportRow(this.db, payload.exportId);
    if (!row || row.status !== 'queued') return;
    const data = await this.buildExport(row.user_id);
    const content = zlib.gzipSync(Buffer.from(JSON.stringify(data, null, 2), 'utf8'));
    const expiresAt = new Date(Date.now() + EXPORT_DAYS * 86_400_000);
    const account = await this.accounts.profileAccount(this.db, row.user_id);
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      await repo.finishExport(trx, row.id, { status: 'ready', content, expiresAt });
      await this.mail(trx, program, account, {
        template: 'profile.export-ready',
        subject: 'profile.mail.exportSubject',
        body: [['profile.mail.exportBody', { days: EXPORT_DAYS }]],
        action: {
          label: 'profile.mail.exportAction',
          url: `${this.config.publicUrl}/privacy/exports/${row.id}`,
        },
      });
    });
  }

  /** The export file for its owner while it has not expired; 404 for anyone else. */
  async download(userId: number, id: number): Promise<{ filename: string; json: Buffer }> {
    const row = await repo.exportRow(this.db, id);
    if (
      !row ||
      row.user_id !== userId ||
      row.status !== 'ready' ||
      !row.content ||
      !row.expires_at ||
      row.expires_at <= new Date()
    )
      throw notFound();
    const account = await this.accounts.profileAccount(this.db, userId);
    return {
      filename: `personal-data-${account.candidateNumber}-${row.id}.json`,
      json: zlib.gunzipSync(row.content),
    };
  }

  expireExports(): Promise<number> {
    return repo.expireExports(this.db);
  }

  // ---------------------------------------------------------------- deletion

  pendingDeletion(userId: number) {
    return repo.pendingDeletion(this.db, userId);
  }

  async requestDeletion(actor: Actor, reason: string): Promise<void> {
    const text = reason.trim().slice(0, 2000) || null;
    if (await repo.pendingDeletion(this.db, actor.userId)) return;
    await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertDeletionRequest(trx, actor.userId, text);
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.deletion_requested',
        subjectType: 'user',
        subjectId: actor.userId,
        details: { requestId: id },
        ip: actor.ip,
      });
    });
  }

  async cancelDeletion(actor: Actor): Promise<void> {
    const pending = await repo.pendingDeletion(this.db, actor.userId);
    if (!pending) return;
    await this.db.transaction().execute(async (trx) => {
      await repo.decideDeletion(trx, pending.id, {
        status: 'cancelled',
        decidedBy: actor.userId,
        note: null,
        eraseReason: false,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.deletion_cancelled',
        subjectType: 'user',
        subjectId: actor.userId,
        details: { requestId: pending.id },
        ip: actor.ip,
      });
    });
  }

  deletionRequests(status: 'pending' | 'decided') {
    return repo.deletionRequests(this.db, status);
  }

  /**
   * Support approves or rejects. Approval erases the person's personal data
   * in one transaction (see docs/privacy.md for what is kept and why) and
   * tells them at their address before it is erased.
   */
  async decideDeletion(
    actor: Actor,
    requestId: number,
    decision: 'approve' | 'reject',
    note: string,
  ): Promise<void> {
    const settings = await this.profile.settings();
    const program = await this.program.get();
    const trimmedNote = note.trim().slice(0, 2000) || null;
    if (decision === 'approve') {
      // Erasing an account takes its roles away: only an admin may erase a staff account.
      const userId = await repo.deletionRequestUser(this.db, requestId);
      if (userId === undefined) throw notFound();
      const target = await this.accounts.accountSummary(userId);
      if (target.roles.length > 0 && !actor.roles?.includes('admin')) {
        throw new AppError('DELETION_STAFF', 403, 'profile.deletion.staffNeedsAdmin');
      }
    }
    await this.db.transaction().execute(async (trx) => {
      const request = await repo.deletionRequestForUpdate(trx, requestId);
      if (!request) throw notFound();
      if (request.status !== 'pending')
        throw new AppError('DELETION_DECIDED', 409, 'profile.deletion.alreadyDecided');
      if (request.user_id === actor.userId)
        throw new AppError('DELETION_OWN', 403, 'profile.deletion.notOwn');
      const account = await this.accounts.profileAccount(trx, request.user_id);
      if (decision === 'reject') {
        await repo.decideDeletion(trx, requestId, {
          status: 'rejected',
          decidedBy: actor.userId,
          note: trimmedNote,
          eraseReason: false,
        });
        await recordAudit(trx, {
          actorUserId: actor.userId,
          action: 'profile.deletion_rejected',
          subjectType: 'user',
          subjectId: request.user_id,
          details: { requestId },
          reason: trimmedNote,
          ip: actor.ip,
        });
        await this.mail(trx, program, account, {
          template: 'profile.deletion-rejected',
          subject: 'profile.mail.deletionRejectedSubject',
          body: [['profile.mail.deletionRejectedBody', { note: trimmedNote ?? '—' }]],
        });
        return;
      }
      const keepName = settings.deletionAwardName === 'keep';
      await repo.eraseProfileData(trx, request.user_id);
      for (const erase of this.erasers) await erase(trx, request.user_id);
      await repo.scrubOutbox(trx, request.user_id);
      await this.accounts.anonymizeUser(trx, request.user_id, { keepName });
      await repo.decideDeletion(trx, requestId, {
        status: 'approved',
        decidedBy: actor.userId,
        note: trimmedNote,
        eraseReason: true,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.account_erased',
        subjectType: 'user',
        subjectId: request.user_id,
        details: {
          requestId,
          candidateNumber: account.candidateNumber,
          awardName: keepName ? 'kept' : 'removed',
        },
        reason: trimmedNote,
        ip: actor.ip,
      });
      // Told at the address it had; this one message is not linked to the account any more.
      await this.mail(
        trx,
        program,
        { ...account, id: null },
        {
          template: 'profile.account-erased',
          subject: 'profile.mail.erasedSubject',
          body: [['profile.mail.erasedBody', { number: account.candidateNumber }]],
        },
      );
    });
  }

  private async mail(
    trx: Transaction<DB>,
    program: ProgramInfo,
    to: { id: number | null; email: string; givenName: string; locale: string },
    mail: {
      template: string;
      subject: MessageKey;
      body: [MessageKey, Params?][];
      action?: { label: MessageKey; url: string };
    },
  ): Promise<void> {
    const t = translator(to.locale);
    await queueEmail(trx, program, {
      to: to.email,
      toName: to.givenName,
      userId: to.id,
      template: mail.template,
      category: 'transactional',
      content: {
        subject: t(mail.subject, { program: program.name }),
        greeting: t('mail.greeting', { name: to.givenName }),
        paragraphs: mail.body.map(([key, params]) => t(key, { program: program.name, ...params })),
        ...(mail.action ? { action: { label: t(mail.action.label), url: mail.action.url } } : {}),
      },
      footer: {
        sentBy: t('mail.sentBy', { program: program.name }),
        help: t('mail.help', { email: program.supportEmail }),
      },
    });
  }
}
