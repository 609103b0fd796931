import type { AppRouter } from '@sla/server';
import { MAX_BATCH_CALLS } from '@sla/shared';
import { createTRPCClient } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchLink } from '../../src/client';
import { startServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ DEMO: 'off' });
});
afterAll(async () => {
  await server?.close();
});

describe("the dashboard's tRPC client", () => {
  it(`keeps each HTTP batch within the server's limit of ${MAX_BATCH_CALLS} calls`, async () => {
    const client = createTRPCClient<AppRouter>({ links: [batchLink(server.url)] });
    // More queries in one tick than one batch may carry: the link must split them, not fail them all.
    const n = 3 * MAX_BATCH_CALLS + 1;
    const results = await Promise.all(Array.from({ length: n }, () => client.entities.summary.query({ worst: 1 })));
    expect(results).toHaveLength(n);
  });
});
