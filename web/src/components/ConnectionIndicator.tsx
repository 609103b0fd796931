import { INDICATOR_TEXT } from '../lib/connection';
import { type ConnectionStore, useConnection } from '../live/connection-store';

/** Live-update state of the WebSocket; a polite live region so changes are announced once. */
export function ConnectionIndicator({ connection }: { connection: ConnectionStore }) {
  const { indicator } = useConnection(connection);
  return (
    <div className={`conn conn-${indicator}`} role="status" aria-live="polite" data-state={indicator}>
      <span className="conn-dot" aria-hidden="true" />
      <span>
        <span className="visually-hidden">Live updates: </span>
        {INDICATOR_TEXT[indicator]}
      </span>
    </div>
  );
}
