import type { AlertRuleAnswer } from '@sla/shared';
import { type FormEvent, useId, useState } from 'react';
import { Field } from '../components/Field';
import { KIND_LABEL, SEVERITIES, SEVERITY_LABEL } from '../lib/alerts';
import { fieldErrors } from '../lib/field-errors';
import { emptyRuleForm, type RuleForm, type RuleKind, ruleFields, ruleFormOf, toRuleInput } from '../lib/rule-form';
import { trpc } from '../trpc';
import { TierFields } from './TierFields';

type Props = { tenants: string[]; editing: AlertRuleAnswer | null; defaultTenant: string; onDone(): void };

/** Create or edit an alert rule (admins); the server validates, each message shows by its field. */
export function RuleEditor({ tenants, editing, defaultTenant, onDone }: Props) {
  const id = useId();
  const [form, setForm] = useState<RuleForm>(() => (editing ? ruleFormOf(editing) : emptyRuleForm(defaultTenant)));
  const create = trpc.alerts.rules.create.useMutation({ onSuccess: onDone });
  const update = trpc.alerts.rules.update.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(editing ? update.error : create.error, ruleFields(form.tiers.length));
  const set = (k: keyof RuleForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = toRuleInput(form);
    if (editing) update.mutate({ ...input, id: editing.id });
    else create.mutate(input);
  };
  const f = (k: string) => `${id}-${k.replace('.', '-')}`;
  const minutesField = form.kind === 'status' ? 'status.forMinutes' : 'stale.forMinutes';
  return (
    <form className="card alert-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`}>{editing ? `Edit rule ${editing.name}` : 'New alert rule'}</h3>
      <div className="form-grid">
        <Field id={f('name')} label="Name" error={byField.name}>
          {(a) => <input {...a} value={form.name} onChange={set('name')} />}
        </Field>
        <Field id={f('tenantName')} label="Tenant" error={byField.tenantName}>
          {(a) => (
            <select {...a} value={form.tenantName} onChange={set('tenantName')} disabled={editing !== null}>
              {[...new Set([form.tenantName, ...tenants])].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Field id={f('kind')} label="Kind" error={byField.kind}>
          {(a) => (
            <select {...a} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as RuleKind })}>
              {Object.entries(KIND_LABEL).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={f('scope.teamName')} label="Team (optional)" error={byField['scope.teamName']}>
          {(a) => <input {...a} value={form.teamName} onChange={set('teamName')} />}
        </Field>
        <Field id={f('scope.entityType')} label="Entity type (optional)" error={byField['scope.entityType']}>
          {(a) => <input {...a} value={form.entityType} onChange={set('entityType')} />}
        </Field>
        <Field id={f('scope.entityId')} label="Entity id (optional)" error={byField['scope.entityId']}>
          {(a) => <input {...a} inputMode="numeric" value={form.entityId} onChange={set('entityId')} />}
        </Field>
        <Field id={f('channels')} label="Channels" hint="Channel names, comma-separated" error={byField.channels}>
          {(a) => <input {...a} value={form.channels} onChange={set('channels')} />}
        </Field>
        {form.kind === 'status' ? (
          <Field id={f('status.to')} label="Fires on" error={byField['status.to']}>
            {(a) => (
              <select {...a} value={form.statusTo} onChange={set('statusTo')}>
                <option value="Failed">Status Failed</option>
                <option value="below_target">Below target</option>
              </select>
            )}
          </Field>
        ) : null}
        {form.kind === 'burn_rate' ? null : (
          <>
            <Field id={f(minutesField)} label="For at least (minutes)" error={byField[minutesField]}>
              {(a) => <input {...a} inputMode="numeric" value={form.forMinutes} onChange={set('forMinutes')} />}
            </Field>
            <Field id={f('severity')} label="Severity" error={byField.severity}>
              {(a) => (
                <select {...a} value={form.severity} onChange={set('severity')}>
                  {SEVERITIES.map((s) => (
                    <option key={s} value={s}>
                      {SEVERITY_LABEL[s]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </>
        )}
      </div>
      {form.kind === 'burn_rate' ? (
        <TierFields id={id} tiers={form.tiers} errors={byField} onChange={(tiers) => setForm({ ...form, tiers })} />
      ) : null}
      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={create.isPending || update.isPending}>
          {editing ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
