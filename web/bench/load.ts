import { KNOWN_ENTITY_TYPES } from '@sla/shared';

const TENANTS = ['Data Engineering', 'Marketing Analytics', 'Finance', 'Operations', 'Product'];
const TEAMS_PER_TENANT = 20;
const BATCH = 1000;

export type Identity = { tenantName: string; teamName: string; entityType: string; entityName: string };

/** The i-th synthetic entity: spread over 5 tenants × 20 teams and every known type. */
export function identity(i: number): Identity {
  const tenantName = TENANTS[i % TENANTS.length] as string;
  return {
    tenantName,
    teamName: `Team ${Math.floor(i / TENANTS.length) % TEAMS_PER_TENANT}`,
    entityType: KNOWN_ENTITY_TYPES[i % KNOWN_ENTITY_TYPES.length] as string,
    entityName: `bench_entity_${i}`,
  };
}

function result(id: Identity, rnd: number) {
  const currentSla = Math.round((85 + rnd * 15) * 10) / 10;
  const status = currentSla >= 97 ? 'Passed' : currentSla >= 93 ? 'AtRisk' : 'Failed';
  return { ...id, currentSla, status, slaTarget: 95 };
}

async function post(url: string, updates: unknown[]): Promise<void> {
  const res = await fetch(`${url}/api/cache/incremental-updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ updates }),
  });
  if (!res.ok) throw new Error(`batch rejected: ${res.status} ${await res.text()}`);
}

/** Creates `count` entities through the public batch endpoint, as pollers would. */
export async function seed(url: string, count: number, onProgress?: (done: number) => void): Promise<void> {
  for (let start = 0; start < count; start += BATCH) {
    const updates = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) updates.push(result(identity(i), Math.random()));
    await post(url, updates);
    onProgress?.(Math.min(count, start + BATCH));
  }
}

/**
 * Sends `perSecond` updates a second for `seconds`, in ten batches a second, without
 * waiting for one batch to be answered before the next is due (up to 8 in flight), so
 * server latency does not lower the rate. A share goes to `hot` entities (those on
 * screen) so row highlights are part of the load.
 */
export async function burst(
  url: string,
  opts: { perSecond: number; seconds: number; population: number; hot: Identity[] },
) {
  const perTick = Math.round(opts.perSecond / 10);
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  for (let tick = 0; tick < opts.seconds * 10; tick++) {
    const updates = Array.from({ length: perTick }, (_, j) => {
      const hot = opts.hot.length > 0 && j % 10 === 0;
      const id = hot
        ? (opts.hot[Math.floor(Math.random() * opts.hot.length)] as Identity)
        : identity(Math.floor(Math.random() * opts.population));
      return result(id, Math.random());
    });
    if (inFlight.size >= 8) await Promise.race(inFlight);
    const p: Promise<void> = post(url, updates).finally(() => inFlight.delete(p));
    inFlight.add(p);
    sent += updates.length;
    const wait = started + (tick + 1) * 100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  return { sent, seconds: (Date.now() - started) / 1000 };
}
