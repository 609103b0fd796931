import { describe, expect, it } from 'vitest';
import { changeIdOfStreamId, decodeTailEntry, encodeTailEntry, tailStreamId } from '../../../src/cache/tail-entry.js';
import type { LogChange } from '../../../src/domain/change.js';

const CHANGE: LogChange = {
  id: 42,
  entityId: 7,
  tenantName: 'Acme|"x"',
  teamName: 'Data',
  entityType: 'table',
  entityName: 'orders',
  previousSla: null,
  previousStatus: null,
  currentSla: 99.5,
  status: 'Passed',
  slaTarget: 99,
  statusSince: 1_700_000_000_000,
  observedAt: 1_700_000_000_001,
  receivedAt: 1_700_000_000_002,
  applied: false,
  source: 'poller (replace)',
};

describe('a change-tail entry', () => {
  it('decodes to the change it was encoded from, with the id from the stream id', () => {
    const value = encodeTailEntry(CHANGE);
    expect(decodeTailEntry(changeIdOfStreamId(tailStreamId(42)), value)).toEqual(CHANGE);
    const withPrevious = { ...CHANGE, previousSla: 98, previousStatus: 'Failed' as const, applied: true };
    expect(decodeTailEntry(42, encodeTailEntry(withPrevious))).toEqual(withPrevious);
  });

  it('does not carry the id in the value (the stream id is the one source)', () => {
    expect(decodeTailEntry(43, encodeTailEntry(CHANGE)).id).toBe(43);
    expect(tailStreamId(42)).toBe('42-0');
  });

  it('refuses a value of another layout, naming the id', () => {
    expect(() => decodeTailEntry(5, '[1,2]')).toThrow(/entry 5 is not a 15-field array/);
    expect(() => decodeTailEntry(5, '{}')).toThrow(/entry 5/);
  });
});
