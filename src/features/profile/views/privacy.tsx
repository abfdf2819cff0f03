import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextArea,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { Preferences } from '../privacy.service.ts';
import { PREFERENCE_CATEGORIES, type PreferenceCategory } from '../profile-rules.ts';
import { ProfileTabs } from './profile.tsx';

export interface NoticeView {
  readonly version: number;
  readonly body: string;
  readonly effectiveAt: Date;
}

export interface ConsentView {
  readonly kind: 'privacy_notice' | 'marketing';
  readonly version: number | null;
  readonly granted: boolean;
  readonly at: Date;
}

export interface ExportView {
  readonly id: number;
  readonly status: 'queued' | 'ready' | 'failed' | 'expired';
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

function NoticeText({ ctx, notice }: { ctx: PageContext; notice: NoticeView }): JSX.Element {
  return (
    <>
      <p class="small" safe>
        {ctx.t('privacy.version', {
          version: notice.version,
          date: ctx.date(notice.effectiveAt),
        })}
      </p>
      <div class="notice-text pre-line" safe>
        {notice.body}
      </div>
    </>
  );
}

/** Signed out: the notice alone. */
export function PublicPrivacyPage({
  ctx,
  notice,
}: {
  ctx: PageContext;
  notice: NoticeView | undefined;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('privacy.title')} index>
      <PageHeading title={t('privacy.title')} />
      {notice ? <NoticeText ctx={ctx} notice={notice} /> : <p safe>{t('privacy.none')}</p>}
    </Layout>
  );
}

export function PrivacyPage({
  ctx,
  notice,
  consents,
  preferences,
  exports,
  exportDays,
  deletionPendingSince,
  deletionForm,
}: {
  ctx: PageContext;
  notice: NoticeView | undefined;
  consents: readonly ConsentView[];
  preferences: Preferences;
  exports: readonly ExportView[];
  exportDays: number;
  deletionPendingSince: Date | null;
  deletionForm: FormState;
}): JSX.Element {
  const { t } = ctx;
  const prefForm: FormState = {
    values: Object.fromEntries(
      PREFERENCE_CATEGORIES.map((c) => [c, preferences[c] ? 'yes' : undefined]),
    ),
    errors: {},
  };
  const exportStatus = (e: ExportView): string => {
    switch (e.status) {
      case 'queued':
        return t('profile.privacy.exportQueued', { date: ctx.dateTime(e.createdAt) });
      case 'ready':
        return t('profile.privacy.exportReady', { date: ctx.dateTime(e.expiresAt ?? e.createdAt) });
      case 'expired':
        return t('profile.privacy.exportExpired');
      case 'failed':
        return t('profile.privacy.exportFailed');
    }
  };
  const categoryLabel = (c: PreferenceCategory) => t(`profile.pref.${c}`);
  return (
    <Layout ctx={ctx} title={t('profile.privacy.title')}>
      <PageHeading title={t('profile.privacy.title')} />
      <ProfileTabs ctx={ctx} />

      <section aria-labelledby="notice">
        <h2 id="notice" safe>
          {t('profile.privacy.notice')}
        </h2>
        {notice ? (
          <details>
            <summary safe>{t('profile.privacy.readNotice')}</summary>
            <NoticeText ctx={ctx} notice={notice} />
          </details>
        ) : (
          <p safe>{t('privacy.none')}</p>
        )}
      </section>

      <section aria-labelledby="consents">
        <h2 id="consents" safe>
          {t('profile.privacy.consents')}
        </h2>
        {consents.length === 0 ? (
          <p safe>{t('profile.privacy.consentsEmpty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('profile.privacy.consentWhen')}
                  </th>
                  <th scope="col" safe>
                    {t('profile.privacy.consentWhat')}
                  </th>
                  <th scope="col" safe>
                    {t('profile.console.decision')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {consents.map((c) => (
                  <tr>
                    <td safe>{ctx.dateTime(c.at)}</td>
                    <td safe>
                      {c.kind === 'privacy_notice'
                        ? t('profile.privacy.consentNotice', { version: c.version ?? '' })
                        : t('profile.privacy.consentMarketing')}
                    </td>
                    <td safe>
                      {c.granted ? t('profile.privacy.granted') : t('profile.privacy.withdrawn')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="emails">
        <h2 id="emails" safe>
          {t('profile.privacy.emails')}
        </h2>
        <p safe>{t('profile.privacy.emailsLead')}</p>
        <form method="post" action="/privacy/preferences">
          <CsrfField ctx={ctx} />
          {PREFERENCE_CATEGORIES.map((c) => (
            <Checkbox
              name={c}
              form={prefForm}
              label={<span safe>{categoryLabel(c)}</span>}
              hint={t(`profile.pref.${c}.hint`)}
            />
          ))}
          <div class="button-row">
            <button type="submit" class="button" safe>
              {t('profile.privacy.savePreferences')}
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby="data">
        <h2 id="data" safe>
          {t('profile.privacy.data')}
        </h2>
        <p safe>{t('profile.privacy.dataLead', { days: exportDays })}</p>
        {exports.length > 0 ? (
          <ul class="plain-list">
            {exports.map((e) => (
              <li>
                <span safe>{exportStatus(e)}</span>{' '}
                {e.status === 'ready' ? (
                  <a href={`/privacy/exports/${e.id}`} safe>
                    {t('profile.privacy.exportDownload')}
                  </a>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ul>
        ) : (
          ''
        )}
        <form method="post" action="/privacy/exports">
          <CsrfField ctx={ctx} />
          <button type="submit" class="button button--secondary" safe>
            {t('profile.privacy.exportRequest')}
          </button>
        </form>
      </section>

      <section aria-labelledby="delete">
        <h2 id="delete" safe>
          {t('profile.privacy.delete')}
        </h2>
        {deletionPendingSince ? (
          <form method="post" action="/privacy/deletion/cancel">
            <CsrfField ctx={ctx} />
            <p safe>
              {t('profile.privacy.deletePending', { date: ctx.date(deletionPendingSince) })}
            </p>
            <button type="submit" class="button button--secondary" safe>
              {t('profile.privacy.deleteCancel')}
            </button>
          </form>
        ) : (
          <>
            <p safe>{t('profile.privacy.deleteLead')}</p>
            <ErrorSummary ctx={ctx} form={deletionForm} order={['reason', 'confirm']} />
            <form method="post" action="/privacy/deletion">
              <CsrfField ctx={ctx} />
              <TextArea
                name="reason"
                label={t('profile.privacy.deleteReason')}
                form={deletionForm}
                rows={3}
                maxlength={2000}
              />
              <Checkbox
                name="confirm"
                form={deletionForm}
                label={<span safe>{t('profile.privacy.deleteConfirm')}</span>}
              />
              <button type="submit" class="button button--danger" safe>
                {t('profile.privacy.deleteSubmit')}
              </button>
            </form>
          </>
        )}
      </section>
    </Layout>
  );
}

export function AcceptNoticePage({
  ctx,
  notice,
  next,
}: {
  ctx: PageContext;
  notice: NoticeView;
  next: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('profile.accept.title')}>
      <PageHeading
        title={t('profile.accept.title')}
        lead={t('profile.accept.lead', {
          version: notice.version,
          date: ctx.date(notice.effectiveAt),
        })}
      />
      <div class="notice-text pre-line" safe>
        {notice.body}
      </div>
      <form method="post" action="/privacy/accept">
        <CsrfField ctx={ctx} />
        <input type="hidden" name="version" value={String(notice.version)} />
        <input type="hidden" name="next" value={next} />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('profile.accept.submit')}
          </button>
        </div>
      </form>
      <form method="post" action="/sign-out" class="inline-form">
        <CsrfField ctx={ctx} />
        <button type="submit" class="link-button" safe>
          {t('profile.accept.signOut')}
        </button>
      </form>
    </Layout>
  );
}

export function UnsubscribePage({
  ctx,
  state,
  category,
  action,
}: {
  ctx: PageContext;
  state: 'confirm' | 'done' | 'invalid';
  category: string;
  action: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('profile.unsubscribe.title')}>
      <PageHeading title={t('profile.unsubscribe.title')} />
      {state === 'invalid' ? (
        <p safe>{t('profile.unsubscribe.invalid')}</p>
      ) : state === 'done' ? (
        <div class="banner banner--success" role="status">
          <p safe>{t('profile.unsubscribe.done', { category })}</p>
        </div>
      ) : (
        <form method="post" action={action}>
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <p class="lead" safe>
            {t('profile.unsubscribe.confirm', { category })}
          </p>
          <p safe>{t('profile.unsubscribe.lead')}</p>
          <button type="submit" class="button" safe>
            {t('profile.unsubscribe.submit')}
          </button>
        </form>
      )}
      <p>
        <a href="/privacy#emails" safe>
          {t('profile.unsubscribe.manage')}
        </a>
      </p>
    </Layout>
  );
}
