import type { AllowedTarget } from '../../platform/allowed-targets.js';
import type { Config } from '../../platform/config.js';
import { type TargetGuard, targetGuard } from './target-guard.js';

/** What sending to a channel needs from the configuration. */
export type ChannelDeps = {
  /** ALERT_ALLOWED_TARGETS, compiled. */
  guard: TargetGuard;
  /** ALERT_DELIVERY_TIMEOUT_MS: the whole attempt's deadline. */
  timeoutMs: number;
  /** SLACK_API_URL without a trailing slash. */
  slackApiUrl: string;
  /** SLACK_WEBHOOK_HOST. */
  slackWebhookHost: string;
  /** The clock of signature timestamps and `sentAt`. */
  now: () => Date;
};

/** The channel deps from the configuration. */
export function channelDeps(
  config: Pick<Config, 'ALERT_ALLOWED_TARGETS' | 'ALERT_DELIVERY_TIMEOUT_MS' | 'SLACK_API_URL' | 'SLACK_WEBHOOK_HOST'>,
  now: () => Date = () => new Date(),
): ChannelDeps {
  return {
    guard: targetGuard((config.ALERT_ALLOWED_TARGETS ?? []).filter((t): t is AllowedTarget => t !== null)),
    timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
    slackApiUrl: config.SLACK_API_URL.replace(/\/+$/, ''),
    slackWebhookHost: config.SLACK_WEBHOOK_HOST,
    now,
  };
}
