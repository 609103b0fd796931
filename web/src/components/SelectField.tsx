import type { ReactNode } from 'react';

type Props = {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** Plain values, shown as themselves. */
  options?: readonly string[];
  /** Or the `<option>`s / `<optgroup>`s to show. */
  children?: ReactNode;
  /** A first option with the value "" (e.g. "All tenants"). */
  all?: string;
};

/** A labelled `<select>` of the filter bars. */
export function SelectField({ id, label, value, onChange, options, children, all }: Props) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {all === undefined ? null : <option value="">{all}</option>}
        {options?.map((o) => (
          <option key={o}>{o}</option>
        ))}
        {children}
      </select>
    </div>
  );
}
