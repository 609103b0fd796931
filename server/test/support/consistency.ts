import { Redis } from 'ioredis';
import pg from 'pg';
import type { App } from '../../src/bootstrap.js';
import type { RedisClient } from '../../src/cache/redis/client.js';
import { RedisStore } from '../../src/cache/redis/store.js';
import type { EntityState } from '../../src/domain/entity.js';
import { PG_URL } from './app.js';

export type EntityFacts = { version: number; currentSla: number; status: string };

/** Every entity's id → (version, SLA, status) as PostgreSQL has it (of one tenant, when given). */
export async function pgEntities(schema: string, url = PG_URL, tenantName?: string): Promise<Map<number, EntityFacts>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sql = `SELECT id, version, current_sla, status FROM "${schema}".sla_entity`;
    const { rows } = tenantName
      ? await client.query(`${sql} WHERE tenant_name = $1`, [tenantName])
      : await client.query(sql);
    return new Map(
      rows.map((r) => [
        Number(r.id),
        { version: Number(r.version), currentSla: Number(r.current_sla), status: r.status },
      ]),
    );
  } finally {
    await client.end();
  }
}

export async function pgChangeIds(schema: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT id FROM "${schema}".sla_change ORDER BY id`);
    return rows.map((r) => Number(r.id));
  } finally {
    await client.end();
  }
}

/** Every entity of the current Redis generation under `prefix`, decoded (none when there is no generation). */
export async function currentGeneration(redis: RedisClient, prefix: string): Promise<EntityState[]> {
  const all: EntityState[] = [];
  await new RedisStore(redis, prefix).scan((batch) => {
    all.push(...batch);
  });
  return all;
}

/** The current generation's entities in Redis. */
export async function redisEntities(url: string, prefix: string): Promise<Map<number, EntityFacts>> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  try {
    return new Map(
      (await currentGeneration(redis, prefix)).map((e) => [
        e.id,
        { version: e.version, currentSla: e.currentSla, status: e.status },
      ]),
    );
  } finally {
    redis.disconnect();
  }
}

export function podEntities(app: App): Map<number, EntityFacts> {
  return new Map(
    [...app.deps.cache.view.entities()].map((e) => [
      e.id,
      { version: e.version, currentSla: e.currentSla, status: e.status },
    ]),
  );
}

/** A pod's view over HTTP (for pods running as separate processes). */
export async function podEntitiesOver(url: string, tenantName: string): Promise<Map<number, EntityFacts>> {
  const input = encodeURIComponent(JSON.stringify({ tenantName, limit: 500 }));
  const res = (await (await fetch(`${url}/trpc/entities.list?input=${input}`)).json()) as {
    result: { data: { items: { id: number; version: number; currentSla: number; status: string }[] } };
  };
  return new Map(
    res.result.data.items.map((e) => [e.id, { version: e.version, currentSla: e.currentSla, status: e.status }]),
  );
}

export const sorted = (m: Map<number, EntityFacts>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
