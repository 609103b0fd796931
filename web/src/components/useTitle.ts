import { useEffect } from 'react';

/** Each view names the tab, which is also what screen readers announce on navigation. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · SLA dashboard`;
  }, [title]);
}
