/** `${NAME}`: an environment variable reference (POSIX names: letters, digits, underscore). */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** A reference to a variable the environment does not set, at `path` in the file. */
export type MissingVariable = { path: (string | number)[]; name: string };

/**
 * Replaces every `${NAME}` in the string values of `value` (a parsed YAML document) with the
 * variable's value from `env`. There is no escape: a string holding `${X}` always refers to X.
 * Returns the resolved copy and the references that could not be resolved, each with its path,
 * so the caller can name the line. An empty variable counts as unset (as config.ts does).
 */
export function resolveEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string')
      return v.replace(REFERENCE, (whole, name: string) => {
        const found = env[name];
        if (found === undefined || found === '') {
          missing.push({ path, name });
          return whole;
        }
        return found;
      });
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child, [...path, k])]));
    return v;
  };
  return { value: walk(value, []), missing };
}

/** The variable names a string refers to, in order (`"${A}-${B}"` → `["A", "B"]`). */
export const referencesIn = (s: string): string[] => Array.from(s.matchAll(REFERENCE), (m) => m[1] as string);
