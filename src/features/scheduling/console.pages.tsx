import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import { emptyForm, formWithProblems, type FormState } from '../../platform/html/forms.tsx';
import { countryOptions } from '../../platform/i18n/countries.ts';
import { toCsv } from './csv.ts';
import type { SchedulingService } from './scheduling.service.ts';
import {
  BatchFormPage,
  BatchPage,
  BatchesPage,
  CenterFormPage,
  CentersPage,
  RosterPage,
  SettingsPage,
  SittingFormPage,
  SittingsPage,
} from './views/console.tsx';
import { when } from './views/parts.tsx';

const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });
const IdParams = Type.Object({ id: Id });
const opt = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const Codes = Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 500 }));

const SittingBody = Type.Object({
  _csrf: opt(200),
  exams: Codes,
  delivery: opt(40),
  testCenterId: opt(20),
  timeZone: opt(80),
  startsAt: opt(40),
  durationMinutes: opt(10),
  seats: opt(10),
  notes: opt(2000),
});
const CenterBody = Type.Object({
  _csrf: opt(200),
  name: opt(300),
  address: opt(600),
  city: opt(200),
  country: opt(10),
  timeZone: opt(80),
  accessibility: opt(2500),
  active: opt(5),
});
const BatchBody = Type.Object({
  _csrf: opt(200),
  name: opt(300),
  count: opt(10),
  exams: Codes,
  discountPercent: opt(10),
  expiresOn: opt(20),
  emailDomain: opt(300),
});

const csvReply = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
});

/** Staff pages: sittings and rosters, test centers, the change deadline, voucher batches. */
export function registerConsolePages(appBase: FastifyInstance, service: SchedulingService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const staff = (request: FastifyRequest) => authorize(request, 'program_manager');
  const examOptions = async () =>
    (await service.bookableExams()).map((e) => ({
      value: e.code,
      label: `${e.code} – ${e.title}`,
    }));
  const withList = (body: Record<string, unknown>) => ({
    ...body,
    exams: Array.isArray(body.exams) ? body.exams.join(',') : '',
  });

  // ---------------------------------------------------------------- sittings

  app.get(
    '/console/sittings',
    {
      schema: {
        querystring: Type.Object({
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        }),
      },
    },
    async (request, reply) => {
      staff(request);
      const page = request.query.page ?? 1;
      const from = new Date(Date.now() - 7 * 86_400_000);
      const sittings = await service.consoleSittings(from, page);
      return reply.html(
        <SittingsPage
          ctx={await app.pageContext(request)}
          sittings={sittings}
          page={page}
          more={sittings.length === 50}
        />,
      );
    },
  );

  const sittingForm = async (request: FastifyRequest, form: FormState) => (
    <SittingFormPage
      ctx={await app.pageContext(request)}
      form={form}
      centers={await service.centers()}
      exams={await examOptions()}
    />
  );

  app.get('/console/sittings/new', async (request, reply) => {
    staff(request);
    return reply.html(
      await sittingForm(request, {
        ...emptyForm,
        values: { durationMinutes: '120', seats: '20', timeZone: 'UTC' },
      }),
    );
  });

  app.post('/console/sittings/new', { schema: { body: SittingBody } }, async (request, reply) => {
    const principal = staff(request);
    try {
      const id = await service.createSitting(principal, request.body);
      return reply
        .flash('success', 'scheduling.flash.sittingCreated')
        .redirect(`/console/sittings/${id}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { t } = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          await sittingForm(request, formWithProblems(t, withList(request.body), error.problems)),
        );
    }
  });

  const settingsForm = async (request: FastifyRequest, form?: FormState) => {
    const s = await service.settings();
    return (
      <SettingsPage
        ctx={await app.pageContext(request)}
        form={
          form ?? { ...emptyForm, values: { changeDeadlineHours: String(s.changeDeadlineHours) } }
        }
      />
    );
  };

  app.get('/console/sittings/settings', async (request, reply) => {
    staff(request);
    return reply.html(await settingsForm(request));
  });

  app.post(
    '/console/sittings/settings',
    { schema: { body: Type.Object({ _csrf: opt(200), changeDeadlineHours: opt(10) }) } },
    async (request, reply) => {
      const principal = staff(request);
      try {
        await service.updateSettings(principal, request.body.changeDeadlineHours);
        return reply
          .flash('success', 'scheduling.flash.settingsSaved')
          .redirect('/console/sittings/settings', 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const { t } = await app.pageContext(request);
        return reply
          .status(400)
          .html(await settingsForm(request, formWithProblems(t, request.body, error.problems)));
      }
    },
  );

  app.get('/console/sittings/:id', { schema: { params: IdParams } }, async (request, reply) => {
    staff(request);
    const { sitting, entries } = await service.roster(request.params.id);
    return reply.html(
      <RosterPage
        ctx={await app.pageContext(request)}
        sitting={sitting}
        entries={entries}
        now={new Date()}
      />,
    );
  });

  app.get(
    '/console/sittings/:id/roster.csv',
    { schema: { params: IdParams } },
    async (request, reply) => {
      staff(request);
      const ctx = await app.pageContext(request);
      const { t } = ctx;
      const { sitting, entries } = await service.roster(request.params.id);
      const csv = toCsv(
        [
          t('scheduling.col.when'),
          t('scheduling.col.where'),
          t('scheduling.col.candidateId'),
          t('scheduling.col.candidate'),
          t('scheduling.col.email'),
          t('scheduling.col.exam'),
          t('scheduling.col.confirmation'),
          t('scheduling.col.status'),
          t('scheduling.col.voucher'),
        ],
        entries.map((e) => [
          when(ctx, sitting.startsAt, sitting.timeZone),
          sitting.place ? sitting.place.name : t('scheduling.online'),
          e.candidateNumber,
          e.name,
          e.email,
          e.examCode,
          e.confirmationNumber,
          t(`scheduling.status.${e.status}`),
          e.voucherCode,
        ]),
      );
      return reply.headers(csvReply(`roster-sitting-${sitting.id}.csv`)).send(csv);
    },
  );

  app.post(
    '/console/sittings/:id/attendance',
    {
      schema: {
        params: IdParams,
        body: Type.Object({
          _csrf: opt(200),
          appointment: Id,
          outcome: Type.Union([Type.Literal('completed'), Type.Literal('no_show')]),
        }),
      },
    },
    async (request, reply) => {
      const principal = staff(request);
      await service.markAttendance(
        principal,
        request.params.id,
        request.body.appointment,
        request.body.outcome,
      );
      return reply
        .flash('success', 'scheduling.flash.attendance')
        .redirect(`/console/sittings/${request.params.id}`, 303);
    },
  );

  // ---------------------------------------------------------------- test centers

  app.get('/console/test-centers', async (request, reply) => {
    staff(request);
    return reply.html(
      <CentersPage ctx={await app.pageContext(request)} centers={await service.centers()} />,
    );
  });

  const centerForm = async (request: FastifyRequest, id: number | null, form: FormState) => {
    const ctx = await app.pageContext(request);
    return <CenterFormPage ctx={ctx} form={form} id={id} countries={countryOptions(ctx.locale)} />;
  };

  app.get('/console/test-centers/new', async (request, reply) => {
    staff(request);
    return reply.html(await centerForm(request, null, emptyForm));
  });

  app.get('/console/test-centers/:id', { schema: { params: IdParams } }, async (request, reply) => {
    staff(request);
    const c = await service.center(request.params.id);
    return reply.html(
      await centerForm(request, c.id, {
        ...emptyForm,
        values: {
          name: c.name,
          address: c.address,
          city: c.city,
          country: c.country,
          timeZone: c.timeZone,
          accessibility: c.accessibility,
          active: c.active ? 'yes' : '',
        },
      }),
    );
  });

  const saveCenter =
    (id: number | null) => async (request: FastifyRequest, reply: FastifyReply) => {
      const principal = staff(request);
      const body = request.body as Record<string, string | undefined>;
      try {
        await service.saveCenter(principal, id, body);
        return reply
          .flash('success', 'scheduling.flash.centerSaved')
          .redirect('/console/test-centers', 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const { t } = await app.pageContext(request);
        return reply
          .status(400)
          .html(await centerForm(request, id, formWithProblems(t, body, error.problems)));
      }
    };

  app.post('/console/test-centers/new', { schema: { body: CenterBody } }, (request, reply) =>
    saveCenter(null)(request, reply),
  );
  app.post(
    '/console/test-centers/:id',
    { schema: { params: IdParams, body: CenterBody } },
    (request, reply) => saveCenter(request.params.id)(request, reply),
  );

  // ---------------------------------------------------------------- vouchers

  app.get('/console/vouchers', async (request, reply) => {
    staff(request);
    return reply.html(
      <BatchesPage ctx={await app.pageContext(request)} batches={await service.batches()} />,
    );
  });

  const batchForm = async (request: FastifyRequest, form: FormState) => (
    <BatchFormPage ctx={await app.pageContext(request)} form={form} exams={await examOptions()} />
  );

  app.get('/console/vouchers/new', async (request, reply) => {
    staff(request);
    return reply.html(
      await batchForm(request, { ...emptyForm, values: { count: '10', discountPercent: '100' } }),
    );
  });

  app.post('/console/vouchers/new', { schema: { body: BatchBody } }, async (request, reply) => {
    const principal = staff(request);
    try {
      const id = await service.createBatch(principal, request.body);
      return reply
        .flash('success', 'scheduling.flash.batchCreated')
        .redirect(`/console/vouchers/${id}`, 303);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const { t } = await app.pageContext(request);
      return reply
        .status(400)
        .html(
          await batchForm(request, formWithProblems(t, withList(request.body), error.problems)),
        );
    }
  });

  app.get('/console/vouchers/:id', { schema: { params: IdParams } }, async (request, reply) => {
    staff(request);
    return reply.html(
      <BatchPage
        ctx={await app.pageContext(request)}
        batch={await service.batch(request.params.id)}
      />,
    );
  });

  app.get(
    '/console/vouchers/:id/codes.csv',
    { schema: { params: IdParams } },
    async (request, reply) => {
      staff(request);
      const ctx = await app.pageContext(request);
      const { t } = ctx;
      const batch = await service.batch(request.params.id);
      const csv = toCsv(
        [
          t('scheduling.vouchers.code'),
          t('scheduling.vouchers.name'),
          t('scheduling.vouchers.exams'),
          t('scheduling.vouchers.discount'),
          t('scheduling.vouchers.expires'),
          t('scheduling.vouchers.usedAt'),
          t('scheduling.col.candidateId'),
          t('scheduling.col.exam'),
          t('scheduling.col.confirmation'),
        ],
        batch.vouchers.map((v) => [
          v.code,
          batch.name,
          batch.exams.map((e) => e.code).join(' '),
          batch.discountPercent,
          batch.expiresAt.toISOString().slice(0, 10),
          v.usedAt ? v.usedAt.toISOString() : '',
          v.candidateNumber,
          v.examCode,
          v.confirmationNumber,
        ]),
      );
      return reply.headers(csvReply(`vouchers-${batch.id}.csv`)).send(csv);
    },
  );
}
