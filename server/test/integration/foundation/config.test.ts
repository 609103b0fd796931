import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_SCHEMA, loadConfig } from '../../../src/platform/config.js';
import { configTable } from '../../../src/platform/config-table.js';

const fails = (env: Record<string, string>, variable: string) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  try {
    loadConfig(env);
  } catch (err) {
    expect((err as Error).message).toMatch(new RegExp(`^${variable}: `, 'm'));
  }
};

describe('configuration', () => {
  it('has working defaults for a laptop: loopback only, embedded database, memory mode, demo on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      CACHE_REFRESH_INTERVAL_HOURS: 6,
      CACHE_LOCK_TIMEOUT_MS: 300_000,
      REDIS_KEY_PREFIX: 'sla:',
      embedded: true,
      demo: true,
    });
    expect(c.REDIS_URL).toBeUndefined();
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '' })).toMatchObject({ PORT: 3000, REDIS_URL: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CACHE_REFRESH_INTERVAL_HOURS: '-1' }, 'CACHE_REFRESH_INTERVAL_HOURS'],
    [{ CACHE_REFRESH_INTERVAL_HOURS: 'often' }, 'CACHE_REFRESH_INTERVAL_HOURS'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'http://localhost:6379' }, 'REDIS_URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'prod' }, 'NODE_ENV'],
    [{ DEMO: 'yes' }, 'DEMO'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
  ])('rejects %j naming the variable', (env, variable) => fails(env as Record<string, string>, variable));

  it('in production requires the secrets that have no safe default', () => {
    fails({ NODE_ENV: 'production' }, 'SESSION_SECRET');
    fails({ NODE_ENV: 'production' }, 'INGEST_TOKENS');
    fails({ NODE_ENV: 'production', INGEST_TOKENS: 't', SESSION_SECRET: 'short' }, 'SESSION_SECRET');
    fails(
      {
        NODE_ENV: 'production',
        INGEST_TOKENS: 't',
        SESSION_SECRET: 'x'.repeat(32),
        FAULT_INJECTION: 'kill-after-commit',
      },
      'FAULT_INJECTION',
    );
    expect(loadConfig({ NODE_ENV: 'production', INGEST_TOKENS: 't', SESSION_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe(
      'production',
    );
  });

  it('reads the budget defaults and refuses bad ones, naming the variable', () => {
    const c = loadConfig({});
    expect([c.BUDGET_WINDOW_DAYS, c.BUDGET_NODATA_POLICY, c.DEFAULT_TIME_ZONE]).toEqual([30, 'exclude', 'UTC']);
    expect(loadConfig({ DEFAULT_TIME_ZONE: 'Europe/Berlin' }).DEFAULT_TIME_ZONE).toBe('Europe/Berlin');
    fails({ DEFAULT_TIME_ZONE: 'Mars/Olympus_Mons' }, 'DEFAULT_TIME_ZONE');
    fails({ DEFAULT_TIME_ZONE: '+02:00' }, 'DEFAULT_TIME_ZONE');
    fails({ BUDGET_WINDOW_DAYS: '401' }, 'BUDGET_WINDOW_DAYS');
    fails({ BUDGET_WINDOW_DAYS: '0' }, 'BUDGET_WINDOW_DAYS');
    fails({ BUDGET_NODATA_POLICY: 'maybe' }, 'BUDGET_NODATA_POLICY');
  });

  it('is documented in the README: every variable with its default', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(configTable());
    for (const key of Object.keys(ENV_SCHEMA.shape)) expect(readme).toContain(`| \`${key}\` |`);
  });

  it("lists each variable's accepted values in the README, and the schema accepts exactly those", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const header = readme.split('\n').find((l) => l.startsWith('| Variable |'));
    expect(header).toBe('| Variable | Default | Accepts | Meaning |');
    const accepts = new Map(
      readme
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim()))
        .map((cells) => [String(cells[1]).replaceAll('`', ''), String(cells[3])]),
    );
    expect(accepts.get('DEMO')).toBe('`auto`, `on`, `off`');
    expect(accepts.get('DATABASE_POOL_SIZE')).toBe('whole number 1–200');
    const ok = (key: string, v: string) => ENV_SCHEMA.shape[key as keyof typeof ENV_SCHEMA.shape].safeParse(v).success;
    for (const key of Object.keys(ENV_SCHEMA.shape)) {
      const text = accepts.get(key) ?? '';
      expect(text, key).not.toBe('');
      if (text.startsWith('`')) {
        for (const [, v] of text.matchAll(/`([^`]+)`/g)) expect(ok(key, String(v)), `${key}=${v}`).toBe(true);
        expect(ok(key, 'not-a-listed-value'), key).toBe(false);
      }
      const range = /^whole number (\d+)–(\d+)$/.exec(text);
      if (range) {
        const [min, max] = [Number(range[1]), Number(range[2])];
        expect([ok(key, String(min)), ok(key, String(max))], key).toEqual([true, true]);
        expect([ok(key, String(min - 1)), ok(key, String(max + 1)), ok(key, '1.5')], key).toEqual([
          false,
          false,
          false,
        ]);
      }
    }
  });
});
