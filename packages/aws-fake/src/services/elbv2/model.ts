// The ELBv2 fake's records (what it keeps), the views AWS answers with, its quotas and the checks
// that do not need the store.
import { AwsServiceError } from '../../errors.js';

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

export const defaultLimits: Elbv2Limits = {
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

export interface LoadBalancerRecord {
  view: Elbv2LoadBalancer;
  /** `app/<name>/<id>`: the part every listener and rule ARN of this ALB repeats. */
  path: string;
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  certificateArn: string;
  defaultRuleArn: string;
}

export interface RuleRecord {
  arn: string;
  listenerArn: string;
  /** `undefined` for the listener's default rule. */
  priority: number | undefined;
  conditions: Elbv2Condition[];
  actions: Elbv2Action[];
}

export type TargetGroupSettings = Omit<Elbv2TargetGroup, 'TargetGroupArn' | 'LoadBalancerArns'>;

export interface TargetGroupRecord {
  arn: string;
  settings: TargetGroupSettings;
  attributes: Map<string, string>;
  /** Keyed `id:port`, as ALB identifies an ip target. */
  targets: Map<string, Elbv2Target>;
}

export type Params = Record<string, unknown>;

export const validation = (message: string) => new AwsServiceError('ValidationError', message);

/** AWS's wording for a missing required member, with the member name in camel case as it prints it. */
export const missing = (member: string) =>
  validation(
    `1 validation error detected: Value null at '${member[0]!.toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`,
  );

// The query protocol delivers every scalar as a string and an empty list as '' (see protocols/query.ts).

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function requiredText(params: Params, member: string): string {
  const value = text(params[member]);
  if (value === undefined || value === '') throw missing(member);
  return value;
}

export function integer(value: unknown, member: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = text(value) ?? '';
  if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) {
    throw validation(
      `1 validation error detected: Value '${s}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return Number(s);
}

export function boolean(value: unknown, member: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw validation(`Value '${text(value) ?? JSON.stringify(value)}' at '${member}' is not a boolean`);
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function structOf(value: unknown): Params {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Params) : {};
}

export function textList(value: unknown): string[] {
  return listOf(value).filter((v): v is string => typeof v === 'string');
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:<resource>` → `<resource>`. */
export function resourceOf(arn: string): string {
  return arn.split(':').slice(5).join(':');
}

// Paging: the marker carries the sort key of the page's last item, so a page boundary holds even when
// items are added or removed between calls (AWS's markers are opaque; this is one faithful reading).
export function pageOf<T>(
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
export const elbName = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
// Host header values: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#host-conditions
export const hostValue = /^[A-Za-z0-9\-.*?]{1,128}$/;

export const defaultAttributes: [string, string][] = [
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
export const attributeRanges: Record<string, [number, number]> = {
  'deregistration_delay.timeout_seconds': [0, 3600],
  'slow_start.duration_seconds': [0, 900],
  'stickiness.lb_cookie.duration_seconds': [1, 604800],
  'stickiness.app_cookie.duration_seconds': [1, 604800],
};

export const describeActions = new Set([
  'DescribeAccountLimits',
  'DescribeListeners',
  'DescribeLoadBalancers',
  'DescribeRules',
  'DescribeTags',
  'DescribeTargetGroupAttributes',
  'DescribeTargetGroups',
  'DescribeTargetHealth',
]);

export const changeActions = new Set([
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

export function forwardTargets(actions: Elbv2Action[]): string[] {
  return actions.flatMap((a) => a.ForwardConfig?.TargetGroups.map((g) => g.TargetGroupArn) ?? []);
}
