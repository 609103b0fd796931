import type { z } from 'zod';

/**
 * Zod issues as the API shows them: one `{ path, message }` per problem, every message
 * starting with the field path it is about (`bogus: unknown field`,
 * `burnRate.tiers.0.factor: …`). Shared by every endpoint (trpc/errors.ts) and by checks
 * that parse again with their own schema (alerts/channels/stored.ts).
 */

/** One problem with the input: the dotted path (empty for the input as a whole) and its text. */
export type IssueLine = { path: string; message: string };

/** Whether `message` already begins with `path` as a whole word (`url must…`, `a.b (5) …`, `a.b: …`). */
const startsWithPath = (message: string, path: string) =>
  message.startsWith(path) && !/^[\w-]/.test(message.slice(path.length));

/**
 * The issues one per field: an unknown-keys issue becomes one `unknown field` line per key,
 * with the key in its path (zod's own says `Unrecognized key: "bogus"` at the parent's path).
 */
export function issueLines(issues: readonly z.core.$ZodIssue[]): IssueLine[] {
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: [...i.path, key].map(String).join('.'), message: 'unknown field' }))
      : [{ path: i.path.map(String).join('.'), message: i.message }],
  );
}

/**
 * One line as shown: `path: message`, or the message alone when it already starts with its
 * path (so no field is named twice) or is about the input as a whole.
 */
export const issueText = ({ path, message }: IssueLine): string =>
  !path || startsWithPath(message, path) ? message : `${path}: ${message}`;

/** "currentSla must be between 0 and 100; bogus: unknown field; …": every problem, each naming its field. */
export const describeIssues = (issues: readonly z.core.$ZodIssue[]): string =>
  issueLines(issues).map(issueText).join('; ');
