// The reaper: whatever a cancelled workflow, a lost stop job or a crashed instance left behind is found
// from the tags and GitHub's runner list and removed — instances past expires-at or without an online
// runner after a grace period, the suite's offline runners with no live instance, JIT configs whose
// instance has ended (never one whose instance is still there, whoever's it is).
// `decideReap` is pure (the CLI's `runner list` shows the same decisions); `reapRunners` applies them.
import { DescribeInstancesCommand, TerminateInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { GitHubRunner } from './github-runners.js';
import {
  findLeaseInstances,
  isLive,
  jitParameterInstance,
  RUNNER_LABEL_PREFIX,
  RUNNER_PARAMETER_PATH,
  RUNNER_TAGS,
  toLeaseInstance,
  type LeaseInstance,
} from './lease.js';
import { deleteParameters, type RunnerDeps } from './start.js';
import { removeRunners } from './stop.js';

export interface RunnerParameter {
  name: string;
  /** The instance it is for; undefined for a name that is not an instance id (an older version's). */
  instanceId: string | undefined;
  lastModified: Date | undefined;
}

export interface ReapDecision {
  kind: 'instance' | 'runner' | 'parameter';
  /** Instance id, runner name or parameter name. */
  id: string;
  label: string | undefined;
  action: 'terminate' | 'remove' | 'delete' | 'keep';
  reason: string;
}

export interface ReapInput {
  instances: readonly LeaseInstance[];
  runners: readonly GitHubRunner[];
  parameters: readonly RunnerParameter[];
  /**
   * The instances the parameters name, as EC2 describes them: any state, any repository, any tags
   * (a parameter of another repository's live runner is kept like one of ours).
   */
  parameterInstances: readonly LeaseInstance[];
  now: Date;
  /** How long a new instance may go without an online runner (boot, download, registration). */
  graceMinutes: number;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

export function decideReap(input: ReapInput): ReapDecision[] {
  const now = input.now.getTime();
  const grace = input.graceMinutes * 60_000;
  const runnerByName = new Map(input.runners.map((r) => [r.name, r]));
  const decisions: ReapDecision[] = [];
  const keptLabels = new Set<string>();

  for (const i of input.instances) {
    const started = (i.startedAt ?? i.launchTime)?.getTime() ?? now;
    const runner = i.label ? runnerByName.get(i.label) : undefined;
    const base = { kind: 'instance' as const, id: i.instanceId, label: i.label };
    let decision: ReapDecision;
    if (i.expiresAt && i.expiresAt.getTime() <= now)
      decision = { ...base, action: 'terminate', reason: `past expires-at ${i.expiresAt.toISOString()}` };
    else if (!i.expiresAt) decision = { ...base, action: 'terminate', reason: 'no valid expires-at tag' };
    else if (i.state === 'stopped' || i.state === 'stopping')
      decision = { ...base, action: 'terminate', reason: `${i.state}: a stopped runner runs no job` };
    else if (runner?.status === 'online')
      decision = { ...base, action: 'keep', reason: `runner online${runner.busy ? ' and busy' : ''}` };
    else if (now - started >= grace)
      decision = {
        ...base,
        action: 'terminate',
        reason: `no online runner ${minutes(now - started)} min after start (grace ${input.graceMinutes} min; runner ${runner ? runner.status : 'not registered'})`,
      };
    else
      decision = {
        ...base,
        action: 'keep',
        reason: `starting (${minutes(now - started)} min old, within grace)`,
      };
    decisions.push(decision);
    if (decision.action === 'keep' && i.label) keptLabels.add(i.label);
  }

  for (const r of input.runners) {
    if (!r.name.startsWith(RUNNER_LABEL_PREFIX)) continue;
    const base = { kind: 'runner' as const, id: r.name, label: r.name };
    if (keptLabels.has(r.name)) decisions.push({ ...base, action: 'keep', reason: 'its instance is kept' });
    else if (r.status === 'online')
      decisions.push({ ...base, action: 'keep', reason: 'online (its instance is elsewhere or ending)' });
    else decisions.push({ ...base, action: 'remove', reason: 'offline and no live instance of its lease' });
  }

  const terminating = new Set(
    decisions.filter((d) => d.kind === 'instance' && d.action === 'terminate').map((d) => d.id),
  );
  const described = new Map(input.parameterInstances.map((i) => [i.instanceId, i]));
  for (const p of input.parameters) {
    const owner = p.instanceId ? described.get(p.instanceId) : undefined;
    const base = { kind: 'parameter' as const, id: p.name, label: owner?.label };
    const young = (p.lastModified ? now - p.lastModified.getTime() : Infinity) < grace;
    const decide = (action: 'keep' | 'delete', reason: string) => decisions.push({ ...base, action, reason });
    if (!p.instanceId) {
      if (young) decide('keep', 'not named by an instance id; younger than the grace');
      else decide('delete', 'not named by an instance id (an older version’s JIT config)');
    } else if (terminating.has(p.instanceId))
      decide('delete', `its instance ${p.instanceId} is terminated now`);
    else if (owner && isLive(owner.state))
      decide('keep', `its instance ${p.instanceId} is ${owner.state} and may still read it`);
    else if (owner) decide('delete', `its instance ${p.instanceId} is ${owner.state}`);
    // EC2 is eventually consistent: a parameter written right after RunInstances may name an instance
    // DescribeInstances does not show yet.
    else if (young) decide('keep', `its instance ${p.instanceId} is not visible yet; younger than the grace`);
    else decide('delete', `its instance ${p.instanceId} does not exist (ended long ago)`);
  }
  return decisions;
}

export async function listRunnerParameters(ssm: SSMClient): Promise<RunnerParameter[]> {
  const found: RunnerParameter[] = [];
  let token: string | undefined;
  do {
    // Without decryption: only names and dates are read, never the JIT configs.
    const page = await ssm.send(
      new GetParametersByPathCommand({
        Path: RUNNER_PARAMETER_PATH,
        WithDecryption: false,
        NextToken: token,
      }),
    );
    for (const p of page.Parameters ?? [])
      if (p.Name)
        found.push({
          name: p.Name,
          instanceId: jitParameterInstance(p.Name),
          lastModified: p.LastModifiedDate,
        });
    token = page.NextToken;
  } while (token);
  return found;
}

/** Everything the reaper decides about: the repository's lease instances, its runners, the parameters. */
export async function readReapInput(
  deps: Pick<RunnerDeps, 'ec2' | 'ssm' | 'github'>,
  o: { repository: string; graceMinutes: number; now: Date },
): Promise<ReapInput> {
  // allSettled: a refusal of one read must not leave the others running after the clients close.
  const [instances, runners, parameters] = await Promise.allSettled([
    findLeaseInstances(deps.ec2, { [RUNNER_TAGS.repository]: o.repository }),
    deps.github.listRunners(),
    listRunnerParameters(deps.ssm).then(async (params) => ({
      params,
      owners: await describeInstancesById(
        deps.ec2,
        params.flatMap((p) => (p.instanceId ? [p.instanceId] : [])),
      ),
    })),
  ]);
  for (const r of [runners, instances, parameters]) if (r.status === 'rejected') throw r.reason;
  const { params, owners } = (
    parameters as PromiseFulfilledResult<{ params: RunnerParameter[]; owners: LeaseInstance[] }>
  ).value;
  return {
    instances: (instances as PromiseFulfilledResult<LeaseInstance[]>).value,
    runners: (runners as PromiseFulfilledResult<GitHubRunner[]>).value,
    parameters: params,
    parameterInstances: owners,
    now: o.now,
    graceMinutes: o.graceMinutes,
  };
}

/**
 * The instances with these ids, in any state and whoever's they are. By the `instance-id` filter, not
 * InstanceIds: an id EC2 no longer knows is left out instead of failing the whole call.
 */
export async function describeInstancesById(
  ec2: EC2Client,
  ids: readonly string[],
): Promise<LeaseInstance[]> {
  const found: LeaseInstance[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-id', Values: ids.slice(i, i + 100) }],
          MaxResults: 100,
          NextToken: nextToken,
        }),
      );
      for (const r of page.Reservations ?? [])
        for (const instance of r.Instances ?? []) found.push(toLeaseInstance(instance));
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return found;
}

export interface ReapResult {
  decisions: ReapDecision[];
  terminated: string[];
  runnersRemoved: string[];
  runnersBusy: string[];
  parametersDeleted: string[];
  dryRun: boolean;
}

export async function reapRunners(
  deps: RunnerDeps,
  o: { repository: string; graceMinutes: number; dryRun: boolean },
): Promise<ReapResult> {
  const now = (deps.now ?? (() => new Date()))();
  const input = await readReapInput(deps, { ...o, now });
  // Runners and parameters of the leases being terminated go too.
  const decisions = decideReap(input);
  const result: ReapResult = {
    decisions,
    terminated: [],
    runnersRemoved: [],
    runnersBusy: [],
    parametersDeleted: [],
    dryRun: o.dryRun,
  };
  for (const d of decisions)
    deps.log.info(
      `${o.dryRun && d.action !== 'keep' ? `would ${d.action}` : d.action} ${d.kind} ${d.id}: ${d.reason}`,
    );
  if (o.dryRun) return result;

  const terminate = decisions
    .filter((d) => d.kind === 'instance' && d.action === 'terminate')
    .map((d) => d.id);
  if (terminate.length) {
    await deps.ec2.send(new TerminateInstancesCommand({ InstanceIds: terminate }));
    result.terminated = terminate;
  }
  const names = new Set(
    decisions.filter((d) => d.kind === 'runner' && d.action === 'remove').map((d) => d.id),
  );
  await removeRunners(
    deps,
    input.runners.filter((r) => names.has(r.name)),
    result,
  );
  result.parametersDeleted = await deleteParameters(
    deps.ssm,
    decisions.filter((d) => d.kind === 'parameter' && d.action === 'delete').map((d) => d.id),
  );
  return result;
}

/** One row per lease for `mdl-preview runner list`: instance, runner and what the reaper would do. */
export interface RunnerLeaseRow {
  label: string;
  instanceId: string;
  state: string;
  instanceType: string;
  market: string;
  startedAt: string;
  expiresAt: string;
  runner: string;
  reaper: string;
}

export function leaseRows(input: ReapInput): RunnerLeaseRow[] {
  const decisions = decideReap(input);
  const runners = new Map(input.runners.map((r) => [r.name, r]));
  const rows: RunnerLeaseRow[] = input.instances.map((i) => {
    const r = i.label ? runners.get(i.label) : undefined;
    const d = decisions.find((x) => x.kind === 'instance' && x.id === i.instanceId)!;
    return {
      label: i.label ?? '',
      instanceId: i.instanceId,
      state: i.state,
      instanceType: i.instanceType,
      market: i.market,
      startedAt: i.startedAt?.toISOString() ?? '',
      expiresAt: i.expiresAt?.toISOString() ?? '',
      runner: r ? `${r.status}${r.busy ? ' busy' : ''}` : 'none',
      reaper: `${d.action}: ${d.reason}`,
    };
  });
  for (const d of decisions)
    if (d.kind === 'runner' && d.action === 'remove')
      rows.push({
        label: d.id,
        instanceId: '',
        state: '',
        instanceType: '',
        market: '',
        startedAt: '',
        expiresAt: '',
        runner: runners.get(d.id)?.status ?? '',
        reaper: `remove: ${d.reason}`,
      });
  return rows;
}
