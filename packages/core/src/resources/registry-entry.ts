// The site's entry in the site registry (SSM Parameter Store): the only record of what the suite
// deployed. Two planned resources share the one parameter: the entry itself and its cron part
// (present only with cron: true). Deploy writes it when it says something new — the site's
// resources, its cron entry, and data it stopped using (retired, with a date). Destroy handles it
// last of all: without purge it stays, marked destroyed, its cron entry removed and its data recorded
// as retired (kept, awaiting a purge; the deploy conflict guard ignores retired data); with purge it
// is deleted.
import type { DeployEnv, Inspection } from '../deploy/types.js';
import type { DestroyEnv, Removal, RemovalOutcome } from '../destroy/types.js';
import { ConfigurationError } from '../errors.js';
import { describeAwake } from '../fleet/awake-schedule.js';
import { money } from '../fleet/cost-estimate.js';
import { SUITE_NAME } from '../naming.js';
import {
  sameEntry,
  type RetiredData,
  type SiteRegistry,
  type SiteRegistryEntry,
} from '../registry/site-registry.js';
import type { SiteResource } from './types.js';
import { planSiteRegistration, planCronRegistration } from './registry-entry.plan.js';

/** Data named in the previous entry that the new plan no longer uses. */
function newlyRetired(
  previous: SiteRegistryEntry | undefined,
  next: SiteRegistryEntry,
  since: string,
): RetiredData[] {
  if (!previous) return [];
  const out: RetiredData[] = [];
  const used = new Set([next.databases.moodle, next.databases.mim].filter(Boolean));
  for (const db of [previous.databases.moodle, previous.databases.mim]) {
    if (db && !used.has(db))
      out.push({ kind: 'database', name: db, since, reason: `replaced on ${previous.previewLink}` });
  }
  if (previous.moodledataFolder !== next.moodledataFolder) {
    out.push({
      kind: 'moodledata',
      name: previous.moodledataFolder,
      since,
      reason: `replaced on ${previous.previewLink}`,
    });
  }
  return out;
}

/** `day` plus `days`, as YYYY-MM-DD (UTC days). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function desiredEntry(env: DeployEnv): SiteRegistryEntry {
  const { expiry, ...reg } = env.plan.resources.siteRegistration.spec.entry;
  const cron = env.plan.resources.cronRegistration.spec;
  const previous = env.previousEntry;
  const today = env.now().toISOString().slice(0, 10);
  const entry: SiteRegistryEntry = {
    schemaVersion: 1,
    ...reg,
    databases: { ...reg.databases },
    awake: structuredClone(reg.awake),
    capacity: { ...reg.capacity },
    // The first deploy's day stays; an entry from before this field, or of a destroyed site deployed
    // again, starts counting today.
    firstDeployedOn: (!previous?.destroyedAt && previous?.firstDeployedOn) || today,
    estimate: { monthly: env.plan.estimate.monthly, currency: env.plan.estimate.currency },
    retired: [],
    managedBy: 'moodle-preview-actions',
  };
  if (cron.enabled) {
    const { enabled, cluster, service, container, command, timeoutSeconds, logPath } = cron;
    const keep = previous?.cron;
    entry.cron = { enabled, cluster, service, container, command, timeoutSeconds, logPath };
    // A pause (an upgrade under way) outlives a redeploy; only resume clears it.
    if (keep?.paused) entry.cron.paused = keep.paused;
    // Keep who last changed cron when nothing about it changes.
    if (keep && sameEntry({ ...entry, cron: keep }, entry)) entry.cron = keep;
  }
  const stillRetired = (previous?.retired ?? []).filter(
    (r) =>
      !(r.kind === 'database' && Object.values(entry.databases).includes(r.name)) &&
      !(r.kind === 'moodledata' && r.name === entry.moodledataFolder) &&
      !(r.kind === 'db-user' && r.name === entry.dbUser) &&
      !(r.kind === 'db-secret' && r.name === env.plan.resources.dbSecret.spec.name),
  );
  entry.retired = [...stillRetired, ...newlyRetired(previous, entry, today)];
  if (expiry.expires && expiry.expires <= today)
    throw new ConfigurationError(
      `expires ${expiry.expires} is not after today (${today}): the expiry sweep would destroy the site; set a later date, or pinned: true`,
    );
  const expiresOn = expiry.pinned
    ? undefined
    : (expiry.expires ??
      (expiry.lifetimeDays ? addDays(entry.firstDeployedOn!, expiry.lifetimeDays) : undefined));
  if (expiry.pinned) entry.pinned = true;
  if (expiresOn) entry.expiresOn = expiresOn;
  // A deploy from a laptop (no source) keeps the branch a workflow recorded.
  const from = env.source ?? previous?.deployedFrom;
  if (from) entry.deployedFrom = { repository: from.repository, branch: from.branch };
  return entry;
}

function inspectEntry(env: DeployEnv): Inspection {
  const name = env.plan.resources.siteRegistration.spec.parameterName;
  const base = { id: 'siteRegistration' as const, name };
  const entry = desiredEntry(env);
  const previous = env.previousEntry;
  if (previous && sameEntry(previous, entry)) return { ...base, action: 'none', changes: [], arn: name };
  const changes = previous ? describeEntryChanges(previous, entry) : ['create the entry'];
  return {
    ...base,
    action: previous ? 'update' : 'create',
    changes,
    apply: async () => {
      const stamp = { updatedAt: env.now().toISOString(), updatedBy: env.actor };
      const cron = entry.cron && !entry.cron.updatedAt ? { ...entry.cron, ...stamp } : entry.cron;
      await env.registry.put({ ...entry, ...(cron ? { cron } : {}), ...stamp }, previous !== undefined);
      return name;
    },
  };
}

function describeEntryChanges(previous: SiteRegistryEntry, next: SiteRegistryEntry): string[] {
  const changes: string[] = [];
  const keys = [
    'url',
    'cluster',
    'service',
    'taskFamily',
    'container',
    'dbUser',
    'dbHost',
    'moodledataFolder',
    'logGroup',
  ] as const;
  for (const k of keys) if (previous[k] !== next[k]) changes.push(`${k}: ${previous[k]} → ${next[k]}`);
  if (JSON.stringify(previous.databases) !== JSON.stringify(next.databases)) {
    changes.push(
      `databases: ${Object.values(previous.databases).join(', ')} → ${Object.values(next.databases).join(', ')}`,
    );
  }
  const awake = (e: SiteRegistryEntry) => (e.awake ? describeAwake(e.awake) : 'unrecorded');
  if (awake(previous) !== awake(next)) changes.push(`awake: ${awake(previous)} → ${awake(next)}`);
  const cost = (e: SiteRegistryEntry) =>
    e.estimate ? money(e.estimate.monthly, e.estimate.currency) : 'unrecorded';
  if (cost(previous) !== cost(next)) changes.push(`estimate: ${cost(previous)} → ${cost(next)} a month`);
  const expires = (e: SiteRegistryEntry) => (e.pinned ? 'never (pinned)' : (e.expiresOn ?? 'never'));
  if (expires(previous) !== expires(next)) changes.push(`expires: ${expires(previous)} → ${expires(next)}`);
  const bounds = (e: SiteRegistryEntry) =>
    e.capacity ? `${e.capacity.min}-${e.capacity.max}` : 'unrecorded';
  if (bounds(previous) !== bounds(next)) changes.push(`tasks: ${bounds(previous)} → ${bounds(next)}`);
  const from = (e: SiteRegistryEntry) =>
    e.deployedFrom ? `${e.deployedFrom.repository}@${e.deployedFrom.branch}` : 'unrecorded';
  if (from(previous) !== from(next)) changes.push(`deployed from: ${from(previous)} → ${from(next)}`);
  if (!!previous.cron !== !!next.cron) changes.push(next.cron ? 'cron: registered' : 'cron: removed');
  else if (
    previous.cron &&
    next.cron &&
    !sameEntry({ ...previous, cron: previous.cron }, { ...previous, cron: next.cron })
  )
    changes.push('cron: changed');
  const newRetired = next.retired.filter(
    (r) => !previous.retired.some((p) => p.kind === r.kind && p.name === r.name),
  );
  for (const r of newRetired) changes.push(`retire ${r.kind} ${r.name} (kept, awaiting purge)`);
  return changes.length ? changes : ['entry format updated'];
}

export const DESTROYED_REASON = 'site destroyed';

/** The entry after a destroy that keeps the data. Pure. */
export function destroyedEntry(
  entry: SiteRegistryEntry,
  data: { databases: string[]; users: string[]; moodledataFolders: string[]; secrets: string[] },
  today: string,
): SiteRegistryEntry {
  const { cron: _cron, ...rest } = entry;
  const isRetired = (kind: string, name: string) =>
    entry.retired.some((r) => r.kind === kind && r.name === name);
  const retire = (kind: RetiredData['kind'], names: string[]): RetiredData[] =>
    names
      .filter((name) => !isRetired(kind, name))
      .map((name) => ({ kind, name, since: today, reason: DESTROYED_REASON }));
  return {
    ...rest,
    destroyedAt: entry.destroyedAt ?? today,
    retired: [
      ...entry.retired,
      ...retire('database', data.databases),
      ...retire('db-user', data.users),
      ...retire('db-secret', data.secrets),
      ...retire('moodledata', data.moodledataFolders),
    ],
  };
}

/**
 * Destroy's last step, for the entry and its cron part together: it needs to know which DB secrets
 * the other removals kept (they are recorded as retired), so it is not a `removals` of its own.
 */
export function registryRows(env: DestroyEnv, registry: SiteRegistry, keptSecrets: string[]): Removal[] {
  const { entry, target } = env;
  const name = target.names.registryParameter;
  const cronBase = { resource: 'cron entry', name, data: false, step: 'registry' as const };
  const entryBase = { resource: 'registry entry', name, data: false, step: 'registry' as const };
  if (!entry)
    return [
      { ...cronBase, plan: 'gone' },
      { ...entryBase, plan: 'gone' },
    ];
  if (entry.managedBy !== SUITE_NAME) {
    const note = `managed by ${entry.managedBy}`;
    return [
      { ...cronBase, plan: 'not-ours', note },
      { ...entryBase, plan: 'not-ours', note },
    ];
  }
  let write: Promise<RemovalOutcome> | undefined;
  if (env.purge) {
    const remove = () =>
      (write ??= registry.delete(target.link).then((d) => (d ? 'removed' : 'already gone')));
    return [
      entry.cron ? { ...cronBase, plan: 'remove', apply: remove } : { ...cronBase, plan: 'gone' },
      { ...entryBase, plan: 'remove', note: 'deleted once everything it recorded is gone', apply: remove },
    ];
  }
  const today = env.now().toISOString().slice(0, 10);
  const next = destroyedEntry(entry, { ...target.data, secrets: keptSecrets }, today);
  const note = `marked destroyed on ${next.destroyedAt}; its data recorded as retired`;
  if (sameEntry(entry, next))
    return [
      { ...cronBase, plan: 'gone' },
      { ...entryBase, plan: 'keep', note },
    ];
  const put = () =>
    (write ??= registry
      .put({ ...next, updatedAt: env.now().toISOString(), updatedBy: env.actor }, true)
      .then(() => 'kept' as const));
  return [
    entry.cron
      ? {
          ...cronBase,
          plan: 'remove',
          apply: async () => {
            await put(); // one write removes cron and marks the entry destroyed
            return 'removed';
          },
        }
      : { ...cronBase, plan: 'gone' },
    { ...entryBase, plan: 'keep', note, apply: put },
  ];
}

export const siteRegistration = {
  id: 'siteRegistration',
  kind: 'registry entry',
  plan: planSiteRegistration,
  // Derived from the plan and the entry deploy read first: no read of its own.
  inspect: async (env) => inspectEntry(env),
  // Removed by registryRows, destroy's last step. The parameter carries the suite's tags from its
  // first write (the registry's own).
} satisfies SiteResource<'siteRegistration'>;

export const cronRegistration = {
  id: 'cronRegistration',
  kind: 'cron entry',
  plan: planCronRegistration,
  // Written with the entry (siteRegistration's apply): this says only whether it changes.
  inspect: async (env) => {
    const planned = env.plan.resources.cronRegistration;
    const enabled = planned.spec.enabled;
    const changed = !!env.previousEntry?.cron !== enabled;
    return {
      id: 'cronRegistration',
      name: planned.name,
      action: changed ? (enabled ? 'create' : 'update') : 'none',
      changes: changed ? [enabled ? 'register cron' : 'remove the cron entry'] : [],
      arn: planned.name,
    };
  },
  // Removed by registryRows with the entry.
} satisfies SiteResource<'cronRegistration'>;
