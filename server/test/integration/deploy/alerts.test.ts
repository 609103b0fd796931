import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAlertMetrics, createEvaluationMetrics } from '../../../src/alerts/metrics.js';
import { createMetrics } from '../../../src/platform/metrics.js';
import { durationMs, isRecord, lazy, loadK8s, parseYamlFile, quantityBytes } from './manifests.js';

const RULES_FILE = z.object({
  groups: z
    .array(
      z.object({
        name: z.string().min(1),
        rules: z
          .array(
            z.strictObject({
              alert: z.string().regex(/^[A-Z][A-Za-z0-9]+$/),
              expr: z.string().min(1),
              for: z.string().regex(/^\d+[smh]$/),
              labels: z.object({ severity: z.enum(['warning', 'critical']) }),
              annotations: z.object({ summary: z.string().min(1), description: z.string().min(1) }),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});

const docs = lazy(() => parseYamlFile('ops/prometheus-alerts.yaml'));
const rules = lazy(() => RULES_FILE.parse(docs()[0]).groups.flatMap((g) => g.rules));
const rule = (name: string) => {
  const r = rules().find((x) => x.alert === name);
  if (!r) throw new Error(`alert ${name} missing`);
  return r;
};

/** Every series name the pod exposes, with each histogram's and summary's sub-series. */
async function exposedSeries(): Promise<Map<string, Set<string>>> {
  const { registry } = createMetrics();
  // The alerting pipeline registers its own on the pod's registry (wiring/alerts.ts).
  createAlertMetrics(registry);
  createEvaluationMetrics(registry);
  const out = new Map<string, Set<string>>();
  for (const m of await registry.getMetricsAsJSON()) {
    const metric = registry.getSingleMetric(m.name) as unknown as { labelNames?: readonly string[] };
    const labels = new Set(metric.labelNames ?? []);
    const type = String(m.type);
    if (type === 'histogram') {
      out.set(`${m.name}_bucket`, new Set([...labels, 'le']));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else if (type === 'summary') {
      out.set(m.name, new Set([...labels, 'quantile']));
      out.set(`${m.name}_sum`, labels);
      out.set(`${m.name}_count`, labels);
    } else out.set(m.name, labels);
  }
  return out;
}

/** Metric names in a PromQL expression, each with the label names its selector uses. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/\b(sla_[a-z0-9_]+)\b(\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1] ?? '',
    labels: [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((l) => l[1] ?? ''),
  }));
}

describe('ops/prometheus-alerts.yaml', () => {
  it('is one YAML document of well-formed rule groups with unique alert names', () => {
    expect(docs()).toHaveLength(1);
    expect(new Set(rules().map((r) => r.alert)).size).toBe(rules().length);
    for (const r of rules()) expect(durationMs(r.for)).toBeLessThanOrEqual(60 * 60_000);
  });

  it('uses only metrics (and labels) the server registers', async () => {
    const series = await exposedSeries();
    expect(series.size).toBeGreaterThan(0);
    for (const r of rules()) {
      const used = selectors(r.expr);
      expect(used.length, `${r.alert} uses a sla_ metric`).toBeGreaterThan(0);
      for (const { metric, labels } of used) {
        expect([...series.keys()], `${r.alert}: ${metric}`).toContain(metric);
        for (const l of labels) expect([...(series.get(metric) ?? [])], `${r.alert}: ${metric}{${l}}`).toContain(l);
      }
    }
  });

  it('covers the failure modes the service documents', () => {
    const metricsOf = (name: string) => selectors(rule(name).expr).map((s) => s.metric);
    expect(metricsOf('SlaCacheRefreshOverdue')).toContain('sla_cache_refresh_last_success_timestamp_seconds');
    expect(rule('SlaCacheInMemoryMode').expr).toMatch(/sla_cache_mode\{mode="memory"\}\s*==\s*1/);
    expect(durationMs(rule('SlaCacheInMemoryMode').for)).toBe(10 * 60_000);
    expect(rule('SlaChangePropagationSlow').expr).toMatch(
      /histogram_quantile\(0\.99,[\s\S]*sla_change_propagation_lag_seconds_bucket/,
    );
    expect(metricsOf('SlaRedisMemoryHigh')).toContain('sla_redis_used_memory_bytes');
    expect(metricsOf('SlaAlertOutboxBacklog')).toContain('sla_alert_outbox_depth');
    expect(metricsOf('SlaAlertChangesDropped')).toContain('sla_alert_outbox_dropped_total');
    expect(metricsOf('SlaAlertEvaluationSlow')).toContain('sla_alert_evaluation_seconds_bucket');
  });

  it('flags an overdue refresh after twice the configured interval', () => {
    const [configMap] = loadK8s(['k8s/app/config.yaml']);
    const data = configMap?.raw.data;
    const hours = isRecord(data) ? Number(data.CACHE_REFRESH_INTERVAL_HOURS) : Number.NaN;
    const m = /> 2 \* (\d+(?:\.\d+)?) \* 3600$/.exec(rule('SlaCacheRefreshOverdue').expr.trim());
    expect(Number(m?.[1])).toBe(hours);
  });

  it("measures Redis memory against redis-cache's memory limit", () => {
    const redis = loadK8s(['k8s/redis.yaml']).find((d) => d.kind === 'Deployment');
    const spec = redis?.raw.spec as {
      template: { spec: { containers: { resources: { limits: { memory: string } } }[] } };
    };
    const limit = quantityBytes(spec.template.spec.containers[0]?.resources.limits.memory ?? '');
    for (const name of ['SlaRedisMemoryHigh', 'SlaRedisMemoryCritical']) {
      const m = /> (0\.\d+) \* (\d+) \* 1024 \* 1024$/.exec(rule(name).expr.trim());
      expect(Number(m?.[2]) * 1024 * 1024, name).toBe(limit);
      expect(Number(m?.[1])).toBeLessThan(1);
    }
  });
});
