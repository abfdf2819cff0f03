import type { PageContext } from '../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  fieldId,
  type FormState,
} from '../../platform/html/forms.tsx';
import { Layout } from '../../platform/html/layout.tsx';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import type { AwardView } from '../progress/index.ts';
import {
  DEFAULT_EXPIRY_DAYS,
  EXPIRY_CHOICES,
  MAX_MESSAGE,
  type ShareInput,
} from './shares.rules.ts';
import type { SharePageView, ShareSummary } from './shares.service.ts';
import { PublicStatusTag, statusSentence } from './verification.views.tsx';

/** The candidate's share pages, and the page a share's recipient opens. */

const STATE_LABEL: Record<ShareSummary['state'], MessageKey> = {
  active: 'shares.state.active',
  expired: 'shares.state.expired',
  revoked: 'shares.state.revoked',
};

function what(
  ctx: PageContext,
  s: Pick<ShareSummary, 'scope' | 'includeHistory' | 'credentials'>,
): string {
  if (s.scope === 'transcript') {
    return ctx.t(s.includeHistory ? 'shares.what.transcriptHistory' : 'shares.what.transcript');
  }
  return s.credentials.map((c) => c.name).join(', ');
}

function FieldError({ form, name }: { form: FormState; name: string }): JSX.Element {
  const error = form.errors[name];
  if (!error) return '';
  return (
    <p class="field__error" id={`${fieldId(name)}-error`}>
      <span class="visually-hidden" safe>
        {`${form.errorPrefix ?? 'Error:'} `}
      </span>
      <span safe>{error}</span>
    </p>
  );
}

export function SharesListPage({
  ctx,
  shares,
}: {
  ctx: PageContext;
  shares: ShareSummary[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('shares.title')} wide>
      <PageHeading title={t('shares.title')} lead={t('shares.lead')} />
      <p>
        <a class="button" href="/shares/new" safe>
          {t('shares.new')}
        </a>
      </p>
      {shares.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('shares.none')}</p>
        </div>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden" safe>
              {t('shares.title')}
            </caption>
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('shares.recipient')}
                </th>
                <th scope="col" safe>
                  {t('shares.what')}
                </th>
                <th scope="col" safe>
                  {t('shares.sent')}
                </th>
                <th scope="col" safe>
                  {t('shares.link')}
                </th>
                <th scope="col" safe>
                  {t('shares.opened')}
                </th>
                <th scope="col">
                  <span class="visually-hidden" safe>
                    {t('shares.actions')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shares.map((s) => (
                <tr class={s.state === 'active' ? '' : 'row--revoked'}>
                  <td>
                    <span safe>{s.recipientName}</span>
                    <div class="small" safe>
                      {s.recipientEmail}
                    </div>
                  </td>
                  <td safe>{what(ctx, s)}</td>
                  <td safe>{ctx.date(s.createdAt)}</td>
                  <td>
                    <span safe>{t(STATE_LABEL[s.state])}</span>
                    <div class="small" safe>
                      {s.state === 'revoked'
                        ? t('shares.revokedOn', { date: ctx.date(s.revokedAt!) })
                        : s.state === 'expired'
                          ? t('shares.expiredOn', { date: ctx.date(s.expiresAt) })
                          : t('shares.expiresOn', { date: ctx.date(s.expiresAt) })}
                    </div>
                  </td>
                  <td safe>
                    {s.lastOpenedAt
                      ? t(s.openCount === 1 ? 'shares.openedOnce' : 'shares.openedSummary', {
                          count: s.openCount,
                          date: ctx.dateTime(s.lastOpenedAt),
                        })
                      : t('shares.notOpened')}
                  </td>
                  <td>
                    <a href={`/shares/${s.id}`} safe>
                      {t('shares.details')}
                    </a>
                    {s.state === 'active' ? (
                      <>
                        {' · '}
                        <a href={`/shares/${s.id}/revoke`} safe>
                          {t('shares.revoke')}
                        </a>
                      </>
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
    </Layout>
  );
}

export function ShareFormPage({
  ctx,
  awards,
  form,
  chosen,
}: {
  ctx: PageContext;
  awards: AwardView[];
  form: FormState;
  chosen: ReadonlySet<string>;
}): JSX.Element {
  const { t } = ctx;
  const scope = form.values.scope ?? 'awards';
  const days = form.values.expiresInDays ?? String(DEFAULT_EXPIRY_DAYS);
  return (
    <Layout ctx={ctx} title={t('shares.newTitle')}>
      <p class="breadcrumb">
        <a href="/shares" safe>
          {t('shares.back')}
        </a>
      </p>
      <PageHeading title={t('shares.newTitle')} lead={t('shares.newLead')} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={['scope', 'awards', 'recipientName', 'recipientEmail', 'message', 'expiresInDays']}
      />
      <form method="post" action="/shares/new" novalidate>
        <CsrfField ctx={ctx} />
        <div class={form.errors.scope ? 'field field--error' : 'field'}>
          <fieldset>
            <legend safe>{t('shares.scopeLegend')}</legend>
            <FieldError form={form} name="scope" />
            <div class="radios">
              <div class="radio">
                <input
                  type="radio"
                  id={fieldId('scope')}
                  name="scope"
                  value="awards"
                  checked={scope === 'awards'}
                />
                <label for={fieldId('scope')} safe>
                  {t('shares.scopeAwards')}
                </label>
              </div>
              <div class="radio">
                <input
                  type="radio"
                  id="f-scope-transcript"
                  name="scope"
                  value="transcript"
                  checked={scope === 'transcript'}
                />
                <label for="f-scope-transcript" safe>
                  {t('shares.scopeTranscript')}
                </label>
                <div class="radio__hint" safe>
                  {t('shares.scopeTranscriptHint')}
                </div>
              </div>
            </div>
          </fieldset>
        </div>
        <div class={form.errors.awards ? 'field field--error' : 'field'}>
          <fieldset>
            <legend safe>{t('shares.awardsLegend')}</legend>
            <div class="field__hint" safe>
              {t('shares.awardsHint')}
            </div>
            <FieldError form={form} name="awards" />
            {awards.length === 0 ? (
              <p safe>{t('shares.noShareable')}</p>
            ) : (
              awards.map((a, i) => {
                const id = i === 0 ? fieldId('awards') : `f-awards-${i}`;
                return (
                  <div class="checkbox">
                    <input
                      type="checkbox"
                      id={id}
                      name="awards"
                      value={a.credentialNumber}
                      checked={chosen.has(a.credentialNumber)}
                    />
                    <label for={id}>
                      <span safe>{a.credentialName}</span>{' '}
                      <span class="small mono" safe>
                        {a.credentialNumber}
                      </span>
                    </label>
                  </div>
                );
              })
            )}
          </fieldset>
        </div>
        <div class="field">
          <div class="checkbox">
            <input
              type="checkbox"
              id={fieldId('includeHistory')}
              name="includeHistory"
              value="yes"
              checked={form.values.includeHistory === 'yes'}
            />
            <label for={fieldId('includeHistory')} safe>
              {t('shares.includeHistory')}
            </label>
          </div>
          <div class="field__hint checkbox__hint" safe>
            {t('shares.includeHistoryHint')}
          </div>
        </div>
        <TextField
          name="recipientName"
          label={t('shares.recipientName')}
          form={form}
          maxlength={120}
          autocomplete="off"
        />
        <TextField
          name="recipientEmail"
          label={t('shares.recipientEmail')}
          hint={t('shares.recipientEmailHint')}
          type="email"
          form={form}
          maxlength={254}
          autocomplete="off"
          spellcheck={false}
        />
        <div class={form.errors.message ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('message')} safe>
            {t('shares.message')}
          </label>
          <div class="field__hint" safe>
            {t('shares.messageHint', { max: MAX_MESSAGE })}
          </div>
          <FieldError form={form} name="message" />
          <textarea id={fieldId('message')} name="message" rows="4" maxlength={MAX_MESSAGE} safe>
            {form.values.message ?? ''}
          </textarea>
        </div>
        <div class={form.errors.expiresInDays ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('expiresInDays')} safe>
            {t('shares.expiry')}
          </label>
          <div class="field__hint" safe>
            {t('shares.expiryHint')}
          </div>
          <FieldError form={form} name="expiresInDays" />
          <select class="select" id={fieldId('expiresInDays')} name="expiresInDays">
            {EXPIRY_CHOICES.map((d) => (
              <option value={String(d)} selected={String(d) === days} safe>
                {t('shares.days', { days: d })}
              </option>
            ))}
          </select>
        </div>
        <button class="button" type="submit" safe>
          {t('shares.continue')}
        </button>
      </form>
    </Layout>
  );
}

/** "Check your answers" before the email goes. */
export function ShareCheckPage({
  ctx,
  input,
  names,
}: {
  ctx: PageContext;
  input: ShareInput;
  names: ReadonlyMap<string, string>;
}): JSX.Element {
  const { t } = ctx;
  const hidden = (
    <>
      <CsrfField ctx={ctx} />
      <input type="hidden" name="scope" value={input.scope} />
      {input.awards.map((n) => (
        <input type="hidden" name="awards" value={n} />
      ))}
      <input type="hidden" name="includeHistory" value={input.includeHistory ? 'yes' : ''} />
      <input type="hidden" name="recipientName" value={input.recipientName} />
      <input type="hidden" name="recipientEmail" value={input.recipientEmail} />
      <input type="hidden" name="message" value={input.message} />
      <input type="hidden" name="expiresInDays" value={String(input.expiresInDays)} />
    </>
  );
  return (
    <Layout ctx={ctx} title={t('shares.checkTitle')}>
      <PageHeading title={t('shares.checkTitle')} />
      <dl class="summary-list">
        <div>
          <dt safe>{t('shares.what')}</dt>
          <dd safe>
            {input.scope === 'transcript'
              ? t(input.includeHistory ? 'shares.what.transcriptHistory' : 'shares.what.transcript')
              : input.awards.map((n) => names.get(n) ?? n).join(', ')}
          </dd>
        </div>
        <div>
          <dt safe>{t('shares.recipient')}</dt>
          <dd safe>{`${input.recipientName} <${input.recipientEmail}>`}</dd>
        </div>
        <div>
          <dt safe>{t('shares.message')}</dt>
          <dd class="pre-line" safe>
            {input.message || t('shares.noMessage')}
          </dd>
        </div>
        <div>
          <dt safe>{t('shares.expiry')}</dt>
          <dd safe>{t('shares.days', { days: input.expiresInDays })}</dd>
        </div>
      </dl>
      <p safe>{t('shares.checkNote')}</p>
      <div class="button-row">
        <form method="post" action="/shares/new" class="inline-form">
          {hidden}
          <input type="hidden" name="confirm" value="yes" />
          <button class="button" type="submit" safe>
            {t('shares.send')}
          </button>
        </form>
        <form method="post" action="/shares/new" class="inline-form">
          {hidden}
          <input type="hidden" name="edit" value="yes" />
          <button class="button button--secondary" type="submit" safe>
            {t('shares.change')}
          </button>
        </form>
      </div>
    </Layout>
  );
}

export function ShareDetailPage({
  ctx,
  share,
  views,
}: {
  ctx: PageContext;
  share: ShareSummary;
  views: { at: Date; userAgent: string | null }[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('shares.detailTitle', { name: share.recipientName })}>
      <p class="breadcrumb">
        <a href="/shares" safe>
          {t('shares.back')}
        </a>
      </p>
      <PageHeading title={t('shares.detailTitle', { name: share.recipientName })} />
      <dl class="summary-list">
        <div>
          <dt safe>{t('shares.recipient')}</dt>
          <dd safe>{`${share.recipientName} <${share.recipientEmail}>`}</dd>
        </div>
        <div>
          <dt safe>{t('shares.what')}</dt>
          <dd safe>{what(ctx, share)}</dd>
        </div>
        <div>
          <dt safe>{t('shares.message')}</dt>
          <dd class="pre-line" safe>
            {share.message || t('shares.noMessage')}
          </dd>
        </div>
        <div>
          <dt safe>{t('shares.sent')}</dt>
          <dd safe>{ctx.dateTime(share.createdAt)}</dd>
        </div>
        <div>
          <dt safe>{t('shares.link')}</dt>
          <dd safe>
            {`${t(STATE_LABEL[share.state])} – ${
              share.state === 'revoked'
                ? t('shares.revokedOn', { date: ctx.date(share.revokedAt!) })
                : share.state === 'expired'
                  ? t('shares.expiredOn', { date: ctx.date(share.expiresAt) })
                  : t('shares.expiresOn', { date: ctx.date(share.expiresAt) })
            }`}
          </dd>
        </div>
        <div>
          <dt safe>{t('shares.firstOpened')}</dt>
          <dd safe>
            {share.firstOpenedAt ? ctx.dateTime(share.firstOpenedAt) : t('shares.notOpened')}
          </dd>
        </div>
      </dl>
      {share.state === 'active' ? (
        <p>
          <a class="button button--danger" href={`/shares/${share.id}/revoke`} safe>
            {t('shares.revoke')}
          </a>
        </p>
      ) : (
        ''
      )}
      <h2 safe>{t('shares.viewLog')}</h2>
      {views.length === 0 ? (
        <p safe>{t('shares.notOpened')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('shares.openedAt')}
                </th>
                <th scope="col" safe>
                  {t('shares.browser')}
                </th>
              </tr>
            </thead>
            <tbody>
              {views.map((v) => (
                <tr>
                  <td safe>{ctx.dateTime(v.at)}</td>
                  <td class="small" safe>
                    {v.userAgent ?? '—'}
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

export function RevokeSharePage({
  ctx,
  share,
}: {
  ctx: PageContext;
  share: ShareSummary;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('shares.revokeTitle')}>
      <PageHeading
        title={t('shares.revokeTitle')}
        lead={t('shares.revokeLead', { name: share.recipientName, what: what(ctx, share) })}
      />
      <div class="button-row">
        <form method="post" action={`/shares/${share.id}/revoke`} class="inline-form">
          <CsrfField ctx={ctx} />
          <button class="button button--danger" type="submit" safe>
            {t('shares.revokeConfirm')}
          </button>
        </form>
        <a class="button button--secondary" href="/shares" safe>
          {t('shares.keep')}
        </a>
      </div>
    </Layout>
  );
}

/** The recipient's page: only what was chosen, with live status and a verification link each. */
export function SharedCredentialsPage({
  ctx,
  page,
}: {
  ctx: PageContext;
  page: SharePageView;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('shared.title', { name: page.holderName })}>
      <PageHeading
        title={t('shared.title', { name: page.holderName })}
        lead={t('shared.lead', {
          name: page.holderName,
          program: ctx.program.name,
          date: ctx.date(page.createdAt),
        })}
      />
      {page.message ? (
        <blockquote class="card">
          <p class="small" safe>
            {t('shared.messageFrom', { name: page.holderName })}
          </p>
          <p class="pre-line" safe>
            {page.message}
          </p>
        </blockquote>
      ) : (
        ''
      )}
      <h2 safe>{t('shared.credentials')}</h2>
      {page.credentials.length === 0 ? (
        <p safe>{t('shared.noCredentials')}</p>
      ) : (
        <div class="award-grid">
          {page.credentials.map((c) => (
            <article class={`card award-card award-card--${c.status}`}>
              <h3 class="award-card__title" safe>
                {c.credentialName}
              </h3>
              <p>
                <PublicStatusTag ctx={ctx} status={c.status} />
              </p>
              <p class="small" safe>
                {statusSentence(ctx, c.status, c.since)}
              </p>
              <dl class="award-card__facts">
                <div>
                  <dt safe>{t('verify.awardedAt')}</dt>
                  <dd safe>{ctx.date(c.awardedAt)}</dd>
                </div>
                <div>
                  <dt safe>{t('verify.expiresAt')}</dt>
                  <dd safe>{c.expiresAt ? ctx.date(c.expiresAt) : t('verify.noExpiry')}</dd>
                </div>
                <div>
                  <dt safe>{t('verify.number')}</dt>
                  <dd class="mono" safe>
                    {c.credentialNumber}
                  </dd>
                </div>
              </dl>
              <p>
                <a href={c.verificationUrl} safe>
                  {t('shared.verify', { name: c.credentialName })}
                </a>
              </p>
            </article>
          ))}
        </div>
      )}
      {page.history ? (
        <>
          <h2 safe>{t('shared.history')}</h2>
          {page.history.length === 0 ? (
            <p safe>{t('shared.noHistory')}</p>
          ) : (
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col" safe>
                      {t('shared.exam')}
                    </th>
                    <th scope="col" safe>
                      {t('shared.date')}
                    </th>
                    <th scope="col" safe>
                      {t('shared.result')}
                    </th>
                    <th scope="col" safe>
                      {t('shared.score')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.history.map((h) => (
                    <tr>
                      <td safe>{`${h.examTitle} (${h.examCode})`}</td>
                      <td safe>{ctx.date(h.takenAt)}</td>
                      <td safe>{h.passed ? t('shared.passed') : t('shared.failed')}</td>
                      <td safe>{h.score === null ? '—' : String(h.score)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : (
        ''
      )}
      <p class="small" safe>
        {t('shared.expires', { date: ctx.date(page.expiresAt) })}
      </p>
    </Layout>
  );
}

/** A link that no longer works: missing, expired or revoked, said plainly. */
export function ShareGonePage({
  ctx,
  state,
  at,
}: {
  ctx: PageContext;
  state: 'missing' | 'expired' | 'revoked';
  at?: Date;
}): JSX.Element {
  const { t } = ctx;
  const title: MessageKey =
    state === 'revoked'
      ? 'shared.revokedTitle'
      : state === 'expired'
        ? 'shared.expiredTitle'
        : 'shared.missingTitle';
  const body =
    state === 'revoked'
      ? t('shared.revoked', { date: ctx.date(at!) })
      : state === 'expired'
        ? t('shared.expired', { date: ctx.date(at!) })
        : t('shared.missing');
  return (
    <Layout ctx={ctx} title={t(title)}>
      <PageHeading title={t(title)} lead={body} />
      <p safe>{t('shared.askAgain')}</p>
      <p>
        <a href="/verify" safe>
          {t('shared.verifyInstead')}
        </a>
      </p>
    </Layout>
  );
}
