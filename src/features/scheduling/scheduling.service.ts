import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import {
  AppError,
  notFound,
  ValidationError,
  type FieldProblem,
} from '../../platform/http/errors.ts';
import { formatDate } from '../../platform/i18n/i18n.ts';
import { enqueueJob } from '../../platform/jobs/runner.ts';
import type { ProgramInfo } from '../../platform/program.ts';
import type { CatalogService, ExamDefinition, ProgramDefinitions } from '../catalog/index.ts';
import { retakeEligibility, type ProgressService } from '../progress/index.ts';
import {
  calendarFor,
  sendAppointmentEmail,
  type AppointmentMailKind,
} from './scheduling.emails.ts';
import * as repo from './scheduling.repository.ts';
import {
  canBook,
  canChange,
  changeDeadline,
  discountedCents,
  generateConfirmationNumber,
  generateVoucherCode,
  isValidTimeZone,
  normalizeEmailDomain,
  normalizeVoucherCode,
  voucherProblem,
  zonedLocalToUtc,
} from './scheduling-rules.ts';
import type {
  AppointmentView,
  RosterEntry,
  SittingSearchInput,
  SittingView,
  TestCenterView,
  VoucherBatchDetail,
  VoucherBatchSummary,
} from './scheduling.types.ts';

export const REMINDER_JOB = 'scheduling.appointment-reminder';
/** Reminders go this long before the start. */
const REMINDER_BEFORE_MS = 2 * 86_400_000;
const SEARCH_LIMIT = 50;
const MAX_BATCH = 5000;

export interface Actor {
  readonly userId: number;
}

export interface SchedulingDeps {
  readonly db: Database;
  readonly catalog: Pick<CatalogService, 'definitions'>;
  readonly progress: Pick<ProgressService, 'history'>;
  readonly program: () => Promise<ProgramInfo>;
  readonly publicUrl: string;
}

export interface CenterInput {
  name?: string;
  address?: string;
  city?: string;
  country?: string;
  timeZone?: string;
  accessibility?: string;
  active?: string;
}

export interface SittingInput {
  delivery?: string;
  testCenterId?: string;
  startsAt?: string;
  timeZone?: string;
  durationMinutes?: string;
  seats?: string;
  exams?: string | string[];
  notes?: string;
}

export interface BatchInput {
  name?: string;
  count?: string;
  exams?: string | string[];
  discountPercent?: string;
  expiresOn?: string;
  emailDomain?: string;
}

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim().toUpperCase()).filter(Boolean);

const wholeNumber = (v: string | undefined, min: number, max: number): number | undefined => {
  if (v === undefined || !/^\d{1,6}$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return n >= min && n <= max ? n : undefined;
};

/**
 * Built-in scheduling: test centers, sittings, booking with vouchers and the
 * retake policy, rescheduling and cancelling up to the program's deadline,
 * rosters and attendance, voucher batches. Every change and its emails
 * happen in one transaction.
 */
export class SchedulingService {
  constructor(private readonly deps: SchedulingDeps) {}

  private get db() {
    return this.deps.db;
  }

  // ---------------------------------------------------------------- settings

  settings(): Promise<{ changeDeadlineHours: number }> {
    return repo.settings(this.db);
  }

  async updateSettings(actor: Actor, hoursText: string | undefined): Promise<void> {
    const hours = wholeNumber(hoursText, 0, 720);
    if (hours === undefined) {
      throw new ValidationError([
        { field: 'changeDeadlineHours', messageKey: 'scheduling.v.deadlineHours' },
      ]);
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.setDeadline(trx, hours);
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'scheduling.settings_changed',
        subjectType: 'scheduling_settings',
        subjectId: 1,
        details: { changeDeadlineHours: hours },
      });
    });
  }

  /** Published exams sat at a test center or online: what sittings can offer. */
  async bookableExams(
    options: { includeProviderExams?: boolean } = {},
  ): Promise<{ code: string; title: string }[]> {
    const [defs, atProvider] = await Promise.all([
      this.deps.catalog.definitions(),
      options.includeProviderExams ? new Set<number>() : repo.providerExamIds(this.db),
    ]);
    return [...defs.exams.values()]
      .filter(
        (e) =>
          e.status === 'published' &&
          !atProvider.has(e.id) &&
          (e.delivery.includes('test_center') || e.delivery.includes('online_proctored')),
      )
      .map((e) => ({ code: e.code, title: e.title }))
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The exam's price for people, or null when it is not sold here. */
  async priceText(examCode: string, locale: string): Promise<string | null> {
    const exam = (await this.deps.catalog.definitions()).exams.get(examCode);
    if (!exam?.price) return null;
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: exam.price.currency,
    }).format(exam.price.cents / 100);
  }

  // ---------------------------------------------------------------- test centers

  async centers(): Promise<TestCenterView[]> {
    return (await repo.centers(this.db)).map(toCenterView);
  }

  async center(id: number): Promise<TestCenterView> {
    const row = await repo.centerById(this.db, id);
    if (!row) throw notFound();
    return toCenterView(row);
  }

  async saveCenter(actor: Actor, id: number | null, input: CenterInput): Promise<number> {
    const problems: FieldProblem[] = [];
    const name = (input.name ?? '').trim();
    const city = (input.city ?? '').trim();
    const country = (input.country ?? '').trim().toUpperCase();
    const timeZone = (input.timeZone ?? '').trim();
    if (!name || name.length > 200)
      problems.push({ field: 'name', messageKey: 'scheduling.v.centerName' });
    if (!city || city.length > 100)
      problems.push({ field: 'city', messageKey: 'scheduling.v.city' });
    if (!/^[A-Z]{2}$/.test(country))
      problems.push({ field: 'country', messageKey: 'scheduling.v.country' });
    if (!isValidTimeZone(timeZone))
      problems.push({ field: 'timeZone', messageKey: 'scheduling.v.timeZone' });
    const address = (input.address ?? '').trim();
    const accessibility = (input.accessibility ?? '').trim();
    if (address.length > 500)
      problems.push({ field: 'address', messageKey: 'scheduling.v.tooLong' });
    if (accessibility.length > 2000)
      problems.push({ field: 'accessibility', messageKey: 'scheduling.v.tooLong' });
    if (problems.length > 0) throw new ValidationError(problems);
    const row = {
      name,
      address,
      city,
      country,
      time_zone: timeZone,
      accessibility,
      active: id === null ? true : input.active === 'yes',
    };
    return this.db.transaction().execute(async (trx) => {
      let centerId = id;
      if (centerId === null) centerId = await repo.insertCenter(trx, row);
      else if (!(await repo.updateCenter(trx, centerId, row))) throw notFound();
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: id === null ? 'scheduling.center_created' : 'scheduling.center_changed',
        subjectType: 'test_center',
        subjectId: centerId,
        details: { ...row },
      });
      return centerId;
    });
  }

  // ---------------------------------------------------------------- sittings

  async createSitting(actor: Actor, input: SittingInput): Promise<number> {
    const defs = await this.deps.catalog.definitions();
    const problems: FieldProblem[] = [];
    const delivery = input.delivery;
    if (delivery !== 'test_center' && delivery !== 'online_proctored') {
      problems.push({ field: 'delivery', messageKey: 'scheduling.v.delivery' });
    }
    let timeZone = (input.timeZone ?? '').trim();
    let centerId: number | null = null;
    if (delivery === 'test_center') {
      const id = wholeNumber(input.testCenterId, 1, Number.MAX_SAFE_INTEGER);
      const center = id === undefined ? undefined : await repo.centerById(this.db, id);
      if (!center || !center.active) {
        problems.push({ field: 'testCenterId', messageKey: 'scheduling.v.center' });
      } else {
        centerId = center.id;
        timeZone = center.time_zone;
      }
    } else if (delivery === 'online_proctored' && !isValidTimeZone(timeZone)) {
      problems.push({ field: 'timeZone', messageKey: 'scheduling.v.timeZone' });
    }
    const startsAt =
      isValidTimeZone(timeZone) && input.startsAt
        ? zonedLocalToUtc(input.startsAt.trim(), timeZone)
        : undefined;
    if (!startsAt) problems.push({ field: 'startsAt', messageKey: 'scheduling.v.startsAt' });
    else if (startsAt.getTime() <= Date.now()) {
      problems.push({ field: 'startsAt', messageKey: 'scheduling.v.startsInPast' });
    }
    const duration = wholeNumber(input.durationMinutes, 5, 1440);
    if (duration === undefined)
      problems.push({ field: 'durationMinutes', messageKey: 'scheduling.v.duration' });
    const seats = wholeNumber(input.seats, 1, 10000);
    if (seats === undefined) problems.push({ field: 'seats', messageKey: 'scheduling.v.seats' });
    const exams = this.examsFromCodes(defs, list(input.exams), problems, 'exams');
    const atProvider = await repo.providerExamIds(this.db);
    for (const exam of exams) {
      if (atProvider.has(exam.id)) {
        problems.push({
          field: 'exams',
          messageKey: 'scheduling.v.examAtProvider',
          params: { exam: exam.code },
        });
      }
      if (delivery && !exam.delivery.includes(delivery as 'test_center')) {
        problems.push({
          field: 'exams',
          messageKey: 'scheduling.v.examNotDelivered',
          params: { exam: exam.code },
        });
      }
    }
    const notes = (input.notes ?? '').trim();
    if (notes.length > 2000) problems.push({ field: 'notes', messageKey: 'scheduling.v.tooLong' });
    if (problems.length > 0 || !startsAt || duration === undefined || seats === undefined) {
      throw new ValidationError(problems);
    }
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertSitting(
        trx,
        {
          delivery: delivery as 'test_center' | 'online_proctored',
          test_center_id: centerId,
          starts_at: startsAt,
          duration_minutes: duration,
          time_zone: timeZone,
          seats,
          notes,
        },
        exams.map((e) => e.id),
      );
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'scheduling.sitting_created',
        subjectType: 'sitting',
        subjectId: id,
        details: { exams: exams.map((e) => e.code), startsAt: startsAt.toISOString(), seats },
      });
      return id;
    });
  }

  private examsFromCodes(
    defs: ProgramDefinitions,
    codes: string[],
    problems: FieldProblem[],
    field: string,
  ): ExamDefinition[] {
    if (codes.length === 0) {
      problems.push({ field, messageKey: 'scheduling.v.examsRequired' });
      return [];
    }
    const out: ExamDefinition[] = [];
    for (const code of new Set(codes)) {
      const exam = defs.exams.get(code);
      if (!exam || exam.status !== 'published') {
        problems.push({ field, messageKey: 'scheduling.v.unknownExam', params: { exam: code } });
      } else out.push(exam);
    }
    return out;
  }

  async sitting(id: number): Promise<SittingView> {
    const [defs, row] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.sittingById(this.db, id),
    ]);
    if (!row) throw notFound();
    const exams = await repo.examIdsOfSittings(this.db, [id]);
    return toSittingView(row, exams.get(id) ?? [], defs);
  }

  /** Staff list: sittings from `from` on, soonest first. */
  async consoleSittings(from: Date, page: number): Promise<SittingView[]> {
    return this.sittingViews({ from, limit: SEARCH_LIMIT, offset: (page - 1) * SEARCH_LIMIT });
  }

  private async sittingViews(search: repo.SittingSearch, defs?: ProgramDefinitions) {
    const definitions = defs ?? (await this.deps.catalog.definitions());
    const rows = await repo.searchSittings(this.db, search);
    const exams = await repo.examIdsOfSittings(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toSittingView(r, exams.get(r.id) ?? [], definitions));
  }

  /**
   * What a candidate may book: scheduled sittings still open for booking,
   * by exam, place, dates (calendar days in `timeZone`) and delivery.
   */
  async findSittings(
    input: SittingSearchInput,
    timeZone: string,
    now = new Date(),
  ): Promise<SittingView[]> {
    const defs = await this.deps.catalog.definitions();
    const exam = input.examCode ? defs.exams.get(input.examCode.toUpperCase()) : undefined;
    if (input.examCode && (!exam || exam.status !== 'published')) return [];
    const { changeDeadlineHours } = await repo.settings(this.db);
    const dayStart = (d: string | undefined) =>
      d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? zonedLocalToUtc(`${d}T00:00`, timeZone) : undefined;
    const fromDay = dayStart(input.from);
    const toDay = dayStart(input.to);
    const earliest = new Date(now.getTime() + changeDeadlineHours * 3_600_000);
    const from = fromDay && fromDay > earliest ? fromDay : earliest;
    const views = await this.sittingViews(
      {
        ...(exam ? { examId: exam.id } : {}),
        ...(input.country ? { country: input.country.toUpperCase() } : {}),
        ...(input.city ? { city: input.city.trim() } : {}),
        ...(input.delivery ? { delivery: input.delivery } : {}),
        from,
        ...(toDay ? { to: new Date(toDay.getTime() + 86_400_000) } : {}),
        status: 'scheduled',
        limit: SEARCH_LIMIT,
      },
      defs,
    );
    return views.filter((s) => canBook(s.startsAt, now, changeDeadlineHours));
  }

  async roster(sittingId: number): Promise<{ sitting: SittingView; entries: RosterEntry[] }> {
    const sitting = await this.sitting(sittingId);
    const [defs, rows] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.roster(this.db, sittingId),
    ]);
    return {
      sitting,
      entries: rows.map((r) => ({
        appointmentId: r.id,
        candidateNumber: r.candidate_number,
        name: `${r.given_name} ${r.family_name}`.trim(),
        email: r.email,
        examCode: defs.examsById.get(r.exam_id)?.code ?? '',
        confirmationNumber: r.confirmation_number,
        status: r.status,
        voucherCode: r.voucher_code,
      })),
    };
  }

  /** Staff mark a booked (or already marked) appointment as attended or no-show, once the sitting started. */
  async markAttendance(
    actor: Actor,
    sittingId: number,
    appointmentId: number,
    outcome: 'completed' | 'no_show',
    now = new Date(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const a = await repo.lockAppointment(trx, appointmentId);
      if (!a || a.sitting_id !== sittingId || a.status === 'cancelled') throw notFound();
      if (a.starts_at.getTime() > now.getTime()) {
        throw new AppError('SITTING_NOT_STARTED', 409, 'scheduling.e.notStarted');
      }
      await repo.updateAppointment(trx, appointmentId, {
        status: outcome,
        attendance_marked_by: actor.userId,
        attendance_marked_at: now,
      });
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'scheduling.attendance_marked',
        subjectType: 'appointment',
        subjectId: appointmentId,
        details: { sittingId, outcome, before: a.status },
      });
    });
  }

  // ---------------------------------------------------------------- appointments

  private async toView(
    row: repo.AppointmentRow,
    defs?: ProgramDefinitions,
    deadlineHours?: number,
    now = new Date(),
  ) {
    const d = defs ?? (await this.deps.catalog.definitions());
    const hours = deadlineHours ?? (await repo.settings(this.db)).changeDeadlineHours;
    return toAppointmentView(row, d, hours, now);
  }

  /** The candidate's own appointment; someone else's is 404. */
  async appointment(userId: number, id: number): Promise<AppointmentView> {
    const row = await repo.appointmentById(this.db, id);
    if (!row || row.user_id !== userId) throw notFound();
    return this.toView(row);
  }

  async myAppointments(
    userId: number,
    now = new Date(),
  ): Promise<{ upcoming: AppointmentView[]; past: AppointmentView[] }> {
    const [defs, rows, settings] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.appointmentsOfUser(this.db, userId),
      repo.settings(this.db),
    ]);
    const views = rows.map((r) => toAppointmentView(r, defs, settings.changeDeadlineHours, now));
    const upcoming = views
      .filter((a) => a.status === 'booked' && a.startsAt.getTime() >= now.getTime())
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    const past = views.filter((a) => !upcoming.includes(a));
    return { upcoming, past };
  }

  /** Booked appointments still to come, soonest first (the dashboard shows them). */
  async upcomingAppointments(userId: number, now = new Date()): Promise<AppointmentView[]> {
    // The dashboard asks on every visit, and most candidates have none: one query then.
    const rows = await repo.upcomingOfUser(this.db, userId, now);
    if (rows.length === 0) return [];
    const [defs, settings] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.settings(this.db),
    ]);
    return rows.map((r) => toAppointmentView(r, defs, settings.changeDeadlineHours, now));
  }

  /** The "Add to calendar" file of the candidate's own appointment. */
  async calendarFile(userId: number, id: number): Promise<string> {
    const a = await this.appointment(userId, id);
    const program = await this.deps.program();
    return calendarFor(
      a,
      program,
      this.deps.publicUrl,
      a.status === 'cancelled' ? 'CANCEL' : 'PUBLISH',
    );
  }

  // ---------------------------------------------------------------- booking

  /**
   * Books a seat: checks the exam, the sitting, the booking deadline, the
   * retake policy (at the sitting's start) and the voucher, then takes the
   * seat, consumes the voucher and writes the confirmation email, all in one
   * transaction. A full sitting, a used voucher or a second booking of the
   * same exam come back as field problems.
   */
  async book(
    userId: number,
    input: { sittingId: number; examCode: string; voucher?: string | undefined },
    now = new Date(),
  ): Promise<number> {
    const defs = await this.deps.catalog.definitions();
    const exam = defs.exams.get(input.examCode.toUpperCase());
    if (!exam || exam.status !== 'published') throw notFound();
    const sitting = await this.sitting(input.sittingId);
    if (!sitting.exams.some((e) => e.id === exam.id)) throw notFound();
    const [settings, contact, program] = await Promise.all([
      repo.settings(this.db),
      repo.userContact(this.db, userId),
      this.deps.program(),
    ]);
    if (!contact) throw notFound();
    if ((await repo.providerExamIds(this.db)).has(exam.id)) {
      throw new ValidationError([
        {
          field: 'sitting',
          messageKey: 'scheduling.e.examAtProvider',
          params: { exam: exam.code },
        },
      ]);
    }
    if (
      sitting.status !== 'scheduled' ||
      !canBook(sitting.startsAt, now, settings.changeDeadlineHours)
    ) {
      throw new ValidationError([{ field: 'sitting', messageKey: 'scheduling.e.bookingClosed' }]);
    }
    await this.checkRetake(userId, exam, sitting.startsAt, contact.locale, contact.time_zone);
    const voucherCode = input.voucher?.trim() ? normalizeVoucherCode(input.voucher) : null;
    if (voucherCode === undefined) {
      throw new ValidationError([{ field: 'voucher', messageKey: 'scheduling.e.voucherUnknown' }]);
    }

    return this.withUniqueGuard(() =>
      this.db.transaction().execute(async (trx) => {
        if (await repo.bookedAppointmentFor(trx, userId, exam.id)) {
          throw new ValidationError([
            {
              field: 'sitting',
              messageKey: 'scheduling.e.alreadyBooked',
              params: { exam: exam.code },
            },
          ]);
        }
        let voucherId: number | null = null;
        let priceCents = exam.price?.cents ?? null;
        if (voucherCode) {
          const v = await repo.voucherForUpdate(trx, voucherCode);
          if (!v)
            throw new ValidationError([
              { field: 'voucher', messageKey: 'scheduling.e.voucherUnknown' },
            ]);
          const problem = voucherProblem(
            {
              usedAt: v.used_at,
              expiresAt: v.expires_at,
              examIds: v.examIds,
              emailDomain: v.email_domain,
            },
            { examId: exam.id, email: contact.email, at: now },
          );
          if (problem) {
            throw new ValidationError([
              {
                field: 'voucher',
                messageKey: VOUCHER_MESSAGES[problem],
                params: { exam: exam.code },
              },
            ]);
          }
          voucherId = v.id;
          if (priceCents !== null) priceCents = discountedCents(priceCents, v.discount_percent);
          else if (v.discount_percent === 100) priceCents = 0;
        }
        if (!(await repo.takeSeat(trx, sitting.id))) {
          throw new ValidationError([{ field: 'sitting', messageKey: 'scheduling.e.full' }]);
        }
        const id = await repo.insertAppointment(trx, {
          user_id: userId,
          exam_id: exam.id,
          sitting_id: sitting.id,
          provider_id: null,
          provider_ref: null,
          confirmation_number: generateConfirmationNumber(),
          calendar_uid: this.newUid(),
          starts_at: sitting.startsAt,
          duration_minutes: sitting.durationMinutes,
          time_zone: sitting.timeZone,
          voucher_id: voucherId,
          price_cents: priceCents,
          currency: exam.price?.currency ?? null,
        });
        if (voucherId !== null && !(await repo.useVoucher(trx, voucherId, userId))) {
          throw new ValidationError([{ field: 'voucher', messageKey: 'scheduling.e.voucherUsed' }]);
        }
        await recordAudit(trx, {
          actorUserId: userId,
          action: 'scheduling.appointment_booked',
          subjectType: 'appointment',
          subjectId: id,
          details: { sittingId: sitting.id, exam: exam.code, voucher: voucherCode ?? null },
        });
        await this.afterChange(
          trx,
          id,
          'booked',
          contact,
          program,
          defs,
          settings.changeDeadlineHours,
          now,
        );
        return id;
      }),
    );
  }

  /** Moves a booked appointment to another sitting of the same exam, before the deadline. */
  async reschedule(
    userId: number,
    appointmentId: number,
    newSittingId: number,
    now = new Date(),
  ): Promise<void> {
    const defs = await this.deps.catalog.definitions();
    const current = await this.appointment(userId, appointmentId);
    if (current.delivery === 'provider' || current.sittingId === null) throw notFound();
    const target = await this.sitting(newSittingId);
    if (!target.exams.some((e) => e.id === current.examId)) throw notFound();
    const [settings, contact, program] = await Promise.all([
      repo.settings(this.db),
      repo.userContact(this.db, userId),
      this.deps.program(),
    ]);
    if (!contact) throw notFound();
    if (target.id === current.sittingId) {
      throw new ValidationError([{ field: 'sitting', messageKey: 'scheduling.e.sameSitting' }]);
    }
    if (
      target.status !== 'scheduled' ||
      !canBook(target.startsAt, now, settings.changeDeadlineHours)
    ) {
      throw new ValidationError([{ field: 'sitting', messageKey: 'scheduling.e.bookingClosed' }]);
    }
    const exam = defs.examsById.get(current.examId);
    if (!exam) throw notFound();
    await this.checkRetake(userId, exam, target.startsAt, contact.locale, contact.time_zone);
    await this.db.transaction().execute(async (trx) => {
      const a = await repo.lockAppointment(trx, appointmentId);
      if (!a || a.user_id !== userId || a.sitting_id === null) throw notFound();
      this.assertChangeable(a.status, a.starts_at, now, settings.changeDeadlineHours);
      // Seats in id order, so two reschedules in opposite directions cannot deadlock.
      const oldId = a.sitting_id;
      if (target.id < oldId) {
        if (!(await repo.takeSeat(trx, target.id))) throw fullError();
        await repo.releaseSeat(trx, oldId);
      } else {
        await repo.releaseSeat(trx, oldId);
        if (!(await repo.takeSeat(trx, target.id))) throw fullError();
      }
      await repo.updateAppointment(trx, appointmentId, {
        sitting_id: target.id,
        starts_at: target.startsAt,
        duration_minutes: target.durationMinutes,
        time_zone: target.timeZone,
        sequence: a.sequence + 1,
        rescheduled_at: now,
      });
      await recordAudit(trx, {
        actorUserId: userId,
        action: 'scheduling.appointment_rescheduled',
        subjectType: 'appointment',
        subjectId: appointmentId,
        details: { from: oldId, to: target.id },
      });
      await this.afterChange(
        trx,
        appointmentId,
        'rescheduled',
        contact,
        program,
        defs,
        settings.changeDeadlineHours,
        now,
      );
    });
  }

  /** Cancels a booked appointment before the deadline; frees the seat and gives the voucher back. */
  async cancel(userId: number, appointmentId: number, now = new Date()): Promise<void> {
    const defs = await this.deps.catalog.definitions();
    const [settings, contact, program] = await Promise.all([
      repo.settings(this.db),
      repo.userContact(this.db, userId),
      this.deps.program(),
    ]);
    if (!contact) throw notFound();
    await this.db.transaction().execute(async (trx) => {
      const a = await repo.lockAppointment(trx, appointmentId);
      if (!a || a.user_id !== userId || a.sitting_id === null) throw notFound();
      this.assertChangeable(a.status, a.starts_at, now, settings.changeDeadlineHours);
      await repo.updateAppointment(trx, appointmentId, {
        status: 'cancelled',
        cancelled_at: now,
        sequence: a.sequence + 1,
      });
      // Voucher before seat: bookings lock voucher then sitting, so the same order here.
      if (a.voucher_id !== null) await repo.returnVoucher(trx, a.voucher_id);
      await repo.releaseSeat(trx, a.sitting_id);
      await recordAudit(trx, {
        actorUserId: userId,
        action: 'scheduling.appointment_cancelled',
        subjectType: 'appointment',
        subjectId: appointmentId,
        details: { sittingId: a.sitting_id, voucherReturned: a.voucher_id !== null },
      });
      await this.afterChange(
        trx,
        appointmentId,
        'cancelled',
        contact,
        program,
        defs,
        settings.changeDeadlineHours,
        now,
      );
    });
  }

  private assertChangeable(status: string, startsAt: Date, now: Date, hours: number): void {
    if (status !== 'booked') {
      throw new AppError('APPOINTMENT_NOT_BOOKED', 409, 'scheduling.e.notBooked');
    }
    if (!canChange(startsAt, now, hours)) {
      throw new AppError('CHANGE_DEADLINE_PASSED', 409, 'scheduling.e.deadlinePassed', { hours });
    }
  }

  private async checkRetake(
    userId: number,
    exam: ExamDefinition,
    at: Date,
    locale: string,
    timeZone: string,
  ): Promise<void> {
    const history = await this.deps.progress.history(userId, { examCode: exam.code });
    const attempts = history
      .filter((r) => r.status === 'valid')
      .map((r) => ({ takenAt: r.takenAt, passed: r.passed, version: r.examVersion }));
    const eligibility = retakeEligibility(exam.retake, attempts, at);
    if (eligibility.blocked === 'passed') {
      throw new ValidationError([
        { field: 'sitting', messageKey: 'scheduling.e.passed', params: { exam: exam.code } },
      ]);
    }
    if (eligibility.allowedFrom) {
      throw new ValidationError([
        {
          field: 'sitting',
          messageKey: 'scheduling.e.retakeFrom',
          params: {
            exam: exam.code,
            date: formatDate(eligibility.allowedFrom, { locale, timeZone }),
          },
        },
      ]);
    }
  }

  /** The email (with calendar file) and, for a booked appointment, its reminder job. */
  private async afterChange(
    trx: Transaction<DB>,
    appointmentId: number,
    kind: AppointmentMailKind,
    contact: NonNullable<Awaited<ReturnType<typeof repo.userContact>>>,
    program: ProgramInfo,
    defs: ProgramDefinitions,
    deadlineHours: number,
    now: Date,
  ): Promise<void> {
    const row = await repo.appointmentById(trx, appointmentId);
    if (!row) throw notFound();
    const view = toAppointmentView(row, defs, deadlineHours, now);
    await sendAppointmentEmail(
      trx,
      program,
      this.deps.publicUrl,
      {
        userId: contact.id,
        email: contact.email,
        name: `${contact.given_name} ${contact.family_name}`.trim(),
        locale: contact.locale,
      },
      view,
      kind,
    );
    if (kind !== 'cancelled') {
      const runAt = new Date(view.startsAt.getTime() - REMINDER_BEFORE_MS);
      if (runAt.getTime() > now.getTime()) {
        await enqueueJob(
          trx,
          REMINDER_JOB,
          { appointmentId, sequence: view.sequence },
          { runAt, dedupeKey: `${REMINDER_JOB}:${appointmentId}:${view.sequence}` },
        );
      }
    }
  }

  /** The reminder job: only for an appointment still booked and unchanged since it was queued. */
  async sendReminder(payload: { appointmentId?: number; sequence?: number }): Promise<boolean> {
    const id = Number(payload.appointmentId);
    if (!Number.isSafeInteger(id)) return false;
    const [defs, program, settings] = await Promise.all([
      this.deps.catalog.definitions(),
      this.deps.program(),
      repo.settings(this.db),
    ]);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.appointmentById(trx, id);
      if (!row || row.status !== 'booked' || row.sequence !== payload.sequence) return false;
      if (row.starts_at.getTime() <= Date.now()) return false;
      const contact = await repo.userContact(trx, row.user_id);
      if (!contact) return false;
      await sendAppointmentEmail(
        trx,
        program,
        this.deps.publicUrl,
        {
          userId: contact.id,
          email: contact.email,
          name: `${contact.given_name} ${contact.family_name}`.trim(),
          locale: contact.locale,
        },
        toAppointmentView(row, defs, settings.changeDeadlineHours, new Date()),
        'reminder',
      );
      return true;
    });
  }

  private newUid(): string {
    let host = 'laurel';
    try {
      host = new URL(this.deps.publicUrl).hostname || host;
    } catch {
      // keep the default
    }
    return `${crypto.randomUUID()}@${host}`;
  }

  /** A unique-key race (two bookings of one exam by one candidate) becomes a field problem. */
  private async withUniqueGuard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const e = error as { code?: string; constraint?: string; message?: string };
      if (
        e.code === '23505' &&
        String(e.constraint ?? e.message).includes('appointments_one_booked_key')
      ) {
        throw new ValidationError([
          { field: 'sitting', messageKey: 'scheduling.e.alreadyBookedShort' },
        ]);
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------- vouchers

  async createBatch(actor: Actor, input: BatchInput, now = new Date()): Promise<number> {
    const defs = await this.deps.catalog.definitions();
    const problems: FieldProblem[] = [];
    const name = (input.name ?? '').trim();
    if (!name || name.length > 200)
      problems.push({ field: 'name', messageKey: 'scheduling.v.batchName' });
    const count = wholeNumber(input.count, 1, MAX_BATCH);
    if (count === undefined) {
      problems.push({
        field: 'count',
        messageKey: 'scheduling.v.count',
        params: { max: MAX_BATCH },
      });
    }
    const exams = this.examsFromCodes(defs, list(input.exams), problems, 'exams');
    const percent = wholeNumber(input.discountPercent, 1, 100);
    if (percent === undefined)
      problems.push({ field: 'discountPercent', messageKey: 'scheduling.v.percent' });
    const expiresOn = (input.expiresOn ?? '').trim();
    const expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(expiresOn)
      ? new Date(`${expiresOn}T23:59:59.999Z`)
      : undefined;
    if (
      !expiresAt ||
      Number.isNaN(expiresAt.getTime()) ||
      expiresAt.toISOString().slice(0, 10) !== expiresOn
    ) {
      problems.push({ field: 'expiresOn', messageKey: 'scheduling.v.expiresOn' });
    } else if (expiresAt.getTime() <= now.getTime()) {
      problems.push({ field: 'expiresOn', messageKey: 'scheduling.v.expiresPast' });
    }
    const domainText = (input.emailDomain ?? '').trim();
    const emailDomain = domainText ? normalizeEmailDomain(domainText) : null;
    if (emailDomain === undefined)
      problems.push({ field: 'emailDomain', messageKey: 'scheduling.v.domain' });
    if (
      problems.length > 0 ||
      count === undefined ||
      percent === undefined ||
      !expiresAt ||
      emailDomain === undefined
    ) {
      throw new ValidationError(problems);
    }
    const codes = new Set<string>();
    while (codes.size < count) codes.add(generateVoucherCode());
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertBatch(
        trx,
        {
          name,
          discount_percent: percent,
          expires_at: expiresAt,
          email_domain: emailDomain,
          created_by: actor.userId,
        },
        exams.map((e) => e.id),
        [...codes],
      );
      await recordAudit(trx, {
        actorUserId: actor.userId,
        action: 'scheduling.voucher_batch_created',
        subjectType: 'voucher_batch',
        subjectId: id,
        details: { name, count, exams: exams.map((e) => e.code), percent, expiresOn, emailDomain },
      });
      return id;
    });
  }

  async batches(): Promise<VoucherBatchSummary[]> {
    return (await repo.batches(this.db)).map((b) => ({
      id: b.id,
      name: b.name,
      discountPercent: b.discount_percent,
      expiresAt: b.expires_at,
      emailDomain: b.email_domain,
      createdAt: b.created_at,
      total: Number(b.total ?? 0),
      used: Number(b.used ?? 0),
    }));
  }

  async batch(id: number): Promise<VoucherBatchDetail> {
    const b = await repo.batchById(this.db, id);
    if (!b) throw notFound();
    const [defs, examIds, vouchers] = await Promise.all([
      this.deps.catalog.definitions(),
      repo.batchExamIds(this.db, id),
      repo.vouchersOfBatch(this.db, id),
    ]);
    const code = (examId: number | null) =>
      examId === null ? null : (defs.examsById.get(examId)?.code ?? null);
    const uses = new Map<string, number>();
    for (const v of vouchers) {
      const c = code(v.exam_id);
      if (v.used_at && c) uses.set(c, (uses.get(c) ?? 0) + 1);
    }
    return {
      id: b.id,
      name: b.name,
      discountPercent: b.discount_percent,
      expiresAt: b.expires_at,
      emailDomain: b.email_domain,
      createdAt: b.created_at,
      total: vouchers.length,
      used: vouchers.filter((v) => v.used_at !== null).length,
      exams: examIds.flatMap((eid) => {
        const e = defs.examsById.get(eid);
        return e ? [{ code: e.code, title: e.title }] : [];
      }),
      vouchers: vouchers.map((v) => ({
        code: v.code,
        usedAt: v.used_at,
        candidateNumber: v.used_at ? v.candidate_number : null,
        candidateName:
          v.used_at && v.given_name ? `${v.given_name} ${v.family_name ?? ''}`.trim() : null,
        examCode: v.used_at ? code(v.exam_id) : null,
        confirmationNumber: v.used_at ? v.confirmation_number : null,
        appointmentStatus: v.used_at ? v.appointment_status : null,
      })),
      usesByExam: [...uses]
        .map(([c, count]) => ({ code: c, count }))
        .sort((x, y) => x.code.localeCompare(y.code)),
    };
  }
}

const VOUCHER_MESSAGES = {
  used: 'scheduling.e.voucherUsed',
  expired: 'scheduling.e.voucherExpired',
  wrong_exam: 'scheduling.e.voucherWrongExam',
  wrong_domain: 'scheduling.e.voucherWrongDomain',
} as const;

const fullError = () =>
  new ValidationError([{ field: 'sitting', messageKey: 'scheduling.e.full' }]);

function toCenterView(
  row: NonNullable<Awaited<ReturnType<typeof repo.centerById>>>,
): TestCenterView {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    city: row.city,
    country: row.country,
    timeZone: row.time_zone,
    accessibility: row.accessibility,
    active: row.active,
  };
}

function toSittingView(
  row: NonNullable<Awaited<ReturnType<typeof repo.sittingById>>>,
  examIds: readonly number[],
  defs: ProgramDefinitions,
): SittingView {
  return {
    id: row.id,
    delivery: row.delivery,
    startsAt: row.starts_at,
    durationMinutes: row.duration_minutes,
    timeZone: row.time_zone,
    seats: row.seats,
    booked: row.booked,
    free: Math.max(0, row.seats - row.booked),
    status: row.status,
    notes: row.notes,
    testCenterId: row.test_center_id,
    place:
      row.delivery === 'test_center' && row.center_name !== null
        ? {
            name: row.center_name,
            address: row.center_address ?? '',
            city: row.center_city ?? '',
            country: row.center_country ?? '',
            accessibility: row.center_accessibility ?? '',
          }
        : null,
    exams: examIds.flatMap((id) => {
      const e = defs.examsById.get(id);
      return e ? [{ id: e.id, code: e.code, title: e.title }] : [];
    }),
  };
}

export function toAppointmentView(
  row: repo.AppointmentRow,
  defs: ProgramDefinitions,
  deadlineHours: number,
  now: Date,
): AppointmentView {
  const exam = defs.examsById.get(row.exam_id);
  const builtIn = row.sitting_id !== null;
  return {
    id: row.id,
    userId: row.user_id,
    examId: row.exam_id,
    examCode: exam?.code ?? '',
    examTitle: exam?.title ?? '',
    confirmationNumber: row.confirmation_number,
    calendarUid: row.calendar_uid,
    sequence: row.sequence,
    status: row.status,
    startsAt: row.starts_at,
    durationMinutes: row.duration_minutes,
    timeZone: row.time_zone,
    delivery: builtIn ? (row.delivery ?? 'test_center') : 'provider',
    sittingId: row.sitting_id,
    place:
      builtIn && row.center_name !== null
        ? {
            name: row.center_name,
            address: row.center_address ?? '',
            city: row.center_city ?? '',
            country: row.center_country ?? '',
            accessibility: row.center_accessibility ?? '',
          }
        : null,
    providerName: row.provider_name,
    location: row.location,
    voucherCode: row.voucher_code,
    priceCents: row.price_cents,
    currency: row.currency,
    changeDeadline: builtIn ? changeDeadline(row.starts_at, deadlineHours) : null,
    changeable: builtIn && row.status === 'booked' && canChange(row.starts_at, now, deadlineHours),
  };
}
