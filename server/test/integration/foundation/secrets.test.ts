import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from '../../../../test/support/redis-server.js';
import { bootstrap } from '../../../src/bootstrap.js';
import { loadConfig } from '../../../src/platform/config.js';
import { dropSchema, getJson, PG_URL, post, UPDATE, uniqueSchema } from '../../support/app.js';
import { uniquePrefix } from '../../support/ids.js';

describe('secrets', () => {
  it('never appear in logs at the most verbose level, nor in status or health', async () => {
    const secrets = {
      SESSION_SECRET: 'session-secret-7c1e4b9a2f',
      INGEST_TOKENS: 'ingest-token-5d8e2a1c',
      READ_TOKEN: 'read-token-3f6b9e0d',
      redisPassword: 'redis-pass-9a2c7e5b',
      pgPassword: 'pg-pass-1b4d8f2a',
    };
    const redis = await startRedisServer({ password: secrets.redisPassword });
    const schema = uniqueSchema('secrets');
    let logs = '';
    const sink = new Writable({
      write: (chunk, _enc, cb) => {
        logs += chunk.toString();
        cb();
      },
    });
    const pgUrl = PG_URL.replace('postgres@', `postgres:${secrets.pgPassword}@`);
    const app = await bootstrap(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'trace',
        DEMO: 'off',
        DATABASE_URL: pgUrl,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: uniquePrefix('secrets'),
        SESSION_SECRET: secrets.SESSION_SECRET,
        INGEST_TOKENS: secrets.INGEST_TOKENS,
        READ_TOKEN: secrets.READ_TOKEN,
      }),
      { schema, logDestination: sink },
    );
    try {
      const auth = { authorization: `Bearer ${secrets.INGEST_TOKENS}` };
      expect((await post(app.url, '/api/cache/incremental-update', UPDATE, auth)).status).toBe(200);
      expect(
        (await post(app.url, '/api/cache/incremental-update', UPDATE, { authorization: 'Bearer wrong' })).status,
      ).toBe(401);
      const read = { authorization: `Bearer ${secrets.READ_TOKEN}` };
      const status = await getJson(app.url, '/api/cache/status', read);
      const health = await getJson(app.url, '/api/health');
      await post(app.url, '/trpc/auth.signIn', { token: secrets.READ_TOKEN });
      await post(app.url, '/api/cache/refresh', {}, auth);
      await redis.stop();
      await new Promise((r) => setTimeout(r, 1_500));
      await redis.start();
      await new Promise((r) => setTimeout(r, 1_500));
      const exposed = JSON.stringify([status.json, health.json]) + logs;
      expect(logs.length).toBeGreaterThan(1_000);
      for (const [name, value] of Object.entries(secrets)) expect(exposed.includes(value), name).toBe(false);
    } finally {
      await app.close();
      await redis.close();
      await dropSchema(schema);
    }
  });
});
