import { it } from 'vitest';
import { dropSchema, uniqueSchema } from '/work/main/server/test/support/app.js';
import { startRedisServer } from '/work/main/server/test/support/redis-server.js';
import { startPodWithLogs, WARN } from '/work/main/server/test/ops/pod-logs.js';
import { makeTlsFiles } from '/work/main/server/test/ops/tls-certs.js';
it('peek', async () => {
  const files = makeTlsFiles();
  const r = await startRedisServer({ password: 'pw' });
  const t = await startRedisServer({ tls: files });
  for (const env of [{ REDIS_URL: `redis://:bad@127.0.0.1:${r.port}` }, { REDIS_URL: t.url }, { REDIS_URL: t.url.replace('rediss', 'redis') }]) {
    const schema = uniqueSchema('peek');
    const pod = await startPodWithLogs({ schema, ...env });
    await new Promise((res) => setTimeout(res, 2500));
    console.log(pod.entries().filter((e) => e.level >= WARN).map((e) => JSON.stringify(e)).join('\n'));
    await pod.close(); await dropSchema(schema);
  }
  await r.close(); await t.close(); files.remove();
}, 60000);
