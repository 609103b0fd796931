import type { MaintenanceWindow } from '@sla/shared';
import { type FormEvent, useId, useState } from 'react';
import { Field } from '../components/Field';
import { fieldErrors } from '../lib/field-errors';
import { emptyForm, formOf, toInput, WINDOW_FIELDS, type WindowForm } from '../lib/window-form';
import { WINDOW_CATEGORIES, WINDOW_CATEGORY_LABEL } from '../lib/windows';
import { trpc } from '../trpc';

type Props = { tenants: string[]; editing: MaintenanceWindow | null; defaultTenant: string; onDone(): void };

/** Create or edit a maintenance window (admins only); the server validates, each message shows by its field. */
export function WindowEditor({ tenants, editing, defaultTenant, onDone }: Props) {
  const id = useId();
  const [form, setForm] = useState<WindowForm>(() => (editing ? formOf(editing) : emptyForm(defaultTenant)));
  const create = trpc.windows.create.useMutation({ onSuccess: onDone });
  const update = trpc.windows.update.useMutation({ onSuccess: onDone });
  const pending = create.isPending || update.isPending;
  const { byField, general } = fieldErrors(editing ? update.error : create.error, WINDOW_FIELDS);
  const set = (k: keyof WindowForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = toInput(form);
    if (editing) update.mutate({ ...input, id: editing.id });
    else create.mutate(input);
  };
  const f = (k: keyof WindowForm) => `${id}-${k}`;
  return (
    <form className="card window-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h2 id={`${id}-title`}>{editing ? `Edit window #${editing.id}` : 'New maintenance window'}</h2>
      <div className="form-grid">
        <Field id={f('tenantName')} label="Tenant" error={byField.tenantName}>
          {(a) => (
            <select {...a} value={form.tenantName} onChange={set('tenantName')}>
              {tenants.map((t) => (
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
        <Field id={f('category')} label="Category" error={byField.category}>
          {(a) => (
            <select {...a} value={form.category} onChange={set('category')}>
              {WINDOW_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {WINDOW_CATEGORY_LABEL[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={f('reason')} label="Reason" error={byField.reason}>
          {(a) => <input {...a} value={form.reason} onChange={set('reason')} />}
        </Field>
        <Field id={f('start')} label="Start" error={byField.start}>
          {(a) => <input {...a} type="datetime-local" value={form.start} onChange={set('start')} />}
        </Field>
        <Field id={f('end')} label="End" error={byField.end}>
          {(a) => <input {...a} type="datetime-local" value={form.end} onChange={set('end')} />}
        </Field>
        <Field id={f('rrule')} label="Repeats (RRULE, optional)" error={byField.rrule} hint="e.g. FREQ=WEEKLY;BYDAY=SU">
          {(a) => <input {...a} value={form.rrule} onChange={set('rrule')} />}
        </Field>
        <Field id={f('timeZone')} label="Time zone" error={byField.timeZone}>
          {(a) => <input {...a} value={form.timeZone} onChange={set('timeZone')} />}
        </Field>
        <Field id={f('until')} label="Repeat until (optional)" error={byField.until}>
          {(a) => <input {...a} type="datetime-local" value={form.until} onChange={set('until')} />}
        </Field>
      </div>
      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={pending}>
          {editing ? 'Save changes' : 'Create window'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
