import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { declaredKeys, loadScript, luaHeader, readLua } from '../../../src/cache/redis/lua-source.js';

const LUA = new URL('../../../src/cache/redis/lua/', import.meta.url);
const names = (dir: string) =>
  readdirSync(new URL(dir, LUA))
    .filter((f) => f.endsWith('.lua'))
    .map((f) => f.slice(0, -'.lua'.length));
const SCRIPTS = names('.');
const INCLUDES = names('includes/');

/** Literal indexes of `KEYS[n]` or `ARGV[n]` in a text. */
const indexes = (text: string, table: 'KEYS' | 'ARGV') =>
  [...text.matchAll(new RegExp(`\\b${table}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1]));

describe('Lua scripts as files with a contract header', () => {
  it('finds the scripts the store and the lock load', () => {
    expect(SCRIPTS).toEqual(
      expect.arrayContaining([
        'prepare',
        'bucketWrite',
        'finish',
        'begin',
        'switch',
        'lockAcquire',
        'lockRenew',
        'lockRelease',
      ]),
    );
    expect(INCLUDES).toEqual(expect.arrayContaining(['prelude', 'interning']));
  });

  it.each(SCRIPTS)('%s.lua states KEYS, ARGV and its output, and uses only what it states', (name) => {
    const header = luaHeader(readLua(name));
    expect(header, 'a leading --[[ ]] block').not.toBeNull();
    expect(header).toMatch(/^\s*Input:/m);
    expect(header).toMatch(/^\s*Output:\n\s+\S/m);
    const keys = declaredKeys(header ?? '');
    expect(keys.length).toBeGreaterThan(0);

    const script = loadScript(name);
    expect(script.numberOfKeys).toBe(keys.length);
    expect(script.lua).not.toMatch(/@include/);
    const body = script.lua.replace(/--\[\[[\s\S]*?\]\]/g, '');
    expect(Math.max(...indexes(body, 'KEYS'))).toBeLessThanOrEqual(keys.length);
    // Every ARGV position read by number is stated: one a line, or a run `ARGV[n...]`.
    const stated = new Set(indexes(header ?? '', 'ARGV'));
    const from = /^\s*ARGV\[(\d+)\.\.\.\]/m.exec(header ?? '')?.[1];
    for (const i of indexes(body, 'ARGV')) {
      expect(stated.has(i) || (from !== undefined && i >= Number(from)), `ARGV[${i}] stated`).toBe(true);
    }
  });

  it.each(INCLUDES)('includes/%s.lua states what it defines and is used by a script', (name) => {
    const header = luaHeader(readLua(`includes/${name}`));
    expect(header).toMatch(/^\s*Defines:\n\s+\S/m);
    const users = SCRIPTS.filter((s) => readLua(s).includes(`--- @include "${name}"`));
    expect(users.length).toBeGreaterThan(0);
  });

  it('reads the header only from the start of a file, and its KEYS in order', () => {
    expect(luaHeader('local x = 1\n--[[\n  Input:\n]]\n')).toBeNull();
    expect(luaHeader('--[[\n  Input:\n    KEYS[1] a\n]]\nreturn 1\n')).toBe('  Input:\n    KEYS[1] a');
    expect(declaredKeys('  Input:\n    KEYS[1] lock\n    KEYS[2] fence\n\n    ARGV[1] token')).toEqual([1, 2]);
    expect(declaredKeys('  Reads KEYS[1] in prose only')).toEqual([]);
  });
});
