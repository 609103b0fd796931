import { keepPreviousData } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'wouter';
import { EmptyState } from '../components/EmptyState';
import { Pager } from '../components/Pager';
import { QueryState } from '../components/QueryState';
import { useTitle } from '../components/useTitle';
import { DEFAULT_TABLE, toggleSort, toListInput } from '../lib/table-url';
import { trpc } from '../trpc';
import { EntityFilters } from './EntityFilters';
import { EntityTable } from './EntityTable';
import { useTableState } from './useTableState';

export default function Entities() {
  useTitle('Entities');
  const [state, setState] = useTableState();
  // Keep the previous page on screen while the next one loads: no flash of "Loading".
  const list = trpc.entities.list.useQuery(toListInput(state), { placeholderData: keepPreviousData });
  const filtered = Boolean(state.tenant || state.team || state.type || state.status || state.stale || state.q);
  const data = list.data;
  // One budgets read per page of rows (not one per row); its key follows the page's ids.
  const ids = useMemo(() => (data?.items ?? []).map((e) => e.id), [data]);
  const budgets = trpc.budgets.entities.useQuery(
    { ids },
    { enabled: ids.length > 0, placeholderData: keepPreviousData },
  );
  const budgetById = useMemo(() => new Map((budgets.data?.items ?? []).map((b) => [b.entityId, b])), [budgets.data]);
  return (
    <>
      <h1 tabIndex={-1}>Entities</h1>
      <EntityFilters state={state} onChange={setState} />
      <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} what="entities">
        {data && data.total === 0 && !filtered ? (
          <EmptyState />
        ) : data && data.total === 0 ? (
          <div className="notice" role="status">
            <p>No entities match these filters.</p>
            <Link href="/entities">Clear all filters</Link>
          </div>
        ) : data ? (
          <>
            <EntityTable
              items={data.items}
              budgets={budgetById}
              state={state}
              busy={list.isPlaceholderData}
              onSort={(f) => setState(toggleSort(state, f))}
            />
            <Pager
              page={state.page}
              size={state.size}
              total={data.total}
              onPage={(page) => setState({ ...state, page })}
              onSize={(size) => setState({ ...state, size, page: 1 })}
            />
          </>
        ) : null}
      </QueryState>
      {state.sort === DEFAULT_TABLE.sort && state.dir === DEFAULT_TABLE.dir ? (
        <p className="hint">Sorted worst first: largest shortfall against target at the top.</p>
      ) : null}
    </>
  );
}
