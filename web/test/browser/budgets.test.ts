import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, openPage, screenshot, text } from '../support/browser';
import { query, startServer, type TestServer } from '../support/server';

const TENANT = 'Data Engineering';
const TEAM = 'PGM';
const ADMIN = 'budget-admin-secret';
const INGEST = 'budget-ingest-secret';

/** Pushes a result with the ingest token (this server requires one). */
async function push(url: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${url}/api/cache/incremental-update`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
    body: JSON.stringify({ teamName: TEAM, tenantName: TENANT, entityType: 'table', ...body }),
  });
  if (!res.ok) throw new Error(`update refused: ${res.status} ${await res.text()}`);
}

/** Counts the page's requests to one tRPC query path from now on. */
function countRequests(page: Page, path: string): () => number {
  let n = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === `/trpc/${path}`) n++;
  });
  return () => n;
}

async function signInAsAdmin(page: Page): Promise<void> {
  await page.getByLabel('Admin token').fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await page.getByTestId('admin-note').waitFor();
}

describe('budgets, reports and maintenance windows against the real server', () => {
  let server: TestServer;
  let browser: Browser;
  let entityId = 0;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ INGEST_TOKENS: `ingest:poller=${INGEST},admin:ops=${ADMIN}` }),
      launchBrowser(),
    ]);
    const list = await query<{ items: { id: number }[] }>(server.url, 'entities.list', {
      tenantName: TENANT,
      teamName: TEAM,
      limit: 1,
    });
    entityId = list.items[0]?.id ?? 0;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows each tenant a 30-day compliance trend and a budget bar per team, with when it runs out', async () => {
    const { page, context, errors } = await openPage(browser, server.url);
    const card = page.locator(`section.tenant[data-tenant="${TENANT}"]`);
    await card.getByTestId('compliance-trend').locator('svg path').waitFor({ timeout: 30_000 });
    const teams = card.locator('.team-budgets li');
    expect(await teams.count()).toBeGreaterThanOrEqual(4);
    const meter = card.locator(`.team-budgets li[data-team="${TEAM}"] [role="meter"]`);
    expect(await meter.getAttribute('aria-valuetext')).toMatch(
      /of the budget left \((Healthy|Low|Exhausted|No data)\)/,
    );
    expect(await text(card.locator('.team-budgets'))).toMatch(/exhausts in|not burning|exhausted/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('gives the entity table a budget column and a 7-day sparkline per row', async () => {
    const { page, context } = await openPage(browser, `${server.url}/entities?tenant=${encodeURIComponent(TENANT)}`);
    const row = page.locator('table.entities tbody tr').first();
    await row.locator('[role="meter"]').waitFor({ timeout: 30_000 });
    await row.locator('svg.sparkline').waitFor();
    expect(await row.locator('svg.sparkline').getAttribute('aria-label')).toMatch(/last 7 days/);
    await context.close();
  });

  it('shows the entity budget: burn-rate tiles with the tier thresholds, the burn-down and a 90-day calendar', async () => {
    const { page, context, errors } = await openPage(browser, `${server.url}/entities/${entityId}`);
    await page.locator('.burn-tile').first().waitFor({ timeout: 30_000 });
    expect(
      await page.locator('.burn-tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-window'))),
    ).toEqual(['5', '30', '60', '360', '4320']);
    expect(await text(page.locator('.burn-tile[data-window="60"]'))).toContain('alerts at 14.4×');
    expect(await text(page.locator('.burn-tile[data-window="4320"]'))).toContain('alerts at 1×');
    await page.locator('.budget-panel .chart-canvas canvas').waitFor();
    const days = page.locator('.heatmap rect[role="img"]');
    expect(await days.count()).toBe(90);
    expect(await days.first().getAttribute('aria-label')).toMatch(/^\d{4}-\d{2}-\d{2}: (no data|[\d.]+% compliant)$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the report of the current month as provisional, with a CSV that downloads', async () => {
    const { page, context, errors } = await openPage(browser, `${server.url}/reports`);
    await page.locator('table.report tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('report-state').getAttribute('data-state')).toBe('provisional');
    const period = page.getByLabel('Period');
    const current = await period.inputValue();
    expect(await text(period.locator(`option[value="${current}"]`))).toContain('(provisional)');
    const values = await period.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(values.some((v) => /Q\d$/.test(v))).toBe(true);
    // Nothing later than the current month is offered.
    expect(values.filter((v) => !v.includes('Q')).every((v) => v <= current)).toBe(true);

    await page.getByLabel('Team').selectOption(TEAM);
    await page.waitForURL(/team=PGM/);
    await expect
      .poll(async () =>
        (await page.locator('table.report tbody tr .type').allInnerTexts()).every((t) => t.startsWith(TEAM)),
      )
      .toBe(true);
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    expect(href).toContain('teamName=PGM');
    const csv = await fetch(new URL(href ?? '', server.url));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists windows read-only for readers; an admin creates one, sees the server name a bad field, edits and deletes', async () => {
    const { page, context, errors } = await openPage(browser, `${server.url}/windows`);
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.getByRole('button', { name: 'New window' }).count()).toBe(0);
    await signInAsAdmin(page);
    await page.getByRole('button', { name: 'New window' }).click();
    await page.getByLabel('Reason').fill('browser test window');
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Create window' }).click();
    const tzError = page.locator('.field', { has: page.getByLabel('Time zone') }).locator('[data-field-error]');
    await tzError.waitFor();
    expect(await text(tzError)).toMatch(/timeZone/i);
    expect(await page.getByLabel('Time zone').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Time zone').fill('UTC');
    await page.getByRole('button', { name: 'Create window' }).click();
    const row = page.locator('table.windows tbody tr', { hasText: 'browser test window' });
    await row.waitFor();
    await row.getByRole('button', { name: /Edit/ }).click();
    await page.getByLabel('Reason').fill('browser test window, edited');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const edited = page.locator('table.windows tbody tr', { hasText: 'browser test window, edited' });
    await edited.waitFor();
    page.once('dialog', (d) => void d.accept());
    await edited.getByRole('button', { name: /Delete/ }).click();
    await edited.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks an entity in maintenance and shades the window on its charts', async () => {
    const now = Date.now();
    const { page, context } = await openPage(browser, `${server.url}/windows`);
    await signInAsAdmin(page);
    const res = await page.evaluate(
      async ([id, tenantName, start, end]) => {
        const r = await fetch('/trpc/windows.create', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            tenantName,
            entityId: Number(id),
            category: 'maintenance',
            reason: 'badge test',
            start,
            end,
            timeZone: 'UTC',
          }),
        });
        return r.status;
      },
      [String(entityId), TENANT, new Date(now - 3_600_000).toISOString(), new Date(now + 3_600_000).toISOString()],
    );
    expect(res).toBe(200);
    await page.goto(`${server.url}/entities/${entityId}`);
    await page.getByTestId('in-maintenance').waitFor({ timeout: 30_000 });
    await expect.poll(() => text(page.locator('figure.chart figcaption').first())).toContain('maintenance windows');
    await context.close();
  });

  it('refetches budgets and the report when a change arrives, without a reload', async () => {
    const overview = await openPage(browser, server.url);
    const reports = await openPage(browser, `${server.url}/reports?tenant=${encodeURIComponent(TENANT)}&team=${TEAM}`);
    await overview.page.getByTestId('compliance-trend').first().waitFor({ timeout: 30_000 });
    await reports.page.locator('table.report tbody tr').first().waitFor({ timeout: 30_000 });
    for (const o of [overview, reports]) {
      await o.page.locator('[data-state="live"]').waitFor();
      await o.page.evaluate(() => Object.assign(window, { __noReload: true }));
    }
    const budgetReads = countRequests(overview.page, 'budgets.overview');
    const name = `budget_live_${Date.now()}`;
    await push(server.url, { entityName: name, currentSla: 10, status: 'Failed' });
    await reports.page.locator('table.report tbody tr', { hasText: name }).waitFor({ timeout: 15_000 });
    await expect.poll(budgetReads, { timeout: 10_000 }).toBeGreaterThan(0);
    for (const o of [overview, reports]) {
      expect(await o.page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
      expect(o.errors).toEqual([]);
      await o.context.close();
    }
  });

  const pages = () =>
    [
      ['budget-overview', '/', '[data-testid="compliance-trend"] svg'],
      ['budget-detail', `/entities/${entityId}`, '.heatmap rect'],
      ['reports', `/reports?tenant=${encodeURIComponent(TENANT)}`, 'table.report tbody tr'],
      ['windows', '/windows', '[data-testid="read-only-note"]'],
    ] as const;

  it('has no serious or critical axe violations on the budget pages, in light and dark', async () => {
    for (const [name, path, ready] of pages()) {
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
    // The admin's form, with a server message showing.
    const { page, context } = await openPage(browser, `${server.url}/windows`, { bypassCSP: true });
    await signInAsAdmin(page);
    await page.getByRole('button', { name: 'New window' }).click();
    await page.getByLabel('Time zone').fill('Nowhere/Nothing');
    await page.getByRole('button', { name: 'Create window' }).click();
    await page.locator('[data-field-error]').first().waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect({ scheme, violations: await axeViolations(page) }).toEqual({ scheme, violations: [] });
      await screenshot(page, `windows-admin-${scheme}`);
    }
    await context.close();
  }, 240_000);

  it('fits a 375 px wide screen without horizontal page scroll', async () => {
    for (const [name, path, ready] of pages()) {
      const { page, context } = await openPage(browser, server.url + path, { width: 375, height: 812 });
      await page.locator(ready).first().waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(375);
      await screenshot(page, `${name}-375`);
      await context.close();
    }
  }, 240_000);
});
