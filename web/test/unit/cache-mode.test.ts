import { describe, expect, it } from 'vitest';
import { cacheModeOf } from '../../src/lib/cache-mode';

describe('cache mode shown by the dashboard', () => {
  it('is standalone, not degraded, when Redis is not configured', () => {
    expect(cacheModeOf({ mode: 'memory', redisConnection: 'disabled' })).toEqual({ kind: 'standalone' });
  });

  it('is degraded when a configured Redis is unreachable, naming the connection state', () => {
    for (const state of ['reconnecting', 'connecting', 'close', 'end', 'wait'])
      expect(cacheModeOf({ mode: 'memory', redisConnection: state })).toEqual({ kind: 'degraded', connection: state });
  });

  it('stays degraded while a returned Redis is being caught up (memory mode, connection ready)', () => {
    expect(cacheModeOf({ mode: 'memory', redisConnection: 'ready' })).toEqual({
      kind: 'degraded',
      connection: 'ready',
    });
  });

  it('is shared while Redis serves, whatever the connection says between checks', () => {
    expect(cacheModeOf({ mode: 'redis', redisConnection: 'ready' })).toEqual({ kind: 'shared' });
    expect(cacheModeOf({ mode: 'redis', redisConnection: 'reconnecting' })).toEqual({ kind: 'shared' });
  });
});
