import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ChannelWriteDeps } from '../alerts/channels/stored.js';
import { upsertAlertConfig } from '../alerts/config-upsert.js';
import type { AlertMessage } from '../alerts/types.js';
import type { Db } from '../db/sql.js';
import type { AllowedTarget } from '../platform/allowed-targets.js';
import { DEMO_TEAMS } from './dataset.js';

/** The demo's webhook receiver: where it listens, and the allow-list entry that lets the pod reach it. */
export type DemoReceiver = { url: string; allowed: AllowedTarget; close: () => Promise<void> };

/**
 * A webhook receiver on a loopback port chosen by the OS that logs one line per reported state
 * change ("demo alert received"), so the demo shows alerting end to end without any outside
 * service. Answers 204 to a JSON body, 400 otherwise.
 */
export async function startDemoReceiver(log: Logger): Promise<DemoReceiver> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let message: AlertMessage;
    try {
      message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertMessage;
    } catch {
      res.writeHead(400).end();
      return;
    }
    for (const c of message.changes ?? [])
      log.info(
        { deliveryId: message.deliveryId, channel: message.channel, fingerprint: c.fingerprint, sequence: c.sequence },
        `demo alert received: ${c.state.toUpperCase()} [${c.severity}] ${c.tenantName}: ${c.summary}`,
      );
    res.writeHead(204).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  log.info({ port }, 'demo alert receiver listening');
  return {
    url: `http://127.0.0.1:${port}/demo-alerts`,
    allowed: { kind: 'host', host: '127.0.0.1', port },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/**
 * Seeds the demo's alerting configuration into the tables (so the dashboard lists it and the
 * engine reads it like any other): per demo tenant a webhook channel `demo-console` to
 * `receiverUrl` and a status rule "Failed for 5 minutes" (the demo data keeps some entities
 * failing, so alerts fire out of the box). Upserted by tenant and name (`upsertAlertConfig`):
 * the receiver's port changes per start, so the channel's URL is updated. `deps` must allow
 * the receiver's loopback address.
 * @throws DatabaseUnavailable; Error when the channel is refused.
 */
export function seedDemoAlerting(db: Pick<Db, 'tx'>, receiverUrl: string, deps: ChannelWriteDeps): Promise<void> {
  const tenants = Object.keys(DEMO_TEAMS);
  return upsertAlertConfig(
    db,
    {
      channels: tenants.map((tenantName) => ({ name: DEMO_CHANNEL, tenantName, kind: 'webhook', url: receiverUrl })),
      rules: tenants.map((tenantName) => ({
        name: DEMO_RULE,
        tenantName,
        kind: 'status',
        severity: 'ticket',
        status: { to: 'Failed', forMinutes: 5 },
        channels: [DEMO_CHANNEL],
      })),
    },
    deps,
  );
}

/** The demo channel's and rule's names (per demo tenant). */
export const DEMO_CHANNEL = 'demo-console';
export const DEMO_RULE = 'Failed for 5 minutes';
