import type { SilenceAnswer } from '@sla/shared';
import { failure, ListView } from '../components/ListView';
import { RelativeTime } from '../components/RelativeTime';
import { ActionsCell, TableHead } from '../components/TableHead';
import { formatDateTime } from '../lib/format';
import { scopeLabel } from '../lib/windows';
import { trpc } from '../trpc';

type Props = { tenantName: string | undefined; canEdit(tenantName: string): boolean };

const SILENCE_COLUMNS = ['Reason', 'Scope', 'Starts', 'Ends', 'Created by'];

function SilenceRow({
  s,
  canEdit,
  column,
  onEnd,
  ending,
}: {
  s: SilenceAnswer;
  canEdit: boolean;
  column: boolean;
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
      <ActionsCell shown={column}>
        {canEdit ? (
          <button type="button" onClick={onEnd} disabled={ending} aria-label={`End now: silence ${s.reason}`}>
            End now
          </button>
        ) : null}
      </ActionsCell>
    </tr>
  );
}

/** Silences not yet ended; an admin of the tenant ends one (deletes it; audited). */
export function SilencesSection({ tenantName, canEdit }: Props) {
  const list = trpc.alerts.silences.list.useQuery(tenantName ? { tenantName } : {});
  const utils = trpc.useUtils();
  const end = trpc.alerts.silences.delete.useMutation({ onSuccess: () => void utils.alerts.invalidate() });
  const items = list.data?.items ?? [];
  const withActions = items.some((s) => canEdit(s.tenantName));
  return (
    <ListView
      query={list}
      what="silences"
      label="Silences"
      empty={items.length === 0 ? 'No active silences.' : null}
      actionError={failure('end the silence', end.error)}
    >
      <table className="silences">
        <TableHead columns={[...SILENCE_COLUMNS, withActions ? 'Actions' : null]} />
        <tbody>
          {items.map((s) => (
            <SilenceRow
              key={s.id}
              s={s}
              canEdit={canEdit(s.tenantName)}
              column={withActions}
              onEnd={() => end.mutate({ id: s.id })}
              ending={end.isPending}
            />
          ))}
        </tbody>
      </table>
    </ListView>
  );
}
