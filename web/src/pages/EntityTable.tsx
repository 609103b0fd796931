import type { Entity, EntityBudget } from '@sla/shared';
import { memo } from 'react';
import { Link } from 'wouter';
import { EntityBudgetCells } from '../budget/EntityBudgetCells';
import { RelativeTime } from '../components/RelativeTime';
import { ScrollRegion } from '../components/ScrollRegion';
import { StatusBadge } from '../components/StatusBadge';
import { useFlash } from '../components/useFlash';
import { SORT_LABEL, type SortField } from '../lib/constants';
import { formatGap, formatPercent } from '../lib/format';
import type { TableState } from '../lib/table-url';

const Row = memo(function Row({ e, budget }: { e: Entity; budget: EntityBudget | undefined }) {
  // A new version means a live change landed on this row: flash it. Columns run from the
  // most to the least telling, so a phone shows name, status and SLA before it scrolls.
  const ref = useFlash<HTMLTableRowElement>(e.version);
  return (
    <tr ref={ref} className={e.stale ? 'row-stale' : undefined} data-entity-id={e.id}>
      <th scope="row" className="name">
        <Link href={`/entities/${e.id}`}>{e.entityName}</Link>
        <span className="muted type">{e.entityType}</span>
      </th>
      <td>
        <StatusBadge status={e.status} stale={e.stale} />
      </td>
      <td className="num sla">{formatPercent(e.currentSla)}</td>
      <td className="num">{formatPercent(e.slaTarget)}</td>
      <td className={`num ${e.currentSla < e.slaTarget ? 'gap-below' : ''}`}>{formatGap(e.currentSla, e.slaTarget)}</td>
      <EntityBudgetCells id={e.id} budget={budget} />
      <td>
        <RelativeTime iso={e.observedAt} />
      </td>
      <td className="tenant">{e.tenantName}</td>
      <td className="team">{e.teamName}</td>
    </tr>
  );
});

type SortProps = { field: SortField; label?: string; state: TableState; onSort(f: SortField): void; num?: boolean };

/** A sortable header: the button is the control, aria-sort tells the current order. */
function SortHeader({ field, label, state, onSort, num }: SortProps) {
  const active = state.sort === field;
  const dir = active ? (state.dir === 'asc' ? 'ascending' : 'descending') : undefined;
  return (
    <th scope="col" aria-sort={dir ?? 'none'} className={num ? 'num' : undefined}>
      <button type="button" className="sort" onClick={() => onSort(field)}>
        {label ?? SORT_LABEL[field]}
        <span aria-hidden="true" className="sort-arrow">
          {active ? (state.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

type Props = {
  items: Entity[];
  /** Budgets of the rows on this page, by entity id (absent while loading). */
  budgets: ReadonlyMap<number, EntityBudget>;
  state: TableState;
  onSort(f: SortField): void;
  busy: boolean;
};

export function EntityTable({ items, budgets, state, onSort, busy }: Props) {
  const h = { state, onSort };
  return (
    <ScrollRegion label="Entities" busy={busy}>
      <table className="entities">
        <thead>
          <tr>
            <SortHeader field="entityName" {...h} />
            <SortHeader field="status" {...h} />
            <SortHeader field="currentSla" {...h} num />
            <th scope="col" className="num">
              Target
            </th>
            <SortHeader field="slaGap" label="Gap" {...h} num />
            <th scope="col">Budget left</th>
            <th scope="col">Last 7 days</th>
            <SortHeader field="observedAt" label="Last observed" {...h} />
            <th scope="col">Tenant</th>
            <th scope="col">Team</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <Row key={e.id} e={e} budget={budgets.get(e.id)} />
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
