// The desired state of one site, computed from resolved settings with no I/O. The plan is a plain
// value: `mdl-preview plan`, deploy-instance's dry-run and its apply step all read the same one.
import type { Platform } from '../settings/platform-schema.js';
import type { ResolvedSite, SiteExpiry } from '../settings/load.js';
import { siteNames, SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import {
  describeAwake,
  scheduledActionsFor,
  type AwakeSchedule,
  type ScheduledActionSpec,
} from '../fleet/awake-schedule.js';
import { estimateMonthlyCost, type CostEstimate } from '../fleet/cost-estimate.js';
import {
  sleepPageFor,
  sleepPageSchedulesFor,
  type SleepPage,
  type SleepPageScheduleSpec,
} from '../fleet/sleep-page.js';
import { dbSecret } from '../resources/db-secret.js';
import { listenerRule } from '../resources/listener-rule.js';
import { scalingPolicy, scalingTarget, scheduledActions } from '../resources/scaling.js';
import { service } from '../resources/service.js';
import { logGroup } from '../resources/log-group.js';
import { targetGroup } from '../resources/target-group.js';
import type { PlanContext } from '../resources/types.js';

export type Tags = Record<string, string>;

/** A reference to another planned resource's attribute, resolved by the apply step. */
export interface ResourceRef {
  ref: ResourceId;
  attribute: 'arn' | 'name' | 'family';
}

/** A Secrets Manager value handed to a container by `valueFrom` (resolved to the secret's ARN). */
export interface SecretRef {
  secret: string;
  jsonKey: string;
}

export interface KeyValue {
  name: string;
  value: string;
}

export interface SitePlan {
  /** Bumped when the plan's shape changes, so stored plans can be told apart. */
  planVersion: 1;
  site: string;
  url: string;
  host: string;
  tags: Tags;
  resources: PlannedResources;
  /** The site's Fargate baseline a month (minimum tasks while awake, at the platform's prices). */
  estimate: CostEstimate;
}

export interface PlannedResources {
  siteRegistration: Planned<{
    parameterName: string;
    entry: {
      previewLink: string;
      url: string;
      cluster: string;
      service: string;
      taskFamily: string;
      container: string;
      databases: { moodle: string; mim?: string };
      dbUser: string;
      dbHost: string;
      moodledataFolder: string;
      logGroup: string;
      awake: AwakeSchedule;
      capacity: { min: number; max: number };
      /** The expiry policy; deploy turns it into a date (the lifetime counts from the first deploy). */
      expiry: SiteExpiry;
    };
  }>;
  cronRegistration: Planned<{
    enabled: boolean;
    cluster: string;
    service: string;
    container: string;
    command: string;
    timeoutSeconds: number;
    logPath: string;
  }>;
  dbSecret: Planned<{ name: string; description: string; passwordLength: number; tags: Tags }>;
  databases: Planned<{
    server: { host: string; port: number; adminSecretArn: string };
    databases: { role: 'moodle' | 'mim'; name: string; characterSet: 'utf8mb4'; collation: string }[];
  }>;
  dbUser: Planned<{
    name: string;
    host: '%';
    grants: { database: string; privileges: 'ALL PRIVILEGES' }[];
    password: SecretRef;
  }>;
  moodledata: Planned<{
    fileSystemId: string;
    folder: string;
    /** The folder relative to the EFS root. */
    efsPath: string;
    /** Where the site sees it (Moodle's dataroot). */
    containerPath: string;
    mountPath: string;
  }>;
  redis: Planned<{ host: string; port: number; prefix: string }>;
  logGroup: Planned<{ logGroupName: string; retentionInDays: number; tags: Tags }>;
  taskDefinition: Planned<TaskDefinitionSpec>;
  targetGroup: Planned<TargetGroupSpec>;
  listenerRule: Planned<ListenerRuleSpec>;
  service: Planned<ServiceSpec>;
  scalingTarget: Planned<{
    serviceNamespace: 'ecs';
    resourceId: string;
    scalableDimension: 'ecs:service:DesiredCount';
    minCapacity: number;
    maxCapacity: number;
  }>;
  scalingPolicy: Planned<{
    policyName: string;
    policyType: 'TargetTrackingScaling';
    resourceId: string;
    targetValue: number;
    predefinedMetricType: 'ECSServiceAverageCPUUtilization';
    scaleOutCooldown: number;
    scaleInCooldown: number;
  }>;
  /** When the site sleeps: Application Auto Scaling scheduled actions on its scalable target. */
  scheduledActions: Planned<{
    serviceNamespace: 'ecs';
    resourceId: string;
    scalableDimension: 'ecs:service:DesiredCount';
    /** The schedule in one form (`always`: no actions). */
    awake: string;
    actions: ScheduledActionSpec[];
  }>;
  /**
   * What a sleeping site shows: EventBridge Scheduler schedules that switch its listener rule to the
   * page at the schedule's sleep and back at its wake (none: awake always, or no sleep page platform-wide).
   */
  sleepPage: Planned<{
    /** The suite's schedule group; absent when the platform has no sleep page. */
    group?: string;
    groupTags: Tags;
    roleArn?: string;
    schedules: SleepPageScheduleSpec[];
  }>;
}

export type ResourceId = keyof PlannedResources;

export interface Planned<S> {
  /** What AWS (or MySQL, or the registry) calls it. */
  name: string;
  /** Resources that must exist before this one is applied. */
  dependsOn: ResourceId[];
  spec: S;
}

export interface TaskDefinitionSpec {
  family: string;
  networkMode: 'awsvpc';
  requiresCompatibilities: ['FARGATE'];
  cpu: string;
  memory: string;
  executionRoleArn: string;
  taskRoleArn: string;
  runtimePlatform: { operatingSystemFamily: 'LINUX'; cpuArchitecture: 'X86_64' };
  volumes: {
    name: string;
    efsVolumeConfiguration: {
      fileSystemId: string;
      rootDirectory: string;
      transitEncryption: 'ENABLED';
      authorizationConfig?: { accessPointId: string; iam: 'ENABLED' };
    };
  }[];
  containerDefinitions: {
    name: string;
    image: string;
    essential: true;
    portMappings: { containerPort: number; protocol: 'tcp' }[];
    environment: KeyValue[];
    secrets: { name: string; valueFrom: SecretRef }[];
    mountPoints: { sourceVolume: string; containerPath: string; readOnly: false }[];
    linuxParameters: { initProcessEnabled: true };
    logConfiguration: { logDriver: 'awslogs'; options: Record<string, string> };
  }[];
  tags: Tags;
}

export interface TargetGroupSpec {
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  port: number;
  targetType: 'ip';
  vpcId: string;
  healthCheck: { path: string; matcher: string; intervalSeconds: number; healthyThresholdCount: number };
  deregistrationDelaySeconds: number;
  tags: Tags;
}

export interface ListenerRuleSpec {
  /** Candidate HTTPS listeners, in order; the rule goes on the first with room. */
  listenerArns: string[];
  hostHeader: string;
  /** A stable priority derived from the link; the apply step probes onward if it is taken. */
  preferredPriority: number;
  forwardTo: ResourceRef;
  /** The page the rule shows while the site sleeps (a site with a schedule and a platform sleep page). */
  sleepPage?: SleepPage;
  tags: Tags;
}

export interface ServiceSpec {
  cluster: string;
  serviceName: string;
  taskDefinition: ResourceRef;
  /** Used when the service is created; afterwards auto scaling owns the desired count. */
  initialDesiredCount: number;
  launchType: 'FARGATE';
  platformVersion: 'LATEST';
  networkConfiguration: {
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: 'ENABLED' | 'DISABLED';
  };
  loadBalancers: { targetGroup: ResourceRef; containerName: string; containerPort: number }[];
  healthCheckGracePeriodSeconds: number;
  deploymentConfiguration: {
    minimumHealthyPercent: number;
    maximumPercent: number;
    deploymentCircuitBreaker: { enable: true; rollback: true };
  };
  enableExecuteCommand: true;
  propagateTags: 'SERVICE';
  enableECSManagedTags: true;
  tags: Tags;
}

export const CRON_COMMAND = '/data/runcron.sh';
export const CRON_TIMEOUT_SECONDS = 600;
const MOODLEDATA_VOLUME = 'moodledata';

export { preferredRulePriority } from '../resources/listener-rule.js';

const byName = (a: KeyValue, b: KeyValue) => a.name.localeCompare(b.name);

/** The complete desired state of a site. Pure: same input, same plan. */
export function planSite(site: ResolvedSite, platform: Platform): SitePlan {
  const names = siteNames(site.previewLink);
  // Platform tags first: the suite's own tags must win, they decide what the suite may touch.
  const tags: Tags = { ...platform.tags, [TAG_SITE]: site.previewLink, [TAG_MANAGED_BY]: SUITE_NAME };
  const logGroupName = `${platform.logs.group_prefix.replace(/\/+$/, '')}/${site.previewLink}`;
  const mountPath = platform.efs.mount_path.replace(/\/+$/, '');
  const cronLogPath = `${mountPath}/cron_logs/cron_${site.previewLink}.log`;
  const databaseNames = [site.db.name, ...(site.db.mimName ? [site.db.mimName] : [])];

  const environment: KeyValue[] = [
    { name: 'PREVIEW_LINK', value: site.previewLink },
    { name: 'PHP_VERSION', value: site.phpVersion },
    { name: 'MOODLE_WWWROOT', value: site.url },
    { name: 'MOODLE_SITE_FOLDER', value: site.siteFolder },
    { name: 'MOODLE_CODE_PATH', value: site.moodleCodePath },
    { name: 'MOODLE_FULL_IMAGE', value: String(site.fullImage) },
    { name: 'MOODLE_DATAROOT', value: site.moodledata.path },
    { name: 'MOODLE_CRON_LOG', value: cronLogPath },
    { name: 'MOODLE_DB_HOST', value: site.db.host },
    { name: 'MOODLE_DB_PORT', value: String(site.db.port) },
    { name: 'MOODLE_DB_NAME', value: site.db.name },
    { name: 'MOODLE_DB_USER', value: site.db.user },
    { name: 'MOODLE_REDIS_HOST', value: site.redis.host },
    { name: 'MOODLE_REDIS_PORT', value: String(site.redis.port) },
    { name: 'MOODLE_REDIS_PREFIX', value: site.redis.prefix },
  ];
  if (site.db.readReplicaHost)
    environment.push({ name: 'MOODLE_DB_HOST_READONLY', value: site.db.readReplicaHost });
  if (site.db.mimName) {
    environment.push(
      { name: 'MIM_DB_HOST', value: site.db.host },
      { name: 'MIM_DB_NAME', value: site.db.mimName },
    );
  }
  environment.sort(byName);

  const serviceResourceId = `service/${platform.cluster}/${names.serviceName}`;
  const pagePlatform = platform.schedule.sleep_page;
  const pageSchedules = pagePlatform ? sleepPageSchedulesFor(site.previewLink, site.awake) : [];
  const page =
    pagePlatform && pageSchedules.length
      ? sleepPageFor(site.previewLink, site.awake, pagePlatform.how_to_wake)
      : undefined;
  const accessPoint = platform.efs.access_point_id;

  const resourceContext: PlanContext = {
    site,
    platform,
    names,
    tags,
    logGroupName,
    mountPath,
    cronLogPath,
    databaseNames,
    serviceResourceId,
    ...(page ? { sleepPage: page } : {}),
    sleepPageSchedules: pageSchedules,
  };
  const resources: PlannedResources = {
    siteRegistration: {
      name: names.registryParameter,
      dependsOn: ['service'],
      spec: {
        parameterName: names.registryParameter,
        entry: {
          previewLink: site.previewLink,
          url: site.url,
          cluster: platform.cluster,
          service: names.serviceName,
          taskFamily: names.taskFamily,
          container: names.containerName,
          databases: { moodle: site.db.name, ...(site.db.mimName ? { mim: site.db.mimName } : {}) },
          dbUser: site.db.user,
          dbHost: site.db.host,
          moodledataFolder: site.moodledata.folder,
          logGroup: logGroupName,
          awake: site.awake,
          capacity: { min: site.scaling.min, max: site.scaling.max },
          expiry: { ...site.expiry },
        },
      },
    },
    cronRegistration: {
      name: names.registryParameter,
      dependsOn: ['service'],
      spec: {
        enabled: site.cron,
        cluster: platform.cluster,
        service: names.serviceName,
        container: names.containerName,
        command: CRON_COMMAND,
        timeoutSeconds: CRON_TIMEOUT_SECONDS,
        logPath: cronLogPath,
      },
    },
    dbSecret: dbSecret.plan(resourceContext),
    databases: {
      name: databaseNames.join(', '),
      // Ensured by a SQL task that reads the site's secret and logs to the site's log group.
      dependsOn: ['dbSecret', 'logGroup'],
      spec: {
        server: { host: site.db.host, port: site.db.port, adminSecretArn: platform.db.admin_secret_arn },
        databases: [
          { role: 'moodle', name: site.db.name, characterSet: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
          ...(site.db.mimName
            ? [
                {
                  role: 'mim' as const,
                  name: site.db.mimName,
                  characterSet: 'utf8mb4' as const,
                  collation: 'utf8mb4_unicode_ci',
                },
              ]
            : []),
        ],
      },
    },
    dbUser: {
      name: `${site.db.user}@'%'`,
      dependsOn: ['databases', 'dbSecret'],
      spec: {
        name: site.db.user,
        host: '%',
        grants: databaseNames.map((database) => ({ database, privileges: 'ALL PRIVILEGES' as const })),
        password: { secret: names.dbSecretName, jsonKey: 'password' },
      },
    },
    moodledata: {
      name: site.moodledata.path,
      // Made by a one-off task of the site's own task definition (only it reaches EFS).
      dependsOn: ['taskDefinition'],
      spec: {
        fileSystemId: platform.efs.file_system_id,
        folder: site.moodledata.folder,
        efsPath: `/${site.moodledata.folder}`,
        containerPath: site.moodledata.path,
        mountPath,
      },
    },
    redis: {
      name: `${site.redis.host}:${site.redis.port}/${site.redis.prefix}`,
      dependsOn: [],
      spec: { ...site.redis },
    },
    logGroup: logGroup.plan(resourceContext),
    taskDefinition: {
      name: names.taskFamily,
      dependsOn: ['logGroup', 'dbSecret'],
      spec: {
        family: names.taskFamily,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: String(site.cpu),
        memory: String(site.memory),
        executionRoleArn: platform.roles.execution_role_arn,
        taskRoleArn: platform.roles.task_role_arn,
        runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
        volumes: [
          {
            name: MOODLEDATA_VOLUME,
            efsVolumeConfiguration: {
              fileSystemId: platform.efs.file_system_id,
              // The whole EFS root, as today: runcron.sh writes <mount>/cron_logs/ next to the sites.
              rootDirectory: '/',
              transitEncryption: 'ENABLED',
              ...(accessPoint
                ? { authorizationConfig: { accessPointId: accessPoint, iam: 'ENABLED' as const } }
                : {}),
            },
          },
        ],
        containerDefinitions: [
          {
            name: names.containerName,
            image: site.image,
            essential: true,
            portMappings: [
              { containerPort: 80, protocol: 'tcp' },
              { containerPort: 443, protocol: 'tcp' },
            ],
            environment,
            secrets: [
              { name: 'MOODLE_DB_PASSWORD', valueFrom: { secret: names.dbSecretName, jsonKey: 'password' } },
            ],
            mountPoints: [{ sourceVolume: MOODLEDATA_VOLUME, containerPath: mountPath, readOnly: false }],
            // An init process reaps the children of ECS Exec sessions (cron runs through it).
            linuxParameters: { initProcessEnabled: true },
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': logGroupName,
                'awslogs-region': platform.region,
                'awslogs-stream-prefix': 'moodle',
              },
            },
          },
        ],
        tags,
      },
    },
    targetGroup: targetGroup.plan(resourceContext),
    listenerRule: listenerRule.plan(resourceContext),
    service: service.plan(resourceContext),
    scalingTarget: scalingTarget.plan(resourceContext),
    scalingPolicy: scalingPolicy.plan(resourceContext),
    scheduledActions: scheduledActions.plan(resourceContext),
    sleepPage: {
      name: pagePlatform ? `${pagePlatform.schedule_group}/mdl-${site.previewLink}-*` : '(no sleep page)',
      dependsOn: ['listenerRule', 'targetGroup'],
      spec: {
        ...(pagePlatform
          ? { group: pagePlatform.schedule_group, roleArn: pagePlatform.scheduler_role_arn }
          : {}),
        // The group is the suite's, not one site's: it carries the managed-by tag (and the platform's).
        groupTags: { ...platform.tags, [TAG_MANAGED_BY]: SUITE_NAME },
        schedules: pageSchedules,
      },
    },
  };
  const estimate = estimateMonthlyCost(
    { cpu: site.cpu, memory: site.memory, minTasks: site.scaling.min, awake: site.awake },
    {
      vcpuHour: platform.fargate_prices.vcpu_hour,
      gbHour: platform.fargate_prices.gb_hour,
      currency: platform.fargate_prices.currency,
    },
  );
  return {
    planVersion: 1,
    site: site.previewLink,
    url: site.url,
    host: site.host,
    tags,
    resources,
    estimate,
  };
}

/** Resource ids in an order where every resource comes after what it depends on. */
export function applyOrder(plan: SitePlan): ResourceId[] {
  const ids = Object.keys(plan.resources) as ResourceId[];
  const done = new Set<ResourceId>();
  const order: ResourceId[] = [];
  const visit = (id: ResourceId, trail: ResourceId[]) => {
    if (done.has(id)) return;
    if (trail.includes(id)) throw new Error(`dependency cycle: ${[...trail, id].join(' → ')}`);
    for (const dep of plan.resources[id].dependsOn) visit(dep, [...trail, id]);
    done.add(id);
    order.push(id);
  };
  for (const id of ids) visit(id, []);
  return order;
}
