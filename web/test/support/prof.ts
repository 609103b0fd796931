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
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const r = await burst(server.url, { perSecond: 500, seconds: 5, population: 10000, hot: [] as Identity[] });
await page.waitForTimeout(1000);
const { profile } = (await cdp.send('Profiler.stop')) as any;
type N = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const nodes: N[] = profile.nodes;
const byId = new Map(nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<string, number>(); const total = new Map<string, number>();
const key = (n: N) => `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}`;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  let id: number | undefined = profile.samples[i];
  const n0 = byId.get(id!)!;
  self.set(key(n0), (self.get(key(n0)) ?? 0) + dt);
  const seen = new Set<string>();
  while (id !== undefined) { const n = byId.get(id)!; const k = key(n); if (!seen.has(k)) { seen.add(k); total.set(k, (total.get(k) ?? 0) + dt); } id = parent.get(id); }
}
console.log(r);
const fmt = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n');
console.log('--- total\n' + fmt(total));
console.log('--- self\n' + fmt(self));
await browser.close();
await server.close();
