// A stateful fake of Elastic Load Balancing v2 (Application Load Balancers) over the query protocol:
// ALBs and HTTPS listeners seeded by tests; target groups, listener rules, targets and tags kept as AWS does.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ServiceHandler } from '../types.js';
import { authz, requestTags, resourceTags, tagMap } from '../authorization.js';
import {
  type Elbv2InventoryEntry,
  type Elbv2Limits,
  type Elbv2Listener,
  type Elbv2LoadBalancer,
  type Elbv2Rule,
  type Elbv2Target,
  type Elbv2TargetGroup,
  type Params,
  type SeedLoadBalancerOptions,
  type SeededLoadBalancer,
  changeActions,
  describeActions,
  elbName,
  listOf,
  requiredText,
  structOf,
  text,
  textList,
} from './elbv2/model.js';
import { Elbv2Rules } from './elbv2/rules.js';

export type {
  Elbv2Limits,
  Elbv2Tag,
  Elbv2Condition,
  Elbv2Action,
  Elbv2Rule,
  Elbv2TargetGroup,
  Elbv2Listener,
  Elbv2LoadBalancer,
  Elbv2Target,
  Elbv2InventoryEntry,
  SeedLoadBalancerOptions,
  SeededLoadBalancer,
} from './elbv2/model.js';

/** The ELBv2 fake: the store and its parts (services/elbv2/), answering as a ServiceHandler. */
export class Elbv2Fake extends Elbv2Rules implements ServiceHandler {
  readonly signingName = 'elasticloadbalancing';
  readonly protocol = 'query' as const;
  readonly apiVersion = '2015-12-01';
  readonly xmlNamespace = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

  setLimits(limits: Partial<Elbv2Limits>): void {
    Object.assign(this.limits, limits);
  }

  /** Every action the fake answers is classified; an unknown one is judged by its verb. */
  isMutating(action: string): boolean {
    if (describeActions.has(action)) return false;
    if (changeActions.has(action)) return true;
    return !/^(Describe|Get|List)/.test(action);
  }

  /** An active ALB with HTTPS listeners, each with its default rule (a fixed 404, as a platform sets up). */
  seedLoadBalancer(options: SeedLoadBalancerOptions): SeededLoadBalancer {
    const { name } = options;
    if (!elbName.test(name) || name.length > 32) throw new Error(`invalid load balancer name ${name}`);
    if ([...this.balancers.values()].some((lb) => lb.view.LoadBalancerName === name)) {
      throw new Error(`load balancer ${name} is already seeded`);
    }
    let lbArn: string;
    let path: string;
    const given = options.listenerArns;
    if (given && given.length > 0) {
      const parsed =
        /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener\/(app\/([^/]+)\/[^/]+)\/[^/]+$/.exec(
          given[0]!,
        );
      if (!parsed || parsed[3] !== name)
        throw new Error(`listener ARN ${given[0]} is not of an ALB named ${name}`);
      path = parsed[2]!;
      lbArn = `${parsed[1]}loadbalancer/${path}`;
      for (const arn of given) {
        if (!arn.startsWith(`${parsed[1]}listener/${path}/`))
          throw new Error(`listener ARN ${arn} is not of ${lbArn}`);
      }
    } else {
      path = `app/${name}/${this.ctx.id(16)}`;
      lbArn = this.ctx.arn('elasticloadbalancing', `loadbalancer/${path}`);
    }
    const count = given && given.length > 0 ? given.length : (options.listeners ?? 1);
    const vpcId = options.vpcId ?? 'vpc-0fake0000000000001';
    const dnsName = `${name}-${parseInt(this.ctx.id(8), 16) % 1_000_000_000}.${this.ctx.region}.elb.amazonaws.com`;
    this.balancers.set(lbArn, {
      path,
      view: {
        LoadBalancerArn: lbArn,
        DNSName: dnsName,
        CanonicalHostedZoneId: 'ZHURV8PSTC4K8',
        CreatedTime: this.ctx.now(),
        LoadBalancerName: name,
        Scheme: options.scheme ?? 'internet-facing',
        VpcId: vpcId,
        State: { Code: 'active' },
        Type: 'application',
        AvailabilityZones: ['a', 'b'].map((zone, i) => ({
          ZoneName: `${this.ctx.region}${zone}`,
          SubnetId: `subnet-0fake00000000000${i + 1}`,
        })),
        SecurityGroups: ['sg-0fake0000000000001'],
        IpAddressType: 'ipv4',
      },
    });
    const listenerArns: string[] = [];
    const defaultRuleArns: string[] = [];
    for (let i = 0; i < count; i++) {
      const listenerArn =
        given?.[i] ?? this.ctx.arn('elasticloadbalancing', `listener/${path}/${this.ctx.id(16)}`);
      if (this.listenerRecords.has(listenerArn)) throw new Error(`listener ${listenerArn} is already seeded`);
      const listenerId = listenerArn.split('/').pop()!;
      const ruleArn = this.ruleArnFor(lbArn, listenerId);
      this.listenerRecords.set(listenerArn, {
        arn: listenerArn,
        loadBalancerArn: lbArn,
        port: options.ports?.[i] ?? 443 + i,
        certificateArn:
          options.certificateArn ?? this.ctx.arn('acm', 'certificate/00000000-0000-4000-8000-000000000001'),
        defaultRuleArn: ruleArn,
      });
      this.ruleRecords.set(ruleArn, {
        arn: ruleArn,
        listenerArn,
        priority: undefined,
        conditions: [],
        actions: [
          {
            Type: 'fixed-response',
            Order: 1,
            FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' },
          },
        ],
      });
      listenerArns.push(listenerArn);
      defaultRuleArns.push(ruleArn);
    }
    return { loadBalancerArn: lbArn, dnsName, listenerArns, defaultRuleArns };
  }

  loadBalancers(): Elbv2LoadBalancer[] {
    return structuredClone(
      [...this.balancers.values()]
        .map((lb) => lb.view)
        .sort((a, b) => a.LoadBalancerName.localeCompare(b.LoadBalancerName)),
    );
  }

  listeners(loadBalancerArn?: string): Elbv2Listener[] {
    return structuredClone(
      this.sortedListeners()
        .filter((l) => loadBalancerArn === undefined || l.loadBalancerArn === loadBalancerArn)
        .map((l) => this.listenerView(l)),
    );
  }

  /** The listener's rules by priority, the default rule last — as DescribeRules answers. */
  rules(listenerArn: string): Elbv2Rule[] {
    return structuredClone(
      [...this.ruleRecords.values()]
        .filter((r) => r.listenerArn === listenerArn)
        .sort((a, b) => (this.ruleKey(a) < this.ruleKey(b) ? -1 : 1))
        .map((r) => this.ruleView(r)),
    );
  }

  targetGroups(): Elbv2TargetGroup[] {
    return structuredClone(this.sortedGroups().map((g) => this.targetGroupView(g)));
  }

  targetGroupAttributes(targetGroupArn: string): Record<string, string> {
    return Object.fromEntries(this.group(targetGroupArn).attributes);
  }

  targets(targetGroupArn: string): Elbv2Target[] {
    return structuredClone([...this.group(targetGroupArn).targets.values()]);
  }

  /** Make a registered target report another health state (`unhealthy`, `draining`, …). */
  setTargetHealth(targetGroupArn: string, id: string, port: number, state: string): void {
    const target = this.group(targetGroupArn).targets.get(`${id}:${port}`);
    if (!target) throw new Error(`target ${id}:${port} is not registered in ${targetGroupArn}`);
    target.state = state;
  }

  /** What the fake holds, default rules excluded (they belong to their listener). */
  inventory(): Elbv2InventoryEntry[] {
    const entries: Elbv2InventoryEntry[] = [];
    for (const lb of this.loadBalancers()) {
      entries.push({
        kind: 'elbv2:load-balancer',
        name: lb.LoadBalancerName,
        arn: lb.LoadBalancerArn,
        tags: this.tagsAt(lb.LoadBalancerArn),
      });
    }
    for (const l of this.sortedListeners()) {
      const lb = this.balancers.get(l.loadBalancerArn)!;
      entries.push({
        kind: 'elbv2:listener',
        name: `${lb.view.LoadBalancerName}:${l.port}`,
        arn: l.arn,
        tags: this.tagsAt(l.arn),
      });
      for (const rule of this.rules(l.arn)) {
        if (rule.IsDefault) continue;
        const hosts = rule.Conditions.flatMap((c) => c.HostHeaderConfig?.Values ?? []);
        entries.push({
          kind: 'elbv2:rule',
          name: `${lb.view.LoadBalancerName}:${l.port}/${rule.Priority}${hosts.length ? ` ${hosts.join(',')}` : ''}`,
          arn: rule.RuleArn,
          tags: this.tagsAt(rule.RuleArn),
        });
      }
    }
    for (const g of this.sortedGroups()) {
      entries.push({
        kind: 'elbv2:target-group',
        name: g.settings.TargetGroupName,
        arn: g.arn,
        tags: this.tagsAt(g.arn),
      });
    }
    return entries;
  }

  authorize(action: string, params: Params): AuthorizationRequest[] {
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`elasticloadbalancing:${action}`, resource, ...contexts);
    const existing = (arn: string) => own(arn, resourceTags(this.tagsByArn.has(arn) ? this.tags(arn) : {}));
    const newTags = tagMap(listOf(params.Tags).map(structOf));
    // Tags on a create are authorised as AddTags too, with the create in elasticloadbalancing:CreateAction.
    const tagWhileCreating = (arn: string) =>
      Object.keys(newTags).length
        ? [
            authz('elasticloadbalancing:AddTags', arn, requestTags(newTags), {
              'elasticloadbalancing:CreateAction': action,
            }),
          ]
        : [];
    switch (action) {
      case 'DescribeAccountLimits':
      case 'DescribeLoadBalancers':
      case 'DescribeListeners':
      case 'DescribeTargetGroups':
      case 'DescribeTargetGroupAttributes':
      case 'DescribeTargetHealth':
      case 'DescribeRules':
      case 'DescribeTags':
        return [own('*')];
      case 'CreateTargetGroup': {
        // The new group's id is not known before the call.
        const arn = this.ctx.arn('elasticloadbalancing', `targetgroup/${text(params.Name) ?? ''}/new`);
        return [own(arn, requestTags(newTags)), ...tagWhileCreating(arn)];
      }
      case 'ModifyTargetGroup':
      case 'ModifyTargetGroupAttributes':
      case 'DeleteTargetGroup':
      case 'RegisterTargets':
      case 'DeregisterTargets':
        return [existing(text(params.TargetGroupArn) ?? '')];
      case 'CreateRule': {
        const listener = text(params.ListenerArn) ?? '';
        const rule = `${listener.replace(':listener/', ':listener-rule/')}/new`;
        return [own(listener, requestTags(newTags)), ...tagWhileCreating(rule)];
      }
      case 'ModifyRule':
      case 'DeleteRule':
        return [existing(text(params.RuleArn) ?? '')];
      case 'SetRulePriorities':
        return listOf(params.RulePriorities)
          .map(structOf)
          .map((r) => existing(text(r.RuleArn) ?? ''));
      case 'AddTags':
      case 'RemoveTags':
        return textList(params.ResourceArns).map((arn) => {
          const a = existing(arn);
          const keys =
            action === 'RemoveTags' ? { 'aws:TagKeys': textList(params.TagKeys) } : requestTags(newTags);
          return { ...a, context: { ...a.context, ...keys } };
        });
      default:
        throw new Error(`no authorisation modelled for elasticloadbalancing:${action}`);
    }
  }

  handle(action: string, params: Params, _ctx: FakeContext): unknown {
    switch (action) {
      case 'DescribeAccountLimits':
        return this.describeAccountLimits();
      case 'DescribeLoadBalancers':
        return this.describeLoadBalancers(params);
      case 'DescribeListeners':
        return this.describeListeners(params);
      case 'CreateTargetGroup':
        return this.createTargetGroup(params);
      case 'DescribeTargetGroups':
        return this.describeTargetGroups(params);
      case 'ModifyTargetGroup':
        return this.modifyTargetGroup(params);
      case 'DescribeTargetGroupAttributes':
        return { Attributes: this.attributeList(this.group(requiredText(params, 'TargetGroupArn'))) };
      case 'ModifyTargetGroupAttributes':
        return this.modifyTargetGroupAttributes(params);
      case 'DeleteTargetGroup':
        return this.deleteTargetGroup(params);
      case 'RegisterTargets':
        return this.registerTargets(params);
      case 'DeregisterTargets':
        return this.deregisterTargets(params);
      case 'DescribeTargetHealth':
        return this.describeTargetHealth(params);
      case 'DescribeRules':
        return this.describeRules(params);
      case 'CreateRule':
        return this.createRule(params);
      case 'ModifyRule':
        return this.modifyRule(params);
      case 'DeleteRule':
        return this.deleteRule(params);
      case 'SetRulePriorities':
        return this.setRulePriorities(params);
      case 'AddTags':
        return this.addTags(params);
      case 'RemoveTags':
        return this.removeTags(params);
      case 'DescribeTags':
        return this.describeTags(params);
      default:
        throw new AwsServiceError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }
}
