// The site's ECS service: scaled to zero, deleted, then waited for until ECS reports it INACTIVE
// (every task stopped), with the SDK's waiter machinery. A service found DRAINING was deleted by an
// earlier run that did not wait: this run waits for it before anything it used goes.
import {
  DeleteServiceCommand,
  DescribeServicesCommand,
  ServiceNotActiveException,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { WaiterState, createWaiter } from '@smithy/core/client';
import { tagRecord } from '../deploy/normalise.js';
import type { DestroyEnv, Removal } from './types.js';
import { ownedBy } from './types.js';

/** Polls until the service is INACTIVE (or gone); an error of a poll ends the wait with that error. */
async function waitUntilInactive(env: DestroyEnv): Promise<void> {
  const { clients, target, log } = env;
  const service = target.names.serviceName;
  let lastReport = '';
  const result = await createWaiter(
    {
      client: clients.ecs,
      maxWaitTime: env.waitMinutes * 60,
      minDelay: env.waiter.minDelay,
      maxDelay: env.waiter.maxDelay,
    },
    { cluster: target.cluster, services: [service] },
    async (client, params) => {
      const out = await client.send(new DescribeServicesCommand(params));
      const s = out.services?.find((x) => x.serviceName === service);
      if (!s || s.status === 'INACTIVE') return { state: WaiterState.SUCCESS, reason: 'inactive' };
      const report = `${service}: ${s.status}, ${s.runningCount ?? 0} task(s) still running`;
      if (report !== lastReport) log.info(report);
      lastReport = report;
      return { state: WaiterState.RETRY, reason: report };
    },
  );
  if (result.state !== WaiterState.SUCCESS)
    throw new Error(
      `service ${service} was deleted but did not stop within ${env.waitMinutes} minutes (${String(result.reason ?? result.state)}); ` +
        'its tasks may still be draining: run destroy-instance again to finish (or raise wait-minutes)',
    );
}

export async function readService(env: DestroyEnv): Promise<Removal> {
  const { clients, target } = env;
  const name = target.names.serviceName;
  const base = { resource: 'service', name, data: false, step: 'service' as const };
  const out = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: target.cluster, services: [name], include: ['TAGS'] }),
  );
  const current = out.services?.find((s) => s.serviceName === name && s.status !== 'INACTIVE');
  if (!current) return { ...base, plan: 'gone' };
  if (!ownedBy(tagRecord(current.tags), target.link))
    return { ...base, plan: 'not-ours', note: 'not tagged as this site’s' };
  // Data must never be removed under a running task, so a purge always waits.
  const waits = env.wait || env.purge;
  if (current.status === 'DRAINING') {
    if (!waits) return { ...base, plan: 'gone', note: 'deleted, its tasks still stopping' };
    return {
      ...base,
      plan: 'remove',
      note: 'deleted by an earlier run: waiting for its tasks to stop',
      apply: async () => {
        await waitUntilInactive(env);
        return 'removed';
      },
    };
  }
  return {
    ...base,
    plan: 'remove',
    note: `${current.runningCount ?? 0} task(s) running: scale to 0, delete${waits ? ', wait until stopped' : ''}`,
    apply: async () => {
      try {
        // DeleteService refuses a service scaled above zero; auto scaling is gone by now, so 0 stays.
        if ((current.desiredCount ?? 0) > 0)
          await clients.ecs.send(
            new UpdateServiceCommand({ cluster: target.cluster, service: name, desiredCount: 0 }),
          );
        await clients.ecs.send(new DeleteServiceCommand({ cluster: target.cluster, service: name }));
      } catch (err) {
        if (err instanceof ServiceNotFoundException) return 'already gone';
        // Not ACTIVE any more: deleted meanwhile (DRAINING); wait for it like for our own.
        if (!(err instanceof ServiceNotActiveException)) throw err;
      }
      if (waits) await waitUntilInactive(env);
      return 'removed';
    },
  };
}
