import { defineConfig } from 'vitest/config';

// One runner for the whole workspace. Integration tests start servers, Redis instances and
// browsers of their own, so files run two at a time (the machine has two cores) with
// generous timeouts; each test isolates itself with its own Redis prefix and schema.
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'server/test/**/*.test.ts', 'web/test/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default'],
  },
});
