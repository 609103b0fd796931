import { launchBrowser, openPage } from './browser';
import { startServer } from './server';
const t0 = Date.now();
const log = (m: string) => console.log(`${Date.now() - t0}ms ${m}`);
const server = await startServer();
log('server ' + server.url);
const browser = await launchBrowser();
log('browser');
for (const path of ['/', '/entities', '/', '/system']) {
  const { page, context } = await openPage(browser, server.url + path, { bypassCSP: true });
  log('open ' + path);
  const nav = await page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]));
  const res = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => `${r.name.slice(-40)} ${Math.round(r.startTime)} ${Math.round(r.duration)}`));
  console.log(nav.slice(0, 900));
  console.log(res);
  await context.close();
}
await browser.close();
await server.close();
log('done');
