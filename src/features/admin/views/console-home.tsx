import type { PageContext } from '../../../platform/html/context.ts';
import { PageHeading } from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';

export interface AttentionRow {
  label: string;
  href: string;
  count: number;
}

/** The staff console's home: a count per queue the person's roles may work. */
export function ConsoleHomePage({
  ctx,
  rows,
}: {
  ctx: PageContext;
  rows: AttentionRow[];
}): JSX.Element {
  const { t } = ctx;
  const waiting = rows.filter((r) => r.count > 0);
  return (
    <Layout ctx={ctx} title={t('attention.title')}>
      <PageHeading title={t('attention.title')} lead={t('attention.lead')} />
      {waiting.length === 0 ? (
        <div class="empty-state">
          <p safe>{t('attention.none')}</p>
        </div>
      ) : (
        ''
      )}
      <ul class="attention-list">
        {rows.map((r) => (
          <li class={r.count > 0 ? 'attention-item attention-item--waiting' : 'attention-item'}>
            <a href={r.href}>
              <span class="attention-item__count" safe>
                {r.count.toLocaleString(ctx.locale)}
              </span>{' '}
              <span class="attention-item__label" safe>
                {r.label}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
