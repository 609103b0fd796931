import type { ReactNode } from 'react';
import { QueryState } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { useTitle } from '../components/useTitle';
import { formatCount, formatDateTime } from '../lib/format';
import { trpc } from '../trpc';

const Item = ({ term, children }: { term: string; children: ReactNode }) => (
  <div>
    <dt>{term}</dt>
    <dd>{children}</dd>
  </div>
);

/** ioredis says "ready" when usable; anything else deserves attention. */
const conn = (state: string) => <span className={`conn-text ${state === 'ready' ? 'ok' : 'warn'}`}>{state}</span>;

export default function System() {
  useTitle('System');
  const status = trpc.cache.status.useQuery(undefined, { refetchInterval: 5000 });
  const s = status.data;
  return (
    <>
      <h1 tabIndex={-1}>System</h1>
      <QueryState
        isPending={status.isPending}
        error={status.error}
        retry={() => void status.refetch()}
        what="the cache status"
      >
        {s ? (
          <dl className="meta system">
            <Item term="Cache mode">
              <strong className={s.mode === 'redis' ? 'ok' : 'warn'}>{s.mode}</strong>
            </Item>
            <Item term="Redis connection">{conn(s.redisConnection)}</Item>
            <Item term="Subscriber connection">{conn(s.subscriberConnection)}</Item>
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
        ) : null}
      </QueryState>
    </>
  );
}
