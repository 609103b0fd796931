import { hostname } from 'node:os';
import { type App, bootstrap } from './bootstrap.js';
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

const log = createLogger(config);
// Handlers first: a SIGTERM that arrives while the pod is still starting (Kubernetes may send
// one as soon as the pod is ready, and readiness can come before start-up's last steps) must
// drain and exit 0, not kill the process by the signal's default action.
let stopping = false;
let app: App | null = null;
const close = (started: App) =>
  started.close().then(
    () => process.exit(0),
    (err) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal, starting: app === null }, 'shutting down');
  const force = setTimeout(() => {
    log.error('shutdown deadline passed; exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  if (app) void close(app);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

// A pod that cannot start says why in the JSON log (e.g. another process holds its data directory), then exits.
app = await bootstrap(config).catch((err: unknown) => {
  log.fatal({ err }, `start-up failed: ${(err as Error).message}`);
  process.exit(1);
});
// A signal taken during start-up is acted on now that there is something to close.
if (stopping) void close(app);
