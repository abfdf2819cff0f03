import type { Database } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import type { MessageKey } from '../i18n/i18n.ts';

/**
 * What needs the staff's attention (evidence to review, new tickets, failed
 * imports...): features contribute items when they register; the console
 * home counts the ones the signed-in person's roles may act on. Each count is
 * a query of the contributing feature's own tables.
 */
export interface AttentionItem {
  readonly key: string;
  /** What the count counts, e.g. "Evidence submissions to review". */
  readonly label: MessageKey;
  readonly href: string;
  /** Any of these roles (admins see all). */
  readonly roles: readonly Role[];
  readonly order: number;
  readonly count: (db: Database) => Promise<number>;
}

const items = new Map<string, AttentionItem>();

export function registerAttentionItem(item: AttentionItem): void {
  items.set(item.key, item);
}

export function attentionItems(roles: readonly Role[]): AttentionItem[] {
  const admin = roles.includes('admin');
  return [...items.values()]
    .filter((i) => admin || i.roles.some((r) => roles.includes(r)))
    .sort((a, b) => a.order - b.order);
}

/** `select count(*)` as a number, for the item counters. */
export async function countOf(query: {
  executeTakeFirst(): Promise<{ n: number | string | bigint } | undefined>;
}): Promise<number> {
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}
