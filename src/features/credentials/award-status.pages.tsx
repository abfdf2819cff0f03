import multipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import type { PageContext } from '../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  emptyForm,
  fieldId,
  formWithProblems,
  type FormState,
} from '../../platform/html/forms.tsx';
import { Layout } from '../../platform/html/layout.tsx';
import { ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import {
  AWARD_STATUS_ACTIONS,
  MAX_AWARDS_PER_CHANGE,
  parseCredentialNumbers,
  toCsv,
  type AwardListRow,
  type AwardStatusAction,
  type AwardStatusOutcome,
  type AwardStatusPreview,
} from '../progress/index.ts';

/**
 * `/console/awards`: program managers find awards (by number, candidate or
 * credential, by status) and suspend, restore or revoke them, one or many:
 * ticked in the list and/or pasted as a list of credential numbers.
 */

const PAGE_SIZE = 25;
const CSV_PAGE = 1000;
const CSV_MAX_ROWS = 50_000;
const STATUSES = ['active', 'expired', 'suspended', 'revoked'] as const;
type Status = (typeof STATUSES)[number];

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(Type.Union([Type.Literal(''), ...STATUSES.map((s) => Type.Literal(s))])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
type ListQuery = Static<typeof ListQuery>;

/** An uploaded list: a text or CSV file; at 20 characters a number, room for the 1,000 allowed and more. */
const MAX_UPLOAD_BYTES = 65_536;

const ChangeBody = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 100 })),
  /** The uploaded file's text (multipart only); flattened from the file part. */
  uploaded: Type.Optional(Type.String({ maxLength: MAX_UPLOAD_BYTES * 2 })),
  uploadedTooLarge: Type.Optional(Type.Boolean()),
  selected: Type.Optional(
    Type.Array(Type.String({ maxLength: 40 }), { maxItems: MAX_AWARDS_PER_CHANGE }),
  ),
  numbers: Type.Optional(Type.String({ maxLength: 40_000 })),
  action: Type.Optional(Type.String({ maxLength: 20 })),
  reason: Type.Optional(Type.String({ maxLength: 2000 })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  /** 'yes' from the check page: make the change. */
  confirm: Type.Optional(Type.String({ maxLength: 10 })),
});

export function registerAwardStatusPages(appBase: FastifyInstance): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();

  const listPage = async (
    request: FastifyRequest,
    query: ListQuery,
    form: FormState,
    selected: readonly string[] = [],
  ) => {
    const page = query.page ?? 1;
    const status = query.status || undefined;
    const { rows, total } = await app.progress.searchAwards({
      q: query.q ?? '',
      ...(status ? { status } : {}),
      page,
      pageSize: PAGE_SIZE,
    });
    return (
      <AwardsPage
        ctx={await app.pageContext(request)}
        query={{ q: query.q ?? '', status: status ?? '' }}
        rows={rows}
        total={total}
        page={page}
        form={form}
        selected={selected}
      />
    );
  };

  app.get('/console/awards', { schema: { querystring: ListQuery } }, async (request, reply) => {
    authorize(request, 'program_manager');
    return reply.html(await listPage(request, request.query, emptyForm));
  });

  /** The same list as CSV: every matching award (at most 50,000), for a spreadsheet. */
  app.get('/console/awards.csv', { schema: { querystring: ListQuery } }, async (request, reply) => {
    authorize(request, 'program_manager');
    const status = request.query.status || undefined;
    const rows: AwardListRow[] = [];
    for (let page = 1; page <= CSV_MAX_ROWS / CSV_PAGE; page++) {
      const batch = await app.progress.searchAwards({
        q: request.query.q ?? '',
        ...(status ? { status } : {}),
        page,
        pageSize: CSV_PAGE,
      });
      rows.push(...batch.rows);
      if (batch.rows.length < CSV_PAGE) break;
    }
    const csv = toCsv(
      [
        'credential_number',
        'status',
        'status_reason',
        'status_changed_at',
        'awarded_at',
        'expires_at',
        'candidate_id',
        'candidate_name',
        'credential_code',
        'credential_name',
      ],
      rows.map((r) => [
        r.credentialNumber,
        r.status,
        r.statusReason,
        r.statusChangedAt?.toISOString(),
        r.awardedAt.toISOString(),
        r.expiresAt?.toISOString(),
        r.candidateNumber,
        r.candidateName,
        r.credentialCode,
        r.credentialName,
      ]),
    );
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="awards.csv"')
      .header('cache-control', 'private, no-store')
      .send(csv);
  });

  // The change form is multipart (it may carry a file); in a scope of its
  // own so that no other route accepts multipart bodies.
  app.register(async function awardStatusChange(scopeBase) {
    const scope = scopeBase.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(multipart, {
      attachFieldsToBody: true,
      throwFileSizeLimit: false,
      limits: {
        fileSize: MAX_UPLOAD_BYTES,
        files: 1,
        fields: MAX_AWARDS_PER_CHANGE + 20,
        fieldSize: 40_000,
        parts: MAX_AWARDS_PER_CHANGE + 25,
        headerPairs: 50,
      },
    });
    scope.addHook('preValidation', async (request) => flattenMultipart(request));
    scope.post(
      '/console/awards/status',
      { schema: { body: ChangeBody } },
      async (request, reply) => {
        const actor = authorize(request, 'program_manager');
        const b = request.body;
        const selected = b.selected ?? [];
        const pasted = parseCredentialNumbers(b.numbers ?? '');
        const uploaded = b.uploaded === undefined ? undefined : numbersInFile(b.uploaded);
        const numbers = [...new Set([...selected, ...pasted.numbers, ...(uploaded ?? [])])];
        const action = (b.action ?? '') as AwardStatusAction;
        const query: ListQuery = {
          q: b.q ?? '',
          ...(STATUSES.includes(b.status as Status) ? { status: b.status as Status } : {}),
        };
        const problems: FieldProblem[] = [];
        if (pasted.invalid.length > 0) {
          problems.push({
            field: 'numbers',
            messageKey: 'credentials.awardStatus.v.invalidNumbers',
            params: { numbers: pasted.invalid.slice(0, 10).join(', ') },
          });
        }
        if (b.uploadedTooLarge) {
          problems.push({
            field: 'file',
            messageKey: 'credentials.awardStatus.v.fileTooLarge',
            params: { kb: MAX_UPLOAD_BYTES / 1024 },
          });
        } else if (uploaded && uploaded.length === 0) {
          problems.push({ field: 'file', messageKey: 'credentials.awardStatus.v.fileEmpty' });
        }
        if (numbers.length === 0 && pasted.invalid.length === 0 && problems.length === 0) {
          problems.push({ field: 'numbers', messageKey: 'credentials.awardStatus.v.numbers' });
        }
        if (!AWARD_STATUS_ACTIONS.includes(action)) {
          problems.push({ field: 'action', messageKey: 'credentials.awardStatus.v.action' });
        }
        if (!b.reason?.trim()) {
          problems.push({ field: 'reason', messageKey: 'credentials.awardStatus.v.reason' });
        }
        const ctx = await app.pageContext(request);
        // First the check page (nothing changes); the change itself when it is confirmed.
        if (problems.length === 0 && b.confirm !== 'yes') {
          const preview = await app.progress.previewAwardStatus(numbers, action);
          if (preview.changes.length > 0) {
            return reply.html(
              <CheckPage
                ctx={ctx}
                preview={preview}
                action={action}
                reason={b.reason ?? ''}
                query={{ q: query.q ?? '', status: query.status ?? '' }}
              />,
            );
          }
          problems.push({
            field: 'numbers',
            messageKey: 'credentials.awardStatus.v.nothingChanged',
            params: { skipped: describeSkipped(ctx, preview) },
          });
        }
        let outcome: AwardStatusOutcome | undefined;
        if (problems.length === 0) {
          try {
            outcome = await app.progress.changeAwardStatus(actor, numbers, action, b.reason ?? '');
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error;
            problems.push(...error.problems);
          }
        }
        if (outcome && outcome.changed.length === 0) {
          problems.push({
            field: 'numbers',
            messageKey: 'credentials.awardStatus.v.nothingChanged',
            params: { skipped: describeSkipped(ctx, outcome) },
          });
        }
        if (problems.length > 0 || !outcome) {
          const form = formWithProblems(ctx.t, b, problems);
          return reply.status(400).html(await listPage(request, query, form, selected));
        }
        const skipped = outcome.skipped.length;
        return reply
          .flash(
            'success',
            skipped > 0
              ? 'credentials.awardStatus.flash.partly'
              : 'credentials.awardStatus.flash.done',
            {
              action: ctx.t(`credentials.awardStatus.done.${action}`),
              count: outcome.changed.length,
              skipped: describeSkipped(ctx, outcome),
            },
          )
          .redirect(
            `/console/awards?${new URLSearchParams({ q: query.q ?? '', status: query.status ?? '' })}`,
            303,
          );
      },
    );
  });
}

/**
 * Credential numbers in an uploaded file: every `XXXX-XXXX-XXXX-XXXX` in it,
 * whatever else the file holds (a CSV export with a header and other
 * columns works as it is).
 */
export function numbersInFile(text: string): string[] {
  const found =
    text.match(/\b[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}\b/g) ?? [];
  return parseCredentialNumbers(found.join('\n')).numbers;
}

/** Multipart fields as plain values (`selected` as a list), the file as its text. */
function flattenMultipart(request: FastifyRequest): void {
  if (!request.isMultipart()) return;
  const parts = (request.body ?? {}) as Record<string, unknown>;
  const flat: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(parts)) {
    const list = (Array.isArray(entry) ? entry : [entry]) as (MultipartFile | MultipartValue)[];
    for (const part of list) {
      if (!part || typeof part !== 'object') continue;
      if (part.type === 'file') {
        const file = part as MultipartFile & { _buf?: Buffer | null };
        if (!file.filename) continue;
        if (file.file.truncated) flat.uploadedTooLarge = true;
        else flat.uploaded = (file._buf ?? Buffer.alloc(0)).toString('utf8');
      } else if (typeof part.value === 'string') {
        if (name === 'selected')
          flat.selected = [...((flat.selected as string[]) ?? []), part.value];
        else flat[name] = part.value;
      }
    }
  }
  request.body = flat;
}

function describeSkipped(ctx: PageContext, outcome: Pick<AwardStatusOutcome, 'skipped'>): string {
  return outcome.skipped
    .slice(0, 20)
    .map((s) => `${s.credentialNumber} (${ctx.t(`credentials.awardStatus.skip.${s.reason}`)})`)
    .join('; ');
}

/** A status as text, color and icon: never color alone. */
function StatusTag({ ctx, status }: { ctx: PageContext; status: Status }): JSX.Element {
  const path =
    status === 'active'
      ? 'M3 8l3 3 7-7'
      : status === 'revoked'
        ? 'M4 4l8 8M12 4l-8 8'
        : status === 'suspended'
          ? 'M6 4v8M10 4v8'
          : 'M8 3v5l3 2';
  return (
    <span class={TAG[status]}>
      <svg
        class="icon"
        width="14"
        height="14"
        viewBox="0 0 16 16"
        aria-hidden="true"
        focusable="false"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
      >
        <path d={path} />
      </svg>
      <span safe>{ctx.t(`credentials.awardStatus.status.${status}`)}</span>
    </span>
  );
}

const TAG: Record<Status, string> = {
  active: 'tag tag--success',
  expired: 'tag',
  suspended: 'tag tag--warning',
  revoked: 'tag tag--danger',
};

export function AwardsPage({
  ctx,
  query,
  rows,
  total,
  page,
  form,
  selected,
}: {
  ctx: PageContext;
  query: { q: string; status: string };
  rows: AwardListRow[];
  total: number;
  page: number;
  form: FormState;
  selected: readonly string[];
}): JSX.Element {
  const { t } = ctx;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const link = (p: number) =>
    `/console/awards?${new URLSearchParams({ q: query.q, status: query.status, page: String(p) })}`;
  const statusOptions = [
    { value: '', label: t('credentials.awardStatus.anyStatus') },
    ...STATUSES.map((s) => ({
      value: s,
      label: t(`credentials.awardStatus.status.${s}` as MessageKey),
    })),
  ];
  const numbersError = form.errors.numbers;
  return (
    <Layout ctx={ctx} title={t('credentials.awardStatus.title')} wide>
      <PageHeading
        title={t('credentials.awardStatus.title')}
        lead={t('credentials.awardStatus.lead')}
      />
      <ErrorSummary ctx={ctx} form={form} order={['numbers', 'file', 'action', 'reason']} />
      <form method="get" action="/console/awards" class="search-form" role="search">
        <TextField
          name="q"
          type="search"
          label={t('credentials.awardStatus.search')}
          hint={t('credentials.awardStatus.searchHint')}
          form={{ values: { q: query.q }, errors: {} }}
          maxlength={200}
        />
        <SelectField
          name="status"
          label={t('credentials.awardStatus.statusFilter')}
          form={{ values: { status: query.status }, errors: {} }}
          options={statusOptions}
        />
        <button type="submit" class="button button--secondary" safe>
          {t('credentials.awardStatus.searchButton')}
        </button>
      </form>
      <p class="small">
        <span safe>{t('credentials.awardStatus.count', { count: total })}</span>{' '}
        <a
          href={`/console/awards.csv?${new URLSearchParams({ q: query.q, status: query.status })}`}
          safe
        >
          {t('credentials.awardStatus.csv')}
        </a>
      </p>
      <form method="post" action="/console/awards/status" enctype="multipart/form-data">
        <CsrfField ctx={ctx} />
        <input type="hidden" name="q" value={query.q} />
        <input type="hidden" name="status" value={query.status} />
        {rows.length === 0 ? (
          <p class="empty-state" safe>
            {t('credentials.awardStatus.none')}
          </p>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden" safe>
                {t('credentials.awardStatus.caption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.select')}
                  </th>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.number')}
                  </th>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.candidate')}
                  </th>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.credential')}
                  </th>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.status')}
                  </th>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.awarded')}
                  </th>
                  <th scope="col" safe>
                    {t('credentials.awardStatus.col.expires')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const id = `select-${r.id}`;
                  return (
                    <tr>
                      <td>
                        <input
                          type="checkbox"
                          id={id}
                          name="selected"
                          value={r.credentialNumber}
                          checked={selected.includes(r.credentialNumber)}
                        />
                        <label class="visually-hidden" for={id} safe>
                          {t('credentials.awardStatus.selectOne', { number: r.credentialNumber })}
                        </label>
                      </td>
                      <td class="mono award-number" safe>
                        {r.credentialNumber}
                      </td>
                      <td>
                        <a href={`/console/candidates/${r.userId}`} safe>
                          {r.candidateName}
                        </a>
                        <div class="small mono" safe>
                          {r.candidateNumber}
                        </div>
                      </td>
                      <td safe>{`${r.credentialName} (${r.credentialCode})`}</td>
                      <td>
                        <StatusTag ctx={ctx} status={r.status} />
                        {r.statusReason ? (
                          <div class="small" safe>
                            {r.statusReason}
                          </div>
                        ) : (
                          ''
                        )}
                      </td>
                      <td safe>{ctx.date(r.awardedAt)}</td>
                      <td safe>
                        {r.expiresAt ? ctx.date(r.expiresAt) : t('credentials.awardStatus.never')}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {pages > 1 ? (
          <nav class="pagination" aria-label={t('layout.pagination')}>
            {page > 1 ? (
              <a href={link(page - 1)} rel="prev" safe>
                {t('credentials.awardStatus.previous')}
              </a>
            ) : (
              ''
            )}
            <span safe>{t('credentials.awardStatus.pageOf', { page, pages })}</span>
            {page < pages ? (
              <a href={link(page + 1)} rel="next" safe>
                {t('credentials.awardStatus.next')}
              </a>
            ) : (
              ''
            )}
          </nav>
        ) : (
          ''
        )}
        <h2 safe>{t('credentials.awardStatus.changeTitle')}</h2>
        <div class={numbersError ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('numbers')} safe>
            {t('credentials.awardStatus.numbers')}
          </label>
          <div class="field__hint" id={`${fieldId('numbers')}-hint`} safe>
            {t('credentials.awardStatus.numbersHint', { max: MAX_AWARDS_PER_CHANGE })}
          </div>
          {numbersError ? (
            <p class="field__error" id={`${fieldId('numbers')}-error`}>
              <span class="visually-hidden" safe>
                {t('form.errorPrefix')}
              </span>{' '}
              <span safe>{numbersError}</span>
            </p>
          ) : (
            ''
          )}
          <textarea
            id={fieldId('numbers')}
            name="numbers"
            rows="4"
            maxlength="40000"
            aria-describedby={`${fieldId('numbers')}-hint${numbersError ? ` ${fieldId('numbers')}-error` : ''}`}
            aria-invalid={numbersError ? 'true' : undefined}
            safe
          >
            {form.values.numbers ?? ''}
          </textarea>
        </div>
        <div class={form.errors.file ? 'field field--error' : 'field'}>
          <label class="field__label" for={fieldId('file')} safe>
            {t('credentials.awardStatus.file')}
          </label>
          <div class="field__hint" id={`${fieldId('file')}-hint`} safe>
            {t('credentials.awardStatus.fileHint', { kb: MAX_UPLOAD_BYTES / 1024 })}
          </div>
          {form.errors.file ? (
            <p class="field__error" id={`${fieldId('file')}-error`}>
              <span class="visually-hidden" safe>
                {t('form.errorPrefix')}
              </span>{' '}
              <span safe>{form.errors.file}</span>
            </p>
          ) : (
            ''
          )}
          <input
            type="file"
            id={fieldId('file')}
            name="file"
            accept=".txt,.csv,text/plain,text/csv"
            aria-describedby={`${fieldId('file')}-hint${form.errors.file ? ` ${fieldId('file')}-error` : ''}`}
          />
        </div>
        <SelectField
          name="action"
          label={t('credentials.awardStatus.action')}
          form={form}
          placeholder={t('credentials.awardStatus.chooseAction')}
          options={AWARD_STATUS_ACTIONS.map((a) => ({
            value: a,
            label: t(`credentials.awardStatus.action.${a}`),
          }))}
        />
        <TextField
          name="reason"
          label={t('credentials.awardStatus.reason')}
          hint={t('credentials.awardStatus.reasonHint')}
          form={form}
          maxlength={2000}
        />
        <button type="submit" class="button" safe>
          {t('credentials.awardStatus.apply')}
        </button>
      </form>
    </Layout>
  );
}

/** "Check your answers" before the change: what will change, what will not, and why. */
export function CheckPage({
  ctx,
  preview,
  action,
  reason,
  query,
}: {
  ctx: PageContext;
  preview: AwardStatusPreview;
  action: AwardStatusAction;
  reason: string;
  query: { q: string; status: string };
}): JSX.Element {
  const { t } = ctx;
  const count = preview.changes.length;
  const title = t(`credentials.awardStatus.check.title.${action}`, { count });
  const back = `/console/awards?${new URLSearchParams({ q: query.q, status: query.status })}`;
  return (
    <Layout ctx={ctx} title={title} wide>
      <PageHeading title={title} lead={t('credentials.awardStatus.check.lead')} />
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden" safe>
            {title}
          </caption>
          <thead>
            <tr>
              <th scope="col" safe>
                {t('credentials.awardStatus.col.number')}
              </th>
              <th scope="col" safe>
                {t('credentials.awardStatus.col.candidate')}
              </th>
              <th scope="col" safe>
                {t('credentials.awardStatus.col.credential')}
              </th>
              <th scope="col" safe>
                {t('credentials.awardStatus.check.now')}
              </th>
              <th scope="col" safe>
                {t('credentials.awardStatus.check.after')}
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.changes.map((c) => (
              <tr>
                <td class="mono" safe>
                  {c.credentialNumber}
                </td>
                <td safe>{`${c.candidateName} (${c.candidateNumber})`}</td>
                <td safe>{`${c.credentialName} (${c.credentialCode})`}</td>
                <td>
                  <StatusTag ctx={ctx} status={c.from} />
                </td>
                <td>
                  <StatusTag ctx={ctx} status={c.to} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.skipped.length > 0 ? (
        <p class="check-skipped" safe>
          {t('credentials.awardStatus.check.skipped', { skipped: describeSkipped(ctx, preview) })}
        </p>
      ) : (
        ''
      )}
      <dl class="summary-list">
        <dt safe>{t('credentials.awardStatus.reason')}</dt>
        <dd safe>{reason}</dd>
      </dl>
      <form method="post" action="/console/awards/status">
        <CsrfField ctx={ctx} />
        <input
          type="hidden"
          name="numbers"
          value={preview.changes.map((c) => c.credentialNumber).join('\n')}
        />
        <input type="hidden" name="action" value={action} />
        <input type="hidden" name="reason" value={reason} />
        <input type="hidden" name="q" value={query.q} />
        <input type="hidden" name="status" value={query.status} />
        <input type="hidden" name="confirm" value="yes" />
        <div class="button-row">
          <button
            type="submit"
            class={action === 'restore' ? 'button' : 'button button--danger'}
            safe
          >
            {t(`credentials.awardStatus.check.confirm.${action}`, { count })}
          </button>
          <a class="button button--secondary" href={back} safe>
            {t('credentials.awardStatus.check.back')}
          </a>
        </div>
      </form>
    </Layout>
  );
}
