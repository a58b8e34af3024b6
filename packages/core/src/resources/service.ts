// The site's ECS service. Deploy creates it once with its initial desired count and afterwards
// updates only what differs — never the desired count, which auto scaling owns. Destroy scales it to
// zero, deletes it and waits (with the SDK's waiter machinery) until ECS reports it INACTIVE, every
// task stopped; a service found DRAINING was deleted by an earlier run that did not wait, and this
// run waits for it before anything it used goes.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ServiceNotActiveException,
  ServiceNotFoundException,
  TagResourceCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { WaiterState, createWaiter } from '@smithy/core/client';
import type { AwsClients } from '../aws/clients.js';
import { tagRecord } from '../deploy/normalise.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { ownedBy, type DestroyEnv, type Removal } from '../destroy/types.js';
import { ConfigurationError } from '../errors.js';
import type { ServiceSpec } from '../plan/site-plan.js';
import { checkOwned } from './ownership.js';
import type { SiteResource } from './types.js';
import { planService } from './service.plan.js';

const KIND = 'service';

/** The service of this name that is not INACTIVE (ECS keeps a deleted one visible for a while). */
export async function describeServiceByName(
  clients: AwsClients,
  cluster: string,
  name: string,
): Promise<Service | undefined> {
  const out = await clients.ecs.send(
    new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }),
  );
  return out.services?.find((s) => s.serviceName === name && s.status !== 'INACTIVE');
}

const primaryDeployment = (service: Service | undefined) =>
  service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;

/** What CreateService and UpdateService share: everything but the names and the desired count. */
function settings(env: DeployEnv, spec: ServiceSpec) {
  return {
    taskDefinition: env.refs.get('taskDefinition'),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: spec.networkConfiguration.subnets,
        securityGroups: spec.networkConfiguration.securityGroups,
        assignPublicIp: spec.networkConfiguration.assignPublicIp,
      },
    },
    loadBalancers: spec.loadBalancers.map((lb) => ({
      targetGroupArn: env.refs.get('targetGroup'),
      containerName: lb.containerName,
      containerPort: lb.containerPort,
    })),
    healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
    deploymentConfiguration: spec.deploymentConfiguration,
    enableExecuteCommand: spec.enableExecuteCommand,
    propagateTags: spec.propagateTags,
    enableECSManagedTags: spec.enableECSManagedTags,
    platformVersion: spec.platformVersion,
  };
}

function create(env: DeployEnv, spec: ServiceSpec): Inspection {
  return {
    id: 'service',
    name: spec.serviceName,
    action: 'create',
    changes: [`create with ${spec.initialDesiredCount} task(s)`],
    apply: async () => {
      const s = settings(env, spec);
      const out = await env.clients.ecs.send(
        new CreateServiceCommand({
          cluster: spec.cluster,
          serviceName: spec.serviceName,
          taskDefinition: s.taskDefinition,
          desiredCount: spec.initialDesiredCount,
          launchType: spec.launchType,
          platformVersion: s.platformVersion,
          networkConfiguration: s.networkConfiguration,
          loadBalancers: s.loadBalancers,
          healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
          deploymentConfiguration: s.deploymentConfiguration,
          enableExecuteCommand: s.enableExecuteCommand,
          propagateTags: s.propagateTags,
          enableECSManagedTags: s.enableECSManagedTags,
          tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
        }),
      );
      env.startedDeployment = primaryDeployment(out.service);
      return out.service?.serviceArn;
    },
  };
}

const sameSet = (a: string[] | undefined, b: string[]) =>
  JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...b].sort());

/** How the existing service differs from the plan, as people read it (empty: nothing to do). */
export function serviceChanges(
  current: Service,
  spec: ServiceSpec,
  td: Inspection,
  tg: Inspection,
): string[] {
  const changes: string[] = [];
  const revision = (arn: string | undefined) => arn?.split('/').pop();
  if (td.action !== 'none')
    changes.push(`task definition: ${revision(current.taskDefinition)} → a new revision`);
  else if (current.taskDefinition !== td.arn)
    changes.push(`task definition: ${revision(current.taskDefinition)} → ${revision(td.arn)}`);
  const vpc = current.networkConfiguration?.awsvpcConfiguration;
  const net = spec.networkConfiguration;
  if (!sameSet(vpc?.subnets, net.subnets)) changes.push('subnets changed');
  if (!sameSet(vpc?.securityGroups, net.securityGroups)) changes.push('security groups changed');
  if ((vpc?.assignPublicIp ?? 'DISABLED') !== net.assignPublicIp)
    changes.push(`public IP: → ${net.assignPublicIp}`);
  const lb = current.loadBalancers?.[0];
  const wantLb = spec.loadBalancers[0]!;
  if (
    tg.action === 'create' ||
    current.loadBalancers?.length !== 1 ||
    lb?.targetGroupArn !== tg.arn ||
    lb?.containerName !== wantLb.containerName ||
    lb?.containerPort !== wantLb.containerPort
  )
    changes.push('load balancer target changed');
  if (current.healthCheckGracePeriodSeconds !== spec.healthCheckGracePeriodSeconds)
    changes.push(
      `health check grace: ${current.healthCheckGracePeriodSeconds ?? 0} → ${spec.healthCheckGracePeriodSeconds} s`,
    );
  const dc = current.deploymentConfiguration;
  const wantDc = spec.deploymentConfiguration;
  if (
    dc?.minimumHealthyPercent !== wantDc.minimumHealthyPercent ||
    dc?.maximumPercent !== wantDc.maximumPercent ||
    dc?.deploymentCircuitBreaker?.enable !== true ||
    dc?.deploymentCircuitBreaker?.rollback !== true
  )
    changes.push('deployment configuration: circuit breaker with rollback, 100-200 %');
  if (current.enableExecuteCommand !== true) changes.push('ECS Exec: off → on');
  if (current.propagateTags !== spec.propagateTags)
    changes.push(`propagate tags: ${current.propagateTags ?? 'NONE'} → ${spec.propagateTags}`);
  if (current.enableECSManagedTags !== true) changes.push('ECS managed tags: off → on');
  return changes;
}

async function inspect(
  env: DeployEnv,
  taskDefinition: Promise<Inspection>,
  targetGroup: Promise<Inspection>,
): Promise<Inspection> {
  const spec = env.plan.resources.service.spec;
  const current = await describeServiceByName(env.clients, spec.cluster, spec.serviceName);
  if (!current) return create(env, spec);
  if (current.status === 'DRAINING')
    throw new ConfigurationError(
      `service ${spec.serviceName} is being deleted (DRAINING); deploy again when it is gone`,
    );
  const arn = current.serviceArn;
  checkOwned(env, { id: 'service', kind: KIND, name: spec.serviceName, arn, tags: tagRecord(current.tags) });
  const [td, tg] = await Promise.all([taskDefinition, targetGroup]);
  const changes = serviceChanges(current, spec, td, tg);
  const base = { id: 'service' as const, name: spec.serviceName, arn, changes };
  if (changes.length === 0) return { ...base, action: 'none' };
  return {
    ...base,
    action: 'update',
    apply: async () => {
      // desiredCount is left out on purpose: auto scaling owns it once the service exists.
      const out = await env.clients.ecs.send(
        new UpdateServiceCommand({
          cluster: spec.cluster,
          service: spec.serviceName,
          ...settings(env, spec),
        }),
      );
      env.startedDeployment = primaryDeployment(out.service);
      return out.service?.serviceArn;
    },
  };
}

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

async function removals(env: DestroyEnv): Promise<Removal[]> {
  const { clients, target } = env;
  const name = target.names.serviceName;
  const base = { resource: KIND, name, data: false, step: 'service' as const };
  const current = await describeServiceByName(clients, target.cluster, name);
  if (!current) return [{ ...base, plan: 'gone' }];
  if (!ownedBy(tagRecord(current.tags), target.link))
    return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
  // Data must never be removed under a running task, so a purge always waits.
  const waits = env.wait || env.purge;
  if (current.status === 'DRAINING') {
    if (!waits) return [{ ...base, plan: 'gone', note: 'deleted, its tasks still stopping' }];
    const note = 'deleted by an earlier run: waiting for its tasks to stop';
    return [{ ...base, plan: 'remove', note, apply: async () => (await waitUntilInactive(env), 'removed') }];
  }
  const apply = async (): Promise<'removed' | 'already gone'> => {
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
  };
  const note = `${current.runningCount ?? 0} task(s) running: scale to 0, delete${waits ? ', wait until stopped' : ''}`;
  return [{ ...base, plan: 'remove', note, apply }];
}

/** ECS's own tag call (task definitions use it too). */
export async function tagEcsResource(
  clients: AwsClients,
  arn: string,
  tags: Record<string, string>,
): Promise<void> {
  await clients.ecs.send(
    new TagResourceCommand({
      resourceArn: arn,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    }),
  );
}

export const service = {
  id: 'service',
  kind: KIND,
  plan: planService,
  inspect,
  removals,
  tag: tagEcsResource,
} satisfies SiteResource<'service', [taskDefinition: Promise<Inspection>, targetGroup: Promise<Inspection>]>;
