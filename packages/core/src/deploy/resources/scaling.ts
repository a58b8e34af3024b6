// Application Auto Scaling of the site's service: the scalable target (min/max tasks) and one
// target-tracking policy on average CPU.
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import type { DeployEnv, Inspection } from '../types.js';

export async function inspectScalingTarget(env: DeployEnv): Promise<Inspection> {
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

export async function inspectScalingPolicy(env: DeployEnv): Promise<Inspection> {
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
