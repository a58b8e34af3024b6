// A site's cron entry in the site registry, changed without a redeploy: register edits only the `cron`
// field, deregister removes it, list shows every entry with its service's state and last run.
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CronJoblogLine } from './fanout.js';
import { ConfigurationError } from '../errors.js';
import { SUITE_NAME } from '../naming.js';
import { CRON_COMMAND, CRON_TIMEOUT_SECONDS } from '../plan/site-plan.js';
import {
  sameEntry,
  type CronEntry,
  type SiteRegistry,
  type SiteRegistryEntry,
} from '../registry/site-registry.js';

/** managedBy of an entry register-cron wrote for a site the suite never deployed. */
export const EXTERNAL_CRON_OWNER = 'register-cron';

export interface CronRegistration {
  previewLink: string;
  enabled?: boolean;
  command?: string;
  timeoutSeconds?: number;
  /** Required (all three) for a site that has no registry entry. */
  cluster?: string;
  service?: string;
  container?: string;
  actor: string;
}

export interface CronChange {
  previewLink: string;
  /** registered, updated, unchanged, deregistered, absent */
  result: 'registered' | 'updated' | 'unchanged' | 'deregistered' | 'absent';
  cron?: CronEntry;
}

/** Register or change a site's cron entry; a second run with the same input writes nothing. */
export async function registerCron(
  registry: SiteRegistry,
  input: CronRegistration,
  now: () => Date = () => new Date(),
): Promise<CronChange> {
  if (input.timeoutSeconds !== undefined && !(input.timeoutSeconds > 0))
    throw new ConfigurationError(`timeout-seconds must be more than 0, got ${input.timeoutSeconds}`);
  const existing = await registry.get(input.previewLink);
  if (!existing && !(input.cluster && input.service && input.container))
    throw new ConfigurationError(
      `site ${input.previewLink} is not in the site registry: deploy it with deploy-instance, ` +
        'or give cluster, service and container to register cron for a site the suite does not deploy',
    );
  const previous = existing?.cron;
  const stamp = now().toISOString();
  const cron: CronEntry = {
    enabled: input.enabled ?? true,
    cluster: input.cluster ?? previous?.cluster ?? existing!.cluster,
    service: input.service ?? previous?.service ?? existing!.service,
    container: input.container ?? previous?.container ?? existing!.container,
    command: input.command ?? previous?.command ?? CRON_COMMAND,
    timeoutSeconds: input.timeoutSeconds ?? previous?.timeoutSeconds ?? CRON_TIMEOUT_SECONDS,
    ...(previous?.logPath ? { logPath: previous.logPath } : {}),
    // A pause (an upgrade under way) outlives a change of the entry; only resume clears it.
    ...(previous?.paused ? { paused: previous.paused } : {}),
    updatedBy: input.actor,
    updatedAt: stamp,
  };
  // A site the suite never deployed gets a minimal entry: only what cron needs, the rest empty, and
  // managedBy saying so — destroy-instance and the purge never find data of it to act on.
  const next: SiteRegistryEntry = existing
    ? { ...existing, cron }
    : {
        schemaVersion: 1,
        previewLink: input.previewLink,
        url: '',
        cluster: cron.cluster,
        service: cron.service,
        taskFamily: '',
        container: cron.container,
        databases: { moodle: '' },
        dbUser: '',
        dbHost: '',
        moodledataFolder: '',
        logGroup: '',
        cron,
        retired: [],
        managedBy: EXTERNAL_CRON_OWNER,
        updatedAt: stamp,
        updatedBy: input.actor,
      };
  if (existing && sameEntry(existing, next))
    return { previewLink: input.previewLink, result: 'unchanged', cron: previous };
  await registry.put(next, !!existing);
  return { previewLink: input.previewLink, result: previous ? 'updated' : 'registered', cron };
}

/** Remove a site's cron entry; an entry register-cron made for an outside site goes entirely. */
export async function deregisterCron(
  registry: SiteRegistry,
  previewLink: string,
  actor: string,
  now: () => Date = () => new Date(),
): Promise<CronChange> {
  const existing = await registry.get(previewLink);
  if (!existing?.cron) return { previewLink, result: 'absent' };
  if (existing.managedBy === EXTERNAL_CRON_OWNER) await registry.delete(previewLink);
  else {
    const { cron: _removed, ...rest } = existing;
    void _removed;
    await registry.put({ ...rest, updatedAt: now().toISOString(), updatedBy: actor }, true);
  }
  return { previewLink, result: 'deregistered', cron: existing.cron };
}

export interface CronPause {
  /** Why cron must not run now: shown by the fan-out, `cron list` and `doctor`. */
  reason: string;
  /** Who pauses: a resume names it to clear only its own pause (`upgrade-db`, or a person). */
  by: string;
}

export interface CronPauseChange {
  previewLink: string;
  /**
   * paused; already paused (an earlier pause stands, untouched — see `paused`); resumed; not paused;
   * paused by another (left as it is); absent (no cron entry: nothing runs cron there).
   */
  result: 'paused' | 'already paused' | 'resumed' | 'not paused' | 'paused by another' | 'absent';
  paused?: NonNullable<CronEntry['paused']>;
}

/**
 * Pause cron on a site: the fan-out skips it (with the reason) until it is resumed. A pause that is
 * already there is kept as it is, whoever set it: an upgrade never takes over a pause made by hand.
 */
export async function pauseCron(
  registry: SiteRegistry,
  previewLink: string,
  pause: CronPause,
  now: () => Date = () => new Date(),
): Promise<CronPauseChange> {
  const existing = await registry.get(previewLink);
  if (!existing?.cron) return { previewLink, result: 'absent' };
  if (existing.cron.paused) return { previewLink, result: 'already paused', paused: existing.cron.paused };
  const paused = { reason: pause.reason, since: now().toISOString(), by: pause.by };
  await registry.put({ ...existing, cron: { ...existing.cron, paused } }, true);
  return { previewLink, result: 'paused', paused };
}

/**
 * Resume cron on a site. With `onlyBy`, only a pause that party set is cleared (upgrade-db's post
 * step clears its own pause, never one made by hand); without it, any pause (`cron resume`).
 */
export async function resumeCron(
  registry: SiteRegistry,
  previewLink: string,
  onlyBy?: string,
): Promise<CronPauseChange> {
  const existing = await registry.get(previewLink);
  if (!existing?.cron) return { previewLink, result: 'absent' };
  const paused = existing.cron.paused;
  if (!paused) return { previewLink, result: 'not paused' };
  if (onlyBy !== undefined && paused.by !== onlyBy)
    return { previewLink, result: 'paused by another', paused };
  const { paused: _cleared, ...cron } = existing.cron;
  void _cleared;
  await registry.put({ ...existing, cron }, true);
  return { previewLink, result: 'resumed', paused };
}

export interface CronListing {
  previewLink: string;
  cron: CronEntry;
  /** managedBy of the entry: the suite, or register-cron for an outside site. */
  managedBy: string;
  /** ACTIVE, DRAINING, INACTIVE or MISSING. */
  serviceStatus: string;
  runningCount: number;
  /** Time of the last run written to the cron log group, when one was given. */
  lastRun?: string;
}

/** Every cron entry, with its service's state (DescribeServices in batches of 10 per cluster). */
export async function listCron(
  registry: SiteRegistry,
  clients: { ecs: ECSClient; logs?: CloudWatchLogsClient },
  logGroup?: string,
): Promise<CronListing[]> {
  const entries = (await registry.list()).filter((e) => e.cron);
  const services = new Map<string, { status: string; running: number }>();
  const byCluster = new Map<string, string[]>();
  for (const e of entries)
    byCluster.set(e.cron!.cluster, [...(byCluster.get(e.cron!.cluster) ?? []), e.cron!.service]);
  for (const [cluster, names] of byCluster) {
    const unique = [...new Set(names)];
    for (let i = 0; i < unique.length; i += 10) {
      const out = await clients.ecs.send(
        new DescribeServicesCommand({ cluster, services: unique.slice(i, i + 10) }),
      );
      for (const s of out.services ?? [])
        services.set(`${cluster}/${s.serviceName}`, {
          status: s.status ?? 'UNKNOWN',
          running: s.runningCount ?? 0,
        });
    }
  }
  const listing: CronListing[] = [];
  for (const e of entries) {
    const cron = e.cron!;
    const service = services.get(`${cron.cluster}/${cron.service}`);
    listing.push({
      previewLink: e.previewLink,
      cron,
      managedBy: e.managedBy ?? SUITE_NAME,
      serviceStatus: service?.status ?? 'MISSING',
      runningCount: service?.running ?? 0,
      lastRun: logGroup && clients.logs ? await lastRun(clients.logs, logGroup, e.previewLink) : undefined,
    });
  }
  return listing;
}

async function lastRun(
  logs: CloudWatchLogsClient,
  logGroup: string,
  site: string,
): Promise<string | undefined> {
  try {
    const out = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: logGroup, logStreamNamePrefix: site, limit: 50 }),
    );
    const at = out.logStreams?.find((s) => s.logStreamName === site)?.lastEventTimestamp;
    return at ? new Date(at).toISOString() : undefined;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

/** The cron log group run-cron-fanout writes to unless told otherwise. */
export const DEFAULT_CRON_LOG_GROUP = '/moodle-preview/cron';

/**
 * A site's last cron run as run-cron-fanout recorded it: the newest joblog line (JSON) in the site's
 * stream of the cron log group. Undefined when nothing was recorded yet.
 */
export async function lastCronRun(
  logs: CloudWatchLogsClient,
  logGroup: string,
  site: string,
): Promise<CronJoblogLine | undefined> {
  try {
    const out = await logs.send(
      new GetLogEventsCommand({
        logGroupName: logGroup,
        logStreamName: site,
        startFromHead: false,
        limit: 10,
      }),
    );
    for (const event of [...(out.events ?? [])].reverse()) {
      try {
        const line = JSON.parse(event.message ?? '') as Partial<CronJoblogLine>;
        if (line.site === site && typeof line.start === 'string' && 'exitCode' in line)
          return line as CronJoblogLine;
      } catch {
        // the output event of a run, not its joblog line
      }
    }
    return undefined;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
