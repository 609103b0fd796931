import { useCallback, useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import { parseTableState, serializeTableState, type TableState } from '../lib/table-url';

/**
 * The entity table's whole state is the query string, so a view is a shareable link and
 * Back/Forward walk through earlier views.
 */
export function useTableState(): [TableState, (next: TableState, opts?: { replace?: boolean }) => void] {
  const search = useSearch();
  const [, navigate] = useLocation();
  const state = useMemo(() => parseTableState(search), [search]);
  const set = useCallback(
    (next: TableState, opts?: { replace?: boolean }) => {
      const qs = serializeTableState(next);
      navigate(qs ? `/entities?${qs}` : '/entities', { replace: opts?.replace ?? false });
    },
    [navigate],
  );
  return [state, set];
}
