import type { PageContext } from '../../../platform/html/context.ts';
import { PageHeading } from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { CodedKind, Page } from '../catalog.service.ts';
import type { CredentialDefinition, ExamDefinition, TrainingDefinition } from '../catalog.types.ts';
import { CODED_PATHS, CodedTable } from './coded.tsx';
import { CredentialTable } from './credentials.tsx';
import { ExamTable } from './exams.tsx';
import { CatalogNav } from './parts.tsx';

export interface CatalogHomeView {
  exams: Page<ExamDefinition>;
  credentials: Page<CredentialDefinition>;
  coded: Record<CodedKind, Page<TrainingDefinition>>;
}

function Section({
  ctx,
  id,
  title,
  total,
  shown,
  href,
  addLabel,
  children,
}: {
  ctx: PageContext;
  id: string;
  title: string;
  total: number;
  shown: number;
  href: string;
  addLabel: string;
  children: JSX.Element;
}): JSX.Element {
  const { t } = ctx;
  // The table is JSX that escaped its own content when it was rendered.
  const safeTable = children;
  return (
    <section aria-labelledby={id}>
      <h2 id={id} safe>
        {title}
      </h2>
      {safeTable}
      <div class="button-row">
        <a href={`${href}/new`} safe>
          {addLabel}
        </a>
        {total > shown ? (
          <a href={href} safe>
            {t('catalog.seeAll', { count: total })}
          </a>
        ) : (
          <a href={href} safe>
            {t('catalog.openList')}
          </a>
        )}
      </div>
    </section>
  );
}

export function CatalogHomePage({
  ctx,
  view,
}: {
  ctx: PageContext;
  view: CatalogHomeView;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('catalog.homeTitle')} wide>
      <CatalogNav ctx={ctx} current="/console/catalog" />
      <PageHeading title={t('catalog.homeTitle')} lead={t('catalog.homeLead')} />
      <Section
        ctx={ctx}
        id="catalog-credentials"
        title={t('catalog.credentials')}
        total={view.credentials.total}
        shown={view.credentials.rows.length}
        href="/console/catalog/credentials"
        addLabel={t('catalog.credentials.new')}
      >
        <CredentialTable ctx={ctx} credentials={view.credentials.rows} />
      </Section>
      <Section
        ctx={ctx}
        id="catalog-exams"
        title={t('catalog.exams')}
        total={view.exams.total}
        shown={view.exams.rows.length}
        href="/console/catalog/exams"
        addLabel={t('catalog.exams.new')}
      >
        <ExamTable ctx={ctx} exams={view.exams.rows} />
      </Section>
      <>
        {(['training', 'agreement', 'creditCategory'] as const).map((kind) => (
          <Section
            ctx={ctx}
            id={`catalog-${kind}`}
            title={t(
              kind === 'training'
                ? 'catalog.trainings'
                : kind === 'agreement'
                  ? 'catalog.agreements'
                  : 'catalog.creditCategories',
            )}
            total={view.coded[kind].total}
            shown={view.coded[kind].rows.length}
            href={CODED_PATHS[kind]}
            addLabel={t(
              kind === 'training'
                ? 'catalog.trainings.new'
                : kind === 'agreement'
                  ? 'catalog.agreements.new'
                  : 'catalog.creditCategories.new',
            )}
          >
            <CodedTable ctx={ctx} kind={kind} rows={view.coded[kind].rows} />
          </Section>
        ))}
      </>
    </Layout>
  );
}
