import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/platform/config.js';
import {
  APP_PORT,
  composeEnv,
  composePort,
  composeValidator,
  durationMs,
  ENV_KEYS,
  imageEnv,
  isPinnedImage,
  lazy,
  loadCompose,
  parseDockerfile,
  repoFileExists,
} from './manifests.js';

// As `docker compose up` sees it with nothing set in the shell: the documented defaults.
const compose = lazy(() => loadCompose({}));
const services = () => compose().services ?? {};
const svc = (name: string) => {
  const s = services()[name];
  if (!s) throw new Error(`service ${name} missing`);
  return s;
};
const dockerfile = lazy(parseDockerfile);
/** The app instances and their host ports, as in the original design. */
const APPS = { app1: 3000, app2: 3001 } as const;

/** A service's healthcheck `test` as one command line. */
const healthcheckCommand = (name: string) => {
  const test = svc(name).healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : String(test ?? '');
};

/** What the app process sees: the image's ENV overlaid with the service's environment. */
const appEnv = (name: string) => ({ ...imageEnv(dockerfile()), ...composeEnv(svc(name).environment) });

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = composeValidator();
    const ok = validate(compose());
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('also validates with secrets supplied from the shell', () => {
    const validate = composeValidator();
    expect(validate(loadCompose({ REDIS_PASSWORD: 'p', SESSION_SECRET: 's'.repeat(32) }))).toBe(true);
  });

  it('starts exactly the services redis, postgres, app1 and app2 by default', () => {
    // The others belong to opt-in profiles (compose-redis-topologies.test.ts).
    const byDefault = Object.entries(services()).filter(([, s]) => (s.profiles ?? []).length === 0);
    expect(byDefault.map(([n]) => n).sort()).toEqual(['app1', 'app2', 'postgres', 'redis']);
  });

  it('pins every third-party image', () => {
    for (const name of ['redis', 'postgres']) {
      const image = svc(name).image ?? '';
      expect(isPinnedImage(image), `${name}: ${image}`).toBe(true);
    }
    expect(svc('redis').image).toMatch(/^redis:7\.4(\.\d+)?-alpine$/);
    expect(svc('postgres').image).toMatch(/^postgres:16\.\d+-alpine$/);
  });

  it('publishes Redis and PostgreSQL on 127.0.0.1 only', () => {
    for (const [name, port] of [
      ['redis', 6379],
      ['postgres', 5432],
    ] as const) {
      const ports = (svc(name).ports ?? []).map(composePort);
      expect(ports, name).toEqual([{ hostIp: '127.0.0.1', published: port, target: port }]);
    }
  });

  it('runs Redis append-only with a password, and checks it with an authenticated ping', () => {
    const redis = svc('redis');
    const cmd = redis.command as string[];
    expect(Array.isArray(cmd)).toBe(true);
    expect(cmd[0]).toBe('redis-server');
    expect(cmd[cmd.indexOf('--appendonly') + 1]).toBe('yes');
    // Entity buckets stay listpacks with long names (docs/operations.md, supported size).
    expect(Number(cmd[cmd.indexOf('--hash-max-listpack-value') + 1])).toBeGreaterThanOrEqual(256);
    const password = cmd[cmd.indexOf('--requirepass') + 1];
    expect(password).toBeTruthy();
    expect(composeEnv(redis.environment).REDIS_PASSWORD).toBe(password);
    expect(healthcheckCommand('redis')).toMatch(/redis-cli -a .*\bping\b/);
    expect(redis.volumes).toContain('redis-data:/data');
  });

  it('checks PostgreSQL with pg_isready and keeps its data in a volume', () => {
    const pg = svc('postgres');
    expect(healthcheckCommand('postgres')).toMatch(/pg_isready -U sla -d sla_db/);
    expect(pg.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(Object.keys(compose().volumes ?? {}).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  describe.each(Object.entries(APPS))('%s', (name, hostPort) => {
    const app = () => svc(name);

    it('is built from the repository Dockerfile, final stage', () => {
      const build = app().build as { context: string; target?: string };
      expect(build.context).toBe('.');
      expect(repoFileExists('Dockerfile')).toBe(true);
      expect(build.target).toBe(dockerfile().getFROMs().at(-1)?.getBuildStage());
    });

    it(`publishes container port ${APP_PORT} on host port ${hostPort}`, () => {
      const ports = (app().ports ?? []).map(composePort);
      expect(ports).toEqual([{ hostIp: null, published: hostPort, target: APP_PORT }]);
    });

    it('waits for healthy Redis and PostgreSQL', () => {
      expect(app().depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
      for (const dep of ['redis', 'postgres']) expect(services()[dep]?.healthcheck?.test).toBeTruthy();
    });

    it('sets only variables the server reads', () => {
      for (const k of Object.keys(composeEnv(app().environment))) expect(ENV_KEYS, k).toContain(k);
    });

    it('provides everything the configuration requires in production', () => {
      const cfg = loadConfig(appEnv(name));
      expect(cfg.NODE_ENV).toBe('production');
      expect(cfg.CACHE_REFRESH_INTERVAL_HOURS).toBe(6);
      expect(cfg.embedded).toBe(false);
      expect(cfg.demo).toBe(false);
      expect(cfg.podId).toBe(name);
      expect(cfg.PORT).toBe(APP_PORT);
      // The published port reaches the container from outside its loopback.
      expect(cfg.HOST).toBe('0.0.0.0');
    });

    it('reaches Redis and PostgreSQL with the credentials those services are given', () => {
      const env = appEnv(name);
      const redisCmd = svc('redis').command as string[];
      const redisUrl = new URL(env.REDIS_URL ?? '');
      expect(redisUrl.protocol).toBe('redis:');
      expect(redisUrl.hostname).toBe('redis');
      expect(redisUrl.port).toBe('6379');
      expect(decodeURIComponent(redisUrl.password)).toBe(redisCmd[redisCmd.indexOf('--requirepass') + 1]);

      const pgEnv = composeEnv(svc('postgres').environment);
      const dbUrl = new URL(env.DATABASE_URL ?? '');
      expect(dbUrl.protocol).toBe('postgresql:');
      expect(dbUrl.hostname).toBe('postgres');
      expect(dbUrl.port).toBe('5432');
      expect(dbUrl.username).toBe(pgEnv.POSTGRES_USER);
      expect(decodeURIComponent(dbUrl.password)).toBe(pgEnv.POSTGRES_PASSWORD);
      expect(dbUrl.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
      expect(pgEnv.POSTGRES_DB).toBe('sla_db');
    });

    it('gives a graceful shutdown the time it needs', () => {
      const cfg = loadConfig(appEnv(name));
      expect(durationMs(String(app().stop_grace_period))).toBeGreaterThanOrEqual(cfg.SHUTDOWN_TIMEOUT_MS + 1000);
    });
  });

  it('names each app instance differently', () => {
    expect(new Set(Object.keys(APPS).map((n) => appEnv(n).POD_ID)).size).toBe(Object.keys(APPS).length);
  });

  it('shows that the production check is real: without the secrets the config is refused', () => {
    const env = appEnv('app1');
    delete env.SESSION_SECRET;
    delete env.INGEST_TOKENS;
    expect(() => loadConfig(env)).toThrow(/SESSION_SECRET[\s\S]*INGEST_TOKENS/);
  });
});
