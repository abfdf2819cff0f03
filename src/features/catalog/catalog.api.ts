import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { authorize, hasRole, type Principal } from '../../platform/auth/session.ts';
import { notFound, ValidationError } from '../../platform/http/errors.ts';
import { formatPrice, requirementsInForce, type Raw } from './catalog-rules.ts';
import { describeText } from './catalog.requirements.ts';
import {
  CodeParams,
  Credential,
  CredentialCreateBody,
  CredentialList,
  CredentialUpdateBody,
  Exam,
  ExamCreateBody,
  ExamList,
  ExamUpdateBody,
  Problem,
  RequirementVersionSchema,
  RequirementsBody,
  type RequirementNodeJson,
} from './catalog.schemas.ts';
import { CatalogService, type CatalogActor } from './catalog.service.ts';
import type {
  CredentialDefinition,
  ExamDefinition,
  ProgramDefinitions,
  RequirementVersion,
} from './catalog.types.ts';

const TAGS = ['catalog'];
const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const StatusQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')], {
      description: 'Program managers only; others always see published definitions.',
    }),
  ),
});

/** Program managers (and admins) with two-factor on see drafts and retired definitions. */
function canManage(request: FastifyRequest): boolean {
  const p = request.principal;
  return !!p && hasRole(p, 'program_manager') && p.twoFactorEnabled;
}

function actorOf(request: FastifyRequest, principal: Principal, reason?: string): CatalogActor {
  return {
    userId: principal.userId,
    timeZone: principal.timeZone,
    ip: request.ip,
    reason: reason ?? null,
  };
}

// JSON field names for the form field names the service reports.
const API_FIELDS: Record<string, string> = {
  price: 'price/cents',
  currency: 'price/currency',
  retakeWaitDaysFirst: 'retake/waitDaysFirst',
  retakeWaitDaysLater: 'retake/waitDaysLater',
  retakeMaxPerYear: 'retake/maxPerYear',
  retakeAfterPass: 'retake/afterPass',
  recertRequirementsAgain: 'recertification/requirementsAgain',
  recertExams: 'recertification/exams',
  recertHigherCredentials: 'recertification/higherCredentials',
  recertCreditsCategory: 'recertification/credits/category',
  recertCreditsMinimum: 'recertification/credits/minimum',
};

async function withApiFields<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.problems.map((p) => ({ ...p, field: API_FIELDS[p.field] ?? p.field })),
      );
    }
    throw error;
  }
}

function examRaw(body: ExamUpdateBody & { code?: string }, current?: ExamDefinition): Raw {
  const { price, retake, ...rest } = body;
  return {
    ...rest,
    status: body.status ?? current?.status,
    price: price ? formatPrice(price.cents) : undefined,
    currency: price?.currency,
    retakeWaitDaysFirst: retake?.waitDaysFirst,
    retakeWaitDaysLater: retake?.waitDaysLater,
    retakeMaxPerYear: retake?.maxPerYear,
    retakeAfterPass: retake?.afterPass,
  };
}

function credentialRaw(body: CredentialUpdateBody & { code?: string }): Raw {
  const { recertification: r, ...rest } = body;
  return {
    ...rest,
    recertRequirementsAgain: r?.requirementsAgain,
    recertExams: r?.exams,
    recertHigherCredentials: r?.higherCredentials,
    recertCreditsCategory: r?.credits?.category,
    recertCreditsMinimum: r?.credits ? String(r.credits.minimum) : undefined,
  };
}

function examJson(e: ExamDefinition) {
  return {
    code: e.code,
    title: e.title,
    description: e.description,
    kind: e.kind,
    delivery: e.delivery,
    scoreMin: e.scoreMin,
    scoreMax: e.scoreMax,
    passingScore: e.passingScore,
    languages: e.languages,
    durationMinutes: e.durationMinutes,
    price: e.price,
    retake: e.retake,
    versions: e.versions,
    status: e.status,
    updatedAt: e.updatedAt.toISOString(),
  };
}

function versionJson(defs: ProgramDefinitions, v: RequirementVersion) {
  return {
    version: v.version,
    effectiveAt: v.effectiveAt.toISOString(),
    note: v.note,
    text: describeText(v.tree, { names: CatalogService.names(defs) }),
    // The same shape; the domain type's arrays are only read-only.
    tree: v.tree as unknown as RequirementNodeJson,
  };
}

function credentialBase(c: CredentialDefinition) {
  return {
    code: c.code,
    name: c.name,
    kind: c.kind,
    level: c.level,
    levelRank: c.levelRank,
    description: c.description,
    status: c.status,
    validityMonths: c.validityMonths,
    recertification: c.recertification,
    updatedAt: c.updatedAt.toISOString(),
  };
}

function credentialJson(defs: ProgramDefinitions, c: CredentialDefinition, manager: boolean) {
  const current = requirementsInForce(c, new Date());
  return {
    ...credentialBase(c),
    requirements: current ? versionJson(defs, current) : null,
    ...(manager ? { versions: c.requirements.map((v) => versionJson(defs, v)) } : {}),
  };
}

/** The catalog's JSON API: reading for everyone, writing for program managers. */
export function registerCatalogApi(appBase: FastifyInstance, service: CatalogService): void {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/v1/exams',
    {
      schema: {
        tags: TAGS,
        summary: 'List exams and assessments',
        description: 'Published ones; program managers see every status and may filter by it.',
        querystring: StatusQuery,
        response: { 200: ExamList, ...problems },
      },
    },
    async (request, reply) => {
      const manager = canManage(request);
      const status = manager ? request.query.status : 'published';
      const defs = await service.definitions();
      const exams = [...defs.exams.values()].filter((e) => !status || e.status === status);
      return reply.header('cache-control', 'no-store').send({ exams: exams.map(examJson) });
    },
  );

  app.get(
    '/api/v1/exams/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'One exam, with its versions and retake policy',
        params: CodeParams,
        response: { 200: Exam, ...problems },
      },
    },
    async (request, reply) => {
      const exam = await service.examByCode(request.params.code);
      if (!exam || (exam.status !== 'published' && !canManage(request))) throw notFound();
      return reply.header('cache-control', 'no-store').send(examJson(exam));
    },
  );

  app.post(
    '/api/v1/exams',
    {
      schema: {
        tags: TAGS,
        summary: 'Define an exam (program managers)',
        security: [{ session: [] }],
        body: ExamCreateBody,
        response: { 201: Exam, ...problems },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const exam = await withApiFields(() =>
        service.createExam(actorOf(request, principal, request.body.reason), examRaw(request.body)),
      );
      return reply
        .status(201)
        .header('location', `/api/v1/exams/${encodeURIComponent(exam.code)}`)
        .send(examJson(exam));
    },
  );

  app.put(
    '/api/v1/exams/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'Replace an exam’s definition (program managers)',
        description:
          'Fields left out take their defaults (status: unchanged). Versions listed are added or have their dates set; versions not listed are kept.',
        security: [{ session: [] }],
        params: CodeParams,
        body: ExamUpdateBody,
        response: { 200: Exam, ...problems },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const current = await service.examByCode(request.params.code);
      if (!current) throw notFound();
      const exam = await withApiFields(() =>
        service.updateExam(
          actorOf(request, principal, request.body.reason),
          current.code,
          examRaw(request.body, current),
        ),
      );
      return reply.send(examJson(exam));
    },
  );

  app.get(
    '/api/v1/credentials',
    {
      schema: {
        tags: TAGS,
        summary: 'List credentials with the requirements in force, in plain language',
        description: 'Published ones; program managers see every status and may filter by it.',
        querystring: StatusQuery,
        response: { 200: CredentialList, ...problems },
      },
    },
    async (request, reply) => {
      const manager = canManage(request);
      const status = manager ? request.query.status : 'published';
      const defs = await service.definitions();
      const now = new Date();
      const credentials = defs.credentials
        .filter((c) => !status || c.status === status)
        .map((c) => {
          const current = requirementsInForce(c, now);
          return {
            ...credentialBase(c),
            requirements: current
              ? {
                  version: current.version,
                  effectiveAt: current.effectiveAt.toISOString(),
                  text: describeText(current.tree, { names: CatalogService.names(defs) }),
                }
              : null,
          };
        });
      return reply.header('cache-control', 'no-store').send({ credentials });
    },
  );

  app.get(
    '/api/v1/credentials/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'One credential, with its requirements in force (tree and plain language)',
        params: CodeParams,
        response: { 200: Credential, ...problems },
      },
    },
    async (request, reply) => {
      const manager = canManage(request);
      const defs = await service.definitions();
      const credential = defs.credentialsByCode.get(request.params.code.trim().toUpperCase());
      if (!credential || (credential.status !== 'published' && !manager)) throw notFound();
      return reply
        .header('cache-control', 'no-store')
        .send(credentialJson(defs, credential, manager));
    },
  );

  app.post(
    '/api/v1/credentials',
    {
      schema: {
        tags: TAGS,
        summary: 'Define a credential, as a draft (program managers)',
        security: [{ session: [] }],
        body: CredentialCreateBody,
        response: { 201: Credential, ...problems },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const created = await withApiFields(() =>
        service.createCredential(
          actorOf(request, principal, request.body.reason),
          credentialRaw(request.body),
        ),
      );
      const defs = await service.definitions();
      return reply
        .status(201)
        .header('location', `/api/v1/credentials/${encodeURIComponent(created.code)}`)
        .send(credentialJson(defs, defs.credentialsByCode.get(created.code) ?? created, true));
    },
  );

  app.put(
    '/api/v1/credentials/:code',
    {
      schema: {
        tags: TAGS,
        summary: 'Replace a credential’s definition, or publish or retire it (program managers)',
        description:
          'Fields left out take their defaults (status: unchanged). Requirements are changed by adding a version, never here.',
        security: [{ session: [] }],
        params: CodeParams,
        body: CredentialUpdateBody,
        response: { 200: Credential, ...problems },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const current = await service.credentialByCode(request.params.code);
      if (!current) throw notFound();
      await withApiFields(() =>
        service.updateCredential(
          actorOf(request, principal, request.body.reason),
          current.code,
          credentialRaw(request.body),
        ),
      );
      const defs = await service.definitions();
      return reply.send(credentialJson(defs, defs.credentialsByCode.get(current.code)!, true));
    },
  );

  app.post(
    '/api/v1/credentials/:code/requirements',
    {
      schema: {
        tags: TAGS,
        summary: 'Add a requirement version (program managers)',
        description:
          'Saves the tree as the next version, effective from `effectiveAt`; earlier versions never change. A 400 lists every problem, each with the JSON Pointer of the value it is about.',
        security: [{ session: [] }],
        params: CodeParams,
        body: RequirementsBody,
        response: { 201: RequirementVersionSchema, ...problems },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'program_manager');
      const version = await service.addRequirementVersion(
        actorOf(request, principal),
        request.params.code,
        request.body,
      );
      const defs = await service.definitions();
      return reply
        .status(201)
        .header(
          'location',
          `/api/v1/credentials/${encodeURIComponent(request.params.code.trim().toUpperCase())}`,
        )
        .send(versionJson(defs, version));
    },
  );
}
