import { useId } from 'react';
import { TextField } from '../components/Field';
import { FormCard, ScopeFields, TenantField, useFormState } from '../components/FormCard';
import { fieldErrors } from '../lib/field-errors';
import { fromLocalInput, toLocalInput } from '../lib/windows';
import { trpc } from '../trpc';

/** What the silence form starts from: an alert's scope (`silenceDraft`) or a blank one. */
export type SilenceDraft = {
  tenantName: string;
  teamName: string | null;
  entityType: string | null;
  entityId: number | null;
  ruleName: string | null;
  endsAt: string;
  reason: string;
};
const FIELDS = ['tenantName', 'teamName', 'entityType', 'entityId', 'ruleName', 'endsAt', 'reason'] as const;
type Form = Record<(typeof FIELDS)[number], string>;

const formOf = (d: SilenceDraft): Form => ({
  tenantName: d.tenantName,
  teamName: d.teamName ?? '',
  entityType: d.entityType ?? '',
  entityId: d.entityId == null ? '' : String(d.entityId),
  ruleName: d.ruleName ?? '',
  endsAt: toLocalInput(d.endsAt),
  reason: d.reason,
});

const orNull = (v: string) => v.trim() || null;

/** An entity id as typed: blank is none; not a number is sent as typed, so the server names the field. */
function entityIdOf(v: string): number | null {
  const t = v.trim();
  if (t === '') return null;
  return Number.isInteger(Number(t)) ? Number(t) : (t as unknown as number);
}

type Props = { draft: SilenceDraft; tenants: string[]; onDone(): void };

/** Silence alerts of a scope (prefilled from an alert) until an end time, with a reason (admins; audited). */
export function SilenceForm({ draft, tenants, onDone }: Props) {
  const id = useId();
  const state = useFormState<Form>(() => formOf(draft), id);
  const create = trpc.alerts.silences.create.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(create.error, FIELDS);
  const bind = state.bind(byField);
  const { form } = state;
  const submit = () =>
    create.mutate({
      tenantName: form.tenantName,
      teamName: orNull(form.teamName),
      entityType: orNull(form.entityType),
      entityId: entityIdOf(form.entityId),
      ruleName: orNull(form.ruleName),
      endsAt: fromLocalInput(form.endsAt),
      reason: form.reason,
    });
  return (
    <FormCard
      title="New silence"
      className="alert-form"
      submitLabel="Create silence"
      pending={create.isPending}
      general={general}
      onSubmit={submit}
      onCancel={onDone}
    >
      <p className="hint">Alerts in this scope are not delivered until the end time; blank fields cover everything.</p>
      <div className="form-grid">
        <TenantField tenants={tenants} {...bind('tenantName')} />
        <ScopeFields bind={bind} />
        <TextField label="Rule (optional)" {...bind('ruleName')} />
        <TextField label="Ends at" type="datetime-local" {...bind('endsAt')} />
        <TextField label="Reason" {...bind('reason')} />
      </div>
    </FormCard>
  );
}
