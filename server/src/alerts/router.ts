import { ZAlertRuleAnswer, ZAlertView, ZChannelAnswer, ZDeliveryResult, ZDeliveryView, ZSilence } from '@sla/shared';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z } from 'zod';
import { adminProcedure, readProcedure, router } from '../trpc/trpc.js';
import { type AlertApiDeps, assertTenantKnown } from './api-deps.js';
import {
  ZAcknowledge,
  ZAlertList,
  ZChannelRef,
  ZChannelWrite,
  ZDeliveryList,
  ZIdInput,
  ZRuleCreate,
  ZRuleUpdate,
  ZSilenceCreate,
  ZSilenceList,
  ZTenantFilter,
} from './api-input.js';
import { createChannel, deleteChannel, listChannels, testChannel, updateChannel } from './channel-writes.js';
import { announceConfigChange } from './config-cache.js';
import { listDeliveries } from './deliveries.js';
import { acknowledgeAlert, listAlerts } from './reads.js';
import { createRule, deleteRule, listRules, updateRule } from './rule-writes.js';
import { createSilence, deleteSilence, listSilences } from './silence-writes.js';

const TAGS = ['alerts'];
const WRITE =
  'Needs an admin token for the tenant ("Authorization: Bearer <token>", or the dashboard\'s admin session): 401 without a known token, 403 for an ingest token or another tenant\'s admin. Bad input is a 400 naming the field and writes nothing; an object the rules file manages is a 409; every write is kept in the audit log.';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** The OpenAPI meta of one route under `/api/alerts`. */
const route = (
  method: Method,
  path: '' | `/${string}`,
  summary: string,
  description = method === 'GET' ? undefined : WRITE,
): OpenApiMeta => ({
  openapi: {
    method,
    path: `/alerts${path}`,
    tags: TAGS,
    summary,
    protect: true,
    ...(description ? { description } : {}),
  },
});

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const only = (tenantName: string | undefined) => (tenantName === undefined ? null : [tenantName]);
/** `d`, once a read's `tenantName` filter names a known tenant (404 naming `tenantName` otherwise). */
const known = (d: AlertApiDeps, input: { tenantName?: string | undefined }) => {
  assertTenantKnown(d, input.tenantName);
  return d;
};

/** `alerts.rules.*`: alert rules. */
function rulesRouter(d: AlertApiDeps) {
  return router({
    list: readProcedure
      .meta(route('GET', '/rules', 'Alert rules, by tenant then name'))
      .input(ZTenantFilter)
      .output(items(ZAlertRuleAnswer))
      .query(async ({ input }) => ({ items: await listRules(known(d, input), input.tenantName) })),
    create: adminProcedure
      .meta(route('POST', '/rules', 'Create an alert rule (burn_rate, status or stale)'))
      .input(ZRuleCreate)
      .output(ZAlertRuleAnswer)
      .mutation(({ ctx, input }) => announced(createRule(d, ctx.admin, input))),
    update: adminProcedure
      .meta(route('PUT', '/rules/{id}', 'Replace an alert rule'))
      .input(ZRuleUpdate)
      .output(ZAlertRuleAnswer)
      .mutation(({ ctx, input }) => announced(updateRule(d, ctx.admin, input.id, input.rule))),
    delete: adminProcedure
      .meta(route('DELETE', '/rules/{id}', 'Delete an alert rule'))
      .input(ZIdInput)
      .output(ZAlertRuleAnswer)
      .mutation(({ ctx, input }) => announced(deleteRule(d, ctx.admin, input.id))),
  });
}

/** `alerts.channels.*`: notification channels (secrets write-only). */
function channelsRouter(d: AlertApiDeps) {
  return router({
    list: readProcedure
      .meta(route('GET', '/channels', 'Notification channels (secrets are never answered, only whether one is set)'))
      .input(ZTenantFilter)
      .output(items(ZChannelAnswer))
      .query(async ({ input }) => ({ items: await listChannels(known(d, input), input.tenantName) })),
    create: adminProcedure
      .meta(route('POST', '/channels', 'Create a webhook or Slack channel'))
      .input(ZChannelWrite)
      .output(ZChannelAnswer)
      .mutation(({ ctx, input }) => announced(createChannel(d, ctx.admin, input))),
    update: adminProcedure
      .meta(
        route(
          'PUT',
          '/channels/{tenantName}/{name}',
          'Replace a channel (an omitted secret, or a Slack URL sent back masked as answered, is kept)',
        ),
      )
      .input(ZChannelWrite)
      .output(ZChannelAnswer)
      .mutation(({ ctx, input }) => announced(updateChannel(d, ctx.admin, input))),
    delete: adminProcedure
      .meta(route('DELETE', '/channels/{tenantName}/{name}', 'Delete a channel no rule names'))
      .input(ZChannelRef)
      .output(ZChannelAnswer)
      .mutation(({ ctx, input }) => announced(deleteChannel(d, ctx.admin, input))),
    test: adminProcedure
      .meta(
        route(
          'POST',
          '/channels/{tenantName}/{name}/test',
          'Send a test message; answers what the receiver did',
          "Needs an admin token for the channel's tenant (401/403 as for writes). The message is one firing change of rule `Test message`, fingerprint `test`; nothing is written.",
        ),
      )
      .input(ZChannelRef)
      .output(ZDeliveryResult)
      .mutation(({ ctx, input }) => testChannel(d, ctx.admin, input)),
  });
}

/** `alerts.silences.*`: explicit silences. */
function silencesRouter(d: AlertApiDeps) {
  return router({
    list: readProcedure
      .meta(route('GET', '/silences', 'Silences not yet ended (includeEnded: all)'))
      .input(ZSilenceList)
      .output(items(ZSilence))
      .query(async ({ input }) => ({ items: await listSilences(known(d, input), input) })),
    create: adminProcedure
      .meta(route('POST', '/silences', 'Silence alerts of a scope (and optionally one rule) until endsAt'))
      .input(ZSilenceCreate)
      .output(ZSilence)
      .mutation(({ ctx, input }) => announced(createSilence(d, ctx.admin, input))),
    delete: adminProcedure
      .meta(route('DELETE', '/silences/{id}', 'End a silence now (delete it)'))
      .input(ZIdInput)
      .output(ZSilence)
      .mutation(({ ctx, input }) => announced(deleteSilence(d, ctx.admin, input.id))),
  });
}

/**
 * `alerts.*`: alerts (firing and recent), acknowledgement, rules, channels, silences and the
 * delivery log, over tRPC and REST (`/api/alerts…`). Reads need a reader; writes an admin of
 * the tenant concerned.
 */
export function alertsRouter(d: AlertApiDeps) {
  return router({
    list: readProcedure
      .meta(route('GET', '', 'Firing alerts and those resolved within recentHours, firing first'))
      .input(ZAlertList)
      .output(items(ZAlertView))
      .query(async ({ input }) => ({
        items: await listAlerts(known(d, input).db.sql, {
          tenantNames: only(input.tenantName),
          entityId: input.entityId,
          recentHours: input.recentHours,
          limit: input.limit,
        }),
      })),
    acknowledge: adminProcedure
      .meta(route('POST', '/{fingerprint}/acknowledge', 'Acknowledge a firing alert (until it resolves)'))
      .input(ZAcknowledge)
      .output(ZAlertView)
      .mutation(({ ctx, input }) => acknowledgeAlert(d.db, ctx.admin, input)),
    rules: rulesRouter(d),
    channels: channelsRouter(d),
    silences: silencesRouter(d),
    deliveries: router({
      list: readProcedure
        .meta(route('GET', '/deliveries', 'The delivery log, newest first: attempts, status codes, errors'))
        .input(ZDeliveryList)
        .output(items(ZDeliveryView))
        .query(async ({ input }) => ({
          items: await listDeliveries(known(d, input).db.sql, {
            tenantNames: only(input.tenantName),
            channel: input.channel,
            openOnly: input.openOnly,
            limit: input.limit,
          }),
        })),
    }),
  });
}

/** Resolves with `write`'s answer after telling this pod's engine the configuration changed (committed). */
async function announced<T>(write: Promise<T>): Promise<T> {
  const answer = await write;
  announceConfigChange();
  return answer;
}
