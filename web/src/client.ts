import { MAX_BATCH_CALLS } from '@sla/shared/limits';
import { QueryClient } from '@tanstack/react-query';
import { createWSClient, httpBatchLink, httpLink, splitLink, wsLink } from '@trpc/client';
import { type ConnectionStore, connectStore, createConnectionStore } from './live/connection-store';
import { trpc } from './trpc';

/**
 * The link for queries and mutations: batched over HTTP, at most MAX_BATCH_CALLS calls per
 * request (the server refuses larger batches; the link splits them instead).
 */
export const batchLink = (origin: string) => httpBatchLink({ url: `${origin}/trpc`, maxItems: MAX_BATCH_CALLS });

/**
 * The link for queries: one GET per query, unbatched, so each URL is one cacheable answer
 * the pod serves from its hot read path (cached bytes, ETag, compression; see
 * docs/benchmarks.md) and the browser revalidates with If-None-Match. Over HTTP/1.1 keep-alive
 * the few parallel queries of a page cost little more than one batch.
 */
export const queryLink = (origin: string) => httpLink({ url: `${origin}/trpc` });

/** Everything but subscriptions: queries unbatched (`queryLink`) unless they ask, mutations batched (`batchLink`). */
export const httpLinks = (origin: string) =>
  splitLink({
    // A query may ask to be batched (`trpc: { context: { batch: true } }`): many small reads of
    // one view (a sparkline per table row) then share a request instead of queueing dozens.
    condition: (op) => op.type === 'query' && op.context.batch !== true,
    true: queryLink(origin),
    false: batchLink(origin),
  });

/** Quick first retries, then at most every 5 s: a pod restart should look like a blip. */
export const retryDelayMs = (attempt: number): number => Math.min(250 * 2 ** attempt, 5000);

export type Clients = {
  queryClient: QueryClient;
  trpcClient: ReturnType<typeof trpc.createClient>;
  connection: ConnectionStore;
  close(): void;
};

/** Everything the app talks to the pod with; one instance per page load. */
export function createClients(loc: Location = window.location): Clients {
  const wsUrl = `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/trpc`;
  const wsClient = createWSClient({
    url: wsUrl,
    // Lazy: no socket until the first subscription, i.e. after sign-in when one is needed,
    // so the handshake carries the session cookie.
    lazy: { enabled: true, closeMs: 10_000 },
    // A half-open connection (a cable pulled, a NAT timeout) is only noticed by pinging.
    keepAlive: { enabled: true, intervalMs: 5000, pongTimeoutMs: 3000 },
    retryDelayMs,
  });
  const connection = createConnectionStore();
  const disconnect = connectStore(connection, wsClient.connectionState);
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // Live events keep cached data fresh; refetching on every focus would only add load.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: 2,
      },
    },
  });
  const trpcClient = trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpLinks(loc.origin),
      }),
    ],
  });
  return {
    queryClient,
    trpcClient,
    connection,
    close() {
      disconnect();
      void wsClient.close();
    },
  };
}
