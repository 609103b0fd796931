import { readFileSync } from 'node:fs';
import { ENTITY_FIELDS } from '../store/encoding.js';
import { TEAM_SEPARATOR } from '../store/team-field.js';

/**
 * The folder of the .lua files, resolved from this module: from the sources (tsx, vitest)
 * that is src/cache/redis/lua/; in the production bundle every module is dist/main.js, so
 * it is dist/lua/, where scripts/build.mjs copies the folder. Reading files this way works
 * the same under tsx, vitest and the bundle, where a static `.lua` import would need a
 * loader hook in each of the three.
 */
const LUA_DIR = new URL('./lua/', import.meta.url);

/**
 * A script ready for ioredis' defineCommand. `numberOfKeys` counts the keys the header
 * numbers (`KEYS[1]`..`KEYS[n]`); `variadicKeys` is true when the header then states
 * `KEYS[...]`: any number of further keys, declared by the caller (includes/prelude.lua).
 */
export type LuaScript = { name: string; numberOfKeys: number; variadicKeys: boolean; lua: string };

/**
 * The Lua constants of the entity encoding, generated from ENTITY_FIELDS: `local F_VERSION = 1`
 * and so on (Lua arrays count from 1), plus TEAM_SEPARATOR. A script pulls them in with
 * `--- @include "encoding"`. Generated `local` lines rather than placeholders substituted into
 * the text, so every .lua file stays plain Lua that an editor or linter reads as it is, and the
 * names a script uses are visible where it includes them.
 */
export function encodingConstants(): string {
  const lines = ENTITY_FIELDS.map((f, i) => `local ${luaFieldConstant(f.name)} = ${i + 1}`);
  const codes = [...TEAM_SEPARATOR].map((c) => c.codePointAt(0)).join(', ');
  return [...lines, `local TEAM_SEPARATOR = string.char(${codes})`].join('\n');
}

/** `tenantName` → `F_TENANT_NAME`. */
export const luaFieldConstant = (name: string): string => `F_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

const HEADER = /^--\[\[\n([\s\S]*?)\n\]\]\n/;
const INCLUDE = /^--- @include "([\w-]+)"$/gm;

/**
 * The contract header of a .lua file: the leading `--[[ ... ]]` block. Scripts state
 * `Input:` (`KEYS[1]`..`KEYS[n]`, one a line, then the ARGV) and `Output:`; BullMQ's
 * `src/commands/*.lua` is the model. Returns null when the file does not start with a block.
 */
export function luaHeader(text: string): string | null {
  return HEADER.exec(text)?.[1] ?? null;
}

/** The KEYS a header numbers, in order (1..n). */
export function declaredKeys(header: string): number[] {
  return [...header.matchAll(/^\s*KEYS\[(\d+)\]/gm)].map((m) => Number(m[1]));
}

/** Whether a header states `KEYS[...]`: further keys, as many as the caller declares. */
export const hasVariadicKeys = (header: string): boolean => /^\s*KEYS\[\.\.\.\]/m.test(header);

/** Raw text of `lua/<path>.lua`. Throws the fs error (naming the path) when it is missing. */
export function readLua(path: string): string {
  return readFileSync(new URL(`${path}.lua`, LUA_DIR), 'utf8');
}

const loaded = new Map<string, LuaScript>();

/**
 * Loads `lua/<name>.lua` once per process: checks its header, takes the number of keys from
 * it, and replaces each `--- @include "x"` line with `lua/includes/x.lua` (or, for
 * "encoding", with encodingConstants()). Includes do not nest. Throws an Error naming the
 * file when the header is missing, lacks Input/Output, or its KEYS are not 1..n.
 */
export function loadScript(name: string): LuaScript {
  const cached = loaded.get(name);
  if (cached) return cached;
  const text = readLua(name);
  const header = luaHeader(text);
  if (header === null || !/^\s*Input:/m.test(header) || !/^\s*Output:/m.test(header)) {
    throw new Error(`lua/${name}.lua: must start with a --[[ ]] header stating Input (KEYS, ARGV) and Output`);
  }
  const keys = declaredKeys(header);
  if (keys.length === 0 || keys.some((k, i) => k !== i + 1)) {
    throw new Error(`lua/${name}.lua: the header must declare KEYS[1]..KEYS[n] in order, got [${keys.join(', ')}]`);
  }
  const lua = text.replace(INCLUDE, (_, include: string) =>
    include === 'encoding' ? encodingConstants() : readLua(`includes/${include}`),
  );
  const script = { name, numberOfKeys: keys.length, variadicKeys: hasVariadicKeys(header), lua };
  loaded.set(name, script);
  return script;
}
