import { afterAll, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, startPod, uniqueSchema } from '../../support/app.js';
import { budget, READS, scenario, seed } from './helpers.js';

const schema = uniqueSchema('budget_replaced');
let app: App;
afterAll(async () => {
  await app?.close();
  await dropSchema(schema);
});

it('rebuilds the book from the new log when the log is replaced (a restore), and answers the same for the same data', async () => {
  app = await startPod({ schema });
  const { at, updates } = scenario();
  await seed(app.url, updates);
  const { budgets, cache } = app.deps;
  await eventually(() => budgets.book.watermark === updates.length, 10_000, 'caught up');
  const before = await Promise.all(READS(at).map((p) => budget(app.url, p)));
  const oldEpoch = budgets.book.epoch;
  await cache.identity.replaced('test: the log was restored');
  await eventually(() => budgets.loaded && budgets.book.epoch !== oldEpoch, 10_000, 'book rebuilt on the new epoch');
  expect(budgets.book.epoch).toBe(cache.identity.epoch);
  expect(budgets.source).toBe('postgres');
  expect(budgets.book.watermark).toBe(updates.length);
  expect(await Promise.all(READS(at).map((p) => budget(app.url, p)))).toEqual(before);
});
