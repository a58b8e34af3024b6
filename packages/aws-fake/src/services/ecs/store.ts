// The ECS fake's one store: every cluster, task definition, service and task, their tags, and the
// lookups and errors every part of the fake shares. The parts build on it in layers, each in a file of
// its own: task definitions, then tasks (placement, one-off tasks, exec), then services (deployments,
// the circuit breaker), and the ServiceHandler on top (services/ecs.ts).
import { AwsServiceError } from '../../errors.js';
import type { FakeContext } from '../../types.js';
import type { LogsFake } from '../logs.js';
import { RequestMembers } from '../json-protocol.js';
import type {
  Cluster,
  Deployment,
  EcsFakeOptions,
  EcsTag,
  ExecSessionRecord,
  RunTaskHook,
  Service,
  Task,
  TaskDefinition,
  TaskRun,
} from './types.js';

export const MUTATING = new Set([
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

export const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
export const FARGATE_PLATFORM = '1.4.0';
export const EXEC_AGENT = 'ExecuteCommandAgent';

export class EcsStore {
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
  protected steppedTo: number | undefined;

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

  protected readonly runs = new Map<string, TaskRun>();
  /** Tasks by the deployment that started them, so a step does not scan every task per service. */
  protected readonly deploymentTasks = new Map<string, Task[]>();
  /** The last deployment of each service that completed: where a circuit-breaker rollback goes. */
  protected readonly lastCompleted = new Map<string, Deployment>();
  /** Services whose steady state has been announced since their last change. */
  protected readonly steady = new Set<string>();
  /** Deployments whose placement or start trouble has been announced once already. */
  protected readonly announced = new Set<string>();
  protected readonly logs: LogsFake | undefined;
  protected readonly autoCreateClusters: boolean;
  protected addresses = 0;
  protected changes = 0;

  constructor(
    protected readonly ctx: FakeContext,
    options: EcsFakeOptions = {},
  ) {
    this.logs = options.logs;
    this.autoCreateClusters = options.autoCreateClusters ?? true;
  }

  protected latestRevision(family: string): number | undefined {
    let max: number | undefined;
    for (const td of this.taskDefinitions.values())
      if (td.family === family && (max === undefined || td.revision > max)) max = td.revision;
    return max;
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

  protected client(message: string): AwsServiceError {
    return new AwsServiceError('ClientException', message);
  }

  protected invalid(message: string): AwsServiceError {
    return new AwsServiceError('InvalidParameterException', message);
  }

  protected clusterNameOf(ref: string): string {
    return ref.startsWith('arn:') ? ref.slice(ref.indexOf(':cluster/') + ':cluster/'.length) : ref;
  }

  protected cluster(m: RequestMembers): Cluster {
    const name = this.clusterNameOf(m.optString('cluster') ?? 'default');
    const cluster = this.clusters.get(name);
    if (cluster) return cluster;
    if (!this.autoCreateClusters) throw new AwsServiceError('ClusterNotFoundException', 'Cluster not found.');
    return this.seedCluster(name);
  }

  /** `family` (latest ACTIVE), `family:revision` or an ARN. */
  protected findTaskDefinition(ref: string): TaskDefinition | undefined {
    const marker = ':task-definition/';
    const short = ref.startsWith('arn:') ? ref.slice(ref.indexOf(marker) + marker.length) : ref;
    const [family, revision] = short.split(':');
    return revision === undefined
      ? this.latest(family!)
      : this.taskDefinitions.get(this.ctx.arn('ecs', `task-definition/${family}:${revision}`));
  }

  protected taskDefinitionOf(ref: string, missing: () => AwsServiceError): TaskDefinition {
    const td = this.findTaskDefinition(ref);
    if (!td) throw missing();
    return td;
  }

  protected serviceIn(cluster: Cluster, ref: string): Service | undefined {
    const name = ref.startsWith('arn:') ? ref.split('/').pop()! : ref;
    return this.service(cluster.clusterName, name);
  }

  protected activeService(cluster: Cluster, ref: string): Service {
    const service = this.serviceIn(cluster, ref);
    if (!service) throw new AwsServiceError('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE')
      throw new AwsServiceError('ServiceNotActiveException', 'Service was not ACTIVE.');
    return service;
  }

  protected taskIn(cluster: Cluster, ref: string): Task | undefined {
    const id = ref.split('/').pop()!;
    return this.tasks.get(this.ctx.arn('ecs', `task/${cluster.clusterName}/${id}`));
  }

  protected taggable(arn: string): string {
    const known =
      this.services.has(arn) ||
      this.taskDefinitions.has(arn) ||
      this.tasks.has(arn) ||
      [...this.clusters.values()].some((c) => c.clusterArn === arn);
    if (!known)
      throw new AwsServiceError('ResourceNotFoundException', 'The specified resource could not be found.');
    return arn;
  }

  protected tagsOf(arn: string): EcsTag[] {
    return (this.tags.get(arn) ?? []).map((t) => ({ ...t }));
  }

  protected setTags(arn: string, tags: EcsTag[]): void {
    if (tags.length) this.tags.set(arn, tags);
    else this.tags.delete(arn);
  }

  protected validTags(tags: EcsTag[] | undefined): EcsTag[] {
    const list = (tags ?? []).map((t) => ({ key: String(t.key ?? ''), value: String(t.value ?? '') }));
    if (list.length > 50) throw this.invalid('Tags cannot exceed 50 tags per resource.');
    if (list.some((t) => t.key === '' || t.key.toLowerCase().startsWith('aws:'))) {
      throw this.invalid('Tag keys must be non-empty and cannot start with the reserved prefix aws:.');
    }
    return list;
  }

  protected uuid(): string {
    const h = this.ctx.id(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  protected deploymentId(): string {
    return `ecs-svc/${BigInt(`0x${this.ctx.id(15)}`)
      .toString()
      .padStart(19, '0')
      .slice(-19)}`;
  }

  protected event(service: Service, message: string): void {
    service.events.unshift({
      id: this.uuid(),
      createdAt: this.ctx.now(),
      message: `(service ${service.serviceName}) ${message}`,
    });
    service.events.length = Math.min(service.events.length, 100);
  }

  /** Note a change to a service: it is no longer known to be steady. */
  protected touch(service: Service): void {
    this.steady.delete(service.serviceArn);
    this.changes++;
  }

  protected taskList(tasks: Task[]): string {
    return tasks.map((t) => `(task ${t.taskArn.split('/').pop()})`).join(' ');
  }

  /** DescribeServices and DescribeTasks: each reference found (with its tags when asked) or MISSING. */
  protected describeEach<T extends object>(
    m: RequestMembers,
    what: { member: 'services' | 'tasks'; noun: string; max: number; path: 'service' | 'task' },
    find: (cluster: Cluster, ref: string) => T | undefined,
    arnOf: (item: T) => string,
  ): { found: unknown[]; failures: { arn: string; reason: string }[] } {
    const cluster = this.cluster(m);
    const refs = m.list<string>(what.member);
    if (refs.length === 0) throw this.invalid(`${what.noun} cannot be empty.`);
    if (refs.length > what.max) throw this.invalid(`${what.noun} cannot be more than ${what.max}.`);
    const withTags = m.optList<string>('include')?.includes('TAGS');
    const found: unknown[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const ref of refs) {
      const item = find(cluster, ref);
      if (item) found.push({ ...item, tags: withTags ? this.tagsOf(arnOf(item)) : undefined });
      else
        failures.push({
          arn: ref.startsWith('arn:')
            ? ref
            : this.ctx.arn('ecs', `${what.path}/${cluster.clusterName}/${ref}`),
          reason: 'MISSING',
        });
    }
    return { found, failures };
  }
}
