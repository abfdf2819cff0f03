import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  Checkbox,
  fieldId,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type {
  RosterEntry,
  SittingView,
  TestCenterView,
  VoucherBatchDetail,
  VoucherBatchSummary,
} from '../scheduling.types.ts';
import { AppointmentStatusTag, SeatsText, sittingPlace, when } from './parts.tsx';

type Option = { value: string; label: string };

function ConsoleNav({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <nav aria-label={t('scheduling.console.nav')} class="breadcrumb">
      <a href="/console/sittings" safe>
        {t('nav.sittings')}
      </a>{' '}
      ·{' '}
      <a href="/console/test-centers" safe>
        {t('scheduling.centers.title')}
      </a>{' '}
      ·{' '}
      <a href="/console/vouchers" safe>
        {t('nav.vouchers')}
      </a>{' '}
      ·{' '}
      <a href="/console/providers" safe>
        {t('scheduling.providers.title')}
      </a>{' '}
      ·{' '}
      <a href="/console/sittings/settings" safe>
        {t('scheduling.settings.title')}
      </a>
    </nav>
  );
}

/** A group of checkboxes with one legend and one error. */
export function CheckboxGroup({
  name,
  legend,
  hint,
  options,
  checked,
  form,
}: {
  name: string;
  legend: string;
  hint?: string;
  options: Option[];
  checked: readonly string[];
  form: FormState;
}): JSX.Element {
  const error = form.errors[name];
  return (
    <fieldset class={error ? 'field field--error' : 'field'} id={fieldId(name)} tabindex="-1">
      <legend class="field__label" safe>
        {legend}
      </legend>
      {hint ? (
        <div class="field__hint" safe>
          {hint}
        </div>
      ) : (
        ''
      )}
      {error ? (
        <p class="field__error">
          <span class="visually-hidden" safe>
            {`${form.errorPrefix ?? 'Error:'} `}
          </span>
          <span safe>{error}</span>
        </p>
      ) : (
        ''
      )}
      {options.map((o, i) => (
        <div class="checkbox">
          <input
            id={`${fieldId(name)}-${i}`}
            type="checkbox"
            name={name}
            value={o.value}
            checked={checked.includes(o.value)}
          />
          <label for={`${fieldId(name)}-${i}`} safe>
            {o.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export function SittingsPage({
  ctx,
  sittings,
  page,
  more,
}: {
  ctx: PageContext;
  sittings: SittingView[];
  page: number;
  more: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.sittings.title')} wide>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={t('scheduling.sittings.title')} lead={t('scheduling.sittings.lead')} />
      <p>
        <a class="button" href="/console/sittings/new" safe>
          {t('scheduling.sittings.new')}
        </a>
      </p>
      {sittings.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.sittings.none')}
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
                  {t('scheduling.col.exam')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.booked')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.seats')}
                </th>
              </tr>
            </thead>
            <tbody>
              {sittings.map((s) => (
                <tr>
                  <td>
                    <a href={`/console/sittings/${s.id}`} safe>
                      {when(ctx, s.startsAt, s.timeZone)}
                    </a>
                  </td>
                  <td safe>{sittingPlace(ctx, s)}</td>
                  <td safe>{s.exams.map((e) => e.code).join(', ')}</td>
                  <td safe>{`${s.booked} / ${s.seats}`}</td>
                  <td>
                    <SeatsText ctx={ctx} s={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pagination" aria-label={t('layout.pagination')}>
        {page > 1 ? (
          <a href={`/console/sittings?page=${page - 1}`} safe>
            {t('scheduling.previous')}
          </a>
        ) : (
          ''
        )}{' '}
        {more ? (
          <a href={`/console/sittings?page=${page + 1}`} safe>
            {t('scheduling.next')}
          </a>
        ) : (
          ''
        )}
      </nav>
    </Layout>
  );
}

export function SittingFormPage({
  ctx,
  form,
  centers,
  exams,
}: {
  ctx: PageContext;
  form: FormState;
  centers: TestCenterView[];
  exams: Option[];
}): JSX.Element {
  const { t } = ctx;
  const checked = (form.values.exams ?? '').split(',').filter(Boolean);
  return (
    <Layout ctx={ctx} title={t('scheduling.sittings.new')}>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={t('scheduling.sittings.new')} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={[
          'exams',
          'delivery',
          'testCenterId',
          'timeZone',
          'startsAt',
          'durationMinutes',
          'seats',
        ]}
      />
      <form method="post" action="/console/sittings/new" novalidate>
        <CsrfField ctx={ctx} />
        <CheckboxGroup
          name="exams"
          legend={t('scheduling.sittings.exams')}
          options={exams}
          checked={checked}
          form={form}
        />
        <SelectField
          name="delivery"
          label={t('scheduling.find.delivery')}
          form={form}
          options={[
            { value: 'test_center', label: t('scheduling.delivery.test_center') },
            { value: 'online_proctored', label: t('scheduling.delivery.online_proctored') },
          ]}
        />
        <SelectField
          name="testCenterId"
          label={t('scheduling.sittings.center')}
          hint={t('scheduling.sittings.centerHint')}
          form={form}
          placeholder={t('scheduling.sittings.noCenter')}
          options={centers
            .filter((c) => c.active)
            .map((c) => ({ value: String(c.id), label: `${c.name}, ${c.city} (${c.timeZone})` }))}
        />
        <TextField
          name="timeZone"
          label={t('scheduling.sittings.timeZone')}
          hint={t('scheduling.sittings.timeZoneHint')}
          form={form}
          width="medium"
        />
        <TextField
          name="startsAt"
          type={'datetime-local' as 'text'}
          label={t('scheduling.sittings.startsAt')}
          hint={t('scheduling.sittings.startsAtHint')}
          form={form}
          width="medium"
        />
        <TextField
          name="durationMinutes"
          label={t('scheduling.sittings.duration')}
          form={form}
          width="short"
          inputmode="numeric"
        />
        <TextField
          name="seats"
          label={t('scheduling.sittings.seats')}
          form={form}
          width="short"
          inputmode="numeric"
        />
        <TextField name="notes" label={t('scheduling.sittings.notes')} form={form} />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('scheduling.sittings.create')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function RosterPage({
  ctx,
  sitting,
  entries,
  now,
}: {
  ctx: PageContext;
  sitting: SittingView;
  entries: RosterEntry[];
  now: Date;
}): JSX.Element {
  const { t } = ctx;
  const started = sitting.startsAt.getTime() <= now.getTime();
  return (
    <Layout ctx={ctx} title={t('scheduling.roster.title')} wide>
      <link rel="stylesheet" href="/assets/scheduling.css" />
      <ConsoleNav ctx={ctx} />
      <PageHeading
        title={t('scheduling.roster.title')}
        lead={`${sitting.exams.map((e) => e.code).join(', ')} – ${when(ctx, sitting.startsAt, sitting.timeZone)} – ${sittingPlace(ctx, sitting)}`}
      />
      <p safe>{t('scheduling.roster.count', { booked: sitting.booked, seats: sitting.seats })}</p>
      <p class="button-row">
        <a
          class="button button--secondary"
          href={`/console/sittings/${sitting.id}/roster.csv`}
          safe
        >
          {t('scheduling.roster.csv')}
        </a>
      </p>
      {entries.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.roster.empty')}
        </p>
      ) : (
        <div class="table-wrap roster">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('scheduling.col.candidate')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.candidateId')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.exam')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.confirmation')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.status')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.signature')}
                </th>
                {started ? (
                  <th scope="col" class="no-print" safe>
                    {t('scheduling.col.attendance')}
                  </th>
                ) : (
                  ''
                )}
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <td safe>{e.name}</td>
                  <td class="mono" safe>
                    {e.candidateNumber}
                  </td>
                  <td safe>{e.examCode}</td>
                  <td class="mono" safe>
                    {e.confirmationNumber}
                  </td>
                  <td>
                    <AppointmentStatusTag ctx={ctx} status={e.status} />
                  </td>
                  <td class="signature-cell"></td>
                  {started ? (
                    <td class="no-print">
                      <form
                        method="post"
                        action={`/console/sittings/${sitting.id}/attendance`}
                        class="inline-form"
                      >
                        <CsrfField ctx={ctx} />
                        <input type="hidden" name="appointment" value={String(e.appointmentId)} />
                        <button
                          type="submit"
                          name="outcome"
                          value="completed"
                          class="button button--small"
                          aria-label={t('scheduling.roster.attendedFor', { name: e.name })}
                          safe
                        >
                          {t('scheduling.roster.attended')}
                        </button>{' '}
                        <button
                          type="submit"
                          name="outcome"
                          value="no_show"
                          class="button button--small button--secondary"
                          aria-label={t('scheduling.roster.noShowFor', { name: e.name })}
                          safe
                        >
                          {t('scheduling.roster.noShow')}
                        </button>
                      </form>
                    </td>
                  ) : (
                    ''
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function SettingsPage({ ctx, form }: { ctx: PageContext; form: FormState }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.settings.title')}>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={t('scheduling.settings.title')} />
      <ErrorSummary ctx={ctx} form={form} order={['changeDeadlineHours']} />
      <form method="post" action="/console/sittings/settings" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="changeDeadlineHours"
          label={t('scheduling.settings.deadline')}
          hint={t('scheduling.settings.deadlineHint')}
          form={form}
          width="short"
          inputmode="numeric"
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('scheduling.settings.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function CentersPage({
  ctx,
  centers,
}: {
  ctx: PageContext;
  centers: TestCenterView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.centers.title')} wide>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={t('scheduling.centers.title')} />
      <p>
        <a class="button" href="/console/test-centers/new" safe>
          {t('scheduling.centers.new')}
        </a>
      </p>
      {centers.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.centers.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('scheduling.centers.name')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.find.city')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.find.country')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.sittings.timeZone')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.col.status')}
                </th>
              </tr>
            </thead>
            <tbody>
              {centers.map((c) => (
                <tr>
                  <td>
                    <a href={`/console/test-centers/${c.id}`} safe>
                      {c.name}
                    </a>
                  </td>
                  <td safe>{c.city}</td>
                  <td safe>{c.country}</td>
                  <td safe>{c.timeZone}</td>
                  <td safe>
                    {c.active ? t('scheduling.centers.open') : t('scheduling.centers.closed')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function CenterFormPage({
  ctx,
  form,
  id,
  countries,
}: {
  ctx: PageContext;
  form: FormState;
  id: number | null;
  countries: Option[];
}): JSX.Element {
  const { t } = ctx;
  const title = id === null ? t('scheduling.centers.new') : t('scheduling.centers.edit');
  return (
    <Layout ctx={ctx} title={title}>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={title} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={['name', 'address', 'city', 'country', 'timeZone']}
      />
      <form
        method="post"
        action={id === null ? '/console/test-centers/new' : `/console/test-centers/${id}`}
        novalidate
      >
        <CsrfField ctx={ctx} />
        <TextField name="name" label={t('scheduling.centers.name')} form={form} maxlength={200} />
        <TextField
          name="address"
          label={t('scheduling.centers.address')}
          form={form}
          maxlength={500}
        />
        <TextField
          name="city"
          label={t('scheduling.find.city')}
          form={form}
          width="medium"
          maxlength={100}
        />
        <SelectField
          name="country"
          label={t('scheduling.find.country')}
          form={form}
          options={countries}
          placeholder=""
        />
        <TextField
          name="timeZone"
          label={t('scheduling.sittings.timeZone')}
          hint={t('scheduling.sittings.timeZoneHint')}
          form={form}
          width="medium"
        />
        <TextField
          name="accessibility"
          label={t('scheduling.centers.accessibility')}
          hint={t('scheduling.centers.accessibilityHint')}
          form={form}
          maxlength={2000}
        />
        {id !== null ? (
          <Checkbox
            name="active"
            label={<span safe>{t('scheduling.centers.activeLabel')}</span>}
            form={form}
          />
        ) : (
          ''
        )}
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('scheduling.centers.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function BatchesPage({
  ctx,
  batches,
}: {
  ctx: PageContext;
  batches: VoucherBatchSummary[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('scheduling.vouchers.title')} wide>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={t('scheduling.vouchers.title')} lead={t('scheduling.vouchers.lead')} />
      <p>
        <a class="button" href="/console/vouchers/new" safe>
          {t('scheduling.vouchers.new')}
        </a>
      </p>
      {batches.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.vouchers.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('scheduling.vouchers.name')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.vouchers.discount')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.vouchers.expires')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.vouchers.domain')}
                </th>
                <th scope="col" safe>
                  {t('scheduling.vouchers.used')}
                </th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr>
                  <td>
                    <a href={`/console/vouchers/${b.id}`} safe>
                      {b.name}
                    </a>
                  </td>
                  <td safe>{`${b.discountPercent} %`}</td>
                  <td safe>{ctx.date(b.expiresAt)}</td>
                  <td safe>{b.emailDomain ?? t('scheduling.vouchers.anyone')}</td>
                  <td safe>{`${b.used} / ${b.total}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function BatchFormPage({
  ctx,
  form,
  exams,
}: {
  ctx: PageContext;
  form: FormState;
  exams: Option[];
}): JSX.Element {
  const { t } = ctx;
  const checked = (form.values.exams ?? '').split(',').filter(Boolean);
  return (
    <Layout ctx={ctx} title={t('scheduling.vouchers.new')}>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={t('scheduling.vouchers.new')} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={['name', 'count', 'exams', 'discountPercent', 'expiresOn', 'emailDomain']}
      />
      <form method="post" action="/console/vouchers/new" novalidate>
        <CsrfField ctx={ctx} />
        <TextField name="name" label={t('scheduling.vouchers.name')} form={form} maxlength={200} />
        <TextField
          name="count"
          label={t('scheduling.vouchers.count')}
          form={form}
          width="short"
          inputmode="numeric"
        />
        <CheckboxGroup
          name="exams"
          legend={t('scheduling.vouchers.exams')}
          options={exams}
          checked={checked}
          form={form}
        />
        <TextField
          name="discountPercent"
          label={t('scheduling.vouchers.discount')}
          hint={t('scheduling.vouchers.discountHint')}
          form={form}
          width="short"
          inputmode="numeric"
        />
        <TextField
          name="expiresOn"
          type="date"
          label={t('scheduling.vouchers.expiresOn')}
          form={form}
          width="medium"
        />
        <TextField
          name="emailDomain"
          label={t('scheduling.vouchers.domain')}
          hint={t('scheduling.vouchers.domainHint')}
          form={form}
          width="medium"
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('scheduling.vouchers.create')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function BatchPage({
  ctx,
  batch,
}: {
  ctx: PageContext;
  batch: VoucherBatchDetail;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={batch.name} wide>
      <ConsoleNav ctx={ctx} />
      <PageHeading title={batch.name} />
      <dl class="summary-list">
        <dt safe>{t('scheduling.vouchers.exams')}</dt>
        <dd safe>{batch.exams.map((e) => e.code).join(', ')}</dd>
        <dt safe>{t('scheduling.vouchers.discount')}</dt>
        <dd safe>{`${batch.discountPercent} %`}</dd>
        <dt safe>{t('scheduling.vouchers.expires')}</dt>
        <dd safe>{ctx.date(batch.expiresAt)}</dd>
        <dt safe>{t('scheduling.vouchers.domain')}</dt>
        <dd safe>{batch.emailDomain ?? t('scheduling.vouchers.anyone')}</dd>
        <dt safe>{t('scheduling.vouchers.used')}</dt>
        <dd safe>{`${batch.used} / ${batch.total}`}</dd>
      </dl>
      <p class="button-row">
        <a class="button button--secondary" href={`/console/vouchers/${batch.id}/codes.csv`} safe>
          {t('scheduling.vouchers.csv')}
        </a>
      </p>
      <h2 safe>{t('scheduling.vouchers.report')}</h2>
      {batch.usesByExam.length === 0 ? (
        <p class="empty" safe>
          {t('scheduling.vouchers.noUses')}
        </p>
      ) : (
        <ul>
          {batch.usesByExam.map((u) => (
            <li safe>{t('scheduling.vouchers.usesFor', { exam: u.code, n: u.count })}</li>
          ))}
        </ul>
      )}
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col" safe>
                {t('scheduling.vouchers.code')}
              </th>
              <th scope="col" safe>
                {t('scheduling.vouchers.usedAt')}
              </th>
              <th scope="col" safe>
                {t('scheduling.col.candidate')}
              </th>
              <th scope="col" safe>
                {t('scheduling.col.exam')}
              </th>
              <th scope="col" safe>
                {t('scheduling.col.confirmation')}
              </th>
            </tr>
          </thead>
          <tbody>
            {batch.vouchers.map((v) => (
              <tr>
                <td class="mono" safe>
                  {v.code}
                </td>
                <td safe>{v.usedAt ? ctx.dateTime(v.usedAt) : t('scheduling.vouchers.unused')}</td>
                <td>
                  {v.candidateName ? (
                    <span safe>{`${v.candidateName} (${v.candidateNumber ?? ''})`}</span>
                  ) : (
                    ''
                  )}
                </td>
                <td safe>{v.examCode ?? ''}</td>
                <td class="mono" safe>
                  {v.confirmationNumber ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
