import client from 'prom-client';

/**
 * Every Prometheus metric the pod exposes at GET /metrics. One registry per server
 * instance (tests boot several in one process, so nothing is registered globally).
 */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'sla_process_' });
  const reg = [registry];
  return {
    registry,
    cacheMode: new client.Gauge({
      name: 'sla_cache_mode',
      help: '1 for the mode this pod serves from (redis or memory), 0 for the other.',
      labelNames: ['mode'] as const,
      registers: reg,
    }),
    redisConnectionUp: new client.Gauge({
      name: 'sla_redis_connection_up',
      help: '1 when the Redis connection is ready (connection=command|subscriber).',
      labelNames: ['connection'] as const,
      registers: reg,
    }),
    refreshDuration: new client.Histogram({
      name: 'sla_cache_refresh_duration_seconds',
      help: 'Duration of full cache refreshes run by this pod.',
      labelNames: ['result'] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: reg,
    }),
    viewChecks: new client.Counter({
      name: 'sla_view_checks_total',
      help: "Checks of this pod's view against a refresh's snapshot (count + checksum): match, mismatch (repaired from Redis) or skipped (the pod holds no checkpoint at the snapshot's change id).",
      labelNames: ['result'] as const,
      registers: reg,
    }),
    refreshLastSuccess: new client.Gauge({
      name: 'sla_cache_refresh_last_success_timestamp_seconds',
      help: 'Unix time of the last successful full refresh seen by this pod (its own or announced).',
      registers: reg,
    }),
    cacheReads: new client.Counter({
      name: 'sla_cache_reads_total',
      help: "Dashboard and API reads by where they were answered: hit (this pod's cache) or miss (PostgreSQL).",
      labelNames: ['result'] as const,
      registers: reg,
    }),
    lock: new client.Counter({
      name: 'sla_cache_lock_total',
      help: 'Refresh lock attempts by outcome (acquired, denied, lost).',
      labelNames: ['outcome'] as const,
      registers: reg,
    }),
    ingest: new client.Counter({
      name: 'sla_ingest_updates_total',
      help: 'Poller updates by outcome (applied, stale, duplicate, replayed, rejected, unavailable, unknown).',
      labelNames: ['outcome'] as const,
      registers: reg,
    }),
    propagationLag: new client.Histogram({
      name: 'sla_change_propagation_lag_seconds',
      help: 'Time from a change being accepted (on any pod) to this pod applying it to its view, for changes that arrived as messages (not read from the log).',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: reg,
    }),
    fleetPods: new client.Gauge({
      name: 'sla_fleet_pods',
      help: 'Pods in the fleet view (a heartbeat within 3 intervals), by the cache mode they reported.',
      labelNames: ['mode'] as const,
      registers: reg,
    }),
    fleetMaxLag: new client.Gauge({
      name: 'sla_fleet_max_lag_changes',
      help: 'Largest lag behind the head (changes) of any pod in the fleet view.',
      registers: reg,
    }),
    wsSubscribers: new client.Gauge({
      name: 'sla_websocket_subscribers',
      help: 'Open change-feed subscriptions on this pod.',
      registers: reg,
    }),
    wsSlowDisconnects: new client.Counter({
      name: 'sla_websocket_slow_disconnects_total',
      help: 'WebSocket clients dropped (close code 4008) for letting more than WS_MAX_BUFFERED_BYTES of messages wait unread.',
      registers: reg,
    }),
    httpDuration: new client.Histogram({
      name: 'sla_http_request_duration_seconds',
      help: 'HTTP request latency by route.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: reg,
    }),
    changeLogReads: new client.Counter({
      name: 'sla_change_log_reads_total',
      help: 'Reads of the change log by reader (follower, subscribe, recent) and source (redis_tail, postgres).',
      labelNames: ['reader', 'source'] as const,
      registers: reg,
    }),
    changeLogPolls: new client.Counter({
      name: 'sla_change_log_polls_total',
      help: 'Timed polls of the change log in PostgreSQL (only while the LISTEN connection is down, or without one).',
      registers: reg,
    }),
    pgListenUp: new client.Gauge({
      name: 'sla_pg_listen_connection_up',
      help: '1 while the PostgreSQL LISTEN connection for change notifications is up.',
      registers: reg,
    }),
    redisUsedMemory: new client.Gauge({
      name: 'sla_redis_used_memory_bytes',
      help: 'Redis used_memory, read from INFO at scrape time.',
      registers: reg,
    }),
    redisConnectedClients: new client.Gauge({
      name: 'sla_redis_connected_clients',
      help: 'Redis connected_clients, read from INFO at scrape time.',
      registers: reg,
    }),
    budgetLoads: new client.Counter({
      name: 'sla_budget_loads_total',
      help: 'Loads of the budget state by source (checkpoint: the Redis checkpoint; postgres: the change log scanned for history).',
      labelNames: ['source'] as const,
      registers: reg,
    }),
    budgetCheckpoints: new client.Counter({
      name: 'sla_budget_checkpoints_total',
      help: 'Budget checkpoints this pod wrote to Redis, by outcome (written, failed).',
      labelNames: ['outcome'] as const,
      registers: reg,
    }),
    budgetWatermark: new client.Gauge({
      name: 'sla_budget_watermark',
      help: 'Id of the last change the budget state has applied.',
      registers: reg,
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
