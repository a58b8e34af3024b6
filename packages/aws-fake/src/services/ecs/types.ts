// The shapes of the ECS fake's world (as ECS answers them), and what it keeps beside them.
import type { LogsFake } from '../logs.js';

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
export interface TaskRun {
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
