import type { AlertChange } from '@sla/shared';
import { describe, expect, it } from 'vitest';
import { groupForDelivery } from '../../../../src/domain/alerts/group.js';

const S = 1000;
const change = (
  fingerprint: string,
  sequence: number,
  atSeconds: number,
  teamName: string | null = 'data',
): AlertChange => ({
  fingerprint,
  sequence,
  state: sequence % 2 === 1 ? 'firing' : 'resolved',
  ruleName: 'r',
  kind: 'status',
  tier: null,
  severity: 'page',
  tenantName: 'acme',
  teamName,
  entity: null,
  summary: `${fingerprint}#${sequence}`,
  at: new Date(atSeconds * S).toISOString(),
});
const shape = (groups: ReturnType<typeof groupForDelivery>) =>
  groups.map((g) => `${g.teamName}@${g.firstAt / S}: ${g.changes.map((c) => c.summary).join(' ')}`);

describe('groupForDelivery', () => {
  it('groups one team’s changes within the interval into one message, oldest group first', () => {
    const groups = groupForDelivery(
      [change('a', 1, 70), change('b', 1, 10), change('c', 1, 5, 'web'), change('a', 2, 0 + 130), change('d', 1, 0)],
      60 * S,
    );
    expect(shape(groups)).toEqual(['data@0: d#1 b#1', 'web@5: c#1', 'data@70: a#1', 'data@130: a#2']);
    expect(groups[0]?.dueAt).toBe(60 * S);
  });

  it('never reorders one fingerprint’s changes, even when their times disagree with their sequence', () => {
    // x#2 carries an earlier time than x#1 (clocks of two pods): it still comes after x#1.
    const groups = groupForDelivery([change('x', 2, 15), change('y', 1, 16), change('x', 1, 20)], 10 * S);
    expect(shape(groups)).toEqual(['data@16: y#1 x#1 x#2']);
  });

  it('keeps every fingerprint in sequence order across groups on a shuffled history', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const input: AlertChange[] = [];
    for (let f = 0; f < 6; f++)
      for (let seq = 1; seq <= 30; seq++)
        input.push(change(`f${f}`, seq, seq * 20 + Math.floor(random() * 40), f % 2 ? 'web' : null));
    input.sort(() => random() - 0.5);
    const groups = groupForDelivery(input, 45 * S);
    const seen = new Map<string, number>();
    for (const g of groups) {
      for (const c of g.changes) {
        expect(c.teamName).toBe(g.teamName);
        expect(c.sequence).toBe((seen.get(c.fingerprint) ?? 0) + 1);
        seen.set(c.fingerprint, c.sequence);
      }
    }
    expect([...seen.values()]).toEqual([30, 30, 30, 30, 30, 30]);
    expect(groups.map((g) => g.firstAt)).toEqual([...groups.map((g) => g.firstAt)].sort((a, b) => a - b));
  });
});
