// The site's data — databases, DB users, moodledata folders and cron log, DB secret, log group — kept
// unless the destroy purges. Databases and users go through the DB purger (SQL task or direct); the
// folders through a one-off task of the site's task definition (only the VPC reaches EFS). The DB
// secret goes after both: while it exists a re-run repeats their (idempotent) removal, and once it is
// scheduled for deletion everything before it is known to be done — a task of the site can no longer
// start without it anyway.
import {
  DeleteLogGroupCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException as LogsNotFound,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { PurgeResult, PurgeState, PurgeTarget } from '../db/purge-sql.js';
import { tagRecord } from '../deploy/normalise.js';
import { describeOneOffEnd } from '../ecs/one-off-task.js';
import { ConfigurationError } from '../errors.js';
import { KEEP_NOTE, type DestroyEnv, type Removal, type RemovalOutcome } from './types.js';
import { ownedBy } from './types.js';

/** Runs `fn` once, however many rows share its outcome. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

export function databaseRows(
  env: DestroyEnv,
  state: PurgeState | undefined,
  siteSecretGone: boolean,
): Removal[] {
  const { data } = env.target;
  const purgeTarget: PurgeTarget = { databases: data.databases, users: data.users };
  const items = [
    ...data.databases.map((name) => ({ resource: 'database', kind: 'databases' as const, name })),
    ...data.users.map((name) => ({ resource: 'DB user', kind: 'users' as const, name })),
  ];
  const run = once(() => env.db.purge(purgeTarget));
  const outcome = (result: PurgeResult, kind: 'databases' | 'users', name: string): RemovalOutcome =>
    result.dropped[kind].includes(name) ? 'removed' : 'already gone';
  return items.map(({ resource, kind, name }): Removal => {
    const base = {
      resource,
      name: kind === 'users' ? `${name}@'%'` : name,
      data: true,
      step: 'data in place' as const,
    };
    if (!env.purge) return { ...base, plan: 'keep', note: `${KEEP_NOTE}; on ${data.dbHost}` };
    if (state && !state[kind].includes(name)) return { ...base, plan: 'gone' };
    if (!state && siteSecretGone)
      return { ...base, plan: 'gone', note: 'dropped before the DB secret was deleted, by an earlier run' };
    return {
      ...base,
      plan: 'remove',
      note: `${env.db.mode === 'task' ? 'SQL task' : 'direct'}: DROP … IF EXISTS on ${data.dbHost}`,
      apply: async () => {
        const done = outcome(await run(), kind, name);
        if (done === 'removed')
          env.log.info(`  dropped ${resource === 'database' ? 'database' : 'user'} ${base.name}`);
        return done;
      },
    };
  });
}

/** The removal script's last line: everything before it ran (`set -e`). */
export const PURGE_DONE = 'moodledata-purge-done';

/** A folder name the rm may take: one path segment, never `.`/`..`, never the shared cron log folder. */
const FOLDER = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;
const MOUNT = /^(\/[A-Za-z0-9._-]+)+$/;

/** The shell the rm task runs: removes exactly `<mount>/<folder>` for each folder, and the cron log. */
export function moodledataRemovalScript(
  mountPath: string,
  folders: readonly string[],
  cronLog: string,
): string {
  const problems: string[] = [];
  if (!MOUNT.test(mountPath) || mountPath.split('/').includes('..'))
    problems.push(`EFS mount path ${JSON.stringify(mountPath)} must be an absolute path other than /`);
  for (const f of folders)
    if (!FOLDER.test(f) || f === 'cron_logs')
      problems.push(
        `moodledata folder ${JSON.stringify(f)} must be one folder name (not empty, ., .., / or cron_logs)`,
      );
  if (!cronLog.startsWith(`${mountPath}/cron_logs/`) || !/^[A-Za-z0-9._/-]+$/.test(cronLog))
    problems.push(`cron log ${JSON.stringify(cronLog)} must be under ${mountPath}/cron_logs/`);
  if (problems.length)
    throw new ConfigurationError(`refusing to remove moodledata:\n- ${problems.join('\n- ')}`);
  const lines = folders.map(
    (f) =>
      `if [ -e '${mountPath}/${f}' ]; then rm -rf -- '${mountPath}/${f}' && echo 'moodledata-removed ${f}'; ` +
      `else echo 'moodledata-absent ${f}'; fi`,
  );
  const cron = `if [ -e '${cronLog}' ]; then rm -f -- '${cronLog}' && echo cron-log-removed; else echo cron-log-absent; fi`;
  return ['set -eu', ...lines, cron, `echo ${PURGE_DONE}`].join('\n');
}

/** A task definition revision of the site to run the rm with: an ACTIVE one, or a fresh copy. */
export interface RemovalTaskDefinition {
  /** Its ARN, once known (a copy is registered only when the purge runs). */
  arn: () => Promise<string>;
  td: TaskDefinition;
}

export function moodledataRows(
  env: DestroyEnv,
  taskDefinition: RemovalTaskDefinition | undefined,
  siteSecretGone: boolean,
): Removal[] {
  const { data, link } = env.target;
  const rows = data.moodledataFolders.map((folder) => ({
    resource: 'moodledata',
    name: `${data.mountPath}/${folder}`,
    folder,
  }));
  const items = [...rows, { resource: 'cron log', name: data.cronLogPath, folder: undefined }];
  // Built (and its paths refused) now, before any change, not when the task is due.
  const script =
    env.purge && !siteSecretGone && taskDefinition
      ? moodledataRemovalScript(data.mountPath, data.moodledataFolders, data.cronLogPath)
      : '';
  const run = once(async () => {
    const td = taskDefinition!.td;
    const container = td.containerDefinitions?.[0];
    const logOptions = container?.logConfiguration?.options ?? {};
    const result = await env.tasks.run({
      cluster: env.target.cluster,
      taskDefinitionArn: await taskDefinition!.arn(),
      container: container?.name ?? link,
      command: ['sh', '-c', script],
      platform: env.platform,
      startedBy: `mdl-preview/${link}`.slice(0, 36),
      logGroup: logOptions['awslogs-group'] ?? data.logGroup,
      // Stryker disable next-line StringLiteral: equivalent — on Fargate the awslogs driver requires awslogs-stream-prefix, so the fallback is never used
      logStreamPrefix: logOptions['awslogs-stream-prefix'] ?? 'moodle',
      endLine: (l) => l === PURGE_DONE,
    });
    if (result.exitCode !== 0 || !result.logLines.includes(PURGE_DONE))
      throw new Error(`removing moodledata failed ${describeOneOffEnd(result)}`);
    return {
      folders: new Set(
        result.logLines.filter((l) => l.startsWith('moodledata-removed ')).map((l) => l.slice(19)),
      ),
      cronLog: result.logLines.includes('cron-log-removed'),
    };
  });
  return items.map(({ resource, name, folder }): Removal => {
    const base = { resource, name, data: true, step: 'data in place' as const };
    if (!env.purge) return { ...base, plan: 'keep', note: KEEP_NOTE };
    if (siteSecretGone)
      return { ...base, plan: 'gone', note: 'removed before the DB secret was deleted, by an earlier run' };
    if (!taskDefinition)
      return {
        ...base,
        plan: 'gone',
        note: 'no task definition of the site is left to run the removal with; remove it by hand if it exists',
      };
    return {
      ...base,
      plan: 'remove',
      note: `${folder === undefined ? 'rm -f' : 'rm -rf'} by a one-off task of ${taskDefinition.td.family}`,
      apply: async () => {
        const removed = await run();
        const was = folder === undefined ? removed.cronLog : removed.folders.has(folder);
        return was ? 'removed' : 'already gone';
      },
    };
  });
}
