import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { canonicalJson, reportHash, sha256Hex } from '../../../src/reports/canonical.js';
import { partOf, sealed } from '../../../src/reports/service.js';
import { DATASET, NOW, PERIOD, STALE_AFTER_MS, TENANT, WINDOWS } from './dataset.js';
import { memorySources } from './sources.js';

const build = async (now = NOW, teamName?: string) =>
  buildReport(
    memorySources(structuredClone(DATASET), { windows: WINDOWS, staleAfterMs: STALE_AFTER_MS }),
    { tenantName: TENANT, teamName, period: PERIOD },
    now,
  );

/** Reverses the key order of every object, recursively. */
const reversedKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(reversedKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .reverse()
            .map(([k, x]) => [k, reversedKeys(x)]),
        )
      : v;

describe('report content hash', () => {
  it('is the same for the same data, whenever and in whatever key order it is computed', async () => {
    const a = await build();
    const b = await build(NOW + 86_400_000); // a day later: generatedAt differs, the closed period does not
    expect(a.generatedAt).not.toBe(b.generatedAt);
    expect(reportHash(a)).toBe(reportHash(b));
    expect(canonicalJson(reversedKeys(a))).toBe(canonicalJson(a));
    expect(sha256Hex(reversedKeys({ x: 1, y: [{ b: 2, a: 1 }] }))).toBe(sha256Hex({ y: [{ a: 1, b: 2 }], x: 1 }));
    // Pinned: a change here means every stored snapshot would look corrected.
    expect(sealed(a, 1).contentHash).toBe(reportHash(a));
    expect(reportHash(a)).toBe('d8604636afb94041a74a5231e7016bf1f06c93d2b02f0936da3df15c6e372898');
  });

  it('changes with the figures', async () => {
    const a = await build();
    const b = await build(Date.parse('2026-11-20T00:00:00Z'));
    expect(reportHash(a)).not.toBe(reportHash(b));
  });

  it("of a team's part of the tenant snapshot equals that of the team's own report", async () => {
    const tenant = sealed(await build(), 1);
    const part = partOf(tenant, { teamName: 'Core' });
    const own = await build(NOW, 'Core');
    expect(part.rows).toEqual(own.rows);
    expect(part.summary).toEqual(own.summary);
    expect(part.contentHash).toBe(reportHash(own));
    expect(part.revision).toBe(1);
  });
});
