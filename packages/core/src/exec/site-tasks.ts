// A site's running tasks and their exec agents, for `mdl-preview exec/tasks`: paged ListTasks, then
// DescribeTasks in batches of 100, as the design's batched reads ask.
import { DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { ConfigurationError } from '../errors.js';
import { siteNames } from '../naming.js';

export interface SiteTask {
  taskId: string;
  taskArn: string;
  lastStatus: string;
  /** ExecuteCommandAgent status of the site's container, or `absent`. */
  execAgent: string;
  startedAt?: Date;
  task: Task;
}

export async function listSiteTasks(
  ecs: ECSClient,
  cluster: string,
  previewLink: string,
): Promise<SiteTask[]> {
  const { serviceName, containerName } = siteNames(previewLink);
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(
      new ListTasksCommand({ cluster, serviceName, desiredStatus: 'RUNNING', nextToken }),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
    tasks.push(...(out.tasks ?? []));
  }
  return tasks.map((task) => {
    const container = task.containers?.find((c) => c.name === containerName) ?? task.containers?.[0];
    return {
      taskId: task.taskArn?.split('/').pop() ?? '',
      taskArn: task.taskArn ?? '',
      lastStatus: task.lastStatus ?? 'UNKNOWN',
      execAgent:
        container?.managedAgents?.find((a) => a.name === 'ExecuteCommandAgent')?.lastStatus ?? 'absent',
      startedAt: task.startedAt,
      task,
    };
  });
}

/** The task to exec into: the one asked for, else the oldest RUNNING one whose exec agent runs. */
export async function pickExecTask(
  ecs: ECSClient,
  cluster: string,
  previewLink: string,
  taskId?: string,
): Promise<string> {
  if (taskId) return taskId;
  const tasks = await listSiteTasks(ecs, cluster, previewLink);
  const { serviceName } = siteNames(previewLink);
  if (!tasks.length)
    throw new ConfigurationError(
      `service ${serviceName} in cluster ${cluster} has no running task (is the site deployed?)`,
    );
  const ready = tasks
    .filter((t) => t.lastStatus === 'RUNNING' && t.execAgent === 'RUNNING')
    .sort((a, b) => (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0));
  if (ready[0]) return ready[0].taskId;
  throw new ConfigurationError(
    `no task of ${serviceName} is ready for exec: ${tasks.map((t) => `${t.taskId} ${t.lastStatus}, exec agent ${t.execAgent}`).join('; ')}` +
      ' (enable enableExecuteCommand on the service and redeploy, or wait for the agent)',
  );
}
