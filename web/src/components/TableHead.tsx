import type { ReactNode } from 'react';

/** A column heading: its text, or text and a class (`num` for right-aligned figures). */
export type Column = string | { label: string; className: string };

/** A table's header row, each heading a column header for screen readers. */
export function TableHead({ columns }: { columns: readonly (Column | null)[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          c === null ? null : typeof c === 'string' ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" className={c.className}>
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** The actions cell of a row, present only when the table has an actions column (some row is editable). */
export function ActionsCell({ shown, children }: { shown: boolean; children: ReactNode }) {
  return shown ? <td className="row-actions">{children}</td> : null;
}
