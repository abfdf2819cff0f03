import type { Config } from '../../config.ts';
import { recordAudit } from '../../platform/audit.ts';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import { STAFF_ROLES, type Principal } from '../../platform/auth/session.ts';
import {
  decryptSecret,
  encryptSecret,
  hashToken,
  randomToken,
} from '../../platform/auth/tokens.ts';
import type { Database } from '../../platform/db/database.ts';
import type { DB, Role } from '../../platform/db/schema.ts';
import type { Transaction } from 'kysely';
import { AppError, ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import type { RateLimiter, RateRule } from '../../platform/http/rate-limit.ts';
import { enqueueJob } from '../../platform/jobs/runner.ts';
import type { ProgramSettings } from '../../platform/program.ts';
import { formatDateTime, isValidTimeZone } from '../../platform/i18n/i18n.ts';
import {
  checkCountry,
  checkEmail,
  checkName,
  checkUsername,
  emailDomain,
  normalizeEmail,
} from './account-rules.ts';
import { sendAccountEmail, type Recipient } from './accounts.emails.ts';
import * as repo from './accounts.repository.ts';
import { checkPassword, MIN_LENGTH_SINGLE_FACTOR } from './password-policy.ts';
import {
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  qrSvg,
  totpUri,
  verifyTotp,
} from './totp.ts';

export const RATE = {
  signInAccount: { name: 'sign-in:account', limit: 10, windowSeconds: 900 },
  signInAddress: { name: 'sign-in:address', limit: 50, windowSeconds: 900 },
  secondFactor: { name: 'second-factor:account', limit: 10, windowSeconds: 900 },
  recoveryAddress: { name: 'recovery:address', limit: 10, windowSeconds: 3600 },
  recoveryTarget: { name: 'recovery:target', limit: 5, windowSeconds: 3600 },
  registerAddress: { name: 'register:address', limit: 10, windowSeconds: 3600 },
  resendAddress: { name: 'resend:address', limit: 10, windowSeconds: 3600 },
  reauth: { name: 'reauth:account', limit: 10, windowSeconds: 900 },
} satisfies Record<string, RateRule>;

const VERIFY_EMAIL_HOURS = 24;
const RESET_PASSWORD_MINUTES = 60;
const CHANGE_EMAIL_HOURS = 24;
const TOTP_PURPOSE = 'totp-secret';

export type PartnerLookup = (domain: string) => Promise<{ name: string } | null>;

export interface RegistrationInput {
  username: string;
  email: string;
  givenName: string;
  familyName: string;
  country: string;
  password: string;
  acceptPrivacy: boolean;
  marketing: boolean;
  locale: string;
  /** The browser's IANA time zone, when its script could tell us. */
  timeZone?: string | undefined;
}

export type RegistrationOutcome =
  | { kind: 'registered' }
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'partner'; organization: string }
  | { kind: 'closed' };

export type SignInOutcome =
  | { kind: 'signed-in'; userId: number; secondFactor: boolean }
  | { kind: 'failed' }
  | { kind: 'unconfirmed' };

export interface NewAccount {
  username: string;
  email: string;
  givenName: string;
  familyName: string;
  country: string;
  password: string | null;
  roles?: Role[];
  emailVerified?: boolean;
  totpSecret?: string;
  acceptPrivacy?: boolean;
  locale?: string;
}

/** Rules of accounts: registration, sign-in, recovery, two-factor, email and roles. */
export class AccountsService {
  /** Replaced by the partners feature; until then nobody is a partner employee. */
  partnerLookup: PartnerLookup = async () => null;

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly program: ProgramSettings,
    private readonly limiter: RateLimiter,
  ) {}

  private url(path: string): string {
    return `${this.config.publicUrl}${path}`;
  }

  private async programNames(): Promise<string[]> {
    const p = await this.program.get();
    return [p.name, p.shortName];
  }

  // ---------------------------------------------------------------- registration

  async currentPrivacyNotice() {
    return repo.currentPrivacyNotice(this.db);
  }

  async register(input: RegistrationInput, ip: string): Promise<RegistrationOutcome> {
    await this.limiter.consume(RATE.registerAddress, ip);
    const notice = await repo.currentPrivacyNotice(this.db);
    if (!notice) return { kind: 'closed' };
    const email = normalizeEmail(input.email);
    const username = input.username.trim();
    const problems: FieldProblem[] = [
      ...checkUsername(username),
      ...checkEmail(email),
      ...checkName(input.givenName, 'givenName'),
      ...checkName(input.familyName, 'familyName'),
      ...checkCountry(input.country),
      ...checkPassword(input.password, {
        username,
        programNames: await this.programNames(),
        hasSecondFactor: false,
      }),
    ];
    if (!input.acceptPrivacy)
      problems.push({ field: 'acceptPrivacy', messageKey: 'validation.privacyRequired' });
    if (
      !problems.some((p) => p.field === 'username') &&
      (await repo.usernameExists(this.db, username))
    ) {
      problems.push({ field: 'username', messageKey: 'validation.usernameTaken' });
    }
    if (problems.length > 0) return { kind: 'invalid', problems };

    const partner = await this.partnerLookup(emailDomain(email));
    if (partner) return { kind: 'partner', organization: partner.name };

    const program = await this.program.get();
    const existing = await repo.findUserByEmail(this.db, email);
    if (existing) {
      // Same answer as a new registration; the owner of the address is told instead.
      await sendAccountEmail(this.db, program, recipient(existing), {
        template: 'accounts.existing-account',
        subject: 'mail.existing.subject',
        body: [['mail.existing.body', { username: existing.username }]],
        action: { label: 'mail.existing.action', url: this.url('/forgot-password') },
        after: [['mail.existing.ignore']],
      });
      return { kind: 'registered' };
    }

    const passwordHash = await hashPassword(input.password);
    try {
      await this.db.transaction().execute(async (trx) => {
        const userId = await repo.insertUser(trx, {
          candidateNumber: await repo.nextCandidateNumber(trx, program.candidateIdPrefix),
          username,
          email,
          givenName: input.givenName.trim(),
          familyName: input.familyName.trim(),
          country: input.country,
          passwordHash,
          emailVerified: false,
          marketingOptIn: input.marketing,
          locale: input.locale,
          timeZone: input.timeZone && isValidTimeZone(input.timeZone) ? input.timeZone : 'UTC',
        });
        await repo.insertConsent(trx, {
          userId,
          kind: 'privacy_notice',
          version: notice.version,
          granted: true,
        });
        await repo.insertConsent(trx, {
          userId,
          kind: 'marketing',
          version: null,
          granted: input.marketing,
        });
        await recordAudit(trx, {
          actorUserId: userId,
          action: 'accounts.registered',
          subjectType: 'user',
          subjectId: userId,
          details: { privacyNoticeVersion: notice.version, marketing: input.marketing },
          ip,
        });
        await this.sendVerification(trx, program, {
          userId,
          email,
          name: input.givenName.trim(),
          locale: input.locale,
        });
      });
    } catch (error) {
      // Two people racing for one username or address: the loser gets a field error.
      if (isUniqueViolation(error, 'users_username_lower_key')) {
        return {
          kind: 'invalid',
          problems: [{ field: 'username', messageKey: 'validation.usernameTaken' }],
        };
      }
      if (isUniqueViolation(error, 'users_email_lower_key')) return { kind: 'registered' };
      throw error;
    }
    return { kind: 'registered' };
  }

  /**
   * The program is read by the caller before its transaction opens: on the
   * embedded database a read through `this.db` inside it would wait forever.
   */
  private async sendVerification(
    trx: repo.Executor,
    program: Awaited<ReturnType<ProgramSettings['get']>>,
    to: Recipient & { userId: number },
  ): Promise<void> {
    await repo.retireTokens(trx, to.userId, 'verify_email');
    const token = randomToken();
    await repo.insertToken(trx, {
      hash: hashToken(token),
      userId: to.userId,
      purpose: 'verify_email',
      expiresAt: new Date(Date.now() + VERIFY_EMAIL_HOURS * 3_600_000),
    });
    await sendAccountEmail(trx, program, to, {
      template: 'accounts.verify-email',
      subject: 'mail.verify.subject',
      body: [['mail.verify.body']],
      action: { label: 'mail.verify.action', url: this.url(`/confirm-email?token=${token}`) },
      after: [['mail.verify.ignore']],
    });
  }

  async isLiveToken(token: string, purpose: 'verify_email' | 'reset_password' | 'change_email') {
    if (!token || token.length > 100) return undefined;
    return repo.findLiveToken(this.db, hashToken(token), purpose);
  }

  async confirmEmail(token: string): Promise<boolean> {
    if (!token || token.length > 100) return false;
    return this.db.transaction().execute(async (trx) => {
      const live = await repo.findLiveToken(trx, hashToken(token), 'verify_email', true);
      if (!live || !(await repo.useToken(trx, live.id))) return false;
      await repo.updateUser(trx, live.user_id, { email_verified_at: new Date() });
      await recordAudit(trx, {
        actorUserId: live.user_id,
        action: 'accounts.email_confirmed',
        subjectType: 'user',
        subjectId: live.user_id,
      });
      return true;
    });
  }

  /** Same answer whatever the address; the work happens in a job so the timing is the same too. */
  async requestNewConfirmation(email: string, ip: string): Promise<void> {
    await this.limiter.consume(RATE.resendAddress, ip);
    const value = normalizeEmail(email);
    if (checkEmail(value).length > 0) return;
    await this.limiter.consume(RATE.recoveryTarget, `resend:${value}`);
    await enqueueJob(this.db, 'accounts.resend-confirmation', { email: value });
  }

  async runResendConfirmation(payload: { email: string }): Promise<void> {
    const user = await repo.findUserByEmail(this.db, payload.email);
    if (!user || user.email_verified_at || user.status !== 'active') return;
    const program = await this.program.get();
    await this.db.transaction().execute((trx) =>
      this.sendVerification(trx, program, {
        userId: user.id,
        email: user.email,
        name: user.given_name,
        locale: user.locale,
      }),
    );
  }

  // ---------------------------------------------------------------- sign in

  async signIn(identifier: string, password: string, ip: string): Promise<SignInOutcome> {
    const name = identifier.trim().toLowerCase();
    await this.limiter.check(RATE.signInAddress, ip);
    const user = name ? await repo.findUserByUsernameOrEmail(this.db, name) : undefined;
    // Count per account, not per name typed: the username and the email share one limit.
    const subject = user ? `user:${user.id}` : `name:${name}`;
    await this.limiter.check(RATE.signInAccount, subject);
    // Unknown users still cost a hash, so the answer takes as long as a wrong password.
    const ok = await verifyPassword(
      user?.status === 'active' ? user.password_hash : null,
      password,
    );
    if (!user || !ok) {
      await this.limiter.consume(RATE.signInAddress, ip);
      await this.limiter.consume(RATE.signInAccount, subject);
      if (user) {
        await recordAudit(this.db, {
          actorUserId: null,
          action: 'accounts.sign_in_failed',
          subjectType: 'user',
          subjectId: user.id,
          ip,
        });
      }
      return { kind: 'failed' };
    }
    if (!user.email_verified_at) return { kind: 'unconfirmed' };
    await this.limiter.reset(RATE.signInAccount, subject);
    return { kind: 'signed-in', userId: user.id, secondFactor: user.totp_enabled_at !== null };
  }

  async verifySecondFactor(
    userId: number,
    code: string,
  ): Promise<{ ok: true; recoveryCodesLeft: number | null } | { ok: false }> {
    await this.limiter.consume(RATE.secondFactor, `user:${userId}`);
    const user = await repo.findUserById(this.db, userId);
    if (!user || !user.totp_secret || !user.totp_enabled_at) return { ok: false };
    if (looksLikeRecoveryCode(code)) {
      const used = await repo.useRecoveryCode(
        this.db,
        userId,
        hashToken(normalizeRecoveryCode(code)),
      );
      if (!used) return { ok: false };
      await recordAudit(this.db, {
        actorUserId: userId,
        action: 'accounts.recovery_code_used',
        subjectType: 'user',
        subjectId: userId,
      });
      await this.limiter.reset(RATE.secondFactor, `user:${userId}`);
      return { ok: true, recoveryCodesLeft: await repo.countRecoveryCodes(this.db, userId) };
    }
    const secret = decryptSecret(this.config.secretKey, TOTP_PURPOSE, user.totp_secret);
    const step = verifyTotp(secret, code);
    if (step === null || !(await repo.advanceTotpStep(this.db, userId, step))) return { ok: false };
    await this.limiter.reset(RATE.secondFactor, `user:${userId}`);
    return { ok: true, recoveryCodesLeft: null };
  }

  // ---------------------------------------------------------------- recovery

  async requestUsernameReminder(email: string, ip: string): Promise<void> {
    await this.limiter.consume(RATE.recoveryAddress, ip);
    const value = normalizeEmail(email);
    if (checkEmail(value).length > 0) return;
    await this.limiter.consume(RATE.recoveryTarget, `username:${value}`);
    await enqueueJob(this.db, 'accounts.send-username', { email: value });
  }

  async runSendUsername(payload: { email: string }): Promise<void> {
    const user = await repo.findUserByEmail(this.db, payload.email);
    if (!user || user.status !== 'active') return;
    await sendAccountEmail(this.db, await this.program.get(), recipient(user), {
      template: 'accounts.username-reminder',
      subject: 'mail.username.subject',
      body: [['mail.username.body', { usernames: user.username }]],
      action: { label: 'mail.username.action', url: this.url('/sign-in') },
    });
  }

  async requestPasswordReset(identifier: string, ip: string): Promise<void> {
    await this.limiter.consume(RATE.recoveryAddress, ip);
    const value = identifier.trim();
    if (!value || value.length > 254) return;
    await this.limiter.consume(RATE.recoveryTarget, `reset:${value}`);
    await enqueueJob(this.db, 'accounts.send-password-reset', { identifier: value });
  }

  async runSendPasswordReset(payload: { identifier: string }): Promise<void> {
    const user = await repo.findUserByUsernameOrEmail(this.db, payload.identifier);
    if (!user || user.status !== 'active') return;
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      await repo.retireTokens(trx, user.id, 'reset_password');
      const token = randomToken();
      await repo.insertToken(trx, {
        hash: hashToken(token),
        userId: user.id,
        purpose: 'reset_password',
        expiresAt: new Date(Date.now() + RESET_PASSWORD_MINUTES * 60_000),
      });
      await sendAccountEmail(trx, program, recipient(user), {
        template: 'accounts.password-reset',
        subject: 'mail.reset.subject',
        body: [['mail.reset.body', { username: user.username }]],
        action: { label: 'mail.reset.action', url: this.url(`/reset-password?token=${token}`) },
        after: [['mail.reset.ignore']],
      });
    });
  }

  async resetInfo(
    token: string,
  ): Promise<{ username: string; hasSecondFactor: boolean } | undefined> {
    const live = await this.isLiveToken(token, 'reset_password');
    if (!live) return undefined;
    const user = await repo.findUserById(this.db, live.user_id);
    if (!user || user.status !== 'active') return undefined;
    return { username: user.username, hasSecondFactor: user.totp_enabled_at !== null };
  }

  /**
   * Sets a new password from a reset link: the link works once, every session
   * ends, and the person must sign in again (with two-factor, if they use it).
   */
  async resetPassword(
    token: string,
    password: string,
    confirm: string,
  ): Promise<
    { kind: 'done' } | { kind: 'invalid-token' } | { kind: 'invalid'; problems: FieldProblem[] }
  > {
    const info = await this.resetInfo(token);
    if (!info) return { kind: 'invalid-token' };
    const problems = checkPassword(password, {
      username: info.username,
      programNames: await this.programNames(),
      hasSecondFactor: info.hasSecondFactor,
    });
    if (problems.length === 0 && password !== confirm) {
      problems.push({ field: 'confirmPassword', messageKey: 'validation.passwordMismatch' });
    }
    if (problems.length > 0) return { kind: 'invalid', problems };
    const passwordHash = await hashPassword(password);
    const program = await this.program.get();
    const done = await this.db.transaction().execute(async (trx) => {
      const live = await repo.findLiveToken(trx, hashToken(token), 'reset_password', true);
      if (!live || !(await repo.useToken(trx, live.id))) return false;
      const user = await repo.findUserByIdForUpdate(trx, live.user_id);
      if (!user) return false;
      await repo.updateUser(trx, user.id, {
        password_hash: passwordHash,
        password_changed_at: new Date(),
        // The link proved the address belongs to them.
        ...(user.email_verified_at ? {} : { email_verified_at: new Date() }),
      });
      await repo.deleteSessions(trx, user.id);
      await recordAudit(trx, {
        actorUserId: user.id,
        action: 'accounts.password_reset',
        subjectType: 'user',
        subjectId: user.id,
      });
      await this.sendPasswordChanged(trx, program, user);
      return true;
    });
    return done ? { kind: 'done' } : { kind: 'invalid-token' };
  }

  private async sendPasswordChanged(
    trx: repo.Executor,
    program: Awaited<ReturnType<ProgramSettings['get']>>,
    user: NonNullable<Awaited<ReturnType<typeof repo.findUserById>>>,
  ): Promise<void> {
    await sendAccountEmail(trx, program, recipient(user), {
      template: 'accounts.password-changed',
      subject: 'mail.passwordChanged.subject',
      body: [
        [
          'mail.passwordChanged.body',
          {
            username: user.username,
            date: formatDateTime(new Date(), { locale: user.locale, timeZone: user.time_zone }),
          },
        ],
      ],
      after: [['mail.passwordChanged.warn']],
    });
  }

  // ---------------------------------------------------------------- signed-in changes

  /** Re-authentication for sensitive changes: the current password, rate limited. */
  private async checkCurrentPassword(userId: number, password: string): Promise<boolean> {
    await this.limiter.check(RATE.reauth, `user:${userId}`);
    const user = await repo.findUserById(this.db, userId);
    const ok = await verifyPassword(user?.password_hash, password);
    if (!ok) await this.limiter.consume(RATE.reauth, `user:${userId}`);
    return ok;
  }

  async changePassword(
    principal: Principal,
    input: { currentPassword: string; newPassword: string; confirmPassword: string },
  ): Promise<FieldProblem[]> {
    if (!input.currentPassword)
      return [{ field: 'currentPassword', messageKey: 'validation.passwordRequired' }];
    if (!(await this.checkCurrentPassword(principal.userId, input.currentPassword))) {
      return [{ field: 'currentPassword', messageKey: 'validation.currentPasswordWrong' }];
    }
    const problems = checkPassword(
      input.newPassword,
      {
        username: principal.username,
        programNames: await this.programNames(),
        hasSecondFactor: principal.twoFactorEnabled,
      },
      'newPassword',
    );
    if (problems.length === 0 && input.newPassword !== input.confirmPassword) {
      problems.push({ field: 'confirmPassword', messageKey: 'validation.passwordMismatch' });
    }
    if (problems.length > 0) return problems;
    const passwordHash = await hashPassword(input.newPassword);
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByIdForUpdate(trx, principal.userId);
      if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
      await repo.updateUser(trx, user.id, {
        password_hash: passwordHash,
        password_changed_at: new Date(),
      });
      await repo.deleteSessions(trx, user.id, principal.sessionId);
      await recordAudit(trx, {
        actorUserId: user.id,
        action: 'accounts.password_changed',
        subjectType: 'user',
        subjectId: user.id,
      });
      await this.sendPasswordChanged(trx, program, user);
    });
    return [];
  }

  async requestEmailChange(
    principal: Principal,
    input: { currentPassword: string; newEmail: string },
  ): Promise<FieldProblem[]> {
    const newEmail = normalizeEmail(input.newEmail);
    const problems = checkEmail(newEmail, 'newEmail');
    if (!input.currentPassword)
      problems.push({ field: 'currentPassword', messageKey: 'validation.passwordRequired' });
    if (problems.length > 0) return problems;
    if (newEmail.toLowerCase() === principal.email.toLowerCase()) {
      return [{ field: 'newEmail', messageKey: 'validation.sameEmail' }];
    }
    if (!(await this.checkCurrentPassword(principal.userId, input.currentPassword))) {
      return [{ field: 'currentPassword', messageKey: 'validation.currentPasswordWrong' }];
    }
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByIdForUpdate(trx, principal.userId);
      if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
      await repo.retireTokens(trx, user.id, 'change_email');
      const token = randomToken();
      await repo.insertToken(trx, {
        hash: hashToken(token),
        userId: user.id,
        purpose: 'change_email',
        expiresAt: new Date(Date.now() + CHANGE_EMAIL_HOURS * 3_600_000),
        newEmail,
      });
      await sendAccountEmail(
        trx,
        program,
        { ...recipient(user), email: newEmail },
        {
          template: 'accounts.change-email-confirm',
          subject: 'mail.changeEmail.subject',
          body: [['mail.changeEmail.body', { username: user.username }]],
          action: {
            label: 'mail.changeEmail.action',
            url: this.url(`/confirm-email-change?token=${token}`),
          },
        },
      );
      await sendAccountEmail(trx, program, recipient(user), {
        template: 'accounts.change-email-requested',
        subject: 'mail.emailChangeRequested.subject',
        body: [['mail.emailChangeRequested.body', { username: user.username, email: newEmail }]],
        after: [['mail.notYou']],
      });
      await recordAudit(trx, {
        actorUserId: user.id,
        action: 'accounts.email_change_requested',
        subjectType: 'user',
        subjectId: user.id,
      });
    });
    return [];
  }

  async emailChangeInfo(
    token: string,
  ): Promise<{ username: string; newEmail: string } | undefined> {
    const live = await this.isLiveToken(token, 'change_email');
    if (!live || !live.new_email) return undefined;
    const user = await repo.findUserById(this.db, live.user_id);
    return user ? { username: user.username, newEmail: live.new_email } : undefined;
  }

  async confirmEmailChange(token: string): Promise<'changed' | 'invalid' | 'taken'> {
    if (!token || token.length > 100) return 'invalid';
    const program = await this.program.get();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const live = await repo.findLiveToken(trx, hashToken(token), 'change_email', true);
        if (!live || !live.new_email || !(await repo.useToken(trx, live.id)))
          return 'invalid' as const;
        const user = await repo.findUserByIdForUpdate(trx, live.user_id);
        if (!user) return 'invalid' as const;
        const taken = await repo.findUserByEmail(trx, live.new_email);
        if (taken && taken.id !== user.id) return 'taken' as const;
        await repo.updateUser(trx, user.id, {
          email: live.new_email,
          email_verified_at: new Date(),
        });
        await recordAudit(trx, {
          actorUserId: user.id,
          action: 'accounts.email_changed',
          subjectType: 'user',
          subjectId: user.id,
          details: { from: maskEmail(user.email), to: maskEmail(live.new_email) },
        });
        for (const address of [user.email, live.new_email]) {
          await sendAccountEmail(
            trx,
            program,
            { ...recipient(user), email: address },
            {
              template: 'accounts.email-changed',
              subject: 'mail.emailChanged.subject',
              body: [
                ['mail.emailChanged.body', { username: user.username, email: live.new_email }],
              ],
              after: [['mail.notYou']],
            },
          );
        }
        return 'changed' as const;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_key')) return 'taken';
      throw error;
    }
  }

  // ---------------------------------------------------------------- two-factor

  async twoFactorStatus(userId: number) {
    const user = await repo.findUserById(this.db, userId);
    if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
    return {
      enabledAt: user.totp_enabled_at,
      pending: user.totp_secret !== null && user.totp_enabled_at === null,
      recoveryCodesLeft: user.totp_enabled_at ? await repo.countRecoveryCodes(this.db, userId) : 0,
    };
  }

  async beginTwoFactorSetup(userId: number): Promise<void> {
    const user = await repo.findUserById(this.db, userId);
    if (!user || user.totp_enabled_at) return;
    await repo.updateUser(this.db, userId, {
      totp_secret: encryptSecret(this.config.secretKey, TOTP_PURPOSE, newTotpSecret()),
      totp_last_step: null,
    });
  }

  async twoFactorSetupInfo(principal: Principal) {
    const user = await repo.findUserById(this.db, principal.userId);
    if (!user || !user.totp_secret || user.totp_enabled_at) return undefined;
    const secret = decryptSecret(this.config.secretKey, TOTP_PURPOSE, user.totp_secret);
    const program = await this.program.get();
    const uri = totpUri(secret, user.username, program.name);
    return { secret, uri, qr: await qrSvg(uri) };
  }

  async enableTwoFactor(
    principal: Principal,
    code: string,
  ): Promise<{ codes: string[] } | { problems: FieldProblem[] }> {
    await this.limiter.consume(RATE.secondFactor, `user:${principal.userId}`);
    const program = await this.program.get();
    return this.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByIdForUpdate(trx, principal.userId);
      if (!user || !user.totp_secret || user.totp_enabled_at) {
        return { problems: [{ field: 'code', messageKey: 'twoFactor.notPending' as const }] };
      }
      const step = verifyTotp(
        decryptSecret(this.config.secretKey, TOTP_PURPOSE, user.totp_secret),
        code,
      );
      if (step === null)
        return { problems: [{ field: 'code', messageKey: 'validation.codeWrong' as const }] };
      const codes = newRecoveryCodes();
      await repo.updateUser(trx, user.id, { totp_enabled_at: new Date(), totp_last_step: step });
      await repo.replaceRecoveryCodes(
        trx,
        user.id,
        codes.map((c) => hashToken(normalizeRecoveryCode(c))),
      );
      await recordAudit(trx, {
        actorUserId: user.id,
        action: 'accounts.two_factor_enabled',
        subjectType: 'user',
        subjectId: user.id,
      });
      await sendAccountEmail(trx, program, recipient(user), {
        template: 'accounts.two-factor-on',
        subject: 'mail.twoFactorOn.subject',
        body: [['mail.twoFactorOn.body', { username: user.username }]],
        after: [['mail.notYou']],
      });
      return { codes };
    });
  }

  async disableTwoFactor(
    principal: Principal,
    input: { currentPassword: string; code: string },
  ): Promise<FieldProblem[]> {
    if (principal.roles.some((r) => STAFF_ROLES.includes(r))) {
      return [{ field: 'code', messageKey: 'twoFactor.requiredForStaff' }];
    }
    if (!(await this.checkCurrentPassword(principal.userId, input.currentPassword))) {
      return [{ field: 'currentPassword', messageKey: 'validation.currentPasswordWrong' }];
    }
    if ([...input.currentPassword].length < MIN_LENGTH_SINGLE_FACTOR) {
      return [
        {
          field: 'currentPassword',
          messageKey: 'twoFactor.disableNeedsLongPassword',
          params: { min: MIN_LENGTH_SINGLE_FACTOR },
        },
      ];
    }
    const check = await this.verifySecondFactor(principal.userId, input.code);
    if (!check.ok) return [{ field: 'code', messageKey: 'validation.codeWrong' }];
    const program = await this.program.get();
    await this.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByIdForUpdate(trx, principal.userId);
      if (!user) return;
      await repo.updateUser(trx, user.id, {
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
      });
      await repo.replaceRecoveryCodes(trx, user.id, []);
      await recordAudit(trx, {
        actorUserId: user.id,
        action: 'accounts.two_factor_disabled',
        subjectType: 'user',
        subjectId: user.id,
      });
      await sendAccountEmail(trx, program, recipient(user), {
        template: 'accounts.two-factor-off',
        subject: 'mail.twoFactorOff.subject',
        body: [['mail.twoFactorOff.body', { username: user.username }]],
        after: [['mail.notYou']],
      });
    });
    return [];
  }

  async regenerateRecoveryCodes(
    principal: Principal,
    currentPassword: string,
  ): Promise<{ codes: string[] } | { problems: FieldProblem[] }> {
    if (!principal.twoFactorEnabled)
      return { problems: [{ field: 'currentPassword', messageKey: 'twoFactor.notPending' }] };
    if (!(await this.checkCurrentPassword(principal.userId, currentPassword))) {
      return {
        problems: [{ field: 'currentPassword', messageKey: 'validation.currentPasswordWrong' }],
      };
    }
    const codes = newRecoveryCodes();
    await this.db.transaction().execute(async (trx) => {
      await repo.replaceRecoveryCodes(
        trx,
        principal.userId,
        codes.map((c) => hashToken(normalizeRecoveryCode(c))),
      );
      await recordAudit(trx, {
        actorUserId: principal.userId,
        action: 'accounts.recovery_codes_regenerated',
        subjectType: 'user',
        subjectId: principal.userId,
      });
    });
    return { codes };
  }

  // ---------------------------------------------------------------- sessions

  listSessions(userId: number) {
    return repo.listSessions(this.db, userId);
  }

  async signOutOtherSessions(principal: Principal): Promise<number> {
    const ended = await repo.deleteSessions(this.db, principal.userId, principal.sessionId);
    await recordAudit(this.db, {
      actorUserId: principal.userId,
      action: 'accounts.other_sessions_ended',
      subjectType: 'user',
      subjectId: principal.userId,
      details: { ended },
    });
    return ended;
  }

  // ---------------------------------------------------------------- people and roles

  async accountSummary(userId: number) {
    const user = await repo.findUserById(this.db, userId);
    if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
    return {
      id: user.id,
      candidateNumber: user.candidate_number,
      username: user.username,
      email: user.email,
      givenName: user.given_name,
      familyName: user.family_name,
      country: user.country,
      twoFactorEnabledAt: user.totp_enabled_at,
      createdAt: user.created_at,
      roles: await repo.rolesOf(this.db, userId),
    };
  }

  /**
   * Changes the name on the account (the name printed on certificates), in
   * the caller's transaction, with an audit event naming who and why. Used
   * when support approves a name change request. Throws a ValidationError
   * for a name registration would refuse.
   */
  async changeName(
    trx: Transaction<DB>,
    actorUserId: number,
    userId: number,
    name: { givenName: string; familyName: string },
    reason: string,
  ): Promise<void> {
    const problems = [
      ...checkName(name.givenName, 'givenName'),
      ...checkName(name.familyName, 'familyName'),
    ];
    if (problems.length > 0) throw new ValidationError(problems);
    const user = await repo.findUserByIdForUpdate(trx, userId);
    if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
    const after = { givenName: name.givenName.trim(), familyName: name.familyName.trim() };
    await repo.updateUser(trx, userId, {
      given_name: after.givenName,
      family_name: after.familyName,
    });
    await recordAudit(trx, {
      actorUserId,
      action: 'accounts.name_changed',
      subjectType: 'user',
      subjectId: userId,
      reason,
      details: {
        before: { givenName: user.given_name, familyName: user.family_name },
        after,
      },
    });
  }

  searchUsers(query: string, page: number, pageSize = 25) {
    return repo.searchUsers(this.db, query, pageSize, (page - 1) * pageSize);
  }

  async setRoles(
    actor: Principal,
    userId: number,
    roles: Role[],
    ip: string,
  ): Promise<FieldProblem[]> {
    const unique = [...new Set(roles)].sort();
    if (actor.userId === userId && !unique.includes('admin')) {
      return [{ field: 'roles', messageKey: 'admin.cannotRemoveOwnAdmin' }];
    }
    await this.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByIdForUpdate(trx, userId);
      if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
      const before = await repo.rolesOf(trx, userId);
      await repo.setRoles(trx, userId, unique, actor.userId);
      if (before.join() !== unique.join()) {
        await recordAudit(trx, {
          actorUserId: actor.userId,
          action: 'accounts.roles_changed',
          subjectType: 'user',
          subjectId: userId,
          details: { before, after: unique },
          ip,
        });
      }
    });
    return [];
  }

  /**
   * Creates a ready account (CLI `create-admin`, the demo seed, partner
   * onboarding later). The password is checked against the same policy.
   */
  async createAccount(
    input: NewAccount,
    actorUserId: number | null = null,
  ): Promise<{ id: number; candidateNumber: string }> {
    const problems = [
      ...checkUsername(input.username),
      ...checkEmail(input.email),
      ...checkName(input.givenName, 'givenName'),
      ...checkName(input.familyName, 'familyName'),
      ...checkCountry(input.country),
      ...(input.password !== null
        ? checkPassword(input.password, {
            username: input.username,
            programNames: await this.programNames(),
            hasSecondFactor: Boolean(input.totpSecret),
          })
        : []),
    ];
    if (
      !problems.some((p) => p.field === 'username') &&
      (await repo.usernameExists(this.db, input.username))
    ) {
      problems.push({ field: 'username', messageKey: 'validation.usernameTaken' });
    }
    if (
      !problems.some((p) => p.field === 'email') &&
      (await repo.findUserByEmail(this.db, input.email))
    ) {
      problems.push({ field: 'email', messageKey: 'validation.emailTaken' });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const program = await this.program.get();
    const passwordHash = input.password !== null ? await hashPassword(input.password) : null;
    return this.db.transaction().execute(async (trx) => {
      const candidateNumber = await repo.nextCandidateNumber(trx, program.candidateIdPrefix);
      const id = await repo.insertUser(trx, {
        candidateNumber,
        username: input.username.trim(),
        email: normalizeEmail(input.email),
        givenName: input.givenName.trim(),
        familyName: input.familyName.trim(),
        country: input.country,
        passwordHash,
        emailVerified: input.emailVerified ?? true,
        marketingOptIn: false,
        locale: input.locale ?? 'en',
        timeZone: 'UTC',
      });
      if (input.totpSecret) {
        await repo.updateUser(trx, id, {
          totp_secret: encryptSecret(this.config.secretKey, TOTP_PURPOSE, input.totpSecret),
          totp_enabled_at: new Date(),
        });
      }
      if (input.acceptPrivacy) {
        const notice = await repo.currentPrivacyNotice(trx);
        if (notice)
          await repo.insertConsent(trx, {
            userId: id,
            kind: 'privacy_notice',
            version: notice.version,
            granted: true,
          });
      }
      if (input.roles?.length) await repo.setRoles(trx, id, input.roles, actorUserId);
      await recordAudit(trx, {
        actorUserId,
        action: 'accounts.created',
        subjectType: 'user',
        subjectId: id,
        details: { roles: input.roles ?? [] },
      });
      return { id, candidateNumber };
    });
  }

  // ---------------------------------------------------------------- for the profile feature
  // The profile feature changes a person's fields of `users` and their consents only
  // through these, in the caller's transaction.

  /** What the profile pages show and change of the account. */
  async profileAccount(db: repo.Executor, userId: number) {
    const user = await repo.findUserById(db, userId);
    if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
    return {
      id: user.id,
      candidateNumber: user.candidate_number,
      username: user.username,
      email: user.email,
      givenName: user.given_name,
      familyName: user.family_name,
      country: user.country,
      locale: user.locale,
      timeZone: user.time_zone,
      marketingOptIn: user.marketing_opt_in,
      status: user.status,
      createdAt: user.created_at,
    };
  }

  /** Country, preferred language and time zone, as validated by the caller. */
  async updateProfileFields(
    db: repo.Executor,
    userId: number,
    values: { country: string; locale: string; timeZone: string },
  ): Promise<void> {
    await db
      .updateTable('users')
      .set({
        country: values.country,
        locale: values.locale,
        time_zone: values.timeZone,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
  }

  /** Marketing opt-in (program news): the flag and a consent record of the change. */
  async setMarketingOptIn(db: repo.Executor, userId: number, optIn: boolean): Promise<void> {
    await db
      .updateTable('users')
      .set({ marketing_opt_in: optIn, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    await repo.insertConsent(db, { userId, kind: 'marketing', version: null, granted: optIn });
  }

  async recordPrivacyNoticeAcceptance(
    db: repo.Executor,
    userId: number,
    version: number,
  ): Promise<void> {
    await repo.insertConsent(db, { userId, kind: 'privacy_notice', version, granted: true });
  }

  /** The newest privacy notice version the person has accepted, or null. */
  acceptedPrivacyNoticeVersion(db: repo.Executor, userId: number): Promise<number | null> {
    return repo.acceptedNoticeVersion(db, userId);
  }

  /** Every consent given or withdrawn, newest first. */
  consentHistory(db: repo.Executor, userId: number) {
    return db
      .selectFrom('consents')
      .select(['kind', 'privacy_notice_version', 'granted', 'at'])
      .where('user_id', '=', userId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  /** Everything accounts holds about a person, for their data export (no secrets). */
  async exportAccount(db: repo.Executor, userId: number) {
    const user = await this.profileAccount(db, userId);
    const roles = await db
      .selectFrom('user_roles')
      .select(['role', 'granted_at'])
      .where('user_id', '=', userId)
      .execute();
    const sessions = await db
      .selectFrom('sessions')
      .select(['created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
      .where('user_id', '=', userId)
      .execute();
    const twoFactor = await db
      .selectFrom('users')
      .select(['totp_enabled_at', 'email_verified_at', 'password_changed_at'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return {
      ...user,
      emailVerifiedAt: twoFactor.email_verified_at,
      passwordChangedAt: twoFactor.password_changed_at,
      twoFactorEnabledAt: twoFactor.totp_enabled_at,
      roles,
      sessions,
      consents: await this.consentHistory(db, userId),
    };
  }

  /**
   * Erases a person's account data for an approved deletion request: sign-in
   * is impossible afterwards (no password, no second factor, disabled, every
   * session and token gone), the username and email become placeholders, and
   * the name is kept for award verification only when the program's policy says so.
   */
  async anonymizeUser(
    db: repo.Executor,
    userId: number,
    options: { keepName: boolean },
  ): Promise<void> {
    const user = await repo.findUserById(db, userId);
    if (!user) throw new AppError('NOT_FOUND', 404, 'error.notFound');
    const placeholder = `deleted-${user.id}`;
    await db
      .updateTable('users')
      .set({
        username: placeholder,
        email: `${placeholder}@deleted.invalid`,
        email_verified_at: null,
        ...(options.keepName ? {} : { given_name: 'Deleted', family_name: 'account' }),
        password_hash: null,
        password_changed_at: null,
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        marketing_opt_in: false,
        status: 'disabled',
        time_zone: 'UTC',
        locale: 'en',
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
    await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await db.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
    await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  }
}

function recipient(user: {
  id: number;
  email: string;
  given_name: string;
  locale: string;
}): Recipient {
  return { userId: user.id, email: user.email, name: user.given_name, locale: user.locale };
}

/** `j***@example.com`: enough for an audit trail, not a full address in a log. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return (
    e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(constraint))
  );
}
