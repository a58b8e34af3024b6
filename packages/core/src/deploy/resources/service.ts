// The site's ECS service: created once with its initial desired count, afterwards updated only in
// what differs — never the desired count, which auto scaling owns.
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { ConfigurationError } from '../../errors.js';
import { tagRecord } from '../normalise.js';
import type { AwsClients } from '../../aws/clients.js';
import type { DeployEnv, Inspection } from '../types.js';
import { checkOwned } from '../../resources/ownership.js';

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

export function describeService(env: DeployEnv): Promise<Service | undefined> {
  const spec = env.plan.resources.service.spec;
  return describeServiceByName(env.clients, spec.cluster, spec.serviceName);
}

const primaryDeployment = (service: Service | undefined) =>
  service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;

export async function inspectService(
  env: DeployEnv,
  taskDefinition: Promise<Inspection>,
  targetGroup: Promise<Inspection>,
): Promise<Inspection> {
  const spec = env.plan.resources.service.spec;
  const base = { id: 'service' as const, name: spec.serviceName };
  const current = await describeService(env);
  const network = {
    awsvpcConfiguration: {
      subnets: spec.networkConfiguration.subnets,
      securityGroups: spec.networkConfiguration.securityGroups,
      assignPublicIp: spec.networkConfiguration.assignPublicIp,
    },
  };
  const loadBalancers = () =>
    spec.loadBalancers.map((lb) => ({
      targetGroupArn: env.refs.get('targetGroup'),
      containerName: lb.containerName,
      containerPort: lb.containerPort,
    }));
  if (!current) {
    return {
      ...base,
      action: 'create',
      changes: [`create with ${spec.initialDesiredCount} task(s)`],
      apply: async () => {
        const out = await env.clients.ecs.send(
          new CreateServiceCommand({
            cluster: spec.cluster,
            serviceName: spec.serviceName,
            taskDefinition: env.refs.get('taskDefinition'),
            desiredCount: spec.initialDesiredCount,
            launchType: spec.launchType,
            platformVersion: spec.platformVersion,
            networkConfiguration: network,
            loadBalancers: loadBalancers(),
            healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
            deploymentConfiguration: spec.deploymentConfiguration,
            enableExecuteCommand: spec.enableExecuteCommand,
            propagateTags: spec.propagateTags,
            enableECSManagedTags: spec.enableECSManagedTags,
            tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
          }),
        );
        env.startedDeployment = primaryDeployment(out.service);
        return out.service?.serviceArn;
      },
    };
  }
  if (current.status === 'DRAINING') {
    throw new ConfigurationError(
      `service ${spec.serviceName} is being deleted (DRAINING); deploy again when it is gone`,
    );
  }
  checkOwned(env, {
    id: 'service',
    kind: 'service',
    name: spec.serviceName,
    arn: current.serviceArn,
    tags: tagRecord(current.tags),
  });

  const changes: string[] = [];
  const [td, tg] = await Promise.all([taskDefinition, targetGroup]);
  if (td.action !== 'none')
    changes.push(`task definition: ${current.taskDefinition?.split('/').pop()} → a new revision`);
  else if (current.taskDefinition !== td.arn)
    changes.push(
      `task definition: ${current.taskDefinition?.split('/').pop()} → ${td.arn?.split('/').pop()}`,
    );
  const vpc = current.networkConfiguration?.awsvpcConfiguration;
  const sameSet = (a: string[] | undefined, b: string[]) =>
    JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...b].sort());
  if (!sameSet(vpc?.subnets, spec.networkConfiguration.subnets)) changes.push('subnets changed');
  if (!sameSet(vpc?.securityGroups, spec.networkConfiguration.securityGroups))
    changes.push('security groups changed');
  if ((vpc?.assignPublicIp ?? 'DISABLED') !== spec.networkConfiguration.assignPublicIp)
    changes.push(`public IP: → ${spec.networkConfiguration.assignPublicIp}`);
  const lb = current.loadBalancers?.[0];
  const wantLb = spec.loadBalancers[0]!;
  if (
    tg.action === 'create' ||
    current.loadBalancers?.length !== 1 ||
    lb?.targetGroupArn !== tg.arn ||
    lb?.containerName !== wantLb.containerName ||
    lb?.containerPort !== wantLb.containerPort
  ) {
    changes.push('load balancer target changed');
  }
  if (current.healthCheckGracePeriodSeconds !== spec.healthCheckGracePeriodSeconds) {
    changes.push(
      `health check grace: ${current.healthCheckGracePeriodSeconds ?? 0} → ${spec.healthCheckGracePeriodSeconds} s`,
    );
  }
  const dc = current.deploymentConfiguration;
  const wantDc = spec.deploymentConfiguration;
  if (
    dc?.minimumHealthyPercent !== wantDc.minimumHealthyPercent ||
    dc?.maximumPercent !== wantDc.maximumPercent ||
    dc?.deploymentCircuitBreaker?.enable !== true ||
    dc?.deploymentCircuitBreaker?.rollback !== true
  ) {
    changes.push('deployment configuration: circuit breaker with rollback, 100-200 %');
  }
  if (current.enableExecuteCommand !== true) changes.push('ECS Exec: off → on');
  if (current.propagateTags !== spec.propagateTags)
    changes.push(`propagate tags: ${current.propagateTags ?? 'NONE'} → ${spec.propagateTags}`);
  if (current.enableECSManagedTags !== true) changes.push('ECS managed tags: off → on');
  if (changes.length === 0) return { ...base, action: 'none', changes, arn: current.serviceArn };
  return {
    ...base,
    action: 'update',
    arn: current.serviceArn,
    changes,
    apply: async () => {
      const out = await env.clients.ecs.send(
        new UpdateServiceCommand({
          cluster: spec.cluster,
          service: spec.serviceName,
          taskDefinition: env.refs.get('taskDefinition'),
          networkConfiguration: network,
          loadBalancers: loadBalancers(),
          healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
          deploymentConfiguration: spec.deploymentConfiguration,
          enableExecuteCommand: spec.enableExecuteCommand,
          propagateTags: spec.propagateTags,
          enableECSManagedTags: spec.enableECSManagedTags,
          platformVersion: spec.platformVersion,
          // desiredCount is left out on purpose: auto scaling owns it once the service exists.
        }),
      );
      env.startedDeployment = primaryDeployment(out.service);
      return out.service?.serviceArn;
    },
  };
}
