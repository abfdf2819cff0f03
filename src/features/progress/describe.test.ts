import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeRequirements,
  describeText,
  requirementMessagesEn,
  type NameLookup,
  type RequirementMessage,
} from './describe.ts';
import type { RequirementNode } from './requirements.ts';

const titles: Record<string, string> = {
  'exam:ACS-101': 'Cloud Security Basics',
  'exam:ACS-201': 'Cloud Security Operations',
  'credential:CA': 'Cloud Associate',
  'training:SEC-T': 'Secure Deployment Workshop',
  'agreement:CANDIDATE': 'the candidate agreement',
  'creditCategory:CPE': 'continuing professional education',
};
const names: NameLookup = (kind, code) => titles[`${kind}:${code}`];

const program: RequirementNode = {
  kind: 'all',
  id: 'root',
  children: [
    { kind: 'exam', id: 'core', examCode: 'ACS-101', minScore: 700 },
    {
      kind: 'any',
      id: 'electives',
      count: 2,
      children: [
        {
          kind: 'exam',
          id: 'ops',
          examCode: 'ACS-201',
          versions: ['2024', '2025'],
          withinMonths: 24,
        },
        { kind: 'credential', id: 'ca', credentialCode: 'CA' },
        { kind: 'training', id: 'workshop', courseCode: 'SEC-T', withinMonths: 1 },
      ],
    },
  ],
};

test('one sentence, in the words of the issue', () => {
  assert.equal(
    describeText(program, { names }),
    'Pass Cloud Security Basics (ACS-101) with a score of 700 or more, and any two of: ' +
      'pass Cloud Security Operations (ACS-201) in version 2024 or 2025 within the last 24 months, ' +
      'hold a current Cloud Associate (CA) credential, ' +
      'or complete Secure Deployment Workshop (SEC-T) within the last month.',
  );
});

test('without names, codes stand alone', () => {
  assert.equal(
    describeText(program),
    'Pass ACS-101 with a score of 700 or more, and any two of: pass ACS-201 in version 2024 or 2025 ' +
      'within the last 24 months, hold a current CA credential, or complete SEC-T within the last month.',
  );
});

test('structured parts for views: a heading per group, a phrase per requirement', () => {
  assert.deepEqual(describeRequirements(program, { names }), {
    id: 'root',
    kind: 'all',
    text: 'All of',
    count: 2,
    items: [
      {
        id: 'core',
        kind: 'exam',
        text: 'Pass Cloud Security Basics (ACS-101) with a score of 700 or more',
        items: [],
      },
      {
        id: 'electives',
        kind: 'any',
        text: 'Any two of',
        count: 2,
        items: [
          {
            id: 'ops',
            kind: 'exam',
            text: 'Pass Cloud Security Operations (ACS-201) in version 2024 or 2025 within the last 24 months',
            items: [],
          },
          {
            id: 'ca',
            kind: 'credential',
            text: 'Hold a current Cloud Associate (CA) credential',
            items: [],
          },
          {
            id: 'workshop',
            kind: 'training',
            text: 'Complete Secure Deployment Workshop (SEC-T) within the last month',
            items: [],
          },
        ],
      },
    ],
  });
});

test('agreements and credits', () => {
  assert.equal(
    describeText({ kind: 'agreement', id: 'g', agreementCode: 'CANDIDATE', version: 3 }, { names }),
    'Accept version 3 or later of the candidate agreement (CANDIDATE).',
  );
  assert.equal(describeText({ kind: 'agreement', id: 'g', agreementCode: 'NDA' }), 'Accept NDA.');
  assert.equal(
    describeText(
      { kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 12.5, withinMonths: 36 },
      { names },
    ),
    'Earn 12.5 credits in continuing professional education (CPE) within the last 36 months.',
  );
  assert.equal(
    describeText({ kind: 'credits', id: 'k', categoryCode: 'CPE', minimum: 1 }),
    'Earn 1 credit in CPE.',
  );
});

test('nested groups: parentheses unless the group ends its list; any N of N reads as all', () => {
  const tree: RequirementNode = {
    kind: 'any',
    id: 'root',
    count: 1,
    children: [
      {
        kind: 'any',
        id: 'both',
        count: 2,
        children: [
          { kind: 'exam', id: 'a', examCode: 'A' },
          { kind: 'exam', id: 'b', examCode: 'B' },
        ],
      },
      { kind: 'exam', id: 'c', examCode: 'C' },
      {
        kind: 'all',
        id: 'last',
        children: [
          { kind: 'exam', id: 'd', examCode: 'D' },
          { kind: 'exam', id: 'e', examCode: 'E' },
          { kind: 'exam', id: 'f', examCode: 'F' },
        ],
      },
    ],
  };
  assert.equal(
    describeText(tree),
    'Any one of: (all of: pass A and pass B), pass C, or all of: pass D, pass E, and pass F.',
  );
  assert.equal(describeRequirements(tree).items[0]?.text, 'All of');
});

test('counts above ten are figures', () => {
  const children: RequirementNode[] = Array.from({ length: 12 }, (_, i) => ({
    kind: 'exam',
    id: `e${i}`,
    examCode: `E${i}`,
  }));
  assert.equal(
    describeRequirements({ kind: 'any', id: 'root', count: 11, children }).text,
    'Any 11 of',
  );
});

test('every word goes through the injected message function', () => {
  const keys = new Set<string>();
  const shouting: RequirementMessage = (key, params) => {
    keys.add(key);
    const template = requirementMessagesEn[key];
    return template.toUpperCase().replace(/\{(\w+)\}/g, (_, upper: string) => {
      const name = Object.keys(params ?? {}).find((k) => k.toUpperCase() === upper);
      return name === undefined ? '' : String(params?.[name]);
    });
  };
  const text = describeText(program, { message: shouting, names });
  assert.equal(
    text,
    'PASS Cloud Security Basics (ACS-101) WITH A SCORE OF 700 OR MORE, AND ANY TWO OF: ' +
      'PASS Cloud Security Operations (ACS-201) IN VERSION 2024 OR 2025 WITHIN THE LAST 24 MONTHS, ' +
      'HOLD A CURRENT Cloud Associate (CA) CREDENTIAL, ' +
      'OR COMPLETE Secure Deployment Workshop (SEC-T) WITHIN THE LAST MONTH.',
  );
  assert.ok(keys.has('requirement.count.2'));
  assert.ok(keys.has('requirement.sentence'));
});
