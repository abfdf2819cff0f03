import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { AuthorizationView, ExportRecord } from '../export.service.ts';

/** Exports to delivery providers and the exam authorizations they carry. */
export function ExportsPage({
  ctx,
  history,
  authorizations,
  form,
}: {
  ctx: PageContext;
  history: ExportRecord[];
  authorizations: AuthorizationView[];
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('results.exports.title')} wide>
      <PageHeading title={t('results.exports.title')} lead={t('results.exports.lead')} />
      <p>
        <a href="/console/results" safe>
          {t('results.nav.imports')}
        </a>
      </p>
      <div class="button-row">
        <form method="post" action="/console/results/exports/candidates">
          <CsrfField ctx={ctx} />
          <button type="submit" class="button" safe>
            {t('results.exports.candidates')}
          </button>
        </form>
        <form method="post" action="/console/results/exports/authorizations">
          <CsrfField ctx={ctx} />
          <button type="submit" class="button" safe>
            {t('results.exports.authorizations')}
          </button>
        </form>
      </div>
      <h2 safe>{t('results.exports.historyTitle')}</h2>
      {history.length === 0 ? (
        <p class="empty-state" safe>
          {t('results.exports.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('results.exports.kind')}
                </th>
                <th scope="col" safe>
                  {t('results.exports.window')}
                </th>
                <th scope="col" safe>
                  {t('results.col.rows')}
                </th>
              </tr>
            </thead>
            <tbody>
              {history.map((h) => (
                <tr>
                  <td safe>
                    {h.kind === 'candidates'
                      ? t('results.exports.kindCandidates')
                      : t('results.exports.kindAuthorizations')}
                  </td>
                  <td safe>
                    {h.changedAfter
                      ? t('results.exports.between', {
                          from: ctx.dateTime(h.changedAfter),
                          until: ctx.dateTime(h.changedUntil),
                        })
                      : t('results.exports.upTo', { until: ctx.dateTime(h.changedUntil) })}
                  </td>
                  <td safe>{String(h.rows)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 safe>{t('results.auth.title')}</h2>
      <p safe>{t('results.auth.lead')}</p>
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={['candidateNumber', 'examCode', 'eligibleFrom', 'eligibleUntil']}
      />
      <form method="post" action="/console/results/authorizations" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="candidateNumber"
          label={t('results.link.candidate')}
          form={form}
          width="medium"
          maxlength={64}
        />
        <TextField
          name="examCode"
          label={t('results.auth.exam')}
          form={form}
          width="short"
          maxlength={32}
        />
        <TextField
          name="eligibleFrom"
          label={t('results.auth.from')}
          form={form}
          type="date"
          width="medium"
        />
        <TextField
          name="eligibleUntil"
          label={t('results.auth.until')}
          form={form}
          type="date"
          width="medium"
        />
        <button type="submit" class="button" safe>
          {t('results.auth.submit')}
        </button>
      </form>
      {authorizations.length === 0 ? (
        ''
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th scope="col" safe>
                  {t('results.auth.id')}
                </th>
                <th scope="col" safe>
                  {t('results.col.candidateId')}
                </th>
                <th scope="col" safe>
                  {t('results.col.exam')}
                </th>
                <th scope="col" safe>
                  {t('results.auth.window')}
                </th>
                <th scope="col" safe>
                  {t('results.col.status')}
                </th>
                <th scope="col">
                  <span class="visually-hidden" safe>
                    {t('results.auth.actions')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>
              {authorizations.map((a) => (
                <tr>
                  <td safe>{String(a.id)}</td>
                  <td safe>{`${a.candidateNumber} ${a.candidateName}`}</td>
                  <td safe>{a.examCode}</td>
                  <td safe>{`${a.eligibleFrom} – ${a.eligibleUntil}`}</td>
                  <td safe>
                    {a.status === 'active' ? t('results.auth.active') : t('results.auth.cancelled')}
                  </td>
                  <td>
                    {a.status === 'active' ? (
                      <form method="post" action={`/console/results/authorizations/${a.id}/cancel`}>
                        <CsrfField ctx={ctx} />
                        <button type="submit" class="button button--secondary" safe>
                          {t('results.auth.cancel')}
                        </button>
                      </form>
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
