// The site's moodledata folder on the shared EFS. Nothing outside the VPC can reach EFS, so the
// folder is made by a one-off task of the site's own task definition (which mounts the EFS root).
// A folder the site registry already records for this site exists.
import { describeOneOffEnd } from '../../ecs/one-off-task.js';
import type { DeployEnv, Inspection } from '../types.js';

export function inspectMoodledata(env: DeployEnv): Inspection {
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
