export { type App, bootstrap } from './bootstrap.js';
export { type Config, ConfigError, ENV_SCHEMA, loadConfig } from './config.js';
export type { AppRouter } from './router.js';
