// What a policy is scoped to, read from the platform file: partition, region, account, cluster, the
// ALB listeners, the two task roles and the suite's own name prefixes, and the ARN patterns built from
// them. ARN formats from the Service Authorization Reference's resource types
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
import { ConfigurationError } from '../errors.js';
import { SUITE_NAME, TAG_MANAGED_BY, TARGET_GROUP_PREFIX } from '../naming.js';
import { REGISTRY_PREFIX } from '../registry/site-registry.js';
import { DEFAULT_CRON_LOG_GROUP } from '../cron/registry-cron.js';
import { RUNNER_PARAMETER_PATH } from '../runner/lease.js';
import type { Platform } from '../settings/platform-schema.js';

/** Task definition families the suite registers: the site's, its SQL task's and its upgrade task's. */
export const SUITE_TASK_FAMILIES = ['mdl_ecs_task_def-', 'mdl_sql_task-', 'mdl_upgrade_task-'] as const;
/** The site secrets' name prefix (`moodle-preview/sites/<link>/db`). */
export const SITE_SECRET_PREFIX = 'moodle-preview/sites/';
/** Name prefix of the runner instance profile roles that ec2-runner may pass to EC2 (by default). */
export const RUNNER_ROLE_PREFIX = 'moodle-preview-runner';

export interface IamOptions {
  /** The shared cron log group (run-cron-fanout's `log-group`). Default `/moodle-preview/cron`. */
  cronLogGroup?: string;
  /** The KMS key ECS Exec sessions are encrypted with, when the cluster sets one. */
  execKmsKeyArn?: string;
  /** Buckets restore-db may read dumps from; without one, any bucket's objects (a read). */
  dumpBuckets?: string[];
  /** Clusters of sites registered with register-cron outside the platform cluster. */
  externalClusters?: string[];
  /** Runner instance profile roles ec2-runner may pass (name patterns). Default `moodle-preview-runner*`. */
  runnerRoles?: string[];
}

export interface IamScope {
  partition: string;
  region: string;
  account: string;
  cluster: string;
  /** `arn:…:ecs:<region>:<account>` */
  ecs: string;
  elb: string;
  logs: string;
  ssm: string;
  secrets: string;
  clusterArn: string;
  listenerArns: string[];
  listenerRulePatterns: string[];
  /** The two task roles, the only ones the suite passes. */
  taskRoleArns: string[];
  adminSecretArn: string;
  logGroupPrefix: string;
  cronLogGroup: string;
  /** `arn:…:scheduler:<region>:<account>` */
  scheduler: string;
  /** The platform's sleep page: its schedule group and the role EventBridge Scheduler assumes. */
  sleepPage?: { group: string; roleArn: string };
  options: IamOptions;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):([0-9]{12})?:(.+)$/;

function parseArn(arn: string) {
  const m = ARN.exec(arn);
  if (!m) throw new ConfigurationError(`${arn} is not an ARN`);
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4] ?? '', resource: m[5]! };
}

/** The scope of every policy for this platform; throws a ConfigurationError naming what is missing. */
export function iamScope(platform: Platform, options: IamOptions = {}): IamScope {
  const sources = [
    platform.roles.execution_role_arn,
    platform.roles.task_role_arn,
    ...platform.alb.https_listener_arns,
    platform.db.admin_secret_arn,
  ].map(parseArn);
  const accounts = new Set(sources.map((s) => s.account).filter(Boolean));
  if (accounts.size !== 1)
    throw new ConfigurationError(
      `the platform's role, listener and admin secret ARNs must name one AWS account (found ${[...accounts].join(', ') || 'none'})`,
    );
  const partitions = new Set(sources.map((s) => s.partition));
  if (partitions.size !== 1)
    throw new ConfigurationError(
      `the platform's ARNs name several partitions: ${[...partitions].join(', ')}`,
    );
  const account = [...accounts][0]!;
  const partition = [...partitions][0]!;
  const { region } = platform;
  const base = (service: string) => `arn:${partition}:${service}:${region}:${account}`;
  for (const l of platform.alb.https_listener_arns) {
    const p = parseArn(l);
    if (p.region !== region)
      throw new ConfigurationError(`listener ${l} is not in the platform's region ${region}`);
  }
  const logGroupPrefix = platform.logs.group_prefix.replace(/\/+$/, '');
  const adminSecretArn = /-[A-Za-z0-9]{6}$/.test(platform.db.admin_secret_arn)
    ? platform.db.admin_secret_arn
    : // A partial ARN (no random suffix): Secrets Manager adds six characters to every secret's ARN.
      `${platform.db.admin_secret_arn}-??????`;
  return {
    partition,
    region,
    account,
    cluster: platform.cluster,
    ecs: base('ecs'),
    elb: base('elasticloadbalancing'),
    logs: base('logs'),
    ssm: base('ssm'),
    secrets: base('secretsmanager'),
    clusterArn: `${base('ecs')}:cluster/${platform.cluster}`,
    listenerArns: [...platform.alb.https_listener_arns],
    // listener/app/<lb>/<lb id>/<listener id> → listener-rule/app/<lb>/<lb id>/<listener id>/<rule id>
    listenerRulePatterns: platform.alb.https_listener_arns.map(
      (l) => `${l.replace(':listener/', ':listener-rule/')}/*`,
    ),
    taskRoleArns: [...new Set([platform.roles.execution_role_arn, platform.roles.task_role_arn])],
    adminSecretArn,
    logGroupPrefix,
    cronLogGroup: options.cronLogGroup ?? DEFAULT_CRON_LOG_GROUP,
    scheduler: base('scheduler'),
    ...(platform.schedule.sleep_page
      ? {
          sleepPage: {
            group: platform.schedule.sleep_page.schedule_group,
            roleArn: platform.schedule.sleep_page.scheduler_role_arn,
          },
        }
      : {}),
    options,
  };
}

/** ARN patterns of the suite's own resources in this scope. */
export const arns = {
  services: (s: IamScope) => [`${s.ecs}:service/${s.cluster}/mdl-*`],
  /** Any service of the platform cluster (and register-cron's external clusters): reads only. */
  anyService: (s: IamScope) =>
    [s.cluster, ...(s.options.externalClusters ?? [])].map((c) => `${s.ecs}:service/${c}/*`),
  clusters: (s: IamScope) =>
    [s.cluster, ...(s.options.externalClusters ?? [])].map((c) => `${s.ecs}:cluster/${c}`),
  tasks: (s: IamScope) => [`${s.ecs}:task/${s.cluster}/*`],
  anyTask: (s: IamScope) =>
    [s.cluster, ...(s.options.externalClusters ?? [])].map((c) => `${s.ecs}:task/${c}/*`),
  families: (s: IamScope, families: readonly string[] = SUITE_TASK_FAMILIES) =>
    families.map((f) => `${s.ecs}:task-definition/${f}*`),
  targetGroups: (s: IamScope) => [`${s.elb}:targetgroup/${TARGET_GROUP_PREFIX}*/*`],
  listenerRules: (s: IamScope) => s.listenerRulePatterns,
  listeners: (s: IamScope) => s.listenerArns,
  /** The site log groups and their streams (`log-group:<name>` and `log-group:<name>:log-stream:<s>`). */
  siteLogGroups: (s: IamScope) => [`${s.logs}:log-group:${s.logGroupPrefix}/*`],
  /** The streams of the cron run log group (one per site): what GetLogEvents reads. */
  cronLogStreams: (s: IamScope) => [`${s.logs}:log-group:${s.cronLogGroup}:log-stream:*`],
  cronLogGroup: (s: IamScope) => [
    `${s.logs}:log-group:${s.cronLogGroup}`,
    `${s.logs}:log-group:${s.cronLogGroup}:*`,
  ],
  /** The site registry: its path (GetParametersByPath) and every entry under it. */
  registry: (s: IamScope) => [
    `${s.ssm}:parameter${REGISTRY_PREFIX}`,
    `${s.ssm}:parameter${REGISTRY_PREFIX}/*`,
  ],
  registryEntries: (s: IamScope) => [`${s.ssm}:parameter${REGISTRY_PREFIX}/*`],
  runnerConfigs: (s: IamScope) => [
    `${s.ssm}:parameter${RUNNER_PARAMETER_PATH.replace(/\/$/, '')}`,
    `${s.ssm}:parameter${RUNNER_PARAMETER_PATH}*`,
  ],
  siteSecrets: (s: IamScope) => [`${s.secrets}:secret:${SITE_SECRET_PREFIX}*`],
  adminSecret: (s: IamScope) => [s.adminSecretArn],
  /** Target tracking's alarms: `TargetTracking-service/<cluster>/<service>-AlarmHigh-<uuid>`. */
  scalingAlarms: (s: IamScope) => [
    `arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:TargetTracking-service/${s.cluster}/mdl-*`,
  ],
  /** Application Auto Scaling names scalable targets by a random id: no name to scope by. */
  scalableTargets: (s: IamScope) => [
    `arn:${s.partition}:application-autoscaling:${s.region}:${s.account}:scalable-target/*`,
  ],
  /** The service-linked role Application Auto Scaling uses for ECS services. */
  autoScalingServiceLinkedRole: (s: IamScope) => [
    `arn:${s.partition}:iam::${s.account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
  ],
  /** ECS Exec sessions: their ids start with `ecs-execute-command-`. */
  execSessions: (s: IamScope) => [`${s.ssm}:session/ecs-execute-command-*`],
  instances: (s: IamScope) => [`arn:${s.partition}:ec2:${s.region}:${s.account}:instance/*`],
  volumes: (s: IamScope) => [`arn:${s.partition}:ec2:${s.region}:${s.account}:volume/*`],
  launchParts: (s: IamScope) => [
    `arn:${s.partition}:ec2:${s.region}::image/*`,
    `arn:${s.partition}:ec2:${s.region}:${s.account}:subnet/*`,
    `arn:${s.partition}:ec2:${s.region}:${s.account}:security-group/*`,
    `arn:${s.partition}:ec2:${s.region}:${s.account}:network-interface/*`,
  ],
  runnerRoles: (s: IamScope) =>
    (s.options.runnerRoles ?? [`${RUNNER_ROLE_PREFIX}*`]).map(
      (r) => `arn:${s.partition}:iam::${s.account}:role/${r}`,
    ),
  /** The suite's own schedule group (the sleep page's). */
  scheduleGroup: (s: IamScope, group: string) => [`${s.scheduler}:schedule-group/${group}`],
  /** The sites' schedules in it: `mdl-<link>-wake`, `-sleep`, `-wake-ends`. */
  siteSchedules: (s: IamScope, group: string) => [`${s.scheduler}:schedule/${group}/mdl-*`],
  wakeEndSchedules: (s: IamScope, group: string) => [`${s.scheduler}:schedule/${group}/mdl-*-wake-ends`],
  dumpObjects: (s: IamScope) =>
    s.options.dumpBuckets?.length
      ? s.options.dumpBuckets.map((b) => `arn:${s.partition}:s3:::${b}/*`)
      : [`arn:${s.partition}:s3:::*/*`],
};

/** The condition every change to an existing resource carries: it is ours. */
export const OURS = { StringEquals: { [`aws:ResourceTag/${TAG_MANAGED_BY}`]: SUITE_NAME } };
/** The condition every create (and every tag change) carries: it will be ours. */
export const TAGGED_AS_OURS = { StringEquals: { [`aws:RequestTag/${TAG_MANAGED_BY}`]: SUITE_NAME } };
/** Calls on `*` that change something are kept to the platform's region (a global condition key). */
export const inRegion = (s: IamScope) => ({ StringEquals: { 'aws:RequestedRegion': s.region } });
