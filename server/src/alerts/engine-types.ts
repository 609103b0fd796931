import type { AlertRule } from '@sla/shared';
import type { Silence } from '../domain/alerts/index.js';
import type { StoredChannel } from './channels/stored.js';

/** What evaluation and sending read of the alerting configuration, as of one call. */
export type AlertConfig = {
  rules: AlertRule[];
  /** Keyed `${tenantName}/${name}` (`channelKey`): channel names are unique per tenant only. */
  channels: Map<string, StoredChannel>;
  silences: Silence[];
};

/**
 * Where the evaluator and the sender read rules, channels and silences from (the tables,
 * through `cachedConfigSource`): called once per evaluation cycle and per send, so it answers
 * from memory; `fresh` asks for a re-read (a channel a message names is missing from the copy).
 * @throws DatabaseUnavailable (or any error) when it cannot answer: the cycle is skipped.
 */
export type AlertConfigSource = (opts?: { fresh?: boolean }) => Promise<AlertConfig>;

/** The key of a channel in `AlertConfig.channels`. */
export const channelKey = (tenantName: string, name: string): string => `${tenantName}/${name}`;

const EMPTY: AlertConfig = { rules: [], channels: new Map(), silences: [] };

/** The configuration with no rules, channels or silences: alerting idles. */
export const emptyConfigSource: AlertConfigSource = async () => EMPTY;
