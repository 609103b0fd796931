import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, loadConfig } from '@sla/server';

export type TestServer = { url: string; port: number; close(): Promise<void> };

/**
 * Boots exactly what production boots, on an ephemeral port with its own embedded database
 * (or, given DATABASE_URL in env, its own schema there).
 */
export async function startServer(
  env: Record<string, string> = {},
  opts: { schema?: string } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sla-web-'));
  const app = await bootstrap(
    // The demo poller stays off so tests see only the changes they make.
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: 'on',
      DEMO_POLLER_INTERVAL_MS: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      ...env,
    }),
    opts,
  );
  return {
    url: app.url,
    port: Number(new URL(app.url).port),
    close: async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

type Update = {
  entityName: string;
  entityType: string;
  teamName: string;
  tenantName: string;
  currentSla: number;
  status: 'Passed' | 'Failed' | 'AtRisk' | 'NoData';
  slaTarget?: number;
  observedAt?: string;
};

/** Pushes a poller result the way a poller does: the public REST endpoint. */
export async function postUpdate(
  url: string,
  update: Update,
): Promise<{ changeId: number | null; entity: { id: number } }> {
  const res = await fetch(`${url}/api/cache/incremental-update`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(update),
  });
  if (!res.ok) throw new Error(`update rejected: ${res.status} ${await res.text()}`);
  return (await res.json()) as { changeId: number | null; entity: { id: number } };
}

/** Calls a tRPC query over plain HTTP, to compare the page with what the API says. */
export async function query<T>(url: string, path: string, input?: unknown): Promise<T> {
  const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetch(`${url}/trpc/${path}${qs}`);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { result: { data: T } };
  return body.result.data;
}
