import type { AlertChange, AlertKind, AlertSeverity, WindowScope } from '@sla/shared';
import type { CountingPolicy, Exclusion, Timeline } from '../../domain/budget/types.js';
import type { EntityState } from '../entity.js';

/**
 * The pure vocabulary of alerting (docs/alerting.md). Times are epoch milliseconds, windows
 * minutes in rules and milliseconds here.
 */

/**
 * What evaluation reads of one entity: its current state (`observedAt` is the poller's clock
 * of the latest observation, `statusSince` when the current status began) and its budget
 * timeline (undefined while the book holds none). A caller may hand the same object, refilled,
 * for every entity: evaluation keeps no reference to it.
 */
export type AlertEntity = Pick<
  EntityState,
  | 'id'
  | 'tenantName'
  | 'teamName'
  | 'entityType'
  | 'entityName'
  | 'status'
  | 'statusSince'
  | 'currentSla'
  | 'slaTarget'
  | 'observedAt'
> & { timeline: Timeline | undefined };

/** Everything an evaluation cycle is computed against besides the rule and the entities. */
export type EvaluationContext = {
  now: number;
  /** How budget timelines count (as budgets compute burn rates). */
  counting: CountingPolicy;
  /** The maintenance exclusions of an entity (epoch-ms intervals); none when omitted. */
  exclusionsOf?: (entity: AlertEntity) => readonly Exclusion[];
  /** Since when ingest has been unavailable (PostgreSQL down), null while it is up. */
  ingestUnavailableSince: number | null;
  /** When ingest last came back after being unavailable, null when it never was. */
  ingestBackAt: number | null;
  /** How long after ingest returns stale rules stay held back (pollers need time to catch up). */
  graceMs: number;
  /**
   * When the alert of `fingerprint` was last firing (epoch ms): `now` while it fires, its resolve
   * time once resolved, null when it never fired. Holds slower burn tiers back after a faster one
   * fired (see `holdingTiers`); without it only a faster tier holding now holds them back.
   */
  lastFiringAt?: (fingerprint: string) => number | null;
};

/** What a firing alert is about: everything a change reports except its state, sequence and time. */
export type AlertSubject = {
  ruleName: string;
  kind: AlertKind;
  tier: string | null;
  severity: AlertSeverity;
  tenantName: string;
  teamName: string | null;
  entity: { id: number; name: string; type: string } | null;
};

/**
 * A condition that holds now. `heldBack`: it holds but must not start an alert (a slower
 * burn tier while a faster one holds, a stale rule while ingest is unavailable or in its
 * grace period); an alert already firing for it stays firing.
 */
export type Condition = AlertSubject & { summary: string; heldBack: boolean };

/**
 * The stored state of one fingerprint. Kept after it resolves, so the next firing continues
 * its sequence (a receiver de-duplicates by fingerprint and sequence). `announced`: the state
 * receivers were last told (null: never told), which decides re-announcement after a silence
 * or maintenance window.
 */
export type AlertRecord = AlertSubject & {
  fingerprint: string;
  state: AlertChange['state'];
  sequence: number;
  summary: string;
  /** When the state last changed (epoch ms). */
  changedAt: number;
  announced: AlertChange['state'] | null;
};

/** An explicit silence: scope (the tenant, optionally narrowed, optionally one rule) and a time span. */
export type Silence = {
  tenantName: string;
  teamName?: string | null;
  entityType?: string | null;
  entityId?: number | null;
  ruleName?: string | null;
  startsAt: number;
  endsAt: number;
};

/** One occurrence of a maintenance window (expanded by `expandWindow`) with the window's scope. */
export type WindowOccurrence = { scope: WindowScope; start: number; end: number };
