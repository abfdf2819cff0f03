import { isStaff } from '../../../../platform/auth/session.ts';
import type { PageContext } from '../../../../platform/html/context.ts';
import { PageHeading } from '../../../../platform/html/forms.tsx';
import { formatDateTime } from '../../../../platform/i18n/i18n.ts';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { DashboardView, NextStepView } from '../../candidate.service.ts';
import { AwardCard, Icon, ProgressBar } from './parts.tsx';

/** An appointment on the dashboard: time in the sitting's own zone, named. */
export interface UpcomingExamView {
  examCode: string;
  examTitle: string;
  startsAt: Date;
  timeZone: string;
  /** The test center (or the provider's location); null online. */
  place: string | null;
  online: boolean;
  confirmationNumber: string;
  href: string;
}

/** Home after sign-in: credentials held, upcoming exams, progress toward the ones in reach, next steps, account security. */
export function DashboardPage({
  ctx,
  view,
  upcoming = [],
}: {
  ctx: PageContext;
  view: DashboardView;
  upcoming?: UpcomingExamView[];
}): JSX.Element {
  const { t } = ctx;
  const p = ctx.principal!;
  return (
    <Layout ctx={ctx} title={t('dashboard.title')}>
      <PageHeading title={t('dashboard.welcome', { name: p.givenName })} />
      <dl class="summary-list">
        <dt safe>{t('dashboard.candidateId')}</dt>
        <dd>
          <span class="mono" safe>
            {p.candidateNumber}
          </span>
          <div class="small" safe>
            {t('dashboard.candidateIdHint')}
          </div>
        </dd>
        <dt safe>{t('dashboard.nameOnCertificates')}</dt>
        <dd safe>{`${p.givenName} ${p.familyName}`}</dd>
      </dl>

      <section class="dashboard-section" aria-labelledby="next-steps">
        <h2 id="next-steps" class="h3" safe>
          {t('candidate.nextSteps')}
        </h2>
        {view.nextSteps.length === 0 ? (
          <p safe>{t('candidate.nextStepsNone')}</p>
        ) : (
          <ul class="next-steps">
            {view.nextSteps.map((step) => (
              <NextStep ctx={ctx} step={step} />
            ))}
          </ul>
        )}
      </section>

      <section class="dashboard-section" aria-labelledby="held">
        <h2 id="held" safe>
          {t('candidate.heldTitle')}
        </h2>
        {view.awards.length === 0 ? (
          <div class="empty-state">
            <p safe>{t('candidate.heldNone')}</p>
            <a class="button button--secondary" href="/credentials" safe>
              {t('candidate.browseCredentials')}
            </a>
          </div>
        ) : (
          <div class="award-grid">
            {view.awards.map((award) => (
              <AwardCard ctx={ctx} award={award} />
            ))}
          </div>
        )}
      </section>

      <section class="dashboard-section" aria-labelledby="upcoming">
        <h2 id="upcoming" safe>
          {t('candidate.upcomingTitle')}
        </h2>
        {upcoming.length === 0 ? (
          <div class="empty-state">
            <p safe>{t('candidate.upcomingNone')}</p>
            <a class="button button--secondary" href="/exams" safe>
              {t('candidate.findExam')}
            </a>
          </div>
        ) : (
          <ul class="reach-list">
            {upcoming.map((a) => (
              <li class="reach-item">
                <h3 class="reach-item__title">
                  <a href={a.href} safe>
                    {`${a.examCode} — ${a.examTitle}`}
                  </a>
                </h3>
                <p safe>
                  {t('candidate.upcomingWhen', {
                    when: formatDateTime(a.startsAt, { locale: ctx.locale, timeZone: a.timeZone }),
                    zone: a.timeZone,
                    where: a.place ?? (a.online ? t('candidate.upcomingOnline') : ''),
                  })}
                </p>
                <p class="small">
                  <span safe>{t('candidate.upcomingConfirmation')}</span>{' '}
                  <span class="mono" safe>
                    {a.confirmationNumber}
                  </span>
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="dashboard-section" aria-labelledby="in-reach">
        <h2 id="in-reach" safe>
          {t('candidate.inReachTitle')}
        </h2>
        {view.inReach.length === 0 ? (
          <div class="empty-state">
            <p safe>{t('candidate.inReachNone')}</p>
            <a href="/credentials" safe>
              {t('candidate.seeRequirements')}
            </a>
          </div>
        ) : (
          <ul class="reach-list">
            {view.inReach.map((c) => (
              <li class="reach-item">
                <h3 class="reach-item__title">
                  <a href={`/credentials/${encodeURIComponent(c.code)}`} safe>
                    {c.name}
                  </a>
                </h3>
                <ProgressBar
                  ctx={ctx}
                  id={`reach-${c.code}`}
                  percent={c.percent}
                  label={
                    c.again
                      ? t('candidate.reachAgain', { level: c.level })
                      : t('candidate.reachLevel', { level: c.level })
                  }
                />
              </li>
            ))}
          </ul>
        )}
        <p>
          <a href="/history" safe>
            {t('candidate.seeHistory')}
          </a>
        </p>
      </section>

      <section class="card" aria-labelledby="security">
        <h2 id="security" class="h3" safe>
          {t('dashboard.security')}
        </h2>
        {p.twoFactorEnabled ? (
          <p>
            <span class="tag tag--success" safe>
              {t('account.on')}
            </span>{' '}
            <span safe>{t('dashboard.twoFactorOn')}</span>
          </p>
        ) : (
          <>
            <p safe>{isStaff(p) ? t('dashboard.staffTwoFactor') : t('dashboard.twoFactorOff')}</p>
            <a class="button" href="/account/two-factor" safe>
              {t('dashboard.twoFactorSetUp')}
            </a>
          </>
        )}
        <p>
          <a href="/account" safe>
            {t('dashboard.manageAccount')}
          </a>
        </p>
      </section>
    </Layout>
  );
}

function NextStep({ ctx, step }: { ctx: PageContext; step: NextStepView }): JSX.Element {
  const { t } = ctx;
  switch (step.kind) {
    case 'requirement':
      return (
        <li class="next-step">
          <Icon name="circle" />
          <span>
            <a href={step.href} safe>
              {step.text}
            </a>
            <span class="small" safe>
              {` ${t('candidate.stepFor', { credential: step.credentialName ?? '' })}`}
            </span>
          </span>
        </li>
      );
    case 'renew':
      return (
        <li class="next-step next-step--warning">
          <Icon name="clock" />
          <a href={step.href} safe>
            {step.date
              ? t('candidate.stepRenew', { credential: step.text, date: ctx.date(step.date) })
              : t('candidate.stepRenewSoon', { credential: step.text })}
          </a>
        </li>
      );
    case 'evidence':
      return (
        <li class="next-step">
          <Icon name="hourglass" />
          <a href={step.href} safe>
            {step.count === 1
              ? t('candidate.stepEvidenceOne')
              : t('candidate.stepEvidence', { count: step.count ?? 0 })}
          </a>
        </li>
      );
    case 'twoFactor':
      return (
        <li class="next-step">
          <Icon name="circle" />
          <a href={step.href} safe>
            {t('candidate.stepTwoFactor')}
          </a>
        </li>
      );
    case 'start':
      return (
        <li class="next-step">
          <Icon name="circle" />
          <a href={step.href} safe>
            {t('candidate.stepStart')}
          </a>
        </li>
      );
  }
}
