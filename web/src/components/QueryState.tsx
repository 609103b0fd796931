import type { ReactNode } from 'react';

type Props = {
  isPending: boolean;
  error: { message: string } | null;
  retry(): void;
  what: string;
  children: ReactNode;
};

/** The loading and error faces every data view shares; children render once data is there. */
export function QueryState({ isPending, error, retry, what, children }: Props) {
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
