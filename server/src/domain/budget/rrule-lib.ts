import * as rruleModule from 'rrule';

/**
 * rrule's `RRule` class, whichever way the package loads. rrule 2.8 has no `exports` map and
 * its `main` is a UMD bundle, so Node's ESM loader (production, tsx) sees only a default export
 * (`module.exports`) while a bundler reading `module` sees the named ones.
 */
type RRuleModule = typeof rruleModule;
const loaded = rruleModule as RRuleModule & { default?: RRuleModule };
export const RRule: RRuleModule['RRule'] = loaded.RRule ?? (loaded.default as RRuleModule).RRule;
export type RRule = rruleModule.RRule;
export type RRuleOptions = rruleModule.Options;
