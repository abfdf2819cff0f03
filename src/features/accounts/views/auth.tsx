import type { PageContext } from '../../../platform/html/context.ts';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  PageHeading,
  SelectField,
  TextField,
  type FormState,
} from '../../../platform/html/forms.tsx';
import { Layout } from '../../../platform/html/layout.tsx';
import { countryOptions } from '../../../platform/i18n/countries.ts';
import { MIN_LENGTH_SINGLE_FACTOR } from '../password-policy.ts';

export interface NoticeView {
  version: number;
  body: string;
  effectiveAt: Date;
}

export function RegisterPage({
  ctx,
  form,
  notice,
}: {
  ctx: PageContext;
  form: FormState;
  notice: NoticeView | undefined;
}): JSX.Element {
  const { t } = ctx;
  if (!notice) {
    return (
      <Layout ctx={ctx} title={t('register.title')}>
        <PageHeading title={t('register.title')} />
        <p safe>{t('register.noNotice')}</p>
      </Layout>
    );
  }
  const order = [
    'username',
    'email',
    'givenName',
    'familyName',
    'country',
    'password',
    'acceptPrivacy',
  ];
  return (
    <Layout ctx={ctx} title={t('register.title')} index>
      <PageHeading title={t('register.title')} lead={t('register.lead')} />
      <ErrorSummary ctx={ctx} form={form} order={order} />
      <form method="post" action="/register" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="timeZone" value={form.values.timeZone ?? ''} data-time-zone />
        <TextField
          name="username"
          label={t('register.username')}
          hint={t('register.usernameHint')}
          form={form}
          autocomplete="username"
          spellcheck={false}
          width="medium"
        />
        <TextField
          name="email"
          type="email"
          label={t('register.email')}
          hint={t('register.emailHint')}
          form={form}
          autocomplete="email"
          spellcheck={false}
        />
        <TextField
          name="givenName"
          label={t('register.givenName')}
          hint={t('register.nameHint')}
          form={form}
          autocomplete="given-name"
        />
        <TextField
          name="familyName"
          label={t('register.familyName')}
          hint={t('register.nameHint')}
          form={form}
          autocomplete="family-name"
        />
        <SelectField
          name="country"
          label={t('register.country')}
          form={form}
          options={countryOptions(ctx.locale)}
          placeholder={t('register.countryChoose')}
          autocomplete="country"
        />
        <TextField
          name="password"
          type="password"
          label={t('register.password')}
          hint={t('register.passwordHint', { min: MIN_LENGTH_SINGLE_FACTOR })}
          form={form}
          autocomplete="new-password"
        />
        <section class="card" aria-labelledby="privacy-title">
          <h2 id="privacy-title" class="h3" safe>
            {t('register.privacyTitle', { version: notice.version })}
          </h2>
          <div class="notice-text" safe>
            {notice.body}
          </div>
        </section>
        <Checkbox
          name="acceptPrivacy"
          label={<span safe>{t('register.privacyAccept')}</span>}
          form={form}
        />
        <Checkbox
          name="marketing"
          label={<span safe>{t('register.marketing')}</span>}
          form={form}
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('register.submit')}
          </button>
          <a href="/sign-in" safe>
            {t('register.haveAccount')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

export function PartnerGuardPage({
  ctx,
  organization,
}: {
  ctx: PageContext;
  organization: string;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('register.partnerTitle')}>
      <PageHeading title={t('register.partnerTitle')} />
      <p safe>{t('register.partnerBody', { organization })}</p>
    </Layout>
  );
}

export function CheckEmailPage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('register.sentTitle')}>
      <PageHeading title={t('register.sentTitle')} />
      <p safe>{t('register.sentBody')}</p>
      <p>
        <span safe>{t('register.sentNoMail')}</span>{' '}
        <a href="/confirm-email/resend" safe>
          {t('register.resendTitle')}
        </a>
      </p>
    </Layout>
  );
}

export function ResendPage({
  ctx,
  form,
  sent,
}: {
  ctx: PageContext;
  form: FormState;
  sent: boolean;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('register.resendTitle')}>
      <PageHeading
        title={t('register.resendTitle')}
        lead={sent ? undefined : t('register.resendLead')}
      />
      {sent ? (
        <div class="banner banner--success" role="status">
          <p safe>{t('register.resentBody')}</p>
        </div>
      ) : (
        <>
          <ErrorSummary ctx={ctx} form={form} order={['email']} />
          <form method="post" action="/confirm-email/resend" novalidate>
            <CsrfField ctx={ctx} />
            <TextField
              name="email"
              type="email"
              label={t('register.email')}
              form={form}
              autocomplete="email"
            />
            <button type="submit" class="button" safe>
              {t('register.resendSubmit')}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}

/** The link in an email opens this page; only its button changes anything (a GET never does). */
export function ConfirmTokenPage({
  ctx,
  title,
  lead,
  action,
  token,
  submit,
  invalidMessage,
  invalidLink,
}: {
  ctx: PageContext;
  title: string;
  lead: string;
  action: string;
  token: string | undefined;
  submit: string;
  invalidMessage: string;
  invalidLink: { href: string; label: string };
}): JSX.Element {
  return (
    <Layout ctx={ctx} title={title}>
      <PageHeading title={title} />
      {token ? (
        <>
          <p safe>{lead}</p>
          <form method="post" action={action}>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="token" value={token} />
            <button type="submit" class="button" safe>
              {submit}
            </button>
          </form>
        </>
      ) : (
        <>
          <div class="banner banner--warning" role="alert">
            <p safe>{invalidMessage}</p>
          </div>
          <p>
            <a href={invalidLink.href} safe>
              {invalidLink.label}
            </a>
          </p>
        </>
      )}
    </Layout>
  );
}

export function SignInPage({
  ctx,
  form,
  next,
  notice,
}: {
  ctx: PageContext;
  form: FormState;
  next: string | undefined;
  notice?: 'unconfirmed';
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('signIn.title')} index>
      <PageHeading title={t('signIn.title')} />
      {notice === 'unconfirmed' ? (
        <div class="banner banner--warning" role="alert">
          <p>
            <span safe>{t('signIn.unconfirmed')}</span>{' '}
            <a href="/confirm-email/resend" safe>
              {t('register.resendTitle')}
            </a>
          </p>
        </div>
      ) : (
        ''
      )}
      <ErrorSummary ctx={ctx} form={form} order={['identifier', 'password']} />
      <form method="post" action="/sign-in" novalidate>
        <CsrfField ctx={ctx} />
        {next ? <input type="hidden" name="next" value={next} /> : ''}
        <TextField
          name="identifier"
          label={t('signIn.identifier')}
          form={form}
          autocomplete="username"
          spellcheck={false}
        />
        <TextField
          name="password"
          type="password"
          label={t('signIn.password')}
          form={form}
          autocomplete="current-password"
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('signIn.submit')}
          </button>
        </div>
      </form>
      <ul class="link-list">
        <li>
          <a href="/account-recovery" safe>
            {t('signIn.forgot')}
          </a>
        </li>
        <li>
          <a href="/register" safe>
            {t('signIn.noAccount')}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

export function SecondFactorPage({
  ctx,
  form,
}: {
  ctx: PageContext;
  form: FormState;
}): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('signIn.twoFactorTitle')}>
      <PageHeading
        title={t('signIn.twoFactorTitle')}
        lead={t('signIn.twoFactorLead', { program: ctx.program.name })}
      />
      <ErrorSummary ctx={ctx} form={form} order={['code']} />
      <form method="post" action="/sign-in/two-factor" novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name="code"
          label={t('signIn.code')}
          hint={t('signIn.codeHint')}
          form={form}
          autocomplete="one-time-code"
          inputmode="text"
          spellcheck={false}
          width="short"
        />
        <div class="button-row">
          <button type="submit" class="button" safe>
            {t('signIn.verify')}
          </button>
        </div>
      </form>
      <form method="post" action="/sign-out" class="button-row">
        <CsrfField ctx={ctx} />
        <button type="submit" class="link-button" safe>
          {t('signIn.cancel')}
        </button>
      </form>
    </Layout>
  );
}

export function RecoveryChoicePage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('recovery.title')} index>
      <PageHeading title={t('recovery.title')} lead={t('recovery.lead')} />
      <ul class="link-list link-list--large">
        <li>
          <a href="/forgot-username" safe>
            {t('recovery.forgotUsername')}
          </a>
        </li>
        <li>
          <a href="/forgot-password" safe>
            {t('recovery.forgotPassword')}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

export function ForgotPage({
  ctx,
  form,
  kind,
}: {
  ctx: PageContext;
  form: FormState;
  kind: 'username' | 'password';
}): JSX.Element {
  const { t } = ctx;
  const isUsername = kind === 'username';
  const field = isUsername ? 'email' : 'identifier';
  return (
    <Layout ctx={ctx} title={t(isUsername ? 'recovery.usernameTitle' : 'recovery.passwordTitle')}>
      <PageHeading
        title={t(isUsername ? 'recovery.usernameTitle' : 'recovery.passwordTitle')}
        lead={t(isUsername ? 'recovery.usernameLead' : 'recovery.passwordLead')}
      />
      <ErrorSummary ctx={ctx} form={form} order={[field]} />
      <form method="post" action={isUsername ? '/forgot-username' : '/forgot-password'} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          name={field}
          type={isUsername ? 'email' : 'text'}
          label={t(isUsername ? 'register.email' : 'signIn.identifier')}
          form={form}
          autocomplete={isUsername ? 'email' : 'username'}
          spellcheck={false}
        />
        <button type="submit" class="button" safe>
          {t(isUsername ? 'recovery.usernameSubmit' : 'recovery.passwordSubmit')}
        </button>
      </form>
    </Layout>
  );
}

export function RecoverySentPage({ ctx }: { ctx: PageContext }): JSX.Element {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('recovery.sentTitle')}>
      <PageHeading title={t('recovery.sentTitle')} />
      <p safe>{t('recovery.sentBody')}</p>
      <p>
        <a href="/sign-in" safe>
          {t('signIn.title')}
        </a>
      </p>
    </Layout>
  );
}

export function ResetPasswordPage({
  ctx,
  form,
  token,
  info,
}: {
  ctx: PageContext;
  form: FormState;
  token: string;
  info: { username: string; hasSecondFactor: boolean } | undefined;
}): JSX.Element {
  const { t } = ctx;
  if (!info) {
    return (
      <Layout ctx={ctx} title={t('recovery.resetTitle')}>
        <PageHeading title={t('recovery.resetTitle')} />
        <div class="banner banner--warning" role="alert">
          <p safe>{t('recovery.resetInvalid')}</p>
        </div>
        <p>
          <a href="/forgot-password" safe>
            {t('recovery.passwordTitle')}
          </a>
        </p>
      </Layout>
    );
  }
  return (
    <Layout ctx={ctx} title={t('recovery.resetTitle')}>
      <PageHeading
        title={t('recovery.resetTitle')}
        lead={t('recovery.resetLead', { username: info.username })}
      />
      <ErrorSummary ctx={ctx} form={form} order={['password', 'confirmPassword']} />
      <form method="post" action="/reset-password" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="token" value={token} />
        <input type="text" name="username" value={info.username} autocomplete="username" hidden />
        <TextField
          name="password"
          type="password"
          label={t('recovery.newPassword')}
          hint={t('register.passwordHint', {
            min: info.hasSecondFactor ? 8 : MIN_LENGTH_SINGLE_FACTOR,
          })}
          form={form}
          autocomplete="new-password"
        />
        <TextField
          name="confirmPassword"
          type="password"
          label={t('recovery.confirmPassword')}
          form={form}
          autocomplete="new-password"
        />
        <button type="submit" class="button" safe>
          {t('recovery.resetSubmit')}
        </button>
      </form>
    </Layout>
  );
}
