// What the runner tests share: the AWS fake (EC2 + SSM) reached through AWS_ENDPOINT_URL, the GitHub
// runners server, clients built like the action builds them, a logger that keeps lines and a clock.
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import {
  awsClientConfig,
  createEc2Client,
  GitHubRunnersClient,
  memoryLogger,
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

export async function createRunnerWorld(): Promise<RunnerWorld> {
  const fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
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
      await fake.close();
    },
  };
}
