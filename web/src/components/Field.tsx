import type { ReactNode } from 'react';

type FieldProps = {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (a: object) => ReactNode;
};

/** A labelled field whose server message sits right under it, tied to the input by aria-describedby. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-err` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-err`} className="field-error" data-field-error>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** What a bound form field carries: its id, value, change handler and the server's message. */
export type Bound = {
  id: string;
  value: string;
  error: string | undefined;
  onChange(e: { target: { value: string } }): void;
};

type TextProps = Bound & {
  label: string;
  hint?: string | undefined;
  type?: 'text' | 'url' | 'password' | 'datetime-local';
  inputMode?: 'numeric' | 'decimal';
  autoComplete?: string;
};

/** A labelled text input with the server's message under it. */
export function TextField({ id, label, error, hint, ...input }: TextProps) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      {(a) => <input {...a} {...input} />}
    </Field>
  );
}
