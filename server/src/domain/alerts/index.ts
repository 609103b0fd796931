/**
 * The pure core of alerting (docs/alerting.md): evaluation, the alert state machine, suppression,
 * grouping. No I/O.
 * Imports of domain/budget are spelled `../../domain/budget/…`: the folder rule forbids `../budget/`
 * (server/src/budget, above domain/) by path text, and would otherwise mistake domain/budget for it.
 */
export * from './advance.js';
export * from './burn-rate.js';
export * from './evaluate.js';
export * from './fingerprint.js';
export * from './format.js';
export * from './group.js';
export * from './since.js';
export * from './suppression.js';
export type * from './types.js';
