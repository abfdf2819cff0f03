import type { PageContext } from '../../../platform/html/context.ts';
import { formatDateTime } from '../../../platform/i18n/i18n.ts';
import type {
  AppointmentStatus,
  AppointmentView,
  PlaceView,
  SittingView,
} from '../scheduling.types.ts';

/** A time in the sitting's own zone, with the zone named (appointments are where they are). */
export function when(ctx: PageContext, at: Date, timeZone: string): string {
  return formatDateTime(at, { locale: ctx.locale, timeZone });
}

export function placeLine(ctx: PageContext, place: PlaceView | null, fallback: string): string {
  if (!place) return fallback;
  return [place.name, place.address, place.city, place.country].filter(Boolean).join(', ');
}

export function sittingPlace(ctx: PageContext, s: SittingView): string {
  return placeLine(ctx, s.place, ctx.t('scheduling.online'));
}

export function appointmentPlace(ctx: PageContext, a: AppointmentView): string {
  if (a.delivery === 'provider') {
    return [a.providerName, a.location].filter(Boolean).join(' – ');
  }
  return placeLine(ctx, a.place, ctx.t('scheduling.online'));
}

const STATUS_CLASS: Record<AppointmentStatus, string> = {
  booked: 'status status--active',
  completed: 'status status--active',
  cancelled: 'status status--expired',
  no_show: 'status status--revoked',
};

export function AppointmentStatusTag({
  ctx,
  status,
}: {
  ctx: PageContext;
  status: AppointmentStatus;
}): JSX.Element {
  return (
    <span class={STATUS_CLASS[status]} safe>
      {ctx.t(`scheduling.status.${status}`)}
    </span>
  );
}

export function SeatsText({ ctx, s }: { ctx: PageContext; s: SittingView }): JSX.Element {
  if (s.free === 0) {
    return (
      <span class="status status--revoked" safe>
        {ctx.t('scheduling.full')}
      </span>
    );
  }
  return (
    <span class={s.free <= 3 ? 'status status--expiring' : 'status status--active'} safe>
      {ctx.t(s.free === 1 ? 'scheduling.oneSeat' : 'scheduling.seatsFree', { n: s.free })}
    </span>
  );
}
