#!/usr/bin/env node
/**
 * Fails when folders directly under a directory import each other in a loop.
 *
 *   node scripts/check-folder-cycles.mjs server/src        (what `pnpm check` runs)
 *   node scripts/check-folder-cycles.mjs server/src/cache  (the cache's own sub-folders)
 *
 * Every `.ts`/`.tsx`/`.mts` file below the directory belongs to the folder directly under it
 * that holds it (files of the directory itself form one node, `(root files)`); an edge
 * A -> B is any relative import from a file of A to a file of B: `import`, `import type`,
 * `export … from` and `import()` all count, because a type import ties two folders as
 * firmly as a value import does. Any strongly connected component of more than one folder
 * is reported with one example import per edge, and the exit code is 1.
 *
 * Why a script: madge and dependency-cruiser find cycles between modules, and
 * dependency-cruiser's folder scope between the leaf folders that hold them, so a loop
 * such as readmodel/ -> cache/store/ and cache/ -> readmodel/ (top-level folders importing
 * each other through a sub-folder) passes both. TypeScript's own import scanner
 * (`ts.preProcessFile`, already a dev dependency) does the parsing here.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT_NODE = '(root files)';
const SOURCE = /\.(ts|tsx|mts)$/;

const base = path.resolve(process.argv[2] ?? 'server/src');
if (!fs.statSync(base, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`check-folder-cycles: ${base} is not a directory`);
  process.exit(2);
}

/** The node a path below `base` belongs to, or null when it lies outside `base`. */
function nodeOf(file) {
  const rel = path.relative(base, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const [first, ...rest] = rel.split(path.sep);
  return rest.length > 0 || fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ? first : ROOT_NODE;
}

/** `../x.js` as written in TypeScript source, to the path it names (the extension does not move it between folders). */
function target(fromFile, specifier) {
  return path.resolve(path.dirname(fromFile), specifier.replace(/\.(m?js|jsx)$/, ''));
}

/** edges: from -> to -> first example `file:line -> specifier`. */
const edges = new Map();
for (const rel of fs.readdirSync(base, { recursive: true })) {
  const file = path.join(base, rel);
  if (!SOURCE.test(file) || rel.split(path.sep).includes('node_modules')) continue;
  const from = nodeOf(file);
  const text = fs.readFileSync(file, 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  for (const { fileName, pos } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const to = nodeOf(target(file, fileName));
    if (to === null || to === from) continue;
    const out = edges.get(from) ?? new Map();
    edges.set(from, out);
    if (!out.has(to)) {
      const line = text.slice(0, pos).split('\n').length;
      out.set(to, `${path.relative(process.cwd(), file)}:${line} -> '${fileName}'`);
    }
  }
}

/** Tarjan's strongly connected components over the folder graph. */
function components(graph) {
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((m) => [...m.keys()])]);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return found;
}

const loops = components(edges);
const where = path.relative(process.cwd(), base) || '.';
if (loops.length === 0) {
  console.log(`check-folder-cycles: no folders under ${where} import each other in a loop`);
  process.exit(0);
}
for (const scc of loops) {
  console.error(`check-folder-cycles: these folders under ${where} import each other in a loop: ${scc.join(', ')}`);
  for (const from of scc) {
    for (const [to, example] of edges.get(from) ?? []) {
      if (scc.includes(to)) console.error(`  ${from} -> ${to}   e.g. ${example}`);
    }
  }
}
console.error('See "Dependency direction" in docs/architecture.md.');
process.exit(1);
