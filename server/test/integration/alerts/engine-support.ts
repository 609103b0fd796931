import type { AlertMessage } from '../../../src/alerts/types.js';
import type { Receiver } from '../../support/alert-receiver.js';
import { post } from '../../support/app.js';

export const TENANT = 'Data Engineering';
export const TEAM = 'PGM';

/** An ALERT_CONFIG_JSON with one webhook channel `hook` to `url` and the given rules (channels default to `hook`). */
export function alertConfig(url: string, rules: Record<string, unknown>[]): string {
  return JSON.stringify({
    channels: [{ name: 'hook', tenantName: TENANT, kind: 'webhook', url }],
    rules: rules.map((r) => ({ tenantName: TENANT, channels: ['hook'], ...r })),
  });
}

/** Pod settings for alert tests: loopback receivers allowed, no grouping wait, short evaluation interval. */
export const ALERT_ENV = {
  ALERT_ALLOWED_TARGETS: '127.0.0.1',
  ALERT_GROUP_INTERVAL_MS: '0',
  ALERT_EVALUATION_INTERVAL_SECONDS: '1',
};

/** Ingests one result of entity `name` (team PGM, type table); throws unless 2xx. Returns when the 2xx arrived (ms). */
export async function ingest(
  url: string,
  name: string,
  status: 'Passed' | 'Failed',
  at = new Date(),
  headers: Record<string, string> = {},
): Promise<number> {
  const res = await post(
    url,
    '/api/cache/incremental-updates',
    {
      updates: [
        {
          tenantName: TENANT,
          teamName: TEAM,
          entityType: 'table',
          entityName: name,
          currentSla: status === 'Passed' ? 99.9 : 80,
          status,
          observedAt: at.toISOString(),
        },
      ],
    },
    headers,
  );
  if (res.status >= 300) throw new Error(`ingest answered ${res.status}: ${res.text}`);
  return Date.now();
}

/** Every change the receiver got, as `state` per entity name, in arrival order. */
export const changesOf = (r: Receiver) =>
  r.received.flatMap(({ message, at }: { message: AlertMessage; at: number }) =>
    message.changes.map((c) => ({ ...c, deliveryId: message.deliveryId, receivedAt: at })),
  );

/** Waits until the receiver got a change matching `pred`; returns it. */
export async function waitForChange(
  r: Receiver,
  pred: (c: ReturnType<typeof changesOf>[number]) => boolean,
  timeoutMs = 20_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = changesOf(r).find(pred);
    if (hit) return hit;
    if (Date.now() > until)
      throw new Error(`no matching change in ${timeoutMs} ms; got ${JSON.stringify(changesOf(r))}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
