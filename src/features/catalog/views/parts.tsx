import type { PageContext } from '../../../platform/html/context.ts';
import { fieldId, type FormState } from '../../../platform/html/forms.tsx';
import type { PublicationStatus } from '../../../platform/db/schema.ts';

/** Pieces the catalog's console pages share: a text area, checkbox groups, status tags, paging. */

function FieldError({
  id,
  form,
  name,
}: {
  id: string;
  form: FormState;
  name: string;
}): JSX.Element {
  const error = form.errors[name];
  if (!error) return '';
  return (
    <p class="field__error" id={`${id}-error`}>
      <span class="visually-hidden" safe>
        {`${form.errorPrefix ?? 'Error:'} `}
      </span>
      <span safe>{error}</span>
    </p>
  );
}

export function TextArea(props: {
  name: string;
  label: string;
  form: FormState;
  hint?: string;
  rows?: number;
  maxlength?: number;
}): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
  const describedBy = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const value = props.form.values[props.name] ?? '';
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={id} safe>
        {props.label}
      </label>
      {props.hint ? (
        <div class="field__hint" id={`${id}-hint`} safe>
          {props.hint}
        </div>
      ) : (
        ''
      )}
      <FieldError id={id} form={props.form} name={props.name} />
      <textarea
        id={id}
        name={props.name}
        rows={String(props.rows ?? 5)}
        maxlength={props.maxlength}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? 'true' : undefined}
        safe
      >
        {value}
      </textarea>
    </div>
  );
}

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
        <FieldError id={id} form={props.form} name={props.name} />
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

export function Pagination({
  ctx,
  page,
  pages,
  link,
}: {
  ctx: PageContext;
  page: number;
  pages: number;
  link: (page: number) => string;
}): JSX.Element {
  if (pages <= 1) return '';
  return (
    <nav class="pagination" aria-label={ctx.t('layout.pagination')}>
      {page > 1 ? (
        <a href={link(page - 1)} rel="prev" safe>
          {ctx.t('admin.previous')}
        </a>
      ) : (
        ''
      )}{' '}
      <span safe>{ctx.t('catalog.pageOf', { page, pages })}</span>{' '}
      {page < pages ? (
        <a href={link(page + 1)} rel="next" safe>
          {ctx.t('admin.next')}
        </a>
      ) : (
        ''
      )}
    </nav>
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
