import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../../src/platform/abort.js';
import { sleep } from '../../../src/platform/backoff.js';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('raceAbort', () => {
  it('leaves no listener on a long-lived signal after many races the work won', async () => {
    const lost = new AbortController();
    for (let i = 0; i < 50; i++) {
      expect(await raceAbort(Promise.resolve(i), lost.signal, () => -1)).toBe(i);
    }
    expect(listeners(lost.signal)).toBe(0);
  });

  it('leaves no listener when the work rejects, and passes the rejection on', async () => {
    const lost = new AbortController();
    for (let i = 0; i < 20; i++) {
      await expect(raceAbort(Promise.reject(new Error('boom')), lost.signal, () => 'x')).rejects.toThrow('boom');
    }
    expect(listeners(lost.signal)).toBe(0);
  });

  it('answers with onAbort when the signal aborts first, or has already', async () => {
    const lost = new AbortController();
    const pending = raceAbort(new Promise<string>(() => undefined), lost.signal, () => 'aborted');
    expect(listeners(lost.signal)).toBe(1);
    lost.abort();
    expect(await pending).toBe('aborted');
    expect(await raceAbort(Promise.resolve('work'), lost.signal, () => 'aborted')).toBe('aborted');
  });
});

describe('sleep on a shared signal', () => {
  it('leaves no listener behind after many sleeps that ran out', async () => {
    const lost = new AbortController();
    for (let i = 0; i < 30; i++) await sleep(1, lost.signal);
    expect(listeners(lost.signal)).toBe(0);
  });
});
