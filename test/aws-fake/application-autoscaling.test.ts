// The Application Auto Scaling fake through a real client reached only through the fake's environment:
// scalable targets as upserts that own an ECS service's desired count, scaling policies by name,
// AWS's error shapes, paging, and retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  ValidationException,
  paginateDescribeScalingPolicies,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

const RESOURCE = 'service/previews/site-a';
const target = {
  ServiceNamespace: 'ecs',
  ResourceId: RESOURCE,
  ScalableDimension: 'ecs:service:DesiredCount',
} as const;

let fake: AwsFake;
let scaling: ApplicationAutoScalingClient;
let ecs: ECSClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  fake.ecs.seedCluster('previews');
  Object.assign(process.env, fake.env());
  const retryStrategy = new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt);
  scaling = new ApplicationAutoScalingClient({ retryStrategy });
  ecs = new ECSClient({ retryStrategy });
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'site-a',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'moodle', image: 'moodle:1' }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'previews',
      serviceName: 'site-a',
      taskDefinition: td.taskDefinition!.taskDefinitionArn,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    }),
  );
});

afterAll(async () => {
  scaling.destroy();
  ecs.destroy();
  await fake.close();
  process.env = savedEnv;
});

describe('scalable targets', () => {
  it('needs both bounds for a new target (ValidationException)', async () => {
    await expect(
      scaling.send(new RegisterScalableTargetCommand({ ...target, MaxCapacity: 3 })),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 4, MaxCapacity: 3 })),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('registering bounds that exclude the current count moves the ECS desired count, as AWS does', async () => {
    const out = await scaling.send(
      new RegisterScalableTargetCommand({ ...target, MinCapacity: 2, MaxCapacity: 4 }),
    );
    expect(out.ScalableTargetARN).toMatch(
      /^arn:aws:application-autoscaling:eu-west-2:123456789012:scalable-target\//,
    );
    expect(fake.ecs.service('previews', 'site-a')!.desiredCount).toBe(2);
    await waitUntilServicesStable(
      { client: ecs, maxWaitTime: 5, minDelay: 0.005, maxDelay: 0.02 },
      { cluster: 'previews', services: ['site-a'] },
    );
  });

  it('is an upsert: an update keeps what it leaves out, and stays one target', async () => {
    const again = await scaling.send(new RegisterScalableTargetCommand({ ...target, MaxCapacity: 6 }));
    const { ScalableTargets } = await scaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [RESOURCE] }),
    );
    expect(ScalableTargets).toHaveLength(1);
    expect(ScalableTargets![0]).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 6,
      ScalableTargetARN: again.ScalableTargetARN,
    });
    expect(ScalableTargets![0]!.CreationTime).toBeInstanceOf(Date);
    expect(ScalableTargets![0]!.RoleARN).toMatch(/AWSServiceRoleForApplicationAutoScaling_ECSService$/);
  });

  it('a scaling activity owns the desired count: UpdateService without desiredCount leaves it', async () => {
    fake.autoscaling.scale(RESOURCE, 5);
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'previews', service: 'site-a', forceNewDeployment: true }),
    );
    expect(fake.ecs.service('previews', 'site-a')!.desiredCount).toBe(5);
  });
});

describe('scaling policies', () => {
  const stepPolicy = (name: string) =>
    new PutScalingPolicyCommand({
      ...target,
      PolicyName: name,
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        Cooldown: 60,
        MetricAggregationType: 'Average',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    });

  it('needs a registered target (ObjectNotFoundException)', async () => {
    const err = await scaling
      .send(new PutScalingPolicyCommand({ ...stepPolicy('x').input, ResourceId: 'service/previews/ghost' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectNotFoundException);
    expect((err as Error).message).toBe(
      'No scalable target registered for service namespace: ecs, resource ID: service/previews/ghost, scalable dimension: ecs:service:DesiredCount',
    );
  });

  it('upserts by name: the same ARN, one policy', async () => {
    const first = await scaling.send(stepPolicy('cpu-high'));
    const second = await scaling.send(stepPolicy('cpu-high'));
    expect(second.PolicyARN).toBe(first.PolicyARN);
    expect(first.PolicyARN).toMatch(
      /^arn:aws:autoscaling:eu-west-2:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/previews\/site-a:policyName\/cpu-high$/,
    );
    expect(first.Alarms).toEqual([]);
  });

  it('target tracking answers its two alarms', async () => {
    const out = await scaling.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: 'cpu-target',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 85,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      }),
    );
    expect(out.Alarms!.map((a) => a.AlarmName!.replace(/-[0-9a-f-]{36}$/, ''))).toEqual([
      `TargetTracking-${RESOURCE}-AlarmHigh`,
      `TargetTracking-${RESOURCE}-AlarmLow`,
    ]);
  });

  it('describes policies page by page and deletes them', async () => {
    await scaling.send(stepPolicy('cpu-low'));
    const names: string[][] = [];
    for await (const page of paginateDescribeScalingPolicies(
      { client: scaling, pageSize: 2 },
      { ServiceNamespace: 'ecs', ResourceId: RESOURCE },
    )) {
      names.push(page.ScalingPolicies!.map((p) => p.PolicyName!));
    }
    expect(names).toEqual([['cpu-high', 'cpu-target'], ['cpu-low']]);
    const remove = new DeleteScalingPolicyCommand({ ...target, PolicyName: 'cpu-low' });
    await scaling.send(remove);
    await expect(scaling.send(remove)).rejects.toBeInstanceOf(ObjectNotFoundException);
    expect(fake.inventory()).toMatchObject({
      'application-autoscaling:scalable-target': [`ecs:${RESOURCE}:ecs:service:DesiredCount`],
      'application-autoscaling:scaling-policy': [`${RESOURCE}:cpu-high`, `${RESOURCE}:cpu-target`],
    });
  });

  it('deregistering the target removes its policies', async () => {
    await scaling.send(new DeregisterScalableTargetCommand(target));
    await expect(scaling.send(new DeregisterScalableTargetCommand(target))).rejects.toBeInstanceOf(
      ObjectNotFoundException,
    );
    const { ScalingPolicies } = await scaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs' }),
    );
    expect(ScalingPolicies).toEqual([]);
  });
});

describe('retry', () => {
  it("converges through the SDK's standard retry with a third of calls throttled", async () => {
    fake.server.setThrottle(1 / 3, 5);
    try {
      await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 3 }));
      for (let i = 0; i < 6; i++) {
        await scaling.send(
          new PutScalingPolicyCommand({
            ...target,
            PolicyName: `p${i}`,
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: { TargetValue: 50 + i },
          }),
        );
      }
    } finally {
      fake.server.setThrottle(0);
    }
    expect(fake.server.count({ service: 'application-autoscaling', throttled: true })).toBeGreaterThan(0);
    expect(fake.autoscaling.policies.size).toBe(6);
  });

  it('classifies its mutating actions', () => {
    for (const a of [
      'RegisterScalableTarget',
      'DeregisterScalableTarget',
      'PutScalingPolicy',
      'DeleteScalingPolicy',
    ]) {
      expect(fake.autoscaling.isMutating(a)).toBe(true);
    }
    expect(fake.autoscaling.isMutating('DescribeScalableTargets')).toBe(false);
    expect(fake.autoscaling.isMutating('DescribeScalingPolicies')).toBe(false);
  });
});
