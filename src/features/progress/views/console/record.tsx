import type { PageContext } from '../../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  type FormState,
} from '../../../../platform/html/forms.tsx';
import { Layout } from '../../../../platform/html/layout.tsx';
import type { CandidateRow, FormOptions } from '../../console.service.ts';

/** The four "record by hand" forms: one thing per page, a reason always required. */

export type RecordKind = 'result' | 'training' | 'agreement' | 'credits';

const TITLES = {
  result: 'progress.record.resultTitle',
  training: 'progress.record.trainingTitle',
  agreement: 'progress.record.agreementTitle',
  credits: 'progress.record.creditsTitle',
} as const;
const SUBMITS = {
  result: 'progress.record.resultSubmit',
  training: 'progress.record.trainingSubmit',
  agreement: 'progress.record.agreementSubmit',
  credits: 'progress.record.creditsSubmit',
} as const;
const PATHS: Record<RecordKind, string> = {
  result: 'results',
  training: 'training',
  agreement: 'agreements',
  credits: 'credits',
};
const ORDER: Record<RecordKind, string[]> = {
  result: ['examCode', 'examVersion', 'score', 'outcome', 'takenAt', 'reason'],
  training: ['courseCode', 'completedAt', 'reason'],
  agreement: ['agreementCode', 'version', 'acceptedAt', 'reason'],
  credits: ['categoryCode', 'amount', 'earnedAt', 'reason'],
};

export function RecordPage({
  ctx,
  kind,
  candidate,
  options,
  form,
}: {
  ctx: PageContext;
  kind: RecordKind;
  candidate: CandidateRow;
  options: FormOptions;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  const title = t(TITLES[kind], { name: candidate.name });
  const dateHint = t('progress.form.dateHint');
  const choose = t('progress.form.choose');
  const named = (list: { code: string; title: string }[]) =>
    list.map((x) => ({ value: x.code, label: `${x.code} – ${x.title}` }));
  let fields: JSX.Element;
  switch (kind) {
    case 'result':
      fields = (
        <>
          <SelectField
            name="examCode"
            label={t('progress.form.exam')}
            form={form}
            options={named(options.exams)}
            placeholder={choose}
          />
          <TextField
            name="examVersion"
            label={t('progress.form.examVersion')}
            hint={t('progress.form.examVersionHint')}
            form={form}
            width="short"
            maxlength={20}
          />
          <TextField
            name="score"
            label={t('progress.form.score')}
            hint={t('progress.form.scoreHint')}
            form={form}
            width="short"
            inputmode="numeric"
            maxlength={10}
          />
          <SelectField
            name="outcome"
            label={t('progress.form.outcome')}
            form={form}
            options={[
              { value: 'auto', label: t('progress.form.outcomeAuto') },
              { value: 'passed', label: t('progress.form.outcomePassed') },
              { value: 'failed', label: t('progress.form.outcomeFailed') },
            ]}
          />
          <TextField
            name="takenAt"
            label={t('progress.form.takenAt')}
            hint={dateHint}
            form={form}
            type="date"
            width="medium"
          />
        </>
      );
      break;
    case 'training':
      fields = (
        <>
          <SelectField
            name="courseCode"
            label={t('progress.form.course')}
            form={form}
            options={named(options.trainings)}
            placeholder={choose}
          />
          <TextField
            name="completedAt"
            label={t('progress.form.completedAt')}
            hint={dateHint}
            form={form}
            type="date"
            width="medium"
          />
        </>
      );
      break;
    case 'agreement':
      fields = (
        <>
          <SelectField
            name="agreementCode"
            label={t('progress.form.agreement')}
            form={form}
            options={named(options.agreements)}
            placeholder={choose}
          />
          <TextField
            name="version"
            label={t('progress.form.agreementVersion')}
            form={form}
            width="short"
            inputmode="numeric"
            maxlength={6}
          />
          <TextField
            name="acceptedAt"
            label={t('progress.form.acceptedAt')}
            hint={dateHint}
            form={form}
            type="date"
            width="medium"
          />
        </>
      );
      break;
    case 'credits':
      fields = (
        <>
          <SelectField
            name="categoryCode"
            label={t('progress.form.category')}
            form={form}
            options={named(options.categories)}
            placeholder={choose}
          />
          <TextField
            name="amount"
            label={t('progress.form.amount')}
            hint={t('progress.form.amountHint')}
            form={form}
            width="short"
            maxlength={10}
          />
          <TextField
            name="earnedAt"
            label={t('progress.form.earnedAt')}
            hint={dateHint}
            form={form}
            type="date"
            width="medium"
          />
        </>
      );
      break;
  }
  const back = `/console/candidates/${candidate.id}`;
  return (
    <Layout ctx={ctx} title={title}>
      <p class="breadcrumb">
        <a href={back} safe>
          {t('progress.back', { name: candidate.name })}
        </a>
      </p>
      <PageHeading title={title} lead={t('progress.record.lead')} />
      <ErrorSummary ctx={ctx} form={form} order={ORDER[kind]} />
      <form method="post" action={`${back}/${PATHS[kind]}/new`} novalidate>
        <CsrfField ctx={ctx} />
        {fields}
        <TextField
          name="reason"
          label={t('progress.form.reason')}
          hint={t('progress.form.reasonHint')}
          form={form}
          maxlength={2000}
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t(SUBMITS[kind])}
          </button>
        </div>
      </form>
    </Layout>
  );
}
