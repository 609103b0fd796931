import { ZAlertRuleInput } from '@sla/shared';
import { z } from 'zod';
import type { Silence } from '../domain/alerts/index.js';
import { type ChannelWriteDeps, prepareChannel, type StoredChannel } from './channels/stored.js';
import { type AlertConfig, type AlertConfigSource, channelKey } from './engine-types.js';

const ZSilence = z.object({
  tenantName: z.string(),
  teamName: z.string().nullish(),
  entityType: z.string().nullish(),
  entityId: z.number().int().nullish(),
  ruleName: z.string().nullish(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
});

const ZJsonConfig = z.object({
  rules: z.array(ZAlertRuleInput).default([]),
  channels: z.array(z.unknown()).default([]),
  silences: z.array(ZSilence).default([]),
});

/**
 * The alerting configuration from JSON text (ALERT_CONFIG_JSON; the demo's): rules as
 * `ZAlertRuleInput` (ids are positions, 1-based, so every pod given the same text computes the
 * same fingerprints), channels as the channel API's input (validated and sealed by
 * `prepareChannel`, so the same target guard and encryption apply), silences with ISO times.
 * Parsed once; the returned source answers from memory.
 * @throws Error naming the field when the text is not such a configuration (the pod fails fast).
 */
export async function jsonConfigSource(text: string, deps: ChannelWriteDeps): Promise<AlertConfigSource> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`ALERT_CONFIG_JSON: not JSON (${(err as Error).message})`);
  }
  const parsed = ZJsonConfig.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `ALERT_CONFIG_JSON: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
    );
  const channels = new Map<string, StoredChannel>();
  for (const input of parsed.data.channels) {
    const stored = await prepareChannel(input, deps).catch((err: Error) => {
      throw new Error(`ALERT_CONFIG_JSON channels: ${err.message}`);
    });
    channels.set(channelKey(stored.tenantName, stored.name), stored);
  }
  const silences: Silence[] = parsed.data.silences.map((s) => ({
    ...s,
    startsAt: Date.parse(s.startsAt),
    endsAt: Date.parse(s.endsAt),
  }));
  const config: AlertConfig = {
    rules: parsed.data.rules.map((r, i) => ({ ...r, id: i + 1 })),
    channels,
    silences,
  };
  return async () => config;
}
