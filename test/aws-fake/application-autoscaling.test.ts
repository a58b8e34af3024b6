// The Application Auto Scaling fake through a real client reached only through the fake's environment:
// scalable targets as upserts that own an ECS service's desired count, scaling policies and scheduled
// actions by name, AWS's error shapes, paging, and retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
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

describe('scheduled actions', () => {
  const put = (name: string, extra: Partial<PutScheduledActionCommand['input']> = {}) =>
    scaling.send(
      new PutScheduledActionCommand({
        ...target,
        ScheduledActionName: name,
        Schedule: 'cron(0 20 ? * MON-FRI *)',
        Timezone: 'Europe/London',
        ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
        ...extra,
      }),
    );
  const desired = () => fake.ecs.services.get([...fake.ecs.services.keys()][0]!)!.desiredCount;

  it('needs a registered target (ObjectNotFoundException)', async () => {
    await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 3 }));
    const err = await put('sleep', { ResourceId: 'service/previews/ghost' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectNotFoundException);
  });

  it('refuses a schedule or a time zone AWS would not take (ValidationException)', async () => {
    for (const bad of [
      { Schedule: 'cron(0 20 * * MON-FRI)' },
      { Schedule: 'every evening' },
      { Schedule: 'rate(0 minutes)' },
      { Timezone: 'Mars/Olympus_Mons' },
      { ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 1 } },
    ]) {
      const err = await put('sleep', bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationException);
    }
    expect(fake.autoscaling.scheduledActions.size).toBe(0);
    await put('at-once', { Schedule: 'at(2026-12-07T18:00:00)' });
    await put('hourly', { Schedule: 'rate(1 hour)' });
  });

  it('upserts by name: the same ARN, and an update keeps what it leaves out', async () => {
    await put('sleep');
    const first = await scaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ScheduledActionNames: ['sleep'] }),
    );
    await scaling.send(
      new PutScheduledActionCommand({
        ...target,
        ScheduledActionName: 'sleep',
        Schedule: 'cron(0 21 ? * * *)',
      }),
    );
    const { ScheduledActions } = await scaling.send(
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ScheduledActionNames: ['sleep'] }),
    );
    expect(ScheduledActions).toHaveLength(1);
    expect(ScheduledActions![0]).toMatchObject({
      ScheduledActionARN: first.ScheduledActions![0]!.ScheduledActionARN,
      Schedule: 'cron(0 21 ? * * *)',
      Timezone: 'Europe/London',
      ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
    });
    expect(ScheduledActions![0]!.ScheduledActionARN).toMatch(
      /^arn:aws:autoscaling:eu-west-2:123456789012:scheduledAction:[0-9a-f-]{36}:resource\/ecs\/service\/previews\/site-a:scheduledActionName\/sleep$/,
    );
  });

  it("when its time comes its bounds become the target's and move the desired count; a one-time action is then gone", async () => {
    expect(desired()).toBeGreaterThanOrEqual(1);
    fake.autoscaling.fire(RESOURCE, 'sleep');
    expect(fake.autoscaling.target(RESOURCE)).toMatchObject({ MinCapacity: 0, MaxCapacity: 0 });
    expect(desired()).toBe(0);
    await put('at-once', {
      Schedule: 'at(2026-12-07T18:00:00)',
      ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 3 },
    });
    fake.autoscaling.fire(RESOURCE, 'at-once');
    expect(desired()).toBe(2);
    expect([...fake.autoscaling.scheduledActionsOf(RESOURCE).keys()].sort()).toEqual(['hourly', 'sleep']);
    // A recurring one stays.
    fake.autoscaling.fire(RESOURCE, 'sleep');
    expect(fake.autoscaling.scheduledActionsOf(RESOURCE).has('sleep')).toBe(true);
  });

  it('deletes by name (ObjectNotFoundException when absent); deregistering the target removes the rest', async () => {
    const remove = new DeleteScheduledActionCommand({ ...target, ScheduledActionName: 'hourly' });
    await scaling.send(remove);
    await expect(scaling.send(remove)).rejects.toBeInstanceOf(ObjectNotFoundException);
    expect(fake.inventory()['application-autoscaling:scheduled-action']).toEqual([`${RESOURCE}:sleep`]);
    await scaling.send(new DeregisterScalableTargetCommand(target));
    expect(fake.autoscaling.scheduledActions.size).toBe(0);
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
      'PutScheduledAction',
      'DeleteScheduledAction',
    ]) {
      expect(fake.autoscaling.isMutating(a)).toBe(true);
    }
    expect(fake.autoscaling.isMutating('DescribeScalableTargets')).toBe(false);
    expect(fake.autoscaling.isMutating('DescribeScalingPolicies')).toBe(false);
    expect(fake.autoscaling.isMutating('DescribeScheduledActions')).toBe(false);
  });
});
