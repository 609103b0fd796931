/** The pure core of error budgets (definitions: docs/budgets.md). No I/O. */
export * from './breaches.js';
export * from './figures.js';
export * from './intervals.js';
export * from './periods.js';
export * from './rrule-text.js';
export * from './sums.js';
export * from './timeline.js';
export type * from './types.js';
export * from './windows.js';
