import { hostname } from 'node:os';
import { bootstrap } from './bootstrap.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { createLogger } from './platform/log.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, hostname());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

// A pod that cannot start says why in the JSON log (e.g. another process holds its data directory), then exits.
const app = await bootstrap(config).catch((err: unknown) => {
  createLogger(config).fatal({ err }, `start-up failed: ${(err as Error).message}`);
  process.exit(1);
});
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.deps.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    app.deps.log.error('shutdown deadline passed; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  app.close().then(
    () => process.exit(0),
    (err) => {
      app.deps.log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
