import type { Config } from '../../config.ts';
import { recordAudit } from '../../platform/audit.ts';
import { decryptSecret, encryptSecret, randomToken } from '../../platform/auth/tokens.ts';
import type { Database } from '../../platform/db/database.ts';
import { notFound, type FieldProblem } from '../../platform/http/errors.ts';
import type { AccountsService } from '../accounts/index.ts';
import {
  checkContact,
  checkQuestion,
  checkSurvey,
  diffContact,
  reviewDue,
  type Contact,
  type ContactInput,
  type SurveyQuestion,
} from './profile-rules.ts';
import * as repo from './profile.repository.ts';
import type { Role } from '../../platform/db/schema.ts';

export interface ProfileSettings {
  readonly reviewIntervalMonths: number | null;
  readonly deletionAwardName: 'keep' | 'remove';
}

export interface HistoryEntry {
  readonly at: Date;
  /** A contact field name, or the prompt of a survey question. */
  readonly field: string;
  readonly kind: 'contact' | 'answer';
  readonly old: string | null;
  readonly new: string | null;
  /** 'self' when the person changed it, else the staff member's username. */
  readonly by: 'self' | 'staff';
}

export interface QuestionView extends SurveyQuestion {
  readonly position: number;
  readonly status: 'active' | 'retired';
}

/** Who changed what: the person, or a staff member acting for them. */
export interface Actor {
  readonly userId: number;
  readonly ip: string | null;
  /** The actor's roles, where a decision depends on them (erasing a staff account). */
  readonly roles?: readonly Role[];
}

const HISTORY_PURPOSE = 'profile-history';

/**
 * Contact details, the demographic survey, the change history and the
 * periodic "please confirm your details". Every change is written to the
 * audit log with its old and new value, sealed with a key that only exists
 * while the person's profile does (so erasing an account erases the values
 * in the append-only audit log too).
 */
export class ProfileService {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly accounts: AccountsService,
  ) {}

  // ---------------------------------------------------------------- settings

  async settings(db: repo.Executor = this.db): Promise<ProfileSettings> {
    const row = await repo.settings(db);
    return {
      reviewIntervalMonths: row.review_interval_months,
      deletionAwardName: row.deletion_award_name,
    };
  }

  async saveSettings(
    actor: Actor,
    values: Partial<ProfileSettings>,
    reason: string | null = null,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await repo.saveSettings(trx, {
        ...(values.reviewIntervalMonths !== undefined
          ? { review_interval_months: values.reviewIntervalMonths }
          : {}),
        ...(values.deletionAwardName ? { deletion_award_name: values.deletionAwardName } : {}),
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.settings_changed',
        subjectType: 'program',
        subjectId: 1,
        details: { ...values },
        reason,
        ip: actor.ip,
      });
    });
  }

  // ---------------------------------------------------------------- contact

  async contact(userId: number, db: repo.Executor = this.db) {
    const account = await this.accounts.profileAccount(db, userId);
    const row = await repo.contact(db, userId);
    const contact: Contact = {
      country: account.country,
      addressLine1: row?.address_line1 ?? null,
      addressLine2: row?.address_line2 ?? null,
      city: row?.city ?? null,
      region: row?.region ?? null,
      postalCode: row?.postal_code ?? null,
      phone: row?.phone ?? null,
      company: row?.company ?? null,
      jobTitle: row?.job_title ?? null,
      locale: account.locale,
      timeZone: account.timeZone,
    };
    return {
      account,
      contact,
      confirmedAt: row?.confirmed_at ?? null,
      updatedAt: row?.updated_at ?? null,
    };
  }

  /** Validates and saves; returns the problems (nothing saved) or the number of fields changed. */
  async updateContact(
    actor: Actor,
    userId: number,
    input: ContactInput,
  ): Promise<{ problems: FieldProblem[] } | { changed: number }> {
    const { problems, contact } = checkContact(input);
    if (problems.length > 0) return { problems };
    return this.db.transaction().execute(async (trx) => {
      const salt = await repo.ensureContact(trx, userId, randomToken(16));
      await repo.contactForUpdate(trx, userId);
      const before = (await this.contact(userId, trx)).contact;
      const changes = diffContact(before, contact);
      await this.accounts.updateProfileFields(trx, userId, {
        country: contact.country,
        locale: contact.locale,
        timeZone: contact.timeZone,
      });
      await repo.updateContact(trx, userId, {
        address_line1: contact.addressLine1,
        address_line2: contact.addressLine2,
        city: contact.city,
        region: contact.region,
        postal_code: contact.postalCode,
        phone: contact.phone,
        company: contact.company,
        job_title: contact.jobTitle,
        // Saving the form is confirming the details.
        confirmed_at: new Date(),
      });
      for (const change of changes) {
        await recordAudit(trx, {
          actorUserId: actor.userId,
          action: 'profile.field_changed',
          subjectType: 'user',
          subjectId: userId,
          details: {
            field: change.field,
            old: this.seal(salt, change.old),
            new: this.seal(salt, change.new),
          },
          ip: actor.ip,
        });
      }
      return { changed: changes.length };
    });
  }

  private seal(salt: string, value: string | null): string | null {
    return value === null
      ? null
      : encryptSecret(this.config.secretKey, `${HISTORY_PURPOSE}:${salt}`, value);
  }

  private unseal(salt: string | undefined, sealed: unknown): string | null {
    if (typeof sealed !== 'string') return null;
    if (!salt) throw new ErasedValue();
    return decryptSecret(this.config.secretKey, `${HISTORY_PURPOSE}:${salt}`, sealed);
  }

  /** The person's own change history, values readable while their profile exists. */
  async history(userId: number, limit = 200): Promise<HistoryEntry[]> {
    const salt = (await repo.contact(this.db, userId))?.history_salt;
    const events = await repo.historyEvents(this.db, userId, limit);
    const entries: HistoryEntry[] = [];
    for (const e of events) {
      const d = e.details as { field?: string; prompt?: string; old?: unknown; new?: unknown };
      let oldValue: string | null;
      let newValue: string | null;
      try {
        oldValue = this.unseal(salt, d.old);
        newValue = this.unseal(salt, d.new);
      } catch {
        continue;
      }
      entries.push({
        at: e.at,
        kind: e.action === 'profile.answer_changed' ? 'answer' : 'contact',
        field: (e.action === 'profile.answer_changed' ? d.prompt : d.field) ?? '',
        old: oldValue,
        new: newValue,
        by: e.actor_user_id === userId ? 'self' : 'staff',
      });
    }
    return entries;
  }

  // ---------------------------------------------------------------- demographics

  async questions(onlyActive: boolean): Promise<QuestionView[]> {
    const rows = await repo.questions(this.db, onlyActive);
    return rows.map((r) => ({
      id: r.id,
      prompt: r.prompt,
      options: r.options,
      required: r.required,
      position: r.position,
      status: r.status,
    }));
  }

  async answers(userId: number): Promise<Map<number, string>> {
    const rows = await repo.answers(this.db, userId);
    return new Map(rows.map((r) => [r.question_id, r.answer]));
  }

  async saveAnswers(
    actor: Actor,
    userId: number,
    input: Record<string, string | undefined>,
  ): Promise<{ problems: FieldProblem[] } | { changed: number }> {
    const questions = await this.questions(true);
    const { problems, answers } = checkSurvey(questions, input);
    if (problems.length > 0) return { problems };
    const before = await this.answers(userId);
    return this.db.transaction().execute(async (trx) => {
      const salt = await repo.ensureContact(trx, userId, randomToken(16));
      let changed = 0;
      for (const q of questions) {
        const next = answers.get(q.id) ?? null;
        const prev = before.get(q.id) ?? null;
        if (next === prev) continue;
        await repo.setAnswer(trx, userId, q.id, next);
        await recordAudit(trx, {
          actorUserId: actor.userId,
          action: 'profile.answer_changed',
          subjectType: 'user',
          subjectId: userId,
          details: {
            questionId: q.id,
            prompt: q.prompt,
            old: this.seal(salt, prev),
            new: this.seal(salt, next),
          },
          ip: actor.ip,
        });
        changed++;
      }
      return { changed };
    });
  }

  async saveQuestion(
    actor: Actor,
    id: number | null,
    input: {
      prompt: string;
      options: string;
      required: boolean;
      position: number;
      retired: boolean;
    },
  ): Promise<{ problems: FieldProblem[] } | { id: number }> {
    const checked = checkQuestion(input);
    if (checked.problems.length > 0) return { problems: checked.problems };
    if (id !== null && !(await repo.question(this.db, id))) throw notFound();
    return this.db.transaction().execute(async (trx) => {
      const values = {
        prompt: checked.prompt,
        options: checked.options,
        required: input.required,
        position: input.position,
      };
      let questionId: number;
      if (id === null) {
        questionId = await repo.insertQuestion(trx, values);
      } else {
        questionId = id;
        await repo.updateQuestion(trx, id, {
          ...values,
          status: input.retired ? 'retired' : 'active',
        });
      }
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: id === null ? 'profile.question_added' : 'profile.question_changed',
        subjectType: 'demographic_question',
        subjectId: questionId,
        details: { ...values, retired: input.retired },
        ip: actor.ip,
      });
      return { id: questionId };
    });
  }

  // ---------------------------------------------------------------- periodic review

  /** Whether to ask now; if so, remembers that it asked (at most once per interval). */
  async claimReviewPrompt(userId: number, now = new Date()): Promise<boolean> {
    const settings = await this.settings();
    if (!settings.reviewIntervalMonths) return false;
    const account = await this.accounts.profileAccount(this.db, userId);
    const row = await repo.contact(this.db, userId);
    const due = reviewDue({
      intervalMonths: settings.reviewIntervalMonths,
      now,
      accountCreatedAt: account.createdAt,
      confirmedAt: row?.confirmed_at ?? null,
      promptedAt: row?.review_prompted_at ?? null,
    });
    if (!due) return false;
    await this.db.transaction().execute(async (trx) => {
      await repo.ensureContact(trx, userId, randomToken(16));
      await repo.updateContact(trx, userId, { review_prompted_at: now });
    });
    return true;
  }

  async confirmDetails(actor: Actor, userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await repo.ensureContact(trx, userId, randomToken(16));
      await repo.updateContact(trx, userId, { confirmed_at: new Date() });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'profile.details_confirmed',
        subjectType: 'user',
        subjectId: userId,
        ip: actor.ip,
      });
    });
  }
}

/** A history value whose key was erased with the account. */
class ErasedValue extends Error {}
