import { en, type Messages } from './en.ts';

/**
 * The one message catalog. Every user-facing string is a key in `en.ts`;
 * other languages add a file with the same keys and register here. Keys are
 * type-checked, so a typo is a compile error rather than a blank label.
 */
export type MessageKey = keyof Messages;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogs: Record<string, Messages> = { en };

export const supportedLocales = Object.keys(catalogs);

export function resolveLocale(requested: string | undefined | null): string {
  if (requested && catalogs[requested]) return requested;
  const base = requested?.split('-')[0];
  if (base && catalogs[base]) return base;
  return 'en';
}

/** Picks the first supported language from an Accept-Language header. */
export function localeFromHeader(header: string | undefined): string {
  if (!header) return 'en';
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase();
    if (tag && (catalogs[tag] || catalogs[tag.split('-')[0] ?? ''])) return resolveLocale(tag);
  }
  return 'en';
}

export function translator(locale: string): Translate {
  const catalog = catalogs[resolveLocale(locale)] ?? en;
  return (key, params) => {
    const template = catalog[key] ?? en[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}

export interface DateFormatOptions {
  locale: string;
  timeZone: string;
}

// Creating an Intl formatter costs far more than using one: keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, zone: string, kind: 'date' | 'dateTime'): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      locale,
      kind === 'date'
        ? { dateStyle: 'medium', timeZone: zone }
        : {
            year: 'numeric',
            month: 'short',
            day: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
            timeZone: zone,
            timeZoneName: 'short',
          },
    );
    if (formatters.size > 1000) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/** A calendar date ('YYYY-MM-DD' or a Date) in the user's locale. */
export function formatDate(value: Date | string, opts: DateFormatOptions): string {
  const date = typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : value;
  return formatter(
    opts.locale,
    typeof value === 'string' ? 'UTC' : safeZone(opts.timeZone),
    'date',
  ).format(date);
}

/** A moment in the user's time zone, with the zone named. */
export function formatDateTime(value: Date, opts: DateFormatOptions): string {
  return formatter(opts.locale, safeZone(opts.timeZone), 'dateTime').format(value);
}

const validZones = new Map<string, boolean>();
export function isValidTimeZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (validZones.size > 1000) validZones.clear();
    validZones.set(zone, valid);
  }
  return valid;
}

function safeZone(zone: string): string {
  return isValidTimeZone(zone) ? zone : 'UTC';
}
