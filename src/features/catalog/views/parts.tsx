import type { PageContext } from '../../../platform/html/context.ts';
import { FieldMessage, fieldId, type FormState } from '../../../platform/html/forms.tsx';
import type { PublicationStatus } from '../../../platform/db/schema.ts';

/** Pieces the catalog's console pages share: checkbox groups and status tags (text areas and paging come from the platform). */

/** Several checkboxes under one legend; the posted value is the list of those ticked. */
export function CheckboxGroup(props: {
  name: string;
  legend: string;
  form: FormState;
  options: readonly { value: string; label: string }[];
  checked: readonly string[];
  hint?: string;
}): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <fieldset id={id} aria-describedby={error ? `${id}-error` : undefined}>
        <legend class="field__label" safe>
          {props.legend}
        </legend>
        {props.hint ? (
          <div class="field__hint" safe>
            {props.hint}
          </div>
        ) : (
          ''
        )}
        <FieldMessage form={props.form} name={props.name} />
        {props.options.map((o) => (
          <div class="checkbox">
            <input
              id={`${id}-${o.value}`}
              type="checkbox"
              name={props.name}
              value={o.value}
              checked={props.checked.includes(o.value)}
            />
            <label for={`${id}-${o.value}`} safe>
              {o.label}
            </label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}

/** Status with its word, never color alone. */
export function StatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: PublicationStatus;
}): JSX.Element {
  const cls =
    status === 'published' ? 'tag tag--success' : status === 'retired' ? 'tag' : 'tag tag--warning';
  return (
    <span class={cls} safe>
      {ctx.t(`catalog.status.${status}`)}
    </span>
  );
}

/** A filter form whose state lives in the URL, so a view can be bookmarked. */
export function FilterForm({
  ctx,
  action,
  q,
  status,
}: {
  ctx: PageContext;
  action: string;
  q: string;
  /** Omit for lists without a status. */
  status?: PublicationStatus | '' | undefined;
}): JSX.Element {
  const { t } = ctx;
  return (
    <form method="get" action={action} class="search-form" role="search">
      <div class="button-row">
        <div>
          <label class="field__label" for="f-q" safe>
            {t('catalog.filter.search')}
          </label>
          <input class="input input--medium" id="f-q" name="q" type="search" value={q} />
        </div>
        {status !== undefined ? (
          <div>
            <label class="field__label" for="f-status" safe>
              {t('catalog.filter.status')}
            </label>
            <select class="select" id="f-status" name="status">
              <option value="" safe>
                {t('catalog.filter.anyStatus')}
              </option>
              {(['draft', 'published', 'retired'] as const).map((s) => (
                <option value={s} selected={status === s} safe>
                  {t(`catalog.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
        ) : (
          ''
        )}
        <button type="submit" class="button button--secondary" safe>
          {t('catalog.filter.submit')}
        </button>
      </div>
    </form>
  );
}

export function BackLink({ href, label }: { href: string; label: string }): JSX.Element {
  return (
    <p>
      <a href={href} safe>
        {label}
      </a>
    </p>
  );
}

/** The console catalog's own navigation between its lists. */
export function CatalogNav({ ctx, current }: { ctx: PageContext; current: string }): JSX.Element {
  const { t } = ctx;
  const items = [
    ['/console/catalog', t('catalog.homeTitle')],
    ['/console/catalog/exams', t('catalog.exams')],
    ['/console/catalog/credentials', t('catalog.credentials')],
    ['/console/catalog/trainings', t('catalog.trainings')],
    ['/console/catalog/agreements', t('catalog.agreements')],
    ['/console/catalog/credit-categories', t('catalog.creditCategories')],
  ] as const;
  return (
    <nav aria-label={t('catalog.sections')}>
      <ul class="link-list button-row">
        {items.map(([href, label]) => (
          <li>
            <a href={href} aria-current={href === current ? 'page' : undefined} safe>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export { Pagination, TextArea } from '../../../platform/html/forms.tsx';
