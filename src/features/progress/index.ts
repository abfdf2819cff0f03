/**
 * Progress and awarding: the public surface other features may use.
 * The plugin itself is added below as the feature is built.
 */
export type * from './progress.types.ts';
