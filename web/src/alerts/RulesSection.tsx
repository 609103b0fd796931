import type { AlertRuleAnswer } from '@sla/shared';
import { useState } from 'react';
import { failure, ListView } from '../components/ListView';
import { ActionsCell, TableHead } from '../components/TableHead';
import { describeCondition, describeTier, KIND_LABEL, SEVERITY_LABEL } from '../lib/alerts';
import { defaultTenantOf } from '../lib/api-types';
import { scopeLabel } from '../lib/windows';
import { trpc } from '../trpc';
import { RuleEditor } from './RuleEditor';

type Props = { tenantName: string | undefined; adminTenants: string[]; canEdit(tenantName: string): boolean };

const RULE_COLUMNS = ['Name', 'Kind', 'Scope', 'Condition', 'Severity', 'Channels'];

const ruleScope = (r: AlertRuleAnswer) =>
  scopeLabel({
    tenantName: r.tenantName,
    teamName: r.scope.teamName ?? null,
    entityType: r.scope.entityType ?? null,
    entityId: r.scope.entityId ?? null,
  });

function RuleRow({ r, actions, column }: { r: AlertRuleAnswer; actions: React.ReactNode; column: boolean }) {
  return (
    <tr data-rule-id={r.id}>
      <th scope="row">
        {r.name}
        {r.managedByFile ? <span className="badge badge-managed">Rules file</span> : null}
      </th>
      <td>{KIND_LABEL[r.kind]}</td>
      <td>{ruleScope(r)}</td>
      <td>
        {describeCondition(r)}
        {r.kind === 'burn_rate' ? (
          <ul className="tier-list">
            {r.burnRate.tiers.map((t) => (
              <li key={t.name} className={t.enabled ? undefined : 'muted'}>
                {describeTier(t)}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td>{r.kind === 'burn_rate' ? 'per tier' : SEVERITY_LABEL[r.severity]}</td>
      <td>{r.channels.length ? r.channels.join(', ') : <span className="muted">none</span>}</td>
      <ActionsCell shown={column}>{actions}</ActionsCell>
    </tr>
  );
}

/** The alert rules (burn-rate ones with their tiers); admins of a tenant create, edit and delete its rules. */
export function RulesSection({ tenantName, adminTenants, canEdit }: Props) {
  const list = trpc.alerts.rules.list.useQuery(tenantName ? { tenantName } : {});
  const utils = trpc.useUtils();
  const remove = trpc.alerts.rules.delete.useMutation({ onSuccess: () => void utils.alerts.invalidate() });
  const [editing, setEditing] = useState<AlertRuleAnswer | 'new' | null>(null);
  const done = () => {
    setEditing(null);
    void utils.alerts.invalidate();
  };
  const items = list.data?.items ?? [];
  const withActions = items.some((r) => canEdit(r.tenantName));
  const actionsFor = (r: AlertRuleAnswer) =>
    canEdit(r.tenantName) && !r.managedByFile ? (
      <>
        <button type="button" onClick={() => setEditing(r)} aria-label={`Edit rule ${r.name}`}>
          Edit
        </button>
        <button
          type="button"
          disabled={remove.isPending}
          aria-label={`Delete rule ${r.name}`}
          onClick={() => {
            if (window.confirm(`Delete the rule "${r.name}"?`)) remove.mutate({ id: r.id });
          }}
        >
          Delete
        </button>
      </>
    ) : null;
  return (
    <>
      {adminTenants.length > 0 && editing === null ? (
        <button type="button" onClick={() => setEditing('new')}>
          New rule
        </button>
      ) : null}
      {editing !== null ? (
        <RuleEditor
          key={editing === 'new' ? 'new' : editing.id}
          tenants={adminTenants}
          editing={editing === 'new' ? null : editing}
          defaultTenant={defaultTenantOf(tenantName, adminTenants)}
          onDone={done}
        />
      ) : null}
      <ListView
        query={list}
        what="alert rules"
        label="Alert rules"
        empty={items.length === 0 ? `No alert rules${tenantName ? ` for ${tenantName}` : ''}.` : null}
        actionError={failure('delete', remove.error)}
      >
        <table className="rules">
          <TableHead columns={[...RULE_COLUMNS, withActions ? 'Actions' : null]} />
          <tbody>
            {items.map((r) => (
              <RuleRow key={r.id} r={r} actions={actionsFor(r)} column={withActions} />
            ))}
          </tbody>
        </table>
      </ListView>
    </>
  );
}
