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

  return (
    <form className="filters" aria-label="Filter entities" onSubmit={(e) => e.preventDefault()}>
      <div className="field field-search">
        <label htmlFor={`${id}-q`}>Search by name</label>
        <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />
      </div>
      <FacetSelect
        id={`${id}-tenant`}
        label="Tenant"
        all="All tenants"
        value={state.tenant}
        options={tenants}
        onSelect={(tenant) => set({ tenant })}
      />
      <FacetSelect
        id={`${id}-team`}
        label="Team"
        all="All teams"
        value={state.team}
        options={teams}
        onSelect={(team) => set({ team })}
      />
      <FacetSelect
        id={`${id}-type`}
        label="Type"
        all="All types"
        value={state.type}
        options={types}
        onSelect={(type) => set({ type })}
      />
      <FacetSelect
        id={`${id}-status`}
        label="Status"
        all="All statuses"
        value={state.status}
        options={STATUSES}
        labels={STATUS_LABEL}
        onSelect={(v) => set({ status: STATUSES.find((s) => s === v) })}
      />
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

type FacetSelectProps = {
  id: string;
  label: string;
  /** Text of the empty choice, which clears the filter. */
  all: string;
  value: string | undefined;
  options: readonly string[];
  /** Display text per option value; the value itself when absent. */
  labels?: Readonly<Record<string, string>>;
  onSelect(value: string): void;
};

/** One filter drop-down: "All …" (empty) and one choice per option. */
function FacetSelect({ id, label, all, value, options, labels, onSelect }: FacetSelectProps) {
  // Keep a value from the URL selectable even before facets load (or if it is unknown).
  const choices = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onSelect(e.target.value)}>
        <option value="">{all}</option>
        {choices.map((v) => (
          <option key={v} value={v}>
            {labels?.[v] ?? v}
          </option>
        ))}
      </select>
    </div>
  );
}
