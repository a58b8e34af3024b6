// Wait for the deployment this run started — not merely for "a" steady state: poll with the SDK's
// waiter (jittered backoff), print service events as they appear, and succeed only when that very
// deployment reached rolloutState COMPLETED. A circuit-breaker rollback is a failure, with reasons.
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { WaiterState, createWaiter } from '@smithy/core/client';
import type { AwsClients } from '../aws/clients.js';
import type { Logger } from '../logger.js';

export class DeploymentFailedError extends Error {
  override name = 'DeploymentFailedError';
}

export interface WaitInput {
  clients: AwsClients;
  log: Logger;
  cluster: string;
  service: string;
  deploymentId: string;
  maxWaitMinutes: number;
  waiter: { minDelay: number; maxDelay: number };
}

async function stoppedTaskReasons(input: WaitInput): Promise<string[]> {
  const { clients, cluster, service } = input;
  const listed = await clients.ecs.send(
    new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: 10 }),
  );
  if (!listed.taskArns?.length) return [];
  const described = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: listed.taskArns }));
  return (described.tasks ?? []).map((t) => {
    const containers = (t.containers ?? [])
      .filter((c) => c.reason || c.exitCode !== undefined)
      .map((c) => `${c.name}: ${c.reason ?? `exit ${c.exitCode}`}`);
    return `task ${t.taskArn?.split('/').pop()}: ${t.stoppedReason ?? 'stopped'}${containers.length ? ` (${containers.join('; ')})` : ''}`;
  });
}

export async function waitForDeployment(input: WaitInput): Promise<Service> {
  const { clients, log, cluster, service, deploymentId } = input;
  const seen = new Set<string>();
  let last: Service | undefined;
  const printNewEvents = (s: Service) => {
    const fresh = (s.events ?? []).filter((e) => e.id && !seen.has(e.id)).reverse();
    for (const e of fresh) {
      seen.add(e.id!);
      log.info(`${e.createdAt?.toISOString() ?? ''} ${e.message ?? ''}`.trim());
    }
  };
  // Events that happened before this run are not news.
  const before = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  for (const e of before.services?.[0]?.events ?? []) if (e.id) seen.add(e.id);

  const result = await createWaiter(
    {
      client: clients.ecs,
      maxWaitTime: input.maxWaitMinutes * 60,
      minDelay: input.waiter.minDelay,
      maxDelay: input.waiter.maxDelay,
    },
    { cluster, services: [service] },
    async (client, params) => {
      const out = await client.send(new DescribeServicesCommand(params));
      const s = out.services?.[0];
      if (!s) return { state: WaiterState.FAILURE, reason: `service ${service} disappeared` };
      last = s;
      printNewEvents(s);
      const ours = s.deployments?.find((d) => d.id === deploymentId);
      if (!ours) return { state: WaiterState.FAILURE, reason: 'replaced' };
      if (ours.rolloutState === 'FAILED')
        return { state: WaiterState.FAILURE, reason: ours.rolloutStateReason ?? 'rollout failed' };
      if (
        ours.rolloutState === 'COMPLETED' &&
        ours.status === 'PRIMARY' &&
        ours.runningCount === ours.desiredCount
      ) {
        return { state: WaiterState.SUCCESS, reason: 'completed' };
      }
      return { state: WaiterState.RETRY, reason: `${ours.runningCount}/${ours.desiredCount} running` };
    },
  );
  if (result.state === WaiterState.SUCCESS && last) return last;
  const events = (last?.events ?? []).slice(0, 5).map((e) => `  ${e.message}`);
  const reasons = (await stoppedTaskReasons(input)).map((r) => `  ${r}`);
  const detail = [
    ...(events.length ? ['recent service events:', ...events] : []),
    ...(reasons.length ? ['stopped tasks:', ...reasons] : []),
  ].join('\n');
  if (result.state === WaiterState.TIMEOUT) {
    throw new DeploymentFailedError(
      `deployment ${deploymentId} of ${service} did not complete within ${input.maxWaitMinutes} minutes; it may still complete ` +
        `(watch it with mdl-preview or the ECS console, or raise wait-minutes)\n${detail}`,
    );
  }
  const rolledBack = last?.deployments?.find((d) => d.status === 'PRIMARY' && d.id !== deploymentId);
  throw new DeploymentFailedError(
    `deployment ${deploymentId} of ${service} failed${rolledBack ? ` and the service rolled back to ${rolledBack.taskDefinition?.split('/').pop()}` : ''}: ${String(result.reason ?? '')}\n${detail}`,
  );
}
