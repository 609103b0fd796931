import type { AlertRuleAnswer } from '@sla/shared';
import { useId } from 'react';
import { Field, TextField } from '../components/Field';
import { FormCard, ScopeFields, TenantField, useFormState } from '../components/FormCard';
import { KIND_LABEL } from '../lib/alerts';
import { fieldErrors } from '../lib/field-errors';
import { emptyRuleForm, type RuleForm, type RuleKind, ruleFields, ruleFormOf, toRuleInput } from '../lib/rule-form';
import { trpc } from '../trpc';
import { SeverityOptions, TierFields } from './TierFields';

type Props = { tenants: string[]; editing: AlertRuleAnswer | null; defaultTenant: string; onDone(): void };

/** Create or edit an alert rule (admins); the server validates, each message shows by its field. */
export function RuleEditor({ tenants, editing, defaultTenant, onDone }: Props) {
  const id = useId();
  const state = useFormState<RuleForm>(() => (editing ? ruleFormOf(editing) : emptyRuleForm(defaultTenant)), id);
  const { form, setForm } = state;
  const create = trpc.alerts.rules.create.useMutation({ onSuccess: onDone });
  const update = trpc.alerts.rules.update.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(editing ? update.error : create.error, ruleFields(form.tiers.length));
  const bind = state.bind(byField);
  const submit = () => {
    const input = toRuleInput(form);
    if (editing) update.mutate({ ...input, id: editing.id });
    else create.mutate(input);
  };
  const kind = bind('kind');
  const statusTo = bind('statusTo', 'status.to');
  const severity = bind('severity');
  return (
    <FormCard
      title={editing ? `Edit rule ${editing.name}` : 'New alert rule'}
      submitLabel={editing ? 'Save rule' : 'Create rule'}
      onSubmit={submit}
      onCancel={onDone}
      className="alert-form"
      general={general}
      pending={create.isPending || update.isPending}
    >
      <div className="form-grid">
        <TextField label="Name" {...bind('name')} />
        <TenantField tenants={tenants} disabled={editing !== null} {...bind('tenantName')} />
        <Field id={kind.id} label="Kind" error={kind.error}>
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
        <ScopeFields bind={(k) => bind(k, `scope.${k}`)} />
        <TextField label="Channels" hint="Channel names, comma-separated" {...bind('channels')} />
        {form.kind === 'status' ? (
          <Field id={statusTo.id} label="Fires on" error={statusTo.error}>
            {(a) => (
              <select {...a} value={statusTo.value} onChange={statusTo.onChange}>
                <option value="Failed">Status Failed</option>
                <option value="below_target">Below target</option>
              </select>
            )}
          </Field>
        ) : null}
        {form.kind === 'burn_rate' ? null : (
          <>
            <TextField
              label="For at least (minutes)"
              inputMode="numeric"
              {...bind('forMinutes', form.kind === 'status' ? 'status.forMinutes' : 'stale.forMinutes')}
            />
            <Field id={severity.id} label="Severity" error={severity.error}>
              {(a) => (
                <select {...a} value={severity.value} onChange={severity.onChange}>
                  <SeverityOptions />
                </select>
              )}
            </Field>
          </>
        )}
      </div>
      {form.kind === 'burn_rate' ? (
        <TierFields id={id} tiers={form.tiers} errors={byField} onChange={(tiers) => setForm({ ...form, tiers })} />
      ) : null}
    </FormCard>
  );
}
