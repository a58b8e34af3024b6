// Shared shapes of the deploy engine: what each resource handler reports after reading AWS, and
// the environment it works in.
import type { AwsClients } from '../aws/clients.js';
import type { Logger } from '../logger.js';
import type { ResourceId, SitePlan } from '../plan/site-plan.js';
import type { SiteRegistry, SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';

export type ResourceAction = 'create' | 'update' | 'none';

/** What a handler found: whether the resource must change, how, and how to make it so. */
export interface Inspection {
  id: ResourceId;
  name: string;
  action: ResourceAction;
  /** Human-readable differences (`image: a → b`); empty when nothing changes. */
  changes: string[];
  /** The resource's ARN (or id) when it exists already. */
  arn?: string;
  /** Converge the resource; returns its ARN (or id). Absent when action is 'none'. */
  apply?: () => Promise<string | undefined>;
}

/** Provisions the site's databases and user: through a SQL task in the VPC, or directly. */
export interface DbProvisioner {
  readonly mode: 'task' | 'direct';
  /** What would change (read-only); `undefined` when it cannot be known without a mutating call. */
  changes(ctx: DbProvisionContext): Promise<DbChanges | undefined>;
  /** Create what is missing; never drop, never reset an existing user's password. */
  apply(ctx: DbProvisionContext): Promise<DbChanges>;
}

export interface DbProvisionContext {
  /** The site user's password, read from its secret (and masked) on first use. */
  password(): Promise<string>;
  /** ARN of the site's DB secret, once it exists. */
  siteSecretArn(): string | undefined;
}

export interface DbChanges {
  databases: string[];
  user: string[];
}

/** Runs a one-off task of the site's task definition (creating moodledata, Moodle CLI). */
export interface OneOffTaskRunner {
  run(input: {
    cluster: string;
    taskDefinitionArn: string;
    container: string;
    command: string[];
    environment?: { name: string; value: string }[];
    platform: Platform;
    startedBy: string;
    logGroup: string;
    logStreamPrefix: string;
    /** The line that ends the task's output: the log is read until it shows (within a grace). */
    endLine?: (line: string) => boolean;
  }): Promise<OneOffTaskResult>;
}

export interface OneOffTaskResult {
  /** The container's exit code (ECS's, the authority on success); -1 when ECS reported none. */
  exitCode: number;
  taskArn: string;
  logLines: string[];
  /** Set when the log did not show its end line within the grace: says so, with the stream. */
  logIncomplete?: string;
  stoppedReason?: string;
}

export interface DeployEnv {
  clients: AwsClients;
  plan: SitePlan;
  platform: Platform;
  log: Logger;
  registry: SiteRegistry;
  /** The site's registry entry before this deploy, if any. */
  previousEntry: SiteRegistryEntry | undefined;
  db: DbProvisioner;
  tasks: OneOffTaskRunner;
  /** ARNs known so far (existing resources, then the ones this run creates). */
  refs: Map<ResourceId, string>;
  /** Who deploys (GitHub actor or user), written into the registry. */
  actor: string;
  /** The repository and branch deployed from (a workflow run), written into the registry. */
  source?: DeploySource;
  now: () => Date;
  /** Rule limit per load balancer (ELB quota, default 100). */
  rulesPerLoadBalancer: number;
  /** Delays of the SDK waiters used while waiting, in seconds (tests shorten them). */
  waiter: { minDelay: number; maxDelay: number };
  /** The deployment id the service update or creation started (set by the service's apply). */
  startedDeployment?: string;
  /**
   * Told about each existing resource's tags instead of refusing one the suite does not own. Only
   * adopt sets it (it reports and tags what Terraform built); a deploy leaves it unset and refuses.
   */
  onOwnership?: (found: OwnershipFinding) => void;
}

/** An existing resource of the site's name and the tags it carries. */
export interface OwnershipFinding {
  id: ResourceId;
  /** What it is, for people (`target group`). */
  kind: string;
  name: string;
  arn: string | undefined;
  tags: Record<string, string>;
}

/** Where a deploy's settings.yml came from: what destroy on branch deletion finds the site by. */
export interface DeploySource {
  repository: string;
  branch: string;
}
