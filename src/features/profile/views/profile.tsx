import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  fieldId,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { countryName, countryOptions } from '../../../platform/i18n/countries.ts';
import { supportedLocales, type MessageKey } from '../../../platform/i18n/i18n.ts';
import { addressFormat, type AddressField } from '../address-formats.ts';
import { formatPhone } from '../phone.ts';
import type { Contact } from '../profile-rules.ts';
import type { HistoryEntry, QuestionView } from '../profile.service.ts';

export interface AccountFacts {
  readonly candidateNumber: string;
  readonly name: string;
  readonly email: string;
}

/** The links between the profile's pages (and the privacy page). */
export function ProfileTabs({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  const tabs: [string, MessageKey][] = [
    ['/profile', 'profile.tab.contact'],
    ['/profile/demographics', 'profile.tab.demographics'],
    ['/profile/history', 'profile.tab.history'],
    ['/privacy', 'profile.tab.privacy'],
  ];
  return (
    <nav class="tabs" aria-label={t('profile.tabs')}>
      <ul>
        {tabs.map(([href, label]) => (
          <li>
            <a href={href} aria-current={ctx.path === href ? 'page' : undefined} safe>
              {t(label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

const ORDER = [
  'country',
  'addressLine1',
  'addressLine2',
  'city',
  'region',
  'postalCode',
  'phone',
  'company',
  'jobTitle',
  'locale',
  'timeZone',
];

export function contactFormValues(c: Contact): Record<string, string> {
  return {
    country: c.country,
    addressLine1: c.addressLine1 ?? '',
    addressLine2: c.addressLine2 ?? '',
    city: c.city ?? '',
    region: c.region ?? '',
    postalCode: c.postalCode ?? '',
    phone: c.phone ? formatPhone(c.phone) : '',
    company: c.company ?? '',
    jobTitle: c.jobTitle ?? '',
    locale: c.locale,
    timeZone: c.timeZone,
  };
}

export function ContactPage({
  ctx,
  account,
  form,
  confirmedAt,
  timeZones,
}: {
  ctx: PageContext;
  account: AccountFacts;
  form: FormState;
  confirmedAt: Date | null;
  timeZones: readonly string[];
}): JSX.Element {
  const { t } = ctx;
  const country = form.values.country ?? '';
  const format = addressFormat(country);
  const label = (field: AddressField): string => {
    if (field === 'region') return t(`profile.region.${format.regionLabel}`);
    if (field === 'postalCode') return t(`profile.postal.${format.postalLabel}`);
    return t(`profile.field.${field}`);
  };
  const autocomplete: Record<AddressField, string> = {
    addressLine1: 'address-line1',
    addressLine2: 'address-line2',
    city: 'address-level2',
    region: 'address-level1',
    postalCode: 'postal-code',
  };
  return (
    <Layout ctx={ctx} title={t('profile.title')}>
      <PageHeading title={t('profile.title')} lead={t('profile.lead')} />
      <ProfileTabs ctx={ctx} />
      <h2 safe>{t('profile.account')}</h2>
      <dl class="summary-list">
        <dt safe>{t('profile.candidateId')}</dt>
        <dd class="mono" safe>
          {account.candidateNumber}
        </dd>
        <dt safe>{t('profile.name')}</dt>
        <dd safe>{account.name}</dd>
        <dt safe>{t('profile.email')}</dt>
        <dd safe>{account.email}</dd>
      </dl>
      <p class="small">
        <span safe>{t('profile.accountHint')}</span>{' '}
        <a href="/account" safe>
          {t('profile.accountLink')}
        </a>
      </p>
      {confirmedAt ? (
        <p class="small" safe>
          {t('profile.lastConfirmed', { date: ctx.date(confirmedAt) })}
        </p>
      ) : (
        ''
      )}
      <ErrorSummary ctx={ctx} form={form} order={ORDER} />
      <form method="post" action="/profile" novalidate>
        <CsrfField ctx={ctx} />
        <fieldset>
          <legend class="h" safe>
            {t('profile.address')}
          </legend>
          <p class="field__hint" safe>
            {t('profile.addressHint')}
          </p>
          <SelectField
            name="country"
            label={t('profile.country')}
            form={form}
            options={countryOptions(ctx.locale)}
            autocomplete="country"
          />
          <p>
            <button
              type="submit"
              name="intent"
              value="country"
              class="button button--secondary button--small"
              safe
            >
              {t('profile.countryUpdate')}
            </button>
          </p>
          {format.fields.map((field) => (
            <TextField
              name={field}
              label={label(field)}
              form={form}
              autocomplete={autocomplete[field]}
              maxlength={field === 'postalCode' ? 20 : 200}
              width={field === 'postalCode' ? 'short' : 'full'}
              {...(field === 'postalCode' && format.postalExample
                ? { hint: t('profile.postalHint', { example: format.postalExample }) }
                : {})}
            />
          ))}
        </fieldset>
        <fieldset>
          <legend class="h" safe>
            {t('profile.work')}
          </legend>
          <TextField
            name="phone"
            label={t('profile.field.phone')}
            hint={t('profile.phoneHint')}
            form={form}
            type="tel"
            autocomplete="tel"
            maxlength={40}
            width="medium"
          />
          <TextField
            name="company"
            label={t('profile.field.company')}
            form={form}
            autocomplete="organization"
            maxlength={200}
          />
          <TextField
            name="jobTitle"
            label={t('profile.field.jobTitle')}
            form={form}
            autocomplete="organization-title"
            maxlength={200}
          />
        </fieldset>
        <fieldset>
          <legend class="h" safe>
            {t('profile.preferences')}
          </legend>
          <SelectField
            name="locale"
            label={t('profile.field.locale')}
            form={form}
            options={supportedLocales.map((l) => ({
              value: l,
              label: t(`profile.language.${l}` as MessageKey),
            }))}
          />
          <SelectField
            name="timeZone"
            label={t('profile.field.timeZone')}
            hint={t('profile.timeZoneHint')}
            form={form}
            options={timeZones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }))}
          />
        </fieldset>
        <div class="button-row">
          <button type="submit" name="intent" value="save" class="button" safe>
            {t('profile.save')}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function DemographicsPage({
  ctx,
  questions,
  form,
}: {
  ctx: PageContext;
  questions: readonly QuestionView[];
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('profile.demographics.title')}>
      <PageHeading title={t('profile.demographics.title')} lead={t('profile.demographics.lead')} />
      <ProfileTabs ctx={ctx} />
      {questions.length === 0 ? (
        <p class="empty-state" safe>
          {t('profile.demographics.empty')}
        </p>
      ) : (
        <>
          <ErrorSummary ctx={ctx} form={form} order={questions.map((q) => `q${q.id}`)} />
          <form method="post" action="/profile/demographics" novalidate>
            <CsrfField ctx={ctx} />
            {questions.map((q) => (
              <SelectField
                name={`q${q.id}`}
                label={
                  q.required ? q.prompt : t('profile.demographics.optional', { prompt: q.prompt })
                }
                form={form}
                placeholder={
                  q.required
                    ? t('profile.demographics.choose')
                    : t('profile.demographics.preferNot')
                }
                options={q.options.map((o) => ({ value: o, label: o }))}
              />
            ))}
            <div class="button-row">
              <button type="submit" class="button" safe>
                {t('profile.demographics.save')}
              </button>
            </div>
          </form>
        </>
      )}
    </Layout>
  );
}

export function HistoryPage({
  ctx,
  entries,
}: {
  ctx: PageContext;
  entries: readonly HistoryEntry[];
}): JSX.Element {
  const { t } = ctx;
  const fieldLabel = (e: HistoryEntry) =>
    e.kind === 'answer' ? e.field : t(`profile.field.${e.field}` as MessageKey);
  const value = (e: HistoryEntry, v: string | null) => {
    if (v === null) return t('profile.history.blank');
    if (e.kind === 'contact' && e.field === 'country') return countryName(v, ctx.locale);
    if (e.kind === 'contact' && e.field === 'phone') return formatPhone(v);
    return v;
  };
  return (
    <Layout ctx={ctx} title={t('profile.history.title')}>
      <PageHeading title={t('profile.history.title')} lead={t('profile.history.lead')} />
      <ProfileTabs ctx={ctx} />
      {entries.length === 0 ? (
        <p class="empty-state" safe>
          {t('profile.history.empty')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('profile.history.when')}
                </th>
                <th scope="col" safe>
                  {t('profile.history.what')}
                </th>
                <th scope="col" safe>
                  {t('profile.history.from')}
                </th>
                <th scope="col" safe>
                  {t('profile.history.to')}
                </th>
                <th scope="col" safe>
                  {t('profile.history.by')}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <td safe>{ctx.dateTime(e.at)}</td>
                  <td safe>{fieldLabel(e)}</td>
                  <td safe>{value(e, e.old)}</td>
                  <td safe>{value(e, e.new)}</td>
                  <td safe>
                    {e.by === 'self' ? t('profile.history.self') : t('profile.history.staff')}
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

export function ReviewPage({
  ctx,
  contact,
  next,
}: {
  ctx: PageContext;
  contact: Contact;
  next: string;
}): JSX.Element {
  const { t } = ctx;
  const none = t('profile.review.none');
  const address = [
    contact.addressLine1,
    contact.addressLine2,
    contact.city,
    contact.region,
    contact.postalCode,
    countryName(contact.country, ctx.locale),
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <Layout ctx={ctx} title={t('profile.review.title')}>
      <PageHeading title={t('profile.review.title')} lead={t('profile.review.lead')} />
      <dl class="summary-list">
        <dt safe>{t('profile.address')}</dt>
        <dd safe>{address}</dd>
        <dt safe>{t('profile.field.phone')}</dt>
        <dd safe>{contact.phone ? formatPhone(contact.phone) : none}</dd>
        <dt safe>{t('profile.field.company')}</dt>
        <dd safe>{contact.company ?? none}</dd>
        <dt safe>{t('profile.field.jobTitle')}</dt>
        <dd safe>{contact.jobTitle ?? none}</dd>
        <dt safe>{t('profile.field.timeZone')}</dt>
        <dd safe>{contact.timeZone}</dd>
      </dl>
      <form method="post" action="/profile/review">
        <CsrfField ctx={ctx} />
        <input type="hidden" name="next" value={next} />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('profile.review.confirm')}
          </button>
          <a class="button button--secondary" href="/profile" safe>
            {t('profile.review.edit')}
          </a>
          <a href={next} safe>
            {t('profile.review.later')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

export { fieldId };
