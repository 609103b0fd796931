import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodingConstants, luaFieldConstant } from '../../../src/cache/redis/lua-source.js';
import { decodeEntity, encodeEntity } from '../../../src/cache/store/codec.js';
import {
  checkLayout,
  ENCODED_ENTITY_SQL,
  ENTITY_FIELDS,
  type EntityField,
  FIELD_INDEX,
} from '../../../src/cache/store/encoding.js';
import type { EntityState } from '../../../src/domain/entity.js';
import { entity } from '../../integration/cache/store.contract.js';

const SRC = new URL('../../../src/', import.meta.url);

/** An entity whose every field holds a value no other field holds, so a misplaced field shows. */
const distinct = (): EntityState =>
  entity(2, {
    version: 1,
    tenantName: 'tenant',
    teamName: 'team',
    entityType: 'type',
    entityName: 'name',
    slaTarget: 3.5,
    currentSla: 4.5,
    status: 'AtRisk',
    statusSince: 5,
    observedAt: 6,
    updatedAt: 7,
  });

/** The top-level arguments of `json_build_array(...)::text`. */
function sqlColumns(sql: string): string[] {
  const inner = /^json_build_array\(([\s\S]*)\)::text$/.exec(sql)?.[1] ?? '';
  const columns: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      columns.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  columns.push(inner.slice(start).trim());
  return columns;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every file under a folder of src, as [relative path, text]. */
function sources(dir: string): [string, string][] {
  return readdirSync(new URL(dir, SRC), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|lua)$/.test(f))
    .map((f) => [f, readFileSync(new URL(`${dir}${f}`, SRC), 'utf8')]);
}

describe('one source for the entity encoding', () => {
  it('gives every field one position, and the codec, the snapshot SQL and the Lua constants the same one', () => {
    const e = distinct();
    const expected = ENTITY_FIELDS.map((f) => e[f.name]);
    expect(new Set(expected).size).toBe(ENTITY_FIELDS.length);
    expect(Object.keys(FIELD_INDEX).sort()).toEqual(Object.keys(e).sort());

    // Codec: encodes in list order, and decodes an array built from the list (not from encodeEntity).
    expect(JSON.parse(encodeEntity(e))).toEqual(expected);
    expect(decodeEntity(JSON.stringify(expected))).toEqual(e);

    // SQL: the column for each position reads that field's column.
    const columns = sqlColumns(ENCODED_ENTITY_SQL);
    expect(columns).toHaveLength(ENTITY_FIELDS.length);
    ENTITY_FIELDS.forEach((f, i) => {
      expect(columns[i], f.name).toBe(f.sql);
      expect(columns[i], f.name).toMatch(new RegExp(`\\b${snake(f.name)}\\b`));
    });

    // Lua: F_<FIELD> holds the field's 1-based position.
    const lua = encodingConstants();
    const constants = [...lua.matchAll(/^local (F_\w+) = (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(constants).toEqual(ENTITY_FIELDS.map((f) => [luaFieldConstant(f.name), FIELD_INDEX[f.name] + 1]));
    expect(luaFieldConstant('tenantName')).toBe('F_TENANT_NAME');
    expect(lua).toContain('local TEAM_SEPARATOR = string.char(31)');
  });

  it('no script reads a field by a literal position', () => {
    for (const [file, text] of sources('cache/redis/lua/')) {
      const literal = [...text.matchAll(/\b(\w+)\[\d+\]/g)]
        .map((m) => m[1])
        .filter((n) => n !== 'KEYS' && n !== 'ARGV');
      expect(literal, file).toEqual([]);
      if (/cjson\.decode/.test(text)) expect(text, file).toMatch(/\[F_[A-Z_]+\]/);
    }
  });

  it('is written out nowhere else in the server', () => {
    const all = sources('');
    const holders = (pattern: RegExp) => all.filter(([, text]) => pattern.test(text)).map(([f]) => f);
    // budget/pg-timelines.ts builds timelines (segments), not entity states: its arrays are its own.
    expect(holders(/json_build_array/).filter((f) => f !== 'budget/pg-timelines.ts')).toEqual([
      'cache/store/encoding.ts',
    ]);
    // The scripts read only the packed encoding (store/packed.ts), whose version match is in one script.
    expect(holders(/string\.match\(\w+, '\^%\[/)).toEqual([]);
    expect(holders(/string\.match\(\w+, '\^\[0-9a-z\]\+'\)/)).toEqual([
      'cache/store/packed.ts',
      'cache/redis/lua/bucketWrite.lua',
    ]);
    expect(holders(/\[\s*e\.version,\s*e\.id\b/)).toEqual([]);
  });

  it('rejects a field list that breaks what the scripts and the scan assume', () => {
    const fields: readonly EntityField[] = ENTITY_FIELDS;
    const move = (from: number, to: number) => {
      const copy = [...fields];
      const [f] = copy.splice(from, 1);
      if (f) copy.splice(to, 0, f);
      return copy;
    };
    expect(() => checkLayout(fields)).not.toThrow();
    expect(() => checkLayout(move(0, 3))).toThrow(/start with version/);
    expect(() => checkLayout([...fields, fields[4] as EntityField])).toThrow(/entityType twice/);
    const tenant = FIELD_INDEX.tenantName;
    expect(() => checkLayout(move(tenant + 1, fields.length - 1))).toThrow(/teamName right after tenantName/);
    expect(() => checkLayout(move(FIELD_INDEX.entityName, 1))).toThrow(/only numbers before tenantName/);
  });
});
