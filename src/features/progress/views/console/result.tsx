import type { PageContext } from '../../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  emptyForm,
  type FormState,
} from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { ResultFile } from '../../console.service.ts';
import {
  AwardStatusTag,
  ResultStatusTag,
  actorName,
  dateOrNever,
  describeChange,
  sourceLabel,
} from './common.tsx';

export type ResultForm = 'correct' | 'revoke' | 'restore';

/** One result: its facts, history, the credentials resting on it, and the forms that change it. */
export function ResultPage({
  ctx,
  file,
  canEdit,
  forms,
}: {
  ctx: PageContext;
  file: ResultFile;
  canEdit: boolean;
  /** The form that was posted with problems, if any; the others start empty. */
  forms: Partial<Record<ResultForm, FormState>>;
}): JSX.Element {
  const { t } = ctx;
  const r = file.result;
  const c = file.candidate;
  const title = t('progress.result.title', { exam: `${r.examCode} ${r.examTitle}` });
  const correct = forms.correct ?? {
    ...emptyForm,
    values: {
      score: r.score === null ? '' : String(r.score),
      outcome: 'auto',
      takenAt: r.takenAt.toISOString().slice(0, 10),
      examVersion: r.examVersion ?? '',
    },
  };
  const revoke = forms.revoke ?? emptyForm;
  const restore = forms.restore ?? emptyForm;
  const base = `/console/results/${r.id}`;
  return (
    <Layout ctx={ctx} title={title} wide>
      <p class="breadcrumb">
        <a href={`/console/candidates/${c.id}`} safe>
          {t('progress.back', { name: c.name })}
        </a>
      </p>
      <PageHeading
        title={title}
        lead={t('progress.result.lead', { name: c.name, candidateId: c.candidateNumber })}
      />
      <dl class="summary-list">
        <dt safe>{t('progress.col.status')}</dt>
        <dd>
          <ResultStatusTag ctx={ctx} status={r.status} />
        </dd>
        {r.statusReason ? (
          <>
            <dt safe>{t('progress.result.statusReason')}</dt>
            <dd safe>{r.statusReason}</dd>
          </>
        ) : (
          ''
        )}
        <dt safe>{t('progress.col.taken')}</dt>
        <dd safe>{ctx.date(r.takenAt)}</dd>
        <dt safe>{t('progress.col.examVersion')}</dt>
        <dd safe>{r.examVersion ?? t('progress.none')}</dd>
        <dt safe>{t('progress.col.score')}</dt>
        <dd safe>{r.score === null ? t('progress.none') : String(r.score)}</dd>
        <dt safe>{t('progress.col.outcome')}</dt>
        <dd safe>{r.passed ? t('progress.passed') : t('progress.failed')}</dd>
        <dt safe>{t('progress.col.source')}</dt>
        <dd safe>{sourceLabel(ctx, r.source)}</dd>
      </dl>

      <section aria-labelledby="resting-heading">
        <h2 id="resting-heading" safe>
          {t('progress.result.resting')}
        </h2>
        {file.resting.length === 0 ? (
          <p safe>{t('progress.result.restingNone')}</p>
        ) : (
          <ul>
            {file.resting.map((a) => (
              <li>
                <span safe>{`${a.credentialName} (${a.credentialNumber}) `}</span>
                <AwardStatusTag ctx={ctx} status={a.status} />{' '}
                <span class="small" safe>
                  {`${t('progress.col.expires')}: ${dateOrNever(ctx, a.expiresAt)}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading" safe>
          {t('progress.result.history')}
        </h2>
        {file.changes.length === 0 ? (
          <p safe>{t('progress.result.historyNone')}</p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('progress.col.when')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.by')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.change')}
                  </th>
                  <th scope="col" safe>
                    {t('progress.col.reason')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {file.changes.map((ch) => (
                  <tr>
                    <td safe>{ctx.dateTime(ch.at)}</td>
                    <td safe>{actorName(ctx, ch.actorUserId)}</td>
                    <td>
                      <span class="small" safe>
                        {describeChange(ch.before) || t('progress.none')}
                      </span>{' '}
                      <span aria-hidden="true">→</span>{' '}
                      <span class="small" safe>
                        {describeChange(ch.after)}
                      </span>
                    </td>
                    <td safe>{ch.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canEdit && r.status === 'valid' ? (
        <>
          <section aria-labelledby="correct-heading">
            <h2 id="correct-heading" safe>
              {t('progress.correct.heading')}
            </h2>
            <p safe>{t('progress.correct.lead')}</p>
            <ErrorSummary
              ctx={ctx}
              form={correct}
              order={['score', 'outcome', 'takenAt', 'examVersion', 'reason']}
            />
            <form method="post" action={`${base}/correct`} novalidate>
              <CsrfField ctx={ctx} />
              <TextField
                name="score"
                label={t('progress.form.score')}
                hint={t('progress.form.scoreHint')}
                form={correct}
                width="short"
                inputmode="numeric"
                maxlength={10}
              />
              <SelectField
                name="outcome"
                label={t('progress.form.outcome')}
                form={correct}
                options={[
                  { value: 'auto', label: t('progress.form.outcomeAuto') },
                  { value: 'passed', label: t('progress.form.outcomePassed') },
                  { value: 'failed', label: t('progress.form.outcomeFailed') },
                ]}
              />
              <TextField
                name="takenAt"
                label={t('progress.form.takenAt')}
                hint={t('progress.form.dateHint')}
                form={correct}
                type="date"
                width="medium"
              />
              <TextField
                name="examVersion"
                label={t('progress.form.examVersion')}
                hint={t('progress.form.examVersionHint')}
                form={correct}
                width="short"
                maxlength={20}
              />
              <TextField
                name="reason"
                label={t('progress.form.reason')}
                hint={t('progress.form.reasonHint')}
                form={correct}
                maxlength={2000}
              />
              <button type="submit" class="button" safe>
                {t('progress.correct.submit')}
              </button>
            </form>
          </section>

          <section aria-labelledby="revoke-heading">
            <h2 id="revoke-heading" safe>
              {t('progress.revoke.heading')}
            </h2>
            <p safe>{t('progress.revoke.lead')}</p>
            <ErrorSummary ctx={ctx} form={revoke} order={['revokeReason', 'decision']} />
            <form method="post" action={`${base}/revoke`} novalidate>
              <CsrfField ctx={ctx} />
              <TextField
                name="revokeReason"
                label={t('progress.form.reason')}
                hint={t('progress.form.reasonHint')}
                form={revoke}
                maxlength={2000}
              />
              {file.resting.length > 0 ? (
                <>
                  <Checkbox
                    name="keep"
                    label={<span safe>{t('progress.revoke.keep')}</span>}
                    hint={t('progress.revoke.keepHint')}
                    form={revoke}
                  />
                  <TextField
                    name="decision"
                    label={t('progress.revoke.decision')}
                    form={revoke}
                    maxlength={2000}
                  />
                </>
              ) : (
                ''
              )}
              <button type="submit" class="button button--danger" safe>
                {t('progress.revoke.submit')}
              </button>
            </form>
          </section>
        </>
      ) : (
        ''
      )}

      {canEdit && r.status === 'revoked' ? (
        <section aria-labelledby="restore-heading">
          <h2 id="restore-heading" safe>
            {t('progress.restore.heading')}
          </h2>
          <p safe>{t('progress.restore.lead')}</p>
          <ErrorSummary ctx={ctx} form={restore} order={['restoreReason']} />
          <form method="post" action={`${base}/restore`} novalidate>
            <CsrfField ctx={ctx} />
            <TextField
              name="restoreReason"
              label={t('progress.form.reason')}
              hint={t('progress.form.reasonHint')}
              form={restore}
              maxlength={2000}
            />
            <button type="submit" class="button" safe>
              {t('progress.restore.submit')}
            </button>
          </form>
        </section>
      ) : (
        ''
      )}
    </Layout>
  );
}
