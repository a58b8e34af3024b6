// The service's auto scaling: its policies, then its scalable target — first of all, so nothing
// scales the service back up while it is being taken down. Policies carry no tags of their own: they
// are the site's when the target they belong to is.
import {
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  ListTagsForResourceCommand,
  ObjectNotFoundException,
  paginateDescribeScalingPolicies,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import type { DestroyEnv, Removal, RemovalOutcome } from './types.js';
import { ownedBy } from './types.js';

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

export async function readScaling(env: DestroyEnv): Promise<Removal[]> {
  const { clients, target } = env;
  const resourceId = target.scalingResourceId;
  const base = { data: false };
  const out = await clients.autoscaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: NAMESPACE,
      ResourceIds: [resourceId],
      ScalableDimension: DIMENSION,
    }),
  );
  const scalable = out.ScalableTargets?.[0];
  if (!scalable) {
    // Deregistering a target deletes its policies, so without a target there are none either.
    return [
      {
        ...base,
        resource: 'scaling policy',
        name: target.names.scalingPolicyName,
        step: 'scaling policies',
        plan: 'gone',
      },
      { ...base, resource: 'scaling target', name: resourceId, step: 'scaling target', plan: 'gone' },
    ];
  }
  const tags = scalable.ScalableTargetARN
    ? ((
        await clients.autoscaling.send(
          new ListTagsForResourceCommand({ ResourceARN: scalable.ScalableTargetARN }),
        )
      ).Tags ?? {})
    : {};
  const policies: ScalingPolicy[] = [];
  for await (const page of paginateDescribeScalingPolicies(
    { client: clients.autoscaling },
    { ServiceNamespace: NAMESPACE, ResourceId: resourceId, ScalableDimension: DIMENSION },
  ))
    policies.push(...(page.ScalingPolicies ?? []));

  if (!ownedBy(tags, target.link)) {
    const note = 'not tagged as this site’s';
    return [
      ...policies.map((p) => ({
        ...base,
        resource: 'scaling policy',
        name: p.PolicyName ?? '?',
        step: 'scaling policies' as const,
        plan: 'not-ours' as const,
        note: 'belongs to a scaling target that is not ours',
      })),
      {
        ...base,
        resource: 'scaling target',
        name: resourceId,
        step: 'scaling target',
        plan: 'not-ours',
        note,
      },
    ];
  }
  const policyRows: Removal[] = policies.map((p) => ({
    ...base,
    resource: 'scaling policy',
    name: p.PolicyName ?? '?',
    step: 'scaling policies',
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
    policyRows.push({
      ...base,
      resource: 'scaling policy',
      name: target.names.scalingPolicyName,
      step: 'scaling policies',
      plan: 'gone',
    });
  return [
    ...policyRows,
    {
      ...base,
      resource: 'scaling target',
      name: resourceId,
      step: 'scaling target',
      plan: 'remove',
      apply: () =>
        removed(() =>
          clients.autoscaling.send(
            new DeregisterScalableTargetCommand({
              ServiceNamespace: NAMESPACE,
              ResourceId: resourceId,
              ScalableDimension: DIMENSION,
            }),
          ),
        ),
    },
  ];
}
