import type { ChannelAnswer } from '@sla/shared';
import { useState } from 'react';
import { failure, ListView } from '../components/ListView';
import { ActionsCell, TableHead } from '../components/TableHead';
import { describeTestResult } from '../lib/alerts';
import { defaultTenantOf } from '../lib/api-types';
import { trpc } from '../trpc';
import { ChannelEditor } from './ChannelEditor';

type Props = { tenantName: string | undefined; adminTenants: string[]; canEdit(tenantName: string): boolean };

const CHANNEL_COLUMNS = ['Name', 'Kind', 'Target', 'Secret'];

/** Whether a secret is set, in words: the secret itself never leaves the server. */
const secretWords = (c: ChannelAnswer) =>
  c.kind === 'webhook'
    ? c.hasSecret
      ? 'Set (signed)'
      : 'None (unsigned)'
    : c.slack?.hasBotToken
      ? 'Bot token set'
      : 'In the webhook URL';

const keyOf = (c: { tenantName: string; name: string }) => `${c.tenantName}/${c.name}`;

function ChannelActions({ c, onDelete, deleting }: { c: ChannelAnswer; onDelete(): void; deleting: boolean }) {
  const test = trpc.alerts.channels.test.useMutation();
  const result = test.data
    ? describeTestResult(test.data)
    : test.error
      ? `Could not test: ${test.error.message}`
      : null;
  return (
    <>
      <button
        type="button"
        onClick={() => test.mutate({ tenantName: c.tenantName, name: c.name })}
        disabled={test.isPending}
        aria-label={`Send test to ${c.name}`}
      >
        {test.isPending ? 'Sending…' : 'Send test'}
      </button>
      {c.managedByFile ? null : (
        <button type="button" onClick={onDelete} disabled={deleting} aria-label={`Delete channel ${c.name}`}>
          Delete
        </button>
      )}
      <span role="status" className={test.data?.ok ? 'test-result test-ok' : 'test-result'} data-testid="test-result">
        {result}
      </span>
    </>
  );
}

/** Notification channels (kind, masked target, whether a secret is set); admins create, delete and test them. */
export function ChannelsSection({ tenantName, adminTenants, canEdit }: Props) {
  const list = trpc.alerts.channels.list.useQuery(tenantName ? { tenantName } : {});
  const utils = trpc.useUtils();
  const remove = trpc.alerts.channels.delete.useMutation({ onSuccess: () => void utils.alerts.invalidate() });
  const [creating, setCreating] = useState(false);
  const items = list.data?.items ?? [];
  const withActions = items.some((c) => canEdit(c.tenantName));
  return (
    <>
      {adminTenants.length > 0 && !creating ? (
        <button type="button" onClick={() => setCreating(true)}>
          New channel
        </button>
      ) : null}
      {creating ? (
        <ChannelEditor
          tenants={adminTenants}
          defaultTenant={defaultTenantOf(tenantName, adminTenants)}
          onDone={() => {
            setCreating(false);
            void utils.alerts.channels.invalidate();
          }}
        />
      ) : null}
      <ListView
        query={list}
        what="channels"
        label="Channels"
        empty={items.length === 0 ? `No channels${tenantName ? ` for ${tenantName}` : ''}.` : null}
        actionError={failure('delete', remove.error)}
      >
        <table className="channels">
          <TableHead columns={[...CHANNEL_COLUMNS, withActions ? 'Actions' : null]} />
          <tbody>
            {items.map((c) => (
              <tr key={keyOf(c)} data-channel={c.name}>
                <th scope="row">
                  {c.name}
                  <div className="muted">{c.tenantName}</div>
                </th>
                <td>{c.kind === 'slack' ? 'Slack' : 'Webhook'}</td>
                <td className="channel-url">{c.url ?? (c.slack?.channel ? `bot → ${c.slack.channel}` : '–')}</td>
                <td>{secretWords(c)}</td>
                <ActionsCell shown={withActions}>
                  {canEdit(c.tenantName) ? (
                    <ChannelActions
                      c={c}
                      deleting={remove.isPending}
                      onDelete={() => {
                        if (window.confirm(`Delete the channel "${c.name}"?`))
                          remove.mutate({ tenantName: c.tenantName, name: c.name });
                      }}
                    />
                  ) : null}
                </ActionsCell>
              </tr>
            ))}
          </tbody>
        </table>
      </ListView>
    </>
  );
}
