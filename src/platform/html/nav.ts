import type { Role } from '../db/schema.ts';
import type { MessageKey } from '../i18n/i18n.ts';

/**
 * Navigation entries that features contribute when they register. The layout
 * shows the ones the signed-in person may use; the platform never imports a
 * feature to know its pages.
 */
export interface NavItem {
  readonly href: string;
  readonly label: MessageKey;
  /** public: everyone; candidate: anyone signed in; staff: staff menu. */
  readonly area: 'public' | 'candidate' | 'staff';
  /** For staff entries: any of these roles (admins see all). */
  readonly roles?: readonly Role[];
  readonly order: number;
}

const items = new Map<string, NavItem>();

export function registerNavItem(item: NavItem): void {
  items.set(`${item.area}:${item.href}`, item);
}

export function navItems(area: NavItem['area']): NavItem[] {
  return [...items.values()].filter((i) => i.area === area).sort((a, b) => a.order - b.order);
}
