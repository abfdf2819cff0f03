import type { PageContext } from '../../../../platform/html/context.ts';
import { PageHeading } from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { CandidateFile, CandidateRow } from '../../console.service.ts';
import {
  AwardStatusTag,
  Pagination,
  ResultStatusTag,
  dateOrNever,
  sourceLabel,
} from './common.tsx';

export function CandidatesPage({
  ctx,
  query,
  rows,
  total,
  page,
  pageSize,
}: {
  ctx: PageContext;
  query: string;
  rows: CandidateRow[];
  total: number;
  page: number;
  pageSize: number;
}): JSX.Element {
  const { t } = ctx;
  const link = (p: number) =>
    `/console/candidates?${new URLSearchParams({ q: query, page: String(p) }).toString()}`;
  return (
    <Layout ctx={ctx} title={t('progress.candidates.title')} wide>
      <PageHeading title={t('progress.candidates.title')} />
      <form method="get" action="/console/candidates" class="search-form" role="search">
        <label class="field__label" for="f-q" safe>
          {t('progress.candidates.search')}
        </label>
        <div class="button-row">
          <input class="input input--medium" id="f-q" name="q" type="search" value={query} />
          <button type="submit" class="button" safe>
            {t('progress.candidates.searchButton')}
          </button>
        </div>
      </form>
      <p class="small" safe>
        {t('progress.candidates.count', { count: total })}
      </p>
      {rows.length === 0 ? (
        <p class="empty-state" safe>
          {t('progress.candidates.none')}
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
                  {t('progress.col.email')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr>
                  <td class="mono" safe>
                    {c.candidateNumber}
                  </td>
                  <td>
                    <a href={`/console/candidates/${c.id}`} safe>
                      {c.name}
                    </a>
                    <div class="small" safe>
                      {c.username}
                    </div>
                  </td>
                  <td safe>{c.email}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={page} total={total} pageSize={pageSize} link={link} />
    </Layout>
  );
}

export function CandidatePage({
  ctx,
  file,
  canEdit,
}: {
  ctx: PageContext;
  file: CandidateFile;
  canEdit: boolean;
}): JSX.Element {
  const { t } = ctx;
  const c = file.candidate;
  const base = `/console/candidates/${c.id}`;
  return (
    <Layout ctx={ctx} title={c.name} wide>
      <PageHeading
        title={c.name}
        lead={t('progress.candidate.lead', { candidateId: c.candidateNumber, email: c.email })}
      />
      {canEdit ? (
        <div class="button-row">
          <a class="button button--secondary" href={`${base}/results/new`} safe>
            {t('progress.record.result')}
          </a>
          <a class="button button--secondary" href={`${base}/training/new`} safe>
            {t('progress.record.training')}
          </a>
          <a class="button button--secondary" href={`${base}/agreements/new`} safe>
            {t('progress.record.agreement')}
          </a>
          <a class="button button--secondary" href={`${base}/credits/new`} safe>
            {t('progress.record.credits')}
          </a>
        </div>
      ) : (
        ''
      )}

      <section aria-labelledby="awards-heading">
        <h2 id="awards-heading" safe>
          {t('progress.candidate.awards')}
        </h2>
        {file.awards.length === 0 ? (
          <p class="empty-state" safe>
            {t('progress.candidate.awardsNone')}
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('progress.col.credential')}
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
                    {t('progress.col.renewed')}
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
                {file.awards.map((a) => (
                  <tr>
                    <td>
                      <a
                        href={`/console/credentials/${encodeURIComponent(a.credentialCode)}/holders`}
                        safe
                      >
                        {a.credentialName || a.credentialCode}
                      </a>
                    </td>
                    <td class="mono" safe>
                      {a.credentialNumber}
                    </td>
                    <td>
                      <AwardStatusTag ctx={ctx} status={a.status} />
                      {a.statusReason ? (
                        <div class="small" safe>
                          {a.statusReason}
                        </div>
                      ) : (
                        ''
                      )}
                      {a.keptByDecision ? (
                        <div class="small" safe>
                          {t('progress.candidate.kept', { decision: a.keptByDecision })}
                        </div>
                      ) : (
                        ''
                      )}
                    </td>
                    <td safe>{ctx.date(a.awardedAt)}</td>
                    <td safe>{a.lastRenewedAt ? ctx.date(a.lastRenewedAt) : t('progress.none')}</td>
                    <td safe>{dateOrNever(ctx, a.expiresAt)}</td>
                    <td safe>{String(a.requirementVersion)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading" safe>
          {t('progress.candidate.progress')}
        </h2>
        {file.progress.length === 0 ? (
          <p class="empty-state" safe>
            {t('progress.candidate.progressNone')}
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('progress.col.credential')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.percent')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {file.progress.map((p) => (
                  <tr>
                    <td>
                      <a href={`/console/credentials/${encodeURIComponent(p.code)}/holders`} safe>
                        {p.name}
                      </a>{' '}
                      <span class="small mono" safe>
                        {p.code}
                      </span>
                    </td>
                    <td safe>{t('progress.percent', { percent: p.percent })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="results-heading">
        <h2 id="results-heading" safe>
          {t('progress.candidate.results')}
        </h2>
        {file.results.length === 0 ? (
          <p class="empty-state" safe>
            {t('progress.candidate.resultsNone')}
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('progress.col.exam')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.examVersion')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.taken')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.score')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.outcome')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.source')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.status')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {file.results.map((r) => (
                  <tr>
                    <td>
                      <a
                        href={`/console/results/${r.id}`}
                        aria-label={t('progress.candidate.openResultFor', {
                          exam: r.examCode,
                          date: ctx.date(r.takenAt),
                        })}
                        safe
                      >
                        {r.examCode}
                      </a>
                      <div class="small" safe>
                        {r.examTitle}
                      </div>
                    </td>
                    <td safe>{r.examVersion ?? t('progress.none')}</td>
                    <td safe>{ctx.date(r.takenAt)}</td>
                    <td safe>{r.score === null ? t('progress.none') : String(r.score)}</td>
                    <td safe>{r.passed ? t('progress.passed') : t('progress.failed')}</td>
                    <td safe>{sourceLabel(ctx, r.source)}</td>
                    <td>
                      <ResultStatusTag ctx={ctx} status={r.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="training-heading">
        <h2 id="training-heading" safe>
          {t('progress.candidate.training')}
        </h2>
        {file.trainings.length === 0 ? (
          <p class="empty-state" safe>
            {t('progress.candidate.trainingNone')}
          </p>
        ) : (
          <FactTable
            ctx={ctx}
            heads={[
              t('progress.col.course'),
              t('progress.col.completed'),
              t('progress.col.source'),
              t('progress.col.reason'),
            ]}
            rows={file.trainings.map((x) => [
              `${x.courseCode} ${x.courseTitle}`.trim(),
              ctx.date(x.completedAt),
              sourceLabel(ctx, x.source),
              x.reason ?? '',
            ])}
          />
        )}
      </section>

      <section aria-labelledby="agreements-heading">
        <h2 id="agreements-heading" safe>
          {t('progress.candidate.agreements')}
        </h2>
        {file.agreements.length === 0 ? (
          <p class="empty-state" safe>
            {t('progress.candidate.agreementsNone')}
          </p>
        ) : (
          <FactTable
            ctx={ctx}
            heads={[
              t('progress.col.agreement'),
              t('progress.col.examVersion'),
              t('progress.col.accepted'),
              t('progress.col.source'),
              t('progress.col.reason'),
            ]}
            rows={file.agreements.map((x) => [
              `${x.agreementCode} ${x.agreementTitle}`.trim(),
              String(x.version),
              ctx.date(x.acceptedAt),
              sourceLabel(ctx, x.source),
              x.reason ?? '',
            ])}
          />
        )}
      </section>

      <section aria-labelledby="credits-heading">
        <h2 id="credits-heading" safe>
          {t('progress.candidate.credits')}
        </h2>
        {file.credits.length === 0 ? (
          <p class="empty-state" safe>
            {t('progress.candidate.creditsNone')}
          </p>
        ) : (
          <FactTable
            ctx={ctx}
            heads={[
              t('progress.col.category'),
              t('progress.col.amount'),
              t('progress.col.earned'),
              t('progress.col.source'),
              t('progress.col.reason'),
            ]}
            rows={file.credits.map((x) => [
              `${x.categoryCode} ${x.categoryTitle}`.trim(),
              new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 2 }).format(x.amount),
              ctx.date(x.earnedAt),
              sourceLabel(ctx, x.source),
              x.reason ?? '',
            ])}
          />
        )}
      </section>
    </Layout>
  );
}

function FactTable({
  heads,
  rows,
}: {
  ctx: PageContext;
  heads: string[];
  rows: string[][];
}): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            {heads.map((h) => (
              <th scope="col" safe>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {row.map((cell) => (
                <td safe>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
