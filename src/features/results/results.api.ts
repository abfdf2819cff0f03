import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { authenticateApiKey } from '../../platform/auth/api-keys.ts';
import { AppError, ValidationError, type FieldProblem } from '../../platform/http/errors.ts';
import type { MessageKey } from '../../platform/i18n/i18n.ts';
import { examLookup } from './import.service.ts';
import type { Database } from '../../platform/db/database.ts';
import type { CatalogApi } from '../catalog/index.ts';
import { readRow, type Field, type Header, type ResultRow } from './result-file.ts';
import * as repo from './results.repository.ts';
import { SIGNATURE_HEADER, checkSignature, type SigningSecrets } from './signing.ts';

/**
 * `POST /api/v1/results`: a delivery provider sends one result or a batch
 * of up to 1,000, with an API key that has the `results` scope. Idempotent
 * on the registration ID: a re-sent result is `unchanged`, a changed one is
 * updated in place (history kept), `status: "revoked"` revokes it and
 * `"valid"` restores it. Every item is checked first; with any problem,
 * nothing is recorded and the 400 lists every problem (`results/3/score`).
 * Keys with a signing secret must sign the body (signing.ts).
 */

export const MAX_BATCH = 1000;
const BODY_LIMIT = 2 * 1024 * 1024;

const ResultItem = Type.Object(
  {
    registrationId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The provider's attempt reference; the key of idempotency.",
    }),
    candidateId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The Laurel candidate ID (ClientCandidateID).',
    }),
    lastName: Type.Optional(
      Type.Union([Type.String({ maxLength: 200 }), Type.Null()], {
        description:
          'As on the score report; lets the candidate claim a result for an unknown candidate ID.',
      }),
    ),
    examCode: Type.String({ minLength: 1, maxLength: 32, description: 'The exam series code.' }),
    examVersion: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    takenAt: Type.String({
      maxLength: 40,
      description: 'YYYY-MM-DD, or a date and time (ISO 8601; UTC without a zone).',
    }),
    score: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    passingScore: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    passed: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], {
        description: "Default: score >= passingScore (or the exam's passing score).",
      }),
    ),
    noShow: Type.Optional(
      Type.Boolean({ description: 'A no-show is acknowledged and not recorded.' }),
    ),
    status: Type.Optional(Type.Union([Type.Literal('valid'), Type.Literal('revoked')])),
    statusReason: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
        description: 'Required with status "revoked".',
      }),
    ),
  },
  { additionalProperties: false },
);

const ResultsBody = Type.Object(
  { results: Type.Array(ResultItem, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
);
type ResultsBody = Static<typeof ResultsBody>;

const ItemOutcome = Type.Object({
  index: Type.Integer(),
  registrationId: Type.String(),
  outcome: Type.Union([
    Type.Literal('created'),
    Type.Literal('updated'),
    Type.Literal('unchanged'),
    Type.Literal('revoked'),
    Type.Literal('restored'),
    Type.Literal('no_show'),
  ]),
  resultId: Type.Union([Type.Integer(), Type.Null()]),
  claimed: Type.Boolean({
    description: 'False: the candidate ID is unknown; the result waits to be claimed.',
  }),
});

const ResultsResponse = Type.Object({
  results: Type.Array(ItemOutcome),
  awarded: Type.Integer({ description: 'Credentials awarded because of these results.' }),
});

const FIELDS: Field[] = [
  'registrationId',
  'candidateId',
  'lastName',
  'examCode',
  'examVersion',
  'takenAt',
  'passingScore',
  'score',
  'outcome',
  'noShow',
];
const JSON_NAMES: Record<Field, string> = {
  registrationId: 'registrationId',
  candidateId: 'candidateId',
  lastName: 'lastName',
  examCode: 'examCode',
  examVersion: 'examVersion',
  takenAt: 'takenAt',
  passingScore: 'passingScore',
  score: 'score',
  outcome: 'passed',
  noShow: 'noShow',
};
/** The same row rules as files: the JSON item as a record under a fixed header. */
const HEADER: Header = {
  format: 'simple',
  columns: Object.fromEntries(FIELDS.map((f, i) => [f, i])),
  names: FIELDS.map((f) => JSON_NAMES[f]),
  width: FIELDS.length,
};

type Item = Static<typeof ResultItem>;

function asRecord(item: Item, index: number) {
  const str = (v: string | number | boolean | null | undefined) =>
    v === null || v === undefined ? '' : String(v);
  return {
    line: index,
    raw: '',
    fields: [
      item.registrationId,
      item.candidateId,
      str(item.lastName),
      item.examCode,
      str(item.examVersion),
      item.takenAt,
      str(item.passingScore),
      str(item.score),
      item.passed === null || item.passed === undefined ? '' : item.passed ? 'pass' : 'fail',
      item.noShow ? 'true' : 'false',
    ],
  };
}

export interface ApiDependencies {
  db: Database;
  catalog: Pick<CatalogApi, 'definitions'>;
  progress: FastifyInstance['progress'];
  signing: SigningSecrets;
}

export function registerResultsApi(appBase: FastifyInstance, deps: ApiDependencies): void {
  appBase.register(async function resultsApi(scopeBase) {
    // The raw body is kept: a signature covers the bytes sent, not a re-serialisation.
    scopeBase.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (request, body, done) => {
        (request as FastifyRequest & { rawBody?: string }).rawBody = String(body);
        try {
          done(null, JSON.parse(String(body)));
        } catch {
          done(new AppError('BAD_JSON', 400, 'error.badRequest'), undefined);
        }
      },
    );
    const app = scopeBase.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/api/v1/results',
      {
        config: { csrf: false },
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: ['results'],
          summary: 'Send exam results (one or a batch of up to 1,000)',
          description:
            'Authenticate with `Authorization: Bearer <API key>` (scope `results`, a key that belongs to a delivery provider). Keys with a signing secret add `Laurel-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Idempotent on registrationId. See docs/results.md.',
          body: ResultsBody,
          response: { 200: ResultsResponse },
        },
      },
      async (request, reply) => {
        const client = await authenticateApiKey(request, 'results');
        if (!client.provider) throw new AppError('NO_PROVIDER', 403, 'results.api.noProvider');
        const secret = await deps.signing.secretOf(client.keyId);
        const header = request.headers[SIGNATURE_HEADER];
        const check = checkSignature(
          secret,
          typeof header === 'string' ? header : undefined,
          (request as FastifyRequest & { rawBody?: string }).rawBody ?? '',
          Math.floor(Date.now() / 1000),
        );
        if (check !== 'ok') throw new AppError('BAD_SIGNATURE', 401, 'results.api.signature');
        const out = await ingest(deps, client.provider, request.body);
        return reply.header('cache-control', 'no-store').send(out);
      },
    );
  });
}

async function ingest(
  deps: ApiDependencies,
  provider: string,
  body: ResultsBody,
): Promise<Static<typeof ResultsResponse>> {
  const { catalog, progress, db } = deps;
  const defs = await catalog.definitions();
  const exams = examLookup(defs);
  const now = new Date();
  const problems: FieldProblem[] = [];
  const rows: (ResultRow | 'no_show')[] = [];
  const seen = new Map<string, number>();
  body.results.forEach((item, index) => {
    const outcome = readRow(asRecord(item, index), HEADER, exams, now);
    const prefix = `results/${index}`;
    if (outcome.kind === 'bad') {
      for (const p of outcome.problems) {
        problems.push({
          field: p.column ? `${prefix}/${p.column}` : prefix,
          messageKey: p.messageKey as MessageKey,
          ...(p.params ? { params: p.params } : {}),
        });
      }
    }
    if (item.status === 'revoked' && !item.statusReason?.trim()) {
      problems.push({ field: `${prefix}/statusReason`, messageKey: 'results.v.revokeReason' });
    }
    const first = seen.get(item.registrationId);
    if (first !== undefined) {
      problems.push({
        field: `${prefix}/registrationId`,
        messageKey: 'results.p.duplicate',
        params: { line: first },
      });
    } else {
      seen.set(item.registrationId, index);
    }
    rows.push(outcome.kind === 'row' ? outcome.row : 'no_show');
  });
  if (problems.length > 0) throw new ValidationError(problems);

  const results: Static<typeof ResultsResponse>['results'] = [];
  let awarded = 0;
  const pending: {
    index: number;
    resultId: number;
    change: 'revoke' | 'restore';
    reason: string;
  }[] = [];
  await db.transaction().execute(async (trx) => {
    const real = rows.flatMap((r, index) => (r === 'no_show' ? [] : [{ r, index }]));
    const users = await repo.usersByCandidateNumber(
      trx,
      real.map(({ r }) => r.candidateId),
    );
    const { outcomes, awardChanges } = await progress.upsertProviderResults(
      trx,
      null,
      real.map(({ r, index }) => {
        const item = body.results[index]!;
        return {
          ref: r.registrationId,
          userId: users.get(r.candidateId) ?? null,
          candidateRef: r.candidateId,
          lastName: r.lastName,
          examId: r.examId,
          examVersion: r.examVersion,
          score: r.score,
          passed: r.passed,
          takenAt: r.takenAt,
          ...(item.status ? { status: item.status } : {}),
          statusReason: item.statusReason?.trim() || null,
        };
      }),
      {
        provider,
        source: 'api',
        reason: `Sent by ${provider} through the API`,
        definitions: defs,
        audit: {
          action: 'results.api_received',
          subjectType: 'provider',
          subjectId: provider,
          details: { items: body.results.length },
        },
      },
    );
    awarded = awardChanges.filter((c) => c.kind === 'awarded').length;
    const byIndex = new Map(real.map(({ index }, i) => [index, outcomes[i]!]));
    body.results.forEach((item, index) => {
      const o = byIndex.get(index);
      if (!o) {
        results.push({
          index,
          registrationId: item.registrationId,
          outcome: 'no_show',
          resultId: null,
          claimed: false,
        });
        return;
      }
      if (o.statusChange) {
        pending.push({
          index,
          resultId: o.resultId,
          change: o.statusChange,
          reason: item.statusReason?.trim() || `Restored by ${provider}`,
        });
      }
      const unclaimedStatus = o.statusApplied;
      results.push({
        index,
        registrationId: item.registrationId,
        outcome:
          unclaimedStatus === 'revoked'
            ? 'revoked'
            : unclaimedStatus === 'valid'
              ? 'restored'
              : o.kind,
        resultId: o.resultId,
        claimed: o.claimed,
      });
    });
  });
  // Revoking and restoring a claimed result re-checks the awards that rest on it, each in its own transaction.
  for (const p of pending) {
    if (p.change === 'revoke') await progress.revokeResult(null, p.resultId, p.reason);
    else await progress.restoreResult(null, p.resultId, p.reason);
    results[p.index] = {
      ...results[p.index]!,
      outcome: p.change === 'revoke' ? 'revoked' : 'restored',
    };
  }
  return { results, awarded };
}
