// ec2-runner: `mode` start | stop | reap of an ephemeral EC2 runner lease. Inputs are read and checked
// first; the lease logic is core's (packages/core/src/runner); outputs and a step summary at the end.
// Two stages, for a fast start: this file reads and checks the inputs and checks the
// credentials with the STS client alone; the engine (./engine.ts, a chunk with the other clients) is
// loaded after that first call.
import { runner as core } from '@moodle-preview/core';
import {
  checkLeaseId,
  choiceInput,
  ConfigurationError,
  integerInput,
  booleanInput,
  listInput,
  MARKET_TYPES,
  optionalInput,
  runAction,
  type LeaseId,
  type MarketType,
  type StartRunnerOptions,
  checkCredentialsFirst,
  parseRunnerScope,
} from '@moodle-preview/core';

export const INPUTS = {
  mode: 'mode',
  githubToken: 'github-token',
  repository: 'repository',
  runnerScope: 'runner-scope',
  runnerGroupId: 'runner-group-id',
  region: 'region',
  lease: 'lease',
  label: 'label',
  imageId: 'image-id',
  instanceTypes: 'instance-types',
  subnetIds: 'subnet-ids',
  securityGroupIds: 'security-group-ids',
  iamInstanceProfile: 'iam-instance-profile',
  marketType: 'market-type',
  volumeSizeGb: 'volume-size-gb',
  metadataHopLimit: 'metadata-hop-limit',
  maxLifetimeMinutes: 'max-lifetime-minutes',
  registrationTimeoutMinutes: 'registration-timeout-minutes',
  runnerVersion: 'runner-version',
  runnerSha256: 'runner-sha256',
  labels: 'labels',
  tags: 'tags',
  graceMinutes: 'grace-minutes',
  dryRun: 'dry-run',
  pollSeconds: 'poll-seconds',
} as const;

export const OUTPUTS = {
  label: 'label',
  instanceId: 'instance-id',
  region: 'region',
  terminated: 'terminated',
} as const;

const MODES = ['start', 'stop', 'reap'] as const;

export interface Inputs {
  mode: (typeof MODES)[number];
  token: string;
  repository: string;
  organization: boolean;
  runnerGroupId: number;
  region: string;
  lease: LeaseId;
  label: string | undefined;
  start: Omit<StartRunnerOptions, 'region' | 'repository' | 'lease'> | undefined;
  graceMinutes: number;
  dryRun: boolean;
}

function required(name: string, mode: string): string {
  const v = optionalInput(name);
  if (v === undefined) throw new ConfigurationError(`input ${name} is required with mode ${mode}`);
  return v;
}

/** `key=value` items, comma or newline separated. */
function tagsInput(name: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of listInput(name)) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new ConfigurationError(`input ${name}: "${item}" is not key=value`);
    tags[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return tags;
}

export function getInputs(): Inputs {
  const mode = choiceInput(INPUTS.mode, MODES, 'start');
  const token = optionalInput(INPUTS.githubToken);
  if (token) core.setSecret(token);
  if (!token)
    throw new ConfigurationError(
      `input ${INPUTS.githubToken} is required: a GitHub App installation token or a fine-grained token with ` +
        `"Administration: write" on the repository (the job's GITHUB_TOKEN cannot administer runners)`,
    );
  const region = optionalInput(INPUTS.region) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new ConfigurationError(`input ${INPUTS.region} is required (or set AWS_REGION)`);
  const repository = optionalInput(INPUTS.repository) ?? process.env.GITHUB_REPOSITORY ?? '';
  const scope = choiceInput(INPUTS.runnerScope, ['repository', 'organization'] as const, 'repository');
  const lease = checkLeaseId({
    runId: process.env.GITHUB_RUN_ID ?? '',
    runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? '1',
    name: optionalInput(INPUTS.lease) ?? 'main',
  });
  const start =
    mode === 'start'
      ? {
          imageId: required(INPUTS.imageId, mode),
          instanceTypes: listInput(INPUTS.instanceTypes),
          subnetIds: listInput(INPUTS.subnetIds),
          securityGroupIds: listInput(INPUTS.securityGroupIds),
          iamInstanceProfile: required(INPUTS.iamInstanceProfile, mode),
          marketType: choiceInput<MarketType>(INPUTS.marketType, MARKET_TYPES, 'on-demand'),
          volumeSizeGb: integerInput(INPUTS.volumeSizeGb, 100, 8, 16384),
          metadataHopLimit: integerInput(INPUTS.metadataHopLimit, 1, 1, 64),
          maxLifetimeMinutes: integerInput(INPUTS.maxLifetimeMinutes, 2880, 30, 7 * 24 * 60),
          registrationTimeoutMinutes: integerInput(INPUTS.registrationTimeoutMinutes, 10, 1, 120),
          runnerVersion: optionalInput(INPUTS.runnerVersion),
          runnerSha256: optionalInput(INPUTS.runnerSha256),
          runnerGroupId: integerInput(INPUTS.runnerGroupId, 1, 1, 2 ** 31 - 1),
          labels: listInput(INPUTS.labels),
          tags: tagsInput(INPUTS.tags),
          pollSeconds: integerInput(INPUTS.pollSeconds, 10, 1, 300),
        }
      : undefined;
  return {
    mode,
    token,
    repository,
    organization: scope === 'organization',
    runnerGroupId: integerInput(INPUTS.runnerGroupId, 1, 1, 2 ** 31 - 1),
    region,
    lease,
    label: optionalInput(INPUTS.label),
    start,
    graceMinutes: integerInput(INPUTS.graceMinutes, 15, 1, 24 * 60),
    dryRun: booleanInput(INPUTS.dryRun, false),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const scope = parseRunnerScope(inputs.repository, inputs.organization);
    await checkCredentialsFirst({ region: inputs.region });
    const engine = await import('./engine.js');
    await engine.runner(inputs, scope);
  });
}
