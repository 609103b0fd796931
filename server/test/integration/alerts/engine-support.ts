import type { AlertMessage } from '../../../src/alerts/types.js';
import type { Receiver } from '../../support/alert-receiver.js';
import { post } from '../../support/app.js';
import { bearer, INGEST_TOKENS, request, TOKENS } from '../policy/fixture.js';

export const TENANT = 'Data Engineering';
export const TEAM = 'PGM';

/** The poller's credentials (ingest token of `INGEST_TOKENS`). */
export const POLLER = bearer(TOKENS.ingest);

/**
 * Creates, through the pod's API as an admin of every tenant, one webhook channel `hook` of
 * `TENANT` to `receiverUrl` and the given rules (tenant `TENANT`, channels `hook` unless given).
 * The tenant must exist (ingest one of its results first). Throws unless each write answers 200.
 */
export async function configureAlerting(
  podUrl: string,
  receiverUrl: string,
  rules: Record<string, unknown>[],
): Promise<void> {
  const root = bearer(TOKENS.root);
  const writes: [string, unknown][] = [
    ['/api/alerts/channels', { name: 'hook', tenantName: TENANT, kind: 'webhook', url: receiverUrl }],
    ...rules.map((r): [string, unknown] => ['/api/alerts/rules', { tenantName: TENANT, channels: ['hook'], ...r }]),
  ];
  for (const [path, body] of writes) {
    const res = await request(podUrl, 'POST', path, body, root);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.text}`);
  }
}

/**
 * Pod settings for alert tests: admin and ingest tokens, loopback receivers allowed, no grouping
 * wait, short evaluation interval, a 3 s lease (a killed holder is replaced within 3 s) and a
 * 1 s configuration re-read (a rule created through another pod is evaluated within a second).
 */
export const ALERT_ENV = {
  INGEST_TOKENS,
  ALERT_ALLOWED_TARGETS: '127.0.0.1',
  ALERT_GROUP_INTERVAL_MS: '0',
  ALERT_EVALUATION_INTERVAL_SECONDS: '1',
  ALERT_LEASE_TTL_SECONDS: '3',
  ALERT_CONFIG_REFRESH_SECONDS: '1',
};

/** Ingests one result of entity `name` (team PGM, type table); throws unless 2xx. Returns when the 2xx arrived (ms). */
export async function ingest(
  url: string,
  name: string,
  status: 'Passed' | 'Failed',
  at = new Date(),
  headers: Record<string, string> = POLLER,
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
