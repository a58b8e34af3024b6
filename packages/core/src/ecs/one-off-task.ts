// One-off Fargate tasks (moodledata preparation, SQL tasks, Moodle's CLI): run a task with its
// command overridden, wait for it to stop with the SDK's waiter, and read its log lines back.
import { GetLogEventsCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeTasksCommand,
  RunTaskCommand,
  type ECSClient,
  type KeyValuePair,
  type Task,
} from '@aws-sdk/client-ecs';
import { WaiterState, createWaiter } from '@smithy/core/client';
import type { AwsClients } from '../aws/clients.js';
import type { OneOffTaskRunner } from '../deploy/types.js';
import type { Platform } from '../settings/platform-schema.js';
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';

export interface OneOffTaskOptions {
  /** Longest wait for the task to stop, in seconds. */
  maxWaitSeconds?: number;
  waiter?: { minDelay: number; maxDelay: number };
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
      tags: [{ key: TAG_MANAGED_BY, value: SUITE_NAME }],
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
      const logLines: string[] = [];
      try {
        let token: string | undefined;
        for (;;) {
          const page = await clients.logs.send(
            new GetLogEventsCommand({
              logGroupName: input.logGroup,
              logStreamName: taskLogStream(input.logStreamPrefix, input.container, taskArn),
              startFromHead: true,
              nextToken: token,
            }),
          );
          logLines.push(...(page.events ?? []).map((e) => e.message ?? ''));
          // GetLogEvents returns the same forward token when there is nothing more.
          if (!page.nextForwardToken || page.nextForwardToken === token || (page.events ?? []).length === 0)
            break;
          token = page.nextForwardToken;
        }
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      return {
        taskArn,
        exitCode: container?.exitCode ?? -1,
        logLines,
        ...(task?.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
      };
    },
  };
}
