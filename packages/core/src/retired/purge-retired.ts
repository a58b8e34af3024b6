// Purges data the site registry records as retired — and only that: databases, DB users, DB secrets
// and moodledata folders whose `retired` record is at least N days old. A record is left alone when a
// live site uses that data now (a refresh's new databases are recorded as retired in the destroyed
// `-prep` site's entry and live on in the refreshed site), and when it was handed over ("taken over
// by …": the taking site's own record governs). Purged records leave the entry; a destroyed site's
// entry with nothing left to purge is deleted.
import {
  DescribeTaskDefinitionCommand,
  DeregisterTaskDefinitionCommand,
  ClientException,
} from '@aws-sdk/client-ecs';
import {
  DeleteSecretCommand,
  DescribeSecretCommand,
  InvalidRequestException,
  ResourceNotFoundException as SecretNotFound,
} from '@aws-sdk/client-secrets-manager';
import type { AwsClients } from '../aws/clients.js';
import { dbPurger } from '../db/purgers.js';
import { registrySqlTaskSite } from '../db/sql-task.js';
import { tagRecord } from '../deploy/normalise.js';
import type { OneOffTaskRunner } from '../deploy/types.js';
import { PURGE_DONE } from '../resources/moodledata.js';
import { SECRET_RECOVERY_DAYS } from '../resources/db-secret.js';
import { describeOneOffEnd } from '../ecs/one-off-task.js';
import { ownedBy } from '../destroy/types.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SUITE_NAME, siteNames } from '../naming.js';
import { SiteRegistry, type RetiredData, type SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';

export type RetiredDecision = 'purge' | 'too recent' | 'in use' | 'handed over';

export interface RetiredItem {
  site: string;
  record: RetiredData;
  ageDays: number;
  decision: RetiredDecision;
  /** Why, for the ones left alone; what happened, after a run. */
  note: string;
  outcome?: 'purged' | 'already gone' | 'skipped' | 'failed';
}

const DAY = 86_400_000;

export function ageInDays(since: string, today: Date): number {
  const t = Date.parse(`${since.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) return -1;
  return Math.floor((Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - t) / DAY);
}

/** Which live site uses this data now, if any. */
function usedBy(
  entry: SiteRegistryEntry,
  r: RetiredData,
  entries: readonly SiteRegistryEntry[],
): string | undefined {
  for (const e of entries) {
    if (e.destroyedAt) continue;
    const sameHost = e.dbHost === entry.dbHost;
    if (r.kind === 'database' && sameHost && Object.values(e.databases).includes(r.name))
      return e.previewLink;
    if (r.kind === 'db-user' && sameHost && e.dbUser === r.name) return e.previewLink;
    if (r.kind === 'moodledata' && e.moodledataFolder === r.name) return e.previewLink;
    if (r.kind === 'db-secret' && r.name === siteNames(e.previewLink).dbSecretName) return e.previewLink;
  }
  return undefined;
}

/** Every retired record with what a purge of `olderThanDays` does with it. Pure. */
export function selectRetired(
  entries: readonly SiteRegistryEntry[],
  today: Date,
  olderThanDays: number,
): RetiredItem[] {
  const items: RetiredItem[] = [];
  for (const entry of entries) {
    for (const record of entry.retired) {
      const ageDays = ageInDays(record.since, today);
      const base = { site: entry.previewLink, record, ageDays };
      const user = usedBy(entry, record, entries);
      if (record.reason.startsWith('taken over by '))
        items.push({
          ...base,
          decision: 'handed over',
          note: `${record.reason}; that site's own record governs it`,
        });
      else if (user) items.push({ ...base, decision: 'in use', note: `live site ${user} uses it` });
      else if (ageDays < olderThanDays)
        items.push({
          ...base,
          decision: 'too recent',
          note: `retired ${ageDays} day(s) ago (< ${olderThanDays})`,
        });
      else
        items.push({ ...base, decision: 'purge', note: `retired ${ageDays} day(s) ago: ${record.reason}` });
    }
  }
  return items;
}

export interface PurgeRetiredOptions {
  clients: AwsClients;
  platform: Platform;
  olderThanDays: number;
  dryRun: boolean;
  dbAccess: 'task' | 'direct';
  tasks: OneOffTaskRunner;
  log: Logger;
  actor: string;
  /** Only these sites' records (default all). */
  sites?: readonly string[];
  now?: () => Date;
}

export interface PurgeRetiredResult {
  items: RetiredItem[];
  purged: number;
  failed: number;
  /** Registry entries deleted (destroyed sites with nothing left). */
  deletedEntries: string[];
}

const FOLDER = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

/** The rm the moodledata task runs: exactly `<mount>/<folder>` for each folder, nothing else. */
export function retiredFolderScript(mountPath: string, folders: readonly string[]): string {
  const mount = mountPath.replace(/\/+$/, '');
  const bad = folders.filter((f) => !FOLDER.test(f) || f === 'cron_logs');
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(mount) || mount.split('/').includes('..') || bad.length)
    throw new ConfigurationError(
      `refusing to remove moodledata: ${bad.length ? `folder name(s) ${bad.map((b) => JSON.stringify(b)).join(', ')} must each be one folder name` : `mount path ${mountPath} must be absolute`}`,
    );
  return [
    'set -eu',
    ...folders.map(
      (f) =>
        `if [ -e '${mount}/${f}' ]; then rm -rf -- '${mount}/${f}' && echo 'moodledata-removed ${f}'; else echo 'moodledata-absent ${f}'; fi`,
    ),
    `echo ${PURGE_DONE}`,
  ].join('\n');
}

export async function purgeRetired(o: PurgeRetiredOptions): Promise<PurgeRetiredResult> {
  if (!Number.isInteger(o.olderThanDays) || o.olderThanDays < 0)
    throw new ConfigurationError(
      `older-than-days must be a whole number of days (0 or more), got ${o.olderThanDays}`,
    );
  const now = o.now ?? (() => new Date());
  const registry = new SiteRegistry(o.clients.ssm);
  const entries = await registry.list();
  const wanted = o.sites ? new Set(o.sites) : undefined;
  const items = selectRetired(entries, now(), o.olderThanDays).filter((i) => !wanted || wanted.has(i.site));
  const result: PurgeRetiredResult = { items, purged: 0, failed: 0, deletedEntries: [] };
  for (const i of items) if (i.decision !== 'purge') i.outcome = 'skipped';
  if (o.dryRun) return result;

  for (const entry of entries) {
    const mine = items.filter((i) => i.site === entry.previewLink && i.decision === 'purge');
    if (mine.length === 0) continue;
    await o.log.group(`purging retired data of ${entry.previewLink}`, async () => {
      const of = (kind: RetiredData['kind']) => mine.filter((i) => i.record.kind === kind);
      const mark = (list: RetiredItem[], outcome: RetiredItem['outcome'], note?: string) => {
        for (const i of list) {
          i.outcome = outcome;
          if (note) i.note = note;
        }
      };
      // Databases and users: DROP … IF EXISTS through the DB purger (SQL task or direct).
      const dbItems = [...of('database'), ...of('db-user')];
      if (dbItems.length) {
        const registered: string[] = [];
        try {
          const purger = dbPurger(o.dbAccess, {
            clients: o.clients,
            platform: o.platform,
            log: o.log,
            tasks: o.tasks,
            site: registrySqlTaskSite(entry, o.platform),
            registered: (arn) => registered.push(arn),
          });
          const r = await purger.purge({
            databases: of('database').map((i) => i.record.name),
            users: of('db-user').map((i) => i.record.name),
          });
          for (const i of dbItems) {
            const kind = i.record.kind === 'database' ? 'databases' : 'users';
            i.outcome = r.dropped[kind].includes(i.record.name) ? 'purged' : 'already gone';
            o.log.info(`  ${i.outcome}: ${i.record.kind} ${i.record.name}`);
          }
        } catch (err) {
          mark(dbItems, 'failed', (err as Error).message);
        } finally {
          // A destroyed site keeps no task definition: deregister what the purge registered for it.
          if (entry.destroyedAt)
            for (const arn of registered)
              await o.clients.ecs
                .send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))
                .catch(() => undefined);
        }
      }
      for (const i of of('db-secret')) {
        try {
          i.outcome = await deleteSecret(o.clients, entry.previewLink, i.record.name);
          if (i.outcome === 'skipped') i.note = 'not tagged as this site’s: left alone';
        } catch (err) {
          mark([i], 'failed', (err as Error).message);
        }
      }
      const folders = of('moodledata');
      if (folders.length) {
        try {
          await removeFolders(o, entry, folders);
        } catch (err) {
          mark(
            folders.filter((f) => !f.outcome),
            'failed',
            (err as Error).message,
          );
        }
      }
    });
  }

  // The registry: purged (or already gone) records leave their entry, in one write per entry.
  for (const entry of entries) {
    const done = items.filter(
      (i) => i.site === entry.previewLink && (i.outcome === 'purged' || i.outcome === 'already gone'),
    );
    if (done.length === 0) continue;
    const retired = entry.retired.filter((r) => !done.some((d) => d.record === r));
    const leftToPurge = retired.filter(
      (r) => !r.reason.startsWith('taken over by ') && !usedBy(entry, r, entries),
    );
    if (entry.destroyedAt && leftToPurge.length === 0 && entry.managedBy === SUITE_NAME) {
      await registry.delete(entry.previewLink);
      result.deletedEntries.push(entry.previewLink);
    } else {
      await registry.put({ ...entry, retired, updatedAt: now().toISOString(), updatedBy: o.actor }, true);
    }
  }
  result.purged = items.filter((i) => i.outcome === 'purged' || i.outcome === 'already gone').length;
  result.failed = items.filter((i) => i.outcome === 'failed').length;
  return result;
}

async function deleteSecret(
  clients: AwsClients,
  link: string,
  name: string,
): Promise<RetiredItem['outcome']> {
  let found;
  try {
    found = await clients.secrets.send(new DescribeSecretCommand({ SecretId: name }));
  } catch (err) {
    if (err instanceof SecretNotFound) return 'already gone';
    throw err;
  }
  if (found.DeletedDate) return 'already gone';
  if (!ownedBy(tagRecord(found.Tags), link)) return 'skipped';
  try {
    await clients.secrets.send(
      new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: SECRET_RECOVERY_DAYS }),
    );
    return 'purged';
  } catch (err) {
    if (err instanceof InvalidRequestException || err instanceof SecretNotFound) return 'already gone';
    throw err;
  }
}

/** Removes the folders with one task of the site's latest ACTIVE task definition (it mounts the EFS). */
async function removeFolders(
  o: PurgeRetiredOptions,
  entry: SiteRegistryEntry,
  items: RetiredItem[],
): Promise<void> {
  const script = retiredFolderScript(
    o.platform.efs.mount_path,
    items.map((i) => i.record.name),
  );
  let td;
  try {
    td = (await o.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: entry.taskFamily })))
      .taskDefinition;
  } catch (err) {
    if (!(err instanceof ClientException)) throw err;
  }
  // Stryker disable next-line ConditionalExpression: equivalent — DescribeTaskDefinition of a family
  // answers its latest ACTIVE revision only; the status check keeps the rule visible here.
  if (!td || td.status !== 'ACTIVE') {
    for (const i of items) {
      i.outcome = 'skipped';
      i.note = `no ACTIVE task definition of ${entry.previewLink} to run the removal with; remove ${o.platform.efs.mount_path}/${i.record.name} by hand`;
    }
    return;
  }
  const container =
    td.containerDefinitions?.find((c) => c.name === entry.container) ?? td.containerDefinitions?.[0];
  const logOptions = container?.logConfiguration?.options ?? {};
  const r = await o.tasks.run({
    cluster: entry.cluster,
    taskDefinitionArn: td.taskDefinitionArn!,
    container: container?.name ?? entry.container,
    command: ['sh', '-c', script],
    platform: o.platform,
    startedBy: `mdl-purge/${entry.previewLink}`.slice(0, 36),
    logGroup: logOptions['awslogs-group'] ?? entry.logGroup,
    logStreamPrefix: logOptions['awslogs-stream-prefix'] ?? 'moodle',
    endLine: (l) => l === PURGE_DONE,
  });
  if (r.exitCode !== 0 || !r.logLines.includes(PURGE_DONE))
    throw new Error(`removing moodledata failed ${describeOneOffEnd(r, 3)}`);
  for (const i of items) {
    i.outcome = r.logLines.includes(`moodledata-removed ${i.record.name}`) ? 'purged' : 'already gone';
    o.log.info(`  ${i.outcome}: moodledata ${i.record.name}`);
  }
}
