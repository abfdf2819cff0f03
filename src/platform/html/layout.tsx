import { hasRole, isStaff } from '../auth/session.ts';
import type { PageContext } from './context.ts';
import { navItems, type NavItem } from './nav.ts';

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  /** Search engines stay away unless a page says otherwise. */
  index?: boolean;
  /** Wide pages (staff tables) may use the full width. */
  wide?: boolean;
  /** Reload the page every so many seconds (progress pages of running jobs). */
  refreshSeconds?: number;
  children?: JSX.Element | JSX.Element[];
}

/** The base page: skip link, landmarks, navigation by role, flash banner, footer. */
export function Layout({
  ctx,
  title,
  index,
  wide,
  refreshSeconds,
  children,
}: LayoutProps): JSX.Element {
  const { t, program, principal } = ctx;
  const fullTitle = `${title} – ${program.name}`;
  // Children are JSX that escaped its own content when it was rendered.
  const safeChildren = children;
  return (
    <>
      {'<!doctype html>'}
      <html lang={ctx.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {index ? '' : <meta name="robots" content="noindex, nofollow" />}
          {refreshSeconds ? (
            <meta http-equiv="refresh" content={String(Math.max(1, Math.round(refreshSeconds)))} />
          ) : (
            ''
          )}
          <title safe>{fullTitle}</title>
          <link rel="stylesheet" href="/assets/app.css" />
          <link rel="stylesheet" href="/assets/theme.css" />
          <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
          <script src="/assets/app.js" defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main" safe>
            {t('layout.skipToContent')}
          </a>
          <header class="site-header">
            <div class="site-header__inner">
              <a class="site-header__brand" href={principal ? '/dashboard' : '/'} safe>
                {program.name}
              </a>
              <Navigation ctx={ctx} />
            </div>
          </header>
          {ctx.devMailbox ? (
            <div class="dev-banner" role="note">
              <span safe>{t('layout.devBanner')}</span>{' '}
              <a href="/dev/mailbox" safe>
                {t('layout.devMailbox')}
              </a>
            </div>
          ) : (
            ''
          )}
          <main id="main" class={wide ? 'page page--wide' : 'page'} tabindex="-1">
            {ctx.flash ? (
              <div class={`banner banner--${ctx.flash.kind}`} role="status">
                <p safe>{t(ctx.flash.key, ctx.flash.params)}</p>
              </div>
            ) : (
              ''
            )}
            {safeChildren}
          </main>
          <footer class="site-footer">
            <nav aria-label={t('layout.footerNav')}>
              <ul>
                <li>
                  <a href="/help" safe>
                    {t('nav.help')}
                  </a>
                </li>
                <li>
                  <a href="/privacy" safe>
                    {t('nav.privacy')}
                  </a>
                </li>
                <li>
                  <a href={`mailto:${program.supportEmail}`} safe>
                    {t('layout.contactSupport', { email: program.supportEmail })}
                  </a>
                </li>
              </ul>
            </nav>
            <p class="site-footer__small" safe>
              {t('layout.poweredBy')}
            </p>
          </footer>
        </body>
      </html>
    </>
  );
}

function Navigation({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t, principal } = ctx;
  const link = (item: NavItem) => (
    <li>
      <a href={item.href} aria-current={isCurrent(ctx.path, item.href) ? 'page' : undefined} safe>
        {t(item.label)}
      </a>
    </li>
  );
  if (!principal) {
    return (
      <nav class="site-nav" aria-label={t('layout.mainNav')}>
        <ul>
          {navItems('public').map(link)}
          <li>
            <a href="/sign-in" safe>
              {t('nav.signIn')}
            </a>
          </li>
          <li>
            <a class="button button--small" href="/register" safe>
              {t('nav.register')}
            </a>
          </li>
        </ul>
      </nav>
    );
  }
  const staffItems = navItems('staff').filter(
    (i) => !i.roles || i.roles.some((r) => hasRole(principal, r)),
  );
  return (
    <nav class="site-nav" aria-label={t('layout.mainNav')}>
      <ul>
        {navItems('candidate').map(link)}
        {isStaff(principal) || hasRole(principal, 'partner_admin') ? staffItems.map(link) : ''}
        <li>
          <a href="/account" aria-current={isCurrent(ctx.path, '/account') ? 'page' : undefined}>
            <span class="visually-hidden" safe>
              {t('nav.accountFor')}
            </span>{' '}
            <span safe>{principal.username}</span>
          </a>
        </li>
        <li>
          <form method="post" action="/sign-out" class="inline-form">
            <input type="hidden" name="_csrf" value={ctx.csrfToken} />
            <button type="submit" class="link-button" safe>
              {t('nav.signOut')}
            </button>
          </form>
        </li>
      </ul>
    </nav>
  );
}

function isCurrent(path: string, href: string): boolean {
  return path === href || (href !== '/' && path.startsWith(`${href}/`));
}
