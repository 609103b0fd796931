export type { AppRouter } from './app-router.js';
export { type App, bootstrap } from './bootstrap.js';
export { type Config, ConfigError, ENV_SCHEMA, loadConfig } from './platform/config.js';
