// One-off Fargate tasks (moodledata preparation, SQL tasks, Moodle's CLI): run a task with its
// command overridden, wait for it to stop with the SDK's waiter, and read its log lines back.
import {
  DescribeTasksCommand,
  RunTaskCommand,
  type ECSClient,
  type KeyValuePair,
  type Task,
} from '@aws-sdk/client-ecs';
import { WaiterState, createWaiter } from '@smithy/core/client';
import type { AwsClients } from '../aws/clients.js';
import type { OneOffTaskResult, OneOffTaskRunner } from '../deploy/types.js';
import type { Platform } from '../settings/platform-schema.js';
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';
import { LOG_GRACE_MS, LogFollower, readToEnd } from './task-log.js';

export interface OneOffTaskOptions {
  /** Longest wait for the task to stop, in seconds. */
  maxWaitSeconds?: number;
  waiter?: { minDelay: number; maxDelay: number };
  /** Longest wait for the task's last log lines after it stopped, in ms (default LOG_GRACE_MS). */
  logGraceMs?: number;
  /** A log without its end line is complete once quiet this long, in ms (default LOG_QUIET_MS). */
  logQuietMs?: number;
  /** Between two reads of a stopped task's log, in ms (default a second). */
  logPollMs?: number;
}

/** The awslogs stream of a task's container: `<prefix>/<container>/<task id>` (ECS awslogs driver). */
export const taskLogStream = (prefix: string, container: string, taskArn: string) =>
  `${prefix}/${container}/${taskArn.split('/').pop()}`;

/** What a one-off Fargate task needs: one container's command (and environment) overridden. */
export interface FargateTaskStart {
  cluster: string;
  taskDefinitionArn: string;
  startedBy: string;
  network: Platform['network'];
  container: string;
  command: string[];
  environment?: KeyValuePair[];
  /** The platform's tags (cost centre …), beside the suite's own, which win on a clash. */
  tags?: Readonly<Record<string, string>>;
}

/** RunTask of one Fargate task in the platform's subnets; answers its ARN or says why none started. */
export async function startFargateTask(ecs: ECSClient, input: FargateTaskStart): Promise<string> {
  const out = await ecs.send(
    new RunTaskCommand({
      cluster: input.cluster,
      taskDefinition: input.taskDefinitionArn,
      launchType: 'FARGATE',
      count: 1,
      startedBy: input.startedBy,
      // Tagged as the suite's: the IAM policies let the suite run only tasks it tags so (RunTask's
      // aws:RequestTag), and the tag says whose a task is in the console.
      tags: Object.entries({ ...input.tags, [TAG_MANAGED_BY]: SUITE_NAME }).map(([key, value]) => ({
        key,
        value,
      })),
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: input.network.subnet_ids,
          securityGroups: input.network.security_group_ids,
          assignPublicIp: input.network.assign_public_ip ? 'ENABLED' : 'DISABLED',
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: input.container,
            command: input.command,
            ...(input.environment ? { environment: input.environment } : {}),
          },
        ],
      },
    }),
  );
  const taskArn = out.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const why = out.failures?.map((f) => `${f.arn ?? ''} ${f.reason ?? ''}`.trim()).join('; ');
    throw new Error(`RunTask started no task${why ? `: ${why}` : ''}`);
  }
  return taskArn;
}

export function oneOffTaskRunner(clients: AwsClients, options: OneOffTaskOptions = {}): OneOffTaskRunner {
  return {
    async run(input) {
      const taskArn = await startFargateTask(clients.ecs, {
        cluster: input.cluster,
        taskDefinitionArn: input.taskDefinitionArn,
        startedBy: input.startedBy,
        network: input.platform.network,
        tags: input.platform.tags,
        container: input.container,
        command: input.command,
        environment: input.environment,
      });
      const waiter = options.waiter ?? { minDelay: 6, maxDelay: 30 };
      // The SDK's own waiter machinery (jittered backoff), with an acceptor that lets errors through:
      // the generated waitUntilTasksStopped retries on any error, even AccessDenied, for the whole wait.
      let task: Task | undefined;
      const maxWait = options.maxWaitSeconds ?? 1800;
      const waited = await createWaiter(
        { client: clients.ecs, maxWaitTime: maxWait, ...waiter },
        { cluster: input.cluster, tasks: [taskArn] },
        async (client, params) => {
          const described = await client.send(new DescribeTasksCommand(params));
          task = described.tasks?.[0];
          return { state: task?.lastStatus === 'STOPPED' ? WaiterState.SUCCESS : WaiterState.RETRY };
        },
      );
      if (waited.state !== WaiterState.SUCCESS) {
        throw new Error(`one-off task ${taskArn} did not stop within ${maxWait} s (${waited.state})`);
      }
      const container = task?.containers?.find((c) => c.name === input.container);
      // The exit code is read from ECS; the log only says what the task did, and its last lines can
      // arrive after STOPPED. A container that never ran wrote nothing: one read. One that exited 0 is
      // read until the caller's end line shows; a failed one (which may stop before its end line) until
      // the stream goes quiet — each within the grace.
      const follower = new LogFollower(
        clients.logs,
        input.logGroup,
        taskLogStream(input.logStreamPrefix, input.container, taskArn),
      );
      const ran = container?.exitCode !== undefined;
      const graceMs = ran ? (options.logGraceMs ?? LOG_GRACE_MS) : 0;
      const endLine = container?.exitCode === 0 ? input.endLine : undefined;
      const end = await readToEnd(follower, {
        graceMs,
        ...(endLine ? { endLine } : {}),
        ...(options.logQuietMs !== undefined ? { quietMs: options.logQuietMs } : {}),
        ...(options.logPollMs !== undefined ? { pollMs: options.logPollMs } : {}),
      });
      const logLines = follower.lines;
      return {
        taskArn,
        exitCode: container?.exitCode ?? -1,
        logLines,
        ...(end.complete || !ran ? {} : { logIncomplete: logIncompleteNote(follower, graceMs) }),
        ...(task?.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
      };
    },
  };
}

/** What a caller says when a task's log did not show its end within the grace. */
function logIncompleteNote(follower: LogFollower, graceMs: number): string {
  return (
    `its log showed no end within ${graceMs >= 1000 ? `${Math.round(graceMs / 1000)} s` : `${graceMs} ms`} of the stop ` +
    `(${follower.lines.length} line(s) read from ${follower.group} ${follower.stream}); ` +
    'CloudWatch may not have delivered the rest yet'
  );
}

/**
 * How a one-off task ended, for an error: `(task ARN, exit 1, <stopped reason>): <last log lines>`,
 * and, when its log did not show its end line, that it did not (the exit code may be 0 then).
 */
export function describeOneOffEnd(r: OneOffTaskResult, lastLines = 5): string {
  const tail = r.logLines.slice(-lastLines).join(' | ');
  return (
    `(task ${r.taskArn}, exit ${r.exitCode}${r.stoppedReason ? `, ${r.stoppedReason}` : ''}` +
    (r.logIncomplete ? `; ${r.logIncomplete}` : '') +
    `)${tail ? `: ${tail}` : ''}`
  );
}
