import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, openPage, screenshot, text } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

const TENANT = 'Data Engineering';
const TEAM = 'PGM';
const ADMIN = 'alerts-admin-secret';
const INGEST = 'alerts-ingest-secret';
const ENTITY = `alert_browser_${Date.now()}`;

/** A webhook receiver on loopback that keeps every JSON body it is sent. */
async function startReceiver(): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(204).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

/** Calls the REST API as the admin (or the ingest token for results); throws on a refusal. */
async function api<T>(url: string, path: string, body: unknown, token = ADMIN): Promise<T> {
  const res = await fetch(`${url}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} refused: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const push = (url: string, status: 'Passed' | 'Failed') =>
  api<{ entity: { id: number } }>(
    url,
    '/cache/incremental-update',
    {
      entityName: ENTITY,
      entityType: 'table',
      teamName: TEAM,
      tenantName: TENANT,
      currentSla: status === 'Passed' ? 99.9 : 10,
      status,
    },
    INGEST,
  );

async function signInAsAdmin(page: Page): Promise<void> {
  await page.getByLabel('Admin token').fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in as admin' }).click();
  await page.getByTestId('admin-note').waitFor();
}

describe('the Alerts page against the real server and a real webhook receiver', () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let entityId = 0;
  beforeAll(async () => {
    receiver = await startReceiver();
    [server, browser] = await Promise.all([
      startServer({
        INGEST_TOKENS: `ingest:poller=${INGEST},admin:ops=${ADMIN}`,
        // The receiver is on loopback, which channels may not target unless allowed.
        ALERT_ALLOWED_TARGETS: '127.0.0.1',
        ALERT_GROUP_INTERVAL_MS: '0',
      }),
      launchBrowser(),
    ]);
    // The entity exists (passing) before the rule names it, so only this test's result fires it.
    entityId = (await push(server.url, 'Passed')).entity.id;
    await api(server.url, '/alerts/channels', {
      name: 'receiver',
      tenantName: TENANT,
      kind: 'webhook',
      url: receiver.url,
    });
    await api(server.url, '/alerts/rules', {
      name: 'Browser test: Failed',
      tenantName: TENANT,
      kind: 'status',
      scope: { entityId },
      status: { to: 'Failed', forMinutes: 0 },
      channels: ['receiver'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    receiver?.server.closeAllConnections();
    receiver?.server.close();
  });

  it('shows a firing alert without a reload when a Failed result is ingested, and the receiver gets it', async () => {
    const { page, context, errors } = await openPage(browser, `${server.url}/alerts`);
    await page.getByTestId('firing-alerts').waitFor();
    await page.locator('[data-state="live"]').waitFor();
    await page.evaluate(() => Object.assign(window, { __noReload: true }));
    const row = page.locator('table.alerts tbody tr', { hasText: ENTITY });
    expect(await row.count()).toBe(0);

    await push(server.url, 'Failed');
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-state')).toBe('firing');
    expect(await text(row)).toContain('Browser test: Failed');
    expect(await text(row)).toContain('Page');
    expect(await row.locator('.alert-timeline').getAttribute('aria-label')).toMatch(/^Last 24 hours: Firing for/);
    expect(await row.locator('.tl-firing').count()).toBe(1);
    // Readers see it read-only.
    expect(await row.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await expect
      .poll(
        () =>
          receiver.bodies.some((b) =>
            (b as { changes?: { state: string; entity: { name: string } | null }[] }).changes?.some(
              (c) => c.state === 'firing' && c.entity?.name === ENTITY,
            ),
          ),
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('lets an admin acknowledge the alert (showing who) and silence its scope', async () => {
    const { page, context, errors } = await openPage(browser, `${server.url}/alerts`);
    await signInAsAdmin(page);
    const row = page.locator('table.alerts tbody tr', { hasText: ENTITY });
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    await expect.poll(() => text(row.getByTestId('acknowledged-by'))).toContain('ops');
    expect(await row.getByRole('button', { name: /^Acknowledge/ }).count()).toBe(0);

    await row.getByRole('button', { name: /^Silence/ }).click();
    expect(await page.getByLabel('Entity id (optional)').inputValue()).toBe(String(entityId));
    expect(await page.getByLabel('Rule (optional)').inputValue()).toBe('Browser test: Failed');
    await page.getByRole('button', { name: 'Create silence' }).click();
    // The server names the empty reason; the message shows under its field.
    const reasonError = page.locator('.field', { has: page.getByLabel('Reason') }).locator('[data-field-error]');
    await reasonError.waitFor();
    expect(await text(reasonError)).toMatch(/reason/);
    await page.getByLabel('Reason').fill('browser test maintenance');
    await page.getByRole('button', { name: 'Create silence' }).click();
    const silence = page.locator('table.silences tbody tr', { hasText: 'browser test maintenance' });
    await silence.waitFor();
    expect(await text(silence)).toContain(`entity #${entityId}`);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('sends a test through a channel and puts a bad tier field message next to that field', async () => {
    const { page, context, errors } = await openPage(browser, `${server.url}/alerts`);
    await signInAsAdmin(page);
    const channel = page.locator('table.channels tbody tr[data-channel="receiver"]');
    await channel.waitFor();
    expect(await text(channel)).toContain(receiver.url);
    const before = receiver.bodies.length;
    await channel.getByRole('button', { name: 'Send test to receiver' }).click();
    await expect.poll(() => text(channel.getByTestId('test-result'))).toMatch(/^Delivered: HTTP 204/);
    expect(receiver.bodies.length).toBe(before + 1);

    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('browser burn');
    await page.getByLabel('Kind').last().selectOption('burn_rate');
    const tier = page.locator('fieldset.tier').first();
    await tier.getByLabel('Long window (min)').fill('3');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const longError = tier.locator('.field').filter({ hasText: 'Long window (min)' }).locator('[data-field-error]');
    await longError.waitFor();
    expect(await text(longError)).toMatch(/longWindowMinutes/);
    expect(await tier.getByLabel('Long window (min)').getAttribute('aria-invalid')).toBe('true');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('has no serious or critical axe violations in light and dark, as reader and as admin', async () => {
    const { page, context } = await openPage(browser, `${server.url}/alerts`, { bypassCSP: true });
    // The rules table is there from the start (the firing alert too once the first test has run).
    await page.locator('table.rules tbody tr').first().waitFor({ timeout: 20_000 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect({ scheme, violations: await axeViolations(page) }).toEqual({ scheme, violations: [] });
      await screenshot(page, `alerts-${scheme}`);
    }
    await signInAsAdmin(page);
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.locator('[data-field-error]').first().waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect({ scheme, violations: await axeViolations(page) }).toEqual({ scheme, violations: [] });
      await screenshot(page, `alerts-admin-${scheme}`);
    }
    await page.goto(`${server.url}/entities/${entityId}`);
    await page.getByTestId('entity-alerts').locator('table.alerts, p.muted').first().waitFor({ timeout: 20_000 });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 120_000);

  it('fits a 375 px wide screen without horizontal page scroll', async () => {
    const { page, context } = await openPage(browser, `${server.url}/alerts`, { width: 375, height: 812 });
    await page.locator('table.rules tbody tr').first().waitFor({ timeout: 20_000 });
    await signInAsAdmin(page);
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByLabel('Kind').last().selectOption('burn_rate');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(page, 'alerts-375');
    await context.close();
  }, 60_000);
});
