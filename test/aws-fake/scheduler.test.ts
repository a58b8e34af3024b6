// The EventBridge Scheduler fake through a real client reached only through the fake's environment
// (REST-JSON: routes by method and path, errors in x-amzn-errortype): groups with tags, schedules in
// a group that must exist, AWS's error classes, paging, retry under throttling, and `fire` running a
// universal ModifyRule target as the schedule's role.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListTagsForResourceCommand,
  paginateListSchedules,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

let fake: AwsFake;
let scheduler: SchedulerClient;
const savedEnv = { ...process.env };
const LISTENER =
  'arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/lb/0123456789abcdef/fedcba9876543210';

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  scheduler = new SchedulerClient({ retryStrategy: new ConfiguredRetryStrategy(10, (a) => 5 * a) });
});
afterAll(async () => {
  scheduler.destroy();
  await fake.close();
  process.env = savedEnv;
});

const schedule = (
  name: string,
  input: object,
  extra: Partial<CreateScheduleCommandInput> = {},
): CreateScheduleCommandInput => ({
  Name: name,
  GroupName: 'previews',
  ScheduleExpression: 'cron(0 20 ? * MON-FRI *)',
  ScheduleExpressionTimezone: 'Europe/London',
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: {
    Arn: 'arn:aws:scheduler:::aws-sdk:elasticloadbalancingv2:modifyRule',
    RoleArn: 'arn:aws:iam::123456789012:role/switcher',
    Input: JSON.stringify(input),
  },
  ...extra,
});

describe('the EventBridge Scheduler fake', () => {
  it('keeps groups with their tags, and refuses a second of a name or a missing one', async () => {
    const made = await scheduler.send(
      new CreateScheduleGroupCommand({ Name: 'previews', Tags: [{ Key: 'owner', Value: 'us' }] }),
    );
    expect(made.ScheduleGroupArn).toBe('arn:aws:scheduler:eu-west-2:123456789012:schedule-group/previews');
    const group = await scheduler.send(new GetScheduleGroupCommand({ Name: 'previews' }));
    expect(group).toMatchObject({ Name: 'previews', State: 'ACTIVE', Arn: made.ScheduleGroupArn });
    expect(group.CreationDate).toBeInstanceOf(Date);
    const tags = await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: made.ScheduleGroupArn }));
    expect(tags.Tags).toEqual([{ Key: 'owner', Value: 'us' }]);
    await expect(scheduler.send(new CreateScheduleGroupCommand({ Name: 'previews' }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(scheduler.send(new GetScheduleGroupCommand({ Name: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('creates, reads, replaces and deletes schedules in a group, with AWS’s errors', async () => {
    const created = await scheduler.send(new CreateScheduleCommand(schedule('night', { RuleArn: 'x' })));
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:eu-west-2:123456789012:schedule/previews/night');
    const got = await scheduler.send(new GetScheduleCommand({ GroupName: 'previews', Name: 'night' }));
    expect(got).toMatchObject({
      Name: 'night',
      GroupName: 'previews',
      State: 'ENABLED',
      ScheduleExpression: 'cron(0 20 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: { RoleArn: 'arn:aws:iam::123456789012:role/switcher', Input: '{"RuleArn":"x"}' },
    });
    await expect(scheduler.send(new CreateScheduleCommand(schedule('night', {})))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await scheduler.send(
      new UpdateScheduleCommand(schedule('night', { RuleArn: 'y' }, { ScheduleExpressionTimezone: 'UTC' })),
    );
    const updated = await scheduler.send(new GetScheduleCommand({ GroupName: 'previews', Name: 'night' }));
    expect([updated.ScheduleExpressionTimezone, updated.Target?.Input]).toEqual(['UTC', '{"RuleArn":"y"}']);
    // In the default group there is no such schedule; in a missing group none can be made.
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'night' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      scheduler.send(new CreateScheduleCommand(schedule('x', {}, { GroupName: 'missing' }))),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      scheduler.send(new UpdateScheduleCommand(schedule('never-made', {}))),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    for (const bad of [
      { ScheduleExpression: 'every night' },
      { ScheduleExpressionTimezone: 'Mars/Olympus' },
      {
        Target: {
          Arn: 'arn:aws:scheduler:::aws-sdk:elasticloadbalancingv2:modifyRule',
          RoleArn: 'r',
          Input: '{',
        },
      },
    ])
      await expect(
        scheduler.send(new CreateScheduleCommand(schedule('bad', {}, bad))),
      ).rejects.toBeInstanceOf(ValidationException);
    await scheduler.send(new DeleteScheduleCommand({ GroupName: 'previews', Name: 'night' }));
    await expect(
      scheduler.send(new DeleteScheduleCommand({ GroupName: 'previews', Name: 'night' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists a group’s schedules by prefix across pages, and retries through throttling', async () => {
    for (let i = 0; i < 5; i++) await scheduler.send(new CreateScheduleCommand(schedule(`site-${i}`, {})));
    await scheduler.send(new CreateScheduleCommand(schedule('other', {})));
    fake.server.setThrottle(0.3, 7);
    const names: string[] = [];
    for await (const page of paginateListSchedules(
      { client: scheduler, pageSize: 2 },
      { GroupName: 'previews', NamePrefix: 'site-' },
    ))
      names.push(...(page.Schedules ?? []).map((s) => s.Name!));
    fake.server.setThrottle(0);
    expect(names).toEqual(['site-0', 'site-1', 'site-2', 'site-3', 'site-4']);
    expect(fake.server.count({ action: 'ListSchedules', throttled: true })).toBeGreaterThan(0);
  });

  it('runs a universal ModifyRule target as the schedule’s role; a one-time schedule set to DELETE goes', async () => {
    fake.elbv2.seedLoadBalancer({ name: 'lb', listenerArns: [LISTENER] });
    const { ElasticLoadBalancingV2Client, CreateRuleCommand } =
      await import('@aws-sdk/client-elastic-load-balancing-v2');
    const elb = new ElasticLoadBalancingV2Client({});
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: LISTENER,
        Priority: 5,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['a.example'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
      }),
    );
    elb.destroy();
    const ruleArn = rule.Rules![0]!.RuleArn!;
    const page = {
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '503', MessageBody: 'asleep' },
    };
    await scheduler.send(
      new CreateScheduleCommand(
        schedule(
          'once',
          { RuleArn: ruleArn, Actions: [page] },
          {
            ScheduleExpression: 'at(2026-12-07T18:00:00)',
            ActionAfterCompletion: 'DELETE',
          },
        ),
      ),
    );
    fake.scheduler.fire('previews', 'once');
    expect(
      fake.elbv2.rules(LISTENER).find((r) => r.RuleArn === ruleArn)?.Actions?.[0]?.FixedResponseConfig,
    ).toMatchObject({
      StatusCode: '503',
      MessageBody: 'asleep',
    });
    const ran = fake.server.calls.at(-1)!;
    expect(ran).toMatchObject({
      service: 'elasticloadbalancing',
      action: 'ModifyRule',
      principal: 'arn:aws:iam::123456789012:role/switcher',
    });
    expect(ran.authorizations?.[0]).toMatchObject({
      action: 'elasticloadbalancing:ModifyRule',
      resource: ruleArn,
    });
    expect(fake.scheduler.get('previews', 'once')).toBeUndefined();
    // A target the API would refuse fails as ELB answers, and the schedule stays.
    await scheduler.send(
      new CreateScheduleCommand(schedule('broken', { RuleArn: `${ruleArn}-gone`, Actions: [page] })),
    );
    expect(() => fake.scheduler.fire('previews', 'broken')).toThrow(/not found|RuleNotFound/i);
    expect(fake.scheduler.get('previews', 'broken')).toBeDefined();
  });
});
