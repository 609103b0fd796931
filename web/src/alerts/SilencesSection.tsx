import type { SilenceAnswer } from '@sla/shared';
import { QueryState } from '../components/QueryState';
import { RelativeTime } from '../components/RelativeTime';
import { ScrollRegion } from '../components/ScrollRegion';
import { formatDateTime } from '../lib/format';
import { scopeLabel } from '../lib/windows';
import { trpc } from '../trpc';

type Props = { tenantName: string | undefined; canEdit(tenantName: string): boolean };

function SilenceRow({
  s,
  canEdit,
  onEnd,
  ending,
}: {
  s: SilenceAnswer;
  canEdit: boolean;
  onEnd(): void;
  ending: boolean;
}) {
  return (
    <tr data-silence-id={s.id}>
      <th scope="row">{s.reason}</th>
      <td>
        {scopeLabel(s)}
        {s.ruleName ? <span className="muted"> · rule {s.ruleName}</span> : null}
      </td>
      <td>{formatDateTime(s.startsAt)}</td>
      <td>
        {formatDateTime(s.endsAt)}{' '}
        <span className="muted">
          (<RelativeTime iso={s.endsAt} />)
        </span>
      </td>
      <td>{s.createdBy}</td>
      <td className="row-actions">
        {canEdit ? (
          <button type="button" onClick={onEnd} disabled={ending} aria-label={`End now: silence ${s.reason}`}>
            End now
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** Silences not yet ended; an admin of the tenant ends one (deletes it; audited). */
export function SilencesSection({ tenantName, canEdit }: Props) {
  const list = trpc.alerts.silences.list.useQuery(tenantName ? { tenantName } : {});
  const utils = trpc.useUtils();
  const end = trpc.alerts.silences.delete.useMutation({ onSuccess: () => void utils.alerts.invalidate() });
  const items = list.data?.items ?? [];
  return (
    <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} what="silences">
      {end.error ? (
        <p className="notice notice-error" role="alert">
          Could not end the silence: {end.error.message}
        </p>
      ) : null}
      {items.length === 0 ? (
        <p className="muted">No active silences.</p>
      ) : (
        <ScrollRegion label="Silences">
          <table className="silences">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Scope</th>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Created by</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <SilenceRow
                  key={s.id}
                  s={s}
                  canEdit={canEdit(s.tenantName)}
                  onEnd={() => end.mutate({ id: s.id })}
                  ending={end.isPending}
                />
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </QueryState>
  );
}
