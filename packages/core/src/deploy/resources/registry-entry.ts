// The site's entry in the site registry, written when it says something new: the site's resources,
// its cron entry (present only with cron: true), and data it stopped using (retired, with a date).
import type { RetiredData, SiteRegistryEntry } from '../../registry/site-registry.js';
import { sameEntry } from '../../registry/site-registry.js';
import { describeAwake } from '../../fleet/awake-schedule.js';
import { ConfigurationError } from '../../errors.js';
import { money } from '../../fleet/cost-estimate.js';
import type { DeployEnv, Inspection } from '../types.js';

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

export function inspectRegistryEntry(env: DeployEnv): Inspection {
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
