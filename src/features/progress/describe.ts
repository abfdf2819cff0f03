import type { RequirementKind, RequirementNode } from './requirements.ts';

/**
 * Requirements in plain language for candidates: "Pass Cloud Security
 * Basics (ACS-101) with a score of 700 or more, and any two of: ...".
 *
 * Two forms from one walk: `describeRequirements` returns a tree of phrases
 * that a view renders as nested lists; `describeText` returns one sentence.
 * Every English word is in `requirementMessagesEn` below, with keys in the
 * style of the i18n catalog, so the templates can move there unchanged and a
 * translator can be passed as `message`. Pure: names come from `names`.
 */

export const requirementMessagesEn = {
  'requirement.all': 'all of',
  'requirement.anyOne': 'any one of',
  'requirement.any': 'any {count} of',
  'requirement.group': '{heading}: {list}',
  'requirement.nested': '({text})',
  'requirement.sentence': '{text}.',
  'requirement.named': '{name} ({code})',
  'requirement.exam': 'pass {exam}',
  'requirement.exam.versions': 'in version {versions}',
  'requirement.exam.minScore': 'with a score of {minScore} or more',
  'requirement.withinOneMonth': 'within the last month',
  'requirement.withinMonths': 'within the last {months} months',
  'requirement.credential': 'hold a current {credential} credential',
  'requirement.training': 'complete {training}',
  'requirement.agreement': 'accept {agreement}',
  'requirement.agreement.version': 'accept version {version} or later of {agreement}',
  'requirement.creditsOne': 'earn 1 credit in {category}',
  'requirement.credits': 'earn {minimum} credits in {category}',
  // Lists: two items use the pair form; more use the separator and the last form.
  'requirement.list.separator': ', ',
  'requirement.list.andPair': '{first} and {second}',
  'requirement.list.and': '{items}, and {last}',
  'requirement.list.orPair': '{first} or {second}',
  'requirement.list.or': '{items}, or {last}',
  // "any two of": counts up to ten are words, larger ones figures.
  'requirement.count.1': 'one',
  'requirement.count.2': 'two',
  'requirement.count.3': 'three',
  'requirement.count.4': 'four',
  'requirement.count.5': 'five',
  'requirement.count.6': 'six',
  'requirement.count.7': 'seven',
  'requirement.count.8': 'eight',
  'requirement.count.9': 'nine',
  'requirement.count.10': 'ten',
} as const;

export type RequirementMessageKey = keyof typeof requirementMessagesEn;
export type RequirementMessageParams = Record<string, string | number>;
/** Same shape as the platform's `Translate`, restricted to these keys. */
export type RequirementMessage = (
  key: RequirementMessageKey,
  params?: RequirementMessageParams,
) => string;

export type NamedKind = 'exam' | 'credential' | 'training' | 'agreement' | 'creditCategory';
/** A code's title (exam ACS-101 -> "Cloud Security Basics"); undefined shows the code alone. */
export type NameLookup = (kind: NamedKind, code: string) => string | undefined;

export interface DescribeOptions {
  names?: NameLookup;
  message?: RequirementMessage;
  /** Makes a phrase start a sentence or a list item; default: first letter upper-cased. */
  capitalize?: (text: string) => string;
  /** Default: English digits with grouping ("1,000", "12.5"). */
  formatNumber?: (value: number) => string;
}

/** One node in plain language; a group's `text` is its heading ("Any two of"). */
export interface RequirementDescription {
  id: string;
  kind: RequirementKind;
  /** A standalone phrase, capitalized, without a full stop. */
  text: string;
  /** For groups: how many of `items` must be met (all of them for `all`). */
  count?: number;
  items: RequirementDescription[];
}

/** English, straight from the templates above. */
export const englishRequirementMessage: RequirementMessage = (key, params) =>
  fill(requirementMessagesEn[key], params);

function fill(template: string, params: RequirementMessageParams | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

const englishNumber = new Intl.NumberFormat('en', { maximumFractionDigits: 6 });

function defaultCapitalize(text: string): string {
  const first = text.codePointAt(0);
  if (first === undefined) return text;
  const head = String.fromCodePoint(first);
  return head.toLocaleUpperCase('en') + text.slice(head.length);
}

interface Resolved {
  names: NameLookup;
  message: RequirementMessage;
  capitalize: (text: string) => string;
  formatNumber: (value: number) => string;
}

function resolve(options: DescribeOptions | undefined): Resolved {
  return {
    names: options?.names ?? (() => undefined),
    message: options?.message ?? englishRequirementMessage,
    capitalize: options?.capitalize ?? defaultCapitalize,
    formatNumber: options?.formatNumber ?? ((n) => englishNumber.format(n)),
  };
}

/** The tree of phrases, for views that render nested lists. */
export function describeRequirements(
  tree: RequirementNode,
  options?: DescribeOptions,
): RequirementDescription {
  const r = resolve(options);
  const walk = (node: RequirementNode): RequirementDescription => {
    if (node.kind === 'all' || node.kind === 'any') {
      return {
        id: node.id,
        kind: node.kind,
        text: r.capitalize(heading(node, r)),
        count: node.kind === 'all' ? node.children.length : node.count,
        items: node.children.map(walk),
      };
    }
    return { id: node.id, kind: node.kind, text: r.capitalize(leafPhrase(node, r)), items: [] };
  };
  return walk(tree);
}

/**
 * One sentence. A group nested in a list is put in parentheses unless it is
 * the list's last item, where it runs to the end of its enclosing list, so
 * the sentence can be read one way only.
 */
export function describeText(tree: RequirementNode, options?: DescribeOptions): string {
  const r = resolve(options);
  const inline = (node: RequirementNode, isRoot: boolean, isLast: boolean): string => {
    if (node.kind !== 'all' && node.kind !== 'any') return leafPhrase(node, r);
    const conjunction = isAll(node) ? 'and' : 'or';
    const items = node.children.map((child, i) =>
      inline(child, false, i === node.children.length - 1),
    );
    const last = node.children[node.children.length - 1];
    // "A, and any two of: B, C, or D": a comma before a closing group even in a pair.
    const list = joinList(items, conjunction, r, last?.kind === 'all' || last?.kind === 'any');
    // The whole requirement being "all of" needs no heading: "Pass A, and pass B."
    if (isRoot && isAll(node)) return list;
    const text = r.message('requirement.group', { heading: heading(node, r), list });
    return isRoot || isLast ? text : r.message('requirement.nested', { text });
  };
  return r.message('requirement.sentence', { text: r.capitalize(inline(tree, true, true)) });
}

/** `any N` of N children says the same as `all`, and is worded so. */
function isAll(node: Extract<RequirementNode, { kind: 'all' | 'any' }>): boolean {
  return node.kind === 'all' || node.count === node.children.length;
}

function heading(node: Extract<RequirementNode, { kind: 'all' | 'any' }>, r: Resolved): string {
  if (node.kind === 'all' || isAll(node)) return r.message('requirement.all');
  if (node.count === 1) return r.message('requirement.anyOne');
  return r.message('requirement.any', { count: countWord(node.count, r) });
}

function countWord(count: number, r: Resolved): string {
  if (Number.isInteger(count) && count >= 1 && count <= 10) {
    return r.message(`requirement.count.${count}` as RequirementMessageKey);
  }
  return r.formatNumber(count);
}

function joinList(
  items: string[],
  conjunction: 'and' | 'or',
  r: Resolved,
  serialComma = false,
): string {
  if (items.length <= 1) return items[0] ?? '';
  if (items.length === 2 && !serialComma) {
    return r.message(
      conjunction === 'and' ? 'requirement.list.andPair' : 'requirement.list.orPair',
      {
        first: items[0]!,
        second: items[1]!,
      },
    );
  }
  return r.message(conjunction === 'and' ? 'requirement.list.and' : 'requirement.list.or', {
    items: items.slice(0, -1).join(r.message('requirement.list.separator')),
    last: items[items.length - 1]!,
  });
}

function label(kind: NamedKind, code: string, r: Resolved): string {
  const name = r.names(kind, code);
  return name && name !== code ? r.message('requirement.named', { name, code }) : code;
}

function within(months: number | undefined, r: Resolved): string[] {
  if (months === undefined) return [];
  return [
    months === 1
      ? r.message('requirement.withinOneMonth')
      : r.message('requirement.withinMonths', { months: r.formatNumber(months) }),
  ];
}

function leafPhrase(node: Exclude<RequirementNode, { kind: 'all' | 'any' }>, r: Resolved): string {
  switch (node.kind) {
    case 'exam': {
      const parts = [r.message('requirement.exam', { exam: label('exam', node.examCode, r) })];
      if (node.versions !== undefined && node.versions.length > 0) {
        parts.push(
          r.message('requirement.exam.versions', {
            versions: joinList([...node.versions], 'or', r),
          }),
        );
      }
      if (node.minScore !== undefined) {
        parts.push(
          r.message('requirement.exam.minScore', { minScore: r.formatNumber(node.minScore) }),
        );
      }
      return [...parts, ...within(node.withinMonths, r)].join(' ');
    }
    case 'credential':
      return r.message('requirement.credential', {
        credential: label('credential', node.credentialCode, r),
      });
    case 'training':
      return [
        r.message('requirement.training', { training: label('training', node.courseCode, r) }),
        ...within(node.withinMonths, r),
      ].join(' ');
    case 'agreement': {
      const agreement = label('agreement', node.agreementCode, r);
      return node.version === undefined
        ? r.message('requirement.agreement', { agreement })
        : r.message('requirement.agreement.version', {
            agreement,
            version: r.formatNumber(node.version),
          });
    }
    case 'credits': {
      const category = label('creditCategory', node.categoryCode, r);
      const phrase =
        node.minimum === 1
          ? r.message('requirement.creditsOne', { category })
          : r.message('requirement.credits', {
              category,
              minimum: r.formatNumber(node.minimum),
            });
      return [phrase, ...within(node.withinMonths, r)].join(' ');
    }
  }
}
