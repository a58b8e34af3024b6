// Application Auto Scaling of the site's service, three resources in one module because the scalable
// target decides the other two: the target (min/max tasks), one target-tracking policy on average
// CPU, and the scheduled actions that put the site to sleep and wake it (its `awake` schedule).
// Destroy removes the policies, then the target — first of all, so nothing scales the service back
// up while it is being taken down; the scheduled actions go with the target.
import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  ListTagsForResourceCommand,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  TagResourceCommand,
  paginateDescribeScalingPolicies,
  type ScalingPolicy,
  type ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import type { AwsClients } from '../aws/clients.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { ownedBy, type DestroyEnv, type Removal, type RemovalOutcome } from '../destroy/types.js';
import { sleepActionName, wakeActionName, type ScheduledActionSpec } from '../fleet/awake-schedule.js';
import type { SiteResource } from './types.js';
import { planScalingTarget, planScalingPolicy, planScheduledActions } from './scaling.plan.js';

const NAMESPACE = 'ecs';
const DIMENSION = 'ecs:service:DesiredCount';

/** Runs a delete; AWS's not-found answer means a previous run (or a person) removed it already. */
async function removed(call: () => Promise<unknown>): Promise<RemovalOutcome> {
  try {
    await call();
    return 'removed';
  } catch (err) {
    if (err instanceof ObjectNotFoundException) return 'already gone';
    throw err;
  }
}

const policyRow = (name: string) => ({
  data: false,
  resource: 'scaling policy',
  name,
  step: 'scaling policies' as const,
});
const targetRow = (resourceId: string) => ({
  data: false,
  resource: 'scaling target',
  name: resourceId,
  step: 'scaling target' as const,
});

/** Every scaling policy on the service's scalable target (destroy removes them; adopt names the others). */
export async function scalingPoliciesOf(clients: AwsClients, resourceId: string): Promise<ScalingPolicy[]> {
  const policies: ScalingPolicy[] = [];
  for await (const page of paginateDescribeScalingPolicies(
    { client: clients.autoscaling },
    { ServiceNamespace: NAMESPACE, ResourceId: resourceId, ScalableDimension: DIMENSION },
  ))
    policies.push(...(page.ScalingPolicies ?? []));
  return policies;
}

/** The scalable target's tags (an empty set when AWS reports no ARN for it). */
export async function scalableTargetTags(
  clients: AwsClients,
  arn: string | undefined,
): Promise<Record<string, string>> {
  if (!arn) return {};
  return (await clients.autoscaling.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags ?? {};
}

/** The site's scalable target with its tags and its policies, or undefined when it has none. */
async function readScalable(
  env: DestroyEnv,
): Promise<{ tags: Record<string, string>; policies: ScalingPolicy[] } | undefined> {
  const { clients, target } = env;
  const resourceId = target.scalingResourceId;
  const out = await clients.autoscaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: NAMESPACE,
      ResourceIds: [resourceId],
      ScalableDimension: DIMENSION,
    }),
  );
  const scalable = out.ScalableTargets?.[0];
  if (!scalable) return undefined;
  const tags = await scalableTargetTags(clients, scalable.ScalableTargetARN);
  const policies = await scalingPoliciesOf(clients, resourceId);
  return { tags, policies };
}

/**
 * Destroy reads the target, its tags and its policies together: the target decides them all. Its
 * policies are the site's when it is (they carry no tags), and deregistering it removes its
 * scheduled actions with it.
 */
async function removals(env: DestroyEnv): Promise<Removal[]> {
  const { clients, target } = env;
  const resourceId = target.scalingResourceId;
  const found = await readScalable(env);
  // Deregistering a target deletes its policies, so without a target there are none either.
  if (!found)
    return [
      { ...policyRow(target.names.scalingPolicyName), plan: 'gone' },
      { ...targetRow(resourceId), plan: 'gone' },
    ];
  if (!ownedBy(found.tags, target.link))
    return [
      ...found.policies.map((p) => ({
        ...policyRow(p.PolicyName ?? '?'),
        plan: 'not-ours' as const,
        note: 'belongs to a scaling target that is not ours',
      })),
      { ...targetRow(resourceId), plan: 'not-ours', note: 'not tagged as this site’s' },
    ];
  const policyRows: Removal[] = found.policies.map((p) => ({
    ...policyRow(p.PolicyName ?? '?'),
    plan: 'remove',
    apply: () =>
      removed(() =>
        clients.autoscaling.send(
          new DeleteScalingPolicyCommand({
            PolicyName: p.PolicyName,
            ServiceNamespace: NAMESPACE,
            ResourceId: resourceId,
            ScalableDimension: DIMENSION,
          }),
        ),
      ),
  }));
  if (policyRows.length === 0)
    policyRows.push({ ...policyRow(target.names.scalingPolicyName), plan: 'gone' });
  const deregister = () =>
    clients.autoscaling.send(
      new DeregisterScalableTargetCommand({
        ServiceNamespace: NAMESPACE,
        ResourceId: resourceId,
        ScalableDimension: DIMENSION,
      }),
    );
  return [...policyRows, { ...targetRow(resourceId), plan: 'remove', apply: () => removed(deregister) }];
}

async function inspectTarget(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.scalingTarget.spec;
  const base = { id: 'scalingTarget' as const, name: spec.resourceId };
  const out = await env.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: spec.serviceNamespace,
      ResourceIds: [spec.resourceId],
      ScalableDimension: spec.scalableDimension,
    }),
  );
  const current = out.ScalableTargets?.[0];
  const apply = async () => {
    const r = await env.clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: spec.serviceNamespace,
        ResourceId: spec.resourceId,
        ScalableDimension: spec.scalableDimension,
        MinCapacity: spec.minCapacity,
        MaxCapacity: spec.maxCapacity,
        ...(current ? {} : { Tags: env.plan.tags }),
      }),
    );
    return r.ScalableTargetARN ?? spec.resourceId;
  };
  if (!current)
    return {
      ...base,
      action: 'create',
      changes: [`${spec.minCapacity} to ${spec.maxCapacity} tasks`],
      apply,
    };
  // Asleep (bounds 0, by the schedule's sleep action or by `mdl-preview sleep`): a redeploy keeps it
  // asleep while the site has a schedule; its wake action brings the new bounds.
  const scheduled = env.plan.resources.scheduledActions.spec.actions.length > 0;
  if (scheduled && current.MinCapacity === 0 && current.MaxCapacity === 0)
    return { ...base, action: 'none', changes: [], arn: current.ScalableTargetARN ?? spec.resourceId };
  const changes: string[] = [];
  if (current.MinCapacity !== spec.minCapacity)
    changes.push(`min tasks: ${current.MinCapacity} → ${spec.minCapacity}`);
  if (current.MaxCapacity !== spec.maxCapacity)
    changes.push(`max tasks: ${current.MaxCapacity} → ${spec.maxCapacity}`);
  const arn = current.ScalableTargetARN ?? spec.resourceId;
  return changes.length
    ? { ...base, action: 'update', changes, arn, apply }
    : { ...base, action: 'none', changes, arn };
}

async function inspectPolicy(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.scalingPolicy.spec;
  const target = env.plan.resources.scalingTarget.spec;
  const base = { id: 'scalingPolicy' as const, name: spec.policyName };
  const out = await env.clients.autoscaling.send(
    new DescribeScalingPoliciesCommand({
      ServiceNamespace: target.serviceNamespace,
      ResourceId: spec.resourceId,
      PolicyNames: [spec.policyName],
    }),
  );
  const current = out.ScalingPolicies?.[0];
  const apply = async () => {
    const r = await env.clients.autoscaling.send(
      new PutScalingPolicyCommand({
        PolicyName: spec.policyName,
        ServiceNamespace: target.serviceNamespace,
        ResourceId: spec.resourceId,
        ScalableDimension: target.scalableDimension,
        PolicyType: spec.policyType,
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: spec.targetValue,
          PredefinedMetricSpecification: { PredefinedMetricType: spec.predefinedMetricType },
          ScaleOutCooldown: spec.scaleOutCooldown,
          ScaleInCooldown: spec.scaleInCooldown,
        },
      }),
    );
    return r.PolicyARN;
  };
  if (!current)
    return { ...base, action: 'create', changes: [`target tracking at ${spec.targetValue} % CPU`], apply };
  const c = current.TargetTrackingScalingPolicyConfiguration;
  const changes: string[] = [];
  if (current.PolicyType !== spec.policyType)
    changes.push(`type: ${current.PolicyType} → ${spec.policyType}`);
  if (c?.TargetValue !== spec.targetValue)
    changes.push(`CPU target: ${c?.TargetValue} → ${spec.targetValue} %`);
  if (c?.PredefinedMetricSpecification?.PredefinedMetricType !== spec.predefinedMetricType)
    changes.push('metric changed');
  if (c?.ScaleOutCooldown !== spec.scaleOutCooldown || c?.ScaleInCooldown !== spec.scaleInCooldown)
    changes.push('cooldowns changed');
  const arn = current.PolicyARN;
  return changes.length
    ? { ...base, action: 'update', changes, arn, apply }
    : { ...base, action: 'none', changes, arn };
}

/** What differs between a scheduled action and its spec (empty: the same). */
function scheduledActionChanges(current: ScheduledAction, want: ScheduledActionSpec): string[] {
  const changes: string[] = [];
  if (current.Schedule !== want.schedule)
    changes.push(`${want.name}: ${current.Schedule} → ${want.schedule}`);
  if ((current.Timezone ?? 'UTC') !== want.timezone)
    changes.push(`${want.name}: time zone ${current.Timezone ?? 'UTC'} → ${want.timezone}`);
  const t = current.ScalableTargetAction;
  if (t?.MinCapacity !== want.minCapacity || t?.MaxCapacity !== want.maxCapacity)
    changes.push(
      `${want.name}: ${t?.MinCapacity ?? '-'} to ${t?.MaxCapacity ?? '-'} → ${want.minCapacity} to ${want.maxCapacity} tasks`,
    );
  return changes;
}

/**
 * The site's wake and sleep actions: put what is missing or differs, delete the suite's own ones the
 * schedule no longer has (`awake: always`). Other scheduled actions on the target (a one-time wake's
 * end, anything another tool put there) are not the schedule's and are left alone.
 */
async function inspectScheduled(env: DeployEnv): Promise<Inspection> {
  const planned = env.plan.resources.scheduledActions;
  const spec = planned.spec;
  const base = { id: 'scheduledActions' as const, name: planned.name };
  const ours = [wakeActionName(env.plan.site), sleepActionName(env.plan.site)];
  const target = {
    ServiceNamespace: spec.serviceNamespace,
    ResourceId: spec.resourceId,
    ScalableDimension: spec.scalableDimension,
  };
  const out = await env.clients.autoscaling.send(
    new DescribeScheduledActionsCommand({ ...target, ScheduledActionNames: ours }),
  );
  const existing = new Map(
    (out.ScheduledActions ?? [])
      .filter((a) => a.ScheduledActionName && ours.includes(a.ScheduledActionName))
      .map((a) => [a.ScheduledActionName!, a]),
  );
  const puts = spec.actions.filter((want) => {
    const current = existing.get(want.name);
    return !current || scheduledActionChanges(current, want).length > 0;
  });
  const deletes = [...existing.keys()].filter((name) => !spec.actions.some((a) => a.name === name));
  const changes = [
    ...puts.flatMap((want) => {
      const current = existing.get(want.name);
      return current
        ? scheduledActionChanges(current, want)
        : [
            `${want.name}: ${want.schedule} ${want.timezone} → ${want.minCapacity} to ${want.maxCapacity} tasks`,
          ];
    }),
    ...deletes.map((name) => `${name}: removed (awake ${spec.awake})`),
  ];
  if (!changes.length) return { ...base, action: 'none', changes, arn: spec.resourceId };
  const apply = async () => {
    for (const want of puts)
      await env.clients.autoscaling.send(
        new PutScheduledActionCommand({
          ...target,
          ScheduledActionName: want.name,
          Schedule: want.schedule,
          Timezone: want.timezone,
          ScalableTargetAction: { MinCapacity: want.minCapacity, MaxCapacity: want.maxCapacity },
        }),
      );
    for (const name of deletes)
      await env.clients.autoscaling.send(
        new DeleteScheduledActionCommand({ ...target, ScheduledActionName: name }),
      );
    return spec.resourceId;
  };
  return { ...base, action: existing.size ? 'update' : 'create', changes, apply };
}

export const scalingTarget = {
  id: 'scalingTarget',
  kind: 'scaling target',
  plan: planScalingTarget,
  inspect: inspectTarget,
  removals,
  tag: async (clients, arn, tags) => {
    await clients.autoscaling.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags }));
  },
} satisfies SiteResource<'scalingTarget'>;

export const scalingPolicy = {
  id: 'scalingPolicy',
  kind: 'scaling policy',
  plan: planScalingPolicy,
  inspect: inspectPolicy,
  // Removed with its target (the target's removals list it), and it carries no tags.
} satisfies SiteResource<'scalingPolicy'>;

export const scheduledActions = {
  id: 'scheduledActions',
  kind: 'scheduled actions',
  plan: planScheduledActions,
  inspect: inspectScheduled,
  // Removed with the target they act on, and they carry no tags.
} satisfies SiteResource<'scheduledActions'>;
