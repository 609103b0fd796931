import { DEFAULT_SLACK_WEBHOOK_HOST, NODATA_POLICIES } from '@sla/shared';
import { z } from 'zod';
import { isValidZone } from '../domain/budget/periods.js';
import { parseAllowedTarget } from './allowed-targets.js';

/**
 * The service's whole configuration, read from the environment once at start-up.
 * Each entry's description feeds the README's configuration table (a test keeps them equal).
 */
const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);
const str = () => z.preprocess(emptyAsUnset, z.string().optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(
    emptyAsUnset,
    z.coerce
      .number({ error: 'expected a whole number' })
      .int('expected a whole number')
      .min(min, `expected a whole number >= ${min}`)
      .max(max, `expected a whole number <= ${max}`)
      .default(def),
  );
const positive = (def: number) =>
  z.preprocess(
    emptyAsUnset,
    z.coerce
      .number({ error: 'expected a number' })
      .finite('expected a number')
      .positive('expected a number greater than 0')
      .default(def),
  );
/** `accepts` names what the check takes for the README table, which cannot read it from a refinement. */
const url = (protocols: RegExp, what: string) =>
  z.preprocess(
    emptyAsUnset,
    z
      .string()
      .refine((v) => {
        try {
          return protocols.test(new URL(v).protocol);
        } catch {
          return false;
        }
      }, `expected a ${what} URL`)
      .optional()
      .meta({ accepts: `a ${what} URL` }),
  );

/** True for the standard base64 of exactly 32 bytes (an AES-256 key). */
const isBase64Key = (v: string) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32;
/** A URL's protocol, or '' when it is no URL. */
const safeProtocol = (v: string) => {
  try {
    return new URL(v).protocol;
  } catch {
    return '';
  }
};

/** `host:port` with a port 1..65535; a host name, IPv4, or bracketed IPv6 address. */
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):([1-9][0-9]{0,4})$/;
const isHostPort = (v: string) => {
  const m = HOST_PORT.exec(v);
  return m !== null && Number(m[2]) <= 65535;
};
/**
 * A comma-separated list (spaces around commas allowed), each item parsed by `item` and
 * checked by `valid`; `accepts` and `expected` name the form for the README and the error.
 */
const list = <T>(item: (s: string) => T, valid: (v: T) => boolean, accepts: string, expected: string) =>
  z.preprocess(
    emptyAsUnset,
    z
      .string()
      .transform((v) => v.split(',').map((s) => item(s.trim())))
      .refine((items) => items.every(valid), `expected ${expected}`)
      .optional()
      .meta({ accepts }),
  );
/** `host:port,…`, parsed to an array. */
const hostPorts = () => list((s) => s, isHostPort, 'host:port,…', 'host:port,host:port,… (ports 1..65535)');
/** `from:port=to:port,…`: the addresses a cluster announces, mapped to those this pod can reach. */
const natMap = () =>
  list(
    (s) => s.split('='),
    (p) => p.length === 2 && isHostPort(p[0] ?? '') && isHostPort(p[1] ?? ''),
    'host:port=host:port,…',
    'announced-host:port=reachable-host:port,…',
  );

/**
 * The environment the server reads, with defaults, bounds and a description per variable;
 * README's configuration table is generated from it (scripts/config-table.ts).
 */
export const ENV_SCHEMA = z.object({
  PORT: int(3000, 0, 65535).describe('HTTP port for the API, tRPC (HTTP and WebSocket) and the dashboard.'),
  HOST: z
    .preprocess(emptyAsUnset, z.string().default('127.0.0.1'))
    .describe(
      'Interface to listen on. The default, loopback, keeps a laptop run off the network; containers set `0.0.0.0` (the image, compose and `k8s/` do).',
    ),
  NODE_ENV: z
    .preprocess(emptyAsUnset, z.enum(['development', 'production', 'test']).default('development'))
    .describe(
      '`production` requires the secrets below and marks the session cookie `Secure`. Error answers never carry internal details in any mode.',
    ),
  LOG_LEVEL: z
    .preprocess(emptyAsUnset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .describe('pino log level.'),
  DATABASE_URL: url(/^postgres(ql)?:$/, 'postgres://').describe(
    'PostgreSQL connection URL. Unset: an embedded PGlite database in `DATA_DIR`.',
  ),
  DATABASE_SCHEMA: z
    .preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lowercase SQL identifier')
        .optional(),
    )
    .describe('PostgreSQL schema for the tables (created if missing). Unset: the default search path (public).'),
  DATABASE_POOL_SIZE: int(10, 1, 200).describe('PostgreSQL connections per pod.'),
  DATA_DIR: z
    .preprocess(emptyAsUnset, z.string().default('.data'))
    .describe(
      'Directory of the embedded database (used when `DATABASE_URL` is unset). One process at a time: a second one refuses to start and names the holder.',
    ),
  REDIS_URL: url(/^rediss?:$/, 'redis:// or rediss://').describe(
    'Redis URL (`rediss://` for TLS; user and password in the URL). With `REDIS_SENTINELS` or `REDIS_CLUSTER_NODES` it gives only the user, password and TLS of the data nodes (its host is not used). Unset, with neither of those: memory mode only.',
  ),
  REDIS_SENTINELS: hostPorts().describe(
    'Redis Sentinel mode: the sentinels, `host:port,…`. Needs `REDIS_SENTINEL_NAME`. TLS to the sentinels when `REDIS_URL` is `rediss://`.',
  ),
  REDIS_SENTINEL_NAME: str().describe('Name of the master group the sentinels monitor (`sentinel monitor <name> …`).'),
  REDIS_SENTINEL_PASSWORD: str().describe('Password of the sentinels themselves, when they require one.'),
  REDIS_CLUSTER_NODES: hostPorts().describe(
    "Redis Cluster mode: some of the cluster's nodes, `host:port,…` (the rest are discovered).",
  ),
  REDIS_CLUSTER_NAT_MAP: natMap().describe(
    'Redis Cluster behind address translation: `announced-host:port=reachable-host:port,…` for each node.',
  ),
  REDIS_TLS_CA_FILE: str().describe('PEM file of the CA that signed the Redis server certificate (with `rediss://`).'),
  REDIS_KEY_PREFIX: z
    .preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^[A-Za-z0-9_.:-]+$/, 'expected letters, digits and . _ : -')
        .default('sla:'),
    )
    .describe('Prefix of every Redis key and pub/sub channel.'),
  CACHE_REFRESH_INTERVAL_HOURS: positive(6).describe('Hours between full cache refreshes (fractions allowed).'),
  CACHE_LOCK_TIMEOUT_MS: int(300_000, 1_000, 3_600_000).describe('Safety timeout of the refresh lock.'),
  CACHE_WRITE_THROUGH_WAIT_MS: int(250, 0, 10_000).describe(
    'Longest an ingest response waits for its Redis write before answering anyway (the change is committed; the log replay repairs Redis).',
  ),
  CACHE_CHANGE_TAIL_SIZE: int(20_000, 10_000, 1_000_000).describe(
    'Changes kept in the Redis change tail (about; catch-up reads older ones from PostgreSQL).',
  ),
  STALE_AFTER_MINUTES: positive(60).describe('An entity with no observation for this long is shown as stale.'),
  BUDGET_CHECKPOINT_INTERVAL_SECONDS: int(300, 5, 86_400).describe(
    'How often the budget state is checkpointed to Redis (by one pod), so a starting pod loads it without reading the change log.',
  ),
  SESSION_SECRET: str().describe('Signs dashboard session cookies. Required in production.'),
  INGEST_TOKENS: str().describe(
    'Comma-separated bearer tokens: `token` or `sha256:<hex>` (ingest), `ingest:<name>=<token>`, `admin:<name>=<token>` (admin of all tenants); each optionally `@Tenant A|Tenant B` scoped (see "Tokens and roles"). Required in production.',
  ),
  INGEST_MAX_FUTURE_SKEW_SECONDS: int(300, 0, 86_400).describe(
    "How far ahead of this server's clock a result's `observedAt` may be; later ones are refused (400). A result dated in the future would stay the newest observation and make every later result `stale`; a few minutes absorbs poller clock drift.",
  ),
  INGEST_IDEMPOTENCY_TTL_HOURS: positive(24).describe(
    'How long an `Idempotency-Key` is remembered (per token): a retry within this time gets the first answer instead of writing again.',
  ),
  BUDGET_WINDOW_DAYS: int(30, 1, 400).describe(
    'Length of the rolling error-budget window in days (per-tenant override: `budgets.setSettings`).',
  ),
  BUDGET_NODATA_POLICY: z
    .preprocess(emptyAsUnset, z.enum(NODATA_POLICIES).default('exclude'))
    .describe(
      'How time without data (NoData, stale) counts in budgets and reports: not counted, as breach, or as met (per-tenant override; docs/budgets.md).',
    ),
  DEFAULT_TIME_ZONE: z
    .preprocess(
      emptyAsUnset,
      z
        .string()
        .refine(isValidZone, 'expected an IANA time zone such as UTC or Europe/Berlin')
        .default('UTC')
        .meta({ accepts: 'an IANA time zone' }),
    )
    .describe("Tenants' time zone for calendar budget windows and report periods, unless a tenant sets its own."),
  READ_TOKEN: str().describe('When set, REST reads and the dashboard require this token.'),
  INGEST_RATE_LIMIT: int(20_000, 0, 10_000_000).describe(
    'Ingest requests per second per token per pod (0 = unlimited).',
  ),
  WS_MAX_BUFFERED_BYTES: int(8 * 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024).describe(
    'Bytes of messages a WebSocket client may leave unread before it is dropped (close code 4008); it resumes with its last event id.',
  ),
  CORS_ORIGINS: str().describe('Comma-separated origins allowed by CORS. Unset: CORS closed.'),
  SHUTDOWN_TIMEOUT_MS: int(25_000, 0, 600_000).describe('Deadline for a graceful shutdown on SIGTERM.'),
  DEMO: z
    .preprocess(emptyAsUnset, z.enum(['auto', 'on', 'off']).default('auto'))
    .describe('Seed demo data and run the demo poller. `auto`: only on the embedded database.'),
  DEMO_POLLER_INTERVAL_MS: int(3_000, 0, 3_600_000).describe(
    'How often the demo poller pushes updates when demo data is on (0 = never).',
  ),
  FAULT_INJECTION: z
    .preprocess(emptyAsUnset, z.enum(['none', 'kill-after-commit']).default('none'))
    .describe('Test only: `kill-after-commit` kills the process right after an ingest commit. Refused in production.'),
  HEARTBEAT_INTERVAL_MS: int(2_000, 100, 60_000).describe(
    'How often each pod publishes its heartbeat (fleet view, gap detection). A pod is listed until 3 intervals after its last one.',
  ),
  REPORT_GRACE_HOURS: positive(24).describe(
    'Hours after a report period ends before it is closed into an immutable snapshot; until then its report is provisional.',
  ),
  REPORT_CLOSE_INTERVAL_SECONDS: int(300, 5, 86_400).describe(
    'How often one pod (under a PostgreSQL advisory lock) closes ended report periods and re-checks the last 13 months for corrections.',
  ),
  CONFIG_FILE: str().describe(
    'Path of the rules file (YAML: alert rules, channels whose secrets come from environment variables, SLA targets, tenant settings, maintenance windows; docs/alerting.md "Rules as code"). Applied at start, once across the fleet, and on `POST /api/config/reload`. Unset: no file.',
  ),
  ALERT_GROUP_INTERVAL_MS: int(10_000, 0, 600_000).describe(
    "How long the alert sender waits after a team's first undelivered state change before sending, so changes of one channel, tenant and team within it go out as one message (0 = send each at once).",
  ),
  ALERT_EVALUATION_INTERVAL_SECONDS: int(15, 1, 3_600).describe(
    'How often the pod holding the `alerting` lease evaluates every alert rule (from memory: nothing is read or written unless a state changes); a committed change also triggers an evaluation within a second, so time-driven rules (stale, status for N minutes) are what this interval bounds.',
  ),
  ALERT_STALE_GRACE_SECONDS: int(300, 0, 86_400).describe(
    'How long after ingest comes back from being unavailable (PostgreSQL away) stale rules stay held back, so pollers can catch up before anyone is paged for silence.',
  ),
  ALERT_LEASE_TTL_SECONDS: int(90, 1, 3_600).describe(
    'How long a grant of the `alerting` PostgreSQL lease lasts (one pod evaluates and sends for the fleet); renewed every third of it, so a killed holder is replaced within it. Pods not holding it ask again only when the grant they saw can have expired.',
  ),
  ALERT_CONFIG_REFRESH_SECONDS: int(300, 1, 3_600).describe(
    "How often the pod holding the `alerting` lease re-reads the alert rules, channels and silences from PostgreSQL. Writes through this pod's API are seen at once; writes through other pods within this.",
  ),
  ALERT_OUTBOX_MAX: int(10_000, 10, 10_000_000).describe(
    'Undelivered alert state changes kept at most; past it the oldest are dropped (counted in `sla_alert_outbox_dropped_total`, one log line), so a receiver that is down never blocks evaluation or ingest.',
  ),
  CHANGE_LOG_RETENTION_DAYS: int(400, 400, 36_500).describe(
    'Days of change log kept for budgets and reports (at least 400, so quarterly and yearly reports work). Nothing is pruned yet: this states the promise (docs/budgets.md "Retention").',
  ),
  ALERT_ALLOWED_TARGETS: list(
    (s) => parseAllowedTarget(s),
    (t) => t !== null,
    'host, host:port or CIDR,…',
    'host, host:port ([v6]:port) or address/prefix, comma-separated',
  ).describe(
    'Alert channel targets allowed although they are private, loopback, link-local, unique-local, CGNAT, multicast or unspecified addresses (refused otherwise, also when a name resolves to one): `host`, `host:port` or a CIDR range, comma-separated.',
  ),
  ALERT_DELIVERY_TIMEOUT_MS: int(5_000, 100, 120_000).describe(
    'Longest one alert delivery attempt (webhook or Slack request) may take; a timeout counts as a retryable failure.',
  ),
  ALERT_SECRET_KEY: z
    .preprocess(
      emptyAsUnset,
      z
        .string()
        // The message never quotes the value: it is a key.
        .refine(isBase64Key, 'expected the base64 encoding of 32 random bytes (openssl rand -base64 32)')
        .optional()
        .meta({ accepts: 'base64 of 32 bytes' }),
    )
    .describe(
      'AES-256-GCM key that encrypts alert channel secrets at rest. Unset: on the embedded database a key file `alert-secret.key` is created in `DATA_DIR` (mode 0600) on first use; with `DATABASE_URL`, channels with a secret are refused until it is set (every pod must share the key).',
    ),
  SLACK_WEBHOOK_HOST: z
    .preprocess(
      emptyAsUnset,
      z
        .string()
        .regex(/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/, 'expected a host name, optionally with :port')
        .default(DEFAULT_SLACK_WEBHOOK_HOST),
    )
    .describe('Host of Slack incoming-webhook URLs: a Slack channel URL must be `https://<host>/services/...`.'),
  SLACK_API_URL: z
    .preprocess(
      emptyAsUnset,
      z
        .string()
        .refine((v) => /^https?:$/.test(safeProtocol(v)), 'expected an http(s) URL')
        .default('https://slack.com/api')
        .meta({ accepts: 'an http(s) URL' }),
    )
    .describe(
      'Base URL of the Slack Web API (`chat.postMessage`, `chat.update`) for Slack channels with a bot token; tests point it at a local receiver.',
    ),
  BUILD_VERSION: str().describe(
    'Version this pod shows in the fleet view (an image tag or commit). Unset: the package version.',
  ),
  POD_ID: str().describe('Name of this pod in status and logs. Default: host name and process id.'),
});

type Env = z.infer<typeof ENV_SCHEMA>;
export type Config = Env & { podId: string; demo: boolean; embedded: boolean };

/** What is wrong with the Redis variables taken together: one Redis mode at a time, each complete. */
function redisModeProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES)
    problems.push(
      'REDIS_CLUSTER_NODES: set either REDIS_SENTINELS (Sentinel) or REDIS_CLUSTER_NODES (Cluster), not both',
    );
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME)
    problems.push('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master group name)');
  if (!e.REDIS_SENTINELS && (e.REDIS_SENTINEL_NAME || e.REDIS_SENTINEL_PASSWORD))
    problems.push(
      `${e.REDIS_SENTINEL_NAME ? 'REDIS_SENTINEL_NAME' : 'REDIS_SENTINEL_PASSWORD'}: only used with REDIS_SENTINELS, which is not set`,
    );
  if (!e.REDIS_CLUSTER_NODES && e.REDIS_CLUSTER_NAT_MAP)
    problems.push('REDIS_CLUSTER_NAT_MAP: only used with REDIS_CLUSTER_NODES, which is not set');
  return problems;
}

/** A bad environment: the message names each bad variable, one per line. */
export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: Record<string, string | undefined>, hostname = 'pod'): Config {
  const parsed = ENV_SCHEMA.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const missing = (['SESSION_SECRET', 'INGEST_TOKENS'] as const).filter((k) => !e[k]);
    if (missing.length > 0)
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((k) => `${k}: required when NODE_ENV=production`).join('\n')}`,
      );
    if ((e.SESSION_SECRET ?? '').length < 16)
      throw new ConfigError('Invalid configuration:\nSESSION_SECRET: expected at least 16 characters in production');
  }
  const redisProblems = redisModeProblems(e);
  if (redisProblems.length > 0) throw new ConfigError(`Invalid configuration:\n${redisProblems.join('\n')}`);
  if (e.NODE_ENV === 'production' && e.FAULT_INJECTION !== 'none')
    throw new ConfigError('Invalid configuration:\nFAULT_INJECTION: must be none when NODE_ENV=production');
  const embedded = !e.DATABASE_URL;
  return {
    ...e,
    podId: e.POD_ID ?? `${hostname}-${process.pid}`,
    embedded,
    demo: e.DEMO === 'on' || (e.DEMO === 'auto' && embedded),
  };
}
