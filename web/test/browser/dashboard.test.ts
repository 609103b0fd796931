import type { Summary } from '@sla/shared';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, openPage, screenshot, tabTo, text } from '../support/browser';
import { postUpdate, query, startServer, type TestServer } from '../support/server';

const TENANT = 'Data Engineering';
const TEAM = 'PGM';

describe('dashboard against the real server', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the demo data on the overview, worst tenant first, with drill-down links', async () => {
    const summary = await query<Summary>(server.url, 'entities.summary', { worst: 5 });
    expect(summary.tenants.length).toBeGreaterThanOrEqual(3);
    const { page, context, errors } = await openPage(browser, server.url);
    await page.locator('section.tenant').first().waitFor();
    // No REDIS_URL here: a standalone pod is no fault, so no page warns about it.
    expect(await page.getByTestId('degraded-banner').count()).toBe(0);
    const shown = await page
      .locator('section.tenant')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tenant')));
    expect(shown).toEqual(summary.tenants.map((t) => t.tenantName));
    const ratio = (t: Summary['tenants'][number]) => (t.total ? t.compliant / t.total : 1);
    const [worst, best] = [summary.tenants[0], summary.tenants.at(-1)];
    expect(worst && best && ratio(worst) <= ratio(best)).toBe(true);
    const de = page.locator(`section.tenant[data-tenant="${TENANT}"]`);
    await expect.poll(() => de.getByRole('link', { name: TEAM, exact: true }).count()).toBe(1);
    await de.getByRole('link', { name: TEAM, exact: true }).click();
    await page.waitForURL(/\/entities\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('tenant')).toBe(TENANT);
    expect(url.searchParams.get('team')).toBe(TEAM);
    await page.locator('table.entities tbody tr').first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens the view a shared link describes, and keeps every change in the URL', async () => {
    const link = `${server.url}/entities?tenant=${encodeURIComponent(TENANT)}&team=${TEAM}&sort=currentSla&dir=asc&size=25`;
    const { page, context } = await openPage(browser, link);
    const rows = page.locator('table.entities tbody tr');
    await rows.first().waitFor();
    expect(await page.getByLabel('Tenant').inputValue()).toBe(TENANT);
    expect(await page.getByLabel('Team').inputValue()).toBe(TEAM);
    expect(await text(page.locator('th[aria-sort="ascending"]'))).toContain('SLA %');
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('td.tenant')?.textContent, tr.querySelector('td.team')?.textContent]),
    );
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThanOrEqual(25);
    for (const [tenant, team] of cells) expect([tenant, team]).toEqual([TENANT, TEAM]);
    const slas = await page.locator('td.sla').allInnerTexts();
    const values = slas.map((s) => Number.parseFloat(s));
    expect([...values].sort((a, b) => a - b)).toEqual(values);

    await page.getByLabel('Status').selectOption('Failed');
    await page.waitForURL(/status=Failed/);
    await page.getByLabel('Search by name').fill('zz-no-such-entity');
    await page.waitForURL(/q=zz-no-such-entity/);
    await page.getByText('No entities match these filters.').waitFor();
    await page.reload();
    expect(await page.getByLabel('Search by name').inputValue()).toBe('zz-no-such-entity');
    expect(await page.getByLabel('Status').inputValue()).toBe('Failed');
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('q='));
    await context.close();
  });

  it('shows a pushed update in the table, the rollups and recent changes without a reload', async () => {
    const name = `browser_live_${Date.now()}`;
    const tableUrl = `${server.url}/entities?tenant=${encodeURIComponent(TENANT)}&team=${TEAM}&sort=currentSla&dir=asc`;
    const table = await openPage(browser, tableUrl);
    const overview = await openPage(browser, server.url);
    const changes = await openPage(browser, `${server.url}/changes?tenant=${encodeURIComponent(TENANT)}`);
    for (const o of [table, overview, changes]) {
      await o.page.locator('[data-state="live"]').waitFor();
      await o.page.evaluate(() => Object.assign(window, { __noReload: true }));
    }
    await table.page.locator('table.entities tbody tr').first().waitFor();
    const teamRow = overview.page
      .locator(`section.tenant[data-tenant="${TENANT}"] tbody tr`, { hasText: TEAM })
      .first();
    const totalBefore = Number((await text(teamRow.locator('td').first())).replace(/\D/g, ''));

    // An existing row changes in place...
    const firstRow = table.page.locator('table.entities tbody tr').first();
    const existing = await text(firstRow.locator('th a'));
    await postUpdate(server.url, {
      entityName: existing,
      entityType: (await text(firstRow.locator('.type'))).trim(),
      teamName: TEAM,
      tenantName: TENANT,
      currentSla: 1.5,
      status: 'Failed',
    });
    await table.page
      .locator('table.entities tbody tr', { hasText: existing })
      .locator('td.sla', { hasText: '1.5%' })
      .waitFor();

    // ...and a new entity joins the table, the team's rollup and the change list.
    await postUpdate(server.url, {
      entityName: name,
      entityType: 'table',
      teamName: TEAM,
      tenantName: TENANT,
      currentSla: 0.5,
      status: 'Failed',
    });
    await table.page.locator('table.entities tbody tr', { hasText: name }).waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => Number((await text(teamRow.locator('td').first())).replace(/\D/g, '')), {
        timeout: 10_000,
      })
      .toBe(totalBefore + 1);
    await changes.page.locator('table.changes tbody tr', { hasText: name }).waitFor({ timeout: 10_000 });
    expect(await text(changes.page.locator('table.changes tbody tr').first())).toContain(name);

    for (const o of [table, overview, changes]) {
      expect(await o.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
      expect(o.errors).toEqual([]);
      await o.context.close();
    }
  });

  it('is usable by keyboard alone: skip link, navigation, search, sort, drill-down, theme', async () => {
    const { page, context } = await openPage(browser, server.url);
    await page.locator('section.tenant').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await tabTo(page, 'nav[aria-label="Main"] a[href="/entities"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entities$/);
    // Focus moves to the new page's heading, as a page load would announce it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await tabTo(page, 'input[type="search"]');
    await page.keyboard.type('a');
    await page.waitForURL(/q=a/);
    await tabTo(page, 'th button.sort');
    const header = await page.evaluate(() => document.activeElement?.closest('th')?.textContent ?? '');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => text(page.locator('th[aria-sort="ascending"], th[aria-sort="descending"]')))
      .toContain(header.replace(/[▲▼↕]/g, '').trim());
    await tabTo(page, 'table.entities tbody th a');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entities\/\d+/);
    await page.locator('.chart-canvas canvas').first().waitFor();
    await tabTo(page, 'button.theme-toggle');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => localStorage.getItem('sla-dashboard-theme'))).toBe('dark');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await context.close();
  });

  const pages = async () => {
    // An entity from the seed (36 days of history), not one a test above created.
    const list = await query<{ items: { id: number; entityName: string }[] }>(server.url, 'entities.list', {
      tenantName: TENANT,
      limit: 20,
    });
    const seeded = list.items.find((e) => !e.entityName.startsWith('browser_live_'));
    return [
      ['overview', '/', 'section.tenant'],
      ['entities', '/entities', 'table.entities tbody tr'],
      ['detail', `/entities/${seeded?.id}`, '.chart-canvas canvas'],
      ['changes', '/changes', 'table.changes tbody tr'],
      ['system', '/system', 'dl.system'],
    ] as const;
  };

  it('has no serious or critical axe violations on any page, in light and dark', async () => {
    for (const [name, path, ready] of await pages()) {
      const { page, context } = await openPage(browser, server.url + path, { bypassCSP: true });
      await page.locator(ready).first().waitFor({ timeout: 60_000 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const violations = await axeViolations(page);
        expect({ page: name, scheme, violations }).toEqual({ page: name, scheme, violations: [] });
        await screenshot(page, `${name}-${scheme}`);
      }
      await context.close();
    }
  }, 240_000);

  it('fits a 375 px wide screen without horizontal page scroll', async () => {
    for (const [name, path, ready] of await pages()) {
      const { page, context } = await openPage(browser, server.url + path, { width: 375, height: 812 });
      await page.locator(ready).first().waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(375);
      await screenshot(page, `${name}-375`);
      await context.close();
    }
  }, 240_000);
});
