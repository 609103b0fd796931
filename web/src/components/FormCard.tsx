import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { type Bound, Field, TextField } from './Field';

type Props = {
  title: string;
  /** h2 on a page of its own (windows), h3 inside a section (alerts). */
  level?: 2 | 3;
  className: string;
  submitLabel: string;
  pending: boolean;
  /** The server's messages that name no field of the form. */
  general: string | null;
  onSubmit(): void;
  onCancel(): void;
  children: ReactNode;
};

/**
 * An admin's form as a card: heading, fields, the server's messages that name no field, then
 * submit and cancel. `noValidate`: the server's 400 is the one source of the rules.
 */
export function FormCard({
  title,
  level = 3,
  className,
  submitLabel,
  pending,
  general,
  onSubmit,
  onCancel,
  children,
}: Props) {
  const id = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form className={`card ${className}`} onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <Heading id={`${id}-title`}>{title}</Heading>
      {children}
      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * A form's fields as strings, with `bind(key, path)`: the props of that field's input (id,
 * value, change handler) and the server's message for `path` (the issue path; default the key).
 */
export function useFormState<T extends object>(init: () => T, formId: string) {
  const [form, setForm] = useState<T>(init);
  const set = (k: keyof T) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const bind =
    (errors: Partial<Record<string, string>>) =>
    (k: keyof T & string, path: string = k): Bound => ({
      id: `${formId}-${path.replace(/\./g, '-')}`,
      value: String(form[k] ?? ''),
      error: errors[path],
      onChange: set(k),
    });
  return { form, setForm, set, bind };
}

/** The tenant of what an admin writes: the tenants the token covers (and the current one). */
export function TenantField({
  tenants,
  disabled,
  id,
  value,
  error,
  onChange,
}: Bound & { tenants: readonly string[]; disabled?: boolean }) {
  return (
    <Field id={id} label="Tenant" error={error}>
      {(a) => (
        <select {...a} value={value} onChange={onChange} disabled={disabled}>
          {[...new Set([value, ...tenants])].map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

type ScopeKey = 'teamName' | 'entityType' | 'entityId';

/** The optional narrowing of a scope inside a tenant: team, entity type, entity id (blank: all). */
export function ScopeFields({ bind }: { bind(k: ScopeKey): Bound }) {
  return (
    <>
      <TextField label="Team (optional)" {...bind('teamName')} />
      <TextField label="Entity type (optional)" {...bind('entityType')} />
      <TextField label="Entity id (optional)" inputMode="numeric" {...bind('entityId')} />
    </>
  );
}
