import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { notFound } from '../../platform/http/errors.ts';
import { registerNavItem } from '../../platform/html/nav.ts';
import { CandidateService, isoDateIn } from './candidate.service.ts';
import { toCsv } from './csv.ts';
import { registerEvidencePages } from './evidence.pages.tsx';
import { EvidenceService } from './evidence.service.ts';
import { CredentialsPage, CredentialPage } from './views/candidate/credentials.tsx';
import { DashboardPage, type UpcomingExamView } from './views/candidate/dashboard.tsx';
import { HistoryPage, retakeText } from './views/candidate/history.tsx';

const CredentialCode = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' });
const HistoryQuery = Type.Object({
  // Empty strings come from the form's "all" options.
  exam: Type.Optional(Type.Union([Type.Literal(''), CredentialCode])),
  year: Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^[0-9]{4}$' })])),
});

/**
 * The candidate's pages: dashboard, credentials and their requirements with
 * progress, exam history (and its CSV), and evidence (evidence.pages.tsx).
 * Call once from the progress plugin, after `app.progress` is decorated.
 */
export function registerCandidatePages(appBase: FastifyInstance): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const evidence = new EvidenceService(app.platform.db, app.catalog, app.progress, app.accounts);
  const candidates = new CandidateService(app.platform.prepared, app.catalog, app.progress);

  registerNavItem({ area: 'candidate', href: '/dashboard', label: 'nav.dashboard', order: 0 });
  registerNavItem({ area: 'candidate', href: '/credentials', label: 'nav.credentials', order: 10 });
  registerNavItem({ area: 'public', href: '/credentials', label: 'nav.credentials', order: 10 });
  registerNavItem({ area: 'candidate', href: '/history', label: 'nav.history', order: 20 });
  registerNavItem({ area: 'candidate', href: '/evidence', label: 'nav.evidence', order: 30 });

  app.get('/dashboard', async (request, reply) => {
    const principal = authorize(request);
    // Upcoming exams come from exam registration when it is installed (it registers after
    // progress, so it is looked up at request time, not imported).
    const [view, appointments] = await Promise.all([
      candidates.dashboard(principal.userId, { twoFactorEnabled: principal.twoFactorEnabled }),
      app.hasDecorator('scheduling')
        ? app.scheduling.upcomingAppointments(principal.userId)
        : Promise.resolve([]),
    ]);
    const upcoming: UpcomingExamView[] = appointments.map((a) => ({
      examCode: a.examCode,
      examTitle: a.examTitle,
      startsAt: a.startsAt,
      timeZone: a.timeZone,
      place: a.place?.name ?? (a.location || null),
      online: a.delivery === 'online_proctored',
      confirmationNumber: a.confirmationNumber,
      href: `/exams/appointments/${a.id}`,
    }));
    return reply.html(
      <DashboardPage ctx={await app.pageContext(request)} view={view} upcoming={upcoming} />,
    );
  });

  app.get('/credentials', async (request, reply) => {
    const groups = await candidates.catalogPage(request.principal?.userId ?? null);
    return reply.html(<CredentialsPage ctx={await app.pageContext(request)} groups={groups} />);
  });

  app.get(
    '/credentials/:code',
    { schema: { params: Type.Object({ code: CredentialCode }) } },
    async (request, reply) => {
      const view = await candidates.credentialPage(
        request.principal?.userId ?? null,
        request.params.code.toUpperCase(),
      );
      if (!view) throw notFound();
      return reply.html(<CredentialPage ctx={await app.pageContext(request)} view={view} />);
    },
  );

  const historyFilter = (q: { exam?: string | undefined; year?: string | undefined }) => ({
    ...(q.exam ? { examCode: q.exam.toUpperCase() } : {}),
    ...(q.year ? { year: Number(q.year) } : {}),
  });

  app.get('/history', { schema: { querystring: HistoryQuery } }, async (request, reply) => {
    const principal = authorize(request);
    const view = await candidates.history(principal.userId, historyFilter(request.query));
    return reply.html(
      <HistoryPage
        ctx={await app.pageContext(request)}
        view={view}
        filter={{ exam: request.query.exam?.toUpperCase() ?? '', year: request.query.year ?? '' }}
        now={new Date()}
      />,
    );
  });

  app.get('/history.csv', { schema: { querystring: HistoryQuery } }, async (request, reply) => {
    const principal = authorize(request);
    const rows = await candidates.historyRows(principal.userId, historyFilter(request.query));
    const { t, timeZone } = await app.pageContext(request);
    const day = (d: Date) => isoDateIn(d, timeZone);
    const now = new Date();
    const csv = toCsv(
      [
        t('history.exam'),
        t('history.examTitle'),
        t('history.version'),
        t('history.date'),
        t('history.score'),
        t('history.passingScore'),
        t('history.result'),
        t('history.source'),
        t('history.status'),
        t('history.retake'),
      ],
      rows.map((r) => [
        r.examCode,
        r.examTitle,
        r.examVersion,
        day(r.takenAt),
        r.score,
        r.passingScore,
        r.passed ? t('history.pass') : t('history.fail'),
        t(`history.sources.${r.source}`),
        r.status === 'revoked' ? t('history.revoked') : t('history.valid'),
        retakeText(t, day, r, now),
      ]),
    );
    const name = `exam-history-${principal.candidateNumber.replace(/[^A-Za-z0-9-]/g, '')}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(csv);
  });

  registerEvidencePages(app, evidence);
}
