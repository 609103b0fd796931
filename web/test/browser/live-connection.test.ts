import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy';
import { launchBrowser, openPage, text } from '../support/browser';
import { postUpdate, startServer, type TestServer } from '../support/server';

const TENANT = 'Data Engineering';

describe('live connection', () => {
  let server: TestServer;
  let browser: Browser;
  let proxy: TcpProxy;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    proxy = await startTcpProxy(server.port);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.close();
  });

  it('shows reconnecting while cut off, then live, and delivers the changes made meanwhile', async () => {
    // The browser reaches the server only through the proxy; updates go straight to the server.
    const { page, context, errors } = await openPage(browser, `http://127.0.0.1:${proxy.port}/changes`);
    const indicator = page.locator('.conn');
    await page.locator('[data-state="live"]').waitFor();
    expect(await indicator.getAttribute('role')).toBe('status');
    await page.evaluate(() => Object.assign(window, { __noReload: true }));

    proxy.pause();
    await page.locator('[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    expect(await text(indicator)).toContain('Reconnecting');
    const names = [1, 2, 3].map((i) => `while_offline_${Date.now()}_${i}`);
    for (const [i, entityName] of names.entries()) {
      await postUpdate(server.url, {
        entityName,
        entityType: 'job',
        teamName: 'PGM',
        tenantName: TENANT,
        currentSla: 90 + i,
        status: 'AtRisk',
      });
    }
    proxy.resume();
    await page.locator('[data-state="live"]').waitFor({ timeout: 20_000 });
    for (const name of names)
      await page.locator('table.changes tbody tr', { hasText: name }).waitFor({ timeout: 10_000 });
    // Newest first, each exactly once (replay after reconnect must not duplicate rows).
    const shown = await page.locator('table.changes tbody tr th a').allInnerTexts();
    const order = names.map((n) => shown.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => b - a)).toEqual(order);
    for (const n of names) expect(shown.filter((s) => s === n)).toHaveLength(1);

    // A plain cut (connections dropped, new ones allowed) recovers the same way.
    proxy.cut();
    await page.locator('[data-state="live"]').waitFor({ timeout: 20_000 });
    const after = `after_cut_${Date.now()}`;
    await postUpdate(server.url, {
      entityName: after,
      entityType: 'job',
      teamName: 'PGM',
      tenantName: TENANT,
      currentSla: 99,
      status: 'Passed',
    });
    await page.locator('table.changes tbody tr', { hasText: after }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('sign-in', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ READ_TOKEN: 'browser-test-read-token', SESSION_SECRET: 'browser-test-session-secret' }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks for the read token first, then shows the live dashboard', async () => {
    const { page, context } = await openPage(browser, server.url);
    const token = page.getByLabel('Read token');
    await token.waitFor();
    await token.fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await token.fill('browser-test-read-token');
    await page.keyboard.press('Enter');
    await page.locator('section.tenant').first().waitFor();
    // The WebSocket opens after sign-in, so its handshake carries the session cookie and the
    // (read-protected) change subscription is accepted: a pushed update shows up live.
    await page.locator('[data-state="live"]').waitFor();
    await page.getByRole('link', { name: 'Recent changes' }).click();
    await page.locator('table.changes tbody tr').first().waitFor();
    const name = `signed_in_live_${Date.now()}`;
    await postUpdate(server.url, {
      entityName: name,
      entityType: 'job',
      teamName: 'PGM',
      tenantName: TENANT,
      currentSla: 97,
      status: 'Passed',
    });
    await page.locator('table.changes tbody tr', { hasText: name }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Read token').waitFor();
    await context.close();
  });
});

describe('cache mode', () => {
  // The machine's Redis; a key prefix of our own keeps this test apart and lets it clean up.
  const prefix = `webtest:${process.pid}:${Date.now()}:`;
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    const keys = execFileSync('redis-cli', ['--scan', '--pattern', `${prefix}*`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    if (keys.length > 0) execFileSync('redis-cli', ['del', ...keys]);
  });

  it('shows redis mode on the system page and no degraded banner while Redis serves', async () => {
    const { page, context } = await openPage(browser, `${server.url}/system`);
    const mode = page.locator('dl.system div', { hasText: 'Cache mode' }).locator('dd');
    await expect.poll(() => text(mode), { timeout: 15_000 }).toBe('redis');
    expect(await text(page.locator('dl.system div', { hasText: 'Redis connection' }).locator('dd'))).toBe('ready');
    expect(await page.getByTestId('degraded-banner').count()).toBe(0);
    await context.close();
  });
});

describe('a pod of another change log (a database restored behind the browser)', () => {
  let first: TestServer;
  let second: TestServer;
  let browser: Browser;
  let proxy: TcpProxy;
  beforeAll(async () => {
    // Two databases seeded alike: the same change ids, different logs (epochs).
    [first, second, browser] = await Promise.all([startServer(), startServer(), launchBrowser()]);
    proxy = await startTcpProxy(first.port);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await first?.close();
    await second?.close();
  });

  it('the refused resume cursor makes the dashboard subscribe afresh and reload, without a page reload', async () => {
    const { page, context } = await openPage(browser, `http://127.0.0.1:${proxy.port}/changes`);
    await page.locator('[data-state="live"]').waitFor();
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    const update = (entityName: string) => ({
      entityName,
      entityType: 'job',
      teamName: 'PGM',
      tenantName: TENANT,
      currentSla: 91,
      status: 'Passed' as const,
    });
    // The browser's last event id moves far ahead of anything the second log has.
    const stamp = Date.now();
    const batch = Array.from({ length: 100 }, (_, i) => update(`first_log_${stamp}_${i}`));
    const res = await fetch(`${first.url}/api/cache/incremental-updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ updates: batch }),
    });
    expect(res.status).toBe(200);
    await page.locator('table.changes tbody tr', { hasText: `first_log_${stamp}_99` }).waitFor({ timeout: 10_000 });
    proxy.retarget(second.port);
    proxy.cut();
    await page.locator('[data-state="live"]').waitFor({ timeout: 20_000 });
    // Let the refetch every reconnection makes finish first: what follows must arrive live.
    await new Promise((r) => setTimeout(r, 1_500));
    // Its ids are below the cursor the browser resumed with: only a fresh subscription shows it.
    const name = `second_log_${Date.now()}`;
    await expect
      .poll(
        async () => {
          await postUpdate(second.url, update(`${name}_${Date.now()}`));
          return page.locator('table.changes tbody tr', { hasText: name }).count();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBeGreaterThan(0);
    // The list was reloaded from the second log: the first log's rows are gone.
    await expect.poll(() => page.locator('table.changes tbody tr', { hasText: 'first_log_' }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await context.close();
  }, 120_000);
});
