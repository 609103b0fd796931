import type { MaintenanceWindow } from '@sla/shared';
import { useId, useState } from 'react';
import { useSearchParams } from 'wouter';
import { failure, ListView } from '../components/ListView';
import { TenantFilter } from '../components/TenantFilter';
import { useTitle } from '../components/useTitle';
import { defaultTenantOf, isAdminFor } from '../lib/api-types';
import { formatDateTime } from '../lib/format';
import { describeRrule, scopeLabel, WINDOW_CATEGORY_LABEL } from '../lib/windows';
import { trpc } from '../trpc';
import { AdminNote } from './AdminSignIn';
import { WindowEditor } from './WindowEditor';

type RowProps = {
  w: MaintenanceWindow;
  column: boolean;
  canEdit: boolean;
  onEdit(): void;
  onDelete(): void;
  deleting: boolean;
};

function WindowRow({ w, column, canEdit, onEdit, onDelete, deleting }: RowProps) {
  return (
    <tr data-window-id={w.id}>
      <th scope="row">{w.reason || `Window #${w.id}`}</th>
      <td>{scopeLabel(w.scope)}</td>
      <td>{WINDOW_CATEGORY_LABEL[w.category]}</td>
      <td>{formatDateTime(w.start)}</td>
      <td>{formatDateTime(w.end)}</td>
      <td>
        {describeRrule(w.rrule)}
        {w.until ? <span className="muted"> until {formatDateTime(w.until)}</span> : null}
        <span className="muted"> ({w.timeZone})</span>
      </td>
      <td>{w.createdBy}</td>
      {canEdit ? (
        <td className="row-actions">
          <button type="button" onClick={onEdit} aria-label={`Edit window ${w.reason || w.id}`}>
            Edit
          </button>
          <button type="button" onClick={onDelete} disabled={deleting} aria-label={`Delete window ${w.reason || w.id}`}>
            Delete
          </button>
        </td>
      ) : column ? (
        <td />
      ) : null}
    </tr>
  );
}

/** `/windows?tenant=`: maintenance windows; admins of a tenant create, edit and delete them. */
export default function Windows() {
  useTitle('Maintenance windows');
  const id = useId();
  const [params] = useSearchParams();
  const tenantFilter = params.get('tenant') ?? '';
  const facets = trpc.entities.facets.useQuery(undefined, { staleTime: 60_000 });
  const session = trpc.auth.session.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const list = trpc.windows.list.useQuery(tenantFilter ? { tenantName: tenantFilter } : {});
  const utils = trpc.useUtils();
  const remove = trpc.windows.delete.useMutation({ onSuccess: () => void utils.invalidate() });
  const [editing, setEditing] = useState<MaintenanceWindow | 'new' | null>(null);
  const tenants = facets.data?.tenants.map((t) => t.tenantName) ?? [];
  const admin = isAdminFor(session.data);
  const adminTenants = tenants.filter((t) => isAdminFor(session.data, t));
  const done = () => {
    setEditing(null);
    void utils.invalidate();
  };
  const items = list.data?.items ?? [];
  const anyEditable = items.some((w) => isAdminFor(session.data, w.scope.tenantName));
  return (
    <>
      <h1 tabIndex={-1}>Maintenance windows</h1>
      <p className="hint">
        Time inside a window that applies to an entity is excluded from its budget and reports (counted as neither met
        nor breached). Changes apply to past figures too and are kept in the audit log.
      </p>
      <div className="filters">
        <TenantFilter id={`${id}-tenant`} value={tenantFilter} tenants={tenants} />
        {admin && editing === null ? (
          <button type="button" onClick={() => setEditing('new')}>
            New window
          </button>
        ) : null}
      </div>
      <AdminNote session={session.data} what="create or change windows" />
      {editing !== null ? (
        <WindowEditor
          key={editing === 'new' ? 'new' : editing.id}
          tenants={adminTenants}
          editing={editing === 'new' ? null : editing}
          defaultTenant={defaultTenantOf(tenantFilter, adminTenants)}
          onDone={done}
        />
      ) : null}
      <ListView
        query={list}
        what="windows"
        label="Maintenance windows"
        empty={items.length === 0 ? `No maintenance windows${tenantFilter ? ` for ${tenantFilter}` : ''}.` : null}
        actionError={failure('delete', remove.error)}
      >
        <table className="windows">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Scope</th>
              <th scope="col">Category</th>
              <th scope="col">Start</th>
              <th scope="col">End</th>
              <th scope="col">Repeats</th>
              <th scope="col">Created by</th>
              {anyEditable ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {items.map((w) => (
              <WindowRow
                key={w.id}
                w={w}
                column={anyEditable}
                canEdit={isAdminFor(session.data, w.scope.tenantName)}
                onEdit={() => setEditing(w)}
                onDelete={() => {
                  if (window.confirm(`Delete the window "${w.reason || w.id}"?`)) remove.mutate({ id: w.id });
                }}
                deleting={remove.isPending}
              />
            ))}
          </tbody>
        </table>
      </ListView>
    </>
  );
}
