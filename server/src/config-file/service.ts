import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConfigReloadResult } from '@sla/shared';
import type { Logger } from 'pino';
import { AppError } from '../platform/errors.js';
import { type ExportOmission, exportConfig } from './export.js';
import type { FleetLock } from './lock.js';
import type { DesiredState } from './model.js';
import { parseConfigFile } from './parse.js';
import { isEmptyPlan, planChanges, planSummary } from './plan.js';
import { CONFIG_ACTOR, type ConfigTarget } from './target.js';

export type ConfigFileDeps = {
  /** CONFIG_FILE: the rules file's path; unset, reload answers 400 and nothing applies at start. */
  path: string | undefined;
  /** Where `${NAME}` references are looked up (process.env). */
  env: Readonly<Record<string, string | undefined>>;
  target: ConfigTarget;
  lock: FleetLock;
  /** SLACK_WEBHOOK_HOST: the host Slack incoming-webhook URLs must have, as the API checks them. */
  slackWebhookHost?: string;
  /** Objects the export leaves out (the demo's, seeded at every start), with the comment saying so. */
  exportOmits?: ExportOmission;
  /** A tenant's effective time zone (PolicyStore.settingsOf): the default of a window's timeZone. */
  zoneOf: (tenantName: string) => string;
  log: Logger;
};

/**
 * A window without `timeZone` takes its tenant's: the one the same file declares, else the
 * stored one. Filled in before planning so an unchanged file plans nothing.
 */
export function fillWindowZones(desired: DesiredState, zoneOf: (tenantName: string) => string): void {
  const declared = new Map(desired.tenants.map((t) => [t.key, t.spec.timeZone as string | null]));
  for (const w of desired.windows) {
    const tenant = String(w.spec.tenantName);
    w.spec.timeZone ??= declared.get(tenant) ?? zoneOf(tenant);
  }
}

async function readDesired(d: ConfigFileDeps): Promise<{ name: string; desired: DesiredState }> {
  if (!d.path) throw new AppError('BAD_INPUT', 'CONFIG_FILE is not set: this server has no rules file to reload');
  const name = basename(d.path);
  let text: string;
  try {
    text = await readFile(d.path, 'utf8');
  } catch (err) {
    throw new AppError('BAD_INPUT', `${name}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const desired = parseConfigFile(text, name, d.env, { slackWebhookHost: d.slackWebhookHost });
  fillWindowZones(desired, d.zoneOf);
  return { name, desired };
}

/**
 * Reads the rules file and plans it against the stored state, then runs the plan under the
 * fleet lock (re-planned once the lock is held, so of pods reloading together only the first
 * applies; the others find nothing left to do and answer `applied: false`). A `dryRun` runs
 * the very same writes and checks and rolls them back (`ConfigTarget.apply`'s `dryRun`), so it
 * refuses exactly what the apply would refuse, with the same 400 / 409.
 * @throws ConfigFileError (400, naming file:line: path; 409 for a channel rules still use),
 *   AppError BAD_INPUT (no CONFIG_FILE, unreadable file, a window or zone the policy checks
 *   refuse), UNAVAILABLE.
 */
export async function reloadConfig(d: ConfigFileDeps, input: { dryRun: boolean }): Promise<ConfigReloadResult> {
  const { name, desired } = await readDesired(d);
  const dryRun = input.dryRun;
  return d.lock.run(async () => {
    const plan = planChanges(desired, await d.target.read());
    const changes = !isEmptyPlan(plan);
    if (changes) await d.target.apply(desired, plan, CONFIG_ACTOR, { dryRun });
    return { file: name, dryRun, applied: changes && !dryRun, plan: planSummary(plan) };
  });
}

/** The stored configuration as a rules file (secrets as `${NAME}` placeholders). */
export async function exportCurrentConfig(
  d: Pick<ConfigFileDeps, 'target' | 'exportOmits'>,
): Promise<{ yaml: string }> {
  return { yaml: exportConfig(await d.target.read(), d.exportOmits) };
}

/**
 * At pod start (CONFIG_FILE set): applies the file once across the fleet. A file that cannot
 * be applied is logged (every problem with its line) and the pod serves on with the stored
 * configuration: refusing to start would take every pod down for one typo.
 */
export async function applyConfigAtStart(d: ConfigFileDeps): Promise<ConfigReloadResult | null> {
  if (!d.path) return null;
  try {
    const result = await reloadConfig(d, { dryRun: false });
    d.log.info({ file: result.file, applied: result.applied }, 'rules file applied');
    return result;
  } catch (err) {
    d.log.error({ err: err instanceof AppError ? err.message : String(err) }, 'rules file not applied');
    return null;
  }
}
