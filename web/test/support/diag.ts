import { launchBrowser, openPage } from './browser';
import { query, startServer } from './server';
const server = await startServer();
const browser = await launchBrowser();
const list = await query<{ items: { id: number }[] }>(server.url, 'entities.list', { limit: 1 });
for (const [name, path, ready] of [['o', '/', 'section.tenant'], ['e', '/entities', 'tbody tr'], ['d', `/entities/${list.items[0]?.id}`, 'canvas']] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    const { page, context } = await openPage(browser, server.url + path, { width: 375, height: 812, colorScheme: scheme });
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `/tmp/diag/${name}-${scheme}-375.png` });
    await context.close();
  }
}
const { page, context } = await openPage(browser, `${server.url}/entities/${list.items[0]?.id}`);
await page.locator('canvas').waitFor();
await page.waitForTimeout(300);
await page.screenshot({ path: `/tmp/diag/d-1280.png` });
await context.close();
await browser.close();
await server.close();
