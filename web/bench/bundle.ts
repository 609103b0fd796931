import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export type BundleFigures = {
  initialGzip: number;
  initialRaw: number;
  files: string[];
  lazyGzip: Record<string, number>;
};

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;

/**
 * What a first visit downloads: the entry script index.html loads plus every chunk it
 * preloads. Lazy chunks (the detail page and its chart) are listed separately.
 */
export async function measureBundle(dist: string): Promise<BundleFigures> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  let initialGzip = 0;
  let initialRaw = 0;
  for (const f of initial) {
    const b = await readFile(join(dist, f));
    initialRaw += b.length;
    initialGzip += gz(b);
  }
  const { readdir } = await import('node:fs/promises');
  const lazyGzip: Record<string, number> = {};
  for (const f of await readdir(join(dist, 'assets'))) {
    if (!f.endsWith('.js') || initial.includes(`assets/${f}`)) continue;
    lazyGzip[f] = gz(await readFile(join(dist, 'assets', f)));
  }
  return { initialGzip, initialRaw, files: initial, lazyGzip };
}
