import type { MaintenanceWindow } from '@sla/shared';
import { useId } from 'react';
import { Field, TextField } from '../components/Field';
import { FormCard, ScopeFields, TenantField, useFormState } from '../components/FormCard';
import { fieldErrors } from '../lib/field-errors';
import { emptyForm, formOf, toInput, WINDOW_FIELDS, type WindowForm } from '../lib/window-form';
import { WINDOW_CATEGORIES, WINDOW_CATEGORY_LABEL } from '../lib/windows';
import { trpc } from '../trpc';

type Props = { tenants: string[]; editing: MaintenanceWindow | null; defaultTenant: string; onDone(): void };

/** Create or edit a maintenance window (admins only); the server validates, each message shows by its field. */
export function WindowEditor({ tenants, editing, defaultTenant, onDone }: Props) {
  const id = useId();
  const state = useFormState<WindowForm>(() => (editing ? formOf(editing) : emptyForm(defaultTenant)), id);
  const create = trpc.windows.create.useMutation({ onSuccess: onDone });
  const update = trpc.windows.update.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(editing ? update.error : create.error, WINDOW_FIELDS);
  const bind = state.bind(byField);
  const submit = () => {
    const input = toInput(state.form);
    if (editing) update.mutate({ ...input, id: editing.id });
    else create.mutate(input);
  };
  const category = bind('category');
  return (
    <FormCard
      title={editing ? `Edit window #${editing.id}` : 'New maintenance window'}
      level={2}
      className="window-form"
      submitLabel={editing ? 'Save changes' : 'Create window'}
      pending={create.isPending || update.isPending}
      general={general}
      onSubmit={submit}
      onCancel={onDone}
    >
      <div className="form-grid">
        <TenantField tenants={tenants} {...bind('tenantName')} />
        <ScopeFields bind={bind} />
        <Field id={category.id} label="Category" error={category.error}>
          {(a) => (
            <select {...a} value={category.value} onChange={category.onChange}>
              {WINDOW_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {WINDOW_CATEGORY_LABEL[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField label="Reason" {...bind('reason')} />
        <TextField label="Start" type="datetime-local" {...bind('start')} />
        <TextField label="End" type="datetime-local" {...bind('end')} />
        <TextField label="Repeats (RRULE, optional)" hint="e.g. FREQ=WEEKLY;BYDAY=SU" {...bind('rrule')} />
        <TextField label="Time zone" {...bind('timeZone')} />
        <TextField label="Repeat until (optional)" type="datetime-local" {...bind('until')} />
      </div>
    </FormCard>
  );
}
