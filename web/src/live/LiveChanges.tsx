import { useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { recoveryFor } from '../lib/subscription-error';
import { trpc } from '../trpc';
import { type ConnectionStore, useConnection } from './connection-store';
import { createLiveUpdater, type LiveUpdater } from './live-updater';

/** Delay before subscribing again after the server ended the subscription with an error. */
const RESUBSCRIBE_MS = 3000;

function ChangeStream({ updater, onFailed }: { updater: LiveUpdater; onFailed(err: unknown): void }) {
  trpc.cache.onChange.useSubscription({}, { onData: (event) => updater.push(event.data), onError: onFailed });
  return null;
}

/**
 * The app's single change subscription (no filters: every view takes what it needs from
 * one stream). A dropped socket is the link's job: it reconnects and resends the last
 * change cursor, so the server replays what was missed. An error from the server itself
 * ends the subscription, so it is remounted (a new subscription, without a cursor): at
 * once, with every query refetched, when the server refused the cursor (the log was
 * replaced, e.g. a database restore); otherwise after a pause.
 */
export function LiveChanges({ connection }: { connection: ConnectionStore }) {
  const qc = useQueryClient();
  const updater = useMemo(() => createLiveUpdater(qc), [qc]);
  const [generation, setGeneration] = useState(0);
  const { reconnects } = useConnection(connection);
  const seenReconnects = useRef(reconnects);

  useEffect(() => {
    if (reconnects === seenReconnects.current) return;
    seenReconnects.current = reconnects;
    // Replay restores the change stream; a refetch also restores server-side ordering and
    // stale flags that moved while we were away.
    updater.refetchAll();
  }, [reconnects, updater]);

  const onFailed = (err: unknown) => {
    if (recoveryFor(err) === 'reload-from-head') {
      setGeneration((g) => g + 1);
      updater.refetchAll();
      return;
    }
    void qc.invalidateQueries({ queryKey: getQueryKey(trpc.auth.session) });
    setTimeout(() => setGeneration((g) => g + 1), RESUBSCRIBE_MS);
  };
  return <ChangeStream key={generation} updater={updater} onFailed={onFailed} />;
}
