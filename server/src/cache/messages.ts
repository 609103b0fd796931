import { ZChange } from '@sla/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LogRun } from '../domain/change.js';

/** A change as pods pass it around: the wire change with times as epoch ms and its status-since. */
const ZLogChange = ZChange.extend({ statusSince: z.number(), observedAt: z.number(), receivedAt: z.number() });

/** `sla:changes`: one message per commit, from the pod that committed it. */
export const ZChangesMessage = z.object({
  pod: z.string(),
  /** The change log's epoch the ids belong to (absent from pods of earlier versions). */
  epoch: z.string().optional(),
  fromId: z.number().int().positive(),
  toId: z.number().int().positive(),
  changes: z.array(ZLogChange),
});
export type ChangesMessage = { pod: string; epoch?: string } & LogRun;

/** The JSON of a change run, `pod` first (what `isFrom` looks for). */
export const formatChanges = ({ pod, ...rest }: ChangesMessage): string => JSON.stringify({ pod, ...rest });

/**
 * Whether a raw `sla:changes` message is a change run published by `podId` (this pod's own
 * runs come back to it): told from the first bytes, so a run of thousands of changes is not
 * parsed and validated only to be dropped.
 */
export const isFrom = (raw: string, podId: string): boolean => raw.startsWith(`{"pod":${JSON.stringify(podId)},`);

/**
 * `sla:changes`, second kind: every pod's heartbeat, every HEARTBEAT_INTERVAL_MS. It
 * carries no changes: a receiver uses `headId` to notice a gap (and the fleet view to list
 * the pod); it never reaches a browser's change stream. Times are ISO 8601.
 */
export const ZHeartbeatMessage = z.object({
  kind: z.literal('heartbeat'),
  pod: z.string().min(1).max(256),
  version: z.string().max(128),
  mode: z.enum(['redis', 'memory']),
  /** The last change id the pod had applied. */
  headId: z.number().int().nonnegative(),
  /** How far behind the newest change id the pod knew of it was (changes). */
  lagChanges: z.number().int().nonnegative(),
  /** WebSocket (live change) subscribers on the pod. */
  subscribers: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  at: z.iso.datetime(),
});
export type HeartbeatMessage = z.infer<typeof ZHeartbeatMessage>;

/**
 * Heartbeats are serialised with `kind` first (see heartbeat.ts), so a receiver tells them
 * from change runs — which can be large — without parsing a run twice.
 */
const HEARTBEAT_START = '{"kind":"heartbeat"';

/** The JSON of a heartbeat, `kind` first (what `isHeartbeat` looks for). */
export const formatHeartbeat = ({ kind, ...rest }: HeartbeatMessage): string => JSON.stringify({ kind, ...rest });

/** Whether a raw `sla:changes` message is a heartbeat (parse it with `parseMessage(ZHeartbeatMessage, …)`). */
export const isHeartbeat = (raw: string): boolean => raw.startsWith(HEARTBEAT_START);

/** `sla:refresh`: a finished full refresh. */
export const ZRefreshMessage = z.object({
  generation: z.number().int().nonnegative(),
  at: z.string(),
  durationMs: z.number().nonnegative(),
  podId: z.string(),
  entityCount: z.number().int().nonnegative(),
  /** The snapshot's count and checksum as of its change id, for every pod to check its view (absent from earlier versions). */
  check: z
    .object({
      changeId: z.number().int().nonnegative(),
      entities: z.number().int().nonnegative(),
      checksum: z.number().int().nonnegative(),
    })
    .optional(),
});

/**
 * Parses a pub/sub message with its schema; a message that is not JSON or does not match
 * is logged (once per call, at warn) and dropped as null — never thrown, since one bad
 * publisher must not stop a pod's subscriber.
 */
export function parseMessage<T>(schema: z.ZodType<T>, raw: string, channel: string, log: Logger): T | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    log.warn({ channel, size: raw.length }, 'dropped a pub/sub message that is not JSON');
    return null;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  log.warn({ channel, issues: parsed.error.issues.slice(0, 3) }, 'dropped a malformed pub/sub message');
  return null;
}
