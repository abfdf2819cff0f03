import type { MessageKey } from '../../platform/i18n/i18n.ts';
import {
  REQUIREMENT_KINDS,
  REQUIREMENT_LIMITS,
  type RequirementKind,
  type RequirementNode,
  type RequirementProblem,
} from './catalog.requirements.ts';

/**
 * The requirement tree editor's state, with no I/O, so that it works without
 * JavaScript: the whole tree travels in the form as flat fields
 * (`nodes[3][kind]`, `nodes[3][parent]`, `nodes[3][minScore]`, ...) in
 * pre-order, every button posts all of it, and the server answers with the
 * tree as edited. Values stay strings until "Save", so nothing typed is lost
 * between round-trips.
 */

/** Every field a node may carry in the form, all strings as typed. */
export const NODE_FIELDS = [
  'count',
  'examCode',
  'minScore',
  'versions',
  'withinMonths',
  'credentialCode',
  'courseCode',
  'agreementCode',
  'version',
  'categoryCode',
  'minimum',
] as const;
export type NodeField = (typeof NODE_FIELDS)[number];

/** The fields each kind shows, in order. */
export const KIND_FIELDS: Record<RequirementKind, readonly NodeField[]> = {
  all: [],
  any: ['count'],
  exam: ['examCode', 'minScore', 'versions', 'withinMonths'],
  credential: ['credentialCode'],
  training: ['courseCode', 'withinMonths'],
  agreement: ['agreementCode', 'version'],
  credits: ['categoryCode', 'minimum', 'withinMonths'],
};

const NUMBER_FIELDS: ReadonlySet<NodeField> = new Set([
  'count',
  'minScore',
  'withinMonths',
  'version',
  'minimum',
]);

export interface EditNode {
  id: string;
  kind: RequirementKind;
  values: Partial<Record<NodeField, string>>;
  children: EditNode[];
}

/** A node as the form carries it: pre-order index, parent index (-1 for the root). */
export interface FlatNode {
  index: number;
  parent: number;
  depth: number;
  node: EditNode;
}

export function isGroupKind(kind: RequirementKind): boolean {
  return kind === 'all' || kind === 'any';
}

export function emptyTree(): EditNode {
  return { id: 'root', kind: 'all', values: {}, children: [] };
}

// ------------------------------------------------------------------ from a stored tree

export function editTreeFrom(tree: RequirementNode): EditNode {
  const values: Partial<Record<NodeField, string>> = {};
  const set = (field: NodeField, value: string | number | readonly string[] | undefined) => {
    if (value === undefined) return;
    values[field] = Array.isArray(value) ? value.join(', ') : String(value);
  };
  let children: EditNode[] = [];
  switch (tree.kind) {
    case 'all':
      children = tree.children.map(editTreeFrom);
      break;
    case 'any':
      set('count', tree.count);
      children = tree.children.map(editTreeFrom);
      break;
    case 'exam':
      set('examCode', tree.examCode);
      set('minScore', tree.minScore);
      set('versions', tree.versions);
      set('withinMonths', tree.withinMonths);
      break;
    case 'credential':
      set('credentialCode', tree.credentialCode);
      break;
    case 'training':
      set('courseCode', tree.courseCode);
      set('withinMonths', tree.withinMonths);
      break;
    case 'agreement':
      set('agreementCode', tree.agreementCode);
      set('version', tree.version);
      break;
    case 'credits':
      set('categoryCode', tree.categoryCode);
      set('minimum', tree.minimum);
      set('withinMonths', tree.withinMonths);
      break;
  }
  return { id: tree.id, kind: tree.kind, values, children };
}

// ------------------------------------------------------------------ from the posted form

const NODE_KEY = /^nodes\[(\d{1,4})\]\[(\w{1,20})\]$/;

/**
 * Rebuilds the tree from the posted fields. Anything malformed (a parent that
 * does not come before its child, an unknown kind) is repaired rather than
 * refused: the editor must always be able to show the tree back.
 */
export function editTreeFromBody(body: Readonly<Record<string, unknown>>): EditNode {
  const rows = new Map<number, Record<string, string>>();
  for (const [key, raw] of Object.entries(body)) {
    const m = NODE_KEY.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    if (index >= REQUIREMENT_LIMITS.maxNodes) continue;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value !== 'string') continue;
    const row = rows.get(index) ?? {};
    row[m[2]!] = value.slice(0, 200);
    rows.set(index, row);
  }
  const indexes = [...rows.keys()].sort((a, b) => a - b);
  if (indexes.length === 0) return emptyTree();
  const built = new Map<number, EditNode>();
  let root: EditNode | undefined;
  for (const index of indexes) {
    const row = rows.get(index)!;
    const kind = (REQUIREMENT_KINDS as readonly string[]).includes(row.kind ?? '')
      ? (row.kind as RequirementKind)
      : 'exam';
    const values: Partial<Record<NodeField, string>> = {};
    for (const field of NODE_FIELDS) if (row[field] !== undefined) values[field] = row[field];
    const node: EditNode = { id: (row.id ?? '').trim(), kind, values, children: [] };
    built.set(index, node);
    const parent = row.parent === undefined || row.parent === '' ? -1 : Number(row.parent);
    const parentNode = parent >= 0 && parent < index ? built.get(parent) : undefined;
    if (!root) root = node;
    else (parentNode && isGroupKind(parentNode.kind) ? parentNode : root).children.push(node);
  }
  // A group turned into a leaf drops what was inside it.
  const prune = (node: EditNode): void => {
    if (!isGroupKind(node.kind)) node.children = [];
    node.children.forEach(prune);
  };
  prune(root!);
  ensureIds(root!);
  return root!;
}

/** Gives every node a unique, valid id, keeping the ones it has. */
function ensureIds(root: EditNode): void {
  const seen = new Set<string>();
  const all = flatten(root).map((f) => f.node);
  let next = 1;
  for (const n of all) {
    const m = /^n(\d+)$/.exec(n.id);
    if (m) next = Math.max(next, Number(m[1]) + 1);
  }
  for (const n of all) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(n.id) || seen.has(n.id)) n.id = `n${next++}`;
    seen.add(n.id);
  }
}

// ------------------------------------------------------------------ editing

export function flatten(root: EditNode): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (node: EditNode, parent: number, depth: number) => {
    const index = out.length;
    out.push({ index, parent, depth, node });
    node.children.forEach((child) => walk(child, index, depth + 1));
  };
  walk(root, -1, 0);
  return out;
}

/** "1", "1.2", "1.2.3": where each node sits ('' for the root), for legends, buttons and messages. */
export function outlineLabels(flat: readonly FlatNode[]): Map<number, string> {
  const labels = new Map<number, string>();
  const seen = new Map<number, number>();
  for (const f of flat) {
    if (f.parent < 0) {
      labels.set(f.index, '');
      continue;
    }
    const position = (seen.get(f.parent) ?? 0) + 1;
    seen.set(f.parent, position);
    const parentLabel = labels.get(f.parent) ?? '';
    labels.set(f.index, parentLabel ? `${parentLabel}.${position}` : String(position));
  }
  return labels;
}

export type EditorAction =
  | { kind: 'add'; index: number; nodeKind: RequirementKind }
  | { kind: 'remove' | 'up' | 'down' | 'wrap'; index: number }
  | { kind: 'refresh' }
  | { kind: 'save' };

/** `add:3`, `remove:3`, `up:3`, `down:3`, `wrap:3`, `group:3`, `refresh`, `save`. */
export function parseAction(value: unknown, body: Readonly<Record<string, unknown>>): EditorAction {
  const text = typeof value === 'string' ? value : '';
  if (text === 'save') return { kind: 'save' };
  const m = /^(add|group|remove|up|down|wrap):(\d{1,4})$/.exec(text);
  if (!m) return { kind: 'refresh' };
  const index = Number(m[2]);
  if (m[1] === 'group') return { kind: 'add', index, nodeKind: 'all' };
  if (m[1] === 'add') {
    const chosen = body[`nodes[${index}][addKind]`];
    const nodeKind = (REQUIREMENT_KINDS as readonly string[]).includes(String(chosen))
      ? (chosen as RequirementKind)
      : 'exam';
    return { kind: 'add', index, nodeKind };
  }
  return { kind: m[1] as 'remove' | 'up' | 'down' | 'wrap', index };
}

/**
 * Applies one editing action and returns the new tree (the input is not
 * changed) and the index of the node to move focus to.
 */
export function applyAction(
  root: EditNode,
  action: EditorAction,
): { root: EditNode; focus: number | undefined } {
  const copy = clone(root);
  if (action.kind === 'refresh' || action.kind === 'save') return { root: copy, focus: undefined };
  const flat = flatten(copy);
  const target = flat[action.index];
  if (!target) return { root: copy, focus: undefined };
  const parent = target.parent >= 0 ? flat[target.parent]!.node : undefined;
  const node = target.node;
  const idOf = (n: EditNode) => n.id;
  let focusNode: EditNode | undefined;
  switch (action.kind) {
    case 'add': {
      if (!isGroupKind(node.kind) || flat.length >= REQUIREMENT_LIMITS.maxNodes) break;
      const child: EditNode = {
        id: '',
        kind: action.nodeKind,
        values: action.nodeKind === 'any' ? { count: '1' } : {},
        children: [],
      };
      node.children.push(child);
      focusNode = child;
      break;
    }
    case 'remove': {
      if (!parent) break;
      parent.children = parent.children.filter((c) => c !== node);
      focusNode = parent;
      break;
    }
    case 'up':
    case 'down': {
      if (!parent) break;
      const i = parent.children.indexOf(node);
      const j = action.kind === 'up' ? i - 1 : i + 1;
      if (j < 0 || j >= parent.children.length) break;
      [parent.children[i], parent.children[j]] = [parent.children[j]!, parent.children[i]!];
      focusNode = node;
      break;
    }
    case 'wrap': {
      if (flat.length >= REQUIREMENT_LIMITS.maxNodes) break;
      const group: EditNode = { id: '', kind: 'all', values: {}, children: [node] };
      if (parent) parent.children = parent.children.map((c) => (c === node ? group : c));
      else {
        ensureIds(group);
        return { root: group, focus: 0 };
      }
      focusNode = group;
      break;
    }
  }
  ensureIds(copy);
  const focus = focusNode
    ? flatten(copy).find((f) => idOf(f.node) === idOf(focusNode!))?.index
    : undefined;
  return { root: copy, focus };
}

function clone(node: EditNode): EditNode {
  return { ...node, values: { ...node.values }, children: node.children.map(clone) };
}

// ------------------------------------------------------------------ to JSON, and problems back to fields

export interface FormProblem {
  /** The form field name (`nodes[3][minScore]`) or the node itself (`nodes[3]`). */
  field: string;
  messageKey: MessageKey;
  params?: Record<string, string | number>;
}

/**
 * Fields a node cannot do without. Left blank (or not a number), the form
 * reports it and sends a stand-in, so that the rest of the tree still gets
 * checked in the same round: every problem is shown at once. The stand-in's
 * own problem, if any, lands on the same field and is dropped (one message
 * per field, the form's first).
 */
const REQUIRED: Partial<Record<NodeField, { messageKey: MessageKey; stand: string | number }>> = {
  examCode: { messageKey: 'catalog.tree.chooseExam', stand: '?' },
  credentialCode: { messageKey: 'catalog.tree.chooseCredential', stand: '?' },
  courseCode: { messageKey: 'catalog.tree.chooseTraining', stand: '?' },
  agreementCode: { messageKey: 'catalog.tree.chooseAgreement', stand: '?' },
  categoryCode: { messageKey: 'catalog.tree.chooseCategory', stand: '?' },
  count: { messageKey: 'catalog.tree.countRequired', stand: 1 },
  minimum: { messageKey: 'catalog.tree.minimumRequired', stand: 1 },
};

/**
 * The tree as JSON for `parseRequirementTree`, plus the problems only the
 * form can have (a blank choice, a number field holding something else).
 */
export function toRequirementJson(root: EditNode): {
  json: unknown;
  problems: FormProblem[];
} {
  const problems: FormProblem[] = [];
  const flat = flatten(root);
  const indexOf = new Map(flat.map((f) => [f.node, f.index]));
  const build = (node: EditNode): Record<string, unknown> => {
    const index = indexOf.get(node)!;
    const out: Record<string, unknown> = { kind: node.kind, id: node.id };
    for (const field of KIND_FIELDS[node.kind]) {
      const text = (node.values[field] ?? '').trim();
      if (text === '') {
        const required = REQUIRED[field];
        if (required) {
          problems.push({ field: nodeField(index, field), messageKey: required.messageKey });
          out[field] = required.stand;
        }
        continue;
      }
      if (field === 'versions') {
        out.versions = text
          .split(/[\s,;]+/)
          .map((s) => s.trim())
          .filter(Boolean);
      } else if (NUMBER_FIELDS.has(field)) {
        const n = Number(text.replace(',', '.'));
        if (!/^[+-]?\d+([.,]\d+)?$/.test(text) || !Number.isFinite(n)) {
          problems.push({ field: nodeField(index, field), messageKey: 'catalog.tree.number' });
          const required = REQUIRED[field];
          if (required) out[field] = required.stand;
        } else out[field] = n;
      } else {
        out[field] = text;
      }
    }
    if (isGroupKind(node.kind)) out.children = node.children.map(build);
    return out;
  };
  return { json: build(root), problems };
}

export function nodeField(index: number, field?: string): string {
  return field ? `nodes[${index}][${field}]` : `nodes[${index}]`;
}

const PICK_MESSAGES: Partial<Record<NodeField, MessageKey>> = {
  examCode: 'catalog.tree.chooseExam',
  credentialCode: 'catalog.tree.chooseCredential',
  courseCode: 'catalog.tree.chooseTraining',
  agreementCode: 'catalog.tree.chooseAgreement',
  categoryCode: 'catalog.tree.chooseCategory',
  count: 'catalog.tree.countRequired',
  minimum: 'catalog.tree.minimumRequired',
};

/**
 * Puts each problem the validator found (a JSON Pointer into the tree) beside
 * the node and field it is about. The validator's own message is kept except
 * for a blank choice, which the form can say more plainly.
 */
export function problemsToFields(
  root: EditNode,
  problems: readonly RequirementProblem[],
): FormProblem[] {
  const flat = flatten(root);
  return problems.map((problem) => {
    const tokens = problem.path.split('/').slice(1);
    let node = flat[0]!;
    let i = 0;
    while (
      tokens[i] === 'children' &&
      tokens[i + 1] !== undefined &&
      /^\d+$/.test(tokens[i + 1]!)
    ) {
      const child = node.node.children[Number(tokens[i + 1])];
      if (!child) break;
      node = flat.find((f) => f.node === child)!;
      i += 2;
    }
    const field = tokens[i] as NodeField | undefined;
    const visible =
      field !== undefined && (KIND_FIELDS[node.node.kind] as readonly string[]).includes(field);
    if (visible && problem.code === 'MISSING_FIELD' && PICK_MESSAGES[field!]) {
      return { field: nodeField(node.index, field), messageKey: PICK_MESSAGES[field!]! };
    }
    return {
      field: visible ? nodeField(node.index, field) : nodeField(node.index),
      messageKey: 'catalog.v.requirement',
      params: { message: problem.message },
    };
  });
}

/** The posted form's values for re-rendering (`nodes[3][minScore]` → "700"). */
export function formValues(root: EditNode): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { index, node } of flatten(root)) {
    for (const field of NODE_FIELDS) {
      const v = node.values[field];
      if (v !== undefined) values[nodeField(index, field)] = v;
    }
  }
  return values;
}
