import { hostname } from 'node:os';
import { bootstrap } from './bootstrap.js';
import { ConfigError, loadConfig } from './platform/config.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env, hostname());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

const app = await bootstrap(config);
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
