// The ELBv2 fake through a real ElasticLoadBalancingV2Client: seeded ALBs, target groups, listener
// rules with AWS's conflicts and quotas, paging, tags, targets, and the SDK's retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  AddTagsCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateTagKeysException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  ListenerNotFoundException,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  OperationNotPermittedException,
  PriorityInUseException,
  RegisterTargetsCommand,
  RemoveTagsCommand,
  ResourceInUseException,
  RuleNotFoundException,
  SetRulePrioritiesCommand,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
  TooManyRulesException,
  TooManyUniqueTargetGroupsPerLoadBalancerException,
  waitUntilTargetInService,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { AwsFakeServer } from '@moodle-preview/aws-fake';
import { Elbv2Fake, type Elbv2Limits } from '../../packages/aws-fake/src/services/elbv2.js';

const vpcId = 'vpc-0123456789abcdef0';

/** A fake with one service, a client through its endpoint, and the SDK's retry shortened. */
async function start(limits: Partial<Elbv2Limits> = {}) {
  const server = new AwsFakeServer();
  const elb = new Elbv2Fake(server.ctx, limits);
  server.register(elb);
  await server.listen();
  const client = new ElasticLoadBalancingV2Client({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    retryStrategy: new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt),
  });
  return {
    server,
    elb,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}

const hostRule = (listenerArn: string, priority: number, host: string, targetGroupArn: string) =>
  new CreateRuleCommand({
    ListenerArn: listenerArn,
    Priority: priority,
    Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }],
    Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
  });

const siteGroup = (name: string, extra: Partial<{ HealthCheckPath: string }> = {}) =>
  new CreateTargetGroupCommand({
    Name: name,
    Protocol: 'HTTP',
    Port: 80,
    VpcId: vpcId,
    TargetType: 'ip',
    HealthCheckPath: extra.HealthCheckPath ?? '/login/index.php',
    Matcher: { HttpCode: '200-399' },
  });

describe('Elbv2Fake through the SDK', () => {
  let t: Awaited<ReturnType<typeof start>>;
  let lb: ReturnType<Elbv2Fake['seedLoadBalancer']>;

  beforeAll(async () => {
    t = await start();
    lb = t.elb.seedLoadBalancer({ name: 'preview', listeners: 2 });
  });
  afterAll(async () => t.stop());

  it('seeds an active ALB with HTTPS listeners and their default rules, in AWS-shaped ARNs', async () => {
    expect(lb.loadBalancerArn).toMatch(
      /^arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer\/app\/preview\/[0-9a-f]{16}$/,
    );
    const lbId = lb.loadBalancerArn.split('/').pop();
    for (const arn of lb.listenerArns) {
      expect(arn).toMatch(new RegExp(`:listener/app/preview/${lbId}/[0-9a-f]{16}$`));
    }
    const { LoadBalancers } = await t.client.send(new DescribeLoadBalancersCommand({ Names: ['preview'] }));
    expect(LoadBalancers).toHaveLength(1);
    expect(LoadBalancers![0]).toMatchObject({
      LoadBalancerArn: lb.loadBalancerArn,
      Type: 'application',
      State: { Code: 'active' },
    });
    expect(LoadBalancers![0]!.CreatedTime).toBeInstanceOf(Date);

    const byLb = await t.client.send(new DescribeListenersCommand({ LoadBalancerArn: lb.loadBalancerArn }));
    expect(byLb.Listeners?.map((l) => [l.ListenerArn, l.Protocol, l.Port])).toEqual([
      [lb.listenerArns[0], 'HTTPS', 443],
      [lb.listenerArns[1], 'HTTPS', 444],
    ]);
    const byArn = await t.client.send(new DescribeListenersCommand({ ListenerArns: [lb.listenerArns[1]!] }));
    expect(byArn.Listeners?.[0]?.DefaultActions?.[0]).toMatchObject({
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '404' },
    });

    const { Rules } = await t.client.send(new DescribeRulesCommand({ ListenerArn: lb.listenerArns[0] }));
    expect(Rules).toEqual([
      expect.objectContaining({
        RuleArn: lb.defaultRuleArns[0],
        Priority: 'default',
        IsDefault: true,
        Conditions: [],
      }),
    ]);
    expect(lb.defaultRuleArns[0]).toMatch(
      new RegExp(`:listener-rule/app/preview/${lbId}/[0-9a-f]{16}/[0-9a-f]{16}$`),
    );

    const missing = await t.client
      .send(new DescribeListenersCommand({ ListenerArns: [lb.listenerArns[0]!.replace(/.$/, 'z')] }))
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ListenerNotFoundException);
  });

  it('creates target groups idempotently by name and settings, with AWS defaults and name checks', async () => {
    const first = await t.client.send(siteGroup('mp-site-a'));
    const tg = first.TargetGroups![0]!;
    expect(tg).toMatchObject({
      TargetGroupName: 'mp-site-a',
      Protocol: 'HTTP',
      Port: 80,
      TargetType: 'ip',
      HealthCheckEnabled: true,
      HealthCheckPath: '/login/index.php',
      HealthCheckIntervalSeconds: 30,
      HealthyThresholdCount: 5,
      Matcher: { HttpCode: '200-399' },
      LoadBalancerArns: [],
    });
    expect(tg.TargetGroupArn).toMatch(/:targetgroup\/mp-site-a\/[0-9a-f]{16}$/);

    const again = await t.client.send(siteGroup('mp-site-a'));
    expect(again.TargetGroups![0]!.TargetGroupArn).toBe(tg.TargetGroupArn);

    const other = await t.client
      .send(siteGroup('mp-site-a', { HealthCheckPath: '/' }))
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(DuplicateTargetGroupNameException);

    for (const bad of ['x'.repeat(33), '-lead', 'under_score']) {
      const e = await t.client.send(siteGroup(bad)).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect((e as Error).name).toBe('ValidationError');
    }
    expect(t.elb.targetGroups().map((g) => g.TargetGroupName)).toEqual(['mp-site-a']);
  });

  it('describes, modifies and deletes target groups and their attributes', async () => {
    const { TargetGroups } = await t.client.send(siteGroup('mp-site-b'));
    const arn = TargetGroups![0]!.TargetGroupArn!;
    const byName = await t.client.send(new DescribeTargetGroupsCommand({ Names: ['mp-site-b'] }));
    expect(byName.TargetGroups?.map((g) => g.TargetGroupArn)).toEqual([arn]);
    const all = await t.client.send(new DescribeTargetGroupsCommand({}));
    expect(all.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['mp-site-a', 'mp-site-b']);
    const notFound = await t.client
      .send(new DescribeTargetGroupsCommand({ Names: ['mp-site-b', 'nope'] }))
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(TargetGroupNotFoundException);

    const modified = await t.client.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: arn,
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: 15,
      }),
    );
    expect(modified.TargetGroups![0]).toMatchObject({
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 15,
    });

    const attrs = await t.client.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
      }),
    );
    expect(attrs.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });
    const read = await t.client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    expect(read.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });
    expect(read.Attributes).toContainEqual({ Key: 'stickiness.enabled', Value: 'false' });
    const badValue = await t.client
      .send(
        new ModifyTargetGroupAttributesCommand({
          TargetGroupArn: arn,
          Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '99999' }],
        }),
      )
      .catch((e: unknown) => e);
    expect((badValue as Error).name).toBe('ValidationError');

    await t.client.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    expect(t.elb.targetGroups().map((g) => g.TargetGroupName)).toEqual(['mp-site-a']);
  });

  it('creates host-header rules forwarding to a group, and answers a taken priority with PriorityInUse', async () => {
    const tg = t.elb.targetGroups()[0]!;
    const created = await t.client.send(
      new CreateRuleCommand({
        ListenerArn: lb.listenerArns[0],
        Priority: 10,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['a.preview.example.com'] } }],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg.TargetGroupArn, Weight: 1 }] },
          },
        ],
        Tags: [{ Key: 'moodle-preview:site', Value: 'a' }],
      }),
    );
    const rule = created.Rules![0]!;
    expect(rule).toMatchObject({
      Priority: '10',
      IsDefault: false,
      Conditions: [
        {
          Field: 'host-header',
          Values: ['a.preview.example.com'],
          HostHeaderConfig: { Values: ['a.preview.example.com'] },
        },
      ],
      Actions: [
        {
          Type: 'forward',
          Order: 1,
          TargetGroupArn: tg.TargetGroupArn,
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: tg.TargetGroupArn, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ],
    });
    expect(t.elb.tags(rule.RuleArn!)).toEqual({ 'moodle-preview:site': 'a' });

    // AWS fills LoadBalancerArns once a rule forwards to the group.
    const { TargetGroups } = await t.client.send(
      new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.loadBalancerArn }),
    );
    expect(TargetGroups?.map((g) => [g.TargetGroupName, g.LoadBalancerArns])).toEqual([
      ['mp-site-a', [lb.loadBalancerArn]],
    ]);

    const taken = await t.client
      .send(hostRule(lb.listenerArns[0]!, 10, 'b.preview.example.com', tg.TargetGroupArn))
      .catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(PriorityInUseException);
    expect((taken as Error).message).toBe("Priority '10' is currently in use");
    // The same priority on the other listener is free.
    await t.client.send(hostRule(lb.listenerArns[1]!, 10, 'b.preview.example.com', tg.TargetGroupArn));

    const noListener = await t.client
      .send(hostRule(lb.listenerArns[0]!.replace(/.$/, 'z'), 11, 'c.example.com', tg.TargetGroupArn))
      .catch((e: unknown) => e);
    expect(noListener).toBeInstanceOf(ListenerNotFoundException);
    const noGroup = await t.client
      .send(hostRule(lb.listenerArns[0]!, 11, 'c.example.com', `${tg.TargetGroupArn}0`))
      .catch((e: unknown) => e);
    expect(noGroup).toBeInstanceOf(TargetGroupNotFoundException);
    const badHost = await t.client
      .send(hostRule(lb.listenerArns[0]!, 11, 'c example.com', tg.TargetGroupArn))
      .catch((e: unknown) => e);
    expect((badHost as Error).name).toBe('ValidationError');
  });

  it('lets exactly one of two concurrent CreateRule calls on one priority win', async () => {
    const tg = t.elb.targetGroups()[0]!;
    const results = await Promise.allSettled([
      t.client.send(hostRule(lb.listenerArns[0]!, 20, 'race-1.example.com', tg.TargetGroupArn)),
      t.client.send(hostRule(lb.listenerArns[0]!, 20, 'race-2.example.com', tg.TargetGroupArn)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(PriorityInUseException);
    expect(t.elb.rules(lb.listenerArns[0]!).filter((r) => r.Priority === '20')).toHaveLength(1);
  });

  it('modifies, reorders and deletes rules; keeps the default rule and groups in use', async () => {
    const tg = t.elb.targetGroups()[0]!;
    const { TargetGroups } = await t.client.send(siteGroup('mp-site-c'));
    const tgC = TargetGroups![0]!.TargetGroupArn!;
    const { Rules } = await t.client.send(
      new CreateRuleCommand({
        ListenerArn: lb.listenerArns[0],
        Priority: 30,
        // The legacy condition form is still accepted and echoed both ways.
        Conditions: [{ Field: 'host-header', Values: ['c.preview.example.com'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgC }],
      }),
    );
    const ruleC = Rules![0]!.RuleArn!;
    expect(Rules![0]!.Conditions![0]!.HostHeaderConfig?.Values).toEqual(['c.preview.example.com']);

    const inUse = await t.client
      .send(new DeleteTargetGroupCommand({ TargetGroupArn: tgC }))
      .catch((e: unknown) => e);
    expect(inUse).toBeInstanceOf(ResourceInUseException);

    const modified = await t.client.send(
      new ModifyRuleCommand({
        RuleArn: ruleC,
        Actions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
      }),
    );
    expect(modified.Rules![0]!.Actions![0]!.TargetGroupArn).toBe(tg.TargetGroupArn);
    await t.client.send(new DeleteTargetGroupCommand({ TargetGroupArn: tgC }));

    const rule10 = t.elb.rules(lb.listenerArns[0]!).find((r) => r.Priority === '10')!.RuleArn;
    // Swapping two priorities in one call is not a conflict; landing on a taken one is.
    const swapped = await t.client.send(
      new SetRulePrioritiesCommand({
        RulePriorities: [
          { RuleArn: rule10, Priority: 30 },
          { RuleArn: ruleC, Priority: 10 },
        ],
      }),
    );
    expect(swapped.Rules?.map((r) => [r.RuleArn, r.Priority])).toEqual([
      [ruleC, '10'],
      [rule10, '30'],
    ]);
    const clash = await t.client
      .send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ruleC, Priority: 20 }] }))
      .catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(PriorityInUseException);
    expect(t.elb.rules(lb.listenerArns[0]!).map((r) => r.Priority)).toEqual(['10', '20', '30', 'default']);

    const deleteDefault = await t.client
      .send(new DeleteRuleCommand({ RuleArn: lb.defaultRuleArns[0] }))
      .catch((e: unknown) => e);
    expect(deleteDefault).toBeInstanceOf(OperationNotPermittedException);
    await t.client.send(new DeleteRuleCommand({ RuleArn: ruleC }));
    const gone = await t.client
      .send(new DescribeRulesCommand({ RuleArns: [ruleC] }))
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(RuleNotFoundException);
  });

  it('registers targets, reports their health, and lets the SDK waiter see them in service', async () => {
    const tg = t.elb.targetGroups()[0]!.TargetGroupArn!;
    await t.client.send(
      new RegisterTargetsCommand({
        TargetGroupArn: tg,
        Targets: [{ Id: '10.0.1.5' }, { Id: '10.0.2.6', Port: 8080 }],
      }),
    );
    await waitUntilTargetInService(
      { client: t.client, maxWaitTime: 5, minDelay: 1 },
      { TargetGroupArn: tg, Targets: [{ Id: '10.0.1.5', Port: 80 }] },
    );
    const health = await t.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }));
    expect(
      health.TargetHealthDescriptions?.map((d) => [d.Target?.Id, d.Target?.Port, d.TargetHealth?.State]),
    ).toEqual([
      ['10.0.1.5', 80, 'healthy'],
      ['10.0.2.6', 8080, 'healthy'],
    ]);
    await t.client.send(
      new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: '10.0.2.6', Port: 8080 }] }),
    );
    expect(t.elb.targets(tg).map((x) => `${x.Id}:${x.Port}`)).toEqual(['10.0.1.5:80']);
    const asked = await t.client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: tg, Targets: [{ Id: '10.0.2.6', Port: 8080 }] }),
    );
    expect(asked.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({
      State: 'unused',
      Reason: 'Target.NotRegistered',
    });
    const badIp = await t.client
      .send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: 'i-0123' }] }))
      .catch((e: unknown) => e);
    expect((badIp as Error).name).toBe('InvalidTargetException');
  });

  it('tags load balancers, listeners, rules and target groups, up to 20 resources a call', async () => {
    const tg = t.elb.targetGroups()[0]!.TargetGroupArn!;
    const rule = t.elb.rules(lb.listenerArns[0]!).find((r) => r.Priority === '30')!.RuleArn;
    const arns = [lb.loadBalancerArn, lb.listenerArns[0]!, rule, tg];
    await t.client.send(
      new AddTagsCommand({
        ResourceArns: arns,
        Tags: [
          { Key: 'env', Value: 'test' },
          { Key: 'owner', Value: 'a&b <c>' },
        ],
      }),
    );
    await t.client.send(new RemoveTagsCommand({ ResourceArns: [tg], TagKeys: ['owner'] }));
    const { TagDescriptions } = await t.client.send(new DescribeTagsCommand({ ResourceArns: arns }));
    expect(TagDescriptions?.map((d) => [d.ResourceArn, d.Tags?.map((x) => `${x.Key}=${x.Value}`)])).toEqual([
      [lb.loadBalancerArn, ['env=test', 'owner=a&b <c>']],
      [lb.listenerArns[0], ['env=test', 'owner=a&b <c>']],
      [rule, ['env=test', 'moodle-preview:site=a', 'owner=a&b <c>']],
      [tg, ['env=test']],
    ]);
    const tooMany = await t.client
      .send(new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, () => tg) }))
      .catch((e: unknown) => e);
    expect((tooMany as Error).name).toBe('ValidationError');
    const dup = await t.client
      .send(
        new AddTagsCommand({
          ResourceArns: [tg],
          Tags: [
            { Key: 'k', Value: '1' },
            { Key: 'k', Value: '2' },
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(DuplicateTagKeysException);
    const unknown = await t.client
      .send(new DescribeTagsCommand({ ResourceArns: [`${tg}0`] }))
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(TargetGroupNotFoundException);
  });

  it('classifies every action and lists what it holds for the inventory', () => {
    for (const read of ['DescribeRules', 'DescribeTargetGroups', 'DescribeTags', 'DescribeTargetHealth']) {
      expect(t.elb.isMutating(read)).toBe(false);
    }
    for (const write of [
      'CreateRule',
      'SetRulePriorities',
      'AddTags',
      'RegisterTargets',
      'DeleteTargetGroup',
    ]) {
      expect(t.elb.isMutating(write)).toBe(true);
    }
    const inventory = t.elb.inventory();
    expect(inventory.filter((e) => e.kind === 'elbv2:load-balancer').map((e) => e.name)).toEqual(['preview']);
    expect(inventory.filter((e) => e.kind === 'elbv2:listener').map((e) => e.name)).toEqual([
      'preview:443',
      'preview:444',
    ]);
    expect(inventory.filter((e) => e.kind === 'elbv2:target-group').map((e) => e.name)).toEqual([
      'mp-site-a',
    ]);
    expect(inventory.filter((e) => e.kind === 'elbv2:rule').map((e) => e.name)).toEqual([
      expect.stringMatching(/^preview:443\/20 race-[12]\.example\.com$/),
      'preview:443/30 a.preview.example.com',
      'preview:444/10 b.preview.example.com',
    ]);
  });
});

describe('Elbv2Fake quotas, paging and throttling', () => {
  it('answers TooManyRules past the per-listener limit, and enforces the target-group quotas', async () => {
    const t = await start({ rulesPerListener: 3, targetGroupsPerLoadBalancer: 2 });
    try {
      const [a, b] = [t.elb.seedLoadBalancer({ name: 'alb-a' }), t.elb.seedLoadBalancer({ name: 'alb-b' })];
      const groups: string[] = [];
      for (const name of ['g1', 'g2', 'g3']) {
        groups.push((await t.client.send(siteGroup(name))).TargetGroups![0]!.TargetGroupArn!);
      }
      await t.client.send(hostRule(a.listenerArns[0]!, 1, 'one.example.com', groups[0]!));
      await t.client.send(hostRule(a.listenerArns[0]!, 2, 'two.example.com', groups[1]!));
      const third = await t.client
        .send(hostRule(a.listenerArns[0]!, 3, 'three.example.com', groups[2]!))
        .catch((e: unknown) => e);
      expect(third).toBeInstanceOf(TooManyUniqueTargetGroupsPerLoadBalancerException);
      await t.client.send(hostRule(a.listenerArns[0]!, 3, 'three.example.com', groups[1]!));
      const full = await t.client
        .send(hostRule(a.listenerArns[0]!, 4, 'four.example.com', groups[0]!))
        .catch((e: unknown) => e);
      expect(full).toBeInstanceOf(TooManyRulesException);
      // An ALB's target group serves that ALB only.
      const elsewhere = await t.client
        .send(hostRule(b.listenerArns[0]!, 1, 'one.example.com', groups[0]!))
        .catch((e: unknown) => e);
      expect(elsewhere).toBeInstanceOf(TargetGroupAssociationLimitException);
      expect(t.server.count({ action: 'CreateRule', mutating: true })).toBe(6);
    } finally {
      await t.stop();
    }
  });

  it('pages DescribeRules through repeated Marker calls, by priority with the default rule last', async () => {
    const t = await start();
    try {
      const { listenerArns } = t.elb.seedLoadBalancer({ name: 'paged' });
      const listener = listenerArns[0]!;
      const tg = (await t.client.send(siteGroup('paged-tg'))).TargetGroups![0]!.TargetGroupArn!;
      // Priorities out of order and of different digit counts: the order must be numeric.
      for (const p of [7, 100, 3, 25, 1, 9, 12]) {
        await t.client.send(hostRule(listener, p, `p${p}.example.com`, tg));
      }
      const seen: Rule[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const out = await t.client.send(
          new DescribeRulesCommand({ ListenerArn: listener, PageSize: 3, Marker: marker }),
        );
        seen.push(...(out.Rules ?? []));
        marker = out.NextMarker;
        pages++;
      } while (marker);
      expect(pages).toBe(3);
      expect(seen.map((r) => r.Priority)).toEqual(['1', '3', '7', '9', '12', '25', '100', 'default']);
      expect(seen.map((r) => r.IsDefault)).toEqual([false, false, false, false, false, false, false, true]);
      const badMarker = await t.client
        .send(new DescribeRulesCommand({ ListenerArn: listener, Marker: 'not-a-marker' }))
        .catch((e: unknown) => e);
      expect((badMarker as Error).name).toBe('ValidationError');
    } finally {
      await t.stop();
    }
  });

  it("converges through the SDK's own retry with a third of calls throttled", async () => {
    const t = await start();
    try {
      const { listenerArns } = t.elb.seedLoadBalancer({ name: 'throttled' });
      t.server.setThrottle(1 / 3);
      for (let i = 1; i <= 8; i++) {
        const tg = (await t.client.send(siteGroup(`site-${i}`))).TargetGroups![0]!.TargetGroupArn!;
        await t.client.send(hostRule(listenerArns[0]!, i, `site-${i}.example.com`, tg));
        await t.client.send(new DescribeRulesCommand({ ListenerArn: listenerArns[0] }));
      }
      t.server.setThrottle(0);
      expect(t.server.count({ throttled: true })).toBeGreaterThan(0);
      expect(t.server.count({ action: 'CreateRule', throttled: false })).toBe(8);
      expect(t.elb.rules(listenerArns[0]!).map((r) => r.Priority)).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        'default',
      ]);
      expect(t.elb.targetGroups()).toHaveLength(8);
    } finally {
      await t.stop();
    }
  });

  it('seeds listeners under ARNs a platform file names', async () => {
    const t = await start();
    try {
      const base = 'arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/shared/50dc6c495c0c9188';
      const seeded = t.elb.seedLoadBalancer({
        name: 'shared',
        listenerArns: [`${base}/f2f7dc8efc522ab2`, `${base}/0467ef3c8400ae65`],
      });
      expect(seeded.loadBalancerArn).toBe(
        'arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/shared/50dc6c495c0c9188',
      );
      const out = await t.client.send(new DescribeListenersCommand({ ListenerArns: seeded.listenerArns }));
      expect(out.Listeners?.map((l) => l.LoadBalancerArn)).toEqual([
        seeded.loadBalancerArn,
        seeded.loadBalancerArn,
      ]);
      expect(() => t.elb.seedLoadBalancer({ name: 'other', listenerArns: [`${base}/aaaa`] })).toThrow();
    } finally {
      await t.stop();
    }
  });
});
