// Ending a lease: terminate its instance, remove its runner and the JIT parameter of each of its
// instances (live or already ended: an unread one is named by the instance id). Found by the label, or
// — when start was cancelled before it had outputs — by the workflow run and lease name (every attempt
// up to this one). What is already gone counts as done, so stop never fails for it.
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import type { GitHubRunner } from './github-runners.js';
import {
  ALL_STATES,
  findLeaseInstances,
  isLive,
  jitParameterName,
  leaseLabelsUpTo,
  RUNNER_TAGS,
  type LeaseId,
  type LeaseInstance,
} from './lease.js';
import { deleteParameters, type RunnerDeps } from './start.js';

export interface StopRunnerOptions {
  repository: string;
  /** start's `label` output, when there is one. */
  label?: string;
  /** The lease of this workflow run (always known from GITHUB_RUN_ID / GITHUB_RUN_ATTEMPT). */
  lease?: LeaseId;
}

export interface StopRunnerResult {
  labels: string[];
  terminated: string[];
  runnersRemoved: string[];
  parametersDeleted: string[];
  /** Runners still running a job: left to end with their instance (GitHub refuses to remove them). */
  runnersBusy: string[];
}

export async function stopRunner(
  deps: Pick<RunnerDeps, 'ec2' | 'ssm' | 'github' | 'log'>,
  o: StopRunnerOptions,
) {
  const { log } = deps;
  const labels = new Set<string>();
  if (o.label) labels.add(o.label);
  if (o.lease) for (const l of leaseLabelsUpTo(o.lease)) labels.add(l);

  // Ended instances too: their JIT parameters may still be there (a start undone half-way).
  const seen = new Map<string, LeaseInstance>();
  for (const label of [...labels]) {
    for (const i of await findLeaseInstances(deps.ec2, { [RUNNER_TAGS.label]: label }, ALL_STATES))
      seen.set(i.instanceId, i);
  }
  if (o.lease) {
    const byRun = await findLeaseInstances(
      deps.ec2,
      {
        [RUNNER_TAGS.repository]: o.repository,
        [RUNNER_TAGS.workflowRun]: o.lease.runId,
        [RUNNER_TAGS.lease]: o.lease.name,
      },
      ALL_STATES,
    );
    for (const i of byRun) seen.set(i.instanceId, i);
  }
  for (const i of seen.values()) if (i.label) labels.add(i.label);
  const instances = new Map([...seen].filter(([, i]) => isLive(i.state)));

  const result: StopRunnerResult = {
    labels: [...labels].sort(),
    terminated: [],
    runnersRemoved: [],
    parametersDeleted: [],
    runnersBusy: [],
  };
  const ids = [...instances.keys()];
  if (ids.length) {
    await deps.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    result.terminated = ids;
    for (const id of ids) log.info(`terminated ${id} (${instances.get(id)!.label ?? 'no label'})`);
  } else log.info(`no live instance for ${result.labels.join(', ') || 'this lease'}: already gone`);

  const runners = (await deps.github.listRunners()).filter((r) => labels.has(r.name));
  await removeRunners(deps, runners, result);
  if (!runners.length) log.info('no runner registered for this lease: already gone');

  result.parametersDeleted = await deleteParameters(deps.ssm, [...seen.keys()].map(jitParameterName));
  for (const p of result.parametersDeleted) log.info(`deleted the unread JIT config ${p}`);
  return result;
}

/** Remove runners; a busy one (GitHub answers 422) is reported, not fatal: its instance is ending. */
export async function removeRunners(
  deps: Pick<RunnerDeps, 'github' | 'log'>,
  runners: readonly GitHubRunner[],
  result: { runnersRemoved: string[]; runnersBusy: string[] },
): Promise<void> {
  for (const r of runners) {
    try {
      if (await deps.github.deleteRunner(r.id)) {
        result.runnersRemoved.push(r.name);
        deps.log.info(`removed runner ${r.name} (id ${r.id})`);
      } else deps.log.info(`runner ${r.name} is already gone`);
    } catch (err) {
      if ((err as { status?: number }).status !== 422) throw err;
      result.runnersBusy.push(r.name);
      deps.log.warning(
        `runner ${r.name} is still busy; it goes with its instance: ${(err as Error).message}`,
      );
    }
  }
}
