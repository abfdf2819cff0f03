import type { PageContext } from '../../../platform/html/context.ts';
import {
  CsrfField,
  ErrorSummary,
  PageHeading,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { countryName } from '../../../platform/i18n/countries.ts';
import type { Role } from '../../../platform/db/schema.ts';
import { MIN_LENGTH_SINGLE_FACTOR, MIN_LENGTH_WITH_SECOND_FACTOR } from '../password-policy.ts';

export interface AccountView {
  candidateNumber: string;
  username: string;
  email: string;
  givenName: string;
  familyName: string;
  country: string;
  twoFactorEnabledAt: Date | null;
  roles: Role[];
}

export function AccountPage({
  ctx,
  account,
}: {
  ctx: PageContext;
  account: AccountView;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('account.title')}>
      <PageHeading title={t('account.title')} />
      <h2 safe>{t('account.details')}</h2>
      <dl class="summary-list">
        <dt safe>{t('account.candidateId')}</dt>
        <dd class="mono" safe>
          {account.candidateNumber}
        </dd>
        <dt safe>{t('account.username')}</dt>
        <dd safe>{account.username}</dd>
        <dt safe>{t('account.name')}</dt>
        <dd safe>{`${account.givenName} ${account.familyName}`}</dd>
        <dt safe>{t('account.email')}</dt>
        <dd safe>{account.email}</dd>
        <dt safe>{t('account.country')}</dt>
        <dd safe>{countryName(account.country, ctx.locale)}</dd>
        <dt safe>{t('account.roles')}</dt>
        <dd safe>
          {[t('role.candidate'), ...account.roles.map((r) => t(`role.${r}`))].join(', ')}
        </dd>
      </dl>
      <h2 safe>{t('account.security')}</h2>
      <ul class="link-list link-list--large">
        <li>
          <a href="/account/password" safe>
            {t('account.changePassword')}
          </a>
        </li>
        <li>
          <a href="/account/email" safe>
            {t('account.changeEmail')}
          </a>
        </li>
        <li>
          <a href="/account/two-factor">
            <span safe>{t('account.twoFactor')}</span>{' '}
            <span class={account.twoFactorEnabledAt ? 'tag tag--success' : 'tag'} safe>
              {account.twoFactorEnabledAt ? t('account.on') : t('account.off')}
            </span>
          </a>
        </li>
        <li>
          <a href="/account/sessions" safe>
            {t('account.sessions')}
          </a>
        </li>
      </ul>
      <h2 safe>{t('profile.title')}</h2>
      <ul class="link-list link-list--large">
        <li>
          <a href="/profile" safe>
            {t('profile.tab.contact')}
          </a>
        </li>
        <li>
          <a href="/profile/demographics" safe>
            {t('profile.tab.demographics')}
          </a>
        </li>
        <li>
          <a href="/privacy" safe>
            {t('profile.tab.privacy')}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

export function ChangePasswordPage({
  ctx,
  form,
  hasSecondFactor,
}: {
  ctx: PageContext;
  form: FormState;
  hasSecondFactor: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('password.changeTitle')}>
      <PageHeading title={t('password.changeTitle')} />
      <ErrorSummary
        ctx={ctx}
        form={form}
        order={['currentPassword', 'newPassword', 'confirmPassword']}
      />
      <form method="post" action="/account/password" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="currentPassword"
          type="password"
          label={t('password.current')}
          form={form}
          autocomplete="current-password"
        />
        <TextField
          name="newPassword"
          type="password"
          label={t('password.new')}
          hint={t('register.passwordHint', {
            min: hasSecondFactor ? MIN_LENGTH_WITH_SECOND_FACTOR : MIN_LENGTH_SINGLE_FACTOR,
          })}
          form={form}
          autocomplete="new-password"
        />
        <TextField
          name="confirmPassword"
          type="password"
          label={t('password.confirm')}
          form={form}
          autocomplete="new-password"
        />
        <button type="submit" class="button" safe>
          {t('password.changeSubmit')}
        </button>
      </form>
    </Layout>
  );
}

export function ChangeEmailPage({
  ctx,
  form,
  current,
}: {
  ctx: PageContext;
  form: FormState;
  current: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('email.changeTitle')}>
      <PageHeading title={t('email.changeTitle')} lead={t('email.changeLead')} />
      <dl class="summary-list">
        <dt safe>{t('account.email')}</dt>
        <dd safe>{current}</dd>
      </dl>
      <ErrorSummary ctx={ctx} form={form} order={['newEmail', 'currentPassword']} />
      <form method="post" action="/account/email" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="newEmail"
          type="email"
          label={t('email.new')}
          form={form}
          autocomplete="email"
          spellcheck={false}
        />
        <TextField
          name="currentPassword"
          type="password"
          label={t('password.current')}
          form={form}
          autocomplete="current-password"
        />
        <button type="submit" class="button" safe>
          {t('email.changeSubmit')}
        </button>
      </form>
    </Layout>
  );
}

export interface TwoFactorView {
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  staff: boolean;
  setup?: { secret: string; qr: string } | undefined;
}

export function TwoFactorPage({
  ctx,
  view,
  form,
}: {
  ctx: PageContext;
  view: TwoFactorView;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  if (view.setup) {
    // The QR code is SVG that the qrcode library generated from our own URI: no user input reaches it.
    const safeQr = view.setup.qr;
    return (
      <Layout ctx={ctx} title={t('twoFactor.setupTitle')}>
        <PageHeading title={t('twoFactor.setupTitle')} />
        <ErrorSummary ctx={ctx} form={form} order={['code']} />
        <ol class="steps">
          <li>
            <p safe>{t('twoFactor.setupStep1')}</p>
            <div class="qr" role="img" aria-label={t('twoFactor.qrAlt')}>
              {safeQr}
            </div>
          </li>
          <li>
            <p safe>{t('twoFactor.setupStep2')}</p>
            <p class="secret" id="totp-secret" safe>
              {view.setup.secret.replace(/(.{4})/g, '$1 ').trim()}
            </p>
            <button
              type="button"
              class="button button--secondary button--small"
              data-copy={view.setup.secret}
              hidden
              safe
            >
              {t('twoFactor.copy')}
            </button>
          </li>
          <li>
            <form method="post" action="/account/two-factor/enable" novalidate>
              <CsrfField ctx={ctx} />
              <TextField
                name="code"
                label={t('twoFactor.setupStep3')}
                form={form}
                autocomplete="one-time-code"
                inputmode="numeric"
                width="short"
              />
              <button type="submit" class="button" safe>
                {t('twoFactor.enable')}
              </button>
            </form>
          </li>
        </ol>
      </Layout>
    );
  }
  return (
    <Layout ctx={ctx} title={t('twoFactor.title')}>
      <PageHeading title={t('twoFactor.title')} lead={t('twoFactor.lead')} />
      <ErrorSummary ctx={ctx} form={form} order={['regenPassword', 'currentPassword', 'code']} />
      {view.enabledAt ? (
        <>
          <p>
            <span class="tag tag--success" safe>
              {t('account.on')}
            </span>{' '}
            <span safe>{t('twoFactor.statusOn', { date: ctx.date(view.enabledAt) })}</span>
          </p>
          <p safe>{t('twoFactor.recoveryLeft', { count: view.recoveryCodesLeft })}</p>
          <section class="card">
            <h2 class="h3" safe>
              {t('twoFactor.regenerate')}
            </h2>
            <p safe>{t('twoFactor.regenerateLead')}</p>
            <form method="post" action="/account/two-factor/recovery-codes" novalidate>
              <CsrfField ctx={ctx} />
              <TextField
                name="regenPassword"
                type="password"
                label={t('password.current')}
                form={form}
                autocomplete="current-password"
              />
              <button type="submit" class="button button--secondary" safe>
                {t('twoFactor.regenerate')}
              </button>
            </form>
          </section>
          {view.staff ? (
            <p safe>{t('twoFactor.requiredForStaff')}</p>
          ) : (
            <section class="card">
              <h2 class="h3" safe>
                {t('twoFactor.disable')}
              </h2>
              <p safe>{t('twoFactor.disableLead')}</p>
              <form method="post" action="/account/two-factor/disable" novalidate>
                <CsrfField ctx={ctx} />
                <TextField
                  name="currentPassword"
                  type="password"
                  label={t('password.current')}
                  form={form}
                  autocomplete="current-password"
                />
                <TextField
                  name="code"
                  label={t('signIn.code')}
                  form={form}
                  autocomplete="one-time-code"
                  width="short"
                />
                <button type="submit" class="button button--danger" safe>
                  {t('twoFactor.disable')}
                </button>
              </form>
            </section>
          )}
        </>
      ) : (
        <>
          <p>
            <span class="tag" safe>
              {t('account.off')}
            </span>{' '}
            <span safe>{t('twoFactor.statusOff')}</span>
          </p>
          <form method="post" action="/account/two-factor/setup">
            <CsrfField ctx={ctx} />
            <button type="submit" class="button" safe>
              {t('twoFactor.start')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function RecoveryCodesPage({
  ctx,
  codes,
}: {
  ctx: PageContext;
  codes: string[];
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('twoFactor.enabledTitle')}>
      <PageHeading title={t('twoFactor.enabledTitle')} />
      <div class="banner banner--warning" role="status">
        <p safe>{t('twoFactor.codesLead')}</p>
      </div>
      <ul class="codes" aria-label={t('twoFactor.codesLabel')}>
        {codes.map((c) => (
          <li safe>{c}</li>
        ))}
      </ul>
      <div class="button-row">
        <button
          type="button"
          class="button button--secondary"
          data-copy={codes.join('\n')}
          hidden
          safe
        >
          {t('twoFactor.copy')}
        </button>
        <a class="button" href="/account/two-factor" safe>
          {t('twoFactor.codesDone')}
        </a>
      </div>
    </Layout>
  );
}

export interface SessionView {
  id: number;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export function SessionsPage({
  ctx,
  sessions,
  currentId,
  idleMinutes,
  maxHours,
}: {
  ctx: PageContext;
  sessions: SessionView[];
  currentId: number;
  idleMinutes: number;
  maxHours: number;
}): JSX.Element {
  const { t } = ctx;
  const others = sessions.filter((s) => s.id !== currentId);
  return (
    <Layout ctx={ctx} title={t('sessions.title')}>
      <PageHeading
        title={t('sessions.title')}
        lead={t('sessions.lead', { idle: idleMinutes, max: maxHours })}
      />
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col" safe>
                {t('sessions.device')}
              </th>
              <th scope="col" safe>
                {t('sessions.address')}
              </th>
              <th scope="col" safe>
                {t('sessions.started')}
              </th>
              <th scope="col" safe>
                {t('sessions.lastSeen')}
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td>
                  <span safe>{describeAgent(s.userAgent, t)}</span>
                  {s.id === currentId ? (
                    <>
                      {' '}
                      <span class="tag tag--success" safe>
                        {t('sessions.current')}
                      </span>
                    </>
                  ) : (
                    ''
                  )}
                </td>
                <td class="mono" safe>
                  {s.ip ?? ''}
                </td>
                <td safe>{ctx.dateTime(s.createdAt)}</td>
                <td safe>{ctx.dateTime(s.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {others.length > 0 ? (
        <form method="post" action="/account/sessions/sign-out-others">
          <CsrfField ctx={ctx} />
          <button type="submit" class="button button--secondary" safe>
            {t('sessions.signOutOthers')}
          </button>
        </form>
      ) : (
        <p safe>{t('sessions.none')}</p>
      )}
    </Layout>
  );
}

/** A readable browser name from a User-Agent string, good enough to recognise a device. */
export function describeAgent(ua: string | null, t: PageContext['t']): string {
  if (!ua) return t('sessions.unknownBrowser');
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : ua.split(/[ /]/)[0] || t('sessions.unknownBrowser');
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad/.test(ua)
        ? 'iOS'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? t('sessions.browserOn', { browser, os }) : browser;
}
