// What a runner lease is called and tagged (its label, its JIT config's parameter, its instance's
// tags), the check of its id, and the markets it may launch in. No EC2 client: ec2-runner's first
// stage checks its inputs with these before it loads the lease logic (./lease.ts).
import { ConfigurationError } from '../errors.js';
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';

export type MarketType = 'on-demand' | 'spot' | 'spot-then-on-demand';
export const MARKET_TYPES: readonly MarketType[] = ['on-demand', 'spot', 'spot-then-on-demand'];

export const RUNNER_COMPONENT = 'ec2-runner';
/** Every runner name and label of the suite starts with this. */
export const RUNNER_LABEL_PREFIX = 'mdl-ec2-';
/**
 * SSM path of the JIT configs waiting for their instance: `<path><instance id>`, written once the
 * instance exists and tagged with its ARN, so an instance role can be allowed its own config only.
 */
export const RUNNER_PARAMETER_PATH = '/moodle-preview/runners/';
/** An EC2 instance id, as RunInstances answers it and IMDS tells the instance. */
export const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export const RUNNER_TAGS = {
  managedBy: TAG_MANAGED_BY,
  component: 'moodle-preview:component',
  repository: 'moodle-preview:repository',
  label: 'moodle-preview:runner-label',
  lease: 'moodle-preview:lease',
  workflowRun: 'moodle-preview:workflow-run',
  runAttempt: 'moodle-preview:run-attempt',
  startedAt: 'moodle-preview:started-at',
  expiresAt: 'moodle-preview:expires-at',
  /** On a JIT config parameter: the ARN of the one instance that may read it. */
  instance: 'moodle-preview:runner-instance',
} as const;

/** Instance states in which a lease still holds a machine. */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;
/** Every instance state (ended instances stay visible to DescribeInstances for about an hour). */
export const ALL_STATES = [...LIVE_STATES, 'shutting-down', 'terminated'] as const;
export const isLive = (state: string) => (LIVE_STATES as readonly string[]).includes(state);

export interface LeaseId {
  /** GITHUB_RUN_ID */
  runId: string;
  /** GITHUB_RUN_ATTEMPT */
  runAttempt: number;
  /** Tells apart several runners of one workflow run (default `main`). */
  name: string;
}

const LEASE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$/;

export function checkLeaseId(id: { runId: string; runAttempt: string | number; name?: string }): LeaseId {
  if (!/^\d{1,20}$/.test(id.runId))
    throw new ConfigurationError(`the workflow run id must be digits (GITHUB_RUN_ID), got "${id.runId}"`);
  const attempt = Number(id.runAttempt);
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > 999)
    throw new ConfigurationError(
      `the run attempt must be 1 to 999 (GITHUB_RUN_ATTEMPT), got "${id.runAttempt}"`,
    );
  const name = id.name ?? 'main';
  if (!LEASE_NAME.test(name))
    throw new ConfigurationError(
      `lease must be 1-20 of a-z, 0-9 and -, starting and ending with a letter or digit, got "${name}"`,
    );
  return { runId: id.runId, runAttempt: attempt, name };
}

/** `mdl-ec2-<run id>-<attempt>-<lease>`: unique per lease, known to every job of the run. */
export const leaseLabel = (id: LeaseId) => `${RUNNER_LABEL_PREFIX}${id.runId}-${id.runAttempt}-${id.name}`;

/** The labels of this lease in this attempt and every earlier one (a re-run cleans up after them). */
export const leaseLabelsUpTo = (id: LeaseId) =>
  Array.from({ length: id.runAttempt }, (_, i) => leaseLabel({ ...id, runAttempt: i + 1 }));

/** The SSM parameter holding the JIT config of the instance `instanceId`. */
export const jitParameterName = (instanceId: string) => `${RUNNER_PARAMETER_PATH}${instanceId}`;

/** The instance a JIT config parameter is for, undefined for a name that is not `<path><instance id>`. */
export function jitParameterInstance(name: string): string | undefined {
  const id = name.startsWith(RUNNER_PARAMETER_PATH) ? name.slice(RUNNER_PARAMETER_PATH.length) : '';
  return INSTANCE_ID.test(id) ? id : undefined;
}

/** The AWS partition of a region (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The instance's ARN as IAM puts it in `ec2:SourceInstanceARN` for calls signed with the instance
 * profile's credentials: `arn:<partition>:ec2:<region>:<account>:instance/<id>`.
 */
export const instanceArn = (region: string, accountId: string, instanceId: string) =>
  `arn:${partitionOf(region)}:ec2:${region}:${accountId}:instance/${instanceId}`;

/** The tags a JIT config parameter is created with (in the PutParameter call itself, never after). */
export function jitParameterTags(arn: string): Record<string, string> {
  return {
    [RUNNER_TAGS.managedBy]: SUITE_NAME,
    [RUNNER_TAGS.component]: RUNNER_COMPONENT,
    [RUNNER_TAGS.instance]: arn,
  };
}
