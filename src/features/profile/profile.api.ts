import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize } from '../../platform/auth/session.ts';
import { ValidationError } from '../../platform/http/errors.ts';
import type { PrivacyService } from './privacy.service.ts';
import type { ProfileService } from './profile.service.ts';

const Nullable = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

const Contact = Type.Object({
  country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
  addressLine1: Nullable(200),
  addressLine2: Nullable(200),
  city: Nullable(200),
  region: Nullable(200),
  postalCode: Nullable(20),
  phone: Type.Union([Type.String({ description: 'E.164, e.g. +442079460958' }), Type.Null()]),
  company: Nullable(200),
  jobTitle: Nullable(200),
  locale: Type.String(),
  timeZone: Type.String({ description: 'IANA time zone' }),
});

const ProfileResponse = Type.Object({
  contact: Contact,
  confirmedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  preferences: Type.Object({
    exam_reminders: Type.Boolean(),
    expiry_reminders: Type.Boolean(),
    program_news: Type.Boolean(),
  }),
});

const opt = (max: number) =>
  Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const ContactBody = Type.Object({
  country: Type.String({ maxLength: 10 }),
  addressLine1: opt(400),
  addressLine2: opt(400),
  city: opt(400),
  region: opt(400),
  postalCode: opt(100),
  phone: opt(100),
  company: opt(400),
  jobTitle: opt(400),
  locale: Type.Optional(Type.String({ maxLength: 20 })),
  timeZone: Type.Optional(Type.String({ maxLength: 64 })),
});

/** The signed-in person's contact details and email choices, as JSON. */
export function registerProfileApi(
  appBase: FastifyInstance,
  profile: ProfileService,
  privacy: PrivacyService,
): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const read = async (userId: number) => {
    const { contact, confirmedAt } = await profile.contact(userId);
    return {
      contact,
      confirmedAt: confirmedAt?.toISOString() ?? null,
      preferences: await privacy.preferences(userId),
    };
  };

  app.get(
    '/api/v1/me/profile',
    {
      schema: {
        tags: ['profile'],
        summary: 'Your contact details and email choices',
        security: [{ session: [] }],
        response: { 200: ProfileResponse },
      },
    },
    async (request, reply) => {
      const me = authorize(request);
      return reply.header('cache-control', 'no-store').send(await read(me.userId));
    },
  );

  app.put(
    '/api/v1/me/profile/contact',
    {
      schema: {
        tags: ['profile'],
        summary: 'Replace your contact details (audited like the profile page)',
        security: [{ session: [] }],
        body: ContactBody,
        response: { 200: ProfileResponse },
      },
    },
    async (request, reply) => {
      const me = authorize(request);
      const b = request.body;
      const current = (await profile.contact(me.userId)).contact;
      const outcome = await profile.updateContact(
        { userId: me.userId, ip: request.ip },
        me.userId,
        {
          country: b.country,
          addressLine1: b.addressLine1 ?? '',
          addressLine2: b.addressLine2 ?? '',
          city: b.city ?? '',
          region: b.region ?? '',
          postalCode: b.postalCode ?? '',
          phone: b.phone ?? '',
          company: b.company ?? '',
          jobTitle: b.jobTitle ?? '',
          locale: b.locale ?? current.locale,
          timeZone: b.timeZone ?? current.timeZone,
        },
      );
      if ('problems' in outcome) throw new ValidationError(outcome.problems);
      return reply.header('cache-control', 'no-store').send(await read(me.userId));
    },
  );
}
