import type { SilenceAnswer } from '@sla/shared';
import { failure, ListView } from '../components/ListView';
import { RelativeTime } from '../components/RelativeTime';
import { TableHead } from '../components/TableHead';
import { formatDateTime } from '../lib/format';
import { scopeLabel } from '../lib/windows';
import { trpc } from '../trpc';

type Props = { tenantName: string | undefined; canEdit(tenantName: string): boolean };

const SILENCE_COLUMNS = ['Reason', 'Scope', 'Starts', 'Ends', 'Created by', 'Actions'];

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
    <ListView
      query={list}
      what="silences"
      label="Silences"
      empty={items.length === 0 ? 'No active silences.' : null}
      actionError={failure('end the silence', end.error)}
    >
      <table className="silences">
        <TableHead columns={SILENCE_COLUMNS} />
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
    </ListView>
  );
}
