import { describe, expect, it } from 'vitest';
import { nextGroup, type PendingRow } from '../../../src/alerts/outbox.js';

const row = (id: number, fingerprint: string, teamName: string, ageMs: number): PendingRow => ({
  id,
  fingerprint,
  sequence: id,
  tenantName: 'Acme',
  teamName,
  channel: 'hook',
  ageMs,
});

describe('nextGroup', () => {
  it('waits until the oldest change is a grouping interval old', () => {
    expect(nextGroup([row(1, 'f', 'payments', 9_999)], 10_000, 100)).toBeNull();
    expect(nextGroup([row(1, 'f', 'payments', 10_000)], 10_000, 100)?.map((r) => r.id)).toEqual([1]);
  });

  it("groups the oldest change's team within the interval after it, never a later change ahead of an earlier one", () => {
    const rows = [
      row(1, 'f', 'payments', 30_000),
      row(2, 'g', 'search', 29_000), // another team: its own message
      row(3, 'h', 'payments', 25_000),
      row(4, 'g', 'payments', 24_000), // g's earlier change is left out, so this one waits too
      row(5, 'k', 'payments', 5_000), // recorded after the interval, still in its own wait: the next message
    ];
    expect(nextGroup(rows, 10_000, 100)?.map((r) => r.id)).toEqual([1, 3]);
    expect(nextGroup(rows, 10_000, 1)?.map((r) => r.id)).toEqual([1]);
  });

  it('sends a backlog of one team in one message: rows whose own wait is over join, whenever recorded', () => {
    const rows = [
      row(1, 'f', 'payments', 60_000),
      row(2, 'h', 'payments', 31_000), // 29 s after the first, but waited its 10 s: joins
      row(3, 'k', 'search', 20_000),
      row(4, 'm', 'payments', 12_000),
      row(5, 'n', 'payments', 3_000), // still in its own wait: the next message
    ];
    expect(nextGroup(rows, 10_000, 100)?.map((r) => r.id)).toEqual([1, 2, 4]);
    // No grouping interval (0): every pending change of the team goes in one message.
    expect(nextGroup(rows, 0, 100)?.map((r) => r.id)).toEqual([1, 2, 4, 5]);
  });
});
