import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TString } from '@sinclair/typebox';
import { authorize, type Principal } from '../../platform/auth/session.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import { safeNextPath } from '../accounts/index.ts';
import { EXPORT_DAYS, type PrivacyService } from './privacy.service.ts';
import { PREFERENCE_CATEGORIES, timeZones, type PreferenceCategory } from './profile-rules.ts';
import type { Actor, ProfileService } from './profile.service.ts';
import {
  ContactPage,
  DemographicsPage,
  HistoryPage,
  ReviewPage,
  contactFormValues,
} from './views/profile.tsx';
import {
  AcceptNoticePage,
  PrivacyPage,
  PublicPrivacyPage,
  UnsubscribePage,
} from './views/privacy.tsx';

const text = (maxLength = 200): TString => Type.String({ maxLength });
const csrf = Type.Optional(text(100));

const ContactBody = Type.Object({
  _csrf: csrf,
  intent: Type.Optional(text(20)),
  country: Type.Optional(text(10)),
  addressLine1: Type.Optional(text(400)),
  addressLine2: Type.Optional(text(400)),
  city: Type.Optional(text(400)),
  region: Type.Optional(text(400)),
  postalCode: Type.Optional(text(100)),
  phone: Type.Optional(text(100)),
  company: Type.Optional(text(400)),
  jobTitle: Type.Optional(text(400)),
  locale: Type.Optional(text(20)),
  timeZone: Type.Optional(text(64)),
});

/** Survey answers are `q<id>` fields; anything else is dropped by the schema. */
const SurveyBody = Type.Object(
  { _csrf: csrf },
  { additionalProperties: Type.String({ maxLength: 300 }), maxProperties: 120 },
);

const NextBody = Type.Object({ _csrf: csrf, next: Type.Optional(text(500)) });
const NextQuery = Type.Object({ next: Type.Optional(text(500)) });
const AcceptBody = Type.Object({
  _csrf: csrf,
  version: Type.Optional(text(12)),
  next: Type.Optional(text(500)),
});
const PreferencesBody = Type.Object({
  _csrf: csrf,
  exam_reminders: Type.Optional(text(10)),
  expiry_reminders: Type.Optional(text(10)),
  program_news: Type.Optional(text(10)),
});
const DeletionBody = Type.Object({
  _csrf: csrf,
  reason: Type.Optional(text(4000)),
  confirm: Type.Optional(text(10)),
});
const CsrfBody = Type.Object({ _csrf: csrf });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
const UnsubscribeParams = Type.Object({
  userId: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }),
  category: text(40),
  token: text(100),
});

export const actorOf = (principal: Principal, request: FastifyRequest): Actor => ({
  userId: principal.userId,
  ip: request.ip,
  roles: principal.roles,
});

/** The candidate's pages: contact details, demographics, history, review, privacy, unsubscribe. */
export function registerProfilePages(
  appBase: FastifyInstance,
  profile: ProfileService,
  privacy: PrivacyService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const ctxOf = (request: FastifyRequest) => app.pageContext(request);

  // ------------------------------------------------------------ contact details

  const contactPage = async (
    request: FastifyRequest,
    userId: number,
    form: FormState | undefined,
  ) => {
    const { account, contact, confirmedAt } = await profile.contact(userId);
    const ctx = await ctxOf(request);
    return (
      <ContactPage
        ctx={ctx}
        account={{
          candidateNumber: account.candidateNumber,
          name: `${account.givenName} ${account.familyName}`,
          email: account.email,
        }}
        form={form ?? { ...emptyForm, values: contactFormValues(contact) }}
        confirmedAt={confirmedAt}
        timeZones={timeZones()}
      />
    );
  };

  app.get('/profile', async (request, reply) => {
    const me = authorize(request);
    return reply.html(await contactPage(request, me.userId, undefined));
  });

  app.post('/profile', { schema: { body: ContactBody } }, async (request, reply) => {
    const me = authorize(request);
    const b = request.body;
    const ctx = await ctxOf(request);
    if (b.intent === 'country') {
      // Without JavaScript: show the fields of the chosen country, keeping what was typed.
      return reply.html(await contactPage(request, me.userId, formWithProblems(ctx.t, b, [])));
    }
    const outcome = await profile.updateContact(actorOf(me, request), me.userId, {
      country: b.country ?? '',
      addressLine1: b.addressLine1 ?? '',
      addressLine2: b.addressLine2 ?? '',
      city: b.city ?? '',
      region: b.region ?? '',
      postalCode: b.postalCode ?? '',
      phone: b.phone ?? '',
      company: b.company ?? '',
      jobTitle: b.jobTitle ?? '',
      locale: b.locale ?? '',
      timeZone: b.timeZone ?? '',
    });
    if ('problems' in outcome) {
      return reply
        .status(400)
        .html(await contactPage(request, me.userId, formWithProblems(ctx.t, b, outcome.problems)));
    }
    return reply
      .flash('success', outcome.changed > 0 ? 'profile.saved' : 'profile.unchanged')
      .redirect('/profile', 303);
  });

  // ------------------------------------------------------------ demographics

  app.get('/profile/demographics', async (request, reply) => {
    const me = authorize(request);
    const questions = await profile.questions(true);
    const answers = await profile.answers(me.userId);
    const values = Object.fromEntries(questions.map((q) => [`q${q.id}`, answers.get(q.id) ?? '']));
    return reply.html(
      <DemographicsPage
        ctx={await ctxOf(request)}
        questions={questions}
        form={{ ...emptyForm, values }}
      />,
    );
  });

  app.post('/profile/demographics', { schema: { body: SurveyBody } }, async (request, reply) => {
    const me = authorize(request);
    const body = request.body as Record<string, string | undefined>;
    const outcome = await profile.saveAnswers(actorOf(me, request), me.userId, body);
    if ('problems' in outcome) {
      const ctx = await ctxOf(request);
      return reply
        .status(400)
        .html(
          <DemographicsPage
            ctx={ctx}
            questions={await profile.questions(true)}
            form={formWithProblems(ctx.t, body, outcome.problems)}
          />,
        );
    }
    return reply
      .flash('success', outcome.changed > 0 ? 'profile.demographics.saved' : 'profile.unchanged')
      .redirect('/profile/demographics', 303);
  });

  // ------------------------------------------------------------ history and review

  app.get('/profile/history', async (request, reply) => {
    const me = authorize(request);
    return reply.html(
      <HistoryPage ctx={await ctxOf(request)} entries={await profile.history(me.userId)} />,
    );
  });

  app.get('/profile/review', { schema: { querystring: NextQuery } }, async (request, reply) => {
    const me = authorize(request);
    const { contact } = await profile.contact(me.userId);
    return reply.html(
      <ReviewPage
        ctx={await ctxOf(request)}
        contact={contact}
        next={safeNextPath(request.query.next) ?? '/dashboard'}
      />,
    );
  });

  app.post('/profile/review', { schema: { body: NextBody } }, async (request, reply) => {
    const me = authorize(request);
    await profile.confirmDetails(actorOf(me, request), me.userId);
    return reply
      .flash('success', 'profile.review.confirmed')
      .redirect(safeNextPath(request.body.next) ?? '/dashboard', 303);
  });

  // ------------------------------------------------------------ privacy

  const noticeView = async () => {
    const notice = await app.accounts.currentPrivacyNotice();
    return notice
      ? { version: notice.version, body: notice.body, effectiveAt: notice.effective_at }
      : undefined;
  };

  const privacyPage = async (request: FastifyRequest, userId: number, deletionForm: FormState) => {
    const [notice, consents, preferences, exports, pending] = [
      await noticeView(),
      await privacy.consentHistory(userId),
      await privacy.preferences(userId),
      await privacy.exportsOf(userId),
      await privacy.pendingDeletion(userId),
    ];
    return (
      <PrivacyPage
        ctx={await ctxOf(request)}
        notice={notice}
        consents={consents.map((c) => ({
          kind: c.kind,
          version: c.privacy_notice_version,
          granted: c.granted,
          at: c.at,
        }))}
        preferences={preferences}
        exports={exports.map((e) => ({
          id: e.id,
          status: e.status,
          createdAt: e.created_at,
          expiresAt: e.expires_at,
        }))}
        exportDays={EXPORT_DAYS}
        deletionPendingSince={pending?.requested_at ?? null}
        deletionForm={deletionForm}
      />
    );
  };

  app.get('/privacy', async (request, reply) => {
    if (!request.principal) {
      return reply.html(
        <PublicPrivacyPage ctx={await ctxOf(request)} notice={await noticeView()} />,
      );
    }
    return reply.html(await privacyPage(request, request.principal.userId, emptyForm));
  });

  app.get('/privacy/accept', { schema: { querystring: NextQuery } }, async (request, reply) => {
    const me = authorize(request);
    const next = safeNextPath(request.query.next) ?? '/dashboard';
    const notice = await noticeView();
    if (!notice || (await privacy.mustAccept(me.userId)) === null) return reply.redirect(next, 303);
    return reply.html(<AcceptNoticePage ctx={await ctxOf(request)} notice={notice} next={next} />);
  });

  app.post('/privacy/accept', { schema: { body: AcceptBody } }, async (request, reply) => {
    const me = authorize(request);
    const next = safeNextPath(request.body.next) ?? '/dashboard';
    const version = Number(request.body.version);
    if (Number.isInteger(version) && (await privacy.accept(actorOf(me, request), version))) {
      return reply.flash('success', 'profile.accept.done').redirect(next, 303);
    }
    // A newer version appeared meanwhile (or the form was tampered with): show the current one.
    return reply.redirect(`/privacy/accept?next=${encodeURIComponent(next)}`, 303);
  });

  app.post(
    '/privacy/preferences',
    { schema: { body: PreferencesBody } },
    async (request, reply) => {
      const me = authorize(request);
      const b = request.body;
      const next = Object.fromEntries(
        PREFERENCE_CATEGORIES.map((c) => [c, b[c] === 'yes']),
      ) as Record<PreferenceCategory, boolean>;
      await privacy.setPreferences(actorOf(me, request), me.userId, next);
      return reply
        .flash('success', 'profile.privacy.preferencesSaved')
        .redirect('/privacy#emails', 303);
    },
  );

  app.post('/privacy/exports', { schema: { body: CsrfBody } }, async (request, reply) => {
    const me = authorize(request);
    await privacy.requestExport(actorOf(me, request));
    return reply.flash('success', 'profile.privacy.exportRequested').redirect('/privacy#data', 303);
  });

  app.get('/privacy/exports/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const me = authorize(request);
    const file = await privacy.download(me.userId, request.params.id);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .type('application/json; charset=utf-8')
      .send(file.json);
  });

  app.post('/privacy/deletion', { schema: { body: DeletionBody } }, async (request, reply) => {
    const me = authorize(request);
    if (request.body.confirm !== 'yes') {
      const ctx = await ctxOf(request);
      const form = formWithProblems(ctx.t, request.body, [
        { field: 'confirm', messageKey: 'profile.v.confirmDeletion' },
      ]);
      return reply.status(400).html(await privacyPage(request, me.userId, form));
    }
    await privacy.requestDeletion(actorOf(me, request), request.body.reason ?? '');
    return reply
      .flash('success', 'profile.privacy.deleteRequested')
      .redirect('/privacy#delete', 303);
  });

  app.post('/privacy/deletion/cancel', { schema: { body: CsrfBody } }, async (request, reply) => {
    const me = authorize(request);
    await privacy.cancelDeletion(actorOf(me, request));
    return reply
      .flash('success', 'profile.privacy.deleteCancelled')
      .redirect('/privacy#delete', 303);
  });

  // ------------------------------------------------------------ one-click unsubscribe (RFC 8058)

  const categoryName = async (request: FastifyRequest, category: string) => {
    const ctx = await ctxOf(request);
    return (PREFERENCE_CATEGORIES as readonly string[]).includes(category)
      ? ctx.t(`profile.pref.${category as PreferenceCategory}`)
      : category;
  };

  // GET only asks: mail scanners and link previews follow links, and must not unsubscribe anyone.
  app.get(
    '/unsubscribe/:userId/:category/:token',
    { schema: { params: UnsubscribeParams } },
    async (request, reply) => {
      const { userId, category, token } = request.params;
      const valid = privacy.isValidUnsubscribe(userId, category, token);
      return reply
        .status(valid ? 200 : 404)
        .html(
          <UnsubscribePage
            ctx={await ctxOf(request)}
            state={valid ? 'confirm' : 'invalid'}
            category={await categoryName(request, category)}
            action={request.url.split('?')[0] ?? ''}
          />,
        );
    },
  );

  // The POST a mail client sends: no cookies, no CSRF token (the HMAC token is the proof),
  // answered with the result itself, never a redirect. In a scope of its own so that only
  // this route accepts the multipart bodies some clients send.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, { multipart: body }),
    );
    scope
      .withTypeProvider<TypeBoxTypeProvider>()
      .post(
        '/unsubscribe/:userId/:category/:token',
        { schema: { params: UnsubscribeParams }, config: { csrf: false } },
        async (request, reply) => {
          const { userId, category, token } = request.params;
          const ok =
            isOneClick(request.body) &&
            (await privacy.unsubscribe(userId, category, token, request.ip));
          return reply
            .status(ok ? 200 : 404)
            .html(
              <UnsubscribePage
                ctx={await ctxOf(request)}
                state={ok ? 'done' : 'invalid'}
                category={await categoryName(request, category)}
                action=""
              />,
            );
        },
      );
  });
}

/** `List-Unsubscribe=One-Click`, url-encoded or as a multipart field. */
function isOneClick(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  if (b['List-Unsubscribe'] === 'One-Click') return true;
  return (
    typeof b.multipart === 'string' &&
    /name="List-Unsubscribe"\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(b.multipart)
  );
}
