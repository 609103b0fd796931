import { defineConfig } from 'vitest/config';

// Vitest 5 reports failures with Map.groupBy, which Node 20 lacks (it arrived in Node 21).
// The config runs in the main process, so defining it here keeps failure reports readable.
if (typeof Map.groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const out = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
  });
}

// One runner for the whole workspace, two projects. `unit`: pure logic, no services, runs in
// seconds (`pnpm test:unit`). `integration`: real PostgreSQL, Redis, HTTP, WebSocket and a
// browser; these start servers, Redis instances and browsers of their own, so files run two at
// a time (the machine has two cores) with generous timeouts, and each test isolates itself
// with its own Redis prefix and schema.
const SOAK = 'server/test/soak/**/*.test.ts';
const TOPOLOGY = 'server/test/topology/**/*.test.ts';
const UNIT = ['shared/**/*.test.ts', 'server/test/unit/**/*.test.ts', 'web/test/unit/**/*.test.{ts,tsx}'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['server/test/**/*.test.ts', 'web/test/**/*.test.{ts,tsx}'],
          exclude: [...UNIT, SOAK, TOPOLOGY, '**/node_modules/**'],
        },
      },
      // Each file starts a Redis Cluster or Sentinel set of its own (six to nine redis-server
      // processes whose failovers are timed): one file at a time, after the integration tests.
      { extends: true, test: { name: 'topology', include: [TOPOLOGY], maxWorkers: 1, testTimeout: 180_000 } },
      // The chaos soak runs alone (`pnpm test` starts it after the others): it owns the machine's CPU.
      { extends: true, test: { name: 'soak', include: [SOAK], maxWorkers: 1 } },
    ],
  },
});
