import { Type, type Static, type TString } from '@sinclair/typebox';

/**
 * Form bodies are optional bounded strings: the service checks meaning and
 * answers with field errors; the schema only refuses what no honest form
 * sends. JSON bodies and responses below are the public API's contract.
 */
const text = (maxLength = 200): TString => Type.String({ maxLength });
const optionalText = (maxLength = 200) => Type.Optional(text(maxLength));
const csrf = optionalText(100);
const code = Type.String({ minLength: 1, maxLength: 40 });

export const CodeParams = Type.Object({ code });
export const VersionParams = Type.Object({
  code,
  version: Type.String({ minLength: 1, maxLength: 40 }),
});

export const ListQuery = Type.Object({
  q: optionalText(200),
  status: Type.Optional(
    Type.Union([
      Type.Literal(''),
      Type.Literal('draft'),
      Type.Literal('published'),
      Type.Literal('retired'),
    ]),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});
export type ListQuery = Static<typeof ListQuery>;

export const ExamForm = Type.Object({
  _csrf: csrf,
  code: optionalText(100),
  title: optionalText(400),
  description: optionalText(10_000),
  kind: optionalText(40),
  delivery: Type.Optional(Type.Array(text(40), { maxItems: 10 })),
  scoreMin: optionalText(40),
  scoreMax: optionalText(40),
  passingScore: optionalText(40),
  languages: optionalText(400),
  durationMinutes: optionalText(40),
  price: optionalText(40),
  currency: optionalText(40),
  retakeWaitDaysFirst: optionalText(40),
  retakeWaitDaysLater: optionalText(40),
  retakeMaxPerYear: optionalText(40),
  retakeAfterPass: optionalText(10),
  status: optionalText(40),
  reason: optionalText(500),
});

export const ExamVersionForm = Type.Object({
  _csrf: csrf,
  version: optionalText(100),
  availableFrom: optionalText(40),
  availableUntil: optionalText(40),
});

export const CodedForm = Type.Object({
  _csrf: csrf,
  code: optionalText(100),
  title: optionalText(400),
  description: optionalText(10_000),
  body: optionalText(100_000),
  effectiveAt: optionalText(40),
  reason: optionalText(500),
});

export const AgreementVersionForm = Type.Object({
  _csrf: csrf,
  body: optionalText(100_000),
  effectiveAt: optionalText(40),
});

export const CredentialForm = Type.Object({
  _csrf: csrf,
  code: optionalText(100),
  name: optionalText(400),
  kind: optionalText(40),
  level: optionalText(200),
  levelRank: optionalText(40),
  description: optionalText(10_000),
  validityMonths: optionalText(40),
  recertRequirementsAgain: optionalText(10),
  recertExams: optionalText(2000),
  recertHigherCredentials: optionalText(2000),
  recertCreditsCategory: optionalText(100),
  recertCreditsMinimum: optionalText(40),
  reason: optionalText(500),
});

export const StatusForm = Type.Object({
  _csrf: csrf,
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')]),
});

/**
 * The requirement editor posts the whole tree as flat fields
 * (`nodes[3][kind]`); read by `editTreeFromBody`, which ignores the rest.
 * 500 nodes of a dozen fields fit; the form body limit bounds the rest.
 */
export const RequirementEditorForm = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.Union([
    Type.String({ maxLength: 2000 }),
    Type.Array(Type.String({ maxLength: 200 }), { maxItems: 5 }),
  ]),
  { maxProperties: 8000 },
);

// ------------------------------------------------------------------ JSON API

const Status = Type.Union(
  [Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')],
  {
    description:
      'draft: only program managers see it; published: everyone; retired: kept for history.',
  },
);
const Delivery = Type.Union([
  Type.Literal('test_center'),
  Type.Literal('online_proctored'),
  Type.Literal('web'),
]);
const CalendarDate = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD.' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({
            description:
              'The body field, or for requirement trees `tree` followed by a JSON Pointer (`tree/children/1/minScore`).',
          }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { description: 'RFC 9457 problem details (application/problem+json).' },
);

const ExamVersion = Type.Object({
  version: Type.String({ maxLength: 20 }),
  availableFrom: CalendarDate,
  availableUntil: Type.Union([CalendarDate, Type.Null()]),
});

const Retake = Type.Object({
  waitDaysFirst: Type.Integer({ description: 'Days to wait after a first failure.' }),
  waitDaysLater: Type.Integer({ description: 'Days to wait after later failures.' }),
  maxPerYear: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Attempts allowed in any 12 months; null: no limit.',
  }),
  afterPass: Type.Boolean({ description: 'Whether a passed version may be sat again.' }),
});

const Price = Type.Object({
  cents: Type.Integer({ minimum: 0, description: 'In the currency’s minor unit.' }),
  currency: Type.String({ description: 'ISO 4217, e.g. USD.' }),
});

export const Exam = Type.Object({
  code: Type.String(),
  title: Type.String(),
  description: Type.String(),
  kind: Type.Union([Type.Literal('exam'), Type.Literal('assessment')]),
  delivery: Type.Array(Delivery),
  scoreMin: Type.Integer(),
  scoreMax: Type.Integer(),
  passingScore: Type.Integer(),
  languages: Type.Array(Type.String()),
  durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
  price: Type.Union([Price, Type.Null()]),
  retake: Retake,
  versions: Type.Array(ExamVersion),
  status: Status,
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ExamList = Type.Object({ exams: Type.Array(Exam) });

const examInputFields = {
  title: Type.Optional(Type.String({ maxLength: 400 })),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  kind: Type.Optional(Type.String({ maxLength: 40, description: 'exam or assessment' })),
  delivery: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })),
  scoreMin: Type.Optional(Type.Integer()),
  scoreMax: Type.Optional(Type.Integer()),
  passingScore: Type.Optional(Type.Integer()),
  languages: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50 })),
  durationMinutes: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  price: Type.Optional(Type.Union([Price, Type.Null()])),
  retake: Type.Optional(Type.Partial(Retake)),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  versions: Type.Optional(
    Type.Array(
      Type.Object({
        version: Type.String({ maxLength: 40 }),
        availableFrom: Type.String({ maxLength: 40 }),
        availableUntil: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
      }),
      {
        maxItems: 100,
        description: 'Versions to add, or whose dates to set; versions not listed are kept.',
      },
    ),
  ),
  reason: Type.Optional(
    Type.String({ maxLength: 500, description: 'Why: kept in the audit log.' }),
  ),
};

export const ExamCreateBody = Type.Object({
  code: Type.String({ maxLength: 40, description: 'e.g. ACS-101; cannot change later.' }),
  ...examInputFields,
});
export type ExamCreateBody = Static<typeof ExamCreateBody>;
export const ExamUpdateBody = Type.Object(examInputFields, {
  description: 'Replaces the exam’s fields; the code is in the path and never changes.',
});
export type ExamUpdateBody = Static<typeof ExamUpdateBody>;

const Recertification = Type.Object({
  requirementsAgain: Type.Boolean(),
  exams: Type.Array(Type.String()),
  higherCredentials: Type.Array(Type.String()),
  credits: Type.Union([
    Type.Object({ category: Type.String(), minimum: Type.Number() }),
    Type.Null(),
  ]),
});

/** One node of a requirement tree; `children` hold nodes of the same shape. */
export const RequirementNodeSchema = Type.Object(
  {
    kind: Type.String({
      description: 'all, any, exam, credential, training, agreement or credits',
    }),
    id: Type.String(),
    count: Type.Optional(Type.Number()),
    children: Type.Optional(Type.Array(Type.Any())),
    examCode: Type.Optional(Type.String()),
    minScore: Type.Optional(Type.Number()),
    versions: Type.Optional(Type.Array(Type.String())),
    withinMonths: Type.Optional(Type.Number()),
    credentialCode: Type.Optional(Type.String()),
    courseCode: Type.Optional(Type.String()),
    agreementCode: Type.Optional(Type.String()),
    version: Type.Optional(Type.Number()),
    categoryCode: Type.Optional(Type.String()),
    minimum: Type.Optional(Type.Number()),
  },
  { description: 'A requirement tree node; see docs/catalog.md.' },
);
export type RequirementNodeJson = Static<typeof RequirementNodeSchema>;

export const RequirementVersionSchema = Type.Object({
  version: Type.Integer(),
  effectiveAt: Type.String({ format: 'date-time' }),
  note: Type.String(),
  text: Type.String({ description: 'The requirements in plain language.' }),
  tree: RequirementNodeSchema,
});

const credentialFields = {
  code: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('accreditation'), Type.Literal('certification')]),
  level: Type.String(),
  levelRank: Type.Integer(),
  description: Type.String(),
  status: Status,
  validityMonths: Type.Union([Type.Integer(), Type.Null()]),
  recertification: Recertification,
  updatedAt: Type.String({ format: 'date-time' }),
};

export const CredentialSummary = Type.Object({
  ...credentialFields,
  requirements: Type.Union([Type.Omit(RequirementVersionSchema, ['tree', 'note']), Type.Null()], {
    description: 'The requirement version in force now, if any.',
  }),
});
export const CredentialList = Type.Object({ credentials: Type.Array(CredentialSummary) });

export const Credential = Type.Object({
  ...credentialFields,
  requirements: Type.Union([RequirementVersionSchema, Type.Null()], {
    description: 'The requirement version in force now, if any.',
  }),
  versions: Type.Optional(
    Type.Array(RequirementVersionSchema, {
      description: 'Every requirement version, oldest first (program managers only).',
    }),
  ),
});

const credentialInputFields = {
  name: Type.Optional(Type.String({ maxLength: 400 })),
  kind: Type.Optional(Type.String({ maxLength: 40 })),
  level: Type.Optional(Type.String({ maxLength: 200 })),
  levelRank: Type.Optional(Type.Integer()),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
  validityMonths: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  recertification: Type.Optional(
    Type.Object({
      requirementsAgain: Type.Optional(Type.Boolean()),
      exams: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 })),
      higherCredentials: Type.Optional(
        Type.Array(Type.String({ maxLength: 40 }), { maxItems: 100 }),
      ),
      credits: Type.Optional(
        Type.Union([
          Type.Object({ category: Type.String({ maxLength: 40 }), minimum: Type.Number() }),
          Type.Null(),
        ]),
      ),
    }),
  ),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  reason: Type.Optional(
    Type.String({ maxLength: 500, description: 'Why: kept in the audit log.' }),
  ),
};

export const CredentialCreateBody = Type.Object({
  code: Type.String({ maxLength: 40, description: 'e.g. CSA; cannot change later.' }),
  ...credentialInputFields,
});
export type CredentialCreateBody = Static<typeof CredentialCreateBody>;
export const CredentialUpdateBody = Type.Object(credentialInputFields);
export type CredentialUpdateBody = Static<typeof CredentialUpdateBody>;

export const RequirementsBody = Type.Object({
  tree: Type.Unknown({
    description: 'The requirement tree (see docs/catalog.md); checked in full.',
  }),
  effectiveAt: Type.String({
    maxLength: 40,
    description:
      'A date-time (ISO 8601 with offset), or a date taken as midnight in your time zone.',
  }),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type RequirementsBody = Static<typeof RequirementsBody>;
