import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { notFound, ValidationError } from '../../platform/http/errors.ts';
import { emptyForm, formWithProblems } from '../../platform/html/forms.tsx';
import { countryOptions } from '../../platform/i18n/countries.ts';
import type { SchedulingService } from './scheduling.service.ts';
import type { SittingDelivery } from './scheduling.types.ts';
import type { ProviderExam } from './views/candidate.tsx';
import {
  AppointmentPage,
  BookPage,
  CancelPage,
  ExamsPage,
  ReschedulePage,
} from './views/candidate.tsx';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParams = Type.Object({ id: Id });
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' });
const opt = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const DateText = Type.Optional(
  Type.Union([Type.Literal(''), Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })]),
);

const FindQuery = Type.Object({
  find: opt(2),
  exam: Type.Optional(Type.Union([Type.Literal(''), Code])),
  country: Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^[A-Za-z]{2}$' })])),
  city: opt(100),
  from: DateText,
  to: DateText,
  delivery: Type.Optional(
    Type.Union([Type.Literal(''), Type.Literal('test_center'), Type.Literal('online_proctored')]),
  ),
});

const BOOKING_RULE = { name: 'scheduling.book', limit: 30, windowSeconds: 600 };

/** What the exams page needs beyond built-in scheduling: exams an external provider delivers. */
export type ProviderExamsSource = () => Promise<ProviderExam[]>;

/** The candidate's pages: my exams and the search, booking, the appointment, reschedule, cancel. */
export function registerCandidatePages(
  appBase: FastifyInstance,
  service: SchedulingService,
  providerExams: ProviderExamsSource,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/exams', { schema: { querystring: FindQuery } }, async (request, reply) => {
    const principal = authorize(request);
    const ctx = await app.pageContext(request);
    const q = request.query;
    const searched = q.find === '1';
    const filter = {
      exam: (q.exam ?? '').toUpperCase(),
      country: (q.country ?? '').toUpperCase(),
      city: (q.city ?? '').trim(),
      from: q.from ?? '',
      to: q.to ?? '',
      delivery: q.delivery ?? '',
    };
    const [mine, exams, providers] = await Promise.all([
      service.myAppointments(principal.userId),
      service.bookableExams(),
      providerExams(),
    ]);
    const results = searched
      ? await service.findSittings(
          {
            ...(filter.exam ? { examCode: filter.exam } : {}),
            ...(filter.country ? { country: filter.country } : {}),
            ...(filter.city ? { city: filter.city } : {}),
            ...(filter.from ? { from: filter.from } : {}),
            ...(filter.to ? { to: filter.to } : {}),
            ...(filter.delivery ? { delivery: filter.delivery as SittingDelivery } : {}),
          },
          ctx.timeZone,
        )
      : null;
    return reply.html(
      <ExamsPage
        ctx={ctx}
        upcoming={mine.upcoming}
        past={mine.past}
        exams={exams}
        countries={countryOptions(ctx.locale)}
        filter={filter}
        results={results}
        providerExams={providers}
      />,
    );
  });

  const bookPage = async (
    request: Parameters<typeof app.pageContext>[0],
    sittingId: number,
    examCode: string,
    form = emptyForm,
  ) => {
    const ctx = await app.pageContext(request);
    const sitting = await service.sitting(sittingId);
    const exam = sitting.exams.find((e) => e.code === examCode.toUpperCase());
    if (!exam || sitting.status !== 'scheduled') throw notFound();
    const [{ changeDeadlineHours }, price] = await Promise.all([
      service.settings(),
      service.priceText(exam.code, ctx.locale),
    ]);
    return (
      <BookPage
        ctx={ctx}
        sitting={sitting}
        exam={exam}
        price={price}
        deadlineHours={changeDeadlineHours}
        form={form}
      />
    );
  };

  app.get(
    '/exams/sittings/:id/book',
    { schema: { params: IdParams, querystring: Type.Object({ exam: Code }) } },
    async (request, reply) => {
      authorize(request);
      return reply.html(await bookPage(request, request.params.id, request.query.exam));
    },
  );

  app.post(
    '/exams/sittings/:id/book',
    {
      schema: {
        params: IdParams,
        body: Type.Object({ _csrf: opt(200), exam: Code, voucher: opt(100) }),
      },
    },
    async (request, reply) => {
      const principal = authorize(request);
      await app.platform.rateLimiter.consume(BOOKING_RULE, String(principal.userId));
      try {
        const id = await service.book(principal.userId, {
          sittingId: request.params.id,
          examCode: request.body.exam,
          voucher: request.body.voucher,
        });
        return reply
          .flash('success', 'scheduling.flash.booked')
          .redirect(`/exams/appointments/${id}`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const ctx = await app.pageContext(request);
        const form = formWithProblems(ctx.t, request.body, error.problems);
        const full = error.problems.some((p) => p.messageKey === 'scheduling.e.full');
        return reply
          .status(full ? 409 : 400)
          .html(await bookPage(request, request.params.id, request.body.exam, form));
      }
    },
  );

  app.get('/exams/appointments/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const principal = authorize(request);
    const a = await service.appointment(principal.userId, request.params.id);
    return reply.html(<AppointmentPage ctx={await app.pageContext(request)} a={a} />);
  });

  app.get(
    '/exams/appointments/:id/calendar.ics',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request);
      const ics = await service.calendarFile(principal.userId, request.params.id);
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="exam-appointment-${request.params.id}.ics"`,
        )
        .header('cache-control', 'no-store')
        .send(ics);
    },
  );

  const reschedulePage = async (
    request: Parameters<typeof app.pageContext>[0],
    userId: number,
    id: number,
    form = emptyForm,
  ) => {
    const ctx = await app.pageContext(request);
    const a = await service.appointment(userId, id);
    if (!a.changeable) throw notFound();
    const sittings = await service.findSittings({ examCode: a.examCode }, ctx.timeZone);
    return <ReschedulePage ctx={ctx} a={a} sittings={sittings} form={form} />;
  };

  app.get(
    '/exams/appointments/:id/reschedule',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request);
      return reply.html(await reschedulePage(request, principal.userId, request.params.id));
    },
  );

  app.post(
    '/exams/appointments/:id/reschedule',
    { schema: { params: IdParams, body: Type.Object({ _csrf: opt(200), sitting: Id }) } },
    async (request, reply) => {
      const principal = authorize(request);
      try {
        await service.reschedule(principal.userId, request.params.id, request.body.sitting);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const ctx = await app.pageContext(request);
        const form = formWithProblems(ctx.t, {}, error.problems);
        return reply
          .status(409)
          .html(await reschedulePage(request, principal.userId, request.params.id, form));
      }
      return reply
        .flash('success', 'scheduling.flash.rescheduled')
        .redirect(`/exams/appointments/${request.params.id}`, 303);
    },
  );

  app.get(
    '/exams/appointments/:id/cancel',
    { schema: { params: IdParams } },
    async (request, reply) => {
      const principal = authorize(request);
      const a = await service.appointment(principal.userId, request.params.id);
      if (!a.changeable) throw notFound();
      return reply.html(
        <CancelPage
          ctx={await app.pageContext(request)}
          a={a}
          voucherBack={a.voucherCode !== null}
        />,
      );
    },
  );

  app.post(
    '/exams/appointments/:id/cancel',
    { schema: { params: IdParams, body: Type.Object({ _csrf: opt(200) }) } },
    async (request, reply) => {
      const principal = authorize(request);
      await service.cancel(principal.userId, request.params.id);
      return reply
        .flash('success', 'scheduling.flash.cancelled')
        .redirect(`/exams/appointments/${request.params.id}`, 303);
    },
  );
}
