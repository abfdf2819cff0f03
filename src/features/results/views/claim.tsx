import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';

/** "I have a score report": a candidate claims a result Laurel could not match to them. */
export function ClaimPage({ ctx, form }: { ctx: PageContext; form: FormState }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('results.claim.title')}>
      <p>
        <a href="/history" safe>
          {t('results.claim.back')}
        </a>
      </p>
      <PageHeading title={t('results.claim.title')} lead={t('results.claim.lead')} />
      <ErrorSummary ctx={ctx} form={form} order={['registrationId', 'lastName']} />
      <form method="post" action="/history/claim" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="registrationId"
          label={t('results.claim.ref')}
          hint={t('results.claim.refHint')}
          form={form}
          width="medium"
          maxlength={64}
          autocomplete="off"
          spellcheck={false}
        />
        <TextField
          name="lastName"
          label={t('results.claim.name')}
          hint={t('results.claim.nameHint')}
          form={form}
          width="medium"
          maxlength={200}
          autocomplete="family-name"
        />
        <button type="submit" class="button" safe>
          {t('results.claim.submit')}
        </button>
      </form>
    </Layout>
  );
}
