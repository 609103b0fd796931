import { type AlertChange, type AlertRule, type Status, ZAlertRule } from '@sla/shared';
import { advance } from '../../../../src/domain/alerts/advance.js';
import { evaluateRule } from '../../../../src/domain/alerts/evaluate.js';
import type { AlertEntity, AlertRecord, Condition, EvaluationContext } from '../../../../src/domain/alerts/types.js';
import { appendResult } from '../../../../src/domain/budget/timeline.js';
import type { Timeline } from '../../../../src/domain/budget/types.js';

/** Fake time: plain numbers, in minutes from 0. */
export const M = 60_000;

/** A stored rule from a plain object (defaults applied as the API would). */
export const rule = (input: Record<string, unknown>): AlertRule =>
  ZAlertRule.parse({ id: 1, name: 'r', tenantName: 'acme', ...input });

/** One observation of an entity: minute, status, currentSla, target. */
export type Obs = [minute: number, status: Status, currentSla: number, target: number];

/** An entity fed observations in minute order, its state and timeline kept as the server keeps them. */
export class FakeEntity {
  readonly state: AlertEntity;
  private pending: Obs[];
  constructor(
    id: number,
    observations: Obs[],
    readonly staleAfterMs: number,
    teamName = 'data',
  ) {
    this.pending = [...observations];
    this.state = {
      id,
      tenantName: 'acme',
      teamName,
      entityType: 'table',
      entityName: `t${id}`,
      status: 'NoData',
      statusSince: 0,
      currentSla: 100,
      slaTarget: 99.9,
      observedAt: 0,
      timeline: undefined as Timeline | undefined,
    };
  }

  /** Applies every observation at or before `minute`. */
  catchUp(minute: number): void {
    while (this.pending.length > 0 && (this.pending[0] as Obs)[0] <= minute) {
      const [at, status, currentSla, slaTarget] = this.pending.shift() as Obs;
      const s = this.state;
      if (s.status !== status || s.timeline === undefined) s.statusSince = at * M;
      Object.assign(s, { status, currentSla, slaTarget, observedAt: at * M });
      s.timeline = appendResult(
        s.timeline ?? null,
        { observedAt: at * M, status, currentSla, slaTarget },
        this.staleAfterMs,
      );
    }
  }
}

/** A change as a golden line: "minute state tier-or-kind entity". */
const line = (c: AlertChange) => `${Date.parse(c.at) / M} ${c.state} ${c.tier ?? c.kind} ${c.entity?.name ?? '-'}`;

export type Run = {
  rules: AlertRule[];
  entities: FakeEntity[];
  from: number;
  to: number;
  /** The context at a minute (counting and ingest fields); `now` is set by the run. */
  ctx?: (minute: number) => Partial<EvaluationContext>;
  /** Called after each cycle with what held and the records. */
  each?: (minute: number, holding: Map<string, Condition>, records: Map<string, AlertRecord>) => void;
};

/** Evaluates every minute of `[from, to]` and returns the changes as golden lines. */
export function simulate(run: Run): string[] {
  let records = new Map<string, AlertRecord>();
  const out: string[] = [];
  for (let minute = run.from; minute <= run.to; minute++) {
    for (const e of run.entities) e.catchUp(minute);
    const ctx: EvaluationContext = {
      now: minute * M,
      counting: { noDataPolicy: 'exclude', staleAfterMs: run.entities[0]?.staleAfterMs ?? 30 * M },
      ingestUnavailableSince: null,
      ingestBackAt: null,
      graceMs: 0,
      // As the evaluator answers it from the records: now while firing, the resolve time after.
      lastFiringAt: (fp) => {
        const r = records.get(fp);
        return r ? (r.state === 'firing' ? minute * M : r.changedAt) : null;
      },
      ...run.ctx?.(minute),
    };
    const holding = new Map<string, Condition>();
    for (const r of run.rules)
      evaluateRule(
        r,
        run.entities.map((e) => e.state),
        ctx,
        holding,
      );
    const step = advance(records, holding, ctx.now);
    records = step.next;
    for (const c of step.changes) out.push(line(c));
    run.each?.(minute, holding, records);
  }
  return out;
}
