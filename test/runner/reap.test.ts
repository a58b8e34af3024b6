// The reaper's decisions (pure) and their application against the fake and the GitHub server:
// expired instances, instances whose runner never came online, fresh ones left alone, the suite's
// offline runners removed and nobody else's, JIT configs of ended or unknown instances deleted (never
// one whose instance is still there, whichever repository it serves), and dry-run changing nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  decideReap,
  instanceArn,
  jitParameterName,
  jitParameterTags,
  reapRunners,
  RUNNER_TAGS,
  type LeaseInstance,
  type RunnerParameter,
} from '@moodle-preview/core';
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
      parameters: [],
      parameterInstances: [],
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
    ]);
    expect(decisions[0]!.reason).toBe('past expires-at 2026-11-26T11:59:00.000Z');
    expect(decisions[1]!.reason).toMatch(
      /no online runner 20 min after start \(grace 15 min; runner offline\)/,
    );
  });

  it('at the boundaries: expiry at this very minute ends it, so does the end of the grace, and a missing start falls back to the launch', () => {
    const decide = (i: LeaseInstance, runners: ReturnType<typeof runner>[] = []) =>
      decideReap({
        now,
        graceMinutes: 15,
        instances: [i],
        runners,
        parameters: [],
        parameterInstances: [],
      })[0]!;
    expect(decide(instance('mdl-ec2-1-1-a', 600, { expiresAt: now }))).toMatchObject({
      action: 'terminate',
      reason: `past expires-at ${now.toISOString()}`,
    });
    expect(decide(instance('mdl-ec2-1-1-a', 1, { expiresAt: undefined }))).toMatchObject({
      action: 'terminate',
      reason: 'no valid expires-at tag',
    });
    // An expired lease goes even while its runner is online and busy: the lifetime is the cost cap.
    expect(
      decide(instance('mdl-ec2-1-1-a', 600, { expiresAt: new Date(now.getTime() - MIN) }), [
        runner('mdl-ec2-1-1-a', 'online', true),
      ]).action,
    ).toBe('terminate');
    expect(decide(instance('mdl-ec2-1-1-a', 15))).toMatchObject({
      action: 'terminate',
      reason: 'no online runner 15 min after start (grace 15 min; runner not registered)',
    });
    expect(decide(instance('mdl-ec2-1-1-a', 14))).toMatchObject({
      action: 'keep',
      reason: 'starting (14 min old, within grace)',
    });
    expect(decide(instance('mdl-ec2-1-1-a', 600, { startedAt: undefined })).action).toBe('terminate');
    expect(
      decide(
        instance('mdl-ec2-1-1-a', 5, { startedAt: undefined, launchTime: new Date(now.getTime() - 5 * MIN) }),
      ).action,
    ).toBe('keep');
    // Neither: taken as just started, so the grace protects it.
    expect(decide(instance('mdl-ec2-1-1-a', 0, { startedAt: undefined, launchTime: undefined })).action).toBe(
      'keep',
    );
    expect(decide(instance('mdl-ec2-1-1-a', 1, { state: 'stopping' }))).toMatchObject({
      action: 'terminate',
      reason: 'stopping: a stopped runner runs no job',
    });
    expect(decide(instance('mdl-ec2-1-1-a', 600), [runner('mdl-ec2-1-1-a', 'online')]).reason).toBe(
      'runner online',
    );
    expect(decide(instance('mdl-ec2-1-1-a', 600), [runner('mdl-ec2-1-1-a', 'online', true)]).reason).toBe(
      'runner online and busy',
    );
    // Another runner online does not keep this instance.
    expect(decide(instance('mdl-ec2-1-1-a', 600), [runner('mdl-ec2-2-1-b', 'online')]).action).toBe(
      'terminate',
    );
  });

  it("an online runner of the suite is kept even when its instance is not this reap's; an unlabelled kept instance keeps no runner", () => {
    const decisions = decideReap({
      now,
      graceMinutes: 15,
      instances: [instance('mdl-ec2-1-1-a', 1, { label: undefined })],
      runners: [runner('mdl-ec2-7-1-x', 'online'), runner('mdl-ec2-8-1-y', 'offline')],
      parameters: [],
      parameterInstances: [],
    });
    expect(decisions.map((d) => [d.kind, d.id, d.action, d.reason])).toEqual([
      ['instance', 'i-mdl-ec2-1-1-a', 'keep', 'starting (1 min old, within grace)'],
      ['runner', 'mdl-ec2-7-1-x', 'keep', 'online (its instance is elsewhere or ending)'],
      ['runner', 'mdl-ec2-8-1-y', 'remove', 'offline and no live instance of its lease'],
    ]);
  });

  it('a parameter without a modification date is old, and one exactly the grace old is deleted', () => {
    const decisions = decideReap({
      now,
      graceMinutes: 15,
      instances: [],
      runners: [],
      parameters: [
        {
          name: jitParameterName('i-00000000000000009'),
          instanceId: 'i-00000000000000009',
          lastModified: undefined,
        },
        {
          name: jitParameterName('i-0000000000000000a'),
          instanceId: 'i-0000000000000000a',
          lastModified: new Date(now.getTime() - 15 * MIN),
        },
        { name: '/moodle-preview/runners/old-style', instanceId: undefined, lastModified: undefined },
      ],
      parameterInstances: [],
    });
    expect(decisions.map((d) => d.action)).toEqual(['delete', 'delete', 'delete']);
  });

  it('keeps every JIT config whose instance is still there, and deletes those of ended or unknown ones', () => {
    const id = (n: number) => `i-0000000000000000${n}`;
    const param = (name: string, ageMin: number): RunnerParameter => ({
      name,
      instanceId: /^\/moodle-preview\/runners\/(i-[0-9a-f]+)$/.exec(name)?.[1],
      lastModified: new Date(now.getTime() - ageMin * MIN),
    });
    const lease = (n: number, label: string, state: string, over: Partial<LeaseInstance> = {}) =>
      instance(label, 60, { instanceId: id(n), state, ...over });
    const expired = lease(1, 'mdl-ec2-21-1-main', 'running', { expiresAt: new Date(now.getTime() - MIN) });
    const booting = lease(2, 'mdl-ec2-22-1-main', 'pending', { startedAt: new Date(now.getTime() - MIN) });
    // Another repository's live runner: not among this reap's instances, yet its config must stay.
    const elsewhere = lease(3, 'mdl-ec2-23-1-main', 'running', { repository: 'example-org/other' });
    const ended = lease(4, 'mdl-ec2-24-1-main', 'terminated');
    const shuttingDown = lease(5, 'mdl-ec2-25-1-main', 'shutting-down');
    const stopped = lease(6, 'mdl-ec2-26-1-main', 'stopped', { repository: 'example-org/other' });
    const decisions = decideReap({
      now,
      graceMinutes: 15,
      instances: [expired, booting],
      runners: [],
      parameters: [
        param(jitParameterName(id(1)), 60),
        param(jitParameterName(id(2)), 1),
        param(jitParameterName(id(3)), 600),
        param(jitParameterName(id(4)), 600),
        param(jitParameterName(id(5)), 1),
        param(jitParameterName(id(6)), 600),
        param(jitParameterName(id(7)), 5), // no such instance yet (EC2 is eventually consistent)
        param(jitParameterName(id(8)), 90), // no such instance any more
        param('/moodle-preview/runners/mdl-ec2-8-1-gone', 90), // an older version's, by label
        param('/moodle-preview/runners/mdl-ec2-9-1-new', 5),
      ],
      parameterInstances: [expired, booting, elsewhere, ended, shuttingDown, stopped],
    }).filter((d) => d.kind === 'parameter');
    expect(decisions.map((d) => `${d.id} ${d.action}${d.label ? ` ${d.label}` : ''}`)).toEqual([
      `/moodle-preview/runners/${id(1)} delete mdl-ec2-21-1-main`,
      `/moodle-preview/runners/${id(2)} keep mdl-ec2-22-1-main`,
      `/moodle-preview/runners/${id(3)} keep mdl-ec2-23-1-main`,
      `/moodle-preview/runners/${id(4)} delete mdl-ec2-24-1-main`,
      `/moodle-preview/runners/${id(5)} delete mdl-ec2-25-1-main`,
      `/moodle-preview/runners/${id(6)} keep mdl-ec2-26-1-main`,
      `/moodle-preview/runners/${id(7)} keep`,
      `/moodle-preview/runners/${id(8)} delete`,
      '/moodle-preview/runners/mdl-ec2-8-1-gone delete',
      '/moodle-preview/runners/mdl-ec2-9-1-new keep',
    ]);
    expect(decisions.map((d) => d.reason)).toEqual([
      `its instance ${id(1)} is terminated now`,
      `its instance ${id(2)} is pending and may still read it`,
      `its instance ${id(3)} is running and may still read it`,
      `its instance ${id(4)} is terminated`,
      `its instance ${id(5)} is shutting-down`,
      `its instance ${id(6)} is stopped and may still read it`,
      `its instance ${id(7)} is not visible yet; younger than the grace`,
      `its instance ${id(8)} does not exist (ended long ago)`,
      'not named by an instance id (an older version’s JIT config)',
      'not named by an instance id; younger than the grace',
    ]);
  });
});

describe('reapRunners', () => {
  /** The JIT config of an instance as start writes it. */
  const config = (instanceId: string) =>
    w.ssm.send(
      new PutParameterCommand({
        Name: jitParameterName(instanceId),
        Type: 'SecureString',
        Value: `jit of ${instanceId}`,
        Tags: Object.entries(
          jitParameterTags(instanceArn(w.fake.server.region, w.fake.server.accountId, instanceId)),
        ).map(([Key, Value]) => ({ Key, Value })),
      }),
    );

  it('dry-run lists what it would do and changes nothing; the real run does it; a second run has nothing to do', async () => {
    const expired = seed('mdl-ec2-11-1-main', 3000);
    const never = seed('mdl-ec2-12-1-main', 30);
    const fresh = seed('mdl-ec2-13-1-main', 3);
    const working = seed('mdl-ec2-14-1-main', 400);
    const otherRepo = seed('mdl-ec2-15-1-main', 3000, 2880, 'example-org/other');
    const ended = seed('mdl-ec2-17-1-main', 30);
    w.fake.ec2.setState(ended, 'terminated');
    w.github.addRunner('mdl-ec2-12-1-main', 'offline');
    w.github.addRunner('mdl-ec2-14-1-main', 'online', undefined, true);
    w.github.addRunner('mdl-ec2-16-1-main', 'offline'); // its instance is long gone
    w.github.addRunner('build-box', 'offline'); // not the suite's
    for (const id of [expired, fresh, otherRepo, ended, 'i-0000000000000dead']) await config(id);
    await w.ssm.send(
      new PutParameterCommand({
        Name: '/moodle-preview/runners/mdl-ec2-16-1-main',
        Type: 'SecureString',
        Value: 'jit',
      }),
    );
    // The fake's own clock (the parameters' dates) is months behind the lease clock: they are all old.

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
        `delete ${jitParameterName(expired)}`,
        `delete ${jitParameterName(ended)}`,
        `delete ${jitParameterName('i-0000000000000dead')}`,
        'delete /moodle-preview/runners/mdl-ec2-16-1-main',
      ].sort(),
    );
    expect(
      w.log.lines.some((l) => l.startsWith(`would terminate instance ${expired}: past expires-at`)),
    ).toBe(true);

    const real = await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: false });
    expect(real.terminated.sort()).toEqual([expired, never].sort());
    expect(real.runnersRemoved.sort()).toEqual(['mdl-ec2-12-1-main', 'mdl-ec2-16-1-main']);
    expect(real.parametersDeleted.sort()).toEqual(
      [
        jitParameterName(expired),
        jitParameterName(ended),
        jitParameterName('i-0000000000000dead'),
        '/moodle-preview/runners/mdl-ec2-16-1-main',
      ].sort(),
    );
    for (const id of [fresh, working, otherRepo]) expect(w.fake.ec2.instances.get(id)!.State).toBe('running');
    // Live instances keep their configs: this repository's fresh one and another repository's too.
    for (const id of [fresh, otherRepo]) expect(w.fake.ssm.parameters.has(jitParameterName(id))).toBe(true);
    expect(w.github.runner('build-box')).toBeDefined();
    expect(w.github.runner('mdl-ec2-14-1-main')).toBeDefined();

    const again = await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: false });
    expect(again.terminated).toEqual([]);
    expect(again.runnersRemoved).toEqual([]);
    expect(again.parametersDeleted).toEqual([]);
  });

  it('looks up the instances of many parameters in batches of 100, by filter (unknown ids do not fail it)', async () => {
    const ids = Array.from({ length: 230 }, (_, n) => `i-${(0xabc00000 + n).toString(16).padStart(17, '0')}`);
    for (const id of ids) await config(id);
    const live = seed('mdl-ec2-31-1-main', 3);
    await config(live);
    w.fake.server.resetCalls();
    const r = await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: false });
    expect(r.parametersDeleted.sort()).toEqual(ids.map(jitParameterName).sort());
    expect(w.fake.ssm.parameters.has(jitParameterName(live))).toBe(true);
    expect(w.fake.server.count({ action: 'DescribeInstances' })).toBe(1 + 3); // the repository's, then 3 batches
  });
});
