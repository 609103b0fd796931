import { describe, expect, it } from 'vitest';
import {
  BUCKET_SIZE,
  bucketOf,
  dictionaryOf,
  internedOf,
  packEntity,
  unpackEntity,
} from '../../../src/cache/store/packed.js';
import type { EntityState } from '../../../src/domain/entity.js';
import { entity } from '../../integration/cache/store.contract.js';

/** A dictionary holding every interned string of `entities`, ids in order of appearance. */
const dictFor = (...entities: EntityState[]) =>
  dictionaryOf([...new Set(entities.flatMap(internedOf))].map((s, i) => [s, i] as const));

const roundTrip = (e: EntityState) => {
  const dict = dictFor(e);
  return unpackEntity(e.id, packEntity(e, dict), dict);
};

describe('packed entity encoding', () => {
  it('round-trips an entity and stays within the 64-byte listpack value limit', () => {
    const e = entity(999_999, { entityName: 'entity_999999', currentSla: 97.25, version: 1_000_000 });
    const text = packEntity(e, dictFor(e));
    expect(roundTrip(e)).toEqual(e);
    expect(text.startsWith(`${(1_000_000).toString(36)},`)).toBe(true);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64);
  });

  it('keeps long, unicode and comma-holding names exactly (the name is the last field)', () => {
    for (const entityName of ['x'.repeat(500), 'Données "✓" 🚀, ok', ',,,', '', 'a\\b\u00ff']) {
      expect(roundTrip(entity(1, { entityName }))).toEqual(entity(1, { entityName }));
    }
    const tenant = entity(2, { tenantName: 'Ténant, "quoted"', teamName: 'チーム', entityType: 'x'.repeat(300) });
    expect(roundTrip(tenant)).toEqual(tenant);
  });

  it('round-trips extreme numbers: max safe version, far times, negative gaps, odd floats', () => {
    const e = entity(2 ** 31 - 1, {
      version: Number.MAX_SAFE_INTEGER,
      currentSla: 0.1 + 0.2,
      slaTarget: -0,
      statusSince: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      observedAt: Date.UTC(1, 0, 1),
      updatedAt: 0,
    });
    const back = roundTrip(e);
    expect(back).toEqual({ ...e, slaTarget: 0 });
    expect(roundTrip(entity(0, { version: 0, status: 'NoData', currentSla: 1e-7 }))).toEqual(
      entity(0, { version: 0, status: 'NoData', currentSla: 1e-7 }),
    );
  });

  it('refuses what it cannot pack or unpack, naming the problem', () => {
    const e = entity(1);
    expect(() => packEntity({ ...e, version: 1.5 }, dictFor(e))).toThrow(/version/);
    expect(() => packEntity({ ...e, version: -1 }, dictFor(e))).toThrow(/version/);
    expect(() => packEntity({ ...e, observedAt: 0.5 }, dictFor(e))).toThrow(/times/);
    expect(() => packEntity(e, dictionaryOf([]))).toThrow(/no dictionary id/);
    const text = packEntity(e, dictFor(e));
    expect(() => unpackEntity(1, text, dictionaryOf([]))).toThrow(/not a packed entity/);
    expect(() => unpackEntity(1, '1,2,3', dictFor(e))).toThrow(/not a packed entity/);
    expect(() => unpackEntity(1, text.replace(/^(([^,]*,){6})0,/, '$19,'), dictFor(e))).toThrow(/not a packed entity/);
  });

  it('puts BUCKET_SIZE consecutive ids in one bucket', () => {
    expect(BUCKET_SIZE).toBe(128);
    expect([0, 127, 128, 255, 256].map(bucketOf)).toEqual([0, 0, 1, 1, 2]);
  });
});
