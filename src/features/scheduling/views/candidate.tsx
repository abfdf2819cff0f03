import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { AppointmentView, SittingView } from '../scheduling.types.ts';
import { AppointmentStatusTag, SeatsText, appointmentPlace, sittingPlace, when } from './parts.tsx';

export interface FindFilter {
  exam: string;
  country: string;
  city: string;
  from: string;
  to: string;
  delivery: string;
}

export interface ProviderExam {
  examCode: string;
  examTitle: string;
  providerName: string;
}

export interface ExamsPageProps {
  ctx: PageContext;
  upcoming: AppointmentView[];
  past: AppointmentView[];
  exams: { code: string; title: string }[];
  countries: { value: string; label: string }[];
  filter: FindFilter;
  /** Null until the candidate searched. */
  results: SittingView[] | null;
  providerExams: ProviderExam[];
}

/** My exams: upcoming and past appointments, then the search for a sitting to book. */
export function ExamsPage(p: ExamsPageProps): JSX.Element {
  const { ctx } = p;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.exams.title')} wide>
      <PageHeading title={t('scheduling.exams.title')} lead={t('scheduling.exams.lead')} />
      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title" safe>
          {t('scheduling.exams.upcoming')}
        </h2>
        {p.upcoming.length === 0 ? (
          <p class="empty" safe>
            {t('scheduling.exams.noUpcoming')}
          </p>
        ) : (
          <AppointmentTable ctx={ctx} rows={p.upcoming} />
        )}
      </section>

      {p.providerExams.length > 0 ? (
        <section aria-labelledby="providers-title">
          <h2 id="providers-title" safe>
            {t('scheduling.exams.providerTitle')}
          </h2>
          <p safe>{t('scheduling.exams.providerLead')}</p>
          <ul class="link-list">
            {p.providerExams.map((e) => (
              <li>
                <a href={`/exams/providers/${encodeURIComponent(e.examCode)}/register`} safe>
                  {t('scheduling.handoff.link', {
                    exam: `${e.examCode} ${e.examTitle}`,
                    provider: e.providerName,
                  })}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        ''
      )}

      <section aria-labelledby="find-title">
        <h2 id="find-title" safe>
          {t('scheduling.find.title')}
        </h2>
        <FindForm ctx={ctx} exams={p.exams} countries={p.countries} filter={p.filter} />
        {p.results === null ? (
          ''
        ) : p.results.length === 0 ? (
          <p class="empty" role="status" safe>
            {t('scheduling.find.none')}
          </p>
        ) : (
          <SittingResults ctx={ctx} rows={p.results} exam={p.filter.exam} />
        )}
      </section>

      {p.past.length > 0 ? (
        <section aria-labelledby="past-title">
          <h2 id="past-title" safe>
            {t('scheduling.exams.past')}
          </h2>
          <AppointmentTable ctx={ctx} rows={p.past} />
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}

function AppointmentTable({
  ctx,
  rows,
}: {
  ctx: PageContext;
  rows: AppointmentView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col" safe>
              {t('scheduling.col.exam')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.when')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.where')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.confirmation')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.status')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr>
              <td>
                <a href={`/exams/appointments/${a.id}`} safe>
                  {`${a.examCode} ${a.examTitle}`}
                </a>
              </td>
              <td safe>{when(ctx, a.startsAt, a.timeZone)}</td>
              <td safe>{appointmentPlace(ctx, a)}</td>
              <td class="mono" safe>
                {a.confirmationNumber}
              </td>
              <td>
                <AppointmentStatusTag ctx={ctx} status={a.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FindForm({
  ctx,
  exams,
  countries,
  filter,
}: {
  ctx: PageContext;
  exams: { code: string; title: string }[];
  countries: { value: string; label: string }[];
  filter: FindFilter;
}): JSX.Element {
  const { t } = ctx;
  return (
    <form method="get" action="/exams" class="search-form" aria-labelledby="find-title">
      <input type="hidden" name="find" value="1" />
      <div class="field">
        <label class="field__label" for="f-exam" safe>
          {t('scheduling.find.exam')}
        </label>
        <select class="select" id="f-exam" name="exam">
          <option value="" safe>
            {t('scheduling.find.anyExam')}
          </option>
          {exams.map((e) => (
            <option value={e.code} selected={e.code === filter.exam} safe>
              {`${e.code} – ${e.title}`}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label class="field__label" for="f-delivery" safe>
          {t('scheduling.find.delivery')}
        </label>
        <select class="select" id="f-delivery" name="delivery">
          <option value="" safe>
            {t('scheduling.find.anyDelivery')}
          </option>
          <option value="test_center" selected={filter.delivery === 'test_center'} safe>
            {t('scheduling.delivery.test_center')}
          </option>
          <option value="online_proctored" selected={filter.delivery === 'online_proctored'} safe>
            {t('scheduling.delivery.online_proctored')}
          </option>
        </select>
      </div>
      <div class="field">
        <label class="field__label" for="f-country" safe>
          {t('scheduling.find.country')}
        </label>
        <select class="select" id="f-country" name="country">
          <option value="" safe>
            {t('scheduling.find.anyCountry')}
          </option>
          {countries.map((c) => (
            <option value={c.value} selected={c.value === filter.country} safe>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label class="field__label" for="f-city" safe>
          {t('scheduling.find.city')}
        </label>
        <input
          class="input input--medium"
          id="f-city"
          name="city"
          value={filter.city}
          maxlength={100}
        />
      </div>
      <div class="field">
        <label class="field__label" for="f-from" safe>
          {t('scheduling.find.from')}
        </label>
        <input
          class="input input--medium"
          id="f-from"
          name="from"
          type="date"
          value={filter.from}
        />
      </div>
      <div class="field">
        <label class="field__label" for="f-to" safe>
          {t('scheduling.find.to')}
        </label>
        <input class="input input--medium" id="f-to" name="to" type="date" value={filter.to} />
      </div>
      <div class="button-row">
        <button type="submit" class="button" safe>
          {t('scheduling.find.submit')}
        </button>
      </div>
    </form>
  );
}

function SittingResults({
  ctx,
  rows,
  exam,
}: {
  ctx: PageContext;
  rows: SittingView[];
  exam: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <div class="table-wrap">
      <table class="table" aria-label={t('scheduling.find.results')}>
        <thead>
          <tr>
            <th scope="col" safe>
              {t('scheduling.col.when')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.where')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.exam')}
            </th>
            <th scope="col" safe>
              {t('scheduling.col.seats')}
            </th>
            <th scope="col">
              <span class="visually-hidden" safe>
                {t('scheduling.col.action')}
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr>
              <td safe>{when(ctx, s.startsAt, s.timeZone)}</td>
              <td safe>{sittingPlace(ctx, s)}</td>
              <td safe>{s.exams.map((e) => e.code).join(', ')}</td>
              <td>
                <SeatsText ctx={ctx} s={s} />
              </td>
              <td>
                {s.free > 0
                  ? s.exams
                      .filter((e) => !exam || e.code === exam)
                      .map((e) => (
                        <a
                          class="button button--small"
                          href={`/exams/sittings/${s.id}/book?exam=${encodeURIComponent(e.code)}`}
                          safe
                        >
                          {t('scheduling.find.book', { exam: e.code })}
                        </a>
                      ))
                  : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Check your answers before booking, with the voucher field. */
export function BookPage({
  ctx,
  sitting,
  exam,
  price,
  deadlineHours,
  form,
}: {
  ctx: PageContext;
  sitting: SittingView;
  exam: { code: string; title: string };
  price: string | null;
  deadlineHours: number;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.book.title')}>
      <PageHeading title={t('scheduling.book.title')} lead={t('scheduling.book.lead')} />
      <ErrorSummary ctx={ctx} form={form} order={['sitting', 'voucher']} />
      {form.errors.sitting ? (
        <p class="field__error" id="f-sitting" safe>
          {form.errors.sitting}
        </p>
      ) : (
        ''
      )}
      <dl class="summary-list">
        <dt safe>{t('scheduling.col.exam')}</dt>
        <dd safe>{`${exam.code} ${exam.title}`}</dd>
        <dt safe>{t('scheduling.col.when')}</dt>
        <dd safe>{when(ctx, sitting.startsAt, sitting.timeZone)}</dd>
        <dt safe>{t('scheduling.col.where')}</dt>
        <dd safe>{sittingPlace(ctx, sitting)}</dd>
        {sitting.place?.accessibility ? (
          <>
            <dt safe>{t('scheduling.col.accessibility')}</dt>
            <dd safe>{sitting.place.accessibility}</dd>
          </>
        ) : (
          ''
        )}
        <dt safe>{t('scheduling.col.seats')}</dt>
        <dd>
          <SeatsText ctx={ctx} s={sitting} />
        </dd>
        {price ? (
          <>
            <dt safe>{t('scheduling.col.price')}</dt>
            <dd safe>{price}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <p safe>{t('scheduling.book.policy', { hours: deadlineHours })}</p>
      <form method="post" action={`/exams/sittings/${sitting.id}/book`} novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="exam" value={exam.code} />
        <TextField
          name="voucher"
          label={t('scheduling.book.voucher')}
          hint={t('scheduling.book.voucherHint')}
          form={form}
          width="medium"
          autocomplete="off"
          spellcheck={false}
          maxlength={40}
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('scheduling.book.submit')}
          </button>
          <a href="/exams" safe>
            {t('scheduling.back')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

export function AppointmentPage({ ctx, a }: { ctx: PageContext; a: AppointmentView }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={`${a.examCode} ${a.examTitle}`}>
      <p class="breadcrumb">
        <a href="/exams" safe>
          {t('scheduling.exams.title')}
        </a>
      </p>
      <PageHeading title={`${a.examCode} ${a.examTitle}`} />
      <dl class="summary-list">
        <dt safe>{t('scheduling.col.status')}</dt>
        <dd>
          <AppointmentStatusTag ctx={ctx} status={a.status} />
        </dd>
        <dt safe>{t('scheduling.col.confirmation')}</dt>
        <dd class="mono" safe>
          {a.confirmationNumber}
        </dd>
        <dt safe>{t('scheduling.col.when')}</dt>
        <dd safe>{when(ctx, a.startsAt, a.timeZone)}</dd>
        <dt safe>{t('scheduling.col.duration')}</dt>
        <dd safe>{t('scheduling.minutes', { n: a.durationMinutes })}</dd>
        <dt safe>{t('scheduling.col.where')}</dt>
        <dd safe>{appointmentPlace(ctx, a)}</dd>
        {a.place?.accessibility ? (
          <>
            <dt safe>{t('scheduling.col.accessibility')}</dt>
            <dd safe>{a.place.accessibility}</dd>
          </>
        ) : (
          ''
        )}
        {a.voucherCode ? (
          <>
            <dt safe>{t('scheduling.col.voucher')}</dt>
            <dd class="mono" safe>
              {a.voucherCode}
            </dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <div class="button-row">
        <a class="button button--secondary" href={`/exams/appointments/${a.id}/calendar.ics`} safe>
          {t('scheduling.appointment.addToCalendar')}
        </a>
      </div>
      {a.delivery === 'provider' ? (
        <p safe>
          {t('scheduling.appointment.providerManaged', { provider: a.providerName ?? '' })}
        </p>
      ) : a.changeable && a.changeDeadline ? (
        <>
          <p safe>
            {t('scheduling.appointment.changeUntil', {
              deadline: when(ctx, a.changeDeadline, a.timeZone),
            })}
          </p>
          <div class="button-row">
            <a class="button" href={`/exams/appointments/${a.id}/reschedule`} safe>
              {t('scheduling.appointment.reschedule')}
            </a>
            <a class="button button--danger" href={`/exams/appointments/${a.id}/cancel`} safe>
              {t('scheduling.appointment.cancel')}
            </a>
          </div>
        </>
      ) : a.status === 'booked' ? (
        <p safe>{t('scheduling.appointment.tooLate')}</p>
      ) : (
        ''
      )}
    </Layout>
  );
}

export function ReschedulePage({
  ctx,
  a,
  sittings,
  form,
}: {
  ctx: PageContext;
  a: AppointmentView;
  sittings: SittingView[];
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  const others = sittings.filter((s) => s.id !== a.sittingId);
  return (
    <Layout ctx={ctx} title={t('scheduling.reschedule.title')} wide>
      <PageHeading
        title={t('scheduling.reschedule.title')}
        lead={t('scheduling.reschedule.lead', {
          exam: `${a.examCode} ${a.examTitle}`,
          when: when(ctx, a.startsAt, a.timeZone),
        })}
      />
      <ErrorSummary ctx={ctx} form={form} order={['sitting']} />
      {others.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.reschedule.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('scheduling.col.when')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.where')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.seats')}
                </th>
                <th scope="col">
                  <span class="visually-hidden" safe>
                    {t('scheduling.col.action')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {others.map((s) => (
                <tr>
                  <td safe>{when(ctx, s.startsAt, s.timeZone)}</td>
                  <td safe>{sittingPlace(ctx, s)}</td>
                  <td>
                    <SeatsText ctx={ctx} s={s} />
                  </td>
                  <td>
                    {s.free > 0 ? (
                      <form
                        method="post"
                        action={`/exams/appointments/${a.id}/reschedule`}
                        class="inline-form"
                      >
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="sitting" value={String(s.id)} />
                        <button
                          type="submit"
                          class="button button--small"
                          aria-label={t('scheduling.reschedule.moveTo', {
                            when: when(ctx, s.startsAt, s.timeZone),
                          })}
                          safe
                        >
                          {t('scheduling.reschedule.move')}
                        </button>
                      </form>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href={`/exams/appointments/${a.id}`} safe>
          {t('scheduling.back')}
        </a>
      </p>
    </Layout>
  );
}

export function CancelPage({
  ctx,
  a,
  voucherBack,
}: {
  ctx: PageContext;
  a: AppointmentView;
  voucherBack: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.cancel.title')}>
      <PageHeading
        title={t('scheduling.cancel.title')}
        lead={t('scheduling.cancel.lead', {
          exam: `${a.examCode} ${a.examTitle}`,
          when: when(ctx, a.startsAt, a.timeZone),
        })}
      />
      {voucherBack ? <p safe>{t('scheduling.cancel.voucherBack')}</p> : ''}
      <form method="post" action={`/exams/appointments/${a.id}/cancel`}>
        <CsrfField ctx={ctx} />
        <div class="button-row">
          <button type="submit" class="button button--danger" safe>
            {t('scheduling.cancel.submit')}
          </button>
          <a href={`/exams/appointments/${a.id}`} safe>
            {t('scheduling.cancel.keep')}
          </a>
        </div>
      </form>
    </Layout>
  );
}
