import { burst, seed, type Identity } from '../../bench/load';
import { launchBrowser } from './browser';
import { startServer } from './server';
const server = await startServer({ DEMO: 'off' });
const browser = await launchBrowser();
await seed(server.url, 10000);
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
if (process.argv[3]) await page.addInitScript('globalThis.NOFLASH = true'); await page.goto(server.url + (process.argv[2] ?? '/'));
await page.locator('[data-state="live"]').waitFor();
await page.waitForTimeout(1000);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReturnAsStream' });
const r = await burst(server.url, { perSecond: 500, seconds: 4, population: 10000, hot: [] as Identity[] });
await page.waitForTimeout(1000);
const done = new Promise<string>((res) => cdp.once('Tracing.tracingComplete', (e: any) => res(e.stream)));
await cdp.send('Tracing.end');
const stream = await done;
let data = '';
for (;;) { const c: any = await cdp.send('IO.read', { handle: stream }); data += c.data; if (c.eof) break; }
const events = JSON.parse(data).traceEvents ?? JSON.parse(data);
const agg = new Map<string, { n: number; ms: number; max: number }>();
for (const e of events) { if (e.ph !== 'X' || !e.dur) continue; const a = agg.get(e.name) ?? { n: 0, ms: 0, max: 0 }; a.n++; a.ms += e.dur / 1000; a.max = Math.max(a.max, e.dur / 1000); agg.set(e.name, a); }
console.log(r);
console.log([...agg.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([k, v]) => `${v.ms.toFixed(0)}ms n=${v.n} max=${v.max.toFixed(0)} ${k}`).join('\n'));
await browser.close();
await server.close();
