import type { AlertViewAnswer } from '@sla/shared';
import { QueryState } from '../components/QueryState';
import { splitAlerts } from '../lib/alerts';
import { trpc } from '../trpc';
import { AlertTable } from './AlertTable';
import { useAlertList } from './useAlertList';

type Props = {
  tenantName: string | undefined;
  canEdit(tenantName: string): boolean;
  onSilence(a: AlertViewAnswer): void;
};

/** Firing alerts first (most severe, longest firing), then those resolved in the last 24 h; admins acknowledge and silence. */
export function AlertsSection({ tenantName, canEdit, onSilence }: Props) {
  const list = useAlertList(tenantName ? { tenantName } : {});
  const utils = trpc.useUtils();
  const ack = trpc.alerts.acknowledge.useMutation({ onSuccess: () => void utils.alerts.list.invalidate() });
  const { firing, resolved } = splitAlerts(list.data?.items ?? []);
  const anyEditable = (list.data?.items ?? []).some((a) => canEdit(a.tenantName));
  const actions = anyEditable
    ? (a: AlertViewAnswer) =>
        canEdit(a.tenantName) ? (
          <>
            {a.state === 'firing' && !a.acknowledgedBy ? (
              <button
                type="button"
                disabled={ack.isPending}
                onClick={() => ack.mutate({ fingerprint: a.fingerprint })}
                aria-label={`Acknowledge ${a.ruleName}: ${a.lastChange.summary}`}
              >
                Acknowledge
              </button>
            ) : null}
            <button
              type="button"
              onClick={() => onSilence(a)}
              aria-label={`Silence ${a.ruleName}: ${a.lastChange.summary}`}
            >
              Silence
            </button>
          </>
        ) : null
    : undefined;
  return (
    <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} what="alerts">
      {ack.error ? (
        <p className="notice notice-error" role="alert">
          Could not acknowledge: {ack.error.message}
        </p>
      ) : null}
      <section aria-labelledby="alerts-firing" data-testid="firing-alerts">
        <h2 id="alerts-firing">
          Firing <span className="count">{firing.length}</span>
        </h2>
        {firing.length === 0 ? (
          <p className="muted">Nothing is firing.</p>
        ) : (
          <AlertTable label="Firing alerts" alerts={firing} actions={actions} />
        )}
      </section>
      <section aria-labelledby="alerts-resolved" data-testid="recent-alerts">
        <h2 id="alerts-resolved">Resolved in the last 24 hours</h2>
        {resolved.length === 0 ? (
          <p className="muted">No alert resolved in the last 24 hours.</p>
        ) : (
          <AlertTable label="Recently resolved alerts" alerts={resolved} actions={actions} />
        )}
      </section>
    </QueryState>
  );
}
