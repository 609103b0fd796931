import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from '../../../server/test/support/pg-schema';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server';
import { axeViolations, launchBrowser, openPage, text } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

// Two pods sharing Redis and PostgreSQL: the System page lists both, and one that stops
// leaves the list without a reload.
describe('the fleet on the System page', () => {
  const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const schema = `t_web_fleet_${Date.now().toString(36)}`;
  let browser: Browser;
  let redis: TestRedisServer;
  let a: TestServer;
  let b: TestServer | null = null;
  beforeAll(async () => {
    browser = await launchBrowser();
    redis = await startRedisServer();
    const env = {
      DATABASE_URL: pgUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `${schema}:`,
      HEARTBEAT_INTERVAL_MS: '300',
      BUILD_VERSION: 'web-test-1',
    };
    a = await startServer({ ...env, POD_ID: 'web-fleet-a' }, { schema });
    b = await startServer({ ...env, POD_ID: 'web-fleet-b' }, { schema });
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.close();
    await browser?.close();
    await dropSchema(pgUrl, schema);
  });

  it('lists every pod with its mode, lag and times; a stopped pod disappears', async () => {
    const { page, context, errors } = await openPage(browser, `${a.url}/system`, { bypassCSP: true });
    const table = page.getByTestId('fleet-table');
    const podIds = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pod')));
    await expect.poll(podIds, { timeout: 15_000 }).toEqual(['web-fleet-a', 'web-fleet-b']);
    const row = table.locator('tr[data-pod="web-fleet-b"]');
    const cells = await row.locator('td').allTextContents();
    // Mode, last change, lag, live subscribers, version, started, last seen.
    expect(cells[0]).toBe('redis');
    expect(cells[2]).toBe('in step');
    expect(cells[4]).toBe('web-test-1');
    expect(await row.locator('time').count()).toBe(2);
    expect(await text(table.locator('tr[data-pod="web-fleet-a"] th'))).toContain('(this page)');
    expect(await table.locator('.row-lagging').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    // On a phone the table scrolls in its own box: the page does not scroll sideways.
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });

    await b?.close();
    b = null;
    // The page refetches the status every 5 s; the stopped pod removed itself from the registry.
    await expect.poll(podIds, { timeout: 15_000 }).toEqual(['web-fleet-a']);
    expect(await text(table.locator('caption'))).toBe('1 pod sent a heartbeat recently');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
