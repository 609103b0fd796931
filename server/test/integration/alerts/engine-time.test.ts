import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { type Receiver, startReceiver } from '../../support/alert-receiver.js';
import { dropSchema, startPod, uniqueSchema } from '../../support/app.js';
import { bearer, request, TOKENS } from '../policy/fixture.js';
import { ALERT_ENV, changesOf, configureAlerting, ingest, TEAM, TENANT, waitForChange } from './engine-support.js';

let pod: App | undefined;
let receiver: Receiver | undefined;
let schema: string | undefined;
afterEach(async () => {
  await pod?.close();
  await receiver?.close();
  if (schema) await dropSchema(schema);
  pod = receiver = schema = undefined;
});

describe('time-driven alerts', () => {
  it('a stale rule fires when the poller goes silent and resolves when it returns, with no traffic driving it', async () => {
    receiver = await startReceiver();
    schema = uniqueSchema('alert_stale');
    // Default grace (300 s): the pod's own start-up must not count as ingest having been unavailable.
    pod = await startPod({
      schema,
      ...ALERT_ENV,
    });
    // The last observation is 55 s old: the rule's minute of silence runs out 5 s from now, with no request.
    const observedAt = Date.now() - 55_000;
    await ingest(pod.url, 'orders_daily', 'Passed', new Date(observedAt));
    await configureAlerting(pod.url, receiver.url, [
      { name: 'silent poller', kind: 'stale', stale: { forMinutes: 1 } },
    ]);
    const fired = await waitForChange(receiver, (c) => c.state === 'firing', 20_000);
    expect(fired.receivedAt).toBeGreaterThanOrEqual(observedAt + 60_000);
    expect(fired).toMatchObject({ kind: 'stale', ruleName: 'silent poller', entity: { name: 'orders_daily' } });
    expect(fired.summary).toMatch(/no observation for/);
    await ingest(pod.url, 'orders_daily', 'Passed');
    const resolved = await waitForChange(receiver, (c) => c.state === 'resolved', 10_000);
    expect(resolved).toMatchObject({ fingerprint: fired.fingerprint, sequence: fired.sequence + 1 });
  }, 60_000);

  it('a maintenance window suppresses a firing alert, which is announced when the window ends', async () => {
    receiver = await startReceiver();
    schema = uniqueSchema('alert_window');
    pod = await startPod({
      schema,
      ...ALERT_ENV,
    });
    const poller = bearer(TOKENS.ingest);
    await ingest(pod.url, 'orders_daily', 'Passed', new Date(), poller);
    await configureAlerting(pod.url, receiver.url, [
      { name: 'failed now', kind: 'status', status: { to: 'Failed', forMinutes: 0 } },
    ]);
    const end = new Date(Math.ceil((Date.now() + 6_000) / 1000) * 1000);
    const created = await request(
      pod.url,
      'POST',
      '/api/windows',
      {
        tenantName: TENANT,
        teamName: TEAM,
        category: 'maintenance',
        reason: 'warehouse upgrade',
        start: new Date(Date.now() - 60_000).toISOString(),
        end: end.toISOString(),
      },
      bearer(TOKENS.root),
    );
    expect(created.status, created.text).toBe(200);
    await ingest(pod.url, 'orders_daily', 'Failed', new Date(), poller);
    const announced = await waitForChange(receiver, (c) => c.state === 'firing', 20_000);
    // Nothing reached the receiver during the window; the firing arrived once it ended.
    expect(announced.receivedAt).toBeGreaterThanOrEqual(end.getTime());
    expect(announced.summary).toMatch(/announced now/);
    expect(changesOf(receiver)).toHaveLength(1);
  }, 60_000);
});
