// What the runner tests share: the AWS fake (EC2 + SSM) reached through AWS_ENDPOINT_URL, the GitHub
// runners server, clients built like the action builds them, a logger that keeps lines and a clock,
// and instances that boot as the boot script does (take their own JIT config, come online).
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsFake, type AwsFake, type Ec2Instance } from '@moodle-preview/aws-fake';
import {
  awsClientConfig,
  createEc2Client,
  GitHubRunnersClient,
  instanceArn,
  jitParameterName,
  memoryLogger,
  RUNNER_TAGS,
  type RunnerDeps,
  type StartRunnerOptions,
} from '@moodle-preview/core';
import { startGitHubRunnersServer, type GitHubRunnersServer } from '../servers/github-runners.js';

export const REPOSITORY = 'example-org/moodle-build';

export interface RunnerWorld {
  fake: AwsFake;
  github: GitHubRunnersServer;
  ec2: EC2Client;
  ssm: SSMClient;
  log: ReturnType<typeof memoryLogger>;
  /** Simulated wall clock of the lease logic; `sleep` advances it. */
  clock: { now: number };
  deps(overrides?: Partial<RunnerDeps>): RunnerDeps;
  startOptions(overrides?: Partial<StartRunnerOptions>): StartRunnerOptions;
  close(): Promise<void>;
}

/** `fake`: share a running fake (another world's), which this world's close leaves running. */
export async function createRunnerWorld(options: { fake?: AwsFake } = {}): Promise<RunnerWorld> {
  const fake = options.fake ?? createAwsFake();
  if (!options.fake) {
    await fake.listen();
    Object.assign(process.env, fake.env());
  }
  const github = await startGitHubRunnersServer();
  const region = fake.server.region;
  const ec2 = createEc2Client({ region, maxAttempts: 2 });
  const ssm = new SSMClient(awsClientConfig({ region, maxAttempts: 2 }));
  const log = memoryLogger();
  const clock = { now: Date.parse('2026-11-26T10:00:00Z') };
  const client = new GitHubRunnersClient({
    apiUrl: github.url,
    token: github.token,
    scope: { kind: 'repository', owner: 'example-org', repo: 'moodle-build' },
  });
  return {
    fake,
    github,
    ec2,
    ssm,
    log,
    clock,
    deps: (overrides = {}) => ({
      ec2,
      ssm,
      github: client,
      log,
      now: () => new Date(clock.now),
      sleep: async (ms) => {
        clock.now += ms;
      },
      ...overrides,
    }),
    startOptions: (overrides = {}) => ({
      region,
      repository: REPOSITORY,
      lease: { runId: '4242', runAttempt: 1, name: 'main' },
      imageId: 'ami-0abcdef1234567890',
      instanceTypes: ['m7i.xlarge', 'm6i.xlarge'],
      subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
      securityGroupIds: ['sg-0123456789abcdef0'],
      iamInstanceProfile: 'moodle-preview-runner',
      marketType: 'on-demand',
      volumeSizeGb: 200,
      metadataHopLimit: 1,
      maxLifetimeMinutes: 2880,
      registrationTimeoutMinutes: 10,
      runnerGroupId: 1,
      labels: ['restore'],
      tags: { 'cost-centre': 'digital-education' },
      pollSeconds: 10,
      ...overrides,
    }),
    close: async () => {
      ec2.destroy();
      ssm.destroy();
      await github.close();
      if (!options.fake) await fake.close();
    },
  };
}

export interface BootSimulation {
  /** The JIT config each instance took, by instance id. */
  taken: Map<string, string>;
  /** The tags of the parameter each instance took. */
  tags: Map<string, { Key: string; Value: string }[]>;
  /** Instances that powered off because no config of theirs appeared. */
  poweredOff: string[];
}

/**
 * From now on, at every runner poll of start (GitHub's list), each live runner instance of the suite
 * does what runner-boot.sh does: it takes the parameter named by its own id — only if tagged with its
 * own ARN, as the instance role's condition demands — and deletes it; `onlineAfter` polls later its
 * runner is online. One that finds no config for `powerOffAfter` polls powers itself off. `labels`
 * limits this to the instances of those leases (the world is shared by a file's tests).
 */
export function simulateBoots(
  w: RunnerWorld,
  options: { onlineAfter?: number; powerOffAfter?: number; labels?: string[] } = {},
): BootSimulation {
  const sim: BootSimulation = { taken: new Map(), tags: new Map(), poweredOff: [] };
  const polls = new Map<string, number>();
  const label = (i: Ec2Instance) => i.Tags.find((t) => t.Key === RUNNER_TAGS.label)?.Value ?? '';
  w.github.onList = (gh) => {
    for (const i of w.fake.ec2.tagged(RUNNER_TAGS.component, 'ec2-runner')) {
      if (i.State !== 'pending' && i.State !== 'running') continue;
      if (options.labels && !options.labels.includes(label(i))) continue;
      const id = i.InstanceId;
      const n = (polls.get(id) ?? 0) + 1;
      polls.set(id, n);
      const name = jitParameterName(id);
      const param = w.fake.ssm.parameters.get(name);
      const arn = instanceArn(w.fake.server.region, w.fake.server.accountId, id);
      const own = w.fake.ssm.tags.get(name)?.some((t) => t.Key === RUNNER_TAGS.instance && t.Value === arn);
      if (!sim.taken.has(id) && param && own) {
        sim.taken.set(id, param.Value);
        sim.tags.set(id, w.fake.ssm.tags.get(name) ?? []);
        w.fake.ssm.parameters.delete(name);
        w.fake.ssm.tags.delete(name);
        polls.set(id, 0);
      } else if (sim.taken.has(id)) {
        if (n >= (options.onlineAfter ?? 1) && gh.runner(label(i))) gh.markOnline(label(i));
      } else if (n >= (options.powerOffAfter ?? Infinity)) {
        w.fake.ec2.setState(id, 'shutting-down');
        sim.poweredOff.push(id);
      }
    }
  };
  return sim;
}
