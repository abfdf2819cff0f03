import type { PageContext } from '../../../platform/html/context.ts';
import { PageHeading } from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { StatusTag, type EvidenceDetail } from '../../progress/index.ts';
import type { MyAwardView } from '../my-credentials.service.ts';

/** My credentials: every award as a card, with its evidence and (when active) its actions. */
export function MyCredentialsPage({
  ctx,
  awards,
}: {
  ctx: PageContext;
  awards: MyAwardView[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('myCredentials.title')}>
      <PageHeading title={t('myCredentials.title')} lead={t('myCredentials.lead')} />
      {awards.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('myCredentials.empty')}</p>
          <p>
            <a href="/credentials" safe>
              {t('myCredentials.emptyAction')}
            </a>
          </p>
        </div>
      ) : (
        <div class="award-grid">
          {awards.map((a) => (
            <MyAwardCard ctx={ctx} award={a} />
          ))}
        </div>
      )}
      <p>
        <a href="/my-credentials/name-change" safe>
          {t('myCredentials.nameChangeLink')}
        </a>
      </p>
    </Layout>
  );
}

/** One award on its own page: the same card, with the certificate requests made for it. */
export function MyAwardPage({ ctx, award }: { ctx: PageContext; award: MyAwardView }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={award.credentialName}>
      <p class="breadcrumb">
        <a href="/my-credentials" safe>
          {t('myCredentials.back')}
        </a>
      </p>
      <MyAwardCard ctx={ctx} award={award} headingLevel={1} />
    </Layout>
  );
}

function MyAwardCard({
  ctx,
  award,
  headingLevel = 2,
}: {
  ctx: PageContext;
  award: MyAwardView;
  headingLevel?: 1 | 2;
}): JSX.Element {
  const { t } = ctx;
  const number = encodeURIComponent(award.credentialNumber);
  const title =
    headingLevel === 1 ? (
      <h1 class="award-card__title" safe>
        {award.credentialName}
      </h1>
    ) : (
      <h2 class="award-card__title">
        <a href={`/my-credentials/${number}`} safe>
          {award.credentialName}
        </a>
      </h2>
    );
  return (
    <article
      class={`award-card award-card--${award.status}`}
      id={`award-${award.credentialNumber}`}
    >
      <div class="award-card__top">
        <StatusTag ctx={ctx} status={award.status} />
        <span class="award-card__code mono" safe>
          {award.credentialCode}
        </span>
      </div>
      {title}
      <dl class="award-card__facts">
        <dt safe>{t('myCredentials.number')}</dt>
        <dd class="mono" safe>
          {award.credentialNumber}
        </dd>
        <dt safe>{t('myCredentials.awardedOn')}</dt>
        <dd safe>{ctx.date(award.awardedAt)}</dd>
        <dt safe>
          {award.status === 'expired' ? t('myCredentials.expiredOn') : t('myCredentials.expiresOn')}
        </dt>
        <dd safe>{award.expiresAt ? ctx.date(award.expiresAt) : t('myCredentials.noExpiry')}</dd>
        {award.statusChangedAt && (award.status === 'suspended' || award.status === 'revoked') ? (
          <>
            <dt safe>
              {award.status === 'revoked'
                ? t('myCredentials.revokedOn')
                : t('myCredentials.suspendedOn')}
            </dt>
            <dd safe>{ctx.date(award.statusChangedAt)}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      {award.statusReason && (award.status === 'suspended' || award.status === 'revoked') ? (
        <p class="small" safe>
          {t('myCredentials.reason', { reason: award.statusReason })}
        </p>
      ) : (
        ''
      )}
      {award.evidence.length > 0 ? (
        <details class="award-card__evidence">
          <summary safe>{t('myCredentials.evidence', { count: award.evidence.length })}</summary>
          <ul class="plain-list">
            {award.evidence.map((e) => (
              <li safe>{evidenceText(ctx, e)}</li>
            ))}
          </ul>
        </details>
      ) : (
        ''
      )}
      {award.actions ? (
        <ul class="link-list award-card__actions" aria-label={t('myCredentials.actions')}>
          <li>
            <a href={award.actions.certificate} safe>
              {t('myCredentials.certificate')}
            </a>
          </li>
          <li>
            <a href={award.actions.share} safe>
              {t('myCredentials.share')}
            </a>
          </li>
          <li>
            <a href={award.actions.badge} safe>
              {t('myCredentials.badge')}
            </a>
          </li>
          <li>
            <a href={award.actions.logos} safe>
              {t('myCredentials.logos')}
            </a>
          </li>
          <li>
            <a href={award.actions.verification} safe>
              {t('myCredentials.verification')}
            </a>
          </li>
          <li>
            <a href={award.actions.linkedIn} rel="noopener noreferrer" target="_blank">
              <span safe>{t('myCredentials.linkedIn')}</span>
              <span class="visually-hidden" safe>
                {` ${t('myCredentials.newWindow')}`}
              </span>
            </a>
          </li>
        </ul>
      ) : (
        <p class="small notice-text" safe>
          {t(`myCredentials.withdrawn.${award.unavailable ?? 'expired'}`)}
        </p>
      )}
    </article>
  );
}

function evidenceText(ctx: PageContext, e: EvidenceDetail): string {
  const { t } = ctx;
  switch (e.type) {
    case 'result':
      return e.score === null
        ? t('myCredentials.ev.result', {
            exam: e.examTitle,
            code: e.examCode,
            date: ctx.date(e.takenAt),
          })
        : t('myCredentials.ev.resultScore', {
            exam: e.examTitle,
            code: e.examCode,
            date: ctx.date(e.takenAt),
            score: e.score,
          });
    case 'award':
      return t('myCredentials.ev.award', {
        credential: e.credentialName,
        date: ctx.date(e.awardedAt),
      });
    case 'training':
      return t('myCredentials.ev.training', {
        course: e.courseTitle,
        date: ctx.date(e.completedAt),
      });
    case 'agreement':
      return t('myCredentials.ev.agreement', {
        agreement: e.title,
        version: e.version,
        date: ctx.date(e.acceptedAt),
      });
    case 'credit':
      return t('myCredentials.ev.credit', {
        amount: e.amount,
        category: e.categoryTitle,
        date: ctx.date(e.earnedAt),
      });
  }
}
