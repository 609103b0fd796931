import { type FormEvent, useId, useState } from 'react';
import { Field } from '../components/Field';
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

type Props = { draft: SilenceDraft; tenants: string[]; onDone(): void };

/** Silence alerts of a scope (prefilled from an alert) until an end time, with a reason (admins; audited). */
export function SilenceForm({ draft, tenants, onDone }: Props) {
  const id = useId();
  const [form, setForm] = useState<Form>(() => formOf(draft));
  const create = trpc.alerts.silences.create.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(create.error, FIELDS);
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const entityId = form.entityId.trim();
    create.mutate({
      tenantName: form.tenantName,
      teamName: orNull(form.teamName),
      entityType: orNull(form.entityType),
      // Sent as typed when not a number, so the server names the field.
      entityId:
        entityId === ''
          ? null
          : Number.isInteger(Number(entityId))
            ? Number(entityId)
            : (entityId as unknown as number),
      ruleName: orNull(form.ruleName),
      endsAt: fromLocalInput(form.endsAt),
      reason: form.reason,
    });
  };
  const f = (k: keyof Form) => `${id}-${k}`;
  return (
    <form className="card alert-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`}>New silence</h3>
      <p className="hint">Alerts in this scope are not delivered until the end time; blank fields cover everything.</p>
      <div className="form-grid">
        <Field id={f('tenantName')} label="Tenant" error={byField.tenantName}>
          {(a) => (
            <select {...a} value={form.tenantName} onChange={set('tenantName')}>
              {[...new Set([form.tenantName, ...tenants])].map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Field id={f('teamName')} label="Team (optional)" error={byField.teamName}>
          {(a) => <input {...a} value={form.teamName} onChange={set('teamName')} />}
        </Field>
        <Field id={f('entityType')} label="Entity type (optional)" error={byField.entityType}>
          {(a) => <input {...a} value={form.entityType} onChange={set('entityType')} />}
        </Field>
        <Field id={f('entityId')} label="Entity id (optional)" error={byField.entityId}>
          {(a) => <input {...a} inputMode="numeric" value={form.entityId} onChange={set('entityId')} />}
        </Field>
        <Field id={f('ruleName')} label="Rule (optional)" error={byField.ruleName}>
          {(a) => <input {...a} value={form.ruleName} onChange={set('ruleName')} />}
        </Field>
        <Field id={f('endsAt')} label="Ends at" error={byField.endsAt}>
          {(a) => <input {...a} type="datetime-local" value={form.endsAt} onChange={set('endsAt')} />}
        </Field>
        <Field id={f('reason')} label="Reason" error={byField.reason}>
          {(a) => <input {...a} value={form.reason} onChange={set('reason')} />}
        </Field>
      </div>
      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={create.isPending}>
          Create silence
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
