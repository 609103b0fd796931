import { describe, expect, it } from 'vitest';
import { recoveryFor } from '../../src/lib/subscription-error';

describe('recovering from a failed change subscription', () => {
  it('a refused cursor (BAD_REQUEST) reloads from the head at once', () => {
    const err = Object.assign(new Error('lastEventId "x:1" is from another change log'), {
      data: { code: 'BAD_REQUEST', httpStatus: 400 },
    });
    expect(recoveryFor(err)).toBe('reload-from-head');
  });

  it('anything else (signed out, unavailable, no data at all) retries later', () => {
    expect(recoveryFor(Object.assign(new Error('no'), { data: { code: 'UNAUTHORIZED' } }))).toBe('retry-later');
    expect(recoveryFor(new Error('socket closed'))).toBe('retry-later');
    expect(recoveryFor(null)).toBe('retry-later');
  });
});
