// The reaper's decisions (pure) and their application against the fake and the GitHub server:
// expired instances, instances whose runner never came online, fresh ones left alone, the suite's
// offline runners removed and nobody else's, unread JIT configs deleted, and dry-run changing nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { decideReap, reapRunners, RUNNER_TAGS, type LeaseInstance } from '@moodle-preview/core';
import { createRunnerWorld, REPOSITORY, type RunnerWorld } from './runner-world.js';

let w: RunnerWorld;
beforeAll(async () => {
  w = await createRunnerWorld();
});
afterAll(async () => w.close());

const MIN = 60_000;

/** An instance of the suite as start would have left it, started `ageMin` minutes before the clock. */
function seed(label: string, ageMin: number, lifetimeMin = 2880, repository = REPOSITORY): string {
  const startedAt = new Date(w.clock.now - ageMin * MIN);
  const tags: Record<string, string> = {
    'moodle-preview:managed-by': 'moodle-preview-actions',
    'moodle-preview:component': 'ec2-runner',
    [RUNNER_TAGS.repository]: repository,
    [RUNNER_TAGS.label]: label,
    [RUNNER_TAGS.startedAt]: startedAt.toISOString(),
    [RUNNER_TAGS.expiresAt]: new Date(startedAt.getTime() + lifetimeMin * MIN).toISOString(),
  };
  const out = w.fake.ec2.handle('RunInstances', {
    ImageId: 'ami-0abcdef1234567890',
    InstanceType: 'm7i.xlarge',
    SubnetId: 'subnet-0aaaaaaaaaaaaaaaa',
    MinCount: '1',
    MaxCount: '1',
    TagSpecification: [
      { ResourceType: 'instance', Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
    ],
  }) as { instancesSet: { instanceId: string }[] };
  return out.instancesSet[0]!.instanceId;
}

describe('decideReap', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const instance = (label: string, ageMin: number, over: Partial<LeaseInstance> = {}): LeaseInstance => ({
    instanceId: `i-${label}`,
    state: 'running',
    instanceType: 'm7i.xlarge',
    subnetId: 'subnet-0aaaaaaaaaaaaaaaa',
    market: 'on-demand',
    launchTime: new Date(now.getTime() - ageMin * MIN),
    label,
    repository: REPOSITORY,
    workflowRun: '1',
    startedAt: new Date(now.getTime() - ageMin * MIN),
    expiresAt: new Date(now.getTime() + 60 * MIN),
    tags: {},
    ...over,
  });
  const runner = (name: string, status: 'online' | 'offline', busy = false) => ({
    id: 1,
    name,
    status,
    busy,
    labels: [],
  });

  it('decides per instance, runner and parameter', () => {
    const decisions = decideReap({
      now,
      graceMinutes: 15,
      instances: [
        instance('mdl-ec2-1-1-expired', 600, { expiresAt: new Date(now.getTime() - MIN) }),
        instance('mdl-ec2-2-1-never', 20),
        instance('mdl-ec2-3-1-booting', 5),
        instance('mdl-ec2-4-1-working', 500),
        instance('mdl-ec2-5-1-stopped', 30, { state: 'stopped' }),
      ],
      runners: [
        runner('mdl-ec2-4-1-working', 'online', true),
        runner('mdl-ec2-2-1-never', 'offline'),
        runner('mdl-ec2-3-1-booting', 'offline'),
        runner('mdl-ec2-9-1-orphan', 'offline'),
        runner('build-box', 'offline'),
      ],
      parameters: [
        {
          name: '/moodle-preview/runners/mdl-ec2-3-1-booting',
          label: 'mdl-ec2-3-1-booting',
          lastModified: new Date(now.getTime() - 5 * MIN),
        },
        {
          name: '/moodle-preview/runners/mdl-ec2-8-1-gone',
          label: 'mdl-ec2-8-1-gone',
          lastModified: new Date(now.getTime() - 90 * MIN),
        },
      ],
    });
    expect(decisions.map((d) => `${d.kind} ${d.id} ${d.action}`)).toEqual([
      'instance i-mdl-ec2-1-1-expired terminate',
      'instance i-mdl-ec2-2-1-never terminate',
      'instance i-mdl-ec2-3-1-booting keep',
      'instance i-mdl-ec2-4-1-working keep',
      'instance i-mdl-ec2-5-1-stopped terminate',
      'runner mdl-ec2-4-1-working keep',
      'runner mdl-ec2-2-1-never remove',
      'runner mdl-ec2-3-1-booting keep',
      'runner mdl-ec2-9-1-orphan remove',
      'parameter /moodle-preview/runners/mdl-ec2-3-1-booting keep',
      'parameter /moodle-preview/runners/mdl-ec2-8-1-gone delete',
    ]);
    expect(decisions[0]!.reason).toBe('past expires-at 2026-11-26T11:59:00.000Z');
    expect(decisions[1]!.reason).toMatch(
      /no online runner 20 min after start \(grace 15 min; runner offline\)/,
    );
  });
});

describe('reapRunners', () => {
  it('dry-run lists what it would do and changes nothing; the real run does it; a second run has nothing to do', async () => {
    const expired = seed('mdl-ec2-11-1-main', 3000);
    const never = seed('mdl-ec2-12-1-main', 30);
    const fresh = seed('mdl-ec2-13-1-main', 3);
    const working = seed('mdl-ec2-14-1-main', 400);
    const otherRepo = seed('mdl-ec2-15-1-main', 3000, 2880, 'example-org/other');
    w.github.addRunner('mdl-ec2-12-1-main', 'offline');
    w.github.addRunner('mdl-ec2-14-1-main', 'online', undefined, true);
    w.github.addRunner('mdl-ec2-16-1-main', 'offline'); // its instance is long gone
    w.github.addRunner('build-box', 'offline'); // not the suite's
    await w.ssm.send(
      new PutParameterCommand({
        Name: '/moodle-preview/runners/mdl-ec2-16-1-main',
        Type: 'SecureString',
        Value: 'jit',
      }),
    );
    // The fake's own clock (the parameter's date) is months behind the lease clock: the parameter is old.

    w.fake.server.resetCalls();
    const requests = w.github.requests.length;
    const dry = await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: true });
    expect(w.fake.server.count({ mutating: true })).toBe(0);
    expect(w.github.requests.slice(requests).every((q) => q.method === 'GET')).toBe(true);
    const acts = (r: typeof dry) =>
      r.decisions
        .filter((d) => d.action !== 'keep')
        .map((d) => `${d.action} ${d.id}`)
        .sort();
    expect(acts(dry)).toEqual(
      [
        `terminate ${expired}`,
        `terminate ${never}`,
        'remove mdl-ec2-12-1-main',
        'remove mdl-ec2-16-1-main',
        'delete /moodle-preview/runners/mdl-ec2-16-1-main',
      ].sort(),
    );
    expect(
      w.log.lines.some((l) => l.startsWith(`would terminate instance ${expired}: past expires-at`)),
    ).toBe(true);

    const real = await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: false });
    expect(real.terminated.sort()).toEqual([expired, never].sort());
    expect(real.runnersRemoved.sort()).toEqual(['mdl-ec2-12-1-main', 'mdl-ec2-16-1-main']);
    expect(real.parametersDeleted).toEqual(['/moodle-preview/runners/mdl-ec2-16-1-main']);
    for (const id of [fresh, working, otherRepo]) expect(w.fake.ec2.instances.get(id)!.State).toBe('running');
    expect(w.github.runner('build-box')).toBeDefined();
    expect(w.github.runner('mdl-ec2-14-1-main')).toBeDefined();

    const again = await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: false });
    expect(again.terminated).toEqual([]);
    expect(again.runnersRemoved).toEqual([]);
    expect(again.parametersDeleted).toEqual([]);
  });
});
