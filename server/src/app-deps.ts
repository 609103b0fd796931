import type { Logger } from 'pino';
import type { SessionSigner } from './auth/session.js';
import type { CacheService } from './cache/coordinator.js';
import type { Db } from './db/sql.js';
import type { RateLimiter } from './ingest/rate-limit.js';
import type { TokenEntry } from './ingest/tokens.js';
import type { IngestWriter } from './ingest/writer.js';
import type { Config } from './platform/config.js';
import type { Metrics } from './platform/metrics.js';

/** The services one pod is made of, handed to every procedure through the tRPC context. */
export type AppDeps = {
  config: Config;
  log: Logger;
  db: Db;
  cache: CacheService;
  writer: IngestWriter;
  metrics: Metrics;
  tokens: TokenEntry[];
  limiter: RateLimiter;
  sessions: SessionSigner;
  /** True once SIGTERM started a graceful shutdown. */
  draining: () => boolean;
};
