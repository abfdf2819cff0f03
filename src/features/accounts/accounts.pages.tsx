import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authorize, isStaff } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import type { FieldProblem } from '../../platform/http/errors.ts';
import { safeNextPath } from './account-rules.ts';
import type { AccountsService } from './accounts.service.ts';
import {
  ChangeEmailBody,
  ChangePasswordBody,
  CodeBody,
  CsrfOnlyBody,
  DisableTwoFactorBody,
  EmailBody,
  IdentifierBody,
  NextQuery,
  PasswordOnlyBody,
  RegisterBody,
  ResetBody,
  SignInBody,
  TokenBody,
  TokenQuery,
} from './accounts.schemas.ts';
import {
  AccountPage,
  ChangeEmailPage,
  ChangePasswordPage,
  RecoveryCodesPage,
  SessionsPage,
  TwoFactorPage,
} from './views/account.tsx';
import {
  CheckEmailPage,
  ConfirmTokenPage,
  ForgotPage,
  PartnerGuardPage,
  RecoveryChoicePage,
  RecoverySentPage,
  RegisterPage,
  ResendPage,
  ResetPasswordPage,
  SecondFactorPage,
  SignInPage,
} from './views/auth.tsx';

const yes = (v: string | undefined) => v === 'yes';

export function registerAccountPages(appBase: FastifyInstance, service: AccountsService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const ctxOf = (request: FastifyRequest) => app.pageContext(request);
  const sessions = app.platform.sessions;

  const signedInHome = (reply: FastifyReply, next?: string) =>
    reply.redirect(next ?? '/dashboard', 303);

  // ------------------------------------------------------------ registration

  const noticeView = async () => {
    const notice = await service.currentPrivacyNotice();
    return notice
      ? { version: notice.version, body: notice.body, effectiveAt: notice.effective_at }
      : undefined;
  };

  app.get('/register', async (request, reply) => {
    if (request.principal) return signedInHome(reply);
    const ctx = await ctxOf(request);
    return reply.html(<RegisterPage ctx={ctx} form={emptyForm} notice={await noticeView()} />);
  });

  app.post('/register', { schema: { body: RegisterBody } }, async (request, reply) => {
    const b = request.body;
    const ctx = await ctxOf(request);
    const outcome = await service.register(
      {
        username: b.username ?? '',
        email: b.email ?? '',
        givenName: b.givenName ?? '',
        familyName: b.familyName ?? '',
        country: b.country ?? '',
        password: b.password ?? '',
        acceptPrivacy: yes(b.acceptPrivacy),
        marketing: yes(b.marketing),
        locale: ctx.locale,
        timeZone: b.timeZone,
      },
      request.ip,
    );
    switch (outcome.kind) {
      case 'registered':
        return reply.redirect('/register/check-email', 303);
      case 'partner':
        return reply.html(<PartnerGuardPage ctx={ctx} organization={outcome.organization} />);
      case 'closed':
        return reply.html(<RegisterPage ctx={ctx} form={emptyForm} notice={undefined} />);
      case 'invalid':
        return reply
          .status(400)
          .html(
            <RegisterPage
              ctx={ctx}
              form={formWithProblems(ctx.t, b, outcome.problems)}
              notice={await noticeView()}
            />,
          );
    }
  });

  app.get('/register/check-email', async (request, reply) =>
    reply.html(<CheckEmailPage ctx={await ctxOf(request)} />),
  );

  app.get('/confirm-email', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const ctx = await ctxOf(request);
    const token = request.query.token ?? '';
    const live = await service.isLiveToken(token, 'verify_email');
    const { t } = ctx;
    return reply.html(
      <ConfirmTokenPage
        ctx={ctx}
        title={t('register.confirmTitle')}
        lead={t('register.confirmLead')}
        action="/confirm-email"
        token={live ? token : undefined}
        submit={t('register.confirmSubmit')}
        invalidMessage={t('register.confirmInvalid')}
        invalidLink={{ href: '/confirm-email/resend', label: t('register.resendTitle') }}
      />,
    );
  });

  app.post('/confirm-email', { schema: { body: TokenBody } }, async (request, reply) => {
    if (await service.confirmEmail(request.body.token ?? '')) {
      return reply.flash('success', 'register.confirmed').redirect('/sign-in', 303);
    }
    return reply.redirect('/confirm-email', 303);
  });

  app.get('/confirm-email/resend', async (request, reply) =>
    reply.html(<ResendPage ctx={await ctxOf(request)} form={emptyForm} sent={false} />),
  );

  app.post('/confirm-email/resend', { schema: { body: EmailBody } }, async (request, reply) => {
    const ctx = await ctxOf(request);
    const email = request.body.email ?? '';
    if (!email.trim()) {
      const form = formWithProblems(ctx.t, request.body, [
        { field: 'email', messageKey: 'validation.emailRequired' },
      ]);
      return reply.status(400).html(<ResendPage ctx={ctx} form={form} sent={false} />);
    }
    await service.requestNewConfirmation(email, request.ip);
    return reply.html(<ResendPage ctx={ctx} form={emptyForm} sent={true} />);
  });

  // ------------------------------------------------------------ sign in and out

  app.get('/sign-in', { schema: { querystring: NextQuery } }, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    if (request.principal) return signedInHome(reply, next);
    if (request.pendingSecondFactor) return reply.redirect('/sign-in/two-factor', 303);
    return reply.html(<SignInPage ctx={await ctxOf(request)} form={emptyForm} next={next} />);
  });

  app.post('/sign-in', { schema: { body: SignInBody } }, async (request, reply) => {
    const b = request.body;
    const next = safeNextPath(b.next);
    const problems: FieldProblem[] = [];
    if (!b.identifier?.trim())
      problems.push({ field: 'identifier', messageKey: 'validation.identifierRequired' });
    if (!b.password)
      problems.push({ field: 'password', messageKey: 'validation.passwordRequired' });
    if (problems.length === 0) {
      const outcome = await service.signIn(b.identifier ?? '', b.password ?? '', request.ip);
      if (outcome.kind === 'signed-in') {
        await sessions.start(
          request,
          reply,
          outcome.userId,
          outcome.secondFactor ? 'second_factor' : 'active',
        );
        if (outcome.secondFactor) {
          return reply.redirect(
            `/sign-in/two-factor${next ? `?next=${encodeURIComponent(next)}` : ''}`,
            303,
          );
        }
        return signedInHome(reply, next);
      }
      const ctx = await ctxOf(request);
      if (outcome.kind === 'unconfirmed') {
        return reply
          .status(400)
          .html(
            <SignInPage
              ctx={ctx}
              form={formWithProblems(ctx.t, b, [])}
              next={next}
              notice="unconfirmed"
            />,
          );
      }
      // One message for a wrong password and an unknown account.
      problems.push({ field: 'identifier', messageKey: 'signIn.failed' });
    }
    const ctx = await ctxOf(request);
    return reply
      .status(400)
      .html(<SignInPage ctx={ctx} form={formWithProblems(ctx.t, b, problems)} next={next} />);
  });

  app.get('/sign-in/two-factor', async (request, reply) => {
    if (request.principal) return signedInHome(reply);
    if (!request.pendingSecondFactor) return reply.redirect('/sign-in', 303);
    return reply.html(<SecondFactorPage ctx={await ctxOf(request)} form={emptyForm} />);
  });

  app.post(
    '/sign-in/two-factor',
    { schema: { body: CodeBody, querystring: NextQuery } },
    async (request, reply) => {
      const pending = request.pendingSecondFactor;
      if (!pending) return reply.redirect('/sign-in', 303);
      const code = (request.body.code ?? '').trim();
      let problem: FieldProblem | undefined;
      if (!code) problem = { field: 'code', messageKey: 'validation.codeRequired' };
      else {
        const result = await service.verifySecondFactor(pending.userId, code);
        if (result.ok) {
          // A fresh token once both factors are in.
          await sessions.start(request, reply, pending.userId, 'active');
          if (result.recoveryCodesLeft !== null) {
            reply.flash('warning', 'signIn.recoveryCodeUsed', { count: result.recoveryCodesLeft });
          }
          return signedInHome(reply, safeNextPath(request.query.next));
        }
        problem = { field: 'code', messageKey: 'validation.codeWrong' };
      }
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(<SecondFactorPage ctx={ctx} form={formWithProblems(ctx.t, {}, [problem])} />);
    },
  );

  app.post('/sign-out', { schema: { body: CsrfOnlyBody } }, async (request, reply) => {
    await sessions.end(request, reply);
    return reply.flash('info', 'signIn.signedOut').redirect('/sign-in', 303);
  });

  // ------------------------------------------------------------ recovery

  app.get('/account-recovery', async (request, reply) =>
    reply.html(<RecoveryChoicePage ctx={await ctxOf(request)} />),
  );

  app.get('/forgot-username', async (request, reply) =>
    reply.html(<ForgotPage ctx={await ctxOf(request)} form={emptyForm} kind="username" />),
  );

  app.post('/forgot-username', { schema: { body: EmailBody } }, async (request, reply) => {
    const email = request.body.email ?? '';
    if (!email.trim()) {
      const ctx = await ctxOf(request);
      const form = formWithProblems(ctx.t, request.body, [
        { field: 'email', messageKey: 'validation.emailRequired' },
      ]);
      return reply.status(400).html(<ForgotPage ctx={ctx} form={form} kind="username" />);
    }
    await service.requestUsernameReminder(email, request.ip);
    return reply.redirect('/account-recovery/sent', 303);
  });

  app.get('/forgot-password', async (request, reply) =>
    reply.html(<ForgotPage ctx={await ctxOf(request)} form={emptyForm} kind="password" />),
  );

  app.post('/forgot-password', { schema: { body: IdentifierBody } }, async (request, reply) => {
    const identifier = request.body.identifier ?? '';
    if (!identifier.trim()) {
      const ctx = await ctxOf(request);
      const form = formWithProblems(ctx.t, request.body, [
        { field: 'identifier', messageKey: 'validation.identifierRequired' },
      ]);
      return reply.status(400).html(<ForgotPage ctx={ctx} form={form} kind="password" />);
    }
    await service.requestPasswordReset(identifier, request.ip);
    return reply.redirect('/account-recovery/sent', 303);
  });

  app.get('/account-recovery/sent', async (request, reply) =>
    reply.html(<RecoverySentPage ctx={await ctxOf(request)} />),
  );

  app.get('/reset-password', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const info = await service.resetInfo(token);
    return reply
      .header('referrer-policy', 'no-referrer')
      .html(
        <ResetPasswordPage ctx={await ctxOf(request)} form={emptyForm} token={token} info={info} />,
      );
  });

  app.post('/reset-password', { schema: { body: ResetBody } }, async (request, reply) => {
    const b = request.body;
    const token = b.token ?? '';
    const outcome = await service.resetPassword(token, b.password ?? '', b.confirmPassword ?? '');
    if (outcome.kind === 'done') {
      await sessions.end(request, reply);
      return reply.flash('success', 'recovery.resetDone').redirect('/sign-in', 303);
    }
    const ctx = await ctxOf(request);
    const info = outcome.kind === 'invalid' ? await service.resetInfo(token) : undefined;
    const problems = outcome.kind === 'invalid' ? outcome.problems : [];
    return reply
      .status(400)
      .html(
        <ResetPasswordPage
          ctx={ctx}
          form={formWithProblems(ctx.t, b, problems)}
          token={token}
          info={info}
        />,
      );
  });

  // ------------------------------------------------------------ the signed-in account

  app.get('/account', async (request, reply) => {
    const principal = authorize(request);
    const account = await service.accountSummary(principal.userId);
    return reply.html(<AccountPage ctx={await ctxOf(request)} account={account} />);
  });

  app.get('/account/password', async (request, reply) => {
    const principal = authorize(request);
    return reply.html(
      <ChangePasswordPage
        ctx={await ctxOf(request)}
        form={emptyForm}
        hasSecondFactor={principal.twoFactorEnabled}
      />,
    );
  });

  app.post(
    '/account/password',
    { schema: { body: ChangePasswordBody } },
    async (request, reply) => {
      const principal = authorize(request);
      const b = request.body;
      const problems = await service.changePassword(principal, {
        currentPassword: b.currentPassword ?? '',
        newPassword: b.newPassword ?? '',
        confirmPassword: b.confirmPassword ?? '',
      });
      if (problems.length === 0)
        return reply.flash('success', 'password.changed').redirect('/account', 303);
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(
          <ChangePasswordPage
            ctx={ctx}
            form={formWithProblems(ctx.t, b, problems)}
            hasSecondFactor={principal.twoFactorEnabled}
          />,
        );
    },
  );

  app.get('/account/email', async (request, reply) => {
    const principal = authorize(request);
    return reply.html(
      <ChangeEmailPage ctx={await ctxOf(request)} form={emptyForm} current={principal.email} />,
    );
  });

  app.post('/account/email', { schema: { body: ChangeEmailBody } }, async (request, reply) => {
    const principal = authorize(request);
    const b = request.body;
    const problems = await service.requestEmailChange(principal, {
      currentPassword: b.currentPassword ?? '',
      newEmail: b.newEmail ?? '',
    });
    if (problems.length === 0)
      return reply.flash('success', 'email.changeSent').redirect('/account', 303);
    const ctx = await ctxOf(request);
    return reply
      .status(400)
      .html(
        <ChangeEmailPage
          ctx={ctx}
          form={formWithProblems(ctx.t, b, problems)}
          current={principal.email}
        />,
      );
  });

  app.get(
    '/confirm-email-change',
    { schema: { querystring: TokenQuery } },
    async (request, reply) => {
      const ctx = await ctxOf(request);
      const token = request.query.token ?? '';
      const info = await service.emailChangeInfo(token);
      const { t } = ctx;
      return reply
        .header('referrer-policy', 'no-referrer')
        .html(
          <ConfirmTokenPage
            ctx={ctx}
            title={t('email.confirmTitle')}
            lead={
              info ? t('email.confirmLead', { username: info.username, email: info.newEmail }) : ''
            }
            action="/confirm-email-change"
            token={info ? token : undefined}
            submit={t('email.confirmSubmit')}
            invalidMessage={t('email.confirmInvalid')}
            invalidLink={{ href: '/account/email', label: t('email.changeTitle') }}
          />,
        );
    },
  );

  app.post('/confirm-email-change', { schema: { body: TokenBody } }, async (request, reply) => {
    const outcome = await service.confirmEmailChange(request.body.token ?? '');
    if (outcome === 'changed') {
      return reply
        .flash('success', 'email.changed')
        .redirect(request.principal ? '/account' : '/sign-in', 303);
    }
    return reply.redirect('/confirm-email-change', 303);
  });

  // ------------------------------------------------------------ two-factor

  const twoFactorView = async (request: FastifyRequest) => {
    const principal = authorize(request);
    const status = await service.twoFactorStatus(principal.userId);
    return {
      enabledAt: status.enabledAt,
      recoveryCodesLeft: status.recoveryCodesLeft,
      staff: isStaff(principal),
      setup: status.pending ? await service.twoFactorSetupInfo(principal) : undefined,
    };
  };

  app.get('/account/two-factor', async (request, reply) => {
    const view = await twoFactorView(request);
    return reply.html(<TwoFactorPage ctx={await ctxOf(request)} view={view} form={emptyForm} />);
  });

  app.post(
    '/account/two-factor/setup',
    { schema: { body: CsrfOnlyBody } },
    async (request, reply) => {
      const principal = authorize(request);
      await service.beginTwoFactorSetup(principal.userId);
      return reply.redirect('/account/two-factor', 303);
    },
  );

  app.post('/account/two-factor/enable', { schema: { body: CodeBody } }, async (request, reply) => {
    const principal = authorize(request);
    const result = await service.enableTwoFactor(principal, request.body.code ?? '');
    const ctx = await ctxOf(request);
    if ('codes' in result) return reply.html(<RecoveryCodesPage ctx={ctx} codes={result.codes} />);
    const view = await twoFactorView(request);
    return reply
      .status(400)
      .html(
        <TwoFactorPage ctx={ctx} view={view} form={formWithProblems(ctx.t, {}, result.problems)} />,
      );
  });

  app.post(
    '/account/two-factor/disable',
    { schema: { body: DisableTwoFactorBody } },
    async (request, reply) => {
      const principal = authorize(request);
      const problems = await service.disableTwoFactor(principal, {
        currentPassword: request.body.currentPassword ?? '',
        code: request.body.code ?? '',
      });
      if (problems.length === 0)
        return reply.flash('success', 'twoFactor.disabled').redirect('/account/two-factor', 303);
      const ctx = await ctxOf(request);
      const view = await twoFactorView(request);
      return reply
        .status(400)
        .html(<TwoFactorPage ctx={ctx} view={view} form={formWithProblems(ctx.t, {}, problems)} />);
    },
  );

  app.post(
    '/account/two-factor/recovery-codes',
    { schema: { body: PasswordOnlyBody } },
    async (request, reply) => {
      const principal = authorize(request);
      const b = request.body;
      const result = await service.regenerateRecoveryCodes(
        principal,
        b.regenPassword ?? b.currentPassword ?? '',
      );
      const ctx = await ctxOf(request);
      if ('codes' in result)
        return reply.html(<RecoveryCodesPage ctx={ctx} codes={result.codes} />);
      const problems = result.problems.map((p) => ({ ...p, field: 'regenPassword' }));
      const view = await twoFactorView(request);
      return reply
        .status(400)
        .html(<TwoFactorPage ctx={ctx} view={view} form={formWithProblems(ctx.t, {}, problems)} />);
    },
  );

  // ------------------------------------------------------------ sessions

  app.get('/account/sessions', async (request, reply) => {
    const principal = authorize(request);
    const rows = await service.listSessions(principal.userId);
    const { config } = app.platform;
    return reply.html(
      <SessionsPage
        ctx={await ctxOf(request)}
        sessions={rows.map((s) => ({
          id: s.id,
          createdAt: s.created_at,
          lastSeenAt: s.last_seen_at,
          ip: s.ip,
          userAgent: s.user_agent,
        }))}
        currentId={principal.sessionId}
        idleMinutes={Math.round(config.sessionIdleMs / 60_000)}
        maxHours={Math.round(config.sessionMaxMs / 3_600_000)}
      />,
    );
  });

  app.post(
    '/account/sessions/sign-out-others',
    { schema: { body: CsrfOnlyBody } },
    async (request, reply) => {
      const principal = authorize(request);
      await service.signOutOtherSessions(principal);
      return reply.flash('success', 'sessions.othersEnded').redirect('/account/sessions', 303);
    },
  );
}
