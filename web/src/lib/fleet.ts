import type { FleetPod } from '@sla/shared';

/**
 * A pod this many changes behind the fleet's head is shown as lagging. A pod that keeps up
 * can be a change or two behind while a run is in flight; more means it is not hearing the
 * changes channel or cannot keep up.
 */
export const LAGGING_AFTER_CHANGES = 10;

export type FleetRow = FleetPod & {
  /** Lagging: marked with a class and the words "behind", not colour alone. */
  lagging: boolean;
  /** The lag as read out: "in step" or "42 changes behind". */
  lagText: string;
  /** The pod answering this page. */
  self: boolean;
};

/** The fleet table's rows: every listed pod in the server's order (by id), lagging pods flagged. */
export function fleetRows(pods: readonly FleetPod[], servingPod: string): FleetRow[] {
  return pods.map((p) => ({
    ...p,
    lagging: p.lag >= LAGGING_AFTER_CHANGES,
    lagText: p.lag === 0 ? 'in step' : `${p.lag} change${p.lag === 1 ? '' : 's'} behind`,
    self: p.podId === servingPod,
  }));
}
