import type { PageContext } from '../../../../platform/html/context.ts';
import { PageHeading } from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { Translate } from '../../../../platform/i18n/i18n.ts';
import type { HistoryView } from '../../candidate.service.ts';
import type { ResultView } from '../../progress.types.ts';
import { Icon } from './parts.tsx';

export interface HistoryFilter {
  exam: string;
  year: string;
}

/** Every attempt, filterable by exam and year (a GET form: the filter lives in the URL). */
export function HistoryPage({
  ctx,
  view,
  filter,
  now,
}: {
  ctx: PageContext;
  view: HistoryView;
  filter: HistoryFilter;
  now: Date;
}): JSX.Element {
  const { t } = ctx;
  const query = new URLSearchParams();
  if (filter.exam) query.set('exam', filter.exam);
  if (filter.year) query.set('year', filter.year);
  const csvHref = `/history.csv${query.size > 0 ? `?${query.toString()}` : ''}`;
  const filtered = Boolean(filter.exam || filter.year);
  return (
    <Layout ctx={ctx} title={t('history.title')} wide>
      <PageHeading title={t('history.title')} lead={t('history.lead')} />
      <p>
        <a href="/history/claim" class="claim-link" safe>
          {t('results.claim.link')}
        </a>
      </p>
      <form method="get" action="/history" class="filter-form" aria-label={t('history.filter')}>
        <div class="field field--inline">
          <label class="field__label" for="f-exam" safe>
            {t('history.exam')}
          </label>
          <select class="select" id="f-exam" name="exam">
            <option value="" safe>
              {t('history.allExams')}
            </option>
            {view.exams.map((e) => (
              <option value={e.code} selected={e.code === filter.exam} safe>
                {`${e.code} – ${e.title}`}
              </option>
            ))}
          </select>
        </div>
        <div class="field field--inline">
          <label class="field__label" for="f-year" safe>
            {t('history.year')}
          </label>
          <select class="select" id="f-year" name="year">
            <option value="" safe>
              {t('history.allYears')}
            </option>
            {view.years.map((y) => (
              <option value={String(y)} selected={String(y) === filter.year} safe>
                {String(y)}
              </option>
            ))}
          </select>
        </div>
        <div class="filter-form__actions">
          <button type="submit" class="button" safe>
            {t('history.apply')}
          </button>
          {filtered ? (
            <a href="/history" safe>
              {t('history.clear')}
            </a>
          ) : (
            ''
          )}
        </div>
      </form>

      <p class="small" safe>
        {t(view.rows.length === 1 ? 'history.countOne' : 'history.count', {
          count: view.rows.length,
        })}
      </p>
      {view.rows.length === 0 ? (
        <div class="empty-state">
          <p safe>{filtered ? t('history.noneFiltered') : t('history.none')}</p>
          {filtered ? (
            ''
          ) : (
            <a href="/credentials" safe>
              {t('candidate.seeRequirements')}
            </a>
          )}
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="table history-table">
              <caption class="visually-hidden" safe>
                {t('history.title')}
              </caption>
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('history.exam')}
                  </th>
                  <th scope="col" safe>
                    {t('history.version')}
                  </th>
                  <th scope="col" safe>
                    {t('history.date')}
                  </th>
                  <th scope="col" safe>
                    {t('history.score')}
                  </th>
                  <th scope="col" safe>
                    {t('history.result')}
                  </th>
                  <th scope="col" safe>
                    {t('history.source')}
                  </th>
                  <th scope="col" safe>
                    {t('history.retake')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((r) => (
                  <tr class={r.status === 'revoked' ? 'row--revoked' : undefined}>
                    <td>
                      <span class="mono" safe>
                        {r.examCode}
                      </span>
                      <div class="small" safe>
                        {r.examTitle}
                      </div>
                    </td>
                    <td safe>{r.examVersion ?? '–'}</td>
                    <td safe>{ctx.date(r.takenAt)}</td>
                    <td safe>
                      {r.score === null
                        ? '–'
                        : t('history.scoreOf', { score: r.score, passing: r.passingScore })}
                    </td>
                    <td>
                      <Outcome ctx={ctx} result={r} />
                    </td>
                    <td safe>{t(`history.sources.${r.source}`)}</td>
                    <td safe>{retakeText(t, ctx.date, r, now)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p>
        <a class="button button--secondary" href={csvHref} download="" safe>
          {t('history.downloadCsv')}
        </a>
      </p>
    </Layout>
  );
}

function Outcome({ ctx, result }: { ctx: PageContext; result: ResultView }): JSX.Element {
  const { t } = ctx;
  if (result.status === 'revoked') {
    return (
      <>
        <span class="status status--revoked">
          <Icon name="ban" />
          <span safe>{t('history.revoked')}</span>
        </span>
        {result.statusReason ? (
          <div class="small" safe>
            {result.statusReason}
          </div>
        ) : (
          ''
        )}
      </>
    );
  }
  return result.passed ? (
    <span class="status status--active">
      <Icon name="check" />
      <span safe>{t('history.pass')}</span>
    </span>
  ) : (
    <span class="status status--failed">
      <Icon name="cross" />
      <span safe>{t('history.fail')}</span>
    </span>
  );
}

/** When a failed attempt may be retaken, in words; empty for passes, revoked and superseded attempts. */
export function retakeText(
  t: Translate,
  date: (d: Date) => string,
  r: ResultView,
  now: Date,
): string {
  // The engine gives retake information on the latest failed attempt of an exam only.
  if (!r.retake) return '';
  const { allowedFrom, blocked } = r.retake;
  if (blocked === 'passed') return t('history.retakePassed');
  if (blocked === 'max_attempts') {
    return allowedFrom
      ? t('history.retakeLimitUntil', { date: date(allowedFrom) })
      : t('history.retakeLimit');
  }
  if (allowedFrom && allowedFrom.getTime() > now.getTime()) {
    return t('history.retakeFrom', { date: date(allowedFrom) });
  }
  return t('history.retakeNow');
}
