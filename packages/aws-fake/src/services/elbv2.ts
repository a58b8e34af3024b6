// A stateful fake of Elastic Load Balancing v2 (Application Load Balancers) over the query protocol:
// ALBs and HTTPS listeners seeded by tests; target groups, listener rules, targets and tags kept as AWS does.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ServiceHandler } from '../types.js';
import { authz, requestTags, resourceTags, tagMap } from '../authorization.js';

/** Quotas the fake enforces; AWS's defaults unless a test lowers them to reach the edge cheaply. */
export interface Elbv2Limits {
  /** Non-default rules on one listener (the platform spreads sites over listeners by this). */
  rulesPerListener: number;
  /**
   * Non-default rules on one ALB across its listeners. AWS's own quota is per load balancer (100,
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html);
   * off unless set, so that several seeded listeners of one ALB each hold `rulesPerListener`.
   */
  rulesPerLoadBalancer: number | undefined;
  /** Distinct target groups the rules and default actions of one ALB forward to. */
  targetGroupsPerLoadBalancer: number;
  /** Target groups in the account and region. */
  targetGroupsPerAccount: number;
  /** Tags on one resource. */
  tagsPerResource: number;
  /** Targets registered in one target group. */
  targetsPerTargetGroup: number;
}

const defaultLimits: Elbv2Limits = {
  rulesPerListener: 100,
  rulesPerLoadBalancer: undefined,
  targetGroupsPerLoadBalancer: 100,
  targetGroupsPerAccount: 3000,
  tagsPerResource: 50,
  targetsPerTargetGroup: 1000,
};

// Shapes as the API returns them (member names and types of the ELBv2 model).

export interface Elbv2Tag {
  Key: string;
  Value: string;
}

export interface Elbv2Condition {
  Field: string;
  Values?: string[];
  HostHeaderConfig?: { Values: string[] };
  PathPatternConfig?: { Values: string[] };
  HttpHeaderConfig?: { HttpHeaderName: string; Values: string[] };
  HttpRequestMethodConfig?: { Values: string[] };
  QueryStringConfig?: { Values: { Key?: string; Value: string }[] };
  SourceIpConfig?: { Values: string[] };
}

export interface Elbv2Action {
  Type: string;
  Order: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups: { TargetGroupArn: string; Weight: number }[];
    TargetGroupStickinessConfig: { Enabled: boolean; DurationSeconds?: number };
  };
  FixedResponseConfig?: { StatusCode: string; ContentType?: string; MessageBody?: string };
  RedirectConfig?: Record<string, string>;
  [config: string]: unknown;
}

export interface Elbv2Rule {
  RuleArn: string;
  Priority: string;
  Conditions: Elbv2Condition[];
  Actions: Elbv2Action[];
  IsDefault: boolean;
}

export interface Elbv2TargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  Protocol?: string;
  Port?: number;
  VpcId?: string;
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckEnabled: boolean;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  HealthCheckPath?: string;
  Matcher?: { HttpCode?: string; GrpcCode?: string };
  LoadBalancerArns: string[];
  TargetType: string;
  ProtocolVersion?: string;
  IpAddressType: string;
}

export interface Elbv2Listener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: string;
  Certificates: { CertificateArn: string }[];
  SslPolicy: string;
  DefaultActions: Elbv2Action[];
}

export interface Elbv2LoadBalancer {
  LoadBalancerArn: string;
  DNSName: string;
  CanonicalHostedZoneId: string;
  CreatedTime: Date;
  LoadBalancerName: string;
  Scheme: string;
  VpcId: string;
  State: { Code: string };
  Type: string;
  AvailabilityZones: { ZoneName: string; SubnetId: string }[];
  SecurityGroups: string[];
  IpAddressType: string;
}

export interface Elbv2Target {
  Id: string;
  Port: number;
  AvailabilityZone?: string;
  /** What DescribeTargetHealth reports while the group is in use (tests may change it). */
  state: string;
}

/** One resource the fake holds, for the fake's overall inventory. */
export interface Elbv2InventoryEntry {
  kind: 'elbv2:load-balancer' | 'elbv2:listener' | 'elbv2:rule' | 'elbv2:target-group';
  name: string;
  arn: string;
  tags: Record<string, string>;
}

export interface SeedLoadBalancerOptions {
  name: string;
  /** How many HTTPS listeners (default 1; ignored when `listenerArns` is given). */
  listeners?: number;
  /** Exact listener ARNs to use (a platform file's); all of one ALB, whose ARN is derived from them. */
  listenerArns?: string[];
  /** Listener ports; default 443, 444, … (an ALB's listeners need distinct ports). */
  ports?: number[];
  vpcId?: string;
  certificateArn?: string;
  scheme?: 'internet-facing' | 'internal';
}

export interface SeededLoadBalancer {
  loadBalancerArn: string;
  dnsName: string;
  listenerArns: string[];
  defaultRuleArns: string[];
}

interface LoadBalancerRecord {
  view: Elbv2LoadBalancer;
  /** `app/<name>/<id>`: the part every listener and rule ARN of this ALB repeats. */
  path: string;
}

interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  certificateArn: string;
  defaultRuleArn: string;
}

interface RuleRecord {
  arn: string;
  listenerArn: string;
  /** `undefined` for the listener's default rule. */
  priority: number | undefined;
  conditions: Elbv2Condition[];
  actions: Elbv2Action[];
}

type TargetGroupSettings = Omit<Elbv2TargetGroup, 'TargetGroupArn' | 'LoadBalancerArns'>;

interface TargetGroupRecord {
  arn: string;
  settings: TargetGroupSettings;
  attributes: Map<string, string>;
  /** Keyed `id:port`, as ALB identifies an ip target. */
  targets: Map<string, Elbv2Target>;
}

type Params = Record<string, unknown>;

const validation = (message: string) => new AwsServiceError('ValidationError', message);

/** AWS's wording for a missing required member, with the member name in camel case as it prints it. */
const missing = (member: string) =>
  validation(
    `1 validation error detected: Value null at '${member[0]!.toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`,
  );

// The query protocol delivers every scalar as a string and an empty list as '' (see protocols/query.ts).

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function requiredText(params: Params, member: string): string {
  const value = text(params[member]);
  if (value === undefined || value === '') throw missing(member);
  return value;
}

function integer(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = text(value) ?? '';
  if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) {
    throw validation(
      `1 validation error detected: Value '${s}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return Number(s);
}

function boolean(value: unknown, member: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw validation(`Value '${text(value) ?? JSON.stringify(value)}' at '${member}' is not a boolean`);
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function structOf(value: unknown): Params {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Params) : {};
}

function textList(value: unknown): string[] {
  return listOf(value).filter((v): v is string => typeof v === 'string');
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:<resource>` → `<resource>`. */
function resourceOf(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

// Paging: the marker carries the sort key of the page's last item, so a page boundary holds even when
// items are added or removed between calls (AWS's markers are opaque; this is one faithful reading).
function pageOf<T>(
  items: T[],
  keyOf: (item: T) => string,
  params: Params,
): { page: T[]; NextMarker?: string } {
  const size = integer(params.PageSize, 'pageSize', 1, 400) ?? 400;
  const marker = text(params.Marker);
  let after: string | undefined;
  if (marker !== undefined && marker !== '') {
    after = Buffer.from(marker, 'base64url').toString('utf8');
    if (!after.startsWith('k:')) throw validation(`Invalid marker '${marker}'`);
    after = after.slice(2);
  }
  const sorted = items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .filter(({ key }) => after === undefined || key > after);
  const page = sorted.slice(0, size);
  const last = page[page.length - 1];
  return {
    page: page.map(({ item }) => item),
    ...(sorted.length > size && last
      ? { NextMarker: Buffer.from(`k:${last.key}`, 'utf8').toString('base64url') }
      : {}),
  };
}

// Target group and load balancer names share one rule: up to 32 alphanumerics or hyphens, no hyphen at
// either end (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).
const elbName = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
// Host header values: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
const hostValue = /^[A-Za-z0-9\-.*?]{1,128}$/;

const defaultAttributes: [string, string][] = [
  ['deregistration_delay.timeout_seconds', '300'],
  ['load_balancing.algorithm.anomaly_mitigation', 'off'],
  ['load_balancing.algorithm.type', 'round_robin'],
  ['load_balancing.cross_zone.enabled', 'use_load_balancer_configuration'],
  ['slow_start.duration_seconds', '0'],
  ['stickiness.app_cookie.cookie_name', ''],
  ['stickiness.app_cookie.duration_seconds', '86400'],
  ['stickiness.enabled', 'false'],
  ['stickiness.lb_cookie.duration_seconds', '86400'],
  ['stickiness.type', 'lb_cookie'],
  ['target_group_health.dns_failover.minimum_healthy_targets.count', '1'],
  ['target_group_health.dns_failover.minimum_healthy_targets.percentage', 'off'],
  ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.count', '1'],
  ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage', 'off'],
];

/** Range checks for the attributes whose values AWS validates (the rest are taken as given). */
const attributeRanges: Record<string, [number, number]> = {
  'deregistration_delay.timeout_seconds': [0, 3600],
  'slow_start.duration_seconds': [0, 900],
  'stickiness.lb_cookie.duration_seconds': [1, 604800],
  'stickiness.app_cookie.duration_seconds': [1, 604800],
};

const describeActions = new Set([
  'DescribeAccountLimits',
  'DescribeListeners',
  'DescribeLoadBalancers',
  'DescribeRules',
  'DescribeTags',
  'DescribeTargetGroupAttributes',
  'DescribeTargetGroups',
  'DescribeTargetHealth',
]);

const changeActions = new Set([
  'AddTags',
  'CreateRule',
  'CreateTargetGroup',
  'DeleteRule',
  'DeleteTargetGroup',
  'DeregisterTargets',
  'ModifyRule',
  'ModifyTargetGroup',
  'ModifyTargetGroupAttributes',
  'RegisterTargets',
  'RemoveTags',
  'SetRulePriorities',
]);

export class Elbv2Fake implements ServiceHandler {
  readonly signingName = 'elasticloadbalancing';
  readonly protocol = 'query' as const;
  readonly apiVersion = '2015-12-01';
  readonly xmlNamespace = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
  readonly limits: Elbv2Limits;

  private readonly balancers = new Map<string, LoadBalancerRecord>();
  private readonly listenerRecords = new Map<string, ListenerRecord>();
  private readonly ruleRecords = new Map<string, RuleRecord>();
  private readonly groups = new Map<string, TargetGroupRecord>();
  private readonly tagsByArn = new Map<string, Map<string, string>>();

  constructor(
    private readonly ctx: FakeContext,
    limits: Partial<Elbv2Limits> = {},
  ) {
    this.limits = { ...defaultLimits, ...limits };
  }

  setLimits(limits: Partial<Elbv2Limits>): void {
    Object.assign(this.limits, limits);
  }

  /** Every action the fake answers is classified; an unknown one is judged by its verb. */
  isMutating(action: string): boolean {
    if (describeActions.has(action)) return false;
    if (changeActions.has(action)) return true;
    return !/^(Describe|Get|List)/.test(action);
  }

  // ---- seeding and inspection (tests) ----

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

  tags(arn: string): Record<string, string> {
    return Object.fromEntries([...(this.tagsByArn.get(arn) ?? new Map<string, string>())].sort());
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

  private tagsAt(arn: string): Record<string, string> {
    return Object.fromEntries(this.tagsByArn.get(arn) ?? []);
  }

  // ---- what IAM authorises (ELBv2's page of the Service Authorization Reference) ----

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

  // ---- the API ----

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

  private describeAccountLimits(): unknown {
    return {
      Limits: [
        { Name: 'rules-per-application-load-balancer', Max: String(this.limits.rulesPerLoadBalancer ?? 100) },
        { Name: 'target-groups', Max: String(this.limits.targetGroupsPerAccount) },
        {
          Name: 'target-groups-per-application-load-balancer',
          Max: String(this.limits.targetGroupsPerLoadBalancer),
        },
        { Name: 'targets-per-target-group', Max: String(this.limits.targetsPerTargetGroup) },
      ],
    };
  }

  private describeLoadBalancers(params: Params): unknown {
    const arns = textList(params.LoadBalancerArns);
    const names = textList(params.Names);
    let found = [...this.balancers.values()].map((lb) => lb.view);
    if (arns.length > 0 && names.length > 0) {
      throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
    }
    if (arns.length > 0) found = found.filter((lb) => arns.includes(lb.LoadBalancerArn));
    if (names.length > 0) found = found.filter((lb) => names.includes(lb.LoadBalancerName));
    if (found.length < new Set([...arns, ...names]).size) {
      throw new AwsServiceError('LoadBalancerNotFound', 'One or more load balancers not found');
    }
    const { page, NextMarker } = pageOf(
      found,
      (lb) => `${lb.LoadBalancerName} ${lb.LoadBalancerArn}`,
      params,
    );
    return { LoadBalancers: page, NextMarker };
  }

  private describeListeners(params: Params): unknown {
    const lbArn = text(params.LoadBalancerArn);
    const arns = textList(params.ListenerArns);
    if (!lbArn && arns.length === 0)
      throw validation('You must specify either listener ARNs or a load balancer ARN');
    if (lbArn && arns.length > 0) {
      throw validation('Listener ARNs and a load balancer ARN cannot be specified at the same time');
    }
    let found: ListenerRecord[];
    if (lbArn) {
      this.loadBalancer(lbArn);
      found = [...this.listenerRecords.values()].filter((l) => l.loadBalancerArn === lbArn);
    } else {
      found = arns.map((arn) => this.listener(arn));
    }
    const { page, NextMarker } = pageOf(found, (l) => this.listenerKey(l), params);
    return { Listeners: page.map((l) => this.listenerView(l)), NextMarker };
  }

  private createTargetGroup(params: Params): unknown {
    const name = requiredText(params, 'Name');
    if (name.length > 32) {
      throw validation(`Target group name '${name}' cannot be longer than '32' characters`);
    }
    if (!elbName.test(name)) {
      throw validation(
        `Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-), and must not begin or end with a hyphen`,
      );
    }
    const targetType = text(params.TargetType) ?? 'instance';
    if (!['instance', 'ip', 'lambda', 'alb'].includes(targetType)) {
      throw validation(`Target type '${targetType}' is not valid`);
    }
    const protocol = text(params.Protocol);
    const port = integer(params.Port, 'port', 1, 65535);
    const vpcId = text(params.VpcId);
    if (targetType !== 'lambda') {
      if (!protocol) throw validation('A protocol must be specified');
      if (port === undefined) throw validation('A port must be specified');
      if (!vpcId) throw validation('A VPC ID must be specified');
    }
    if (protocol && !['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'].includes(protocol)) {
      throw validation(`Protocol '${protocol}' is not valid`);
    }
    const http = protocol === 'HTTP' || protocol === 'HTTPS';
    // Defaults from the CreateTargetGroup reference: an ALB-style group health-checks over HTTP on '/'.
    const base: TargetGroupSettings = {
      TargetGroupName: name,
      Protocol: protocol,
      Port: port,
      VpcId: vpcId,
      HealthCheckProtocol: targetType === 'lambda' ? undefined : http ? 'HTTP' : 'TCP',
      HealthCheckPort: targetType === 'lambda' ? undefined : 'traffic-port',
      HealthCheckEnabled: targetType !== 'lambda',
      HealthCheckIntervalSeconds: targetType === 'lambda' ? 35 : 30,
      HealthCheckTimeoutSeconds: targetType === 'lambda' ? 30 : http ? 5 : 10,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: http || targetType === 'lambda' ? '/' : undefined,
      Matcher: http || targetType === 'lambda' ? { HttpCode: '200' } : undefined,
      TargetType: targetType,
      ProtocolVersion: http ? (text(params.ProtocolVersion) ?? 'HTTP1') : undefined,
      IpAddressType: text(params.IpAddressType) ?? 'ipv4',
    };
    const settings = this.withHealthCheck(base, params);
    const tags = this.readTags(params.Tags);
    const existing = this.sortedGroups().find((g) => g.settings.TargetGroupName === name);
    if (existing) {
      // Idempotent, as AWS documents: the same settings return the existing group, other ones fail.
      if (JSON.stringify(existing.settings) === JSON.stringify(settings)) {
        return { TargetGroups: [this.targetGroupView(existing)] };
      }
      throw new AwsServiceError(
        'DuplicateTargetGroupName',
        `A target group with the same name '${name}' exists, but with different settings`,
      );
    }
    if (this.groups.size >= this.limits.targetGroupsPerAccount) {
      throw new AwsServiceError(
        'TooManyTargetGroups',
        `You have reached the maximum number of target groups (${this.limits.targetGroupsPerAccount})`,
      );
    }
    this.checkTagCount(tags, new Map());
    const arn = this.ctx.arn('elasticloadbalancing', `targetgroup/${name}/${this.ctx.id(16)}`);
    this.groups.set(arn, { arn, settings, attributes: new Map(defaultAttributes), targets: new Map() });
    if (tags.length > 0) this.tagsByArn.set(arn, new Map(tags.map((t) => [t.Key, t.Value])));
    return { TargetGroups: [this.targetGroupView(this.groups.get(arn)!)] };
  }

  /** Apply the health-check members of CreateTargetGroup / ModifyTargetGroup, with AWS's ranges. */
  private withHealthCheck(current: TargetGroupSettings, params: Params): TargetGroupSettings {
    const next: TargetGroupSettings = { ...current };
    const protocol = text(params.HealthCheckProtocol);
    if (protocol !== undefined) {
      if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol))
        throw validation(`Health check protocol '${protocol}' is not valid`);
      next.HealthCheckProtocol = protocol;
    }
    const port = text(params.HealthCheckPort);
    if (port !== undefined) {
      if (port !== 'traffic-port') integer(port, 'healthCheckPort', 1, 65535);
      next.HealthCheckPort = port;
    }
    next.HealthCheckEnabled =
      boolean(params.HealthCheckEnabled, 'healthCheckEnabled') ?? next.HealthCheckEnabled;
    const path = text(params.HealthCheckPath);
    if (path !== undefined) {
      if (!path.startsWith('/') || path.length > 1024)
        throw validation(`Health check path '${path}' is not valid`);
      next.HealthCheckPath = path;
    }
    next.HealthCheckIntervalSeconds =
      integer(params.HealthCheckIntervalSeconds, 'healthCheckIntervalSeconds', 5, 300) ??
      next.HealthCheckIntervalSeconds;
    next.HealthCheckTimeoutSeconds =
      integer(params.HealthCheckTimeoutSeconds, 'healthCheckTimeoutSeconds', 2, 120) ??
      next.HealthCheckTimeoutSeconds;
    next.HealthyThresholdCount =
      integer(params.HealthyThresholdCount, 'healthyThresholdCount', 2, 10) ?? next.HealthyThresholdCount;
    next.UnhealthyThresholdCount =
      integer(params.UnhealthyThresholdCount, 'unhealthyThresholdCount', 2, 10) ??
      next.UnhealthyThresholdCount;
    const matcher = params.Matcher;
    if (matcher !== undefined) {
      const m = structOf(matcher);
      const httpCode = text(m.HttpCode);
      const grpcCode = text(m.GrpcCode);
      if (httpCode !== undefined && !/^\d{3}([-,]\d{3})*$/.test(httpCode)) {
        throw validation(`Health check matcher HTTP code '${httpCode}' is not valid`);
      }
      next.Matcher = {
        ...(httpCode !== undefined ? { HttpCode: httpCode } : {}),
        ...(grpcCode ? { GrpcCode: grpcCode } : {}),
      };
    }
    if (next.HealthCheckTimeoutSeconds >= next.HealthCheckIntervalSeconds) {
      throw new AwsServiceError(
        'InvalidConfigurationRequest',
        'Health check interval must be greater than the timeout.',
      );
    }
    return next;
  }

  private describeTargetGroups(params: Params): unknown {
    const lbArn = text(params.LoadBalancerArn);
    const arns = textList(params.TargetGroupArns);
    const names = textList(params.Names);
    if ([lbArn ? 1 : 0, arns.length, names.length].filter((n) => n > 0).length > 1) {
      throw validation('Only one of load balancer ARN, target group ARNs or names can be specified');
    }
    let found = this.sortedGroups();
    if (lbArn) {
      this.loadBalancer(lbArn);
      found = found.filter((g) => this.loadBalancersUsing(g.arn).includes(lbArn));
    } else if (arns.length > 0) {
      found = found.filter((g) => arns.includes(g.arn));
      if (found.length < new Set(arns).size) throw this.targetGroupNotFound();
    } else if (names.length > 0) {
      found = found.filter((g) => names.includes(g.settings.TargetGroupName));
      if (found.length < new Set(names).size) throw this.targetGroupNotFound();
    }
    const { page, NextMarker } = pageOf(found, (g) => `${g.settings.TargetGroupName} ${g.arn}`, params);
    return { TargetGroups: page.map((g) => this.targetGroupView(g)), NextMarker };
  }

  private modifyTargetGroup(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    group.settings = this.withHealthCheck(group.settings, params);
    return { TargetGroups: [this.targetGroupView(group)] };
  }

  private modifyTargetGroupAttributes(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    const changes = listOf(params.Attributes).map(structOf);
    if (changes.length === 0) throw missing('Attributes');
    const next = new Map(group.attributes);
    for (const change of changes) {
      const key = text(change.Key) ?? '';
      const value = text(change.Value) ?? '';
      if (!next.has(key)) throw validation(`Target group attribute key '${key}' is not recognized`);
      const range = attributeRanges[key];
      if (range) integer(value, key, range[0], range[1]);
      if (key === 'stickiness.enabled') boolean(value, key);
      next.set(key, value);
    }
    group.attributes = next;
    return { Attributes: this.attributeList(group) };
  }

  private deleteTargetGroup(params: Params): unknown {
    const arn = requiredText(params, 'TargetGroupArn');
    // Deleting a group that does not exist succeeds: the API lists no not-found error for it.
    if (!this.groups.has(arn)) return {};
    if (this.rulesForwardingTo(arn).length > 0) {
      throw new AwsServiceError(
        'ResourceInUse',
        `Target group '${arn}' is currently in use by a listener or a rule`,
      );
    }
    this.groups.delete(arn);
    this.tagsByArn.delete(arn);
    return {};
  }

  private readTargets(
    group: TargetGroupRecord,
    params: Params,
  ): { Id: string; Port: number; AvailabilityZone?: string }[] {
    const targets = listOf(params.Targets).map(structOf);
    if (targets.length === 0) throw missing('Targets');
    return targets.map((t) => {
      const id = text(t.Id);
      if (!id) throw missing('Targets.member.Id');
      const port = integer(t.Port, 'port', 1, 65535) ?? group.settings.Port;
      if (port === undefined) throw validation(`A port must be specified for target '${id}'`);
      if (group.settings.TargetType === 'ip' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(id)) {
        throw new AwsServiceError('InvalidTarget', `The IP address '${id}' is not a valid IPv4 address`);
      }
      const zone = text(t.AvailabilityZone);
      return { Id: id, Port: port, ...(zone ? { AvailabilityZone: zone } : {}) };
    });
  }

  private registerTargets(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    const targets = this.readTargets(group, params);
    const added = targets.filter((t) => !group.targets.has(`${t.Id}:${t.Port}`));
    if (group.targets.size + added.length > this.limits.targetsPerTargetGroup) {
      throw new AwsServiceError('TooManyTargets', 'You have reached the limit on the number of targets');
    }
    for (const t of added) group.targets.set(`${t.Id}:${t.Port}`, { ...t, state: 'healthy' });
    return {};
  }

  private deregisterTargets(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    // Draining is skipped: a deregistered target is gone at once (the deregistration delay is simulated
    // time nobody waits for here).
    for (const t of this.readTargets(group, params)) group.targets.delete(`${t.Id}:${t.Port}`);
    return {};
  }

  private describeTargetHealth(params: Params): unknown {
    const group = this.group(requiredText(params, 'TargetGroupArn'));
    const asked = listOf(params.Targets).length > 0 ? this.readTargets(group, params) : undefined;
    const inUse = this.loadBalancersUsing(group.arn).length > 0;
    const rows = (asked ?? [...group.targets.values()]).map((t) => {
      const registered = group.targets.get(`${t.Id}:${t.Port}`);
      // States and reasons from https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
      const health = !registered
        ? {
            State: 'unused',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group',
          }
        : !inUse
          ? {
              State: 'unused',
              Reason: 'Target.NotInUse',
              Description: 'Target group is not configured to receive traffic from the load balancer',
            }
          : registered.state === 'healthy'
            ? { State: 'healthy' }
            : {
                State: registered.state,
                Reason: 'Target.FailedHealthChecks',
                Description: 'Health checks failed',
              };
      const hcPort = group.settings.HealthCheckPort;
      return {
        Target: {
          Id: t.Id,
          Port: t.Port,
          AvailabilityZone: registered?.AvailabilityZone ?? t.AvailabilityZone,
        },
        HealthCheckPort: hcPort === undefined || hcPort === 'traffic-port' ? String(t.Port) : hcPort,
        TargetHealth: health,
      };
    });
    return { TargetHealthDescriptions: rows };
  }

  private describeRules(params: Params): unknown {
    const listenerArn = text(params.ListenerArn);
    const arns = textList(params.RuleArns);
    if (!listenerArn && arns.length === 0)
      throw validation('You must specify either listener ARN or rule ARNs');
    if (listenerArn && arns.length > 0) {
      throw validation('Listener ARN and rule ARNs cannot be specified at the same time');
    }
    let found: RuleRecord[];
    if (listenerArn) {
      this.listener(listenerArn);
      found = [...this.ruleRecords.values()].filter((r) => r.listenerArn === listenerArn);
    } else {
      found = [...new Set(arns)].map((arn) => this.rule(arn));
    }
    const { page, NextMarker } = pageOf(found, (r) => this.ruleKey(r), params);
    return { Rules: page.map((r) => this.ruleView(r)), NextMarker };
  }

  private createRule(params: Params): unknown {
    const listener = this.listener(requiredText(params, 'ListenerArn'));
    if (params.Priority === undefined) throw missing('Priority');
    const priority = integer(params.Priority, 'priority', 1, 50000)!;
    const conditions = this.readConditions(params.Conditions);
    const actions = this.readActions(params.Actions);
    const tags = this.readTags(params.Tags);
    const siblings = [...this.ruleRecords.values()].filter((r) => r.listenerArn === listener.arn);
    if (siblings.some((r) => r.priority === priority)) {
      throw new AwsServiceError('PriorityInUse', `Priority '${priority}' is currently in use`);
    }
    const lb = this.balancers.get(listener.loadBalancerArn)!;
    if (siblings.filter((r) => r.priority !== undefined).length >= this.limits.rulesPerListener) {
      throw new AwsServiceError(
        'TooManyRules',
        `The maximum number of rules (${this.limits.rulesPerListener}) on listener '${listener.arn}' has been reached`,
      );
    }
    const perLb = this.limits.rulesPerLoadBalancer;
    if (perLb !== undefined && this.rulesOfLoadBalancer(lb.view.LoadBalancerArn).length >= perLb) {
      throw new AwsServiceError(
        'TooManyRules',
        `The maximum number of rules (${perLb}) on load balancer '${lb.view.LoadBalancerName}' has been reached`,
      );
    }
    this.checkTargetGroupAttachment(lb.view.LoadBalancerArn, actions, undefined);
    this.checkTagCount(tags, new Map());
    const arn = this.ruleArnFor(lb.view.LoadBalancerArn, listener.arn.split('/').pop()!);
    const rule: RuleRecord = { arn, listenerArn: listener.arn, priority, conditions, actions };
    this.ruleRecords.set(arn, rule);
    if (tags.length > 0) this.tagsByArn.set(arn, new Map(tags.map((t) => [t.Key, t.Value])));
    return { Rules: [this.ruleView(rule)] };
  }

  private modifyRule(params: Params): unknown {
    const rule = this.rule(requiredText(params, 'RuleArn'));
    const conditions = params.Conditions !== undefined ? this.readConditions(params.Conditions) : undefined;
    const actions = params.Actions !== undefined ? this.readActions(params.Actions) : undefined;
    if (conditions && rule.priority === undefined) {
      throw new AwsServiceError(
        'OperationNotPermitted',
        `The conditions of default rule '${rule.arn}' cannot be changed`,
      );
    }
    if (actions) {
      const lbArn = this.listener(rule.listenerArn).loadBalancerArn;
      this.checkTargetGroupAttachment(lbArn, actions, rule.arn);
      rule.actions = actions;
    }
    if (conditions) rule.conditions = conditions;
    return { Rules: [this.ruleView(rule)] };
  }

  private deleteRule(params: Params): unknown {
    const rule = this.rule(requiredText(params, 'RuleArn'));
    if (rule.priority === undefined) {
      throw new AwsServiceError('OperationNotPermitted', `Default rule '${rule.arn}' cannot be deleted`);
    }
    this.ruleRecords.delete(rule.arn);
    this.tagsByArn.delete(rule.arn);
    return {};
  }

  private setRulePriorities(params: Params): unknown {
    const requested = listOf(params.RulePriorities).map(structOf);
    if (requested.length === 0) throw missing('RulePriorities');
    const changes = new Map<string, number>();
    for (const r of requested) {
      const arn = text(r.RuleArn);
      if (!arn) throw missing('RulePriorities.member.RuleArn');
      if (r.Priority === undefined) throw missing('RulePriorities.member.Priority');
      const rule = this.rule(arn);
      if (rule.priority === undefined) {
        throw new AwsServiceError(
          'OperationNotPermitted',
          `The priority of default rule '${arn}' cannot be changed`,
        );
      }
      if (changes.has(arn)) throw validation(`Rule '${arn}' is specified more than once`);
      changes.set(arn, integer(r.Priority, 'priority', 1, 50000)!);
    }
    // All or nothing: the new order must leave no two rules of a listener on one priority.
    const taken = new Map<string, string>();
    for (const rule of this.ruleRecords.values()) {
      const priority = changes.get(rule.arn) ?? rule.priority;
      if (priority === undefined) continue;
      const slot = `${rule.listenerArn} ${priority}`;
      if (taken.has(slot))
        throw new AwsServiceError('PriorityInUse', `Priority '${priority}' is currently in use`);
      taken.set(slot, rule.arn);
    }
    const updated: RuleRecord[] = [];
    for (const [arn, priority] of changes) {
      const rule = this.ruleRecords.get(arn)!;
      rule.priority = priority;
      updated.push(rule);
    }
    return {
      Rules: updated
        .sort((a, b) => (this.ruleKey(a) < this.ruleKey(b) ? -1 : 1))
        .map((r) => this.ruleView(r)),
    };
  }

  private readResourceArns(params: Params): string[] {
    const arns = textList(params.ResourceArns);
    if (arns.length === 0) throw missing('ResourceArns');
    if (arns.length > 20) {
      throw validation(
        `1 validation error detected: Value '[${arns.join(', ')}]' at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20`,
      );
    }
    for (const arn of arns) this.resource(arn);
    return arns;
  }

  private addTags(params: Params): unknown {
    const arns = this.readResourceArns(params);
    if (params.Tags === undefined) throw missing('Tags');
    const tags = this.readTags(params.Tags);
    for (const arn of arns) this.checkTagCount(tags, this.tagsByArn.get(arn) ?? new Map<string, string>());
    for (const arn of arns) {
      const current = this.tagsByArn.get(arn) ?? new Map<string, string>();
      for (const t of tags) current.set(t.Key, t.Value);
      this.tagsByArn.set(arn, current);
    }
    return {};
  }

  private removeTags(params: Params): unknown {
    const arns = this.readResourceArns(params);
    const keys = textList(params.TagKeys);
    if (keys.length === 0) throw missing('TagKeys');
    for (const arn of arns) for (const key of keys) this.tagsByArn.get(arn)?.delete(key);
    return {};
  }

  private describeTags(params: Params): unknown {
    return {
      TagDescriptions: this.readResourceArns(params).map((arn) => ({
        ResourceArn: arn,
        Tags: Object.entries(this.tags(arn)).map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  }

  // ---- reading rule conditions, actions and tags ----

  private readConditions(raw: unknown): Elbv2Condition[] {
    const items = listOf(raw).map(structOf);
    if (items.length === 0) throw validation('A rule must have at least one condition');
    const seen = new Set<string>();
    let values = 0;
    const conditions = items.map((c): Elbv2Condition => {
      const field = text(c.Field);
      if (!field) throw missing('Conditions.member.Field');
      // host-header, path-pattern, http-request-method and source-ip may appear once per rule.
      if (['host-header', 'path-pattern', 'http-request-method', 'source-ip'].includes(field)) {
        if (seen.has(field)) throw validation(`A rule can only have one '${field}' condition`);
        seen.add(field);
      }
      const legacy = textList(c.Values);
      const fromConfig = (config: string): string[] => {
        if (c[config] !== undefined && legacy.length > 0) {
          throw validation(`You cannot specify both 'Values' and '${config}' in a '${field}' condition`);
        }
        return textList(structOf(c[config]).Values);
      };
      switch (field) {
        case 'host-header':
        case 'path-pattern': {
          const config = field === 'host-header' ? 'HostHeaderConfig' : 'PathPatternConfig';
          const given = fromConfig(config);
          const list = given.length > 0 ? given : legacy;
          if (list.length === 0) throw validation(`A '${field}' condition must have at least one value`);
          if (field === 'host-header') {
            for (const host of list) {
              if (!hostValue.test(host)) throw validation(`Host header value '${host}' is not valid`);
            }
          }
          values += list.length;
          // AWS answers with both the legacy Values and the typed config, whichever was sent.
          return { Field: field, Values: list, [config]: { Values: list } };
        }
        case 'http-header': {
          const config = structOf(c.HttpHeaderConfig);
          const name = text(config.HttpHeaderName);
          const list = textList(config.Values);
          if (!name || list.length === 0)
            throw validation('An http-header condition needs a header name and values');
          values += list.length;
          return { Field: field, HttpHeaderConfig: { HttpHeaderName: name, Values: list } };
        }
        case 'http-request-method':
        case 'source-ip': {
          const config = field === 'source-ip' ? 'SourceIpConfig' : 'HttpRequestMethodConfig';
          const list = fromConfig(config);
          if (list.length === 0) throw validation(`A '${field}' condition must have at least one value`);
          values += list.length;
          return { Field: field, [config]: { Values: list } };
        }
        case 'query-string': {
          const list = listOf(structOf(c.QueryStringConfig).Values)
            .map(structOf)
            .map((kv) => {
              const value = text(kv.Value);
              if (value === undefined) throw missing('QueryStringConfig.Values.member.Value');
              const key = text(kv.Key);
              return key !== undefined ? { Key: key, Value: value } : { Value: value };
            });
          if (list.length === 0) throw validation(`A 'query-string' condition must have at least one value`);
          values += list.length;
          return { Field: field, QueryStringConfig: { Values: list } };
        }
        default:
          throw validation(`Condition field '${field}' is not valid`);
      }
    });
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
    if (values > 5) throw validation(`A rule can only have '5' condition values`);
    return conditions;
  }

  private readActions(raw: unknown): Elbv2Action[] {
    const items = listOf(raw).map(structOf);
    if (items.length === 0) throw missing('Actions');
    const actions = items.map((a, i) => this.readAction(a, i));
    return actions.sort((a, b) => a.Order - b.Order);
  }

  private readAction(a: Params, index: number): Elbv2Action {
    const type = text(a.Type);
    if (!type) throw missing('Actions.member.Type');
    const order = integer(a.Order, 'order', 1, 50000) ?? index + 1;
    switch (type) {
      case 'forward': {
        const single = text(a.TargetGroupArn);
        const config = structOf(a.ForwardConfig);
        const tuples = listOf(config.TargetGroups)
          .map(structOf)
          .map((t) => {
            const arn = text(t.TargetGroupArn);
            if (!arn) throw missing('ForwardConfig.TargetGroups.member.TargetGroupArn');
            return { TargetGroupArn: arn, Weight: integer(t.Weight, 'weight', 0, 999) ?? 1 };
          });
        if (!single && tuples.length === 0) throw validation('A target group ARN must be specified');
        if (single && tuples.length > 0 && !(tuples.length === 1 && tuples[0]!.TargetGroupArn === single)) {
          throw validation('TargetGroupArn and ForwardConfig must name the same single target group');
        }
        const groups = tuples.length > 0 ? tuples : [{ TargetGroupArn: single!, Weight: 1 }];
        if (groups.length > 5) throw validation('A forward action can have at most 5 target groups');
        if (new Set(groups.map((g) => g.TargetGroupArn)).size < groups.length) {
          throw validation('A target group can be specified only once in a forward action');
        }
        for (const g of groups) this.group(g.TargetGroupArn);
        const stickiness = structOf(config.TargetGroupStickinessConfig);
        const duration = integer(stickiness.DurationSeconds, 'durationSeconds', 1, 604800);
        return {
          Type: type,
          Order: order,
          // A single group is echoed both ways, as AWS answers.
          ...(groups.length === 1 ? { TargetGroupArn: groups[0]!.TargetGroupArn } : {}),
          ForwardConfig: {
            TargetGroups: groups,
            TargetGroupStickinessConfig: {
              Enabled: boolean(stickiness.Enabled, 'enabled') ?? false,
              ...(duration !== undefined ? { DurationSeconds: duration } : {}),
            },
          },
        };
      }
      case 'fixed-response': {
        const config = structOf(a.FixedResponseConfig);
        const status = text(config.StatusCode);
        if (!status || !/^[245]\d\d$/.test(status))
          throw validation(`Fixed response status code '${status}' is not valid`);
        const contentType = text(config.ContentType);
        const body = text(config.MessageBody);
        return {
          Type: type,
          Order: order,
          FixedResponseConfig: {
            StatusCode: status,
            ...(contentType !== undefined ? { ContentType: contentType } : {}),
            ...(body !== undefined ? { MessageBody: body } : {}),
          },
        };
      }
      case 'redirect': {
        const config = structOf(a.RedirectConfig);
        const status = text(config.StatusCode);
        if (status !== 'HTTP_301' && status !== 'HTTP_302')
          throw validation(`Redirect status code '${status}' is not valid`);
        // Unset parts keep the request's own, as the RedirectActionConfig reference documents.
        return {
          Type: type,
          Order: order,
          RedirectConfig: {
            Protocol: text(config.Protocol) ?? '#{protocol}',
            Port: text(config.Port) ?? '#{port}',
            Host: text(config.Host) ?? '#{host}',
            Path: text(config.Path) ?? '/#{path}',
            Query: text(config.Query) ?? '#{query}',
            StatusCode: status,
          },
        };
      }
      case 'authenticate-oidc':
      case 'authenticate-cognito':
      case 'jwt-validation': {
        const { Type: _type, Order: _order, ...configs } = a;
        return { ...configs, Type: type, Order: order };
      }
      default:
        throw validation(`Action type '${type}' is not valid`);
    }
  }

  private readTags(raw: unknown): Elbv2Tag[] {
    const tags = listOf(raw)
      .map(structOf)
      .map((t) => {
        const key = text(t.Key);
        if (!key) throw missing('Tags.member.Key');
        if (key.length > 128 || key.startsWith('aws:')) throw validation(`Tag key '${key}' is not valid`);
        const value = text(t.Value) ?? '';
        if (value.length > 256) throw validation(`The value of tag '${key}' is longer than 256 characters`);
        return { Key: key, Value: value };
      });
    const keys = tags.map((t) => t.Key);
    const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
    if (duplicate !== undefined) {
      throw new AwsServiceError('DuplicateTagKeys', `Tag key '${duplicate}' is specified more than once`);
    }
    return tags;
  }

  private checkTagCount(tags: Elbv2Tag[], current: Map<string, string>): void {
    const keys = new Set([...current.keys(), ...tags.map((t) => t.Key)]);
    if (keys.size > this.limits.tagsPerResource) {
      throw new AwsServiceError(
        'TooManyTags',
        `A resource can have at most ${this.limits.tagsPerResource} tags`,
      );
    }
  }

  /**
   * An ALB target group serves one load balancer only, and an ALB forwards to a bounded number of
   * distinct groups (TargetGroupAssociationLimit, TooManyUniqueTargetGroupsPerLoadBalancer).
   */
  private checkTargetGroupAttachment(
    lbArn: string,
    actions: Elbv2Action[],
    replacingRuleArn: string | undefined,
  ): void {
    const wanted = new Set(
      actions.flatMap((a) => a.ForwardConfig?.TargetGroups.map((g) => g.TargetGroupArn) ?? []),
    );
    for (const tg of wanted) {
      const others = this.loadBalancersUsing(tg).filter((arn) => arn !== lbArn);
      if (others.length > 0) {
        throw new AwsServiceError(
          'TargetGroupAssociationLimit',
          `The following target groups cannot be associated with more than one load balancer: ${tg}`,
        );
      }
    }
    const used = new Set(
      this.rulesOfLoadBalancer(lbArn, true)
        .filter((r) => r.arn !== replacingRuleArn)
        .flatMap((r) => forwardTargets(r.actions)),
    );
    for (const tg of wanted) used.add(tg);
    if (used.size > this.limits.targetGroupsPerLoadBalancer) {
      throw new AwsServiceError(
        'TooManyUniqueTargetGroupsPerLoadBalancer',
        `You have reached the limit on the number of unique target groups per load balancer (${this.limits.targetGroupsPerLoadBalancer})`,
      );
    }
  }

  // ---- lookups and views ----

  private ruleArnFor(lbArn: string, listenerId: string): string {
    const lb = this.balancers.get(lbArn)!;
    const prefix = lbArn.slice(0, lbArn.length - resourceOf(lbArn).length);
    return `${prefix}listener-rule/${lb.path}/${listenerId}/${this.ctx.id(16)}`;
  }

  private loadBalancer(arn: string): LoadBalancerRecord {
    const lb = this.balancers.get(arn);
    if (!lb) throw new AwsServiceError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  private listener(arn: string): ListenerRecord {
    const l = this.listenerRecords.get(arn);
    if (!l) throw new AwsServiceError('ListenerNotFound', `Listener '${arn}' not found`);
    return l;
  }

  private rule(arn: string): RuleRecord {
    const r = this.ruleRecords.get(arn);
    if (!r) throw new AwsServiceError('RuleNotFound', `One or more rules not found`);
    return r;
  }

  private group(arn: string): TargetGroupRecord {
    const g = this.groups.get(arn);
    if (!g) throw this.targetGroupNotFound(arn);
    return g;
  }

  private targetGroupNotFound(arn?: string): AwsServiceError {
    return new AwsServiceError(
      'TargetGroupNotFound',
      arn ? `Target groups '${arn}' not found` : 'One or more target groups not found',
    );
  }

  /** Any taggable resource by ARN, with the not-found error of its kind. */
  private resource(arn: string): void {
    const kind = resourceOf(arn).split('/')[0];
    if (kind === 'loadbalancer') this.loadBalancer(arn);
    else if (kind === 'listener') this.listener(arn);
    else if (kind === 'listener-rule') this.rule(arn);
    else if (kind === 'targetgroup') this.group(arn);
    else throw validation(`'${arn}' is not a valid load balancer resource ARN`);
  }

  private rulesOfLoadBalancer(lbArn: string, withDefaults = false): RuleRecord[] {
    return [...this.ruleRecords.values()].filter(
      (r) =>
        (withDefaults || r.priority !== undefined) &&
        this.listenerRecords.get(r.listenerArn)?.loadBalancerArn === lbArn,
    );
  }

  private rulesForwardingTo(tgArn: string): RuleRecord[] {
    return [...this.ruleRecords.values()].filter((r) => forwardTargets(r.actions).includes(tgArn));
  }

  /** As AWS fills TargetGroup.LoadBalancerArns: the ALBs whose rules or default actions forward to it. */
  private loadBalancersUsing(tgArn: string): string[] {
    const arns = this.rulesForwardingTo(tgArn).map(
      (r) => this.listenerRecords.get(r.listenerArn)!.loadBalancerArn,
    );
    return [...new Set(arns)].sort();
  }

  private sortedListeners(): ListenerRecord[] {
    return [...this.listenerRecords.values()].sort((a, b) =>
      this.listenerKey(a) < this.listenerKey(b) ? -1 : 1,
    );
  }

  private sortedGroups(): TargetGroupRecord[] {
    return [...this.groups.values()].sort((a, b) =>
      `${a.settings.TargetGroupName} ${a.arn}` < `${b.settings.TargetGroupName} ${b.arn}` ? -1 : 1,
    );
  }

  private listenerKey(l: ListenerRecord): string {
    const name = this.balancers.get(l.loadBalancerArn)?.view.LoadBalancerName ?? '';
    return `${name} ${String(l.port).padStart(5, '0')} ${l.arn}`;
  }

  /** Rules sort by listener, then priority as a number, the default rule last. */
  private ruleKey(r: RuleRecord): string {
    const priority = r.priority === undefined ? 'default' : String(r.priority).padStart(5, '0');
    return `${r.listenerArn} ${priority} ${r.arn}`;
  }

  private ruleView(r: RuleRecord): Elbv2Rule {
    return {
      RuleArn: r.arn,
      Priority: r.priority === undefined ? 'default' : String(r.priority),
      Conditions: r.conditions,
      Actions: r.actions,
      IsDefault: r.priority === undefined,
    };
  }

  private listenerView(l: ListenerRecord): Elbv2Listener {
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

  private targetGroupView(g: TargetGroupRecord): Elbv2TargetGroup {
    return { TargetGroupArn: g.arn, ...g.settings, LoadBalancerArns: this.loadBalancersUsing(g.arn) };
  }

  private attributeList(g: TargetGroupRecord): { Key: string; Value: string }[] {
    return [...g.attributes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([Key, Value]) => ({ Key, Value }));
  }
}

function forwardTargets(actions: Elbv2Action[]): string[] {
  return actions.flatMap((a) => a.ForwardConfig?.TargetGroups.map((g) => g.TargetGroupArn) ?? []);
}
