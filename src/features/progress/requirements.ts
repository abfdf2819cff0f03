/**
 * The requirement tree: its types, a shape check for untrusted input
 * (`parseRequirementTree`) and a meaning check against the catalog
 * (`validateRequirementTree`). Pure: no I/O. See CONTEXT.md for the words.
 *
 * Problem paths are JSON Pointers into the tree as the client sent it
 * (`/children/1/minScore`; the root is `''`), so a form or an API client can
 * put each message beside the field it is about.
 */

export type RequirementKind =
  'all' | 'any' | 'exam' | 'credential' | 'training' | 'agreement' | 'credits';

export const REQUIREMENT_KINDS: readonly RequirementKind[] = [
  'all',
  'any',
  'exam',
  'credential',
  'training',
  'agreement',
  'credits',
];

/** Every child must be met. */
export interface AllRequirement {
  kind: 'all';
  id: string;
  children: readonly RequirementNode[];
}

/** At least `count` of the children must be met. */
export interface AnyRequirement {
  kind: 'any';
  id: string;
  count: number;
  children: readonly RequirementNode[];
}

/** A passed, unrevoked result of the exam. */
export interface ExamRequirement {
  kind: 'exam';
  id: string;
  examCode: string;
  /** Score at or above this (on the exam's own scale). */
  minScore?: number;
  /** Only results of these exam versions count. */
  versions?: readonly string[];
  /** Only results taken within this many calendar months before the evaluation date count. */
  withinMonths?: number;
}

/** An award of the credential that is active at the evaluation date. */
export interface CredentialRequirement {
  kind: 'credential';
  id: string;
  credentialCode: string;
}

/** A completion of the training course. */
export interface TrainingRequirement {
  kind: 'training';
  id: string;
  courseCode: string;
  withinMonths?: number;
}

/** An acceptance of the agreement, of this version or a later one. */
export interface AgreementRequirement {
  kind: 'agreement';
  id: string;
  agreementCode: string;
  /** Minimum accepted version (versions are whole numbers, 1, 2, 3, ...). */
  version?: number;
}

/** At least `minimum` continuing-education credits of the category. */
export interface CreditsRequirement {
  kind: 'credits';
  id: string;
  categoryCode: string;
  minimum: number;
  withinMonths?: number;
}

export type RequirementNode =
  | AllRequirement
  | AnyRequirement
  | ExamRequirement
  | CredentialRequirement
  | TrainingRequirement
  | AgreementRequirement
  | CreditsRequirement;

export type GroupRequirement = AllRequirement | AnyRequirement;
export type LeafRequirement = Exclude<RequirementNode, GroupRequirement>;

export function isGroup(node: RequirementNode): node is GroupRequirement {
  return node.kind === 'all' || node.kind === 'any';
}

export type RequirementProblemCode =
  // shape (parseRequirementTree)
  | 'NOT_AN_OBJECT'
  | 'UNKNOWN_KIND'
  | 'MISSING_FIELD'
  | 'WRONG_TYPE'
  | 'UNKNOWN_FIELD'
  | 'BLANK_STRING'
  | 'TOO_DEEP'
  | 'TOO_MANY_NODES'
  // meaning (validateRequirementTree)
  | 'INVALID_ID'
  | 'DUPLICATE_ID'
  | 'EMPTY_GROUP'
  | 'COUNT_OUT_OF_RANGE'
  | 'NOT_A_WHOLE_NUMBER'
  | 'OUT_OF_RANGE'
  | 'MIN_SCORE_OUT_OF_RANGE'
  | 'EMPTY_VERSIONS'
  | 'DUPLICATE_VERSION'
  | 'UNKNOWN_EXAM'
  | 'UNKNOWN_EXAM_VERSION'
  | 'UNKNOWN_CREDENTIAL'
  | 'UNKNOWN_TRAINING'
  | 'UNKNOWN_AGREEMENT'
  | 'UNKNOWN_CREDIT_CATEGORY'
  | 'CREDENTIAL_CYCLE';

export interface RequirementProblem {
  /** JSON Pointer to the offending value; `''` is the root node. */
  path: string;
  code: RequirementProblemCode;
  /** English, for program managers; the code is stable for translations and clients. */
  message: string;
}

/** The codes the catalog knows, to check references against. */
export interface KnownCodes {
  exams: ReadonlySet<string>;
  credentials: ReadonlySet<string>;
  trainings: ReadonlySet<string>;
  agreements: ReadonlySet<string>;
  creditCategories: ReadonlySet<string>;
  /** Optional: the versions each exam has; when an exam is listed, `versions` must name them. */
  examVersions?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Optional: each exam's score scale; when an exam is listed, `minScore` must lie on it. */
  scoreScales?: ReadonlyMap<string, { min: number; max: number }>;
}

/**
 * Bounds that keep an untrusted tree cheap to check, store and evaluate.
 * Real programs use a depth of three or four and a few dozen nodes.
 */
export const REQUIREMENT_LIMITS = {
  maxDepth: 12,
  maxNodes: 500,
  maxIdLength: 64,
  maxCodeLength: 100,
  maxWithinMonths: 1200,
  maxCredits: 1_000_000,
} as const;

/** Node ids appear in URLs and HTML ids: letters, digits, `.`, `_`, `-`. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

// ---------------------------------------------------------------------------
// Shape: parseRequirementTree
// ---------------------------------------------------------------------------

export type ParseRequirementResult =
  { ok: true; tree: RequirementNode } | { ok: false; problems: RequirementProblem[] };

type FieldType = 'string' | 'number' | 'strings' | 'nodes';
interface FieldSpec {
  type: FieldType;
  required: boolean;
}

const FIELDS: Record<RequirementKind, Record<string, FieldSpec>> = {
  all: { children: { type: 'nodes', required: true } },
  any: { count: { type: 'number', required: true }, children: { type: 'nodes', required: true } },
  exam: {
    examCode: { type: 'string', required: true },
    minScore: { type: 'number', required: false },
    versions: { type: 'strings', required: false },
    withinMonths: { type: 'number', required: false },
  },
  credential: { credentialCode: { type: 'string', required: true } },
  training: {
    courseCode: { type: 'string', required: true },
    withinMonths: { type: 'number', required: false },
  },
  agreement: {
    agreementCode: { type: 'string', required: true },
    version: { type: 'number', required: false },
  },
  credits: {
    categoryCode: { type: 'string', required: true },
    minimum: { type: 'number', required: true },
    withinMonths: { type: 'number', required: false },
  },
};

/**
 * Checks that untrusted input (a JSON body, a form turned into JSON) has the
 * shape of a requirement tree and returns it typed, or every shape problem
 * found. Optional fields may be absent or `null` (a blank form field); `null`
 * is dropped. Unknown fields are refused so that a misspelt `minscore` is not
 * silently ignored. Numbers must be JSON numbers, not strings. This checks
 * shape only: follow it with `validateRequirementTree`.
 */
export function parseRequirementTree(json: unknown): ParseRequirementResult {
  const problems: RequirementProblem[] = [];
  const state = { nodes: 0, tooMany: false };
  const tree = parseNode(json, '', 1, problems, state);
  if (problems.length > 0 || tree === undefined) return { ok: false, problems };
  return { ok: true, tree };
}

function parseNode(
  value: unknown,
  path: string,
  depth: number,
  problems: RequirementProblem[],
  state: { nodes: number; tooMany: boolean },
): RequirementNode | undefined {
  state.nodes += 1;
  if (state.nodes > REQUIREMENT_LIMITS.maxNodes) {
    if (!state.tooMany) {
      state.tooMany = true;
      problems.push({
        path,
        code: 'TOO_MANY_NODES',
        message: `A requirement tree may have at most ${REQUIREMENT_LIMITS.maxNodes} nodes.`,
      });
    }
    return undefined;
  }
  if (depth > REQUIREMENT_LIMITS.maxDepth) {
    problems.push({
      path,
      code: 'TOO_DEEP',
      message: `Requirements may be nested at most ${REQUIREMENT_LIMITS.maxDepth} levels deep.`,
    });
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({
      path,
      code: 'NOT_AN_OBJECT',
      message: `Expected a requirement (an object with a "kind"), got ${describeValue(value)}.`,
    });
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const before = problems.length;

  const kind = record.kind;
  if (kind === undefined || kind === null) {
    problems.push({
      path: pointer(path, 'kind'),
      code: 'MISSING_FIELD',
      message: `"kind" is required: one of ${REQUIREMENT_KINDS.join(', ')}.`,
    });
    return undefined;
  }
  if (typeof kind !== 'string' || !(REQUIREMENT_KINDS as readonly string[]).includes(kind)) {
    problems.push({
      path: pointer(path, 'kind'),
      code: 'UNKNOWN_KIND',
      message: `"kind" must be one of ${REQUIREMENT_KINDS.join(', ')}, got ${describeValue(kind)}.`,
    });
    return undefined;
  }
  const k = kind as RequirementKind;
  const spec = FIELDS[k];

  const id = readString(record, 'id', path, true, problems);
  for (const key of Object.keys(record)) {
    if (key === 'kind' || key === 'id' || key in spec) continue;
    problems.push({
      path: pointer(path, key),
      code: 'UNKNOWN_FIELD',
      message: `"${key}" is not a field of ${articleFor(k)} "${k}" requirement; its fields are ${['id', ...Object.keys(spec)].map((f) => `"${f}"`).join(', ')}.`,
    });
  }

  const out: Record<string, unknown> = { kind: k, id };
  for (const [field, fieldSpec] of Object.entries(spec)) {
    switch (fieldSpec.type) {
      case 'string': {
        const v = readString(record, field, path, fieldSpec.required, problems);
        if (v !== undefined) out[field] = v;
        break;
      }
      case 'number': {
        const v = readNumber(record, field, path, fieldSpec.required, problems);
        if (v !== undefined) out[field] = v;
        break;
      }
      case 'strings': {
        const v = readStrings(record, field, path, problems);
        if (v !== undefined) out[field] = v;
        break;
      }
      case 'nodes': {
        const raw = record[field];
        const fieldPath = pointer(path, field);
        if (raw === undefined || raw === null) {
          problems.push({
            path: fieldPath,
            code: 'MISSING_FIELD',
            message: `"${field}" is required: a list of requirements.`,
          });
        } else if (!Array.isArray(raw)) {
          problems.push({
            path: fieldPath,
            code: 'WRONG_TYPE',
            message: `"${field}" must be a list of requirements, got ${describeValue(raw)}.`,
          });
        } else {
          out[field] = raw.map((child, i) =>
            parseNode(child, pointer(fieldPath, String(i)), depth + 1, problems, state),
          );
        }
        break;
      }
    }
  }
  if (problems.length > before) return undefined;
  return out as unknown as RequirementNode;
}

function readString(
  record: Record<string, unknown>,
  field: string,
  path: string,
  required: boolean,
  problems: RequirementProblem[],
): string | undefined {
  const value = record[field];
  const at = pointer(path, field);
  if (value === undefined || value === null) {
    if (required) {
      problems.push({ path: at, code: 'MISSING_FIELD', message: `"${field}" is required.` });
    }
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push({
      path: at,
      code: 'WRONG_TYPE',
      message: `"${field}" must be a string, got ${describeValue(value)}.`,
    });
    return undefined;
  }
  if (value.trim() === '' || value.trim() !== value) {
    problems.push({
      path: at,
      code: 'BLANK_STRING',
      message:
        value.trim() === ''
          ? `"${field}" must not be empty.`
          : `"${field}" must not begin or end with spaces (got ${JSON.stringify(value)}).`,
    });
    return undefined;
  }
  const max = field === 'id' ? REQUIREMENT_LIMITS.maxIdLength : REQUIREMENT_LIMITS.maxCodeLength;
  if (value.length > max) {
    problems.push({
      path: at,
      code: 'OUT_OF_RANGE',
      message: `"${field}" must be at most ${max} characters long.`,
    });
    return undefined;
  }
  return value;
}

function readNumber(
  record: Record<string, unknown>,
  field: string,
  path: string,
  required: boolean,
  problems: RequirementProblem[],
): number | undefined {
  const value = record[field];
  const at = pointer(path, field);
  if (value === undefined || value === null) {
    if (required) {
      problems.push({
        path: at,
        code: 'MISSING_FIELD',
        message: `"${field}" is required: a number.`,
      });
    }
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push({
      path: at,
      code: 'WRONG_TYPE',
      message: `"${field}" must be a number, got ${describeValue(value)}.`,
    });
    return undefined;
  }
  return value;
}

function readStrings(
  record: Record<string, unknown>,
  field: string,
  path: string,
  problems: RequirementProblem[],
): string[] | undefined {
  const value = record[field];
  const at = pointer(path, field);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    problems.push({
      path: at,
      code: 'WRONG_TYPE',
      message: `"${field}" must be a list of strings, got ${describeValue(value)}.`,
    });
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    const itemPath = pointer(at, String(i));
    if (typeof item !== 'string') {
      problems.push({
        path: itemPath,
        code: 'WRONG_TYPE',
        message: `Each of "${field}" must be a string, got ${describeValue(item)}.`,
      });
    } else if (item.trim() === '' || item.trim() !== item) {
      problems.push({
        path: itemPath,
        code: 'BLANK_STRING',
        message: `Each of "${field}" must be non-empty, without spaces around it (got ${JSON.stringify(item)}).`,
      });
    } else if (item.length > REQUIREMENT_LIMITS.maxCodeLength) {
      problems.push({
        path: itemPath,
        code: 'OUT_OF_RANGE',
        message: `Each of "${field}" must be at most ${REQUIREMENT_LIMITS.maxCodeLength} characters long.`,
      });
    } else {
      out.push(item);
    }
  });
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `a string (${JSON.stringify(shown)})`;
    }
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : String(value);
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function articleFor(kind: RequirementKind): string {
  return kind === 'all' || kind === 'any' || kind === 'exam' || kind === 'agreement' ? 'an' : 'a';
}

/** Appends one reference token to a JSON Pointer (RFC 6901 escaping). */
function pointer(base: string, token: string): string {
  return `${base}/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

// ---------------------------------------------------------------------------
// Meaning: validateRequirementTree
// ---------------------------------------------------------------------------

/**
 * Checks a tree against the catalog and common sense; returns every problem
 * (an empty list means the tree may be saved).
 *
 * `selfCode` is the credential whose requirements these are, and
 * `credentialGraph` maps every other credential code to the credential codes
 * its requirements in force name (anywhere in its tree). With both, a cycle
 * through this credential is reported: requiring itself directly, or through
 * a chain of other credentials. The graph's own entry for `selfCode`, if any,
 * is ignored: this tree replaces it. Cycles among other credentials that do
 * not pass through this one are not this tree's problem and are not reported.
 */
export function validateRequirementTree(
  tree: RequirementNode,
  known: KnownCodes,
  selfCode?: string,
  credentialGraph?: ReadonlyMap<string, readonly string[]>,
): RequirementProblem[] {
  const problems: RequirementProblem[] = [];
  const seenIds = new Map<string, string>();
  const credentialRefs: { code: string; path: string }[] = [];
  const state = { nodes: 0, tooMany: false };

  const visit = (node: RequirementNode, path: string, depth: number): void => {
    state.nodes += 1;
    if (state.nodes > REQUIREMENT_LIMITS.maxNodes) {
      if (!state.tooMany) {
        state.tooMany = true;
        problems.push({
          path,
          code: 'TOO_MANY_NODES',
          message: `A requirement tree may have at most ${REQUIREMENT_LIMITS.maxNodes} nodes.`,
        });
      }
      return;
    }
    if (depth > REQUIREMENT_LIMITS.maxDepth) {
      problems.push({
        path,
        code: 'TOO_DEEP',
        message: `Requirements may be nested at most ${REQUIREMENT_LIMITS.maxDepth} levels deep.`,
      });
      return;
    }

    const idPath = pointer(path, 'id');
    if (typeof node.id !== 'string' || !ID_PATTERN.test(node.id)) {
      problems.push({
        path: idPath,
        code: 'INVALID_ID',
        message: `The id ${JSON.stringify(node.id)} must start with a letter or digit and contain only letters, digits, ".", "_" and "-".`,
      });
    } else if (node.id.length > REQUIREMENT_LIMITS.maxIdLength) {
      problems.push({
        path: idPath,
        code: 'INVALID_ID',
        message: `The id must be at most ${REQUIREMENT_LIMITS.maxIdLength} characters long.`,
      });
    } else {
      const first = seenIds.get(node.id);
      if (first !== undefined) {
        problems.push({
          path: idPath,
          code: 'DUPLICATE_ID',
          message: `The id "${node.id}" is already used by the requirement at ${first === '' ? 'the root' : first}; ids must be unique within a tree.`,
        });
      } else {
        seenIds.set(node.id, path);
      }
    }

    switch (node.kind) {
      case 'all':
      case 'any': {
        const children = node.children;
        if (children.length === 0) {
          problems.push({
            path: pointer(path, 'children'),
            code: 'EMPTY_GROUP',
            message: `${node.kind === 'all' ? '"All of"' : '"Any of"'} needs at least one requirement inside it.`,
          });
        }
        if (node.kind === 'any') {
          const countPath = pointer(path, 'count');
          if (!Number.isInteger(node.count)) {
            problems.push({
              path: countPath,
              code: 'NOT_A_WHOLE_NUMBER',
              message: `The number of requirements to meet must be a whole number, got ${node.count}.`,
            });
          } else if (children.length > 0 && (node.count < 1 || node.count > children.length)) {
            problems.push({
              path: countPath,
              code: 'COUNT_OUT_OF_RANGE',
              message: `"Any ${node.count} of" must ask for between 1 and ${children.length} (the number of requirements inside it).`,
            });
          } else if (children.length === 0 && node.count < 1) {
            problems.push({
              path: countPath,
              code: 'COUNT_OUT_OF_RANGE',
              message: `"Any ${node.count} of" must ask for at least 1.`,
            });
          }
        }
        children.forEach((child, i) =>
          visit(child, pointer(pointer(path, 'children'), String(i)), depth + 1),
        );
        break;
      }
      case 'exam': {
        checkKnown(known.exams, node.examCode, pointer(path, 'examCode'), 'UNKNOWN_EXAM', 'exam');
        if (node.minScore !== undefined) {
          const scale = known.scoreScales?.get(node.examCode);
          const at = pointer(path, 'minScore');
          if (!Number.isFinite(node.minScore) || node.minScore < 0) {
            problems.push({
              path: at,
              code: 'MIN_SCORE_OUT_OF_RANGE',
              message: `The minimum score must be zero or more, got ${node.minScore}.`,
            });
          } else if (scale && (node.minScore < scale.min || node.minScore > scale.max)) {
            problems.push({
              path: at,
              code: 'MIN_SCORE_OUT_OF_RANGE',
              message: `The minimum score ${node.minScore} is outside ${node.examCode}'s score scale (${scale.min} to ${scale.max}).`,
            });
          }
        }
        if (node.versions !== undefined) {
          const at = pointer(path, 'versions');
          if (node.versions.length === 0) {
            problems.push({
              path: at,
              code: 'EMPTY_VERSIONS',
              message:
                'The list of allowed versions is empty, so no result could count; remove the list to allow every version.',
            });
          }
          const seen = new Set<string>();
          const examVersions = known.examVersions?.get(node.examCode);
          node.versions.forEach((version, i) => {
            if (seen.has(version)) {
              problems.push({
                path: pointer(at, String(i)),
                code: 'DUPLICATE_VERSION',
                message: `Version "${version}" is listed twice.`,
              });
            }
            seen.add(version);
            if (examVersions && !examVersions.has(version)) {
              problems.push({
                path: pointer(at, String(i)),
                code: 'UNKNOWN_EXAM_VERSION',
                message: `${node.examCode} has no version "${version}".`,
              });
            }
          });
        }
        checkMonths(node.withinMonths, path);
        break;
      }
      case 'credential':
        checkKnown(
          known.credentials,
          node.credentialCode,
          pointer(path, 'credentialCode'),
          'UNKNOWN_CREDENTIAL',
          'credential',
        );
        credentialRefs.push({ code: node.credentialCode, path: pointer(path, 'credentialCode') });
        break;
      case 'training':
        checkKnown(
          known.trainings,
          node.courseCode,
          pointer(path, 'courseCode'),
          'UNKNOWN_TRAINING',
          'training course',
        );
        checkMonths(node.withinMonths, path);
        break;
      case 'agreement':
        checkKnown(
          known.agreements,
          node.agreementCode,
          pointer(path, 'agreementCode'),
          'UNKNOWN_AGREEMENT',
          'agreement',
        );
        if (node.version !== undefined) {
          checkWhole(node.version, pointer(path, 'version'), 1, Number.MAX_SAFE_INTEGER, 'version');
        }
        break;
      case 'credits': {
        checkKnown(
          known.creditCategories,
          node.categoryCode,
          pointer(path, 'categoryCode'),
          'UNKNOWN_CREDIT_CATEGORY',
          'credit category',
        );
        const at = pointer(path, 'minimum');
        if (
          !Number.isFinite(node.minimum) ||
          node.minimum <= 0 ||
          node.minimum > REQUIREMENT_LIMITS.maxCredits
        ) {
          problems.push({
            path: at,
            code: 'OUT_OF_RANGE',
            message: `The minimum number of credits must be more than 0 and at most ${REQUIREMENT_LIMITS.maxCredits}, got ${node.minimum}.`,
          });
        }
        checkMonths(node.withinMonths, path);
        break;
      }
      default: {
        const unknownNode: { kind?: unknown } = node;
        problems.push({
          path: pointer(path, 'kind'),
          code: 'UNKNOWN_KIND',
          message: `Unknown requirement kind ${JSON.stringify(unknownNode.kind)}.`,
        });
      }
    }
  };

  function checkKnown(
    set: ReadonlySet<string>,
    code: string,
    path: string,
    problemCode: RequirementProblemCode,
    what: string,
  ): void {
    if (!set.has(code)) {
      problems.push({
        path,
        code: problemCode,
        message: `There is no ${what} with the code ${JSON.stringify(code)}.`,
      });
    }
  }

  function checkWhole(value: number, path: string, min: number, max: number, what: string): void {
    if (!Number.isInteger(value)) {
      problems.push({
        path,
        code: 'NOT_A_WHOLE_NUMBER',
        message: `The ${what} must be a whole number, got ${value}.`,
      });
    } else if (value < min || value > max) {
      problems.push({
        path,
        code: 'OUT_OF_RANGE',
        message:
          max === Number.MAX_SAFE_INTEGER
            ? `The ${what} must be ${min} or more, got ${value}.`
            : `The ${what} must be between ${min} and ${max}, got ${value}.`,
      });
    }
  }

  function checkMonths(value: number | undefined, path: string): void {
    if (value === undefined) return;
    checkWhole(
      value,
      pointer(path, 'withinMonths'),
      1,
      REQUIREMENT_LIMITS.maxWithinMonths,
      'number of months',
    );
  }

  visit(tree, '', 1);

  if (selfCode !== undefined) {
    for (const ref of credentialRefs) {
      const chain = ref.code === selfCode ? [] : pathTo(ref.code, selfCode, credentialGraph);
      if (chain === undefined) continue;
      problems.push({
        path: ref.path,
        code: 'CREDENTIAL_CYCLE',
        message:
          chain.length === 0
            ? `A credential cannot require itself (${selfCode}).`
            : `Requiring ${ref.code} makes a cycle: ${[selfCode, ...chain].join(' requires ')}.`,
      });
    }
  }
  return problems;
}

/**
 * The chain of credential codes from `from` to `target` in the graph
 * (`[from, ..., target]`, shortest first by breadth-first search), or
 * undefined when `target` cannot be reached. The graph's entry for `target`
 * is never followed: the tree being validated replaces it.
 */
function pathTo(
  from: string,
  target: string,
  graph: ReadonlyMap<string, readonly string[]> | undefined,
): string[] | undefined {
  if (!graph) return undefined;
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const code = queue[i]!;
    for (const next of graph.get(code) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, code);
      if (next === target) {
        const chain = [next];
        for (let c = previous.get(next); typeof c === 'string'; c = previous.get(c)) {
          chain.unshift(c);
        }
        return chain;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/** Every credential code the tree names, each once, in tree order. */
export function credentialCodesIn(tree: RequirementNode): string[] {
  const codes = new Set<string>();
  const walk = (node: RequirementNode): void => {
    if (node.kind === 'credential') codes.add(node.credentialCode);
    else if (node.kind === 'all' || node.kind === 'any') node.children.forEach(walk);
  };
  walk(tree);
  return [...codes];
}
