/**
 * The requirement model the catalog stores and checks, re-exported from the
 * progress feature's pure modules (no I/O, no imports back into catalog).
 *
 * Why not through `progress/index.ts`: that plugin codes against
 * `app.catalog` (awarding needs the definitions), so importing its index
 * from here would make a module cycle between the two plugins. These two
 * files are pure functions and types, the same for every caller, so the
 * catalog reaches them directly, and only from this one file.
 */
/* eslint-disable no-restricted-imports -- pure modules, see above */
export {
  REQUIREMENT_KINDS,
  REQUIREMENT_LIMITS,
  credentialCodesIn,
  isGroup,
  parseRequirementTree,
  validateRequirementTree,
  type KnownCodes,
  type RequirementKind,
  type RequirementNode,
  type RequirementProblem,
  type RequirementProblemCode,
} from '../progress/requirements.ts';
export {
  describeRequirements,
  describeText,
  type NameLookup,
  type RequirementDescription,
} from '../progress/describe.ts';
/* eslint-enable no-restricted-imports */
