// Fake ECS (JSON 1.1, `AmazonEC2ContainerServiceV20141113`): task definitions, Fargate services with
// rolling deployments and the circuit breaker, service and one-off tasks. Time is simulated: the world
// moves one step for each `stepMs` of the fake's clock that has passed when ECS is next called (the
// clock moves a second per request unless a test freezes it, and by what a test advances it), so a
// poller sees what time has done, not how often it asked.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ResourceRecord, ServiceHandler } from '../types.js';
import { authz, passRoles, requestTags, resourceTags, tagMap } from '../authorization.js';
import type { LogsFake } from './logs.js';
import { RequestMembers, copyOf, pageOf, pageSize, toWire, unknownOperation } from './json-protocol.js';
import { callerArn } from './sts.js';
import { text } from '../params.js';

export interface EcsTag {
  key: string;
  value: string;
}

export interface KeyValuePair {
  name: string;
  value: string;
}

export interface LogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
}

/** A container definition as stored: what was registered plus the keys AWS fills in. */
export interface ContainerDefinition {
  name: string;
  image: string;
  essential?: boolean;
  command?: string[];
  environment?: KeyValuePair[];
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[];
  logConfiguration?: LogConfiguration;
  [member: string]: unknown;
}

export type TaskDefinitionStatus = 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';

export interface TaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: TaskDefinitionStatus;
  containerDefinitions: ContainerDefinition[];
  networkMode?: string;
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  volumes: unknown[];
  placementConstraints: unknown[];
  requiresAttributes: { name: string }[];
  compatibilities: string[];
  requiresCompatibilities?: string[];
  registeredAt: Date;
  registeredBy: string;
  deregisteredAt?: Date;
  deleteRequestedAt?: Date;
  [member: string]: unknown;
}

export interface NetworkConfiguration {
  awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string };
}

export interface LoadBalancer {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface DeploymentConfiguration {
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  maximumPercent: number;
  minimumHealthyPercent: number;
  [member: string]: unknown;
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  platformFamily: string;
  networkConfiguration?: NetworkConfiguration;
  rolloutState: RolloutState;
  rolloutStateReason: string;
}

export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  platformFamily: string;
  taskDefinition: string;
  deploymentConfiguration: DeploymentConfiguration;
  /** Newest first; the first is the PRIMARY deployment. */
  deployments: Deployment[];
  roleArn?: string;
  /** Newest first, at most 100, as AWS keeps them. */
  events: ServiceEvent[];
  createdAt: Date;
  createdBy: string;
  loadBalancers: LoadBalancer[];
  serviceRegistries: unknown[];
  networkConfiguration?: NetworkConfiguration;
  healthCheckGracePeriodSeconds?: number;
  schedulingStrategy: 'REPLICA';
  deploymentController: { type: 'ECS' };
  enableECSManagedTags: boolean;
  propagateTags: string;
  enableExecuteCommand: boolean;
  placementConstraints: unknown[];
  placementStrategy: unknown[];
}

export interface ManagedAgent {
  name: 'ExecuteCommandAgent';
  lastStatus: string;
  lastStartedAt?: Date;
}

export interface Container {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  networkInterfaces: { attachmentId: string; privateIpv4Address: string }[];
  healthStatus: string;
  managedAgents?: ManagedAgent[];
  cpu: string;
}

export interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: KeyValuePair[];
  [member: string]: unknown;
}

export interface TaskOverride {
  containerOverrides: ContainerOverride[];
  [member: string]: unknown;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

export interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType?: string;
  capacityProviderName?: string;
  cpu?: string;
  memory?: string;
  createdAt: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  connectivity?: string;
  connectivityAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  executionStoppedAt?: Date;
  stopCode?: string;
  stoppedReason?: string;
  group: string;
  startedBy?: string;
  version: number;
  containers: Container[];
  overrides: TaskOverride;
  attachments: { id: string; type: string; status: string; details: KeyValuePair[] }[];
  availabilityZone: string;
  platformVersion?: string;
  platformFamily: string;
  enableExecuteCommand: boolean;
  healthStatus: string;
  ephemeralStorage: { sizeInGiB: number };
}

export interface Cluster {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE';
  settings: KeyValuePair[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
}

/** What a one-off task did, as the `onRunTask` hook reports it. */
export interface OneOffOutcome {
  exitCode: number;
  logLines: string[];
}

export type RunTaskHook = (
  task: Task,
  taskDefinition: TaskDefinition,
  overrides: TaskOverride,
) => Promise<OneOffOutcome>;

export interface EcsFakeOptions {
  /** The logs fake, where task output goes and where awslogs log groups must exist. */
  logs?: LogsFake;
  /** Create a cluster the first time a call names it (default true); false answers ClusterNotFoundException. */
  autoCreateClusters?: boolean;
}

/** A session ExecuteCommand opened: what the agent side (a test server) needs to play it. */
export interface ExecSessionRecord {
  sessionId: string;
  tokenValue: string;
  taskArn: string;
  container: string;
  command: string;
  /** The SSM target, `ecs:<cluster>_<task id>_<runtime id>`: the KMS encryption context's TargetId. */
  targetId: string;
}

/** What the fake knows about a task beyond its AWS shape. */
interface TaskRun {
  serviceArn?: string;
  deploymentId?: string;
  /** Decided when the task is placed: its essential container will exit with 1. */
  fails: boolean;
  /** Why the task cannot start (an awslogs group that does not exist). */
  initError?: string;
  /** A one-off task whose outcome the `onRunTask` hook decides. */
  hooked: boolean;
  /** How the task ends once its desired status is STOPPED. */
  stop?: { code: string; reason: string };
}

const MUTATING = new Set([
  'RegisterTaskDefinition',
  'DeregisterTaskDefinition',
  'DeleteTaskDefinitions',
  'CreateService',
  'UpdateService',
  'DeleteService',
  'TagResource',
  'UntagResource',
  'RunTask',
  'StopTask',
  'ExecuteCommand',
]);

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const FARGATE_PLATFORM = '1.4.0';
const EXEC_AGENT = 'ExecuteCommandAgent';

export class EcsFake implements ServiceHandler {
  readonly signingName = 'ecs';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'AmazonEC2ContainerServiceV20141113';

  /** Clusters by name. */
  readonly clusters = new Map<string, Cluster>();
  /** Every revision ever registered, by ARN (deleted ones stay, DELETE_IN_PROGRESS). */
  readonly taskDefinitions = new Map<string, TaskDefinition>();
  /** Services by ARN, INACTIVE ones included until their name is reused. */
  readonly services = new Map<string, Service>();
  /** Tasks by ARN, stopped ones included. */
  readonly tasks = new Map<string, Task>();
  /** Tags of every taggable resource, by ARN. */
  readonly tags = new Map<string, EcsTag[]>();
  /** Steps the world has taken (one per `stepMs` of simulated time, or `step()`). */
  steps = 0;
  /** Simulated time per step: a task moves PROVISIONING → PENDING → RUNNING in two. */
  stepMs = 1000;
  /**
   * Simulated time from STOPPING to STOPPED: the agent's SIGTERM and the app's exit, within the
   * container's stop timeout (30 s by default on AWS). A service draining waits for it. One step by
   * default: the bundles' SDK waiters wait in wall time (15 s between looks) while the clock moves a
   * second per request, so a longer default would make a bundle's 2-minute wait run out.
   */
  stopMs = 1000;
  /** The simulated time the world was last brought up to. */
  private steppedTo: number | undefined;

  /** Decides a one-off task's outcome; without it one-off tasks run until StopTask. */
  onRunTask: RunTaskHook | undefined;
  /** Whether a newly placed task's essential container exits with 1; by default, when an image contains `fail`. */
  taskFails: (task: Task, taskDefinition: TaskDefinition) => boolean = (_task, td) =>
    td.containerDefinitions.some((c) => c.image.includes('fail'));
  /** Failed tasks that trip the circuit breaker, as AWS computes it: half the desired count, within 3..200. */
  failureThreshold: (desiredCount: number) => number = (desired) =>
    Math.min(200, Math.max(3, Math.ceil(desired / 2)));

  /** Where ExecuteCommand's streamUrl points (a test's agent server, `ws://127.0.0.1:PORT`). */
  execEndpoint: string | undefined;
  /** Sessions ExecuteCommand opened, by token value. */
  readonly execSessions = new Map<string, ExecSessionRecord>();
  /** Answer ExecuteCommand with TargetNotConnectedException this many more times. */
  execNotConnected = 0;

  private readonly runs = new Map<string, TaskRun>();
  /** Tasks by the deployment that started them, so a step does not scan every task per service. */
  private readonly deploymentTasks = new Map<string, Task[]>();
  /** The last deployment of each service that completed: where a circuit-breaker rollback goes. */
  private readonly lastCompleted = new Map<string, Deployment>();
  /** Services whose steady state has been announced since their last change. */
  private readonly steady = new Set<string>();
  /** Deployments whose placement or start trouble has been announced once already. */
  private readonly announced = new Set<string>();
  private readonly logs: LogsFake | undefined;
  private readonly autoCreateClusters: boolean;
  private addresses = 0;
  private changes = 0;

  constructor(
    private readonly ctx: FakeContext,
    options: EcsFakeOptions = {},
  ) {
    this.logs = options.logs;
    this.autoCreateClusters = options.autoCreateClusters ?? true;
  }

  isMutating(action: string): boolean {
    return MUTATING.has(action);
  }

  authorize(action: string, params: Record<string, unknown>): AuthorizationRequest[] {
    const str = (k: string) => (typeof params[k] === 'string' ? params[k] : undefined);
    const clusterName = this.clusterNameOf(str('cluster') ?? 'default');
    const clusterArn = this.ctx.arn('ecs', `cluster/${clusterName}`);
    const inCluster = { 'ecs:cluster': clusterArn };
    const tagsOn = (arn: string) => resourceTags(tagMap(this.tags.get(arn)));
    const serviceArn = (ref: string) =>
      ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `service/${clusterName}/${ref}`);
    const taskArn = (ref: string) =>
      ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `task/${clusterName}/${ref}`);
    const taskDefinitionArn = (ref: string) => {
      const td = this.findTaskDefinition(ref);
      if (td) return td.taskDefinitionArn;
      const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf(':task-definition/') + 17) : ref;
      return this.ctx.arn('ecs', `task-definition/${short.includes(':') ? short : `${short}:1`}`);
    };
    const newTags = tagMap(params.tags);
    // Tags on a create are authorised as ecs:TagResource too, with the create named in ecs:CreateAction.
    const tagWhileCreating = (arn: string) =>
      Object.keys(newTags).length
        ? [authz('ecs:TagResource', arn, requestTags(newTags), { 'ecs:CreateAction': action })]
        : [];
    const own = (resource: string, ...contexts: AuthorizationRequest['context'][]) =>
      authz(`ecs:${action}`, resource, ...contexts);
    switch (action) {
      case 'RegisterTaskDefinition': {
        const family = str('family') ?? '';
        const arn = this.ctx.arn(
          'ecs',
          `task-definition/${family}:${(this.latestRevision(family) ?? 0) + 1}`,
        );
        return [
          own(arn, requestTags(newTags)),
          ...tagWhileCreating(arn),
          ...passRoles([str('taskRoleArn'), str('executionRoleArn')], 'ecs-tasks.amazonaws.com'),
        ];
      }
      case 'DescribeTaskDefinition':
      case 'ListTaskDefinitions':
      case 'DeregisterTaskDefinition':
      case 'DeleteTaskDefinitions':
      case 'ListTasks':
      case 'ListServices':
        return [own('*', action === 'ListTasks' || action === 'ListServices' ? inCluster : {})];
      case 'CreateService': {
        const arn = serviceArn(str('serviceName') ?? '');
        return [own(arn, inCluster, requestTags(newTags)), ...tagWhileCreating(arn)];
      }
      case 'UpdateService':
      case 'DeleteService': {
        const arn = serviceArn(str('service') ?? '');
        return [own(arn, inCluster, tagsOn(arn))];
      }
      case 'DescribeServices':
        return ((params.services as string[] | undefined) ?? []).map((ref) => {
          const arn = serviceArn(ref);
          return own(arn, inCluster, tagsOn(arn));
        });
      case 'DescribeTasks':
        return ((params.tasks as string[] | undefined) ?? []).map((ref) => {
          const arn = taskArn(ref);
          return own(arn, inCluster, tagsOn(arn));
        });
      case 'StopTask': {
        const arn = taskArn(str('task') ?? '');
        return [own(arn, inCluster, tagsOn(arn))];
      }
      case 'RunTask': {
        const td = this.findTaskDefinition(str('taskDefinition') ?? '');
        const overrides = (params.overrides ?? {}) as { taskRoleArn?: string; executionRoleArn?: string };
        return [
          own(taskDefinitionArn(str('taskDefinition') ?? ''), inCluster, requestTags(newTags)),
          // The new task's id is not known before the call.
          ...tagWhileCreating(this.ctx.arn('ecs', `task/${clusterName}/new`)),
          ...passRoles(
            [overrides.taskRoleArn ?? td?.taskRoleArn, overrides.executionRoleArn ?? td?.executionRoleArn],
            'ecs-tasks.amazonaws.com',
          ),
        ];
      }
      case 'ExecuteCommand': {
        const arn = taskArn(str('task') ?? '');
        const container: Record<string, string> = str('container')
          ? { 'ecs:container-name': str('container')! }
          : {};
        return [own(clusterArn, inCluster, container), own(arn, inCluster, container, tagsOn(arn))];
      }
      case 'DescribeClusters':
        return ((params.clusters as string[] | undefined) ?? ['default']).map((c) =>
          own(this.ctx.arn('ecs', `cluster/${this.clusterNameOf(c)}`)),
        );
      case 'TagResource':
      case 'UntagResource':
      case 'ListTagsForResource': {
        const arn = str('resourceArn') ?? '';
        const keys: Record<string, string[]> =
          action === 'UntagResource' ? { 'aws:TagKeys': (params.tagKeys as string[]) ?? [] } : {};
        return [own(arn, tagsOn(arn), requestTags(newTags), keys)];
      }
      default:
        throw new Error(`no authorisation modelled for ecs:${action}`);
    }
  }

  private latestRevision(family: string): number | undefined {
    let max: number | undefined;
    for (const td of this.taskDefinitions.values())
      if (td.family === family && (max === undefined || td.revision > max)) max = td.revision;
    return max;
  }

  inventory(): ResourceRecord[] {
    return [
      ...[...this.clusters.entries()].map(([name, c]) => ({
        kind: 'ecs:cluster',
        name,
        tags: tagMap(this.tagsOf(c.clusterArn)),
      })),
      ...[...this.taskDefinitions.values()]
        .filter((td) => td.status === 'ACTIVE')
        .map((td) => ({
          kind: 'ecs:task-definition',
          name: `${td.family}:${td.revision}`,
          tags: tagMap(this.tagsOf(td.taskDefinitionArn)),
        })),
      ...[...this.services.values()]
        .filter((s) => s.status !== 'INACTIVE')
        .map((s) => ({
          kind: 'ecs:service',
          name: `${this.clusterNameOf(s.clusterArn)}/${s.serviceName}`,
          tags: tagMap(this.tagsOf(s.serviceArn)),
        })),
    ];
  }

  /** A cluster as the platform would have made it; Fargate is its default capacity provider. */
  seedCluster(name: string): Cluster {
    const cluster: Cluster = {
      clusterArn: this.ctx.arn('ecs', `cluster/${name}`),
      clusterName: name,
      status: 'ACTIVE',
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [],
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  /** The service named `name` in `cluster` (INACTIVE ones too). */
  service(cluster: string, name: string): Service | undefined {
    return this.services.get(this.ctx.arn('ecs', `service/${cluster}/${name}`));
  }

  /** The latest ACTIVE revision of a family. */
  latest(family: string): TaskDefinition | undefined {
    return [...this.taskDefinitions.values()]
      .filter((td) => td.family === family && td.status === 'ACTIVE')
      .sort((a, b) => b.revision - a.revision)[0];
  }

  /** The tasks a service started, optionally only those still meant to run. */
  tasksOf(service: Service, live = false): Task[] {
    return [...this.tasks.values()].filter(
      (t) =>
        this.runs.get(t.taskArn)?.serviceArn === service.serviceArn &&
        (!live || t.desiredStatus === 'RUNNING'),
    );
  }

  /** Set a service's desired count as Application Auto Scaling does (no deployment, no event). */
  scaleService(resourceId: string, desiredCount: number): void {
    const [, cluster, name] = resourceId.split('/');
    const service = cluster && name ? this.service(cluster, name) : undefined;
    if (!service || service.status !== 'ACTIVE') return;
    service.desiredCount = desiredCount;
    service.deployments[0]!.desiredCount = desiredCount;
    this.touch(service);
  }

  /** Advance the simulated world by one step: tasks move through their lifecycle, services converge. */
  step(): void {
    this.steps++;
    const now = this.ctx.now();
    for (const task of this.tasks.values()) this.advanceTask(task, now);
    for (const service of this.services.values()) this.advanceService(service, now);
  }

  /**
   * Take the steps the clock has moved since the last call. Once a step changes nothing the world
   * waits for a call that changes it, so a long jump of the clock costs no more than settling.
   */
  private catchUp(): void {
    const now = this.ctx.now().getTime();
    this.steppedTo ??= now;
    while (now - this.steppedTo >= this.stepMs) {
      this.steppedTo += this.stepMs;
      const before = this.changes;
      this.step();
      if (this.changes === before) {
        this.steppedTo = now - ((now - this.steppedTo) % this.stepMs);
        break;
      }
    }
  }

  /** Step until nothing changes (or `limit` steps): every deployment finished, failed or stuck. */
  settle(limit = 200): number {
    for (let n = 1; n <= limit; n++) {
      const before = this.changes;
      this.step();
      if (this.changes === before) return n;
    }
    return limit;
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    this.catchUp();
    const m = new RequestMembers(params, 'InvalidParameterException');
    switch (action) {
      case 'RegisterTaskDefinition':
        return toWire(this.registerTaskDefinition(m));
      case 'DescribeTaskDefinition': {
        const td = this.taskDefinitionOf(m.string('taskDefinition'), () =>
          this.client('Unable to describe task definition.'),
        );
        const withTags = m.optList<string>('include')?.includes('TAGS');
        return toWire({ taskDefinition: td, tags: withTags ? this.tagsOf(td.taskDefinitionArn) : undefined });
      }
      case 'ListTaskDefinitions':
        return this.listTaskDefinitions(m);
      case 'DeregisterTaskDefinition': {
        const ref = m.string('taskDefinition');
        if (!ref.includes(':')) throw this.client('Invalid revision number. Number: ' + ref);
        const td = this.taskDefinitionOf(ref, () =>
          this.client('The specified task definition does not exist.'),
        );
        if (td.status === 'ACTIVE') {
          td.status = 'INACTIVE';
          td.deregisteredAt = this.ctx.now();
        }
        return toWire({ taskDefinition: td });
      }
      case 'DeleteTaskDefinitions':
        return toWire(this.deleteTaskDefinitions(m));
      case 'CreateService':
        return toWire({ service: this.createService(m) });
      case 'UpdateService':
        return toWire({ service: this.updateService(m) });
      case 'DescribeServices':
        return toWire(this.describeServices(m));
      case 'ListServices':
        return this.listServices(m);
      case 'DeleteService':
        return toWire({ service: this.deleteService(m) });
      case 'TagResource': {
        const arn = this.taggable(m.string('resourceArn'));
        const tags = this.validTags(m.list<EcsTag>('tags'));
        const current = this.tagsOf(arn).filter((t) => !tags.some((n) => n.key === t.key));
        this.setTags(arn, [...current, ...tags]);
        return {};
      }
      case 'UntagResource': {
        const arn = this.taggable(m.string('resourceArn'));
        const keys = m.list<string>('tagKeys');
        this.setTags(
          arn,
          this.tagsOf(arn).filter((t) => !keys.includes(t.key)),
        );
        return {};
      }
      case 'ListTagsForResource':
        return { tags: this.tagsOf(this.taggable(m.string('resourceArn'))) };
      case 'ListTasks':
        return this.listTasks(m);
      case 'DescribeTasks':
        return toWire(this.describeTasks(m));
      case 'RunTask':
        return toWire(this.runTask(m));
      case 'StopTask':
        return toWire({ task: this.stopTask(m) });
      case 'DescribeClusters':
        return toWire(this.describeClusters(m));
      case 'ExecuteCommand':
        return this.executeCommand(m);
      default:
        throw unknownOperation('ecs', action);
    }
  }

  // ---- errors and lookups ----

  private client(message: string): AwsServiceError {
    return new AwsServiceError('ClientException', message);
  }

  private invalid(message: string): AwsServiceError {
    return new AwsServiceError('InvalidParameterException', message);
  }

  private clusterNameOf(ref: string): string {
    return ref.startsWith('arn:') ? ref.slice(ref.indexOf(':cluster/') + ':cluster/'.length) : ref;
  }

  private cluster(m: RequestMembers): Cluster {
    const name = this.clusterNameOf(m.optString('cluster') ?? 'default');
    const cluster = this.clusters.get(name);
    if (cluster) return cluster;
    if (!this.autoCreateClusters) throw new AwsServiceError('ClusterNotFoundException', 'Cluster not found.');
    return this.seedCluster(name);
  }

  /** `family` (latest ACTIVE), `family:revision` or an ARN. */
  private findTaskDefinition(ref: string): TaskDefinition | undefined {
    const marker = ':task-definition/';
    const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf(marker) + marker.length) : ref;
    const [family, revision] = short.split(':');
    return revision === undefined
      ? this.latest(family!)
      : this.taskDefinitions.get(this.ctx.arn('ecs', `task-definition/${family}:${revision}`));
  }

  private taskDefinitionOf(ref: string, missing: () => AwsServiceError): TaskDefinition {
    const td = this.findTaskDefinition(ref);
    if (!td) throw missing();
    return td;
  }

  private serviceIn(cluster: Cluster, ref: string): Service | undefined {
    const name = ref.startsWith('arn:') ? ref.split('/').pop()! : ref;
    return this.service(cluster.clusterName, name);
  }

  private activeService(cluster: Cluster, ref: string): Service {
    const service = this.serviceIn(cluster, ref);
    if (!service) throw new AwsServiceError('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE')
      throw new AwsServiceError('ServiceNotActiveException', 'Service was not ACTIVE.');
    return service;
  }

  private taskIn(cluster: Cluster, ref: string): Task | undefined {
    const id = ref.split('/').pop()!;
    return this.tasks.get(this.ctx.arn('ecs', `task/${cluster.clusterName}/${id}`));
  }

  private taggable(arn: string): string {
    const known =
      this.services.has(arn) ||
      this.taskDefinitions.has(arn) ||
      this.tasks.has(arn) ||
      [...this.clusters.values()].some((c) => c.clusterArn === arn);
    if (!known)
      throw new AwsServiceError('ResourceNotFoundException', 'The specified resource could not be found.');
    return arn;
  }

  private tagsOf(arn: string): EcsTag[] {
    return (this.tags.get(arn) ?? []).map((t) => ({ ...t }));
  }

  private setTags(arn: string, tags: EcsTag[]): void {
    if (tags.length) this.tags.set(arn, tags);
    else this.tags.delete(arn);
  }

  private validTags(tags: EcsTag[] | undefined): EcsTag[] {
    const list = (tags ?? []).map((t) => ({ key: String(t.key ?? ''), value: String(t.value ?? '') }));
    if (list.length > 50) throw this.invalid('Tags cannot exceed 50 tags per resource.');
    if (list.some((t) => t.key === '' || t.key.toLowerCase().startsWith('aws:'))) {
      throw this.invalid('Tag keys must be non-empty and cannot start with the reserved prefix aws:.');
    }
    return list;
  }

  private uuid(): string {
    const h = this.ctx.id(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private deploymentId(): string {
    return `ecs-svc/${BigInt(`0x${this.ctx.id(15)}`)
      .toString()
      .padStart(19, '0')
      .slice(-19)}`;
  }

  // ---- task definitions ----

  private registerTaskDefinition(m: RequestMembers): { taskDefinition: TaskDefinition; tags: EcsTag[] } {
    const family = m.string('family');
    if (!NAME.test(family)) {
      throw this.client(
        'Family contains invalid characters: up to 255 letters, numbers, hyphens and underscores are allowed.',
      );
    }
    const containers = m.list<ContainerDefinition>('containerDefinitions');
    if (containers.length === 0)
      throw this.client('Task definition must contain at least one container definition.');
    const networkMode = m.optString('networkMode') ?? 'bridge';
    const requires = m.optList<string>('requiresCompatibilities');
    const cpu = m.raw<string | number>('cpu');
    const memory = m.raw<string | number>('memory');
    const names = new Set<string>();
    for (const c of containers) {
      if (!c.name) throw this.client('Container.name should not be null or empty.');
      if (!c.image) throw this.client('Container.image should not be null or empty.');
      if (names.has(c.name)) throw this.client(`Duplicate container name: ${c.name}.`);
      names.add(c.name);
    }
    if (!containers.some((c) => c.essential !== false)) {
      throw this.client('At least one essential container is required.');
    }
    if (requires?.includes('FARGATE')) {
      if (networkMode !== 'awsvpc') throw this.client("Fargate only supports network mode 'awsvpc'.");
      if (cpu === undefined) throw this.client("Fargate requires that 'cpu' be defined at the task level.");
      if (memory === undefined)
        throw this.client("Fargate requires that 'memory' be defined at the task level.");
    }
    const tags = this.validTags(m.optList<EcsTag>('tags'));
    const revision =
      Math.max(
        0,
        ...[...this.taskDefinitions.values()].filter((td) => td.family === family).map((td) => td.revision),
      ) + 1;
    const arn = this.ctx.arn('ecs', `task-definition/${family}:${revision}`);
    const registered = copyOf(m.members());
    delete registered.tags;
    const td: TaskDefinition = {
      ...registered,
      taskDefinitionArn: arn,
      containerDefinitions: containers.map((c) => filledContainer(copyOf(c), networkMode)),
      family,
      networkMode,
      cpu: cpu === undefined ? undefined : String(cpu),
      memory: memory === undefined ? undefined : String(memory),
      revision,
      volumes: copyOf(m.optList('volumes') ?? []),
      status: 'ACTIVE',
      requiresAttributes: [],
      placementConstraints: copyOf(m.optList('placementConstraints') ?? []),
      compatibilities: networkMode === 'awsvpc' ? ['EC2', 'FARGATE'] : ['EXTERNAL', 'EC2'],
      registeredAt: this.ctx.now(),
      registeredBy: callerArn(this.ctx),
    };
    td.requiresAttributes = requiredAttributes(td);
    this.taskDefinitions.set(arn, td);
    this.setTags(arn, tags);
    return { taskDefinition: td, tags };
  }

  private listTaskDefinitions(m: RequestMembers): unknown {
    const family = m.optString('familyPrefix');
    const status = m.optString('status') ?? 'ACTIVE';
    if (!['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'].includes(status))
      throw this.invalid(`Invalid status: ${status}`);
    const sort = m.optString('sort') ?? 'ASC';
    const max = pageSize(m.optNumber('maxResults'), { default: 100, max: 100 }, (msg) => this.invalid(msg));
    // AWS matches familyPrefix against whole family names, despite its name.
    const all = [...this.taskDefinitions.values()]
      .filter((td) => td.status === status && (family === undefined || td.family === family))
      .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
      .map((td) => td.taskDefinitionArn);
    if (sort === 'DESC') all.reverse();
    const page = pageOf(all, m.optString('nextToken'), max, () => this.invalid('Invalid nextToken.'));
    return { taskDefinitionArns: page.items, nextToken: page.nextToken };
  }

  private deleteTaskDefinitions(m: RequestMembers): unknown {
    const refs = m.list<string>('taskDefinitions');
    if (refs.length === 0 || refs.length > 10)
      throw this.invalid('taskDefinitions must hold between 1 and 10 entries.');
    const deleted: TaskDefinition[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const td = ref.includes(':') ? this.findTaskDefinition(ref) : undefined;
      if (!td) failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
      else if (td.status === 'ACTIVE') {
        failures.push({
          arn: td.taskDefinitionArn,
          reason:
            'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
        });
      } else {
        td.status = 'DELETE_IN_PROGRESS';
        td.deleteRequestedAt ??= this.ctx.now();
        deleted.push(td);
      }
    }
    return { taskDefinitions: deleted, failures };
  }

  // ---- services ----

  private resolveLaunch(
    m: RequestMembers,
    cluster: Cluster,
  ): { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] } {
    const launchType = m.optString('launchType');
    const strategy = m.optList<CapacityProviderStrategyItem>('capacityProviderStrategy');
    if (launchType !== undefined && strategy !== undefined) {
      throw this.invalid(
        'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
      );
    }
    if (strategy !== undefined) return { capacityProviderStrategy: copyOf(strategy) };
    if (launchType !== undefined) return { launchType };
    if (cluster.defaultCapacityProviderStrategy.length) {
      return { capacityProviderStrategy: copyOf(cluster.defaultCapacityProviderStrategy) };
    }
    // AWS's default without a strategy is EC2, and this cluster has no container instances.
    return { launchType: 'EC2' };
  }

  private isFargate(launch: {
    launchType?: string;
    capacityProviderStrategy?: CapacityProviderStrategyItem[];
  }): boolean {
    return (
      launch.launchType === 'FARGATE' ||
      (launch.capacityProviderStrategy ?? []).some((p) => p.capacityProvider.startsWith('FARGATE'))
    );
  }

  private checkPlacement(
    td: TaskDefinition,
    launch: { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] },
    network: NetworkConfiguration | undefined,
  ): void {
    if (this.isFargate(launch) && !td.compatibilities.includes('FARGATE')) {
      throw this.invalid('Task definition does not support launch_type FARGATE.');
    }
    if (td.networkMode === 'awsvpc') {
      if (!network?.awsvpcConfiguration) {
        throw this.invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
      }
      if (!network.awsvpcConfiguration.subnets?.length) throw this.invalid('subnets can not be empty.');
    } else if (network) {
      throw this.invalid(
        'Network Configuration is not valid for the given networkMode of this task definition.',
      );
    }
  }

  private checkLoadBalancers(td: TaskDefinition, loadBalancers: LoadBalancer[]): void {
    for (const lb of loadBalancers) {
      if (!lb.targetGroupArn && !lb.loadBalancerName)
        throw this.invalid('Target group ARN must be provided.');
      const container = td.containerDefinitions.find((c) => c.name === lb.containerName);
      if (!container) {
        throw this.invalid(`The container ${lb.containerName} does not exist in the task definition.`);
      }
      if (!container.portMappings?.some((p) => p.containerPort === lb.containerPort)) {
        throw this.invalid(
          `The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`,
        );
      }
    }
  }

  private usableTaskDefinition(ref: string): TaskDefinition {
    const td = this.taskDefinitionOf(ref, () => this.invalid('TaskDefinition not found.'));
    if (td.status !== 'ACTIVE') throw this.invalid('TaskDefinition is inactive');
    return td;
  }

  private newDeployment(service: Service, td: TaskDefinition, reason = ''): Deployment {
    const now = this.ctx.now();
    return {
      id: this.deploymentId(),
      status: 'PRIMARY',
      taskDefinition: td.taskDefinitionArn,
      desiredCount: service.desiredCount,
      pendingCount: 0,
      runningCount: 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      launchType: service.launchType,
      capacityProviderStrategy: copyOf(service.capacityProviderStrategy),
      platformVersion: this.isFargate(service) ? FARGATE_PLATFORM : undefined,
      platformFamily: 'Linux',
      networkConfiguration: copyOf(service.networkConfiguration),
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: reason || 'ECS deployment in progress.',
    };
  }

  private deploymentConfiguration(
    given: Partial<DeploymentConfiguration> | undefined,
    base?: DeploymentConfiguration,
  ): DeploymentConfiguration {
    const merged = {
      ...(base ?? { maximumPercent: 200, minimumHealthyPercent: 100 }),
      ...copyOf(given ?? {}),
    };
    return {
      ...merged,
      maximumPercent: merged.maximumPercent ?? 200,
      minimumHealthyPercent: merged.minimumHealthyPercent ?? 100,
      deploymentCircuitBreaker: {
        enable: Boolean(merged.deploymentCircuitBreaker?.enable),
        rollback: Boolean(merged.deploymentCircuitBreaker?.rollback),
      },
    };
  }

  private createService(m: RequestMembers): Service {
    const cluster = this.cluster(m);
    const name = m.string('serviceName');
    if (!NAME.test(name))
      throw this.invalid('Service names can contain up to 255 letters, numbers, hyphens and underscores.');
    const existing = this.service(cluster.clusterName, name);
    if (existing?.status === 'ACTIVE') throw this.invalid('Creation of service was not idempotent.');
    if (existing?.status === 'DRAINING')
      throw this.invalid('Unable to Start a service that is still Draining.');
    const td = this.usableTaskDefinition(m.string('taskDefinition'));
    const desiredCount = m.optNumber('desiredCount');
    if (desiredCount === undefined)
      throw this.invalid('desiredCount is required for services with the REPLICA scheduling strategy.');
    if (desiredCount < 0) throw this.invalid('desiredCount cannot be negative.');
    const launch = this.resolveLaunch(m, cluster);
    const network = m.raw<NetworkConfiguration>('networkConfiguration');
    this.checkPlacement(td, launch, network);
    const loadBalancers = copyOf(m.optList<LoadBalancer>('loadBalancers') ?? []);
    this.checkLoadBalancers(td, loadBalancers);
    const grace = m.optNumber('healthCheckGracePeriodSeconds');
    if (grace !== undefined && loadBalancers.length === 0) {
      throw this.invalid(
        'Health check grace period is only valid for services configured to use load balancers',
      );
    }
    const tags = this.validTags(m.optList<EcsTag>('tags'));
    const arn = this.ctx.arn('ecs', `service/${cluster.clusterName}/${name}`);
    const service: Service = {
      serviceArn: arn,
      serviceName: name,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount,
      runningCount: 0,
      pendingCount: 0,
      ...launch,
      platformVersion: this.isFargate(launch) ? (m.optString('platformVersion') ?? 'LATEST') : undefined,
      platformFamily: 'Linux',
      taskDefinition: td.taskDefinitionArn,
      deploymentConfiguration: this.deploymentConfiguration(m.raw('deploymentConfiguration')),
      deployments: [],
      roleArn: loadBalancers.length
        ? `arn:aws:iam::${this.ctx.accountId}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`
        : undefined,
      events: [],
      createdAt: this.ctx.now(),
      createdBy: callerArn(this.ctx),
      loadBalancers,
      serviceRegistries: copyOf(m.optList('serviceRegistries') ?? []),
      networkConfiguration: copyOf(network),
      healthCheckGracePeriodSeconds: grace ?? (loadBalancers.length ? 0 : undefined),
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
      enableECSManagedTags: m.bool('enableECSManagedTags'),
      propagateTags: m.optString('propagateTags') ?? 'NONE',
      enableExecuteCommand: m.bool('enableExecuteCommand'),
      placementConstraints: copyOf(m.optList('placementConstraints') ?? []),
      placementStrategy: copyOf(m.optList('placementStrategy') ?? []),
    };
    service.deployments = [this.newDeployment(service, td)];
    // A name reused after deletion is a new service: forget the old one's history.
    this.lastCompleted.delete(arn);
    this.steady.delete(arn);
    this.services.set(arn, service);
    this.setTags(arn, tags);
    this.changes++;
    return service;
  }

  private updateService(m: RequestMembers): Service {
    const cluster = this.cluster(m);
    const service = this.activeService(cluster, m.string('service'));
    const primary = service.deployments[0]!;
    let td = this.taskDefinitionOf(primary.taskDefinition, () => this.invalid('TaskDefinition not found.'));
    let redeploy = m.bool('forceNewDeployment');
    const tdRef = m.optString('taskDefinition');
    if (tdRef !== undefined) {
      const next = this.usableTaskDefinition(tdRef);
      if (next.taskDefinitionArn !== primary.taskDefinition) redeploy = true;
      td = next;
    }
    if (m.optString('launchType') !== undefined || m.optList('capacityProviderStrategy') !== undefined) {
      const launch = this.resolveLaunch(m, cluster);
      service.launchType = launch.launchType;
      service.capacityProviderStrategy = launch.capacityProviderStrategy;
      redeploy = true;
    }
    const network = m.raw<NetworkConfiguration>('networkConfiguration');
    const loadBalancers = m.optList<LoadBalancer>('loadBalancers');
    this.checkPlacement(td, service, network ?? service.networkConfiguration);
    this.checkLoadBalancers(td, loadBalancers ?? service.loadBalancers);
    if (network !== undefined && JSON.stringify(network) !== JSON.stringify(service.networkConfiguration)) {
      service.networkConfiguration = copyOf(network);
      redeploy = true;
    }
    if (
      loadBalancers !== undefined &&
      JSON.stringify(loadBalancers) !== JSON.stringify(service.loadBalancers)
    ) {
      service.loadBalancers = copyOf(loadBalancers);
      redeploy = true;
    }
    const platformVersion = m.optString('platformVersion');
    if (platformVersion !== undefined && platformVersion !== service.platformVersion) {
      service.platformVersion = platformVersion;
      redeploy = true;
    }
    const grace = m.optNumber('healthCheckGracePeriodSeconds');
    if (grace !== undefined) {
      if (service.loadBalancers.length === 0) {
        throw this.invalid(
          'Health check grace period is only valid for services configured to use load balancers',
        );
      }
      service.healthCheckGracePeriodSeconds = grace;
    }
    const config = m.raw<Partial<DeploymentConfiguration>>('deploymentConfiguration');
    if (config !== undefined)
      service.deploymentConfiguration = this.deploymentConfiguration(config, service.deploymentConfiguration);
    const exec = m.optBool('enableExecuteCommand');
    if (exec !== undefined) service.enableExecuteCommand = exec;
    const managedTags = m.optBool('enableECSManagedTags');
    if (managedTags !== undefined) service.enableECSManagedTags = managedTags;
    const propagate = m.optString('propagateTags');
    if (propagate !== undefined) service.propagateTags = propagate;
    const registries = m.optList('serviceRegistries');
    if (registries !== undefined) service.serviceRegistries = copyOf(registries);
    // The desired count changes only when given: auto scaling may own it.
    const desired = m.optNumber('desiredCount');
    if (desired !== undefined) {
      if (desired < 0) throw this.invalid('desiredCount cannot be negative.');
      service.desiredCount = desired;
      primary.desiredCount = desired;
    }
    if (redeploy) {
      primary.status = 'ACTIVE';
      primary.updatedAt = this.ctx.now();
      service.taskDefinition = td.taskDefinitionArn;
      service.deployments.unshift(this.newDeployment(service, td));
    }
    this.touch(service);
    return service;
  }

  private describeServices(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const refs = m.list<string>('services');
    if (refs.length === 0) throw this.invalid('Services cannot be empty.');
    if (refs.length > 10) throw this.invalid('Services cannot be more than 10.');
    const withTags = m.optList<string>('include')?.includes('TAGS');
    const services: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const service = this.serviceIn(cluster, ref);
      if (!service) {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `service/${cluster.clusterName}/${ref}`),
          reason: 'MISSING',
        });
      } else {
        services.push({ ...service, tags: withTags ? this.tagsOf(service.serviceArn) : undefined });
      }
    }
    return { services, failures };
  }

  private listServices(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const max = pageSize(m.optNumber('maxResults'), { default: 10, max: 100 }, (msg) => this.invalid(msg));
    const launchType = m.optString('launchType');
    const all = [...this.services.values()]
      .filter(
        (s) =>
          s.clusterArn === cluster.clusterArn &&
          s.status !== 'INACTIVE' &&
          (launchType === undefined || s.launchType === launchType),
      )
      .map((s) => s.serviceArn);
    const page = pageOf(all, m.optString('nextToken'), max, () => this.invalid('Invalid nextToken.'));
    return { serviceArns: page.items, nextToken: page.nextToken };
  }

  private deleteService(m: RequestMembers): Service {
    const cluster = this.cluster(m);
    const service = this.activeService(cluster, m.string('service'));
    if (service.desiredCount > 0 && !m.bool('force')) {
      throw this.invalid('The service cannot be stopped while it is scaled above 0.');
    }
    service.desiredCount = 0;
    for (const d of service.deployments) d.desiredCount = 0;
    service.status = 'DRAINING';
    this.touch(service);
    return service;
  }

  // ---- tasks ----

  private listTasks(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const family = m.optString('family');
    const serviceName = m.optString('serviceName');
    const startedBy = m.optString('startedBy');
    if (startedBy !== undefined && (family !== undefined || serviceName !== undefined)) {
      throw this.invalid('startedBy must be the only filter when it is given.');
    }
    const desired = m.optString('desiredStatus') ?? 'RUNNING';
    if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired))
      throw this.invalid(`Invalid desiredStatus: ${desired}`);
    const launchType = m.optString('launchType');
    const max = pageSize(m.optNumber('maxResults'), { default: 100, max: 100 }, (msg) => this.invalid(msg));
    const all = [...this.tasks.values()]
      .filter(
        (t) =>
          t.clusterArn === cluster.clusterArn &&
          // As documented, PENDING is accepted and lists nothing: ECS never sets that desired status.
          t.desiredStatus === desired &&
          (serviceName === undefined || t.group === `service:${serviceName}`) &&
          (family === undefined || this.taskDefinitions.get(t.taskDefinitionArn)?.family === family) &&
          (startedBy === undefined || t.startedBy === startedBy) &&
          (launchType === undefined || t.launchType === launchType),
      )
      .map((t) => t.taskArn);
    const page = pageOf(all, m.optString('nextToken'), max, () => this.invalid('Invalid nextToken.'));
    return { taskArns: page.items, nextToken: page.nextToken };
  }

  private describeTasks(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const refs = m.list<string>('tasks');
    if (refs.length === 0) throw this.invalid('Tasks cannot be empty.');
    if (refs.length > 100) throw this.invalid('Tasks cannot be more than 100.');
    const withTags = m.optList<string>('include')?.includes('TAGS');
    const tasks: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const task = this.taskIn(cluster, ref);
      if (!task) {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `task/${cluster.clusterName}/${ref}`),
          reason: 'MISSING',
        });
      } else {
        tasks.push({ ...task, tags: withTags ? this.tagsOf(task.taskArn) : undefined });
      }
    }
    return { tasks, failures };
  }

  private runTask(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const td = this.taskDefinitionOf(m.string('taskDefinition'), () =>
      this.invalid('TaskDefinition not found.'),
    );
    if (td.status !== 'ACTIVE') throw this.client('TaskDefinition is inactive');
    const count = m.optNumber('count') ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10)
      throw this.invalid('count must be between 1 and 10.');
    const launch = this.resolveLaunch(m, cluster);
    const network = m.raw<NetworkConfiguration>('networkConfiguration');
    this.checkPlacement(td, launch, network);
    const startedBy = m.optString('startedBy');
    if (startedBy !== undefined && startedBy.length > 36)
      throw this.invalid('startedBy cannot be longer than 36 characters.');
    const overrides = copyOf(m.raw<Partial<TaskOverride>>('overrides') ?? {});
    const containerOverrides = overrides.containerOverrides ?? [];
    for (const o of containerOverrides) {
      if (!td.containerDefinitions.some((c) => c.name === o.name)) {
        throw this.invalid(
          `Override for container named ${o.name} is not a container in the TaskDefinition.`,
        );
      }
    }
    const taskOverride: TaskOverride = {
      ...overrides,
      containerOverrides,
      inferenceAcceleratorOverrides: [],
    };
    const tags = this.validTags(m.optList<EcsTag>('tags'));
    if (!this.isFargate(launch)) {
      // No container instances ever join the fake's clusters.
      return {
        tasks: [],
        failures: Array.from({ length: count }, () => ({
          reason: 'No Container Instances were found in your cluster.',
        })),
      };
    }
    const tasks: Task[] = [];
    for (let i = 0; i < count; i++) {
      const task = this.placeTask(cluster, td, {
        group: m.optString('group') ?? `family:${td.family}`,
        startedBy,
        launch,
        network,
        overrides: taskOverride,
        enableExecuteCommand: m.bool('enableExecuteCommand'),
        tags:
          m.optString('propagateTags') === 'TASK_DEFINITION'
            ? [...this.tagsOf(td.taskDefinitionArn), ...tags]
            : tags,
        run: { fails: false, hooked: false },
      });
      tasks.push(task);
      this.startOneOff(task, td, taskOverride);
    }
    return { tasks, failures: [] };
  }

  /** Hand a one-off task to the `onRunTask` hook; its answer stops the task and fills the log stream. */
  private startOneOff(task: Task, td: TaskDefinition, overrides: TaskOverride): void {
    const run = this.runs.get(task.taskArn)!;
    const hook = this.onRunTask;
    if (!hook || run.initError) {
      run.fails = !run.initError && this.taskFails(task, td);
      return;
    }
    run.hooked = true;
    const snapshot = structuredClone(task);
    // After this answer is sent: a hook that resolves at once must not change the RunTask response.
    void Promise.resolve()
      .then(() => hook(snapshot, structuredClone(td), structuredClone(overrides)))
      .then(
        (outcome) => {
          if (task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') return;
          const now = this.ctx.now();
          this.markStarted(task, td, now);
          const target = this.logTarget(td, task, overrides.containerOverrides?.[0]?.name);
          if (target && this.logs) this.logs.append(target.group, target.stream, outcome.logLines);
          this.stop(
            task,
            now,
            'EssentialContainerExited',
            'Essential container in task exited',
            outcome.exitCode,
          );
        },
        (err: unknown) => {
          if (task.lastStatus === 'STOPPED') return;
          // A hook error may carry the exact reason ECS gives (`CannotPullContainerError: …`).
          const given = (err as { stoppedReason?: unknown }).stoppedReason;
          this.stop(
            task,
            this.ctx.now(),
            'TaskFailedToStart',
            typeof given === 'string' ? given : `CannotStartContainerError: ${(err as Error).message}`,
          );
        },
      );
  }

  /** ECS ExecuteCommand: the checks and messages AWS answers with, then a session on `execEndpoint`. */
  private executeCommand(m: RequestMembers): unknown {
    const cluster = this.cluster(m);
    const task = this.taskIn(cluster, m.string('task'));
    const command = m.string('command');
    if (!m.bool('interactive')) throw this.invalid('Interactive is the only mode supported currently.');
    if (!task) throw this.invalid('The referenced task was not found.');
    const name = m.optString('container');
    if (name === undefined && task.containers.length > 1)
      throw this.invalid('Container name is required when the task has more than one container.');
    const container = name === undefined ? task.containers[0] : task.containers.find((c) => c.name === name);
    if (!container) throw this.invalid(`The container ${name} does not exist in the task.`);
    const agent = container.managedAgents?.find((a) => a.name === EXEC_AGENT);
    if (task.lastStatus !== 'RUNNING' || !task.enableExecuteCommand || agent?.lastStatus !== 'RUNNING')
      throw this.invalid(
        "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. " +
          'Wait and try again or run a new task with execute command enabled and try again.',
      );
    if (this.execNotConnected > 0) {
      this.execNotConnected--;
      throw new AwsServiceError(
        'TargetNotConnectedException',
        'The execute command failed due to an internal error. Try again later.',
      );
    }
    if (!this.execEndpoint)
      throw new AwsServiceError('ServerException', 'No exec endpoint is configured on the fake.', 500);
    const sessionId = `ecs-execute-command-${this.ctx.id(17)}`;
    const tokenValue = `token-${this.ctx.id(32)}`;
    this.execSessions.set(tokenValue, {
      sessionId,
      tokenValue,
      taskArn: task.taskArn,
      container: container.name,
      command,
      targetId: `ecs:${cluster.clusterName}_${task.taskArn.split('/').pop()}_${container.runtimeId ?? ''}`,
    });
    return {
      clusterArn: cluster.clusterArn,
      containerArn: container.containerArn,
      containerName: container.name,
      interactive: true,
      taskArn: task.taskArn,
      session: {
        sessionId,
        streamUrl: `${this.execEndpoint}/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=1`,
        tokenValue,
      },
    };
  }

  private stopTask(m: RequestMembers): Task {
    const cluster = this.cluster(m);
    const task = this.taskIn(cluster, m.string('task'));
    if (!task) throw this.invalid('The referenced task was not found.');
    if (task.desiredStatus !== 'STOPPED') {
      this.requestStop(task, 'UserInitiated', m.optString('reason') ?? 'Task stopped by user');
    }
    return task;
  }

  private describeClusters(m: RequestMembers): unknown {
    const names = m.optList<string>('clusters') ?? ['default'];
    const withTags = m.optList<string>('include')?.includes('TAGS');
    const clusters: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of names) {
      const cluster = this.clusters.get(this.clusterNameOf(ref));
      if (!cluster) {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : this.ctx.arn('ecs', `cluster/${ref}`),
          reason: 'MISSING',
        });
        continue;
      }
      const tasks = [...this.tasks.values()].filter((t) => t.clusterArn === cluster.clusterArn);
      clusters.push({
        ...cluster,
        registeredContainerInstancesCount: 0,
        runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
        pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING')
          .length,
        activeServicesCount: [...this.services.values()].filter(
          (s) => s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE',
        ).length,
        statistics: [],
        tags: withTags ? this.tagsOf(cluster.clusterArn) : undefined,
      });
    }
    return { clusters, failures };
  }

  // ---- the simulated world ----

  private placeTask(
    cluster: Cluster,
    td: TaskDefinition,
    how: {
      group: string;
      startedBy?: string;
      launch: { launchType?: string; capacityProviderStrategy?: CapacityProviderStrategyItem[] };
      network?: NetworkConfiguration;
      overrides: TaskOverride;
      enableExecuteCommand: boolean;
      tags: EcsTag[];
      run: TaskRun;
    },
  ): Task {
    const id = this.ctx.id(32);
    const arn = this.ctx.arn('ecs', `task/${cluster.clusterName}/${id}`);
    const n = ++this.addresses;
    const address = `10.0.${(n >> 8) & 255}.${n & 255}`;
    const eni = this.uuid();
    const subnet = how.network?.awsvpcConfiguration?.subnets?.[0];
    const task: Task = {
      taskArn: arn,
      clusterArn: cluster.clusterArn,
      taskDefinitionArn: td.taskDefinitionArn,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: how.launch.launchType,
      capacityProviderName: how.launch.capacityProviderStrategy?.[0]?.capacityProvider,
      cpu: td.cpu,
      memory: td.memory,
      createdAt: this.ctx.now(),
      group: how.group,
      startedBy: how.startedBy,
      version: 1,
      containers: td.containerDefinitions.map((c) => ({
        containerArn: this.ctx.arn('ecs', `container/${cluster.clusterName}/${id}/${this.uuid()}`),
        taskArn: arn,
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING',
        networkInterfaces:
          td.networkMode === 'awsvpc' ? [{ attachmentId: eni, privateIpv4Address: address }] : [],
        healthStatus: 'UNKNOWN',
        managedAgents: how.enableExecuteCommand ? [{ name: EXEC_AGENT, lastStatus: 'PENDING' }] : undefined,
        cpu: text(c.cpu ?? 0),
      })),
      overrides: how.overrides,
      attachments:
        td.networkMode === 'awsvpc'
          ? [
              {
                id: eni,
                type: 'ElasticNetworkInterface',
                status: 'PRECREATED',
                details: [
                  ...(subnet ? [{ name: 'subnetId', value: subnet }] : []),
                  { name: 'networkInterfaceId', value: `eni-${this.ctx.id(17)}` },
                  { name: 'privateIPv4Address', value: address },
                ],
              },
            ]
          : [],
      availabilityZone: `${this.ctx.region}a`,
      platformVersion: this.isFargate(how.launch) ? FARGATE_PLATFORM : undefined,
      platformFamily: 'Linux',
      enableExecuteCommand: how.enableExecuteCommand,
      healthStatus: 'UNKNOWN',
      ephemeralStorage: { sizeInGiB: 20 },
    };
    this.tasks.set(arn, task);
    this.runs.set(arn, { ...how.run, initError: this.logProblem(td) });
    if (how.run.deploymentId) {
      const list = this.deploymentTasks.get(how.run.deploymentId) ?? [];
      list.push(task);
      this.deploymentTasks.set(how.run.deploymentId, list);
    }
    this.setTags(arn, how.tags);
    this.changes++;
    return task;
  }

  /** The awslogs stream of a task's first container that logs there. */
  /** Where a container's output goes: the named one's (the one a one-off task's override ran), else the first that logs. */
  private logTarget(
    td: TaskDefinition,
    task: Task,
    containerName?: string,
  ): { group: string; stream: string } | undefined {
    const logs = (c: ContainerDefinition) => c.logConfiguration?.logDriver === 'awslogs';
    const container =
      containerName === undefined
        ? td.containerDefinitions.find(logs)
        : td.containerDefinitions.find((c) => c.name === containerName && logs(c));
    const options = container?.logConfiguration?.options ?? {};
    const group = options['awslogs-group'];
    if (!container || !group) return undefined;
    const prefix = options['awslogs-stream-prefix'];
    const id = task.taskArn.split('/').pop()!;
    return { group, stream: prefix ? `${prefix}/${container.name}/${id}` : id };
  }

  /** Why the awslogs driver would refuse to start this task's containers, if it would. */
  private logProblem(td: TaskDefinition): string | undefined {
    if (!this.logs) return undefined;
    for (const c of td.containerDefinitions) {
      const options =
        c.logConfiguration?.logDriver === 'awslogs' ? (c.logConfiguration.options ?? {}) : undefined;
      const group = options?.['awslogs-group'];
      if (!group || this.logs.groups.has(group) || options['awslogs-create-group'] === 'true') continue;
      return (
        'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ' +
        'failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1'
      );
    }
    return undefined;
  }

  private markStarted(task: Task, td: TaskDefinition, now: Date): void {
    task.lastStatus = 'RUNNING';
    task.pullStartedAt ??= now;
    task.pullStoppedAt ??= now;
    task.startedAt ??= now;
    task.connectivity = 'CONNECTED';
    task.connectivityAt ??= now;
    for (const a of task.attachments) a.status = 'ATTACHED';
    task.containers.forEach((c, i) => {
      c.runtimeId ??= `${task.taskArn.split('/').pop()}-${1000000000 + this.addresses * 7 + i}`;
      c.lastStatus = 'RUNNING';
      for (const agent of c.managedAgents ?? []) {
        agent.lastStatus = 'RUNNING';
        agent.lastStartedAt = now;
      }
    });
    if (this.logs) {
      for (const c of td.containerDefinitions) {
        const options = c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined;
        const group = options?.['awslogs-group'];
        if (!group) continue;
        if (!this.logs.groups.has(group)) this.logs.seedGroup(group);
        const id = task.taskArn.split('/').pop()!;
        const prefix = options['awslogs-stream-prefix'];
        this.logs.ensureStream(group, prefix ? `${prefix}/${c.name}/${id}` : id);
      }
    }
    task.version++;
    this.changes++;
  }

  private requestStop(task: Task, code: string, reason: string): void {
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = this.ctx.now();
    task.version++;
    this.runs.get(task.taskArn)!.stop = { code, reason };
    this.changes++;
  }

  private stop(task: Task, now: Date, code: string, reason: string, exitCode?: number): void {
    const started = task.startedAt !== undefined;
    task.lastStatus = 'STOPPED';
    task.desiredStatus = 'STOPPED';
    task.stoppingAt ??= now;
    task.stoppedAt = now;
    task.executionStoppedAt = now;
    task.stopCode = code;
    task.stoppedReason = reason;
    task.connectivity = 'DISCONNECTED';
    for (const a of task.attachments) a.status = 'DELETED';
    task.containers.forEach((c, i) => {
      c.lastStatus = 'STOPPED';
      // Only the essential (first) container carries the reported exit code; a container that never
      // started has none.
      if (started) c.exitCode = i === 0 && exitCode !== undefined ? exitCode : (c.exitCode ?? 0);
      if (!started && code === 'TaskFailedToStart') c.reason = reason;
      for (const agent of c.managedAgents ?? []) agent.lastStatus = 'STOPPED';
    });
    task.version++;
    this.changes++;
    const run = this.runs.get(task.taskArn);
    if (run?.serviceArn && (code === 'EssentialContainerExited' || code === 'TaskFailedToStart')) {
      const service = this.services.get(run.serviceArn);
      const deployment = service?.deployments.find((d) => d.id === run.deploymentId);
      if (deployment) deployment.failedTasks++;
      if (service) this.steady.delete(service.serviceArn);
    }
  }

  private advanceTask(task: Task, now: Date): void {
    if (task.lastStatus === 'STOPPED') return;
    const run = this.runs.get(task.taskArn)!;
    if (task.desiredStatus === 'STOPPED') {
      const why = run.stop ?? { code: 'UserInitiated', reason: 'Task stopped by user' };
      if (task.lastStatus === 'RUNNING') {
        task.lastStatus = 'STOPPING';
        task.version++;
        this.changes++;
      } else if (
        task.lastStatus === 'STOPPING' &&
        now.getTime() - (task.stoppingAt ?? now).getTime() < this.stopMs
      ) {
        // Still stopping: the container has until its stop timeout to exit.
      } else {
        // SIGTERM from the agent: the process exits 143 unless it handles the signal.
        this.stop(task, now, why.code, why.reason, task.startedAt ? 143 : undefined);
      }
      return;
    }
    if (task.lastStatus === 'PROVISIONING') {
      task.lastStatus = 'PENDING';
      task.pullStartedAt = now;
      for (const a of task.attachments) a.status = 'ATTACHED';
      task.version++;
      this.changes++;
    } else if (task.lastStatus === 'PENDING' && !run.hooked) {
      task.pullStoppedAt = now;
      const td = this.taskDefinitions.get(task.taskDefinitionArn)!;
      if (run.initError) this.stop(task, now, 'TaskFailedToStart', run.initError);
      else if (run.fails) {
        this.markStarted(task, td, now);
        this.stop(task, now, 'EssentialContainerExited', 'Essential container in task exited', 1);
      } else this.markStarted(task, td, now);
    } else if (task.lastStatus === 'PENDING' && run.hooked) {
      // A one-off task waiting for its hook looks like any running task meanwhile.
      this.markStarted(task, this.taskDefinitions.get(task.taskDefinitionArn)!, now);
    }
  }

  private event(service: Service, message: string): void {
    service.events.unshift({
      id: this.uuid(),
      createdAt: this.ctx.now(),
      message: `(service ${service.serviceName}) ${message}`,
    });
    service.events.length = Math.min(service.events.length, 100);
  }

  /** Note a change to a service: it is no longer known to be steady. */
  private touch(service: Service): void {
    this.steady.delete(service.serviceArn);
    this.changes++;
  }

  private taskList(tasks: Task[]): string {
    return tasks.map((t) => `(task ${t.taskArn.split('/').pop()})`).join(' ');
  }

  private advanceService(service: Service, now: Date): void {
    if (service.status === 'INACTIVE') return;
    const tasksOf = (d: Deployment) => this.deploymentTasks.get(d.id) ?? [];
    const live = (d: Deployment) => tasksOf(d).filter((t) => t.desiredStatus === 'RUNNING');
    const alive = (d: Deployment) => tasksOf(d).filter((t) => t.lastStatus !== 'STOPPED');
    const running = (d: Deployment) =>
      tasksOf(d).filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
    const stopAll = (tasks: Task[], by: Deployment | undefined) => {
      if (tasks.length === 0) return;
      const reason = by ? `Scaling activity initiated by (deployment ${by.id})` : 'Service is being deleted';
      for (const t of tasks) this.requestStop(t, 'ServiceSchedulerInitiated', reason);
      const started = tasks.filter((t) => t.lastStatus === 'RUNNING');
      if (started.length)
        this.event(service, `has stopped ${started.length} running tasks: ${this.taskList(started)}.`);
    };

    if (service.status === 'DRAINING') {
      for (const d of service.deployments) stopAll(live(d), undefined);
      if (service.deployments.every((d) => alive(d).length === 0)) {
        service.status = 'INACTIVE';
        this.changes++;
      }
      this.count(service, tasksOf);
      return;
    }

    // The circuit breaker first (or AWS's warning when it is off): a failed deployment starts no more
    // tasks, and a rollback becomes the primary deployment at once.
    const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
    const current = service.deployments[0]!;
    if (
      current.rolloutState === 'IN_PROGRESS' &&
      current.failedTasks >= this.failureThreshold(current.desiredCount)
    ) {
      if (breaker.enable) {
        current.rolloutState = 'FAILED';
        current.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
        current.updatedAt = now;
        this.event(service, `(deployment ${current.id}) deployment failed: tasks failed to start.`);
        stopAll(live(current), current);
        const target = this.lastCompleted.get(service.serviceArn);
        if (breaker.rollback && target) {
          const td = this.taskDefinitions.get(target.taskDefinition)!;
          current.status = 'ACTIVE';
          service.taskDefinition = td.taskDefinitionArn;
          const rollback = this.newDeployment(
            service,
            td,
            `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`,
          );
          service.deployments.unshift(rollback);
          this.event(service, `rolling back to deployment ${target.id}.`);
        }
        this.changes++;
      } else if (!this.announced.has(`${current.id}:failing`)) {
        this.announced.add(`${current.id}:failing`);
        this.event(
          service,
          'is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.',
        );
      }
    }

    const [primary, ...older] = service.deployments as [Deployment, ...Deployment[]];
    // Start what the primary deployment lacks, or stop what it has too many of.
    if (primary.rolloutState !== 'FAILED') {
      const placed = live(primary);
      const missing = primary.desiredCount - placed.length;
      if (missing > 0) {
        if (!this.isFargate(service)) {
          if (!this.announced.has(`${primary.id}:placement`)) {
            this.announced.add(`${primary.id}:placement`);
            this.event(
              service,
              'was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster.',
            );
          }
        } else {
          const td = this.taskDefinitions.get(primary.taskDefinition)!;
          const cluster = this.clusters.get(this.clusterNameOf(service.clusterArn))!;
          const started: Task[] = [];
          for (let i = 0; i < missing; i++) {
            const task = this.placeTask(cluster, td, {
              group: `service:${service.serviceName}`,
              startedBy: primary.id,
              launch: service,
              network: service.networkConfiguration,
              overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
              enableExecuteCommand: service.enableExecuteCommand,
              tags: this.propagatedTags(service, td),
              run: { serviceArn: service.serviceArn, deploymentId: primary.id, fails: false, hooked: false },
            });
            this.runs.get(task.taskArn)!.fails = this.taskFails(task, td);
            started.push(task);
          }
          this.event(service, `has started ${started.length} tasks: ${this.taskList(started)}.`);
        }
      } else if (missing < 0) {
        stopAll(placed.slice(0, -missing), primary);
      }
    }

    // Once the primary deployment is healthy, the older ones drain and then disappear.
    if (running(primary).length >= primary.desiredCount) {
      for (const d of older) stopAll(live(d), primary);
      const remaining = older.filter((d) => alive(d).length > 0);
      if (remaining.length !== older.length) {
        service.deployments = [primary, ...remaining];
        this.changes++;
      }
    }

    this.count(service, tasksOf);

    // Completion and steady state.
    const steadyNow =
      service.deployments.length === 1 &&
      primary.rolloutState !== 'FAILED' &&
      running(primary).length === primary.desiredCount &&
      alive(primary).length === primary.desiredCount;
    if (steadyNow && primary.rolloutState === 'IN_PROGRESS') {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = now;
      this.lastCompleted.set(service.serviceArn, primary);
      this.event(service, `(deployment ${primary.id}) deployment completed.`);
      this.changes++;
    }
    if (steadyNow && !this.steady.has(service.serviceArn)) {
      this.steady.add(service.serviceArn);
      this.event(service, 'has reached a steady state.');
      this.changes++;
    }
  }

  private count(service: Service, tasksOf: (d: Deployment) => Task[]): void {
    let running = 0;
    let pending = 0;
    for (const d of service.deployments) {
      const tasks = tasksOf(d);
      d.runningCount = tasks.filter((t) => t.lastStatus === 'RUNNING').length;
      d.pendingCount = tasks.filter(
        (t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING',
      ).length;
      running += d.runningCount;
      pending += d.pendingCount;
    }
    service.runningCount = running;
    service.pendingCount = pending;
  }

  private propagatedTags(service: Service, td: TaskDefinition): EcsTag[] {
    const tags =
      service.propagateTags === 'SERVICE'
        ? this.tagsOf(service.serviceArn)
        : service.propagateTags === 'TASK_DEFINITION'
          ? this.tagsOf(td.taskDefinitionArn)
          : [];
    if (service.enableECSManagedTags) {
      tags.push(
        { key: 'aws:ecs:serviceName', value: service.serviceName },
        { key: 'aws:ecs:clusterName', value: this.clusterNameOf(service.clusterArn) },
      );
    }
    return tags;
  }
}

/** A container definition with the defaults AWS writes into what DescribeTaskDefinition answers. */
function filledContainer(c: ContainerDefinition, networkMode: string): ContainerDefinition {
  return {
    ...c,
    cpu: c.cpu ?? 0,
    portMappings: (c.portMappings ?? []).map((p) => ({
      ...p,
      // awsvpc and host networking publish the container port itself.
      hostPort:
        p.hostPort ?? (networkMode === 'awsvpc' || networkMode === 'host' ? p.containerPort : undefined),
      protocol: p.protocol ?? 'tcp',
    })),
    essential: c.essential ?? true,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  };
}

/** The capability attributes AWS derives from a task definition (a representative subset). */
function requiredAttributes(td: TaskDefinition): { name: string }[] {
  const names = new Set<string>();
  const containers = td.containerDefinitions;
  if (td.networkMode === 'awsvpc') {
    names.add('ecs.capability.task-eni');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.18');
  }
  if (td.taskRoleArn) names.add('com.amazonaws.ecs.capability.task-iam-role');
  if (containers.some((c) => c.logConfiguration?.logDriver === 'awslogs')) {
    names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
    if (td.executionRoleArn) names.add('ecs.capability.execution-role-awslogs');
  }
  if (td.executionRoleArn && containers.some((c) => /\.dkr\.ecr\./.test(c.image))) {
    names.add('ecs.capability.execution-role-ecr-pull');
  }
  for (const c of containers) {
    for (const s of (c.secrets as { valueFrom?: string }[] | undefined) ?? []) {
      names.add(
        s.valueFrom?.includes(':secretsmanager:')
          ? 'ecs.capability.secrets.asm.environment-variables'
          : 'ecs.capability.secrets.ssm.environment-variables',
      );
    }
    if (c.healthCheck) names.add('ecs.capability.container-health-check');
  }
  for (const v of td.volumes as { efsVolumeConfiguration?: { authorizationConfig?: { iam?: string } } }[]) {
    if (!v.efsVolumeConfiguration) continue;
    names.add('ecs.capability.efs');
    names.add('com.amazonaws.ecs.capability.docker-remote-api.1.25');
    if (v.efsVolumeConfiguration.authorizationConfig?.iam === 'ENABLED') names.add('ecs.capability.efsAuth');
  }
  return [...names].map((name) => ({ name }));
}
