// Bundles the server's own code (and the workspace's shared schemas) into dist/main.js, so
// production runs on plain Node: no TypeScript loader in memory, faster start-up.
// Third-party packages stay external and load from node_modules as usual.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@sla/'));

await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  outfile: new URL('../dist/main.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: [...external, ...external.map((d) => `${d}/*`)],
  logLevel: 'warning',
});

// The Redis scripts are read at run time from `lua/` beside the module that loads them
// (src/cache/redis/lua-source.ts); in the bundle that module is dist/main.js. Replaced as a
// whole so a deleted script does not linger.
const luaOut = new URL('../dist/lua/', import.meta.url);
rmSync(luaOut, { recursive: true, force: true });
cpSync(new URL('../src/cache/redis/lua/', import.meta.url), luaOut, { recursive: true });
