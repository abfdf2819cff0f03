import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  fieldId,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import type { MessageKey } from '../../../platform/i18n/i18n.ts';
import {
  REQUIREMENT_KINDS,
  type RequirementDescription,
  type RequirementKind,
} from '../catalog.requirements.ts';
import {
  KIND_FIELDS,
  flatten,
  isGroupKind,
  nodeField,
  outlineLabels,
  type EditNode,
  type FlatNode,
  type NodeField,
} from '../requirement-form.ts';
import { RequirementText } from './credentials.tsx';
import { BackLink, TextArea } from './parts.tsx';

/**
 * The requirement tree editor. It works without JavaScript: the tree is
 * nested fieldsets, every button posts the whole tree, and the server sends
 * it back edited. Buttons carry a `formaction` with a fragment so the page
 * comes back scrolled to where the person was working.
 */

export interface CodeOption {
  code: string;
  title: string;
}

export interface EditorOptions {
  exams: CodeOption[];
  credentials: CodeOption[];
  trainings: CodeOption[];
  agreements: CodeOption[];
  creditCategories: CodeOption[];
}

const KIND_LABEL: Record<RequirementKind, MessageKey> = {
  all: 'catalog.tree.kind.all',
  any: 'catalog.tree.kind.any',
  exam: 'catalog.tree.kind.exam',
  credential: 'catalog.tree.kind.credential',
  training: 'catalog.tree.kind.training',
  agreement: 'catalog.tree.kind.agreement',
  credits: 'catalog.tree.kind.credits',
};

const FIELD_LABEL: Record<NodeField, MessageKey> = {
  count: 'catalog.tree.field.count',
  examCode: 'catalog.tree.field.examCode',
  minScore: 'catalog.tree.field.minScore',
  versions: 'catalog.tree.field.versions',
  withinMonths: 'catalog.tree.field.withinMonths',
  credentialCode: 'catalog.tree.field.credentialCode',
  courseCode: 'catalog.tree.field.courseCode',
  agreementCode: 'catalog.tree.field.agreementCode',
  version: 'catalog.tree.field.version',
  categoryCode: 'catalog.tree.field.categoryCode',
  minimum: 'catalog.tree.field.minimum',
};

const FIELD_HINT: Partial<Record<NodeField, MessageKey>> = {
  count: 'catalog.tree.hint.count',
  minScore: 'catalog.tree.hint.minScore',
  versions: 'catalog.tree.hint.versions',
  withinMonths: 'catalog.tree.hint.withinMonths',
  version: 'catalog.tree.hint.version',
};

const PICKERS: Partial<
  Record<NodeField, { options: keyof EditorOptions; placeholder: MessageKey }>
> = {
  examCode: { options: 'exams', placeholder: 'catalog.tree.chooseExam' },
  credentialCode: { options: 'credentials', placeholder: 'catalog.tree.chooseCredential' },
  courseCode: { options: 'trainings', placeholder: 'catalog.tree.chooseTraining' },
  agreementCode: { options: 'agreements', placeholder: 'catalog.tree.chooseAgreement' },
  categoryCode: { options: 'creditCategories', placeholder: 'catalog.tree.chooseCategory' },
};

interface NodeProps {
  ctx: PageContext;
  flat: FlatNode[];
  item: FlatNode;
  labels: Map<number, string>;
  form: FormState;
  options: EditorOptions;
  action: string;
}

function ActionButton({
  value,
  anchor,
  action,
  label,
  where,
  variant,
}: {
  value: string;
  anchor: number;
  action: string;
  label: string;
  where: string;
  /** Adding is the main thing done here; moving and removing are quieter links. */
  variant?: 'primary';
}): JSX.Element {
  return (
    <button
      type="submit"
      name="action"
      value={value}
      formaction={`${action}#${fieldId(nodeField(anchor))}`}
      class={variant === 'primary' ? 'button button--small' : 'link-button'}
    >
      <span safe>{label}</span>
      {where ? (
        <span class="visually-hidden" safe>
          {` ${where}`}
        </span>
      ) : (
        ''
      )}
    </button>
  );
}

function NodeFieldset(props: NodeProps): JSX.Element {
  const { ctx, flat, item, labels, form, options, action } = props;
  const { t } = ctx;
  const { node, index } = item;
  const label = labels.get(index) ?? '';
  const where = label ? t('catalog.tree.where', { position: label }) : t('catalog.tree.whereRoot');
  const nodeError = form.errors[nodeField(index)];
  const children = flat.filter((f) => f.parent === index);
  const parent = item.parent >= 0 ? flat[item.parent] : undefined;
  const siblings = parent ? flat.filter((f) => f.parent === parent.index) : [];
  const position = siblings.findIndex((s) => s.index === index);
  return (
    <fieldset class={nodeError ? 'card field--error' : 'card'} id={fieldId(nodeField(index))}>
      <legend safe>
        {label
          ? t('catalog.tree.legend', { position: label, kind: t(KIND_LABEL[node.kind]) })
          : t('catalog.tree.legendRoot', { kind: t(KIND_LABEL[node.kind]) })}
      </legend>
      {nodeError ? (
        <p class="field__error">
          <span class="visually-hidden" safe>
            {`${form.errorPrefix ?? 'Error:'} `}
          </span>
          <span safe>{nodeError}</span>
        </p>
      ) : (
        ''
      )}
      <input type="hidden" name={nodeField(index, 'id')} value={node.id} />
      <input
        type="hidden"
        name={nodeField(index, 'parent')}
        value={item.parent >= 0 ? String(item.parent) : ''}
      />
      <div class="button-row">
        <SelectField
          name={nodeField(index, 'kind')}
          label={t('catalog.tree.field.kind')}
          form={{ ...form, values: { ...form.values, [nodeField(index, 'kind')]: node.kind } }}
          options={REQUIREMENT_KINDS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))}
        />
        <ActionButton
          value="refresh"
          anchor={index}
          action={action}
          label={t('catalog.tree.changeKind')}
          where={where}
        />
      </div>
      {isGroupKind(node.kind) && children.length > 0 && node.kind === 'any' ? (
        <p class="field__hint" safe>
          {children.length === 1
            ? t('catalog.tree.anyHintOne')
            : t('catalog.tree.anyHint', { count: children.length })}
        </p>
      ) : (
        ''
      )}
      {KIND_FIELDS[node.kind].map((field) => {
        const name = nodeField(index, field);
        const picker = PICKERS[field];
        if (picker) {
          const current = form.values[name] ?? '';
          const list = options[picker.options];
          const known = list.some((o) => o.code === current);
          return (
            <SelectField
              name={name}
              label={t(FIELD_LABEL[field])}
              form={form}
              placeholder={t(picker.placeholder)}
              options={[
                ...list.map((o) => ({ value: o.code, label: `${o.code} – ${o.title}` })),
                ...(current && !known
                  ? [{ value: current, label: t('catalog.tree.unknownCode', { code: current }) }]
                  : []),
              ]}
            />
          );
        }
        const hint = FIELD_HINT[field];
        return (
          <TextField
            name={name}
            label={t(FIELD_LABEL[field])}
            form={form}
            width={field === 'versions' ? 'medium' : 'short'}
            inputmode={field === 'versions' ? undefined : 'numeric'}
            spellcheck={false}
            maxlength={200}
            {...(hint ? { hint: t(hint) } : {})}
          />
        );
      })}
      {isGroupKind(node.kind) ? (
        <>
          {children.length === 0 ? (
            <p class="field__hint" safe>
              {t('catalog.tree.emptyGroup')}
            </p>
          ) : (
            children.map((child) => <NodeFieldset {...props} item={child} />)
          )}
          <div class="button-row">
            <div class="field">
              <label class="field__label" for={fieldId(nodeField(index, 'addKind'))} safe>
                {t('catalog.tree.addKind')}
              </label>
              <select
                class="select"
                id={fieldId(nodeField(index, 'addKind'))}
                name={nodeField(index, 'addKind')}
              >
                {REQUIREMENT_KINDS.filter((k) => !isGroupKind(k)).map((k) => (
                  <option value={k} safe>
                    {t(KIND_LABEL[k])}
                  </option>
                ))}
              </select>
            </div>
            <ActionButton
              value={`add:${index}`}
              anchor={index}
              action={action}
              label={t('catalog.tree.addInside')}
              where={where}
              variant="primary"
            />
            <ActionButton
              value={`group:${index}`}
              anchor={index}
              action={action}
              label={t('catalog.tree.addGroup')}
              where={where}
              variant="primary"
            />
          </div>
        </>
      ) : (
        ''
      )}
      <div class="button-row">
        {parent && position > 0 ? (
          <ActionButton
            value={`up:${index}`}
            anchor={parent.index}
            action={action}
            label={t('catalog.tree.moveUp')}
            where={where}
          />
        ) : (
          ''
        )}
        {parent && position < siblings.length - 1 ? (
          <ActionButton
            value={`down:${index}`}
            anchor={parent.index}
            action={action}
            label={t('catalog.tree.moveDown')}
            where={where}
          />
        ) : (
          ''
        )}
        <ActionButton
          value={`wrap:${index}`}
          anchor={index}
          action={action}
          label={t('catalog.tree.wrap')}
          where={where}
        />
        {parent ? (
          <ActionButton
            value={`remove:${index}`}
            anchor={parent.index}
            action={action}
            label={t('catalog.tree.remove')}
            where={where}
          />
        ) : (
          ''
        )}
      </div>
    </fieldset>
  );
}

export function RequirementEditorPage({
  ctx,
  credential,
  root,
  form,
  options,
  preview,
  basedOn,
}: {
  ctx: PageContext;
  credential: { code: string; name: string };
  root: EditNode;
  form: FormState;
  options: EditorOptions;
  /** The tree in plain language, when it is complete enough to describe. */
  preview: RequirementDescription | undefined;
  /** The version the editor started from, if any. */
  basedOn: number | undefined;
}): JSX.Element {
  const { t } = ctx;
  const base = `/console/catalog/credentials/${encodeURIComponent(credential.code)}`;
  const action = `${base}/requirements/new`;
  const flat = flatten(root);
  const labels = outlineLabels(flat);
  const order = [
    ...flat.flatMap((f) => [
      nodeField(f.index),
      ...KIND_FIELDS[f.node.kind].map((k) => nodeField(f.index, k)),
    ]),
    'effectiveAt',
    'note',
  ];
  const title = t('catalog.tree.title', { code: credential.code });
  return (
    <Layout ctx={ctx} title={title} wide>
      <BackLink href={base} label={t('catalog.backTo', { name: credential.code })} />
      <PageHeading
        title={title}
        lead={
          basedOn === undefined
            ? t('catalog.tree.leadFirst', { name: credential.name })
            : t('catalog.tree.lead', { name: credential.name, version: basedOn })
        }
      />
      <ErrorSummary ctx={ctx} form={form} order={order} />
      <form method="post" action={action} novalidate>
        <CsrfField ctx={ctx} />
        <NodeFieldset
          ctx={ctx}
          flat={flat}
          item={flat[0]!}
          labels={labels}
          form={form}
          options={options}
          action={action}
        />
        <section class="card" aria-labelledby="tree-preview">
          <h2 id="tree-preview" safe>
            {t('catalog.tree.preview')}
          </h2>
          {preview ? (
            <RequirementText description={preview} />
          ) : (
            <p class="field__hint" safe>
              {t('catalog.tree.previewLater')}
            </p>
          )}
        </section>
        <h2 safe>{t('catalog.tree.saveTitle')}</h2>
        <TextField
          name="effectiveAt"
          type="date"
          label={t('catalog.field.effectiveAt')}
          hint={t('catalog.tree.hint.effectiveAt', { zone: ctx.timeZone })}
          form={form}
          width="medium"
        />
        <TextArea
          name="note"
          label={t('catalog.tree.field.note')}
          hint={t('catalog.tree.hint.note')}
          form={form}
          rows={3}
          maxlength={1000}
        />
        <div class="button-row">
          <button type="submit" name="action" value="save" class="button" safe>
            {t('catalog.tree.save')}
          </button>
          <a href={base} safe>
            {t('catalog.cancel')}
          </a>
        </div>
      </form>
    </Layout>
  );
}
