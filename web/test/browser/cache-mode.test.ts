import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from '../../../server/test/support/pg-schema';
import { startRedisServer, type TestRedisServer } from '../../../test/support/redis-server';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { axeViolations, launchBrowser, openPage, text } from '../support/browser';
import { query, startServer, type TestServer } from '../support/server';

const dd = (term: string) => `dl.system div:has(> dt:text-is("${term}")) dd`;

// A pod without REDIS_URL is standalone by choice: the System page says so calmly and no page
// warns. "Degraded" is kept for a pod whose configured Redis is unreachable.
describe('cache mode on the dashboard', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  describe('standalone (REDIS_URL not set)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
    }, 120_000);
    afterAll(async () => {
      await server?.close();
    });

    it('shows a neutral note on the System page and no degraded banner on any page', async () => {
      const { page, context, errors } = await openPage(browser, `${server.url}/system`, { bypassCSP: true });
      const note = page.getByTestId('standalone-note');
      await note.waitFor();
      expect(await text(note)).toContain('Standalone: no shared cache (REDIS_URL not set)');
      expect(await text(page.locator(dd('Cache mode')))).toBe('standalone (memory)');
      expect(await text(page.locator(dd('Redis connection')))).toBe('not configured');
      // Neutral, not a warning: no warning colour on the mode or the connections.
      expect(await page.locator('dl.system .warn').count()).toBe(0);
      expect(await page.getByTestId('degraded-banner').count()).toBe(0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect({ scheme, violations: await axeViolations(page) }).toEqual({ scheme, violations: [] });
      }
      // Every other page, once its status answer has arrived and rendered: still no banner.
      for (const path of ['/', '/entities', '/changes']) {
        const answered = page.waitForResponse((r) => r.url().includes('/trpc/') && r.url().includes('cache.status'));
        await page.goto(server.url + path);
        expect((await answered).ok()).toBe(true);
        await page.locator('main h1').waitFor();
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        expect(await page.getByTestId('degraded-banner').count(), path).toBe(0);
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  });

  describe('degraded (Redis configured but unreachable)', () => {
    let redis: TestRedisServer;
    let server: TestServer;
    beforeAll(async () => {
      redis = await startRedisServer();
      server = await startServer({ REDIS_URL: redis.url });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await redis?.close();
    });

    it('shows the degraded banner while Redis is down, and nothing once it serves again', async () => {
      const { page, context, errors } = await openPage(browser, `${server.url}/system`, { bypassCSP: true });
      await expect.poll(() => text(page.locator(dd('Cache mode'))), { timeout: 15_000 }).toBe('redis');
      expect(await page.getByTestId('standalone-note').count()).toBe(0);
      expect(await page.getByTestId('degraded-banner').count()).toBe(0);

      await redis.stop();
      const banner = page.getByTestId('degraded-banner');
      await banner.waitFor({ timeout: 30_000 });
      expect(await text(banner)).toMatch(/^Degraded: memory mode\. Redis is unavailable \(\w+\)/);
      await expect.poll(() => text(page.locator(dd('Cache mode'))), { timeout: 15_000 }).toBe('memory');
      expect(await page.locator(dd('Cache mode')).locator('.warn').count()).toBe(1);
      expect(await text(page.locator(dd('Redis connection')))).not.toBe('ready');
      expect(await page.getByTestId('standalone-note').count()).toBe(0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect({ scheme, violations: await axeViolations(page) }).toEqual({ scheme, violations: [] });
      }

      await redis.start();
      await banner.waitFor({ state: 'detached', timeout: 60_000 });
      await expect.poll(() => text(page.locator(dd('Cache mode'))), { timeout: 15_000 }).toBe('redis');
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  });

  describe('PostgreSQL unreachable (reads served from the cache)', () => {
    const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
    const schema = `t_web_dbdown_${Date.now().toString(36)}`;
    let proxy: TcpProxy;
    let server: TestServer;
    beforeAll(async () => {
      proxy = await startTcpProxy(Number(new URL(pgUrl).port || 5432));
      const url = new URL(pgUrl);
      url.port = String(proxy.port);
      server = await startServer({ DATABASE_URL: url.toString() }, { schema });
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await proxy?.close();
      await dropSchema(pgUrl, schema);
    });

    it('says history and ingest are paused, shows entity history as unavailable (not an error), and recovers', async () => {
      const { items } = await query<{ items: { id: number }[] }>(server.url, 'entities.list', { limit: 1 });
      const id = items[0]?.id;
      const { page, context, errors } = await openPage(browser, `${server.url}/entities/${id}`, { bypassCSP: true });
      await page.locator('#history-title').waitFor();
      expect(await page.getByTestId('database-banner').count()).toBe(0);

      proxy.pause();
      const banner = page.getByTestId('database-banner');
      await banner.waitFor({ timeout: 30_000 });
      expect(await text(banner)).toMatch(/^Database unavailable\. The current state is served from the cache/);
      await page.reload();
      const notice = page.getByTestId('unavailable-notice');
      await notice.waitFor({ timeout: 30_000 });
      expect(await text(notice)).toContain('is unavailable for now');
      expect(await page.getByRole('alert').count()).toBe(0);
      expect({ violations: await axeViolations(page) }).toEqual({ violations: [] });

      proxy.resume();
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.locator('#history-title').waitFor({ timeout: 15_000 });
      // The browser's own console errors for the 503 answers are expected; nothing else.
      expect(errors.filter((e) => !/503/.test(e))).toEqual([]);
      await context.close();
    }, 120_000);
  });
});
