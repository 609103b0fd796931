import { describe, expect, it } from 'vitest';
import { type ConnectionEvent, initialConnection, nextConnection, OFFLINE_AFTER_MS } from '../../src/lib/connection';

const run = (events: ConnectionEvent[], start = initialConnection()) => events.reduce(nextConnection, start);

describe('connection indicator', () => {
  it('goes connecting → live on the first open', () => {
    expect(initialConnection().indicator).toBe('connecting');
    const s = run([
      { type: 'ws', state: 'connecting', at: 0 },
      { type: 'ws', state: 'pending', at: 10 },
    ]);
    expect(s).toMatchObject({ indicator: 'live', everOpen: true, reconnects: 0 });
  });

  it('shows reconnecting after a drop, then live again, counting the reconnection', () => {
    const dropped = run([
      { type: 'ws', state: 'pending', at: 0 },
      { type: 'ws', state: 'connecting', at: 100 },
    ]);
    expect(dropped.indicator).toBe('reconnecting');
    const back = nextConnection(dropped, { type: 'ws', state: 'pending', at: 2000 });
    expect(back).toMatchObject({ indicator: 'live', reconnects: 1, downSince: null });
  });

  it('turns offline after a long outage or when the browser goes offline', () => {
    const dropped = run([
      { type: 'ws', state: 'pending', at: 0 },
      { type: 'ws', state: 'connecting', at: 100 },
    ]);
    expect(nextConnection(dropped, { type: 'tick', at: 100 + OFFLINE_AFTER_MS - 1 }).indicator).toBe('reconnecting');
    expect(nextConnection(dropped, { type: 'tick', at: 100 + OFFLINE_AFTER_MS }).indicator).toBe('offline');
    expect(nextConnection(dropped, { type: 'browser', online: false, at: 200 }).indicator).toBe('offline');
    const online = run(
      [
        { type: 'browser', online: false, at: 200 },
        { type: 'browser', online: true, at: 300 },
      ],
      dropped,
    );
    expect(online.indicator).toBe('reconnecting');
  });

  it('keeps the outage start across repeated connect attempts', () => {
    const s = run([
      { type: 'ws', state: 'pending', at: 0 },
      { type: 'ws', state: 'connecting', at: 100 },
      { type: 'ws', state: 'connecting', at: 5000 },
    ]);
    expect(s.downSince).toBe(100);
  });
});
