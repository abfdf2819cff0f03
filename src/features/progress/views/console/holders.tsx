import type { PageContext } from '../../../../platform/html/context.ts';
import { CsrfField, PageHeading } from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { HoldersView, JobView } from '../../console.service.ts';
import { AwardStatusTag, Pagination, dateOrNever } from './common.tsx';

export function HoldersPage({
  ctx,
  view,
  page,
  pageSize,
  canReevaluate,
}: {
  ctx: PageContext;
  view: HoldersView;
  page: number;
  pageSize: number;
  canReevaluate: boolean;
}): JSX.Element {
  const { t } = ctx;
  const title = t('progress.holders.title', { credential: view.credential.name });
  const base = `/console/credentials/${encodeURIComponent(view.credential.code)}`;
  const counts: [string, number][] = [
    [t('progress.holders.holding'), view.counts.holding],
    [t('progress.holders.metNotAwarded'), view.counts.metNotAwarded],
    [t('progress.holders.inProgress'), view.counts.inProgress],
    [t('progress.holders.notStarted'), view.counts.notStarted],
  ];
  return (
    <Layout ctx={ctx} title={title} wide>
      <PageHeading title={title} lead={t('progress.holders.lead')} />
      <dl class="summary-list holder-counts">
        {counts.map(([label, n]) => (
          <>
            <dt safe>{label}</dt>
            <dd safe>{new Intl.NumberFormat(ctx.locale).format(n)}</dd>
          </>
        ))}
      </dl>
      {canReevaluate ? (
        <form method="post" action={`${base}/reevaluate`}>
          <CsrfField ctx={ctx} />
          <p class="field__hint" safe>
            {t('progress.holders.reevaluateHint')}
          </p>
          <button type="submit" class="button button--secondary" safe>
            {t('progress.holders.reevaluate')}
          </button>
        </form>
      ) : (
        ''
      )}
      {view.rows.length === 0 ? (
        <p class="empty-state" safe>
          {t('progress.holders.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('progress.col.candidateId')}
                </th>
                <th scope="col" safe>
                  {t('progress.col.name')}
                </th>
                <th scope="col" safe>
                  {t('progress.col.number')}
                </th>
                <th scope="col" safe>
                  {t('progress.col.status')}
                </th>
                <th scope="col" safe>
                  {t('progress.col.awarded')}
                </th>
                <th scope="col" safe>
                  {t('progress.col.expires')}
                </th>
                <th scope="col" safe>
                  {t('progress.col.version')}
                </th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((h) => (
                <tr>
                  <td class="mono" safe>
                    {h.candidateNumber}
                  </td>
                  <td>
                    <a href={`/console/candidates/${h.userId}`} safe>
                      {h.name}
                    </a>
                  </td>
                  <td class="mono" safe>
                    {h.credentialNumber}
                  </td>
                  <td>
                    <AwardStatusTag ctx={ctx} status={h.status} />
                  </td>
                  <td safe>{ctx.date(h.awardedAt)}</td>
                  <td safe>{dateOrNever(ctx, h.expiresAt)}</td>
                  <td safe>{String(h.requirementVersion)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination
        ctx={ctx}
        page={page}
        total={view.total}
        pageSize={pageSize}
        link={(p) => `${base}/holders?page=${p}`}
      />
    </Layout>
  );
}

export function JobPage({ ctx, job }: { ctx: PageContext; job: JobView }): JSX.Element {
  const { t } = ctx;
  const running = job.status === 'queued' || job.status === 'running';
  const title =
    job.name === 'progress.reevaluate-credential'
      ? t('progress.job.reevaluate', { credential: job.credentialName ?? '' })
      : t('progress.job.other', { name: job.name });
  const tally = job.tally ?? {};
  return (
    <Layout
      ctx={ctx}
      title={t('progress.job.title', { id: job.id })}
      {...(running ? { refreshSeconds: 2 } : {})}
    >
      <PageHeading title={title} lead={t('progress.job.title', { id: job.id })} />
      <dl class="summary-list">
        <dt safe>{t('progress.job.status')}</dt>
        <dd class="job-status" safe>
          {t(`progress.job.status.${job.status}`)}
        </dd>
        <dt safe>{t('progress.job.started')}</dt>
        <dd safe>{ctx.dateTime(job.createdAt)}</dd>
        {job.finishedAt ? (
          <>
            <dt safe>{t('progress.job.finished')}</dt>
            <dd safe>{ctx.dateTime(job.finishedAt)}</dd>
          </>
        ) : (
          ''
        )}
      </dl>
      <div class="progress">
        <label class="progress__label" for="job-progress" safe>
          {t('progress.job.progressLabel')}
        </label>
        <progress
          id="job-progress"
          class="progress__bar"
          max={String(Math.max(1, job.total))}
          value={String(Math.min(job.done, Math.max(1, job.total)))}
        ></progress>
        <p class="job-done" safe>
          {t('progress.job.progress', { done: job.done, total: job.total })}
        </p>
      </div>
      {job.tally ? (
        <p class="job-result" safe>
          {t('progress.job.result', {
            awarded: tally.awarded ?? 0,
            renewed: tally.renewed ?? 0,
            revoked: tally.revoked ?? 0,
            expired: tally.expired ?? 0,
          })}
        </p>
      ) : (
        ''
      )}
      {job.lastError ? (
        <p class="field__error" safe>
          {t('progress.job.error', { error: job.lastError })}
        </p>
      ) : (
        ''
      )}
      {running ? (
        <p class="small" role="status" safe>
          {t('progress.job.refreshing')}
        </p>
      ) : (
        ''
      )}
    </Layout>
  );
}
