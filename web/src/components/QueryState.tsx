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
      <RetryNotice retry={retry} role="status" testId="unavailable-notice">
        {capitalised(what)} is unavailable for now: the database this needs is not reachable. It comes back by itself
        once the database returns.
      </RetryNotice>
    );
  }
  if (error) {
    return (
      <RetryNotice retry={retry} role="alert" className="notice-error">
        Could not load {what}: {error.message}
      </RetryNotice>
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

type RetryNoticeProps = {
  retry(): void;
  /** `status` for an expected absence (announced politely), `alert` for a failure. */
  role: 'status' | 'alert';
  className?: string;
  testId?: string;
  children: ReactNode;
};

/** A notice with a "Try again" button: the one face of every failed or unavailable read. */
function RetryNotice({ retry, role, className, testId, children }: RetryNoticeProps) {
  return (
    <div className={className ? `notice ${className}` : 'notice'} role={role} data-testid={testId}>
      <p>{children}</p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
