import type { ReactNode } from 'react';
import { QueryState } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { useTitle } from '../components/useTitle';
import { type CacheMode, cacheModeOf } from '../lib/cache-mode';
import { formatCount, formatDateTime } from '../lib/format';
import { trpc } from '../trpc';
import { FleetTable } from './FleetTable';

const Item = ({ term, children }: { term: string; children: ReactNode }) => (
  <div>
    <dt>{term}</dt>
    <dd>{children}</dd>
  </div>
);

/** ioredis says "ready" when usable; anything else deserves attention, unless Redis is not configured. */
const conn = (state: string, mode: CacheMode) =>
  mode.kind === 'standalone' ? (
    <span className="muted">not configured</span>
  ) : (
    <span className={`conn-text ${state === 'ready' ? 'ok' : 'warn'}`}>{state}</span>
  );

/** Standalone is a choice, shown plainly; only a pod that lost its configured Redis is in warning colours. */
const modeText = (mode: CacheMode, raw: string) =>
  mode.kind === 'standalone' ? (
    <strong>standalone ({raw})</strong>
  ) : (
    <strong className={mode.kind === 'shared' ? 'ok' : 'warn'}>{raw}</strong>
  );

/** Why a pod without REDIS_URL has no shared cache, and that nothing is wrong with that. */
const StandaloneNote = () => (
  <p className="notice system-note" data-testid="standalone-note">
    <strong>Standalone: no shared cache (REDIS_URL not set).</strong> This pod keeps its own cache in memory and every
    update is still saved to PostgreSQL. Set <code>REDIS_URL</code> to share one cache between pods.
  </p>
);

export default function System() {
  useTitle('System');
  const status = trpc.cache.status.useQuery(undefined, { refetchInterval: 5000 });
  const s = status.data;
  const mode = s ? cacheModeOf(s) : null;
  return (
    <>
      <h1 tabIndex={-1}>System</h1>
      <QueryState
        isPending={status.isPending}
        error={status.error}
        retry={() => void status.refetch()}
        what="the cache status"
      >
        {s && mode ? (
          <>
            {mode.kind === 'standalone' ? <StandaloneNote /> : null}
            <dl className="meta system">
              <Item term="Cache mode">{modeText(mode, s.mode)}</Item>
              <Item term="Redis connection">{conn(s.redisConnection, mode)}</Item>
              <Item term="Subscriber connection">{conn(s.subscriberConnection, mode)}</Item>
              <Item term="Last refresh">
                {s.lastRefresh ? (
                  <>
                    <RelativeTime iso={s.lastRefresh.at} /> ({formatDateTime(s.lastRefresh.at)}),{' '}
                    {formatCount(s.lastRefresh.entityCount)} entities in{' '}
                    {formatCount(Math.round(s.lastRefresh.durationMs))} ms by {s.lastRefresh.podId}
                  </>
                ) : (
                  'never'
                )}
              </Item>
              <Item term="Generation">{s.generation ?? '–'}</Item>
              <Item term="Entities">{formatCount(s.entityCount)}</Item>
              <Item term="Last change id">{formatCount(s.lastChangeId)}</Item>
              <Item term="Cache initialised">{s.isInitialized ? 'yes' : 'no'}</Item>
              <Item term="Last updated">{formatDateTime(s.lastUpdated)}</Item>
              <Item term="Refresh lock holder">{s.lockHolder ?? 'none'}</Item>
              <Item term="Hits / misses">
                {formatCount(s.hits)} / {formatCount(s.misses)}
              </Item>
              <Item term="Serving pod">{s.podId}</Item>
            </dl>
            <h2>Fleet</h2>
            <FleetTable pods={s.pods} servingPod={s.podId} />
          </>
        ) : null}
      </QueryState>
    </>
  );
}
