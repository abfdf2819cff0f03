import type { PageContext } from '../../platform/html/context.ts';
import { PageHeading, TextField, emptyForm } from '../../platform/html/forms.tsx';
import { Layout } from '../../platform/html/layout.tsx';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import type { AwardStatus } from '../progress/index.ts';
import type { PublicVerification } from './verification.service.ts';

/**
 * Views of public verification, and the status tag the share pages use too:
 * color, icon and words together, never color alone.
 */

type IconName = 'check' | 'hourglass' | 'pause' | 'ban';

const ICON_PATHS: Record<IconName, string> = {
  check: 'M6.2 11.6 2.6 8l1.2-1.2 2.4 2.4 6-6L13.4 4.4z',
  pause: 'M4.5 3h2.5v10H4.5zm4.5 0h2.5v10H9z',
  ban: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM3.1 8a4.9 4.9 0 0 1 7.8-3.9l-6.8 6.8A4.9 4.9 0 0 1 3.1 8zm4.9 4.9c-1.1 0-2.1-.4-2.9-1l6.8-6.8a4.9 4.9 0 0 1-3.9 7.8z',
  hourglass:
    'M4 1.5h8V4L9.5 8 12 12v2.5H4V12l2.5-4L4 4zm1.6 1.6v.5L8 7.2l2.4-3.6v-.5zM8 8.8l-2.4 3.6v.5h4.8v-.5z',
};

const STATUS: Record<AwardStatus, { icon: IconName; label: MessageKey }> = {
  active: { icon: 'check', label: 'verify.status.active' },
  expired: { icon: 'hourglass', label: 'verify.status.expired' },
  suspended: { icon: 'pause', label: 'verify.status.suspended' },
  revoked: { icon: 'ban', label: 'verify.status.revoked' },
};

export function PublicStatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: AwardStatus;
}): JSX.Element {
  const s = STATUS[status];
  return (
    <span class={`status status--${status}`}>
      <svg
        class="icon"
        viewBox="0 0 16 16"
        width="16"
        height="16"
        aria-hidden="true"
        focusable="false"
      >
        <path fill="currentColor" d={ICON_PATHS[s.icon]} />
      </svg>
      <span safe>{ctx.t(s.label)}</span>
    </span>
  );
}

/** One sentence saying what the status means, with its date. */
export function statusSentence(
  ctx: PageContext,
  status: AwardStatus,
  since: Date | string | null,
): string {
  const date = since ? ctx.date(typeof since === 'string' ? new Date(since) : since) : '';
  switch (status) {
    case 'active':
      return ctx.t('verify.sentence.active');
    case 'expired':
      return ctx.t('verify.sentence.expired', { date });
    case 'suspended':
      return ctx.t('verify.sentence.suspended', { date });
    case 'revoked':
      return ctx.t('verify.sentence.revoked', { date });
  }
}

function LookupForm({ ctx, value }: { ctx: PageContext; value?: string }): JSX.Element {
  const { t } = ctx;
  return (
    <form method="get" action="/verify" class="search-form" role="search">
      <TextField
        name="number"
        label={t('verify.numberLabel')}
        hint={t('verify.numberHint')}
        form={emptyForm}
        value={value ?? ''}
        autocomplete="off"
        spellcheck={false}
        maxlength={40}
        width="medium"
      />
      <button class="button" type="submit" safe>
        {t('verify.check')}
      </button>
    </form>
  );
}

/** The look-up form; `missed` holds what was typed when nothing was found (the one neutral answer). */
export function VerifyLookupPage({
  ctx,
  missed,
}: {
  ctx: PageContext;
  missed?: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('verify.title')} index={missed === undefined}>
      <PageHeading title={t('verify.title')} lead={t('verify.lead')} />
      {missed !== undefined ? (
        <div class="banner banner--warning" role="alert">
          <h2 class="h3" safe>
            {t('verify.notFoundTitle')}
          </h2>
          <p safe>{t('verify.notFound')}</p>
        </div>
      ) : (
        ''
      )}
      <LookupForm ctx={ctx} value={missed} />
      <p class="small" safe>
        {t('verify.aboutNumbers')}
      </p>
    </Layout>
  );
}

/** One award's public record. */
export function VerificationPage({
  ctx,
  record,
  index,
}: {
  ctx: PageContext;
  record: PublicVerification;
  index: boolean;
}): JSX.Element {
  const { t } = ctx;
  const d = (iso: string) => ctx.date(new Date(iso));
  return (
    <Layout ctx={ctx} title={t('verify.recordTitle', { name: record.holder.name })} index={index}>
      <p class="breadcrumb">
        <a href="/verify" safe>
          {t('verify.another')}
        </a>
      </p>
      <PageHeading title={t('verify.recordHeading')} />
      <section
        class={`card award-card award-card--${record.status}`}
        aria-labelledby="verify-status"
      >
        <h2 id="verify-status" class="h3">
          <PublicStatusTag ctx={ctx} status={record.status} />
        </h2>
        <p class="lead" safe>
          {statusSentence(ctx, record.status, record.statusDate)}
        </p>
        <dl class="summary-list">
          <div>
            <dt safe>{t('verify.holder')}</dt>
            <dd safe>{record.holder.name}</dd>
          </div>
          <div>
            <dt safe>{t('verify.credential')}</dt>
            <dd safe>{`${record.credential.name} (${record.credential.code})`}</dd>
          </div>
          <div>
            <dt safe>{t('verify.kind')}</dt>
            <dd safe>
              {`${t(record.credential.kind === 'accreditation' ? 'verify.kind.accreditation' : 'verify.kind.certification')}, ${record.credential.level}`}
            </dd>
          </div>
          <div>
            <dt safe>{t('verify.issuer')}</dt>
            <dd safe>{record.issuer.name}</dd>
          </div>
          <div>
            <dt safe>{t('verify.awardedAt')}</dt>
            <dd safe>{d(record.awardedAt)}</dd>
          </div>
          {record.lastRenewedAt ? (
            <div>
              <dt safe>{t('verify.lastRenewedAt')}</dt>
              <dd safe>{d(record.lastRenewedAt)}</dd>
            </div>
          ) : (
            ''
          )}
          <div>
            <dt safe>{t('verify.expiresAt')}</dt>
            <dd safe>{record.expiresAt ? d(record.expiresAt) : t('verify.noExpiry')}</dd>
          </div>
          <div>
            <dt safe>{t('verify.number')}</dt>
            <dd class="mono" safe>
              {record.credentialNumber}
            </dd>
          </div>
          <div>
            <dt safe>{t('verify.checkedAt')}</dt>
            <dd safe>{ctx.dateTime(new Date(record.checkedAt))}</dd>
          </div>
        </dl>
      </section>
      <p class="small" safe>
        {t('verify.machineReadable')}
      </p>
    </Layout>
  );
}
