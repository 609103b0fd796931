import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/bootstrap.js';
import { type Receiver, startReceiver } from '../../support/alert-receiver.js';
import { dropSchema, startPod, uniqueSchema } from '../../support/app.js';
import { ALERT_ENV, changesOf, configureAlerting, ingest, waitForChange } from './engine-support.js';

describe('alert engine end to end (status rule → webhook)', () => {
  const schema = uniqueSchema('alert_engine');
  let pod: App | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await pod?.close();
    await receiver?.close();
    await dropSchema(schema);
  });

  it('a Failed result fires, a Passed one resolves, each reported once, soon after the 2xx', async () => {
    receiver = await startReceiver();
    pod = await startPod({
      schema,
      ...ALERT_ENV,
      // Long interval: only the change itself can trigger the prompt evaluation measured here.
      ALERT_EVALUATION_INTERVAL_SECONDS: '60',
    });
    // The rule goes in through the API (the tables are the engine's one source): its tenant first.
    await ingest(pod.url, 'orders_daily', 'Passed');
    await configureAlerting(pod.url, receiver.url, [
      { name: 'failed now', kind: 'status', status: { to: 'Failed', forMinutes: 0 } },
    ]);
    const okAt = await ingest(pod.url, 'orders_daily', 'Failed');
    const fired = await waitForChange(receiver, (c) => c.state === 'firing');
    const resolvedOkAt = await ingest(pod.url, 'orders_daily', 'Passed');
    const resolved = await waitForChange(receiver, (c) => c.state === 'resolved');
    console.log(
      `2xx → webhook receipt: firing ${fired.receivedAt - okAt} ms, resolved ${resolved.receivedAt - resolvedOkAt} ms (grouping interval 0)`,
    );
    expect(fired).toMatchObject({
      ruleName: 'failed now',
      kind: 'status',
      tenantName: 'Data Engineering',
      teamName: 'PGM',
      entity: { name: 'orders_daily', type: 'table' },
    });
    expect(resolved.fingerprint).toBe(fired.fingerprint);
    expect(resolved.sequence).toBe(fired.sequence + 1);
    // The budget: p99 ≤ 2 s from the breaching update's 2xx (grouping excluded; it is 0 here).
    expect(fired.receivedAt - okAt).toBeLessThan(2_000);
    // Decided by incremental cycles over the changed entity (the full one runs once a minute here).
    const metrics = await (await fetch(`${pod.url}/metrics`)).text();
    expect(metrics).toMatch(/^sla_alert_evaluation_seconds_count\{cycle="incremental"\} [1-9]/m);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(changesOf(receiver).map((c) => `${c.state}#${c.sequence}`)).toEqual([
      `firing#${fired.sequence}`,
      `resolved#${resolved.sequence}`,
    ]);
  }, 60_000);
});
