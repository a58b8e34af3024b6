// The site's moodledata folder on the shared EFS, and its cron log. Nothing outside the VPC reaches
// EFS, so both deploy and destroy work through one-off tasks of the site's own task definition (which
// mounts the EFS root). Deploy makes the folder unless the site registry records it for this site
// already; destroy keeps it unless it purges, and the purge's rm removes exactly the site's folders
// and its cron log, before the DB secret goes.
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { KEEP_NOTE, once, type DestroyEnv, type Removal } from '../destroy/types.js';
import { describeOneOffEnd } from '../ecs/one-off-task.js';
import { ConfigurationError } from '../errors.js';
import type { SiteResource } from './types.js';
import { planMoodledata } from './moodledata.plan.js';

function inspect(env: DeployEnv): Inspection {
  const spec = env.plan.resources.moodledata.spec;
  const base = { id: 'moodledata' as const, name: spec.containerPath };
  if (env.previousEntry?.moodledataFolder === spec.folder)
    return { ...base, action: 'none', changes: [], arn: spec.containerPath };
  const cron = env.plan.resources.cronRegistration.spec;
  return {
    ...base,
    action: 'create',
    changes: [`make ${spec.containerPath} (and the cron log folder) on ${spec.fileSystemId}`],
    apply: async () => {
      const cronLogDir = cron.logPath.slice(0, cron.logPath.lastIndexOf('/'));
      const result = await env.tasks.run({
        cluster: env.platform.cluster,
        taskDefinitionArn: env.refs.get('taskDefinition')!,
        container: env.plan.resources.taskDefinition.spec.containerDefinitions[0]!.name,
        // mkdir -p is idempotent: an interrupted run repeats it harmlessly.
        command: [
          'sh',
          '-c',
          `mkdir -p '${spec.containerPath}' '${cronLogDir}' && test -w '${spec.containerPath}' && echo moodledata-ready`,
        ],
        platform: env.platform,
        startedBy: `mdl-preview/${env.plan.site}`.slice(0, 36),
        logGroup: env.plan.resources.logGroup.spec.logGroupName,
        logStreamPrefix: 'moodle',
        endLine: (l) => l === 'moodledata-ready',
      });
      // The exit code decides: the folder exists once `test -w` passed, whatever the log has shown.
      if (result.exitCode !== 0)
        throw new Error(`making ${spec.containerPath} failed ${describeOneOffEnd(result)}`);
      return spec.containerPath;
    },
  };
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

export const moodledata = {
  id: 'moodledata',
  kind: 'moodledata',
  plan: planMoodledata,
  // Decided from the plan and the registry alone: no read.
  inspect: async (env) => inspect(env),
  // Destroy's rows need the task definition to run the rm with: moodledataRows above.
} satisfies SiteResource<'moodledata'>;
