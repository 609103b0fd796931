import { useId } from 'react';
import { Field, TextField } from '../components/Field';
import { FormCard, TenantField, useFormState } from '../components/FormCard';
import { CHANNEL_FIELDS, type ChannelForm, emptyChannelForm, toChannelInput } from '../lib/channel-form';
import { fieldErrors } from '../lib/field-errors';
import { trpc } from '../trpc';

type Props = { tenants: string[]; defaultTenant: string; onDone(): void };

/** Create a webhook or Slack channel (admins); secrets are write-only, the server checks the URL. */
export function ChannelEditor({ tenants, defaultTenant, onDone }: Props) {
  const id = useId();
  const state = useFormState<ChannelForm>(() => emptyChannelForm(defaultTenant), id);
  const create = trpc.alerts.channels.create.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(create.error, CHANNEL_FIELDS);
  const bind = state.bind(byField);
  const kind = bind('kind');
  const slack = state.form.kind === 'slack';
  return (
    <FormCard
      title="New channel"
      className="alert-form"
      submitLabel="Create channel"
      pending={create.isPending}
      general={general}
      onSubmit={() => create.mutate(toChannelInput(state.form))}
      onCancel={onDone}
    >
      <div className="form-grid">
        <TextField label="Channel name" {...bind('name')} />
        <TenantField tenants={tenants} {...bind('tenantName')} />
        <Field id={kind.id} label="Kind" error={kind.error}>
          {(a) => (
            <select {...a} value={kind.value} onChange={kind.onChange}>
              <option value="webhook">Webhook</option>
              <option value="slack">Slack</option>
            </select>
          )}
        </Field>
        <TextField
          label={slack ? 'Incoming-webhook URL (or use a bot below)' : 'URL'}
          hint={slack ? 'https://hooks.slack.com/services/…' : undefined}
          type="url"
          {...bind('url')}
        />
        {slack ? (
          <>
            <TextField label="Slack channel (bot)" {...bind('slackChannel', 'slack.channel')} />
            <TextField
              label="Bot token"
              type="password"
              autoComplete="off"
              {...bind('slackBotToken', 'slack.botToken')}
            />
          </>
        ) : (
          <TextField
            label="Signing secret (optional)"
            hint="HMAC-SHA256 key; never shown again"
            type="password"
            autoComplete="off"
            {...bind('secret')}
          />
        )}
      </div>
    </FormCard>
  );
}
