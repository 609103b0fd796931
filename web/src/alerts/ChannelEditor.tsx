import { type FormEvent, useId, useState } from 'react';
import { Field } from '../components/Field';
import { CHANNEL_FIELDS, type ChannelForm, emptyChannelForm, toChannelInput } from '../lib/channel-form';
import { fieldErrors } from '../lib/field-errors';
import { trpc } from '../trpc';

type Props = { tenants: string[]; defaultTenant: string; onDone(): void };

/** Create a webhook or Slack channel (admins); secrets are write-only, the server checks the URL. */
export function ChannelEditor({ tenants, defaultTenant, onDone }: Props) {
  const id = useId();
  const [form, setForm] = useState<ChannelForm>(() => emptyChannelForm(defaultTenant));
  const create = trpc.alerts.channels.create.useMutation({ onSuccess: onDone });
  const { byField, general } = fieldErrors(create.error, CHANNEL_FIELDS);
  const set = (k: keyof ChannelForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(toChannelInput(form));
  };
  const f = (k: string) => `${id}-${k.replace('.', '-')}`;
  const slack = form.kind === 'slack';
  return (
    <form className="card alert-form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`}>New channel</h3>
      <div className="form-grid">
        <Field id={f('name')} label="Channel name" error={byField.name}>
          {(a) => <input {...a} value={form.name} onChange={set('name')} />}
        </Field>
        <Field id={f('tenantName')} label="Tenant" error={byField.tenantName}>
          {(a) => (
            <select {...a} value={form.tenantName} onChange={set('tenantName')}>
              {tenants.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Field id={f('kind')} label="Kind" error={byField.kind}>
          {(a) => (
            <select {...a} value={form.kind} onChange={set('kind')}>
              <option value="webhook">Webhook</option>
              <option value="slack">Slack</option>
            </select>
          )}
        </Field>
        <Field
          id={f('url')}
          label={slack ? 'Incoming-webhook URL (or use a bot below)' : 'URL'}
          error={byField.url}
          hint={slack ? 'https://hooks.slack.com/services/…' : undefined}
        >
          {(a) => <input {...a} type="url" value={form.url} onChange={set('url')} />}
        </Field>
        {slack ? (
          <>
            <Field id={f('slack.channel')} label="Slack channel (bot)" error={byField['slack.channel']}>
              {(a) => <input {...a} value={form.slackChannel} onChange={set('slackChannel')} />}
            </Field>
            <Field id={f('slack.botToken')} label="Bot token" error={byField['slack.botToken']}>
              {(a) => (
                <input
                  {...a}
                  type="password"
                  autoComplete="off"
                  value={form.slackBotToken}
                  onChange={set('slackBotToken')}
                />
              )}
            </Field>
          </>
        ) : (
          <Field
            id={f('secret')}
            label="Signing secret (optional)"
            error={byField.secret}
            hint="HMAC-SHA256 key; never shown again"
          >
            {(a) => <input {...a} type="password" autoComplete="off" value={form.secret} onChange={set('secret')} />}
          </Field>
        )}
      </div>
      {general ? (
        <p className="notice notice-error" role="alert">
          {general}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={create.isPending}>
          Create channel
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
