import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryFor } from '../../../../web/src/lib/subscription-error.js';
import type { App } from '../../../src/bootstrap.js';
import { dropSchema, eventually, getJson, post, startPod, uniqueSchema } from '../../support/app.js';
import { range, subscribeChanges, trackedEpoch, updateFor } from '../ingest/helpers.js';

/** Subscribes with `lastEventId` and returns the error that ended the subscription (after no data). */
async function refused(url: string, lastEventId: string): Promise<{ code: unknown; message: string; err: unknown }> {
  const s = await subscribeChanges(url, { lastEventId });
  try {
    await eventually(() => s.errors.length > 0, 5_000, 'the subscription to be refused');
    expect(s.ids).toEqual([]);
    const err = s.errors[0] as { message: string; data?: { code?: unknown } };
    return { code: err.data?.code, message: err.message, err };
  } finally {
    await s.close();
  }
}

describe('change cursors (lastEventId) carry the log epoch', () => {
  const schema = uniqueSchema('cursor');
  let a: App;
  let b: App;
  let epoch: string;
  const HEAD = 20;
  beforeAll(async () => {
    a = await startPod({ schema, POD_ID: 'cursor-a' });
    b = await startPod({ schema, POD_ID: 'cursor-b' });
    for (let i = 0; i < HEAD; i++)
      expect((await post(a.url, '/api/cache/incremental-update', updateFor(i))).status).toBe(200);
    epoch = String((await getJson(a.url, '/api/cache/status')).json.logEpoch);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(schema);
  });

  it('status names the epoch, both pods agree, and tracked ids are <epoch>:<id>', async () => {
    expect(epoch).toMatch(/^[0-9a-f]{12}$/);
    expect((await getJson(b.url, '/api/cache/status')).json.logEpoch).toBe(epoch);
    const s = await subscribeChanges(a.url, { lastEventId: `${epoch}:${HEAD - 3}` });
    try {
      await s.waitForCount(3);
      expect(s.ids).toEqual(range(HEAD - 2, HEAD));
      expect(trackedEpoch(s)).toBe(epoch);
    } finally {
      await s.close();
    }
  });

  it('a plain change id still resumes, within the current epoch', async () => {
    const s = await subscribeChanges(a.url, { lastEventId: String(HEAD - 2) });
    try {
      await s.waitForCount(2);
      expect(s.ids).toEqual(range(HEAD - 1, HEAD));
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('a cursor ahead of the head (head + 1000) is refused with BAD_REQUEST naming the head, and the dashboard reloads from the head', async () => {
    const r = await refused(a.url, `${epoch}:${HEAD + 1_000}`);
    expect(r.code).toBe('BAD_REQUEST');
    expect(r.message).toContain(`ahead of this log's head (change ${HEAD})`);
    expect(recoveryFor(r.err)).toBe('reload-from-head');
    const plain = await refused(a.url, String(HEAD + 1_000));
    expect(plain.code).toBe('BAD_REQUEST');
  });

  it('a cursor of another epoch is refused, naming both epochs', async () => {
    const r = await refused(a.url, `0123456789ab:${HEAD - 5}`);
    expect(r.code).toBe('BAD_REQUEST');
    expect(r.message).toContain('from another change log (epoch 0123456789ab');
    expect(r.message).toContain(`this log is epoch ${epoch}`);
  });

  it('a cursor that is not one (not a number, negative, a fraction, too large) is refused', async () => {
    for (const bad of ['abc', '-1', '1.5', `${epoch}:`, `${epoch}:x`, '99999999999999999999', 'a:b:3']) {
      const r = await refused(a.url, bad);
      expect(r.code, bad).toBe('BAD_REQUEST');
      expect(r.message, bad).toContain('is not a change cursor');
    }
  });

  it('a cursor a little ahead of this pod but within the log (another pod just wrote it) is accepted', async () => {
    // b learns of a's writes by polling the log once a second: resume on b at once from a's newest id.
    const r = await post(a.url, '/api/cache/incremental-update', updateFor(1));
    const id = Number(
      (r.json as { changeId?: number }).changeId ?? (await getJson(a.url, '/api/cache/status')).json.lastChangeId,
    );
    expect(b.deps.cache.follower.applied).toBeLessThan(id);
    const s = await subscribeChanges(b.url, { lastEventId: `${epoch}:${id - 1}` });
    try {
      await s.waitForCount(1);
      expect(s.ids).toEqual([id]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
