import type { PageContext } from '../../../../platform/html/context.ts';
import type { MessageKey } from '../../../../platform/i18n/i18n.ts';

/** Pieces the console pages share: status tags, pagination, who did it. */

export type AwardStatusName = 'active' | 'expired' | 'suspended' | 'revoked';

const TAG_CLASS: Record<AwardStatusName, string> = {
  active: 'tag tag--success',
  expired: 'tag',
  suspended: 'tag tag--warning',
  revoked: 'tag tag--danger',
};

/** An icon for each status, so that color is never the only signal. */
function StatusIcon({ status }: { status: AwardStatusName | 'valid' }): JSX.Element {
  const path =
    status === 'active' || status === 'valid'
      ? 'M3 8l3 3 7-7'
      : status === 'revoked'
        ? 'M4 4l8 8M12 4l-8 8'
        : status === 'suspended'
          ? 'M6 4v8M10 4v8'
          : 'M8 3v5l3 2';
  return (
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
  );
}

export function AwardStatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: AwardStatusName;
}): JSX.Element {
  return (
    <span class={TAG_CLASS[status]}>
      <StatusIcon status={status} />
      <span safe>{ctx.t(`progress.status.${status}`)}</span>
    </span>
  );
}

export function ResultStatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: 'valid' | 'revoked';
}): JSX.Element {
  return (
    <span class={status === 'valid' ? 'tag' : 'tag tag--danger'}>
      <StatusIcon status={status === 'valid' ? 'valid' : 'revoked'} />
      <span safe>{ctx.t(`progress.result.${status}`)}</span>
    </span>
  );
}

export function actorName(ctx: PageContext, actorUserId: number | null): string {
  return actorUserId === null
    ? ctx.t('progress.systemActor')
    : ctx.t('progress.userActor', { id: actorUserId });
}

export function sourceLabel(ctx: PageContext, source: string): string {
  const known: Record<string, MessageKey> = {
    provider: 'progress.source.provider',
    import: 'progress.source.import',
    manual: 'progress.source.manual',
    api: 'progress.source.api',
    evidence: 'progress.source.evidence',
    candidate: 'progress.source.candidate',
  };
  const key = known[source];
  return key ? ctx.t(key) : source;
}

export function dateOrNever(ctx: PageContext, date: Date | null): string {
  return date ? ctx.date(date) : ctx.t('progress.never');
}

/** Facts in a compact "key: value" form for result history rows. */
export function describeChange(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}: ${value === null || value === undefined ? '–' : String(value)}`)
    .join(', ');
}

export { Pagination } from '../../../../platform/html/forms.tsx';
