import type { AlertChange } from '@sla/shared';

/** Changes of one team sent as one message once `dueAt` (epoch ms) has come. */
export type DeliveryGroup = {
  tenantName: string;
  teamName: string | null;
  changes: AlertChange[];
  /** The time of the group's oldest change (epoch ms). */
  firstAt: number;
  /** `firstAt + intervalMs`: when the group is complete and due to be sent. */
  dueAt: number;
};

/** A change with its placing time and its fingerprint's first position in the input (the tie-break). */
type Placed = { change: AlertChange; at: number; first: number };

/**
 * Groups changes for delivery: per (tenant, team), the changes within `intervalMs` of the
 * group's oldest one form one group. Groups come oldest first (by `firstAt`), changes inside a
 * group oldest first. One fingerprint's changes are never reordered: they keep sequence order,
 * and a change is placed no earlier than its fingerprint's previous one (even when clocks of
 * different pods disagree about `at`), so sending groups in the order returned reports every
 * fingerprint in sequence. Input in any order. O(n log n).
 */
export function groupForDelivery(changes: readonly AlertChange[], intervalMs: number): DeliveryGroup[] {
  const byFingerprint = new Map<string, Placed[]>();
  changes.forEach((change, index) => {
    const list = byFingerprint.get(change.fingerprint);
    const placed = { change, at: Date.parse(change.at), first: list ? (list[0] as Placed).first : index };
    if (list) list.push(placed);
    else byFingerprint.set(change.fingerprint, [placed]);
  });
  const all: Placed[] = [];
  for (const list of byFingerprint.values()) {
    list.sort((a, b) => a.change.sequence - b.change.sequence);
    let latest = Number.NEGATIVE_INFINITY;
    for (const p of list) {
      latest = Math.max(latest, p.at);
      p.at = latest;
      all.push(p);
    }
  }
  // A total order: time, then input order of the fingerprint, then sequence.
  all.sort((a, b) => a.at - b.at || a.first - b.first || a.change.sequence - b.change.sequence);
  const groups: DeliveryGroup[] = [];
  const open = new Map<string, DeliveryGroup>();
  for (const { change, at } of all) {
    const key = JSON.stringify([change.tenantName, change.teamName]);
    const g = open.get(key);
    if (g && at < g.dueAt) {
      g.changes.push(change);
      continue;
    }
    const fresh: DeliveryGroup = {
      tenantName: change.tenantName,
      teamName: change.teamName,
      changes: [change],
      firstAt: at,
      dueAt: at + intervalMs,
    };
    open.set(key, fresh);
    groups.push(fresh);
  }
  return groups;
}
