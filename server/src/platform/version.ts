import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The server package's version, read from the nearest `package.json` named `@sla/server`
 * above this file: `server/package.json` both from the sources (`src/platform/`) and from
 * the bundle (`dist/`, the image copies the file beside it). `unknown` when none is found.
 */
export function packageVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let depth = 0; depth < 4; depth++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@sla/server' && pkg.version) return pkg.version;
    } catch {
      // No package.json at this level: look one up.
    }
  }
  return 'unknown';
}
