import { useEffect, useId, useState } from 'react';
import { STATUS_LABEL, STATUSES } from '../lib/constants';
import { type TableState, withFilters } from '../lib/table-url';
import { type Facets, trpc } from '../trpc';

type Props = { state: TableState; onChange(next: TableState, opts?: { replace?: boolean }): void };

/** Teams to offer: those of the chosen tenant, or every team name when no tenant is chosen. */
export function teamOptions(facets: Facets | undefined, tenant: string | undefined): string[] {
  if (!facets) return [];
  const tenants = tenant ? facets.tenants.filter((t) => t.tenantName === tenant) : facets.tenants;
  return [...new Set(tenants.flatMap((t) => t.teams))].sort((a, b) => a.localeCompare(b));
}

/** Typing waits this long before it changes the URL and queries the server. */
const SEARCH_DEBOUNCE_MS = 250;

export function EntityFilters({ state, onChange }: Props) {
  const id = useId();
  const facets = trpc.entities.facets.useQuery(undefined, { staleTime: 60_000 });
  const [text, setText] = useState(state.q ?? '');
  // Back/Forward or a pasted link changes q under us: show it.
  useEffect(() => setText(state.q ?? ''), [state.q]);
  useEffect(() => {
    if ((state.q ?? '') === text.trim()) return;
    const t = setTimeout(
      () => onChange(withFilters(state, { q: text.trim() }), { replace: Boolean(state.q) }),
      SEARCH_DEBOUNCE_MS,
    );
    return () => clearTimeout(t);
  }, [text, state, onChange]);

  const set = (patch: Parameters<typeof withFilters>[1]) => onChange(withFilters(state, patch));
  const teams = teamOptions(facets.data, state.tenant);
  const tenants = facets.data?.tenants.map((t) => t.tenantName) ?? [];
  const types = facets.data?.entityTypes ?? [];
  // Keep a value from the URL selectable even before facets load (or if it is unknown).
  const withCurrent = (list: string[], v: string | undefined) => (v && !list.includes(v) ? [v, ...list] : list);

  return (
    <form className="filters" aria-label="Filter entities" onSubmit={(e) => e.preventDefault()}>
      <div className="field field-search">
        <label htmlFor={`${id}-q`}>Search by name</label>
        <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-tenant`}>Tenant</label>
        <select id={`${id}-tenant`} value={state.tenant ?? ''} onChange={(e) => set({ tenant: e.target.value })}>
          <option value="">All tenants</option>
          {withCurrent(tenants, state.tenant).map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-team`}>Team</label>
        <select id={`${id}-team`} value={state.team ?? ''} onChange={(e) => set({ team: e.target.value })}>
          <option value="">All teams</option>
          {withCurrent(teams, state.team).map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={state.type ?? ''} onChange={(e) => set({ type: e.target.value })}>
          <option value="">All types</option>
          {withCurrent(types, state.type).map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={state.status ?? ''}
          onChange={(e) => set({ status: STATUSES.find((s) => s === e.target.value) })}
        >
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-check">
        <input
          id={`${id}-stale`}
          type="checkbox"
          checked={state.stale ?? false}
          onChange={(e) => set({ stale: e.target.checked })}
        />
        <label htmlFor={`${id}-stale`}>Stale only</label>
      </div>
    </form>
  );
}
