import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../support/browser';
import { findChromium } from '../support/chromium';
import { query, startServer, type TestServer } from '../support/server';

// `pnpm install && pnpm test` on a machine without a system browser: the tests fall back to the
// headless Chromium inside the @sparticuz/chromium dev dependency, which needs no OS package.
describe('the Chromium the browser tests drive', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sla-chromium-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the system one when installed, unless CHROMIUM_PATH says otherwise', async () => {
    const system = join(dir, 'chromium');
    await writeFile(system, '#!/bin/sh\n');
    await chmod(system, 0o755);
    expect(await findChromium({}, system)).toMatchObject({ executablePath: system, source: 'system' });
    expect(await findChromium({ CHROMIUM_PATH: system }, '/nonexistent')).toMatchObject({ source: 'CHROMIUM_PATH' });
    expect(await findChromium({ CHROMIUM_PATH: 'bundled' }, system)).toMatchObject({ source: 'bundled' });
  });

  it('refuses a CHROMIUM_PATH that is not an executable, naming it', async () => {
    await expect(findChromium({ CHROMIUM_PATH: join(dir, 'missing') })).rejects.toThrow(
      `CHROMIUM_PATH=${join(dir, 'missing')} is not an executable file`,
    );
  });

  describe('without a system Chromium', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
    }, 120_000);
    afterAll(async () => {
      await server?.close();
    });

    it('drives the bundled one through every page, chart included', async () => {
      const found = await findChromium({}, join(dir, 'no-such-chromium'));
      expect(found.source).toBe('bundled');
      const browser = await launchBrowser(found);
      try {
        const list = await query<{ items: { id: number }[] }>(server.url, 'entities.list', { limit: 1 });
        const { page, context, errors } = await openPage(browser, server.url);
        await page.locator('section.tenant').first().waitFor();
        // A valid language tag whatever the machine's locale (uPlot's Intl.NumberFormat rejects others).
        expect(await page.evaluate(() => navigator.language)).toBe('en-US');
        await page.goto(`${server.url}/entities/${list.items[0]?.id}`);
        await page.locator('.chart-canvas canvas').first().waitFor();
        await page.goto(`${server.url}/system`);
        await page.locator('dl.system').waitFor();
        expect(errors).toEqual([]);
        await context.close();
      } finally {
        await browser.close();
      }
    });
  });
});
