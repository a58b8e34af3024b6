// Starting a lease: check everything first, then JIT config → launch (capacity fallback) → the config
// as an SSM SecureString named by the new instance's id and tagged with its ARN (so only that instance's
// role may read it) → wait until the runner is online. A failure after the first change undoes the
// lease (console output captured with secrets redacted, instance terminated, runner and parameter
// removed). A second start of the same lease keeps its live instance; when that one ends without its
// runner ever coming online (a start that died before writing the config leaves it waiting for one
// until it powers off), it is replaced once.
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { DeleteParametersCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { launchOptions, launchWithFallback, type LaunchAttempt } from './capacity.js';
import type { GitHubRunnersClient } from './github-runners.js';
import {
  findLeaseInstances,
  instanceArn,
  jitParameterName,
  jitParameterTags,
  leaseLabel,
  leaseTags,
  RUNNER_TAGS,
  MARKET_TYPES,
  type LeaseId,
  type MarketType,
} from './lease.js';
import { resolveRunnerRelease, type ResolvedRunnerRelease } from './runner-versions.js';
import { redactSecrets } from '../secrets.js';
import { runnerUserData } from './user-data.js';

export interface RunnerDeps {
  ec2: EC2Client;
  ssm: SSMClient;
  github: GitHubRunnersClient;
  log: Logger;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface StartRunnerOptions {
  region: string;
  /** owner/name of the repository whose workflow leases the runner (a tag; reap filters by it). */
  repository: string;
  lease: LeaseId;
  imageId: string;
  instanceTypes: string[];
  subnetIds: string[];
  securityGroupIds: string[];
  /** Instance profile name or ARN. */
  iamInstanceProfile: string;
  marketType: MarketType;
  volumeSizeGb: number;
  /** IMDSv2 hop limit: 1 keeps containers on the host from the instance role; 2 lets them reach it. */
  metadataHopLimit: number;
  maxLifetimeMinutes: number;
  registrationTimeoutMinutes: number;
  runnerVersion?: string;
  runnerSha256?: string;
  runnerGroupId: number;
  /** Extra runner labels (the lease's own label always comes first). */
  labels: string[];
  tags: Record<string, string>;
  /** Seconds between checks while waiting for the runner (default 10). */
  pollSeconds?: number;
}

export interface StartRunnerResult {
  label: string;
  instanceId: string;
  region: string;
  runnerId: number | undefined;
  instanceType: string;
  subnetId: string;
  market: string;
  attempts: LaunchAttempt[];
  /** True when a live instance of this lease already existed and was kept. */
  reused: boolean;
  /** The lease's earlier instance that ended before its runner came online and was replaced. */
  replaced?: string;
}

/** The runner did not come online; the lease was undone. */
export class RunnerStartError extends Error {
  override name = 'RunnerStartError';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every input problem, before any call. */
export function checkStartOptions(o: StartRunnerOptions): ResolvedRunnerRelease {
  const problems: string[] = [];
  if (!/^ami-[0-9a-f]{8,17}$/.test(o.imageId))
    problems.push(`image-id must be an AMI id (ami-…), got "${o.imageId}"`);
  if (!o.instanceTypes.length) problems.push('instance-types needs at least one instance type');
  for (const t of o.instanceTypes)
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(t)) problems.push(`instance type "${t}" is not like m7i.xlarge`);
  if (!o.subnetIds.length) problems.push('subnet-ids needs at least one subnet');
  for (const s of o.subnetIds)
    if (!/^subnet-[0-9a-f]{8,17}$/.test(s)) problems.push(`"${s}" is not a subnet id`);
  for (const g of o.securityGroupIds)
    if (!/^sg-[0-9a-f]{8,17}$/.test(g)) problems.push(`"${g}" is not a security group id`);
  if (!o.iamInstanceProfile)
    problems.push(
      'iam-instance-profile is required (the instance reads and deletes its JIT config in SSM with it)',
    );
  if (!MARKET_TYPES.includes(o.marketType))
    problems.push(`market-type must be one of ${MARKET_TYPES.join(', ')}`);
  if (o.maxLifetimeMinutes <= o.registrationTimeoutMinutes)
    problems.push('max-lifetime-minutes must be longer than registration-timeout-minutes');
  for (const l of o.labels)
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(l) || /^self-hosted$/i.test(l))
      problems.push(
        `label "${l}" must be 1-100 of A-Z a-z 0-9 . _ - (and not self-hosted, which every runner has)`,
      );
  for (const k of Object.keys(o.tags))
    if (k.startsWith('moodle-preview:') || k.startsWith('aws:') || k === 'Name')
      problems.push(`tag "${k}" is the suite's or AWS's own`);
  if (problems.length) throw new ConfigurationError(problems.join('; '));
  return resolveRunnerRelease(o.runnerVersion, o.runnerSha256);
}

/** The image, read before anything changes: it must exist and be x86_64; its root device name. */
async function rootDeviceOf(deps: RunnerDeps, o: StartRunnerOptions): Promise<string> {
  const image = await deps.ec2
    .send(new DescribeImagesCommand({ ImageIds: [o.imageId] }))
    .then((out) => out.Images?.[0])
    .catch((err: Error) => {
      if (err.name.startsWith('InvalidAMIID')) return undefined;
      throw err;
    });
  if (!image) throw new ConfigurationError(`image ${o.imageId} was not found in ${o.region}`);
  if (image.Architecture && image.Architecture !== 'x86_64')
    throw new ConfigurationError(
      `image ${o.imageId} is ${image.Architecture}; the runner installed is linux-x64`,
    );
  return image.RootDeviceName ?? '/dev/xvda';
}

type Wait = { label: string; o: StartRunnerOptions; now: () => Date; sleep: (ms: number) => Promise<void> };

/**
 * The lease's live instance, if it has one: its runner coming online is the start's result. One that
 * fails is ended and its config deleted, and the caller launches one in its place (once): the id of
 * the one replaced is returned.
 */
async function reuseLive(
  deps: RunnerDeps,
  wait: Wait,
): Promise<{ reused: StartRunnerResult } | { replaced?: string }> {
  const { label, o } = wait;
  const live = await findLeaseInstances(deps.ec2, { [RUNNER_TAGS.label]: label });
  const instance = live[0];
  if (!instance) return {};
  deps.log.info(
    `lease ${label} already has instance ${instance.instanceId} (${instance.state}); waiting for its runner`,
  );
  const outcome = await pollOnline(deps, { ...wait, instanceId: instance.instanceId });
  if (outcome.online)
    return {
      reused: {
        label,
        instanceId: instance.instanceId,
        region: o.region,
        runnerId: outcome.runnerId,
        instanceType: instance.instanceType,
        subnetId: instance.subnetId ?? '',
        market: instance.market,
        attempts: [],
        reused: true,
      },
    };
  if (!outcome.ended)
    await failStart(deps, { ...wait, instanceId: instance.instanceId, secrets: [] }, outcome.reason);
  // It may have read its config and failed, or never had one (a start that died between launching it
  // and writing the config): either way it is gone, so the lease gets a new instance, once.
  await logConsoleOutput(deps, instance.instanceId, []);
  deps.log.info(`${outcome.reason}; launching a new instance for ${label} in its place`);
  await deleteParameters(deps.ssm, [jitParameterName(instance.instanceId)]);
  return { replaced: instance.instanceId };
}

/** What every launch of the lease shares: image, profile, user data, metadata, disk and tags. */
function launchInput(
  o: StartRunnerOptions,
  rootDevice: string,
  userData: string,
  tags: Record<string, string>,
): Parameters<typeof launchWithFallback>[1] {
  const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    ImageId: o.imageId,
    SecurityGroupIds: o.securityGroupIds.length ? o.securityGroupIds : undefined,
    IamInstanceProfile: o.iamInstanceProfile.startsWith('arn:')
      ? { Arn: o.iamInstanceProfile }
      : { Name: o.iamInstanceProfile },
    UserData: Buffer.from(userData).toString('base64'),
    InstanceInitiatedShutdownBehavior: 'terminate',
    MetadataOptions: {
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: o.metadataHopLimit,
    },
    BlockDeviceMappings: [
      {
        DeviceName: rootDevice,
        Ebs: { VolumeSize: o.volumeSizeGb, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
      },
    ],
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tagList },
      { ResourceType: 'volume', Tags: tagList },
    ],
  };
}

/** Stores the instance's JIT config for it alone; when that fails, undoes the lease and throws. */
async function storeConfigOrUndo(
  deps: RunnerDeps,
  o: StartRunnerOptions,
  launched: { instanceId: string; ownerId?: string },
  jit: { value: string; label: string; removeRunner: () => Promise<void> },
): Promise<void> {
  const { log } = deps;
  const { instanceId, ownerId } = launched;
  const param = jitParameterName(instanceId);
  try {
    if (!ownerId) throw new Error(`RunInstances answered ${instanceId} without its account (OwnerId)`);
    await putJitConfig(deps, {
      name: param,
      value: jit.value,
      instanceArn: instanceArn(o.region, ownerId, instanceId),
      label: jit.label,
      tags: o.tags,
    });
  } catch (err) {
    log.warning(
      `the JIT config of ${instanceId} could not be stored: ${(err as Error).message}; undoing the lease`,
    );
    await terminate(deps.ec2, instanceId, log).catch((e: Error) =>
      log.warning(`could not terminate ${instanceId}: ${e.message}`),
    );
    await jit.removeRunner();
    await deleteParameters(deps.ssm, [param]).catch((e: Error) =>
      log.warning(`could not delete ${param}: ${e.message}`),
    );
    throw err;
  }
}

export async function startRunner(deps: RunnerDeps, o: StartRunnerOptions): Promise<StartRunnerResult> {
  const release = checkStartOptions(o);
  const now = deps.now ?? (() => new Date());
  const log = deps.log;
  const label = leaseLabel(o.lease);
  const wait: Wait = { label, o, now, sleep: deps.sleep ?? defaultSleep };

  // Read-only checks that can refuse the lease before it changes anything.
  const rootDevice = await rootDeviceOf(deps, o);
  const live = await reuseLive(deps, wait);
  if ('reused' in live) return live.reused;
  const { replaced } = live;

  // A runner of this name without a live instance is a leftover of an interrupted start: remove it.
  const stale = await deps.github.findRunner(label);
  if (stale) {
    log.info(`removing runner ${label} (id ${stale.id}) left by an interrupted start`);
    await deps.github.deleteRunner(stale.id);
  }

  const jit = await deps.github.generateJitConfig({
    name: label,
    labels: [label, ...o.labels],
    runnerGroupId: o.runnerGroupId,
  });
  log.mask(jit.encodedJitConfig);
  log.info(`registered JIT runner ${label} (id ${jit.runner.id})`);
  const removeRunner = () =>
    deps.github
      .deleteRunner(jit.runner.id)
      .then(() => undefined)
      .catch((e: Error) => log.warning(`could not remove runner ${label}: ${e.message}`));

  const startedAt = now();
  const expiresAt = new Date(startedAt.getTime() + o.maxLifetimeMinutes * 60_000);
  const tags = leaseTags({
    label,
    lease: o.lease,
    repository: o.repository,
    startedAt,
    expiresAt,
    extra: o.tags,
  });
  // The same for every instance: each finds its own config by its instance id, so nothing in the user
  // data depends on which launch it is.
  const userData = runnerUserData({
    label,
    region: o.region,
    maxLifetimeMinutes: o.maxLifetimeMinutes,
    runnerUrl: release.url,
    runnerSha256: release.sha256,
  });
  let launched: Awaited<ReturnType<typeof launchWithFallback>>;
  try {
    launched = await launchWithFallback(
      deps.ec2,
      launchInput(o, rootDevice, userData, tags),
      launchOptions(o.marketType, o.instanceTypes, o.subnetIds),
      // Each start is its own request: a retry of its own RunInstances answers its launch, but a later
      // start's tokens are new (EC2 refuses an old token with other tags, or answers an ended instance),
      // and so are a replacement's.
      `${label}@${startedAt.toISOString()}${replaced ? `/after/${replaced}` : ''}`,
      log,
    );
  } catch (err) {
    // No instance: undoing the lease is removing its runner.
    await removeRunner();
    throw err;
  }

  const { instanceId, option, attempts } = launched;
  await storeConfigOrUndo(deps, o, launched, { value: jit.encodedJitConfig, label, removeRunner });
  const outcome = await pollOnline(deps, { ...wait, instanceId });
  if (!outcome.online)
    await failStart(
      deps,
      { ...wait, instanceId, secrets: [jit.encodedJitConfig], runnerId: jit.runner.id },
      outcome.reason,
    );
  return {
    label,
    instanceId,
    region: o.region,
    runnerId: (outcome.online && outcome.runnerId) || jit.runner.id,
    instanceType: option.instanceType,
    subnetId: option.subnetId,
    market: option.market,
    attempts,
    reused: false,
    ...(replaced ? { replaced } : {}),
  };
}

/**
 * The JIT config as a SecureString, created with its tags in the same call (a parameter never exists
 * without the tag that names its instance). Intelligent-Tiering: a config near 4 KB goes to the advanced
 * tier instead of failing. ParameterAlreadyExists can only be an SDK retry of this very call whose
 * first answer was lost: the name holds an instance id that nothing else writes.
 */
async function putJitConfig(
  deps: Pick<RunnerDeps, 'ssm' | 'log'>,
  p: { name: string; value: string; instanceArn: string; label: string; tags: Record<string, string> },
): Promise<void> {
  try {
    await deps.ssm.send(
      new PutParameterCommand({
        Name: p.name,
        Type: 'SecureString',
        Value: p.value,
        Tier: 'Intelligent-Tiering',
        Description: `JIT config of runner ${p.label}; only its instance may read it, and deletes it at boot`,
        // The user's tags (cost centre …) as on the instance; the suite's own win on a clash.
        Tags: Object.entries({ ...p.tags, ...jitParameterTags(p.instanceArn) }).map(([Key, Value]) => ({
          Key,
          Value,
        })),
      }),
    );
    deps.log.info(`stored the JIT config as ${p.name} for ${p.instanceArn}`);
  } catch (err) {
    if ((err as Error).name !== 'ParameterAlreadyExists') throw err;
    deps.log.info(`${p.name} was already stored (a retried call whose first answer was lost)`);
  }
}

type PollOutcome = { online: true; runnerId: number } | { online: false; ended: boolean; reason: string };

interface WaitContext {
  label: string;
  o: StartRunnerOptions;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

/** Poll until the runner named `label` is online, the instance ends or the registration timeout passes. */
async function pollOnline(deps: RunnerDeps, w: WaitContext & { instanceId: string }): Promise<PollOutcome> {
  const { log } = deps;
  const deadline = w.now().getTime() + w.o.registrationTimeoutMinutes * 60_000;
  const poll = (w.o.pollSeconds ?? 10) * 1000;
  for (;;) {
    const runner = await deps.github.findRunner(w.label);
    if (runner?.status === 'online') {
      log.info(`runner ${w.label} is online (instance ${w.instanceId})`);
      return { online: true, runnerId: runner.id };
    }
    const state = await instanceState(deps.ec2, w.instanceId);
    if (['shutting-down', 'terminated', 'stopping', 'stopped'].includes(state))
      return {
        online: false,
        ended: true,
        reason: `instance ${w.instanceId} is ${state} before runner ${w.label} came online`,
      };
    if (w.now().getTime() >= deadline)
      return {
        online: false,
        ended: false,
        reason: `runner ${w.label} was not online ${w.o.registrationTimeoutMinutes} minute(s) after launch (instance ${w.instanceId} ${state}, runner ${runner ? runner.status : 'not registered'})`,
      };
    log.info(
      `waiting for runner ${w.label}: instance ${state}, runner ${runner ? runner.status : 'not registered yet'}`,
    );
    await w.sleep(poll);
  }
}

/** The instance's console output in the log, secrets redacted. */
async function logConsoleOutput(deps: RunnerDeps, instanceId: string, secrets: string[]): Promise<void> {
  const { log } = deps;
  await log.group(`console output of ${instanceId} (secrets redacted)`, async () => {
    try {
      // Latest (the live buffer) exists on Nitro instances only; elsewhere the last posted snapshot.
      const out = await deps.ec2
        .send(new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }))
        .catch(() => deps.ec2.send(new GetConsoleOutputCommand({ InstanceId: instanceId })));
      const text = out.Output
        ? Buffer.from(out.Output, 'base64').toString('utf8')
        : '(no console output yet)';
      for (const line of redactSecrets(text, secrets).split('\n')) log.info(line);
    } catch (e) {
      log.warning(`could not read the console output: ${(e as Error).message}`);
    }
  });
}

/**
 * The runner did not come online: capture the console output (redacted), terminate the instance, remove
 * the runner and the instance's parameter, and fail the start.
 */
async function failStart(
  deps: RunnerDeps,
  w: WaitContext & { instanceId: string; secrets: string[]; runnerId?: number },
  reason: string,
): Promise<never> {
  const { log } = deps;
  await logConsoleOutput(deps, w.instanceId, w.secrets);
  await terminate(deps.ec2, w.instanceId, log);
  const runner = w.runnerId ?? (await deps.github.findRunner(w.label))?.id;
  if (runner !== undefined)
    await deps.github
      .deleteRunner(runner)
      .catch((e: Error) => log.warning(`could not remove runner ${w.label}: ${e.message}`));
  const param = jitParameterName(w.instanceId);
  await deleteParameters(deps.ssm, [param]).catch((e: Error) =>
    log.warning(`could not delete ${param}: ${e.message}`),
  );
  throw new RunnerStartError(
    `${reason}; the instance was terminated and the runner removed (console output above)`,
  );
}

/**
 * The instance's state; a new instance may be unknown to DescribeInstances for a moment (EC2 is
 * eventually consistent: https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html).
 */
async function instanceState(ec2: EC2Client, instanceId: string): Promise<string> {
  try {
    const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return described.Reservations?.[0]?.Instances?.[0]?.State?.Name ?? 'pending';
  } catch (err) {
    if ((err as Error).name === 'InvalidInstanceID.NotFound') return 'pending';
    throw err;
  }
}

export async function terminate(ec2: EC2Client, instanceId: string, log: Logger): Promise<void> {
  try {
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    log.info(`terminated ${instanceId}`);
  } catch (err) {
    if ((err as Error).name === 'InvalidInstanceID.NotFound') log.info(`${instanceId} is already gone`);
    else throw err;
  }
}

/** DeleteParameters (10 a call): names already gone are reported by SSM, not thrown. */
export async function deleteParameters(ssm: SSMClient, names: readonly string[]): Promise<string[]> {
  const deleted: string[] = [];
  for (let i = 0; i < names.length; i += 10) {
    const out = await ssm.send(new DeleteParametersCommand({ Names: names.slice(i, i + 10) }));
    deleted.push(...(out.DeletedParameters ?? []));
  }
  return deleted;
}
