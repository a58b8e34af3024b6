// The site's target group: planned from the platform's ALB settings, created or brought back to the
// plan's health check and deregistration delay (protocol, port, VPC and target type cannot change in
// place), removed after the rule that forwards to it (ELB refuses to delete a group still in use).
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  TargetGroupNotFoundException,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { checkOwned } from './ownership.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { ownedBy, type DestroyEnv, type Removal } from '../destroy/types.js';
import { ConfigurationError } from '../errors.js';
import type { TargetGroupSpec } from '../plan/site-plan.js';
import { addElbTags, awsTags, elbTags } from './elb.js';
import type { SiteResource } from './types.js';
import { planTargetGroup } from './target-group.plan.js';

const KIND = 'target group';
const DELAY_KEY = 'deregistration_delay.timeout_seconds';

/** The target group of this name, if there is one. */
async function read(clients: AwsClients, name: string): Promise<TargetGroup | undefined> {
  try {
    const out = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    return out.TargetGroups?.[0];
  } catch (err) {
    if (err instanceof TargetGroupNotFoundException) return undefined;
    throw err;
  }
}

const healthCheckOf = (spec: TargetGroupSpec) => ({
  HealthCheckPath: spec.healthCheck.path,
  Matcher: { HttpCode: spec.healthCheck.matcher },
  HealthCheckIntervalSeconds: spec.healthCheck.intervalSeconds,
  HealthyThresholdCount: spec.healthCheck.healthyThresholdCount,
});

const setDelay = (clients: AwsClients, arn: string, spec: TargetGroupSpec) =>
  clients.elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: arn,
      Attributes: [{ Key: DELAY_KEY, Value: String(spec.deregistrationDelaySeconds) }],
    }),
  );

function create(env: DeployEnv, spec: TargetGroupSpec): Inspection {
  return {
    id: 'targetGroup',
    name: spec.name,
    action: 'create',
    changes: [`create ${spec.protocol}:${spec.port} target type ip`],
    apply: async () => {
      // CreateTargetGroup is idempotent for the same name and settings (ELBv2 API reference).
      const out = await env.clients.elbv2.send(
        new CreateTargetGroupCommand({
          Name: spec.name,
          Protocol: spec.protocol,
          Port: spec.port,
          VpcId: spec.vpcId,
          TargetType: spec.targetType,
          HealthCheckProtocol: spec.protocol,
          ...healthCheckOf(spec),
          Tags: awsTags(spec.tags),
        }),
      );
      const arn = out.TargetGroups?.[0]?.TargetGroupArn;
      if (!arn) throw new Error(`CreateTargetGroup ${spec.name} returned no ARN`);
      await setDelay(env.clients, arn, spec);
      return arn;
    },
  };
}

/** The health check's differences from the plan, as people read them. */
function healthCheckChanges(current: TargetGroup, spec: TargetGroupSpec): string[] {
  const hc = spec.healthCheck;
  const changes: string[] = [];
  if (current.HealthCheckPath !== hc.path)
    changes.push(`health check path: ${current.HealthCheckPath} → ${hc.path}`);
  if (current.Matcher?.HttpCode !== hc.matcher)
    changes.push(`health check codes: ${current.Matcher?.HttpCode} → ${hc.matcher}`);
  if (current.HealthCheckIntervalSeconds !== hc.intervalSeconds)
    changes.push(`health check interval: ${current.HealthCheckIntervalSeconds} → ${hc.intervalSeconds}`);
  if (current.HealthyThresholdCount !== hc.healthyThresholdCount)
    changes.push(`healthy threshold: ${current.HealthyThresholdCount} → ${hc.healthyThresholdCount}`);
  return changes;
}

async function inspect(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.targetGroup.spec;
  const current = await read(env.clients, spec.name);
  if (!current) return create(env, spec);
  const base = { id: 'targetGroup' as const, name: spec.name };
  const arn = current.TargetGroupArn!;
  checkOwned(env, {
    id: 'targetGroup',
    kind: KIND,
    name: spec.name,
    arn,
    tags: await elbTags(env.clients, arn),
  });
  if (
    current.Protocol !== spec.protocol ||
    current.Port !== spec.port ||
    current.VpcId !== spec.vpcId ||
    current.TargetType !== spec.targetType
  ) {
    throw new ConfigurationError(
      `target group ${spec.name} is ${current.Protocol}:${current.Port} (${current.TargetType}) in ${current.VpcId}, the plan wants ` +
        `${spec.protocol}:${spec.port} (${spec.targetType}) in ${spec.vpcId}; these cannot be changed in place: destroy the site and deploy it again`,
    );
  }
  const changes = healthCheckChanges(current, spec);
  const healthChanged = changes.length > 0;
  const delay = String(spec.deregistrationDelaySeconds);
  const attrs = await env.clients.elbv2.send(
    new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }),
  );
  const currentDelay = attrs.Attributes?.find((a) => a.Key === DELAY_KEY)?.Value;
  if (currentDelay !== delay)
    changes.push(`deregistration delay: ${currentDelay ?? '(default)'} → ${delay} s`);
  if (changes.length === 0) return { ...base, action: 'none', changes, arn };
  return {
    ...base,
    action: 'update',
    changes,
    arn,
    apply: async () => {
      if (healthChanged)
        await env.clients.elbv2.send(
          new ModifyTargetGroupCommand({ TargetGroupArn: arn, ...healthCheckOf(spec) }),
        );
      if (currentDelay !== delay) await setDelay(env.clients, arn, spec);
      return arn;
    },
  };
}

async function removals(env: DestroyEnv): Promise<Removal[]> {
  const name = env.target.names.targetGroupName;
  const base = { resource: KIND, name, data: false, step: 'target group' as const };
  const arn = (await read(env.clients, name))?.TargetGroupArn;
  if (!arn) return [{ ...base, plan: 'gone' }];
  if (!ownedBy(await elbTags(env.clients, arn), env.target.link))
    return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
  return [
    {
      ...base,
      plan: 'remove',
      apply: async () => {
        // DeleteTargetGroup succeeds for a group that is gone already (it has no not-found error).
        await env.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
        return 'removed';
      },
    },
  ];
}

export const targetGroup = {
  id: 'targetGroup',
  kind: KIND,
  plan: planTargetGroup,
  inspect,
  removals,
  tag: addElbTags,
} satisfies SiteResource<'targetGroup'>;
