import type { FleetPod } from '@sla/shared';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { fleetRows, LAGGING_AFTER_CHANGES } from '../../src/lib/fleet';
import { FleetTable } from '../../src/pages/FleetTable';

const pod = (podId: string, lag: number, extra: Partial<FleetPod> = {}): FleetPod => ({
  podId,
  version: '1.4.2',
  mode: 'redis',
  lastChangeId: 1_000 - lag,
  lag,
  subscribers: 2,
  startedAt: new Date(Date.now() - 3_600_000).toISOString(),
  lastSeenAt: new Date().toISOString(),
  ...extra,
});

describe('the fleet table', () => {
  it('flags a pod as lagging from the threshold on, in words, and marks the serving pod', () => {
    const rows = fleetRows([pod('a', 0), pod('b', 1), pod('c', LAGGING_AFTER_CHANGES)], 'a');
    expect(rows.map((r) => [r.podId, r.lagging, r.lagText, r.self])).toEqual([
      ['a', false, 'in step', true],
      ['b', false, '1 change behind', false],
      ['c', true, `${LAGGING_AFTER_CHANGES} changes behind`, false],
    ]);
  });

  it('renders every pod with its mode, lag, version and times; a lagging row has a class and says "Lagging"', () => {
    const html = renderToStaticMarkup(
      <FleetTable pods={[pod('pod-a', 0), pod('pod-b', 250, { mode: 'memory', subscribers: 0 })]} servingPod="pod-a" />,
    );
    expect(html).toContain('2 pods sent a heartbeat recently');
    const row = (id: string) => new RegExp(`<tr[^>]*data-pod="${id}"[^>]*>(.*?)</tr>`).exec(html);
    const a = row('pod-a');
    const b = row('pod-b');
    expect(a?.[0]).not.toContain('row-lagging');
    expect(a?.[1]).toContain('in step');
    expect(a?.[1]).toContain('(this page)');
    expect(b?.[0]).toContain('class="row-lagging"');
    expect(b?.[1]).toContain('Lagging: 250 changes behind');
    expect(b?.[1]).toContain('<td>memory</td>');
    expect(b?.[1]).toContain('1.4.2');
    // Times are <time> elements with the exact instant, read out relatively.
    expect(b?.[1]).toMatch(/<time dateTime="[^"]+"/i);
  });

  it('says so when no pod has reported yet', () => {
    expect(renderToStaticMarkup(<FleetTable pods={[]} servingPod="x" />)).toContain(
      'No pod has reported a heartbeat yet',
    );
  });
});
