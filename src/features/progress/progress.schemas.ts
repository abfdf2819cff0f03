import { Type, type Static, type TString } from '@sinclair/typebox';

/**
 * Staff console inputs. Form fields are optional bounded strings: the pages
 * and the service check their meaning and answer with field errors; the
 * schema refuses only what no honest form sends.
 */
const text = (maxLength = 200): TString => Type.String({ maxLength });
const csrf = Type.Optional(text(100));
const reason = Type.Optional(text(2000));

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });
export const CodeParams = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,31}$' }),
});
export const SearchQuery = Type.Object({
  q: Type.Optional(text(200)),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});

export const RecordResultBody = Type.Object({
  _csrf: csrf,
  examCode: Type.Optional(text(40)),
  examVersion: Type.Optional(text(40)),
  score: Type.Optional(text(20)),
  outcome: Type.Optional(text(10)),
  takenAt: Type.Optional(text(20)),
  reason,
});
export type RecordResultBody = Static<typeof RecordResultBody>;

export const RecordTrainingBody = Type.Object({
  _csrf: csrf,
  courseCode: Type.Optional(text(40)),
  completedAt: Type.Optional(text(20)),
  reason,
});
export type RecordTrainingBody = Static<typeof RecordTrainingBody>;

export const RecordAgreementBody = Type.Object({
  _csrf: csrf,
  agreementCode: Type.Optional(text(40)),
  version: Type.Optional(text(20)),
  acceptedAt: Type.Optional(text(20)),
  reason,
});
export type RecordAgreementBody = Static<typeof RecordAgreementBody>;

export const RecordCreditsBody = Type.Object({
  _csrf: csrf,
  categoryCode: Type.Optional(text(40)),
  amount: Type.Optional(text(20)),
  earnedAt: Type.Optional(text(20)),
  reason,
});
export type RecordCreditsBody = Static<typeof RecordCreditsBody>;

export const CorrectResultBody = Type.Object({
  _csrf: csrf,
  score: Type.Optional(text(20)),
  outcome: Type.Optional(text(10)),
  takenAt: Type.Optional(text(20)),
  examVersion: Type.Optional(text(40)),
  reason,
});
export type CorrectResultBody = Static<typeof CorrectResultBody>;

export const RevokeResultBody = Type.Object({
  _csrf: csrf,
  revokeReason: reason,
  keep: Type.Optional(text(10)),
  decision: reason,
});
export type RevokeResultBody = Static<typeof RevokeResultBody>;

export const RestoreResultBody = Type.Object({ _csrf: csrf, restoreReason: reason });
export type RestoreResultBody = Static<typeof RestoreResultBody>;

export const CsrfOnlyBody = Type.Object({ _csrf: csrf });
