// A one-off Fargate task followed live, as `ecspresso run --watch-container` does: RunTask, then
// DescribeTasks and GetLogEvents (nextForwardToken) in turn, every log line handed on as it arrives,
// until the task is STOPPED or the wait is over (then the task is stopped). Hours-long runs
// (upgrade.php) need no job or task time limit: only `maxWaitMs` bounds the wait.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  StopTaskCommand,
  type ECSClient,
  type KeyValuePair,
  type Task,
} from '@aws-sdk/client-ecs';
import { startFargateTask, taskLogStream } from '../ecs/one-off-task.js';
import { LOG_QUIET_MS, LogFollower, readToEnd } from '../ecs/task-log.js';
import type { Platform } from '../settings/platform-schema.js';

export interface TaskClients {
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
}

export interface FollowedTaskInput {
  cluster: string;
  taskDefinitionArn: string;
  container: string;
  command: string[];
  environment?: KeyValuePair[];
  network: Platform['network'];
  /** The platform's tags, put on the task beside the suite's. */
  tags?: Readonly<Record<string, string>>;
  startedBy: string;
  /** The container's awslogs group and stream prefix: the stream is `<prefix>/<container>/<task id>`. */
  logGroup: string;
  logStreamPrefix: string;
}

export interface FollowOptions {
  /** Called with each log line, in order, as it arrives. */
  onLine?: (line: string) => void;
  /** Called once RunTask answered: the caller records the ARN (GITHUB_STATE) for a cancelled job. */
  onStarted?: (taskArn: string) => void | Promise<void>;
  /** Longest wait for STOPPED; after it the task is stopped and the run fails. */
  maxWaitMs: number;
  /** Between two polls (default 5 s). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called every `progressEveryMs` (default 5 minutes) while the task runs: hours-long runs say they live. */
  onProgress?: (status: string, elapsedMs: number, lines: number) => void;
  progressEveryMs?: number;
}

export interface FollowedTaskResult {
  taskArn: string;
  /** The container's exit code; undefined when it never ran (or ECS reported none). */
  exitCode: number | undefined;
  stopCode: string | undefined;
  stoppedReason: string | undefined;
  /** The container reached RUNNING (a task that never starts has no startedAt). */
  started: boolean;
  /** Every log line, in order. */
  lines: string[];
  /** The stream went quiet after the stop within the grace (false: lines may still be on their way). */
  logComplete: boolean;
  durationMs: number;
}

export class TaskWaitTimeoutError extends Error {
  override name = 'TaskWaitTimeoutError';
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runFollowedTask(
  clients: TaskClients,
  input: FollowedTaskInput,
  options: FollowOptions,
): Promise<FollowedTaskResult> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 5000;
  const started = now();
  const taskArn = await startFargateTask(clients.ecs, {
    ...input,
    startedBy: input.startedBy.slice(0, 36),
  });
  await options.onStarted?.(taskArn);
  const follower = new LogFollower(
    clients.logs,
    input.logGroup,
    taskLogStream(input.logStreamPrefix, input.container, taskArn),
    options.onLine,
  );
  let task: Task | undefined;
  const every = options.progressEveryMs ?? 5 * 60_000;
  let nextProgress = started + every;
  for (;;) {
    const described = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: input.cluster, tasks: [taskArn] }),
    );
    task = described.tasks?.[0];
    await follower.poll();
    if (task?.lastStatus === 'STOPPED') break;
    if (options.onProgress && now() >= nextProgress) {
      options.onProgress(task?.lastStatus ?? 'UNKNOWN', now() - started, follower.lines.length);
      nextProgress += every;
    }
    if (now() - started >= options.maxWaitMs) {
      await stopTask(clients.ecs, input.cluster, taskArn, 'the wait for the task ran out (wait-minutes)');
      throw new TaskWaitTimeoutError(
        `task ${taskArn} did not stop within ${Math.round(options.maxWaitMs / 60000)} minutes; it was stopped`,
      );
    }
    await sleep(pollMs);
  }
  // Lines written just before the container exited may arrive seconds after STOPPED: the stream is
  // read on until two polls in a row (at most the awslogs flush interval) bring nothing new.
  const end = await readToEnd(follower, {
    pollMs,
    quietMs: Math.min(LOG_QUIET_MS, 2 * pollMs),
    sleep,
    now,
  });
  const container = task.containers?.find((c) => c.name === input.container) ?? task.containers?.[0];
  return {
    taskArn,
    exitCode: container?.exitCode,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason ?? container?.reason,
    started: task.startedAt !== undefined,
    lines: follower.lines,
    logComplete: end.complete,
    durationMs: now() - started,
  };
}

/** Stops a task unless it is already stopped; answers whether this call stopped it. */
export async function stopTask(
  ecs: ECSClient,
  cluster: string,
  taskArn: string,
  reason: string,
): Promise<boolean> {
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  const task = described.tasks?.[0];
  if (!task || task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') return false;
  await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
  return true;
}

/** "exit 1", or why the task never ran its command (e.g. CannotPullContainerError …). */
export function describeTaskEnd(r: FollowedTaskResult): string {
  if (!r.started || r.exitCode === undefined)
    return `the task never ran its command: ${r.stoppedReason ?? r.stopCode ?? 'no reason given'}`;
  return `exit code ${r.exitCode}${r.stoppedReason ? ` (${r.stoppedReason})` : ''}`;
}
