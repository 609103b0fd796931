import type { ReactNode } from 'react';

type Props = {
  isPending: boolean;
  /** A tRPC client error: `data.httpStatus` 503 means a dependency is away, not a failure of the request. */
  error: { message: string; data?: { httpStatus?: number } | null } | null;
  retry(): void;
  what: string;
  children: ReactNode;
};

/** The loading and error faces every data view shares; children render once data is there. */
export function QueryState({ isPending, error, retry, what, children }: Props) {
  if (error?.data?.httpStatus === 503) {
    return (
      <div className="notice" role="status" data-testid="unavailable-notice">
        <p>
          {capitalised(what)} is unavailable for now: the database this needs is not reachable. It comes back by itself
          once the database returns.
        </p>
        <button type="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  if (error) {
    return (
      <div className="notice notice-error" role="alert">
        <p>
          Could not load {what}: {error.message}
        </p>
        <button type="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  if (isPending) {
    return (
      <p className="loading" role="status">
        Loading {what}…
      </p>
    );
  }
  return <>{children}</>;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
