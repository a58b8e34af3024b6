// A RunnerLease: one EC2 instance running one ephemeral GitHub runner for one job. Its label is
// derived from the workflow run, so `stop` finds it without start's outputs; its tags carry everything
// `stop`, `reap` and `mdl-preview runner list` need to decide about it.
import { DescribeInstancesCommand, type EC2Client, type Filter, type Instance } from '@aws-sdk/client-ec2';
import { SUITE_NAME } from '../naming.js';
import { LIVE_STATES, RUNNER_TAGS, RUNNER_COMPONENT, type LeaseId } from './lease-names.js';

// The lease's names, labels and tags, and the check of its id, are in ./lease-names.ts (no EC2 client:
// ec2-runner's first stage checks its inputs with them).
export * from './lease-names.js';

/** One lease as EC2 shows it. */
export interface LeaseInstance {
  instanceId: string;
  state: string;
  instanceType: string;
  subnetId: string | undefined;
  market: 'spot' | 'on-demand';
  launchTime: Date | undefined;
  label: string | undefined;
  repository: string | undefined;
  workflowRun: string | undefined;
  startedAt: Date | undefined;
  expiresAt: Date | undefined;
  tags: Record<string, string>;
}

const date = (s: string | undefined) => {
  if (!s) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

export function toLeaseInstance(i: Instance): LeaseInstance {
  const tags = Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  return {
    instanceId: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    instanceType: i.InstanceType ?? '',
    subnetId: i.SubnetId,
    market: i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
    launchTime: i.LaunchTime,
    label: tags[RUNNER_TAGS.label],
    repository: tags[RUNNER_TAGS.repository],
    workflowRun: tags[RUNNER_TAGS.workflowRun],
    startedAt: date(tags[RUNNER_TAGS.startedAt]),
    expiresAt: date(tags[RUNNER_TAGS.expiresAt]),
    tags,
  };
}

/**
 * The suite's runner instances matching `tags` (exact values) in live states, paged. Only instances
 * tagged managed-by the suite and component ec2-runner are ever returned, so nothing else is touched.
 */
export async function findLeaseInstances(
  ec2: EC2Client,
  tags: Record<string, string> = {},
  states: readonly string[] = LIVE_STATES,
): Promise<LeaseInstance[]> {
  const filters: Filter[] = [
    { Name: `tag:${RUNNER_TAGS.managedBy}`, Values: [SUITE_NAME] },
    { Name: `tag:${RUNNER_TAGS.component}`, Values: [RUNNER_COMPONENT] },
    ...Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
    { Name: 'instance-state-name', Values: [...states] },
  ];
  const found: LeaseInstance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({ Filters: filters, MaxResults: 100, NextToken: nextToken }),
    );
    for (const r of page.Reservations ?? [])
      for (const i of r.Instances ?? []) found.push(toLeaseInstance(i));
    nextToken = page.NextToken;
  } while (nextToken);
  return found;
}

/** The tags every lease instance carries (the suite's own win over the user's). */
export function leaseTags(input: {
  label: string;
  lease: LeaseId;
  repository: string;
  startedAt: Date;
  expiresAt: Date;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    ...input.extra,
    Name: input.label,
    [RUNNER_TAGS.managedBy]: SUITE_NAME,
    [RUNNER_TAGS.component]: RUNNER_COMPONENT,
    [RUNNER_TAGS.repository]: input.repository,
    [RUNNER_TAGS.label]: input.label,
    [RUNNER_TAGS.lease]: input.lease.name,
    [RUNNER_TAGS.workflowRun]: input.lease.runId,
    [RUNNER_TAGS.runAttempt]: String(input.lease.runAttempt),
    [RUNNER_TAGS.startedAt]: input.startedAt.toISOString(),
    [RUNNER_TAGS.expiresAt]: input.expiresAt.toISOString(),
  };
}
