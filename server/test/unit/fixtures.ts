import type { Status } from '@sla/shared';
import pino, { type Logger } from 'pino';
import type { LogChange, LogRun } from '../../src/domain/change.js';
import type { EntityState } from '../../src/domain/entity.js';

/** A fixed instant (2025-01-11T13:46:40Z) so times in assertions read as offsets from it. */
export const T0 = 1_736_603_200_000;

/** An entity state of team PGM in "Data Engineering", overridable field by field. */
export const state = (id: number, over: Partial<EntityState> = {}): EntityState => ({
  id,
  tenantName: 'Data Engineering',
  teamName: 'PGM',
  entityType: 'table',
  entityName: `table_${id}`,
  slaTarget: 95,
  currentSla: 97,
  status: 'Passed',
  statusSince: T0 - 60_000,
  observedAt: T0,
  updatedAt: T0 + 5,
  version: id,
  ...over,
});

/** A change-log row with id `id` for entity `entityId` (default: the id), applied unless told. */
export const change = (id: number, over: Partial<LogChange> = {}): LogChange => ({
  id,
  entityId: over.entityId ?? id,
  tenantName: 'Data Engineering',
  teamName: 'PGM',
  entityType: 'table',
  entityName: `table_${over.entityId ?? id}`,
  previousSla: null,
  previousStatus: null,
  currentSla: 90,
  status: 'Failed' as Status,
  slaTarget: 95,
  statusSince: T0 + id,
  observedAt: T0 + id,
  receivedAt: T0 + id + 3,
  applied: true,
  source: 'test',
  ...over,
});

/** The gapless run of changes `from..to`. */
export const run = (from: number, to: number): LogRun => {
  const changes: LogChange[] = [];
  for (let id = from; id <= to; id++) changes.push(change(id));
  return { fromId: from, toId: to, changes };
};

/** A real pino logger whose lines are kept, parsed, for assertions. */
export function capturedLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}
