import type { ReactNode } from 'react';
import { QueryState } from './QueryState';
import { ScrollRegion } from './ScrollRegion';

type Props = {
  query: {
    isPending: boolean;
    error: { message: string; data?: { httpStatus?: number } | null } | null;
    refetch(): unknown;
  };
  what: string;
  /** Shown instead of the table when there is nothing to list. */
  empty: string | null;
  /** The scroll region's name for screen readers. */
  label: string;
  /** A failed action on the list (e.g. a delete), shown above it. */
  actionError?: string | null;
  children: ReactNode;
};

/** A list read's faces: a failed action, loading or error, the empty text, or the table in its own scroll region. */
export function ListView({ query, what, empty, label, actionError, children }: Props) {
  return (
    <>
      {actionError ? (
        <p className="notice notice-error" role="alert">
          {actionError}
        </p>
      ) : null}
      <QueryState isPending={query.isPending} error={query.error} retry={() => void query.refetch()} what={what}>
        {empty !== null ? <p className="muted">{empty}</p> : <ScrollRegion label={label}>{children}</ScrollRegion>}
      </QueryState>
    </>
  );
}

/** "Could not delete: …" for a failed mutation, else null. */
export const failure = (verb: string, err: { message: string } | null): string | null =>
  err ? `Could not ${verb}: ${err.message}` : null;
