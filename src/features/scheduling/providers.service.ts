import type { ApiClient } from '../../platform/auth/api-keys.ts';
import { recordAudit } from '../../platform/audit.ts';
import { openSecret, sealSecret } from '../../platform/crypto/secrets.ts';
import type { Database } from '../../platform/db/database.ts';
import {
  AppError,
  notFound,
  ValidationError,
  type FieldProblem,
} from '../../platform/http/errors.ts';
import type { CatalogService } from '../catalog/index.ts';
import { handoffFields } from './handoff.ts';
import * as repo from './providers.repository.ts';
import { userByCandidateNumber, userContact } from './scheduling.repository.ts';
import { isValidTimeZone } from './scheduling-rules.ts';

/**
 * External delivery providers: their configuration (the passphrase sealed
 * under SECRET_KEY), the exams each delivers, the scheduling hand-off, and
 * the appointment notifications they push.
 */

const PASSPHRASE_PURPOSE = 'scheduling.provider-passphrase';

export interface ProviderView {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly schedulingUrl: string;
  readonly clientCode: string;
  readonly sessionTimeoutMinutes: number;
  readonly active: boolean;
  readonly exams: readonly string[];
}

export interface ProviderInput {
  code?: string;
  name?: string;
  schedulingUrl?: string;
  clientCode?: string;
  passphrase?: string;
  sessionTimeoutMinutes?: string;
  exams?: string[];
  active?: string;
}

export interface AppointmentNotice {
  event: 'booked' | 'changed' | 'cancelled';
  appointmentId: string;
  clientCandidateId: string;
  examSeriesCode: string;
  startsAt?: string;
  durationMinutes?: number;
  timeZone?: string;
  location?: string;
}

export interface NoticeOutcome {
  outcome: 'created' | 'updated' | 'cancelled' | 'unchanged';
  confirmationNumber: string;
  status: 'booked' | 'cancelled' | 'completed' | 'no_show';
  sequence: number;
}

export interface Handoff {
  readonly providerName: string;
  readonly action: string;
  readonly fields: [string, string][];
}

/** https, or http on this machine (a provider's test system during setup). */
function schedulingUrlOk(text: string): boolean {
  try {
    const url = new URL(text);
    if (url.username || url.password) return false;
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

export class ProvidersService {
  constructor(
    private readonly deps: {
      db: Database;
      catalog: Pick<CatalogService, 'definitions'>;
      secretKey: string;
      publicUrl: string;
    },
  ) {}

  private get db() {
    return this.deps.db;
  }

  async providers(): Promise<ProviderView[]> {
    const [defs, rows, exams] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.providers(this.db),
      repo.examIdsByProvider(this.db),
    ]);
    return rows.map((r) =>
      toView(
        r,
        (exams.get(r.id) ?? []).map((id) => defs.examsById.get(id)?.code ?? ''),
      ),
    );
  }

  async provider(id: number): Promise<ProviderView> {
    const all = await this.providers();
    const p = all.find((x) => x.id === id);
    if (!p) throw notFound();
    return p;
  }

  /** Published exams delivered by an active provider, for the candidate's exams page. */
  async providerExams(): Promise<{ examCode: string; examTitle: string; providerName: string }[]> {
    const defs = await this.deps.catalog.definitions();
    const out: { examCode: string; examTitle: string; providerName: string }[] = [];
    for (const p of await this.providers()) {
      if (!p.active) continue;
      for (const code of p.exams) {
        const exam = defs.exams.get(code);
        if (exam && exam.status === 'published')
          out.push({ examCode: code, examTitle: exam.title, providerName: p.name });
      }
    }
    return out.sort((a, b) => a.examCode.localeCompare(b.examCode));
  }

  async saveProvider(
    actor: { userId: number },
    id: number | null,
    input: ProviderInput,
  ): Promise<number> {
    const defs = await this.deps.catalog.definitions();
    const problems: FieldProblem[] = [];
    const code = (input.code ?? '').trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9-]{1,31}$/.test(code))
      problems.push({ field: 'code', messageKey: 'scheduling.pv.code' });
    const name = (input.name ?? '').trim();
    if (!name || name.length > 200)
      problems.push({ field: 'name', messageKey: 'scheduling.pv.name' });
    const schedulingUrl = (input.schedulingUrl ?? '').trim();
    if (schedulingUrl.length > 500 || !schedulingUrlOk(schedulingUrl)) {
      problems.push({ field: 'schedulingUrl', messageKey: 'scheduling.pv.url' });
    }
    const clientCode = (input.clientCode ?? '').trim();
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(clientCode))
      problems.push({ field: 'clientCode', messageKey: 'scheduling.pv.clientCode' });
    const passphrase = input.passphrase ?? '';
    if ((id === null || passphrase !== '') && (passphrase.length < 8 || passphrase.length > 200)) {
      problems.push({ field: 'passphrase', messageKey: 'scheduling.pv.passphrase' });
    }
    const timeoutText = (input.sessionTimeoutMinutes ?? '').trim();
    const timeout = /^\d{1,4}$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(timeout >= 1 && timeout <= 1440))
      problems.push({ field: 'sessionTimeoutMinutes', messageKey: 'scheduling.pv.timeout' });
    const examIds: number[] = [];
    for (const c of new Set(
      (input.exams ?? []).map((e) => e.trim().toUpperCase()).filter(Boolean),
    )) {
      const exam = defs.exams.get(c);
      if (!exam)
        problems.push({
          field: 'exams',
          messageKey: 'scheduling.v.unknownExam',
          params: { exam: c },
        });
      else examIds.push(exam.id);
    }
    const taken = await repo.examsTakenByOthers(this.db, id, examIds);
    for (const examId of taken) {
      problems.push({
        field: 'exams',
        messageKey: 'scheduling.pv.examTaken',
        params: { exam: defs.examsById.get(examId)?.code ?? '' },
      });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    const row = {
      code,
      name,
      scheduling_url: schedulingUrl,
      client_code: clientCode,
      session_timeout_minutes: timeout,
      active: id === null ? true : input.active === 'yes',
    };
    try {
      return await this.db.transaction().execute(async (trx) => {
        let providerId = id;
        const sealed = passphrase
          ? { passphrase_sealed: sealSecret(this.deps.secretKey, passphrase, PASSPHRASE_PURPOSE) }
          : {};
        if (providerId === null) {
          providerId = await repo.insertProvider(trx, {
            ...row,
            passphrase_sealed: sealed.passphrase_sealed!,
          });
        } else if (!(await repo.updateProvider(trx, providerId, { ...row, ...sealed }))) {
          throw notFound();
        }
        await repo.setProviderExams(trx, providerId, examIds);
        await recordAudit(trx, {
          actorUserId: actor.userId,
          action: id === null ? 'scheduling.provider_created' : 'scheduling.provider_changed',
          subjectType: 'delivery_provider',
          subjectId: providerId,
          // Never the passphrase; only whether it changed.
          details: {
            ...row,
            passphraseChanged: passphrase !== '',
            exams: examIds.map((e) => defs.examsById.get(e)?.code),
          },
        });
        return providerId;
      });
    } catch (error) {
      const e = error as { code?: string; constraint?: string; message?: string };
      if (e.code === '23505' && String(e.constraint ?? e.message).includes('code')) {
        throw new ValidationError([{ field: 'code', messageKey: 'scheduling.pv.codeTaken' }]);
      }
      if (e.code === '23505') {
        throw new ValidationError([
          { field: 'exams', messageKey: 'scheduling.pv.examTaken', params: { exam: '' } },
        ]);
      }
      throw error;
    }
  }

  /**
   * The auto-submitted form that carries the signed-in candidate to the
   * provider's scheduling site (fields and hash as in docs/scheduling.md).
   */
  async handoff(userId: number, examCode: string, now = new Date()): Promise<Handoff> {
    const defs = await this.deps.catalog.definitions();
    const exam = defs.exams.get(examCode.toUpperCase());
    if (!exam || exam.status !== 'published') throw notFound();
    const provider = await repo.providerOfExam(this.db, exam.id);
    if (!provider || !provider.active) throw notFound();
    const contact = await userContact(this.db, userId);
    if (!contact) throw notFound();
    const base = this.deps.publicUrl;
    return {
      providerName: provider.name,
      action: provider.scheduling_url,
      fields: handoffFields({
        passphrase: openSecret(this.deps.secretKey, provider.passphrase_sealed, PASSPHRASE_PURPOSE),
        clientCode: provider.client_code,
        timestamp: String(now.getTime()),
        timeout: String(provider.session_timeout_minutes),
        clientCandidateId: contact.candidate_number,
        returnUrl: `${base}/exams`,
        errorUrl: `${base}/exams?handoff=error`,
        logoutUrl: `${base}/exams?handoff=logout`,
        timeoutUrl: `${base}/exams?handoff=timeout`,
      }),
    };
  }

  /**
   * An appointment notification from a provider (booked, changed,
   * cancelled), idempotent on the provider's appointment reference: a
   * re-sent notice changes nothing.
   */
  async notify(
    client: ApiClient,
    notice: AppointmentNotice,
    now = new Date(),
  ): Promise<NoticeOutcome> {
    const provider = client.provider
      ? await repo.providerByCode(this.db, client.provider)
      : undefined;
    if (!provider || !provider.active) {
      throw new AppError('API_KEY_NO_PROVIDER', 403, 'scheduling.api.noProvider');
    }
    const defs = await this.deps.catalog.definitions();
    const problems: FieldProblem[] = [];
    const exam = defs.exams.get(notice.examSeriesCode.trim().toUpperCase());
    const deliverer = exam ? await repo.providerOfExam(this.db, exam.id) : undefined;
    if (!exam || deliverer?.id !== provider.id) {
      problems.push({ field: 'examSeriesCode', messageKey: 'scheduling.api.examNotDelivered' });
    }
    const user = await userByCandidateNumber(this.db, notice.clientCandidateId.trim());
    if (!user)
      problems.push({ field: 'clientCandidateId', messageKey: 'scheduling.api.unknownCandidate' });
    const startsAt = notice.startsAt ? new Date(notice.startsAt) : undefined;
    if (notice.event !== 'cancelled' && (!startsAt || Number.isNaN(startsAt.getTime()))) {
      problems.push({ field: 'startsAt', messageKey: 'scheduling.api.startsAt' });
    }
    const timeZone = notice.timeZone ?? 'UTC';
    if (!isValidTimeZone(timeZone))
      problems.push({ field: 'timeZone', messageKey: 'scheduling.v.timeZone' });
    if (problems.length > 0 || !exam || !user) throw new ValidationError(problems);

    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyNotice(
          provider,
          client,
          notice,
          exam.id,
          exam.durationMinutes,
          user.id,
          startsAt,
          timeZone,
          now,
        );
      } catch (error) {
        // Two first notices for one appointment at once: the loser finds the winner's row.
        if ((error as { code?: string }).code === '23505' && attempt < 3) continue;
        throw error;
      }
    }
  }

  private applyNotice(
    provider: { id: number; code: string },
    client: ApiClient,
    notice: AppointmentNotice,
    examId: number,
    examMinutes: number | null,
    userId: number,
    startsAt: Date | undefined,
    timeZone: string,
    now: Date,
  ): Promise<NoticeOutcome> {
    const ref = notice.appointmentId.trim();
    const confirmationNumber = `${provider.code.toUpperCase()}-${ref}`;
    const duration = notice.durationMinutes ?? examMinutes ?? 120;
    const location = (notice.location ?? '').trim();
    return this.db.transaction().execute(async (trx) => {
      const existing = await repo.providerAppointmentForUpdate(trx, provider.id, ref);
      if (existing && existing.user_id !== userId) {
        throw new ValidationError([
          { field: 'clientCandidateId', messageKey: 'scheduling.api.otherCandidate' },
        ]);
      }
      const audit = (outcome: string, appointmentId: number) =>
        recordAudit(trx, {
          actorUserId: null,
          action: `scheduling.provider_appointment_${outcome}`,
          subjectType: 'appointment',
          subjectId: appointmentId,
          details: { provider: provider.code, keyId: client.keyId, event: notice.event, ref },
        });
      if (notice.event === 'cancelled') {
        if (!existing) throw notFound();
        if (existing.status === 'cancelled') {
          return {
            outcome: 'unchanged',
            confirmationNumber,
            status: 'cancelled',
            sequence: existing.sequence,
          };
        }
        await trx
          .updateTable('appointments')
          .set({
            status: 'cancelled',
            cancelled_at: now,
            sequence: existing.sequence + 1,
            updated_at: now,
          })
          .where('id', '=', existing.id)
          .execute();
        await audit('cancelled', existing.id);
        return {
          outcome: 'cancelled',
          confirmationNumber,
          status: 'cancelled',
          sequence: existing.sequence + 1,
        };
      }
      if (!existing) {
        const r = await trx
          .insertInto('appointments')
          .values({
            user_id: userId,
            exam_id: examId,
            sitting_id: null,
            provider_id: provider.id,
            provider_ref: ref,
            confirmation_number: confirmationNumber,
            calendar_uid: `${provider.code}-${ref}@${hostOf(this.deps.publicUrl)}`,
            starts_at: startsAt!,
            duration_minutes: duration,
            time_zone: timeZone,
            location,
            voucher_id: null,
            price_cents: null,
            currency: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await audit('created', r.id);
        return { outcome: 'created', confirmationNumber, status: 'booked', sequence: 0 };
      }
      const same =
        existing.status === 'booked' &&
        existing.starts_at.getTime() === startsAt!.getTime() &&
        existing.duration_minutes === duration &&
        existing.time_zone === timeZone &&
        existing.location === location &&
        existing.exam_id === examId;
      if (same)
        return {
          outcome: 'unchanged',
          confirmationNumber,
          status: 'booked',
          sequence: existing.sequence,
        };
      await trx
        .updateTable('appointments')
        .set({
          status: 'booked',
          exam_id: examId,
          starts_at: startsAt!,
          duration_minutes: duration,
          time_zone: timeZone,
          location,
          sequence: existing.sequence + 1,
          rescheduled_at: now,
          cancelled_at: null,
          updated_at: now,
        })
        .where('id', '=', existing.id)
        .execute();
      await audit('updated', existing.id);
      return {
        outcome: 'updated',
        confirmationNumber,
        status: 'booked',
        sequence: existing.sequence + 1,
      };
    });
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'laurel';
  } catch {
    return 'laurel';
  }
}

function toView(
  r: Awaited<ReturnType<typeof repo.providerById>> & {},
  exams: string[],
): ProviderView {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    schedulingUrl: r.scheduling_url,
    clientCode: r.client_code,
    sessionTimeoutMinutes: r.session_timeout_minutes,
    active: r.active,
    exams,
  };
}
