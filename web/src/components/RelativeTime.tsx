import { useSyncExternalStore } from 'react';
import { formatDateTime, formatRelative } from '../lib/format';

// One shared clock ticking every 15 s instead of a timer per cell; rows that re-render
// for other reasons read the current time anyway.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;
function subscribe(l: () => void) {
  listeners.add(l);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const fn of listeners) fn();
  }, 15_000);
  return () => {
    listeners.delete(l);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}
const getNow = () => now;

export function useNow(): number {
  return useSyncExternalStore(subscribe, getNow, getNow);
}

export function RelativeTime({ iso }: { iso: string | null | undefined }) {
  const t = useNow();
  if (!iso) return <span>never</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso, Math.max(t, Date.now()))}
    </time>
  );
}
