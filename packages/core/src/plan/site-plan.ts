// The desired state of one site, computed from resolved settings with no I/O. The plan is a plain
// value: `mdl-preview plan`, deploy-instance's dry-run and its apply step all read the same one.
import type { Platform } from '../settings/platform-schema.js';
import type { ResolvedSite, SiteExpiry } from '../settings/load.js';
import { siteNames, SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import type { AwakeSchedule, ScheduledActionSpec } from '../fleet/awake-schedule.js';
import { estimateMonthlyCost, type CostEstimate } from '../fleet/cost-estimate.js';
import {
  sleepPageFor,
  sleepPageSchedulesFor,
  type SleepPage,
  type SleepPageScheduleSpec,
} from '../fleet/sleep-page.js';
// Each resource's pure part, not its module: those load the AWS clients, which a plan never needs.
import { planDatabases, planDbUser } from '../resources/databases.plan.js';
import { planDbSecret } from '../resources/db-secret.plan.js';
import { planListenerRule } from '../resources/listener-rule.plan.js';
import { planLogGroup } from '../resources/log-group.plan.js';
import { planMoodledata } from '../resources/moodledata.plan.js';
import { planRedis } from '../resources/redis.plan.js';
import { planCronRegistration, planSiteRegistration } from '../resources/registry-entry.plan.js';
import { planScalingPolicy, planScalingTarget, planScheduledActions } from '../resources/scaling.plan.js';
import { planService } from '../resources/service.plan.js';
import { planSleepPage } from '../resources/sleep-page.plan.js';
import { planTargetGroup } from '../resources/target-group.plan.js';
import { planTaskDefinition } from '../resources/task-definition.plan.js';
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

export { CRON_COMMAND, CRON_TIMEOUT_SECONDS } from '../resources/registry-entry.plan.js';

export { preferredRulePriority } from '../resources/listener-rule.plan.js';

/** The names and values every resource's plan is computed from, derived once. */
function planContext(site: ResolvedSite, platform: Platform): PlanContext {
  const names = siteNames(site.previewLink);
  const mountPath = platform.efs.mount_path.replace(/\/+$/, '');
  const pagePlatform = platform.schedule.sleep_page;
  const pageSchedules = pagePlatform ? sleepPageSchedulesFor(site.previewLink, site.awake) : [];
  const page =
    pagePlatform && pageSchedules.length
      ? sleepPageFor(site.previewLink, site.awake, pagePlatform.how_to_wake)
      : undefined;
  return {
    site,
    platform,
    names,
    // Platform tags first: the suite's own tags must win, they decide what the suite may touch.
    tags: { ...platform.tags, [TAG_SITE]: site.previewLink, [TAG_MANAGED_BY]: SUITE_NAME },
    logGroupName: `${platform.logs.group_prefix.replace(/\/+$/, '')}/${site.previewLink}`,
    mountPath,
    cronLogPath: `${mountPath}/cron_logs/cron_${site.previewLink}.log`,
    databaseNames: [site.db.name, ...(site.db.mimName ? [site.db.mimName] : [])],
    serviceResourceId: `service/${platform.cluster}/${names.serviceName}`,
    ...(page ? { sleepPage: page } : {}),
    sleepPageSchedules: pageSchedules,
  };
}

/** The complete desired state of a site, each resource planned by its own module. Pure. */
export function planSite(site: ResolvedSite, platform: Platform): SitePlan {
  const resourceContext = planContext(site, platform);
  const resources: PlannedResources = {
    siteRegistration: planSiteRegistration(resourceContext),
    cronRegistration: planCronRegistration(resourceContext),
    dbSecret: planDbSecret(resourceContext),
    databases: planDatabases(resourceContext),
    dbUser: planDbUser(resourceContext),
    moodledata: planMoodledata(resourceContext),
    redis: planRedis(resourceContext),
    logGroup: planLogGroup(resourceContext),
    taskDefinition: planTaskDefinition(resourceContext),
    targetGroup: planTargetGroup(resourceContext),
    listenerRule: planListenerRule(resourceContext),
    service: planService(resourceContext),
    scalingTarget: planScalingTarget(resourceContext),
    scalingPolicy: planScalingPolicy(resourceContext),
    scheduledActions: planScheduledActions(resourceContext),
    sleepPage: planSleepPage(resourceContext),
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
    tags: resourceContext.tags,
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
