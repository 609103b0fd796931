/**
 * An arbitrary constant: the advisory lock that serialises migrations across pods. Anything
 * else that drops a schema on a shared server (tests do) takes it too: the migrator's catalog
 * queries cast every table of every schema to `regclass`, and fail with "schema … does not
 * exist" when another schema is dropped between listing it and the cast.
 */
export const MIGRATION_LOCK = 7_231_001;
