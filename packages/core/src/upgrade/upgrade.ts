// upgrade-db's engine: read the version the site's database is at, plan the hops to the target
// (refusing an impossible path before any change), optionally ask upgrade.php --is-pending, then
// maintenance on → upgrade.php per hop → maintenance off (also after a failure) → purge caches, each
// a followed one-off task, and read the version again to report what the database is at now.
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Platform } from '../settings/platform-schema.js';
import { registrySqlTaskSite } from '../db/sql-task.js';
import { describeTaskEnd, type FollowedTaskResult } from './followed-task.js';
import { adminAccount } from '../db/provisioners.js';
import { readVersionByTask, readVersionDirect } from './read-version.js';
import {
  readMoodleSite,
  runMoodleCli,
  taskDefinitionFor,
  type MoodleSite,
  type MoodleTaskClients,
} from './site-task.js';
import {
  planUpgrade,
  releaseText,
  type HopImage,
  type MoodleRelease,
  type MoodleVersion,
  type UpgradePlan,
} from './versions.js';

export interface UpgradeTarget {
  release: MoodleRelease;
  /** The image holding the target release's code; default the site's own task definition's image. */
  image?: string;
  /** Its PHP version; default from the image tag (`…-8.1`). */
  php?: string;
}

export interface UpgradeOptions {
  clients: MoodleTaskClients;
  platform: Platform;
  previewLink: string;
  target: UpgradeTarget;
  /** Images of intermediate releases the planner may hop through. */
  images: readonly HopImage[];
  allowUnstable: boolean;
  checkPending: boolean;
  maintenance: boolean;
  purgeCaches: boolean;
  dbAccess: 'task' | 'direct';
  tablePrefix?: string;
  /** Longest wait for each task. */
  maxWaitMs: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log: Logger;
  /** Every task's ARN as it starts (the action saves it for its post step). */
  onTaskStarted?: (taskArn: string, purpose: string) => void | Promise<void>;
  /** Plan only: read the version, plan, and run nothing. */
  dryRun?: boolean;
  /** How often a running task's status is logged (default 5 minutes). */
  progressEveryMs?: number;
}

export interface UpgradeStep {
  purpose: string;
  taskArn: string;
  result: string;
  seconds: number;
}

export interface UpgradeResult {
  from: MoodleVersion;
  /** What the database is at afterwards (undefined in a dry run or when it could not be read). */
  to: MoodleVersion | undefined;
  plan: UpgradePlan;
  /** False when --is-pending said there is nothing to upgrade. */
  pending: boolean;
  /** upgrade.php's exit code of the last hop run (0 when none ran). */
  exitCode: number;
  /** The last upgrade task (or the is-pending task when nothing was pending). */
  taskArn: string | undefined;
  durationMs: number;
  steps: UpgradeStep[];
}

/** upgrade.php failed, or a task around it did; carries what happened so far for the outputs. */
export class UpgradeFailedError extends Error {
  override name = 'UpgradeFailedError';
  constructor(
    message: string,
    readonly result: UpgradeResult,
  ) {
    super(message);
  }
}

/** `…:moodle-ecs-docker-8.1` → 8.1 (the platform's image naming); undefined when the tag has none. */
export function phpOfImage(image: string): string | undefined {
  return /(\d+\.\d+)$/.exec(image.split(':').pop() ?? '')?.[1];
}

/** The database's Moodle version, read inside the VPC (task) or from here (direct). */
export async function readSiteVersion(
  o: Pick<
    UpgradeOptions,
    'clients' | 'platform' | 'dbAccess' | 'tablePrefix' | 'log' | 'maxWaitMs' | 'pollMs' | 'onTaskStarted'
  >,
  site: MoodleSite,
): Promise<MoodleVersion> {
  const database = site.entry.databases.moodle;
  if (o.dbAccess === 'direct') {
    const admin = await adminAccount(o.clients, o.log, o.platform.db.admin_secret_arn);
    return readVersionDirect(
      {
        host: site.entry.dbHost,
        port: o.platform.db.port,
        adminUser: admin.user,
        adminPassword: admin.password,
      },
      database,
      o.tablePrefix,
    );
  }
  return readVersionByTask({
    clients: o.clients,
    platform: o.platform,
    site: registrySqlTaskSite(site.entry, o.platform),
    database,
    ...(o.tablePrefix ? { tablePrefix: o.tablePrefix } : {}),
    log: o.log,
    maxWaitMs: Math.min(o.maxWaitMs, 30 * 60_000),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    ...(o.onTaskStarted ? { onStarted: (arn: string) => o.onTaskStarted!(arn, 'read the version') } : {}),
  });
}

/** The tasks of one upgrade run: each on the task definition of its image, followed, recorded. */
class UpgradeTasks {
  readonly steps: UpgradeStep[] = [];
  private readonly tdArns = new Map<string, string>();

  constructor(
    private readonly o: UpgradeOptions,
    private readonly site: MoodleSite,
    private readonly now: () => number,
  ) {}

  private async taskDefinition(image: string): Promise<string> {
    let arn = this.tdArns.get(image);
    if (!arn) {
      arn = await taskDefinitionFor(this.o.clients.ecs, this.site, image, this.o.platform.tags, this.o.log);
      this.tdArns.set(image, arn);
    }
    return arn;
  }

  async run(
    image: string,
    purpose: string,
    script: string,
    args: string[] = [],
  ): Promise<FollowedTaskResult> {
    const { o, site } = this;
    const { log } = o;
    const taskDefinitionArn = await this.taskDefinition(image);
    const t0 = this.now();
    const r = await log.group(purpose, () =>
      runMoodleCli({
        clients: o.clients,
        platform: o.platform,
        site,
        taskDefinitionArn,
        script,
        args,
        purpose,
        maxWaitMs: o.maxWaitMs,
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.sleep ? { sleep: o.sleep } : {}),
        ...(o.now ? { now: o.now } : {}),
        onLine: (l) => log.info(l),
        ...(o.onTaskStarted ? { onStarted: o.onTaskStarted } : {}),
        onProgress: (status, ms, lines) =>
          log.info(
            `… ${purpose}: task ${status} for ${Math.round(ms / 60_000)} min, ${lines} log line(s) so far`,
          ),
        ...(o.progressEveryMs !== undefined ? { progressEveryMs: o.progressEveryMs } : {}),
      }),
    );
    // The exit code decides; a log that was still arriving when the grace ended is only incomplete.
    if (!r.logComplete)
      log.warning(
        `${purpose}: CloudWatch was still delivering the task's log when the wait for it ended; the lines above may miss its last ones (the whole log: ${site.logGroup})`,
      );
    this.steps.push({
      purpose,
      taskArn: r.taskArn,
      result: describeTaskEnd(r),
      seconds: Math.round((this.now() - t0) / 1000),
    });
    return r;
  }
}

/**
 * The hops, each upgrade.php on its image, inside maintenance mode when asked (turned off again
 * whatever happens). Returns why it failed, or undefined.
 */
async function runHops(
  o: UpgradeOptions,
  tasks: UpgradeTasks,
  plan: UpgradePlan,
  result: UpgradeResult,
  failed: (message: string, r: FollowedTaskResult) => UpgradeFailedError,
): Promise<string | undefined> {
  let lastImage = plan.hops[0]!.image;
  if (o.maintenance) {
    const on = await tasks.run(lastImage, 'maintenance mode on', 'admin/cli/maintenance.php', ['--enable']);
    if (on.exitCode !== 0) throw failed(`turning maintenance mode on failed: ${describeTaskEnd(on)}`, on);
  }
  try {
    for (const [i, hop] of plan.hops.entries()) {
      lastImage = hop.image;
      const args = ['--non-interactive', ...(o.allowUnstable ? ['--allow-unstable'] : [])];
      const what = `Moodle ${releaseText(hop.from)} → ${releaseText(hop.to)}`;
      const r = await tasks.run(
        hop.image,
        `upgrade ${i + 1}/${plan.hops.length}: ${what}`,
        'admin/cli/upgrade.php',
        args,
      );
      result.exitCode = r.exitCode ?? -1;
      result.taskArn = r.taskArn;
      if (r.exitCode !== 0)
        return `upgrade.php (${releaseText(hop.from)} → ${releaseText(hop.to)}, task ${r.taskArn}) failed: ${describeTaskEnd(r)}`;
    }
    return undefined;
  } catch (err) {
    return `the upgrade did not finish: ${(err as Error).message}`;
  } finally {
    if (o.maintenance) await maintenanceOff(o, tasks, lastImage);
  }
}

async function maintenanceOff(o: UpgradeOptions, tasks: UpgradeTasks, image: string): Promise<void> {
  const hint = 'run admin/cli/maintenance.php --disable';
  try {
    const off = await tasks.run(image, 'maintenance mode off', 'admin/cli/maintenance.php', ['--disable']);
    if (off.exitCode !== 0)
      o.log.warning(`turning maintenance mode off failed: ${describeTaskEnd(off)}; ${hint}`);
  } catch (err) {
    o.log.warning(`turning maintenance mode off failed: ${(err as Error).message}; ${hint}`);
  }
}

export async function upgradeSite(o: UpgradeOptions): Promise<UpgradeResult> {
  const now = o.now ?? Date.now;
  const started = now();
  const { log } = o;
  const site = await readMoodleSite(o.clients, o.previewLink);
  const image = o.target.image ?? site.image;
  const php = o.target.php ?? phpOfImage(image);
  if (!php)
    throw new ConfigurationError(
      `cannot tell the PHP version of ${image} from its tag: give php-version (e.g. 8.1)`,
    );
  const from = await log.group('Reading the Moodle version', async () => {
    const v = await readSiteVersion(o, site);
    log.info(`${site.entry.databases.moodle} is at Moodle ${v.release} (version ${v.version})`);
    return v;
  });
  const plan = planUpgrade(from, { release: o.target.release, image, php }, o.images);
  for (const [i, h] of plan.hops.entries())
    log.info(
      `hop ${i + 1}/${plan.hops.length}: ${releaseText(h.from)} → ${releaseText(h.to)} with ${h.image} (PHP ${h.php})`,
    );
  const tasks = new UpgradeTasks(o, site, now);
  const result: UpgradeResult = {
    from,
    to: undefined,
    plan,
    pending: true,
    exitCode: 0,
    taskArn: undefined,
    durationMs: 0,
    steps: tasks.steps,
  };
  if (o.dryRun) return { ...result, durationMs: now() - started };
  const failed = (message: string, r: FollowedTaskResult) =>
    new UpgradeFailedError(message, {
      ...result,
      exitCode: r.exitCode ?? -1,
      taskArn: r.taskArn,
      durationMs: now() - started,
    });

  const finalImage = plan.hops.at(-1)!.image;
  if (o.checkPending && plan.hops.length === 1) {
    const pending = await tasks.run(finalImage, 'upgrade.php --is-pending', 'admin/cli/upgrade.php', [
      '--is-pending',
    ]);
    // upgrade.php --is-pending: exit 2 when an upgrade is pending, 0 when not.
    if (pending.exitCode === 0) {
      log.info('upgrade.php --is-pending: no upgrade is pending; nothing to do');
      return { ...result, pending: false, taskArn: pending.taskArn, to: from, durationMs: now() - started };
    }
    if (pending.exitCode !== 2)
      throw failed(`upgrade.php --is-pending failed: ${describeTaskEnd(pending)}`, pending);
  }

  const failure = await runHops(o, tasks, plan, result, failed);
  if (failure) {
    result.durationMs = now() - started;
    throw new UpgradeFailedError(failure, result);
  }
  if (o.purgeCaches) {
    const purge = await tasks.run(finalImage, 'purge caches', 'admin/cli/purge_caches.php');
    if (purge.exitCode !== 0) log.warning(`purging caches failed: ${describeTaskEnd(purge)}`);
  }
  result.to = await log.group('Reading the Moodle version again', async () => {
    try {
      const v = await readSiteVersion(o, site);
      log.info(`${site.entry.databases.moodle} is now at Moodle ${v.release} (version ${v.version})`);
      return v;
    } catch (err) {
      log.warning(`could not read the version after the upgrade: ${(err as Error).message}`);
      return undefined;
    }
  });
  result.durationMs = now() - started;
  return result;
}

export type PurgeCachesOptions = Pick<
  UpgradeOptions,
  'clients' | 'platform' | 'previewLink' | 'maxWaitMs' | 'pollMs' | 'sleep' | 'now' | 'log' | 'onTaskStarted'
>;

/** admin/cli/purge_caches.php as one task of the site's own task definition (after a repoint). */
export async function purgeSiteCaches(o: PurgeCachesOptions): Promise<FollowedTaskResult> {
  const site = await readMoodleSite(o.clients, o.previewLink);
  const r = await o.log.group(`purge caches of ${o.previewLink}`, () =>
    runMoodleCli({
      clients: o.clients,
      platform: o.platform,
      site,
      taskDefinitionArn: site.taskDefinition.taskDefinitionArn!,
      script: 'admin/cli/purge_caches.php',
      purpose: 'purge caches',
      maxWaitMs: o.maxWaitMs,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(o.sleep ? { sleep: o.sleep } : {}),
      ...(o.now ? { now: o.now } : {}),
      onLine: (l) => o.log.info(l),
      ...(o.onTaskStarted ? { onStarted: o.onTaskStarted } : {}),
    }),
  );
  if (r.exitCode !== 0) throw new Error(`purge_caches.php failed: ${describeTaskEnd(r)}`);
  return r;
}
