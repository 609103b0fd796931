/**
 * The PostgreSQL NOTIFY channel that announces committed changes, as an SQL expression
 * evaluated on the connection itself: one channel per schema (deployments and tests that
 * share a database in separate schemas do not hear each other), a hash so the name stays
 * within PostgreSQL's 63-byte identifier limit whatever the schema is called.
 */
export const CHANGES_NOTIFY_CHANNEL_SQL = `'sla_changes_' || left(md5(current_schema()), 16)`;

/**
 * Announces the newest committed change id (the one `?` parameter) to every pod listening
 * (see cache/change-listener.ts), as an SQL expression for the ingest transaction's write
 * statement: PostgreSQL delivers a notification only when its transaction commits, so a
 * pod that dies between commit and its Redis write is still heard.
 */
export const NOTIFY_CHANGES_CALL = `pg_notify(${CHANGES_NOTIFY_CHANNEL_SQL}, ?::text)`;
