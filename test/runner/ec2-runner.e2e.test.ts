// The ec2-runner bundle started as the Actions runner starts it (Node 24, INPUT_*, file commands)
// against the AWS fake and the GitHub runners server: start then stop, stop after a start killed
// half-way (no outputs), and a 403 that says which token is needed.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { runAction, type ActionResult } from '../harness/run-action.js';
import { startGitHubRunnersServer, type GitHubRunnersServer } from '../servers/github-runners.js';

const ACTION = 'actions/ec2-runner';
let fake: AwsFake;
let github: GitHubRunnersServer;
beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  github = await startGitHubRunnersServer();
});
afterAll(async () => {
  await github.close();
  await fake.close();
});

const START = {
  mode: 'start',
  'image-id': 'ami-0abcdef1234567890',
  'instance-types': 'm7i.xlarge\nm6i.xlarge',
  'subnet-ids': 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
  'security-group-ids': 'sg-0123456789abcdef0',
  'iam-instance-profile': 'moodle-preview-runner',
  'market-type': 'spot-then-on-demand',
  'poll-seconds': '1',
  labels: 'restore',
  tags: 'cost-centre=digital-education',
};

const env = (runId: string) => ({
  ...fake.env(),
  GITHUB_API_URL: github.url,
  GITHUB_RUN_ID: runId,
  GITHUB_RUN_ATTEMPT: '1',
});

/** Lines that show a secret, the add-mask commands (which hand it to the runner to hide) aside. */
const leaks = (r: ActionResult, secrets: string[]) =>
  (r.stdout + r.stderr + r.summary)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::') && secrets.some((s) => l.includes(s)));

it('start leases a runner and outputs its label; stop with that label ends it, and again finds nothing to do', async () => {
  const label = 'mdl-ec2-7001-1-main';
  let polls = 0;
  github.onList = (gh) => {
    if (++polls >= 2 && gh.runner(label)) gh.markOnline(label);
  };
  const started = await runAction(ACTION, {
    inputs: { ...START, 'github-token': github.token },
    env: env('7001'),
  });
  github.onList = undefined;
  expect(started.stderr).toBe('');
  expect(started.commands.filter((c) => c.command === 'error')).toEqual([]);
  expect(started.exitCode).toBe(0);
  expect(started.outputs).toMatchObject({ label, region: 'eu-west-2' });
  const instanceId = started.outputs['instance-id']!;
  expect(['pending', 'running']).toContain(fake.ec2.instances.get(instanceId)!.State);
  expect(started.summary).toContain(`Runner ${label}`);
  const jit = github.jitConfigs.get(label)!;
  const masks = started.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  expect(masks).toEqual(expect.arrayContaining([github.token, jit]));
  expect(leaks(started, [github.token, jit])).toEqual([]);
  const userData = Buffer.from(fake.ec2.instances.get(instanceId)!.UserData!, 'base64').toString();
  expect(userData).not.toContain(jit);
  expect(userData).not.toContain(github.token);
  // The user's tags (input tags) are on the instance and on its JIT config parameter, beside the suite's.
  const held = fake.server
    .resources()
    .filter((r) => r.name === instanceId || r.name.endsWith(`/${instanceId}`));
  expect(held.map((r) => [r.kind, r.tags?.['cost-centre'], r.tags?.['moodle-preview:managed-by']])).toEqual([
    ['ec2:instance', 'digital-education', 'moodle-preview-actions'],
    ['ssm:parameter', 'digital-education', 'moodle-preview-actions'],
  ]);

  const stopped = await runAction(ACTION, {
    inputs: { mode: 'stop', 'github-token': github.token, label },
    env: env('7001'),
  });
  expect(stopped.stderr).toBe('');
  expect(stopped.exitCode).toBe(0);
  expect(JSON.parse(stopped.outputs.terminated!)).toEqual([instanceId]);
  expect(['shutting-down', 'terminated']).toContain(fake.ec2.instances.get(instanceId)!.State);
  expect(github.runner(label)).toBeUndefined();
  expect(fake.ssm.parameters.has(`/moodle-preview/runners/${label}`)).toBe(false);

  const again = await runAction(ACTION, {
    inputs: { mode: 'stop', 'github-token': github.token, label },
    env: env('7001'),
  });
  expect(again.exitCode).toBe(0);
  expect(JSON.parse(again.outputs.terminated!)).toEqual([]);
  expect(again.summary).toContain('none (already gone)');
});

it('stop finds and ends a lease whose start was killed half-way and gave no outputs', async () => {
  const label = 'mdl-ec2-7002-1-main';
  // The runner never comes online; the start process is killed while it waits (a cancelled job).
  const killed = await runAction(ACTION, {
    inputs: { ...START, 'github-token': github.token, 'registration-timeout-minutes': '30' },
    env: env('7002'),
    timeoutMs: 6000,
  });
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.outputs).toEqual({});
  const [instance] = fake.ec2.tagged('moodle-preview:runner-label', label);
  expect(instance?.State).toBe('running');
  expect(github.runner(label)).toBeDefined();

  const stopped = await runAction(ACTION, {
    inputs: { mode: 'stop', 'github-token': github.token },
    env: env('7002'),
  });
  expect(stopped.exitCode).toBe(0);
  expect(JSON.parse(stopped.outputs.terminated!)).toEqual([instance!.InstanceId]);
  expect(github.runner(label)).toBeUndefined();
  expect(fake.ssm.parameters.has(`/moodle-preview/runners/${label}`)).toBe(false);
});

it("a 403 from GitHub fails the step saying the job's GITHUB_TOKEN cannot and what can, with no AWS change", async () => {
  fake.server.resetCalls();
  github.refuse = 403;
  try {
    const r = await runAction(ACTION, {
      inputs: { ...START, 'github-token': github.token },
      env: env('7003'),
    });
    expect(r.exitCode).toBe(1);
    const error = r.commands.find((c) => c.command === 'error')!.message;
    expect(error).toContain('403');
    expect(error).toContain("the job's GITHUB_TOKEN cannot administer self-hosted runners");
    expect(error).toContain('"Administration: write"');
    expect(fake.server.count({ mutating: true })).toBe(0);
  } finally {
    github.refuse = undefined;
  }
});

it('reap with dry-run lists the expired lease in the summary and changes nothing; without, terminates it', async () => {
  const tags = {
    'moodle-preview:managed-by': 'moodle-preview-actions',
    'moodle-preview:component': 'ec2-runner',
    'moodle-preview:repository': 'example-org/moodle-build',
    'moodle-preview:runner-label': 'mdl-ec2-7004-1-main',
    'moodle-preview:started-at': '2026-01-01T00:00:00.000Z',
    'moodle-preview:expires-at': '2026-01-03T00:00:00.000Z',
  };
  const launched = fake.ec2.handle('RunInstances', {
    ImageId: 'ami-0abcdef1234567890',
    InstanceType: 'm7i.xlarge',
    MinCount: '1',
    MaxCount: '1',
    TagSpecification: [
      { ResourceType: 'instance', Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    ],
  }) as { instancesSet: { instanceId: string }[] };
  const id = launched.instancesSet[0]!.instanceId;
  fake.server.resetCalls();
  const dry = await runAction(ACTION, {
    inputs: { mode: 'reap', 'github-token': github.token, 'dry-run': 'true' },
    env: env('7004'),
  });
  expect(dry.exitCode).toBe(0);
  expect(dry.summary).toContain('Runner reaper (dry run: nothing changed)');
  expect(dry.summary).toContain(`<td>instance</td><td>${id}</td><td>would terminate</td><td>past expires-at`);
  expect(fake.server.count({ mutating: true })).toBe(0);

  const real = await runAction(ACTION, {
    inputs: { mode: 'reap', 'github-token': github.token },
    env: env('7004'),
  });
  expect(real.exitCode).toBe(0);
  expect(JSON.parse(real.outputs.terminated!)).toEqual([id]);
  expect(fake.ec2.instances.get(id)!.State).toBe('shutting-down');
});
