import client from 'prom-client';

/**
 * The alert outbox's Prometheus metrics, registered on the pod's registry
 * (platform/metrics.ts `createMetrics().registry`), one set per server instance.
 */
export function createAlertMetrics(registry: client.Registry) {
  const registers = [registry];
  return {
    outboxDepth: new client.Gauge({
      name: 'sla_alert_outbox_depth',
      help: 'Alert state changes waiting in the outbox (one per channel), as last seen by the sender; 0 on pods not holding the sender lease.',
      registers,
    }),
    outboxDropped: new client.Counter({
      name: 'sla_alert_outbox_dropped_total',
      help: 'Alert state changes dropped undelivered: the oldest past ALERT_OUTBOX_MAX (reason=bound), or refused by the channel (reason=refused).',
      labelNames: ['reason'] as const,
      registers,
    }),
    deliveries: new client.Counter({
      name: 'sla_alert_deliveries_total',
      help: 'Alert messages a channel accepted.',
      labelNames: ['channel'] as const,
      registers,
    }),
    deliveryFailures: new client.Counter({
      name: 'sla_alert_delivery_failures_total',
      help: 'Failed attempts to deliver an alert message, by whether it will be retried (retryable) or was given up (permanent).',
      labelNames: ['channel', 'kind'] as const,
      registers,
    }),
  };
}
export type AlertMetrics = ReturnType<typeof createAlertMetrics>;

/** The evaluator's metrics (one set per server instance), on the pod's registry. */
export function createEvaluationMetrics(registry: client.Registry) {
  return {
    evaluationSeconds: new client.Histogram({
      name: 'sla_alert_evaluation_seconds',
      help: 'Wall time of one alert evaluation cycle (every rule over the view in slices that let requests through, the state machine, suppression), without the database writes; observed on the pod holding the alerting lease. cycle="full": every entity (each ALERT_EVALUATION_INTERVAL_SECONDS); cycle="incremental": the entities changed since the last cycle.',
      labelNames: ['cycle'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
export type EvaluationMetrics = ReturnType<typeof createEvaluationMetrics>;
