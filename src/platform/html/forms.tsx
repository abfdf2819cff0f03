import type { FieldProblem } from '../http/errors.ts';
import type { Translate } from '../i18n/i18n.ts';
import type { PageContext } from './context.ts';

/**
 * What a form shows: the values the user typed and, after a failed post, a
 * message per field. Passwords are never echoed back.
 */
export interface FormState {
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly errors: Readonly<Record<string, string | undefined>>;
  /** "Error:", read out before each message by screen readers, in the user's language. */
  readonly errorPrefix?: string;
}

export const emptyForm: FormState = { values: {}, errors: {} };

export function formWithProblems(
  t: Translate,
  values: Record<string, unknown>,
  problems: readonly FieldProblem[],
  secretFields: readonly string[] = ['password', 'currentPassword', 'newPassword', 'code'],
): FormState {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' && !secretFields.includes(key) && key !== '_csrf')
      kept[key] = value;
  }
  const errors: Record<string, string> = {};
  for (const p of problems) errors[p.field] ??= t(p.messageKey, p.params);
  return { values: kept, errors, errorPrefix: t('form.errorPrefix') };
}

export function CsrfField({ ctx }: { ctx: PageContext }): JSX.Element {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

/** GOV.UK-style summary at the top of the form; it takes focus so screen readers announce it. */
export function ErrorSummary({
  ctx,
  form,
  order,
}: {
  ctx: PageContext;
  form: FormState;
  order: readonly string[];
}): JSX.Element {
  const fields = [
    ...order.filter((f) => form.errors[f]),
    ...Object.keys(form.errors).filter((f) => form.errors[f] && !order.includes(f)),
  ];
  if (fields.length === 0) return '';
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
      <h2 id="error-summary-title" class="error-summary__title" safe>
        {ctx.t('form.errorSummaryTitle')}
      </h2>
      <ul>
        {fields.map((field) => (
          <li>
            <a href={`#${fieldId(field)}`} safe>
              {form.errors[field]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function fieldId(name: string): string {
  return `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

export interface TextFieldProps {
  name: string;
  label: string;
  form: FormState;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'number' | 'search' | 'date';
  autocomplete?: string;
  inputmode?: 'text' | 'numeric' | 'email' | 'tel';
  required?: boolean;
  maxlength?: number;
  width?: 'full' | 'medium' | 'short';
  spellcheck?: boolean;
  /** Overrides the kept value, e.g. for pre-filled settings. */
  value?: string;
}

export function TextField(props: TextFieldProps): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
  const describedBy = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const value =
    props.type === 'password' ? undefined : (props.value ?? props.form.values[props.name]);
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
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden" safe>
            {`${props.form.errorPrefix ?? 'Error:'} `}
          </span>
          <span safe>{error}</span>
        </p>
      ) : (
        ''
      )}
      <input
        class={`input input--${props.width ?? 'full'}`}
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={value}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        required={props.required}
        maxlength={props.maxlength}
        spellcheck={props.spellcheck === false ? 'false' : undefined}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

export interface SelectFieldProps {
  name: string;
  label: string;
  form: FormState;
  options: readonly { value: string; label: string }[];
  hint?: string;
  autocomplete?: string;
  placeholder?: string;
}

export function SelectField(props: SelectFieldProps): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
  const current = props.form.values[props.name] ?? '';
  const describedBy = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
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
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden" safe>
            {`${props.form.errorPrefix ?? 'Error:'} `}
          </span>
          <span safe>{error}</span>
        </p>
      ) : (
        ''
      )}
      <select
        class="select"
        id={id}
        name={props.name}
        autocomplete={props.autocomplete}
        aria-describedby={describedBy || undefined}
        aria-invalid={error ? 'true' : undefined}
      >
        {props.placeholder !== undefined ? (
          <option value="" safe>
            {props.placeholder}
          </option>
        ) : (
          ''
        )}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === current} safe>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface CheckboxProps {
  name: string;
  label: JSX.Element;
  form: FormState;
  hint?: string;
  value?: string;
}

export function Checkbox(props: CheckboxProps): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
  const value = props.value ?? 'yes';
  // The label is JSX that the caller rendered (and so escaped) already.
  const safeLabel = props.label;
  const describedBy = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={error ? 'field field--error' : 'field'}>
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden" safe>
            {`${props.form.errorPrefix ?? 'Error:'} `}
          </span>
          <span safe>{error}</span>
        </p>
      ) : (
        ''
      )}
      <div class="checkbox">
        <input
          id={id}
          type="checkbox"
          name={props.name}
          value={value}
          checked={props.form.values[props.name] === value}
          aria-describedby={describedBy || undefined}
          aria-invalid={error ? 'true' : undefined}
        />
        <label for={id}>{safeLabel}</label>
      </div>
      {props.hint ? (
        <div class="field__hint checkbox__hint" id={`${id}-hint`} safe>
          {props.hint}
        </div>
      ) : (
        ''
      )}
    </div>
  );
}

export function PageHeading({ title, lead }: { title: string; lead?: string }): JSX.Element {
  return (
    <div class="page-heading">
      <h1 safe>{title}</h1>
      {lead ? (
        <p class="lead" safe>
          {lead}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

/** The message beside a field (with the screen-reader prefix), or nothing. */
export function FieldMessage({ form, name }: { form: FormState; name: string }): JSX.Element {
  const error = form.errors[name];
  if (!error) return '';
  return (
    <p class="field__error" id={`${fieldId(name)}-error`}>
      <span class="visually-hidden" safe>
        {`${form.errorPrefix ?? 'Error:'} `}
      </span>
      <span safe>{error}</span>
    </p>
  );
}

/** `aria-describedby` for a field's hint and message. */
export function describedBy(
  name: string,
  form: FormState,
  hint: string | undefined,
): string | undefined {
  const id = fieldId(name);
  return (
    [hint ? `${id}-hint` : '', form.errors[name] ? `${id}-error` : ''].filter(Boolean).join(' ') ||
    undefined
  );
}

export interface TextAreaProps {
  name: string;
  label: string;
  form: FormState;
  hint?: string;
  rows?: number;
  maxlength?: number;
  /** Overrides the kept value (e.g. a saved reply chosen for the reply box). */
  value?: string;
}

export function TextArea(props: TextAreaProps): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
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
      <FieldMessage form={props.form} name={props.name} />
      <textarea
        class="input"
        id={id}
        name={props.name}
        rows={String(props.rows ?? 5)}
        maxlength={props.maxlength}
        aria-describedby={describedBy(props.name, props.form, props.hint)}
        aria-invalid={error ? 'true' : undefined}
        safe
      >
        {props.value ?? props.form.values[props.name] ?? ''}
      </textarea>
    </div>
  );
}

export interface FileFieldProps {
  name: string;
  label: string;
  form: FormState;
  hint?: string;
  /** The `accept` list shown to the file picker; the server checks each file's content. */
  accept: string;
  multiple?: boolean;
}

export function FileField(props: FileFieldProps): JSX.Element {
  const id = fieldId(props.name);
  const error = props.form.errors[props.name];
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
      <FieldMessage form={props.form} name={props.name} />
      <input
        class="file-input"
        type="file"
        id={id}
        name={props.name}
        accept={props.accept}
        multiple={props.multiple}
        aria-describedby={describedBy(props.name, props.form, props.hint)}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

/** Previous / "Page 2 of 5" / next, for lists paged on the server; nothing for one page. */
export function Pagination(
  props: {
    ctx: PageContext;
    page: number;
    link: (page: number) => string;
  } & ({ pages: number } | { total: number; pageSize: number }),
): JSX.Element {
  const { ctx, page, link } = props;
  const pages =
    'pages' in props ? props.pages : Math.max(1, Math.ceil(props.total / props.pageSize));
  if (pages <= 1) return '';
  const { t } = ctx;
  return (
    <nav class="pagination" aria-label={t('layout.pagination')}>
      {page > 1 ? (
        <a href={link(page - 1)} rel="prev" safe>
          {t('layout.previous')}
        </a>
      ) : (
        ''
      )}{' '}
      <span safe>{t('layout.pageOf', { page, pages })}</span>{' '}
      {page < pages ? (
        <a href={link(page + 1)} rel="next" safe>
          {t('layout.next')}
        </a>
      ) : (
        ''
      )}
    </nav>
  );
}

/** Bytes as "1.2 MB", "340 KB". */
export function formatSize(ctx: PageContext, bytes: number): string {
  const number = new Intl.NumberFormat(ctx.locale, { maximumFractionDigits: 1 });
  if (bytes >= 1024 * 1024) {
    return ctx.t('layout.sizeMb', { size: number.format(bytes / 1024 / 1024) });
  }
  return ctx.t('layout.sizeKb', { size: number.format(Math.max(1, Math.round(bytes / 1024))) });
}
