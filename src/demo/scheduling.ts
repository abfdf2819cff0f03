import type { App } from '../app.ts';
import { ProvidersService } from '../features/scheduling/index.ts';
import { zonedLocalToUtc } from '../features/scheduling/scheduling-rules.ts';

/**
 * The demo's scheduling: three test centers, upcoming sittings over the next
 * six weeks (at a test center and online; a few nearly full because demo
 * candidates booked them), voucher batches (one code printed in the README,
 * unused), a delivery provider for the expert lab, and an appointment for
 * casey, paid with a voucher.
 */

/** A code of the launch batch that the demo leaves unused, for trying a booking (README). */
export const DEMO_VOUCHER_CODE = 'CRWD-DEMQ-2828';

const CENTERS = [
  {
    key: 'berlin',
    name: 'Corvid Test Center Berlin',
    address: 'Friedrichstraße 68',
    city: 'Berlin',
    country: 'DE',
    time_zone: 'Europe/Berlin',
    accessibility: 'Step-free entrance; lift to the third floor; a quiet room on request.',
    hour: '09:00',
    exams: ['ACS-101', 'ACS-201', 'SEC-220', 'NET-230'],
    seats: 12,
  },
  {
    key: 'austin',
    name: 'Austin Tech Testing',
    address: '500 Congress Avenue, Suite 210',
    city: 'Austin',
    country: 'US',
    time_zone: 'America/Chicago',
    accessibility: 'Ground floor; accessible parking at the back entrance.',
    hour: '10:00',
    exams: ['ACS-101', 'ACS-201', 'DEV-240'],
    seats: 8,
  },
  {
    key: 'singapore',
    name: 'Marina Testing Hub',
    address: '10 Marina Boulevard, #12-01',
    city: 'Singapore',
    country: 'SG',
    time_zone: 'Asia/Singapore',
    accessibility: '',
    hour: '14:00',
    exams: ['ACS-101', 'DAT-250'],
    seats: 6,
  },
] as const;

function localDay(now: Date, daysAhead: number): string {
  return new Date(now.getTime() + daysAhead * 86_400_000).toISOString().slice(0, 10);
}

export async function seedScheduling(
  app: App,
  ids: ReadonlyMap<string, number>,
  now: Date,
): Promise<void> {
  const { db, config } = app.platform;
  const defs = await app.catalog.definitions();
  const examId = (code: string) => {
    const exam = defs.exams.get(code);
    if (!exam) throw new Error(`The demo catalog lacks ${code}.`);
    return exam.id;
  };
  const sitting = async (o: {
    centerId: number | null;
    zone: string;
    day: number;
    hour: string;
    exams: readonly string[];
    seats: number;
  }) => {
    const startsAt = zonedLocalToUtc(`${localDay(now, o.day)}T${o.hour}`, o.zone)!;
    const row = await db
      .insertInto('sittings')
      .values({
        delivery: o.centerId === null ? 'online_proctored' : 'test_center',
        test_center_id: o.centerId,
        starts_at: startsAt,
        duration_minutes: 150,
        time_zone: o.zone,
        seats: o.seats,
        notes: '',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('sitting_exams')
      .values(o.exams.map((code) => ({ sitting_id: row.id, exam_id: examId(code) })))
      .execute();
    return row.id;
  };

  const centerIds = new Map<string, number>();
  for (const c of CENTERS) {
    const row = await db
      .insertInto('test_centers')
      .values({
        name: c.name,
        address: c.address,
        city: c.city,
        country: c.country,
        time_zone: c.time_zone,
        accessibility: c.accessibility,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    centerIds.set(c.key, row.id);
  }
  const sittingIds = new Map<string, number>();
  for (const day of [5, 12, 19, 26, 33, 40]) {
    for (const c of CENTERS) {
      const id = await sitting({
        centerId: centerIds.get(c.key)!,
        zone: c.time_zone,
        day,
        hour: c.hour,
        exams: c.exams,
        seats: c.seats,
      });
      sittingIds.set(`${c.key}-${day}`, id);
    }
    const online = await sitting({
      centerId: null,
      zone: 'UTC',
      day: day + 2,
      hour: '16:00',
      exams: ['ACS-101', 'SEC-220', 'ACS-R01'],
      seats: 20,
    });
    sittingIds.set(`online-${day + 2}`, online);
  }
  // A small extra sitting that demo candidates nearly fill: one seat left.
  const smallBerlin = await sitting({
    centerId: centerIds.get('berlin')!,
    zone: 'Europe/Berlin',
    day: 9,
    hour: '13:30',
    exams: ['ACS-101'],
    seats: 3,
  });

  const morgan = ids.get('morgan') ?? ids.get('alex') ?? null;
  const manager = { userId: morgan ?? 0 };
  const launch = await app.scheduling.createBatch(
    manager,
    {
      name: 'Partner launch 2026 (free exams)',
      count: '25',
      exams: ['ACS-101', 'ACS-201', 'SEC-220'],
      discountPercent: '100',
      expiresOn: localDay(now, 365),
    },
    now,
  );
  const codes = await db
    .selectFrom('vouchers')
    .select(['id', 'code'])
    .where('batch_id', '=', launch)
    .orderBy('id')
    .execute();
  await db
    .updateTable('vouchers')
    .set({ code: DEMO_VOUCHER_CODE })
    .where('id', '=', codes[0]!.id)
    .execute();
  await app.scheduling.createBatch(
    manager,
    {
      name: 'Northwind employees (half price)',
      count: '10',
      exams: ['ACS-101', 'ACS-201', 'DEV-240'],
      discountPercent: '50',
      expiresOn: localDay(now, 180),
      emailDomain: 'northwind.example',
    },
    now,
  );

  const book = async (username: string, sittingId: number, exam: string, voucher?: string) => {
    const userId = ids.get(username);
    if (userId === undefined) return;
    await app.scheduling.book(userId, { sittingId, examCode: exam, voucher }, now);
  };
  // casey retakes SEC-220 (failed ten days ago; allowed after fourteen) with a launch voucher.
  await book('casey', sittingIds.get('berlin-19')!, 'SEC-220', codes[1]!.code);
  await book('robin', smallBerlin, 'ACS-101');
  await book('jordan', smallBerlin, 'ACS-101');
  await book('tomas', sittingIds.get('austin-12')!, 'ACS-201');

  const providers = new ProvidersService({
    db,
    catalog: app.catalog,
    secretKey: config.secretKey,
    publicUrl: config.publicUrl,
  });
  await providers.saveProvider(manager, null, {
    code: 'vista',
    name: 'Vista Testing',
    schedulingUrl: 'https://scheduling.vista.example/handoff',
    clientCode: 'CORVID',
    passphrase: 'demo provider passphrase',
    sessionTimeoutMinutes: '30',
    exams: ['ARC-350'],
  });
}
