import type { RuleDraft } from '../alerts/api-input.js';
import { deleteChannelRow, insertChannelRow, markChannelManaged, updateChannelRow } from '../alerts/channel-rows.js';
import {
  type ChannelWriteDeps,
  openSecrets,
  prepareChannel,
  type Secrets,
  type StoredChannel,
} from '../alerts/channels/stored.js';
import { readChannel, readChannels, readRule, readRules } from '../alerts/config-store.js';
import { checkRuleRow, deleteRuleRow, insertRuleRow, markRuleManaged, updateRuleRow } from '../alerts/rule-rows.js';
import type { SecretBox } from '../alerts/secrets.js';
import { variableFor } from '../config-file/export.js';
import type { Spec } from '../config-file/model.js';
import { secretDigest } from '../config-file/parse.js';
import { tenantKey } from '../config-file/schema.js';
import { type KindStore, StillInUse } from '../config-file/target.js';
import { AppError } from '../platform/errors.js';
import { assertTenantExists, type ScopeView } from '../policy/scope.js';

/**
 * The rules file's stores for alert rules and channels (config-file/target.ts `KindStore`)
 * over alerts/' tables, written through alerts/' row writes with the API's checks. Here in
 * the composition root because alerts/ and config-file/ are peers that do not import each other.
 */

/** What the stores check and seal with: the pod's view (scopes, tenants), channel sending (the target guard), the secret box. */
export type AlertStoreDeps = ChannelWriteDeps & { view: ScopeView; loaded: () => boolean };

/** Runs a check or write, prefixing a 400 with the file object's kind and key (`rules.<tenant>/<name>.channels.0: …`). */
async function named<T>(where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof AppError && err.code === 'BAD_INPUT')
      throw new AppError('BAD_INPUT', `${where}.${err.message}`, undefined, { cause: err });
    throw err;
  }
}

/** @throws AppError UNAVAILABLE while the pod's view loads: scopes and tenants cannot be checked before. */
function assertLoaded(d: AlertStoreDeps): void {
  if (!d.loaded()) throw new AppError('UNAVAILABLE', 'The cache is still loading; reload the rules file shortly', 2);
}

const changed = (key: string) => new AppError('UNAVAILABLE', `${key}: changed meanwhile; reload again`, 1);

/**
 * Alert rules (`sla_alert_rule`). A rule's spec is its stored `rule` without the id: the
 * `ZAlertRuleInput` output the file's own spec is, so an unchanged rule compares equal.
 */
export function ruleStore(d: AlertStoreDeps): KindStore {
  return {
    kind: 'rules',
    async read(sql, managed) {
      const keys = new Set(managed.map((m) => m.key));
      return (await readRules(sql, null)).map((r) => {
        const { id, ...spec } = r.rule;
        const key = tenantKey(r.rule);
        return { key, spec, managed: keys.has(key), id: String(id) };
      });
    },
    async write(sql, plan, actor) {
      assertLoaded(d);
      const ids = new Map<string, string | null>();
      for (const o of plan.create) {
        const rule = o.value as RuleDraft;
        await named(`rules.${o.key}`, () => checkRuleRow(d.view, sql, rule, null));
        ids.set(o.key, String((await insertRuleRow(sql, actor, rule, { managedByFile: true })).rule.id));
      }
      for (const { desired, current } of plan.update) {
        const rule = desired.value as RuleDraft;
        const before = await readRule(sql, Number(current.id), true);
        if (!before) throw changed(`rules.${desired.key}`);
        await named(`rules.${desired.key}`, () => checkRuleRow(d.view, sql, rule, before.rule.id));
        await updateRuleRow(sql, actor, before, rule, { managedByFile: true });
        // The id stays the rule's: alerts and their fingerprints follow it.
        ids.set(desired.key, String(before.rule.id));
      }
      return ids;
    },
    async adopt(sql, objects) {
      for (const o of objects) await markRuleManaged(sql, String(o.spec.tenantName), String(o.spec.name));
    },
    async remove(sql, plan, actor) {
      // A rule already gone (deleted meanwhile) has nothing left to remove.
      const stored = (id: string | null) => readRule(sql, Number(id), true);
      for (const c of plan.delete) await stored(c.id).then((r) => r && deleteRuleRow(sql, actor, r));
    },
  };
}

/**
 * A channel the API made, in file terms, as an export writes it: each credential (webhook
 * secret, Slack bot token, Slack incoming-webhook URL) as the `${NAME}` placeholder the export
 * names (`variableFor`), and `secretDigest` over the opened values as parse.ts computes it, so
 * reloading the export with those variables set to the same values compares equal. Without a
 * key to open them the digest cannot match: the channel then plans as an update.
 */
function apiChannelSpec(c: StoredChannel, box: SecretBox | null): Spec {
  const key = tenantKey(c);
  const ref = (field: 'secret' | 'botToken' | 'url') => `\${${variableFor(key, field)}}`;
  let opened: Secrets | null = {};
  try {
    opened = c.sealed ? (box ? openSecrets(c, box) : null) : {};
  } catch {
    opened = null;
  }
  const digest = opened
    ? secretDigest({ url: opened.url, secret: opened.secret, 'slack.botToken': opened.botToken })
    : 'unknown';
  const base = { name: c.name, tenantName: c.tenantName, kind: c.kind, secretDigest: digest };
  if (c.kind === 'webhook') return { ...base, url: c.url, ...(c.hasSecret ? { secret: ref('secret') } : {}) };
  if (c.slackChannel === null) return { ...base, url: ref('url') };
  return { ...base, slack: { channel: c.slackChannel, ...(c.hasBotToken ? { botToken: ref('botToken') } : {}) } };
}

/**
 * Notification channels (`sla_alert_channel`). A channel the file manages reads as the spec
 * the registry kept (`${NAME}` placeholders and the digest of their values), since the sealed
 * secrets are never opened to compare it; others as `apiChannelSpec`. Writes go through
 * `prepareChannel` (schema, target guard, sealing the resolved secrets); the file states
 * every secret, so an update keeps none the file left out. An API-made channel the file names
 * as it is (an export reloaded with the same credentials) is adopted without a write.
 */
export function channelStore(d: AlertStoreDeps): KindStore {
  const prepare = (key: string, value: unknown) => named(`channels.${key}`, () => prepareChannel(value, d));
  return {
    kind: 'channels',
    async read(sql, managed) {
      const specs = new Map(managed.map((m) => [m.key, m.spec]));
      return (await readChannels(sql, null)).map((c) => {
        const key = tenantKey(c.channel);
        const spec = specs.get(key);
        return { key, spec: spec ?? apiChannelSpec(c.channel, d.box), managed: spec !== undefined, id: null };
      });
    },
    async write(sql, plan, actor) {
      assertLoaded(d);
      for (const o of plan.create) {
        const tenant = String(o.spec.tenantName);
        await named(`channels.${o.key}`, async () => assertTenantExists(d.view, tenant));
        await insertChannelRow(sql, actor, await prepare(o.key, o.value), { managedByFile: true });
      }
      for (const { desired } of plan.update) {
        const { tenantName, name } = desired.spec as { tenantName: string; name: string };
        const before = await readChannel(sql, tenantName, name, true);
        if (!before) throw changed(`channels.${desired.key}`);
        await updateChannelRow(sql, actor, before, await prepare(desired.key, desired.value), { managedByFile: true });
      }
      // The tenant and name are the key: no other id to remember.
      return new Map([...plan.create, ...plan.update.map((u) => u.desired)].map((o) => [o.key, null]));
    },
    async adopt(sql, objects) {
      for (const o of objects) await markChannelManaged(sql, String(o.spec.tenantName), String(o.spec.name));
    },
    async remove(sql, plan, actor) {
      for (const c of plan.delete) {
        const { tenantName, name } = c.spec as { tenantName: string; name: string };
        const before = await readChannel(sql, tenantName, name, true);
        if (!before) continue;
        // Rules are written before channels are removed: these are the rules as they will stand.
        const users = (await readRules(sql, tenantName)).filter((r) => r.rule.channels.includes(name));
        if (users.length > 0)
          throw new StillInUse(
            'channels',
            c.key,
            'rules',
            users.map((r) => tenantKey(r.rule)),
          );
        await deleteChannelRow(sql, actor, before);
      }
    },
  };
}

/** Both stores, as `configFileDeps` takes them (`alertStores`). */
export const alertKindStores = (d: AlertStoreDeps) => ({ rules: ruleStore(d), channels: channelStore(d) });
