// The reaper: whatever a cancelled workflow, a lost stop job or a crashed instance left behind is found
// from the tags and GitHub's runner list and removed — instances past expires-at or without an online
// runner after a grace period, the suite's offline runners with no live instance, unread JIT configs.
// `decideReap` is pure (the CLI's `runner list` shows the same decisions); `reapRunners` applies them.
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParametersByPathCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { GitHubRunner } from './github-runners.js';
import {
  findLeaseInstances,
  RUNNER_LABEL_PREFIX,
  RUNNER_PARAMETER_PATH,
  RUNNER_TAGS,
  type LeaseInstance,
} from './lease.js';
import { deleteParameters, type RunnerDeps } from './start.js';
import { removeRunners } from './stop.js';

export interface RunnerParameter {
  name: string;
  label: string;
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

  for (const p of input.parameters) {
    const base = { kind: 'parameter' as const, id: p.name, label: p.label };
    const age = p.lastModified ? now - p.lastModified.getTime() : Infinity;
    if (keptLabels.has(p.label) || age < grace)
      decisions.push({ ...base, action: 'keep', reason: 'its instance may still read it' });
    else decisions.push({ ...base, action: 'delete', reason: 'an unread JIT config of an ended lease' });
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
          label: p.Name.slice(RUNNER_PARAMETER_PATH.length),
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
    listRunnerParameters(deps.ssm),
  ]);
  for (const r of [runners, instances, parameters]) if (r.status === 'rejected') throw r.reason;
  return {
    instances: (instances as PromiseFulfilledResult<LeaseInstance[]>).value,
    runners: (runners as PromiseFulfilledResult<GitHubRunner[]>).value,
    parameters: (parameters as PromiseFulfilledResult<RunnerParameter[]>).value,
    now: o.now,
    graceMinutes: o.graceMinutes,
  };
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
