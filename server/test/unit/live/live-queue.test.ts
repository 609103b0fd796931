import { describe, expect, it } from 'vitest';
import type { LogChange } from '../../../src/domain/change.js';
import { changeEvent } from '../../../src/live/event.js';
import { LiveQueue } from '../../../src/live/live-queue.js';
import type { SharedEvent } from '../../../src/trpc/shared-event.js';
import { change } from '../fixtures.js';

/** The change id of an event (its tracked id is `<epoch>:<id>`). */
const idOf = (e: SharedEvent) => Number(e.id.split(':')[1]);
const changes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => change(from + i));
const queueOf = (last: number, wanted = (_: LogChange) => true) =>
  new LiveQueue(last, wanted, (c) => changeEvent('abcdef012345', c));

describe('live changes handed over to direct sending', () => {
  it('sends the hand-off first, then what queued, then later deliveries: each once, in order', async () => {
    const q = queueOf(2);
    q.onChanges(changes(1, 5));
    const handoff = q.handoff();
    expect(handoff && idOf(handoff.event)).toBe(3);
    const sent: number[] = [];
    // The encoder attaches, sends the hand-off's own event; a delivery may come before the microtask.
    handoff?.attach((e) => sent.push(idOf(e)) > 0);
    sent.unshift(3);
    q.onChanges(changes(5, 7));
    await Promise.resolve();
    q.onChanges(changes(8, 8));
    expect(sent).toEqual([3, 4, 5, 6, 7, 8]);
    expect(q.queue).toEqual([]);
  });

  it('skips unwanted changes, stops for good at a refused send or a stop, and yields again after a reset', () => {
    const q = queueOf(0, (c) => c.id % 2 === 0);
    q.onChanges(changes(1, 2));
    const sent: number[] = [];
    q.handoff()?.attach((e) => sent.push(idOf(e)) < 3);
    q.onChanges(changes(3, 10));
    expect(sent).toEqual([4, 6, 8]);
    expect(q.mode).toBe('closed');

    const stopped = queueOf(0);
    stopped.onChanges(changes(1, 1));
    const after: number[] = [];
    stopped.handoff()?.attach((e) => after.push(idOf(e)) > 0);
    stopped.stop();
    stopped.onChanges(changes(2, 3));
    expect(after).toEqual([]);

    const r = queueOf(0);
    r.onChanges(changes(1, 1));
    r.handoff()?.attach(() => true);
    r.onChanges([]);
    expect(r.mode).toBe('yield');
    r.onChanges(changes(2, 3));
    expect([...r.unsent(r.queue)].map((e) => idOf(e))).toEqual([2, 3]);
  });

  it('a hand-off nobody takes leaves the subscriber closed, and an overflow keeps it on the yield path', () => {
    const q = queueOf(0);
    q.onChanges(changes(1, 2));
    q.handoff();
    q.handedOff();
    expect(q.mode).toBe('closed');

    const o = queueOf(0);
    o.onChanges(changes(1, 1));
    const handoff = o.handoff();
    o.onChanges(changes(2, 10_002));
    handoff?.attach(() => true);
    expect(o.mode).toBe('yield');
    expect(o.overflow).toBe(true);
  });

  it('does not send a push that skips ids: it goes back to yielding and asks for the log (overflow)', () => {
    const q = queueOf(0);
    q.onChanges(changes(1, 1));
    const sent: number[] = [];
    q.handoff()?.attach((e) => sent.push(idOf(e)) > 0);
    q.onChanges(changes(2, 3));
    expect(sent).toEqual([2, 3]);
    // 4 and 5 never came through the feed (the pod caught up past them): 6 must not follow 3.
    q.onChanges(changes(6, 6));
    expect(sent).toEqual([2, 3]);
    expect(q.mode).toBe('yield');
    expect(q.overflow).toBe(true);
    expect(q.queue.map((c) => c.id)).toEqual([6]);
    // A hole inside one push is one too.
    const inside = queueOf(0);
    inside.onChanges([...changes(1, 2), ...changes(4, 4)]);
    expect(inside.overflow).toBe(true);
  });
});
