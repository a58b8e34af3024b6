// The ELBv2 fake's one store: load balancers, listeners, rules, target groups and tags, with the
// lookups and views every part shares. The parts build on it in layers, each in a file of its own:
// reading requests, target groups, then load balancers, listeners and rules; the ServiceHandler on top
// (services/elbv2.ts).
import { AwsServiceError } from '../../errors.js';
import type { FakeContext } from '../../types.js';
import {
  type Elbv2Limits,
  type Elbv2Listener,
  type Elbv2Rule,
  type Elbv2TargetGroup,
  type ListenerRecord,
  type LoadBalancerRecord,
  type RuleRecord,
  type TargetGroupRecord,
  defaultLimits,
  forwardTargets,
  resourceOf,
  validation,
} from './model.js';

export class Elbv2Store {
  readonly limits: Elbv2Limits;

  protected readonly balancers = new Map<string, LoadBalancerRecord>();
  protected readonly listenerRecords = new Map<string, ListenerRecord>();
  protected readonly ruleRecords = new Map<string, RuleRecord>();
  protected readonly groups = new Map<string, TargetGroupRecord>();
  protected readonly tagsByArn = new Map<string, Map<string, string>>();

  constructor(
    protected readonly ctx: FakeContext,
    limits: Partial<Elbv2Limits> = {},
  ) {
    this.limits = { ...defaultLimits, ...limits };
  }

  protected tagsAt(arn: string): Record<string, string> {
    return Object.fromEntries(this.tagsByArn.get(arn) ?? []);
  }

  protected ruleArnFor(lbArn: string, listenerId: string): string {
    const lb = this.balancers.get(lbArn)!;
    const prefix = lbArn.slice(0, lbArn.length - resourceOf(lbArn).length);
    return `${prefix}listener-rule/${lb.path}/${listenerId}/${this.ctx.id(16)}`;
  }

  protected loadBalancer(arn: string): LoadBalancerRecord {
    const lb = this.balancers.get(arn);
    if (!lb) throw new AwsServiceError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  protected listener(arn: string): ListenerRecord {
    const l = this.listenerRecords.get(arn);
    if (!l) throw new AwsServiceError('ListenerNotFound', `Listener '${arn}' not found`);
    return l;
  }

  protected rule(arn: string): RuleRecord {
    const r = this.ruleRecords.get(arn);
    if (!r) throw new AwsServiceError('RuleNotFound', `One or more rules not found`);
    return r;
  }

  protected group(arn: string): TargetGroupRecord {
    const g = this.groups.get(arn);
    if (!g) throw this.targetGroupNotFound(arn);
    return g;
  }

  protected targetGroupNotFound(arn?: string): AwsServiceError {
    return new AwsServiceError(
      'TargetGroupNotFound',
      arn ? `Target groups '${arn}' not found` : 'One or more target groups not found',
    );
  }

  /** Any taggable resource by ARN, with the not-found error of its kind. */
  protected resource(arn: string): void {
    const kind = resourceOf(arn).split('/')[0];
    if (kind === 'loadbalancer') this.loadBalancer(arn);
    else if (kind === 'listener') this.listener(arn);
    else if (kind === 'listener-rule') this.rule(arn);
    else if (kind === 'targetgroup') this.group(arn);
    else throw validation(`'${arn}' is not a valid load balancer resource ARN`);
  }

  protected rulesOfLoadBalancer(lbArn: string, withDefaults = false): RuleRecord[] {
    return [...this.ruleRecords.values()].filter(
      (r) =>
        (withDefaults || r.priority !== undefined) &&
        this.listenerRecords.get(r.listenerArn)?.loadBalancerArn === lbArn,
    );
  }

  protected rulesForwardingTo(tgArn: string): RuleRecord[] {
    return [...this.ruleRecords.values()].filter((r) => forwardTargets(r.actions).includes(tgArn));
  }

  /** As AWS fills TargetGroup.LoadBalancerArns: the ALBs whose rules or default actions forward to it. */
  protected loadBalancersUsing(tgArn: string): string[] {
    const arns = this.rulesForwardingTo(tgArn).map(
      (r) => this.listenerRecords.get(r.listenerArn)!.loadBalancerArn,
    );
    return [...new Set(arns)].sort();
  }

  protected sortedListeners(): ListenerRecord[] {
    return [...this.listenerRecords.values()].sort((a, b) =>
      this.listenerKey(a) < this.listenerKey(b) ? -1 : 1,
    );
  }

  protected sortedGroups(): TargetGroupRecord[] {
    return [...this.groups.values()].sort((a, b) =>
      `${a.settings.TargetGroupName} ${a.arn}` < `${b.settings.TargetGroupName} ${b.arn}` ? -1 : 1,
    );
  }

  protected listenerKey(l: ListenerRecord): string {
    const name = this.balancers.get(l.loadBalancerArn)?.view.LoadBalancerName ?? '';
    return `${name} ${String(l.port).padStart(5, '0')} ${l.arn}`;
  }

  /** Rules sort by listener, then priority as a number, the default rule last. */
  protected ruleKey(r: RuleRecord): string {
    const priority = r.priority === undefined ? 'default' : String(r.priority).padStart(5, '0');
    return `${r.listenerArn} ${priority} ${r.arn}`;
  }

  protected ruleView(r: RuleRecord): Elbv2Rule {
    return {
      RuleArn: r.arn,
      Priority: r.priority === undefined ? 'default' : String(r.priority),
      Conditions: r.conditions,
      Actions: r.actions,
      IsDefault: r.priority === undefined,
    };
  }

  protected listenerView(l: ListenerRecord): Elbv2Listener {
    return {
      ListenerArn: l.arn,
      LoadBalancerArn: l.loadBalancerArn,
      Port: l.port,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: l.certificateArn }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: this.ruleRecords.get(l.defaultRuleArn)!.actions,
    };
  }

  protected targetGroupView(g: TargetGroupRecord): Elbv2TargetGroup {
    return { TargetGroupArn: g.arn, ...g.settings, LoadBalancerArns: this.loadBalancersUsing(g.arn) };
  }

  protected attributeList(g: TargetGroupRecord): { Key: string; Value: string }[] {
    return [...g.attributes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([Key, Value]) => ({ Key, Value }));
  }

  tags(arn: string): Record<string, string> {
    return Object.fromEntries([...(this.tagsByArn.get(arn) ?? new Map<string, string>())].sort());
  }
}
