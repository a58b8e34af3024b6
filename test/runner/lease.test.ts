// The runner lease against the stateful AWS fake (EC2 + SSM through the real SDK) and a local server
// playing GitHub's runner endpoints: the JIT flow (the config stored after RunInstances under the
// instance id, tagged with its ARN), what the instance is launched with, the capacity fallback order,
// registration timeouts and early deaths undone, restarts of a start interrupted at each step, stop
// after a cancelled start, and GitHub's refusals.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { AwsServiceError } from '@moodle-preview/aws-fake';
import {
  ConfigurationError,
  createEc2Client,
  GitHubRunnerAccessError,
  GitHubRunnersClient,
  instanceArn,
  jitParameterName,
  leaseLabel,
  NoCapacityError,
  RUNNER_PARAMETER_PATH,
  RUNNER_TAGS,
  RunnerStartError,
  startRunner,
  stopRunner,
} from '@moodle-preview/core';
import { createRunnerWorld, REPOSITORY, simulateBoots, type RunnerWorld } from './runner-world.js';

let w: RunnerWorld;
beforeAll(async () => {
  w = await createRunnerWorld();
});
afterAll(async () => w.close());

let runId = 1000;
/** A fresh lease per test, so tests share one world without seeing each other's instances. */
const lease = () => ({ runId: String(++runId), runAttempt: 1, name: 'main' });

afterEach(() => {
  w.github.onList = undefined;
  w.github.refuse = undefined;
  w.github.refuseMatching = undefined;
  w.fake.server.interruptAfterMutations(undefined);
  w.fake.server.beforeHandle = undefined;
});

const arnOf = (instanceId: string) => instanceArn('eu-west-2', '123456789012', instanceId);
const liveOf = (label: string) =>
  w.fake.ec2.tagged(RUNNER_TAGS.label, label).filter((i) => i.State === 'pending' || i.State === 'running');
/** Names of the JIT parameters the fake holds. */
const jitParameters = () =>
  [...w.fake.ssm.parameters.keys()].filter((n) => n.startsWith(RUNNER_PARAMETER_PATH));
/** PutParameter calls since the last resetCalls, answered or not. */
const puts = () => w.fake.server.calls.filter((c) => c.action === 'PutParameter');

/** An instance launched by someone else's call (not startRunner), with exactly these tags. */
async function launchTagged(tags: Record<string, string>) {
  return w.deps().ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0abcdef1234567890',
      InstanceType: 'm7i.large',
      SubnetId: 'subnet-0aaaaaaaaaaaaaaaa',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
}

/** Bring the lease's runner online at the n-th runner poll, as a booting instance would. */
function onlineAfter(polls: number, label: string) {
  let n = 0;
  w.github.onList = (gh) => {
    if (++n >= polls && gh.runner(label)) gh.markOnline(label);
  };
}

const userDataOf = (instanceId: string) =>
  Buffer.from(w.fake.ec2.instances.get(instanceId)!.UserData ?? '', 'base64').toString('utf8');

describe('start: the JIT flow', () => {
  it('registers a JIT runner, launches a locked-down instance, then stores the config under its id for it alone, and waits until online', async () => {
    const l = lease();
    const label = leaseLabel(l);
    const boots = simulateBoots(w, { onlineAfter: 2 });
    const sent: Record<string, unknown>[] = [];
    w.fake.server.beforeHandle = (_service, action, params) => {
      if (action === 'PutParameter') sent.push(params);
    };
    const masked: string[] = [];
    const log = { ...w.log, mask: (secret: string) => (masked.push(secret), w.log.mask(secret)) };
    w.fake.server.resetCalls();
    const r = await startRunner(w.deps({ log }), w.startOptions({ lease: l }));

    expect(r).toMatchObject({
      label,
      region: 'eu-west-2',
      reused: false,
      market: 'on-demand',
      instanceType: 'm7i.xlarge',
    });
    expect(r.replaced).toBeUndefined();
    // GitHub: generate-jitconfig with the lease's label first.
    const jitCall = w.github.requests.find((q) => q.path.endsWith('/generate-jitconfig'))!;
    expect(jitCall.path).toBe('/repos/example-org/moodle-build/actions/runners/generate-jitconfig');
    expect(jitCall.body).toEqual({
      name: label,
      runner_group_id: 1,
      labels: [label, 'restore'],
      work_folder: '_work',
    });
    const jit = w.github.jitConfigs.get(label)!;
    expect(jit.length).toBeGreaterThan(1000);

    // SSM: written once, after RunInstances answered, named by the instance id, tagged with its ARN.
    const calls = w.fake.server.calls.map((c) => `${c.action}${c.error ? ` ${c.error}` : ''}`);
    const launch = calls.indexOf('RunInstances');
    expect(launch).toBeGreaterThan(-1);
    expect(calls.filter((c) => c.startsWith('PutParameter'))).toEqual(['PutParameter']);
    expect(calls.indexOf('PutParameter')).toBe(launch + 1);
    const name = `/moodle-preview/runners/${r.instanceId}`;
    expect(jitParameterName(r.instanceId)).toBe(name);
    expect(boots.taken.get(r.instanceId)).toBe(jit); // the instance took its own config …
    expect(w.fake.ssm.parameters.has(name)).toBe(false); // … and deleted it
    expect(sent).toEqual([
      {
        Name: name,
        Type: 'SecureString',
        Value: jit,
        Tier: 'Intelligent-Tiering',
        Description: `JIT config of runner ${label}; only its instance may read it, and deletes it at boot`,
        Tags: [
          { Key: 'cost-centre', Value: 'digital-education' },
          { Key: 'moodle-preview:managed-by', Value: 'moodle-preview-actions' },
          { Key: 'moodle-preview:component', Value: 'ec2-runner' },
          {
            Key: 'moodle-preview:runner-instance',
            Value: `arn:aws:ec2:eu-west-2:123456789012:instance/${r.instanceId}`,
          },
        ],
      },
    ]);
    expect(boots.tags.get(r.instanceId)).toEqual(sent[0]!.Tags);

    // EC2: IMDSv2, terminate on shutdown, encrypted root volume deleted with the instance, tags.
    const i = w.fake.ec2.instances.get(r.instanceId)!;
    expect(i.MetadataOptions).toEqual({
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: '1',
    });
    expect(i.InstanceInitiatedShutdownBehavior).toBe('terminate');
    expect(i.BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { VolumeSize: '200', VolumeType: 'gp3', Encrypted: 'true', DeleteOnTermination: 'true' },
      },
    ]);
    expect(i.IamInstanceProfile).toEqual({ Name: 'moodle-preview-runner' });
    const tags = Object.fromEntries(i.Tags.map((t) => [t.Key, t.Value]));
    expect(tags).toMatchObject({
      Name: label,
      'moodle-preview:managed-by': 'moodle-preview-actions',
      [RUNNER_TAGS.repository]: REPOSITORY,
      [RUNNER_TAGS.label]: label,
      [RUNNER_TAGS.workflowRun]: l.runId,
      'cost-centre': 'digital-education',
    });
    const started = Date.parse(tags[RUNNER_TAGS.startedAt]!);
    expect(Date.parse(tags[RUNNER_TAGS.expiresAt]!) - started).toBe(2880 * 60_000);

    // User data: the boot script and the path of the configs (its own id it learns from IMDS); no
    // parameter name, no secret in any encoding.
    const userData = userDataOf(r.instanceId);
    expect(userData).toContain(`MDL_RUNNER_PARAMETER_PATH='/moodle-preview/runners/'`);
    expect(userData).toContain(`MDL_RUNNER_LABEL='${label}'`);
    expect(userData).toContain("MDL_RUNNER_CONFIG_WAIT_SECONDS='300'");
    expect(userData).toContain("MDL_RUNNER_MAX_MINUTES='2880'");
    expect(userData).toContain('actions-runner-linux-x64-2.330.0.tar.gz');
    expect(userData).not.toContain(r.instanceId);
    for (const secret of [jit, w.github.token])
      for (const form of [
        secret,
        Buffer.from(secret).toString('base64'),
        Buffer.from(secret).toString('base64url'),
      ])
        expect(userData).not.toContain(form);
    expect(i.UserData).not.toContain(jit);

    // Logs: never the config, which was masked before anything else happened.
    expect(w.log.lines.join('\n')).not.toContain(jit);
    expect(masked).toContain(jit);
    expect(w.log.lines.join('\n')).toContain(`stored the JIT config as ${name} for ${arnOf(r.instanceId)}`);
    expect(w.log.lines.join('\n')).toContain(`runner ${label} is online`);
  });

  it('each instance’s config carries its own ARN: two leases, two parameters, each readable by its instance only', async () => {
    const boots = simulateBoots(w);
    const a = await startRunner(w.deps(), w.startOptions({ lease: lease() }));
    const b = await startRunner(w.deps(), w.startOptions({ lease: lease() }));
    expect(a.instanceId).not.toBe(b.instanceId);
    expect(boots.tags.get(a.instanceId)).toContainEqual({
      Key: RUNNER_TAGS.instance,
      Value: arnOf(a.instanceId),
    });
    expect(boots.tags.get(b.instanceId)).toContainEqual({
      Key: RUNNER_TAGS.instance,
      Value: arnOf(b.instanceId),
    });
    expect(boots.taken.get(a.instanceId)).toBe(w.github.jitConfigs.get(a.label));
    expect(boots.taken.get(b.instanceId)).toBe(w.github.jitConfigs.get(b.label));
  });

  it('reuses the live instance of the same lease: no second instance, no second parameter', async () => {
    const l = lease();
    simulateBoots(w);
    const first = await startRunner(w.deps(), w.startOptions({ lease: l }));
    const launches = w.fake.ec2.launches.length;
    w.fake.server.resetCalls();
    const again = await startRunner(w.deps(), w.startOptions({ lease: l }));
    expect(again).toMatchObject({ instanceId: first.instanceId, reused: true });
    expect(w.fake.ec2.launches.length).toBe(launches);
    expect(puts()).toEqual([]);
    expect(w.fake.server.count({ mutating: true })).toBe(0);
  });
});

describe('start: interrupted and started again', () => {
  it('died between RunInstances and PutParameter: the next start waits for that instance, which powers off without a config, and launches one in its place', async () => {
    const l = lease();
    const label = leaseLabel(l);
    // The process dies right after RunInstances: neither AWS nor GitHub hears from it again.
    w.fake.server.interruptAfterMutations(1);
    w.github.refuse = 500;
    w.github.refuseMatching = /^DELETE /;
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow(/interrupted/);
    w.fake.server.interruptAfterMutations(undefined);
    w.github.refuse = undefined;
    const [orphan] = liveOf(label);
    expect(orphan).toBeDefined();
    expect(w.fake.ssm.parameters.has(jitParameterName(orphan!.InstanceId))).toBe(false);
    expect(w.github.runner(label)).toBeDefined(); // registered, its config lost with the process

    // Its boot script waits for a config that never comes and powers off; the start sees it end.
    const boots = simulateBoots(w, { powerOffAfter: 3, labels: [label] });
    w.fake.server.resetCalls();
    const launches = w.fake.ec2.launches.length;
    const r = await startRunner(w.deps(), w.startOptions({ lease: l }));
    expect(boots.poweredOff).toEqual([orphan!.InstanceId]);
    expect(r).toMatchObject({ reused: false, replaced: orphan!.InstanceId });
    expect(r.instanceId).not.toBe(orphan!.InstanceId);
    expect(w.fake.ec2.launches.length - launches).toBe(1);
    expect(liveOf(label).map((i) => i.InstanceId)).toEqual([r.instanceId]);
    // A new JIT runner (the old registration removed first) and one parameter, for the new instance.
    expect(puts()).toHaveLength(1);
    expect(boots.taken.get(r.instanceId)).toBe(w.github.jitConfigs.get(label));
    expect(w.github.runner(label)?.status).toBe('online');
    expect(jitParameters()).not.toContain(jitParameterName(orphan!.InstanceId));
    expect(w.log.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^instance ${orphan!.InstanceId} is (shutting-down|terminated) before runner ${label} came online; launching a new instance for ${label} in its place$`,
        ),
      ),
    );
    // The replacement's client tokens are its own: the first launch's would answer the ended instance.
    expect(w.fake.ec2.instances.get(r.instanceId)!.ClientToken).not.toBe(orphan!.ClientToken);
  });

  it('died after RunInstances, its instance ended before the next start: a new launch with its own client token', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.fake.server.interruptAfterMutations(1); // RunInstances
    w.github.refuse = 500;
    w.github.refuseMatching = /^DELETE /;
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow(/interrupted/);
    w.fake.server.interruptAfterMutations(undefined);
    w.github.refuse = undefined;
    const [ended] = liveOf(label);
    w.fake.ec2.setState(ended!.InstanceId, 'terminated');
    w.clock.now += 120_000; // the next start comes two minutes later

    // Reusing the first launch's token would be refused by EC2 (the tags name another start time) —
    // or, were the parameters equal, answer the terminated instance.
    simulateBoots(w, { labels: [label] });
    const r = await startRunner(w.deps(), w.startOptions({ lease: l }));
    expect(r).toMatchObject({ reused: false });
    expect(r.instanceId).not.toBe(ended!.InstanceId);
    expect(liveOf(label).map((i) => i.InstanceId)).toEqual([r.instanceId]);
    expect(w.fake.server.calls.filter((c) => c.error === 'IdempotentParameterMismatch')).toEqual([]);
  });

  it('died after PutParameter: the next start keeps the instance, which takes the waiting config; nothing is written twice', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.fake.server.interruptAfterMutations(2); // RunInstances, PutParameter
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow(/interrupted/);
    w.fake.server.interruptAfterMutations(undefined);
    const [instance] = liveOf(label);
    expect(w.fake.ssm.parameters.has(jitParameterName(instance!.InstanceId))).toBe(true);

    const boots = simulateBoots(w);
    w.fake.server.resetCalls();
    const r = await startRunner(w.deps(), w.startOptions({ lease: l }));
    expect(r).toMatchObject({ instanceId: instance!.InstanceId, reused: true });
    expect(boots.taken.get(instance!.InstanceId)).toBe(w.github.jitConfigs.get(label));
    expect(w.fake.server.count({ mutating: true })).toBe(0);
    expect(liveOf(label)).toHaveLength(1);
  });

  it('the reused instance dying is replaced once; the replacement dying too fails the start and undoes it', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.fake.server.interruptAfterMutations(1);
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow(/interrupted/);
    w.fake.server.interruptAfterMutations(undefined);
    // Every instance powers off at its first look: also the one launched in place of the first.
    w.github.onList = () => {
      for (const i of liveOf(label)) w.fake.ec2.setState(i.InstanceId, 'shutting-down');
    };
    const launches = w.fake.ec2.launches.length;
    const err = await startRunner(w.deps(), w.startOptions({ lease: l })).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RunnerStartError);
    expect((err as Error).message).toMatch(/is (shutting-down|terminated) before runner .* came online/);
    expect(w.fake.ec2.launches.length - launches).toBe(1);
    expect(w.github.runner(label)).toBeUndefined();
    expect(
      jitParameters().filter((n) =>
        w.fake.ec2.tagged(RUNNER_TAGS.label, label).some((i) => n.endsWith(i.InstanceId)),
      ),
    ).toEqual([]);
  });
});

describe('start: storing the JIT config fails', () => {
  it('refused (AccessDenied): the new instance is terminated, the runner removed, no parameter left', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.fake.server.beforeHandle = (_service, action) => {
      if (action === 'PutParameter')
        throw new AwsServiceError('AccessDeniedException', 'not authorized to perform: ssm:PutParameter');
    };
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow(/ssm:PutParameter/);
    const [i] = w.fake.ec2.tagged(RUNNER_TAGS.label, label);
    expect(['shutting-down', 'terminated']).toContain(i!.State);
    expect(w.github.runner(label)).toBeUndefined();
    expect(w.fake.ssm.parameters.has(jitParameterName(i!.InstanceId))).toBe(false);
    expect(w.log.lines.join('\n')).toMatch(/could not be stored: .*undoing the lease/);
  });

  it('its first answer lost: the SDK’s retry meets ParameterAlreadyExists, which counts as stored', async () => {
    const l = lease();
    let first = true;
    w.fake.server.beforeHandle = (_service, action, params) => {
      if (action !== 'PutParameter' || !first) return;
      first = false;
      w.fake.ssm.handle('PutParameter', params); // it got through …
      throw new AwsServiceError('InternalFailure', 'the answer was lost', 500); // … and its answer did not
    };
    const boots = simulateBoots(w);
    w.fake.server.resetCalls();
    const r = await startRunner(w.deps(), w.startOptions({ lease: l }));
    expect(puts().map((c) => c.error)).toEqual(['InternalFailure', 'ParameterAlreadyExists']);
    expect(boots.taken.get(r.instanceId)).toBe(w.github.jitConfigs.get(r.label));
    expect(w.log.lines).toContain(
      `${jitParameterName(r.instanceId)} was already stored (a retried call whose first answer was lost)`,
    );
  });

  it('RunInstances without the reservation owner (no account for the ARN): nothing stored, the lease undone', async () => {
    const l = lease();
    const label = leaseLabel(l);
    const ec2 = createEc2Client({ region: 'eu-west-2', maxAttempts: 2 });
    ec2.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        if ((args.input as { MinCount?: number }).MinCount !== undefined)
          delete (out.output as { OwnerId?: string }).OwnerId;
        return out;
      },
      { step: 'initialize' },
    );
    try {
      await expect(startRunner(w.deps({ ec2 }), w.startOptions({ lease: l }))).rejects.toThrow(
        /without its account \(OwnerId\)/,
      );
    } finally {
      ec2.destroy();
    }
    const [i] = w.fake.ec2.tagged(RUNNER_TAGS.label, label);
    expect(['shutting-down', 'terminated']).toContain(i!.State);
    expect(w.github.runner(label)).toBeUndefined();
    expect(w.fake.ssm.parameters.has(jitParameterName(i!.InstanceId))).toBe(false);
  });
});

describe('start: capacity fallback', () => {
  it('falls through spot then on-demand, instance types in order, each in every subnet, logging each failure', async () => {
    const l = lease();
    onlineAfter(1, leaseLabel(l));
    w.fake.ec2.failLaunches({ market: 'spot', code: 'InsufficientInstanceCapacity', times: 2 });
    w.fake.ec2.failLaunches({ market: 'spot', code: 'SpotMaxPriceTooLow', times: 2 });
    w.fake.ec2.failLaunches({
      market: 'on-demand',
      instanceType: 'm7i.xlarge',
      subnetId: 'subnet-0aaaaaaaaaaaaaaaa',
      times: 1,
    });
    const before = w.fake.ec2.launches.length;
    const r = await startRunner(w.deps(), w.startOptions({ lease: l, marketType: 'spot-then-on-demand' }));
    const tried = w.fake.ec2.launches
      .slice(before)
      .map((a) => `${a.market} ${a.instanceType} ${a.subnetId.slice(-1)} ${a.error ?? 'ok'}`);
    expect(tried).toEqual([
      'spot m7i.xlarge a InsufficientInstanceCapacity',
      'spot m7i.xlarge b InsufficientInstanceCapacity',
      'spot m6i.xlarge a SpotMaxPriceTooLow',
      'spot m6i.xlarge b SpotMaxPriceTooLow',
      'on-demand m7i.xlarge a InsufficientInstanceCapacity',
      'on-demand m7i.xlarge b ok',
    ]);
    expect(r).toMatchObject({
      market: 'on-demand',
      instanceType: 'm7i.xlarge',
      subnetId: 'subnet-0bbbbbbbbbbbbbbbb',
    });
    expect(r.attempts.filter((a) => a.error)).toHaveLength(5);
    expect(w.log.lines.filter((x) => /launch \d\/8 .* failed/.test(x))).toHaveLength(5);
  });

  it('with no capacity anywhere: fails naming every attempt, and leaves no runner, parameter or instance', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.fake.server.resetCalls();
    w.fake.ec2.failLaunches({ instanceType: 'c7i.large' });
    await expect(
      startRunner(w.deps(), w.startOptions({ lease: l, instanceTypes: ['c7i.large'], marketType: 'spot' })),
    ).rejects.toThrow(NoCapacityError);
    expect(w.github.runner(label)).toBeUndefined();
    expect(w.fake.ec2.tagged(RUNNER_TAGS.label, label)).toEqual([]);
    expect(puts()).toEqual([]); // no instance, so no config was ever stored
  });

  it('moves on at each of AWS’s capacity and quota answers', async () => {
    // EC2's error codes for no capacity, a spot price too low, a type not offered, a quota reached
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
    const codes = [
      'InsufficientInstanceCapacity',
      'InsufficientHostCapacity',
      'InsufficientCapacityOnHost',
      'InsufficientReservedInstanceCapacity',
      'InsufficientFreeAddressesInSubnet',
      'InsufficientCapacity',
      'SpotMaxPriceTooLow',
      'MaxSpotInstanceCountExceeded',
      'VcpuLimitExceeded',
      'InstanceLimitExceeded',
      'Unsupported',
    ];
    for (const code of codes) {
      const l = lease();
      onlineAfter(1, leaseLabel(l));
      w.fake.ec2.failLaunches({ instanceType: 'm7i.xlarge', code, times: 1 });
      const r = await startRunner(w.deps(), w.startOptions({ lease: l }));
      expect([code, r.attempts.map((a) => a.error ?? 'ok')]).toEqual([
        code,
        [expect.stringContaining(code), 'ok'],
      ]);
      await stopRunner(w.deps(), { repository: REPOSITORY, lease: l });
    }
  });

  it('with no capacity anywhere, says every option it tried', async () => {
    const l = lease();
    w.fake.ec2.failLaunches({ instanceType: 'c7i.large', code: 'InsufficientInstanceCapacity' });
    const err = await startRunner(
      w.deps(),
      w.startOptions({ lease: l, instanceTypes: ['c7i.large'], marketType: 'spot' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoCapacityError);
    expect((err as Error).message).toMatch(
      /^no capacity for the runner in any of 2 launch option\(s\): spot c7i\.large in subnet-0aaaaaaaaaaaaaaaa: .*InsufficientInstanceCapacity.*; spot c7i\.large in subnet-0bbbbbbbbbbbbbbbb: .*InsufficientInstanceCapacity/,
    );
  });

  it('stops at an error that is not about capacity (no fall-through past a wrong request)', async () => {
    const l = lease();
    w.fake.ec2.failLaunches({ instanceType: 'r7i.large', code: 'UnauthorizedOperation' });
    const before = w.fake.ec2.launches.length;
    await expect(
      startRunner(w.deps(), w.startOptions({ lease: l, instanceTypes: ['r7i.large', 'm6i.xlarge'] })),
    ).rejects.toThrow(/UnauthorizedOperation/);
    expect(w.fake.ec2.launches.length - before).toBe(1);
    expect(w.github.runner(leaseLabel(l))).toBeUndefined();
  });
});

describe('start: the runner never comes online', () => {
  it('registration timeout: console output captured with secrets redacted, instance terminated, runner and parameter removed', async () => {
    const l = lease();
    const label = leaseLabel(l);
    let polls = 0;
    w.github.onList = (gh) => {
      polls++;
      const i = w.fake.ec2.tagged(RUNNER_TAGS.label, label)[0];
      const jit = gh.jitConfigs.get(label)!;
      if (i)
        w.fake.ec2.setConsoleOutput(
          i.InstanceId,
          `cloud-init: boot\nleaked ${jit}\nleaked b64 ${Buffer.from(jit).toString('base64')}\nrunner: could not connect\n`,
        );
    };
    const err = await startRunner(
      w.deps(),
      w.startOptions({ lease: l, registrationTimeoutMinutes: 2 }),
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RunnerStartError);
    expect((err as Error).message).toMatch(
      /not online 2 minute\(s\) after launch.*terminated and the runner removed/,
    );
    expect(polls).toBeGreaterThanOrEqual(12); // 2 min at 10 s
    const instance = w.fake.ec2.tagged(RUNNER_TAGS.label, label)[0]!;
    expect(['shutting-down', 'terminated']).toContain(instance.State);
    expect(w.github.runner(label)).toBeUndefined();
    expect(w.fake.ssm.parameters.has(jitParameterName(instance.InstanceId))).toBe(false);
    const log = w.log.lines.join('\n');
    expect(log).toContain('runner: could not connect');
    expect(log).toContain('leaked ***');
    expect(log).not.toContain(w.github.jitConfigs.get(label)!);
    expect(log).not.toContain(Buffer.from(w.github.jitConfigs.get(label)!).toString('base64'));
  });

  it('an instance that dies before its runner is online fails the start at once', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.github.onList = () => {
      const i = w.fake.ec2.tagged(RUNNER_TAGS.label, label)[0];
      if (i) w.fake.ec2.setState(i.InstanceId, 'terminated');
    };
    const started = w.clock.now;
    const launches = w.fake.ec2.launches.length;
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow(
      /is terminated before runner .* came online/,
    );
    expect(w.clock.now - started).toBeLessThan(60_000);
    expect(w.github.runner(label)).toBeUndefined();
    // A fresh instance dying is a failure, not a reason to launch another (only a reused one is replaced).
    expect(w.fake.ec2.launches.length - launches).toBe(1);
    expect(jitParameters()).not.toContain(
      jitParameterName(w.fake.ec2.tagged(RUNNER_TAGS.label, label)[0]!.InstanceId),
    );
  });
});

describe('stop', () => {
  it('after a start cancelled half-way (no outputs): finds the lease by run and name, removes all, then is a no-op', async () => {
    const l = lease();
    const label = leaseLabel(l);
    // The start "dies" right after its second change (RunInstances, PutParameter): nothing after it answers.
    w.fake.server.interruptAfterMutations(2);
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow();
    w.fake.server.interruptAfterMutations(undefined);
    const [instance] = liveOf(label);
    expect(liveOf(label)).toHaveLength(1);
    expect(w.github.runner(label)).toBeDefined();
    const name = jitParameterName(instance!.InstanceId);
    expect(w.fake.ssm.parameters.has(name)).toBe(true);

    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: l });
    expect(stopped.terminated).toEqual([instance!.InstanceId]);
    expect(stopped.runnersRemoved).toEqual([label]);
    expect(stopped.parametersDeleted).toEqual([name]);
    expect(w.github.runner(label)).toBeUndefined();
    expect(['shutting-down', 'terminated']).toContain(w.fake.ec2.instances.get(instance!.InstanceId)!.State);

    const mutating = w.fake.server.count({ mutating: true });
    const again = await stopRunner(w.deps(), { repository: REPOSITORY, lease: l, label });
    expect(again).toMatchObject({ terminated: [], runnersRemoved: [], parametersDeleted: [] });
    // DeleteParameters of the ended instance's name, answering "none".
    expect(w.fake.server.count({ mutating: true }) - mutating).toBe(1);
  });

  it('given only start’s label (no lease), ends that lease: instance, runner and config', async () => {
    const l = lease();
    const label = leaseLabel(l);
    onlineAfter(1, label);
    const started = await startRunner(w.deps(), w.startOptions({ lease: l }));
    // A busy runner would be refused (422) until its job ends: this one has finished its job.
    w.github.markOnline(label, false);
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, label });
    expect(stopped).toMatchObject({
      labels: [label],
      terminated: [started.instanceId],
      runnersRemoved: [label],
      runnersBusy: [],
    });
    expect(w.github.runner(label)).toBeUndefined();
    expect(['shutting-down', 'terminated']).toContain(w.fake.ec2.instances.get(started.instanceId)!.State);
  });

  it('leaves an instance another tool tagged with the same label and component alone', async () => {
    const l = lease();
    const label = leaseLabel(l);
    onlineAfter(1, label);
    const ours = await startRunner(w.deps(), w.startOptions({ lease: l }));
    const foreign = await launchTagged({
      [RUNNER_TAGS.label]: label,
      [RUNNER_TAGS.component]: 'ec2-runner',
      [RUNNER_TAGS.managedBy]: 'another-tool',
    });
    const foreignId = foreign.Instances![0]!.InstanceId!;
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: l, label });
    expect(stopped.terminated).toEqual([ours.instanceId]);
    expect(w.fake.ec2.instances.get(foreignId)!.State).not.toMatch(/shutting-down|terminated/);
  });

  it('deletes the unread config of an instance that has already ended, and terminates nothing', async () => {
    const l = lease();
    const label = leaseLabel(l);
    w.fake.server.interruptAfterMutations(2);
    await expect(startRunner(w.deps(), w.startOptions({ lease: l }))).rejects.toThrow();
    w.fake.server.interruptAfterMutations(undefined);
    const [instance] = liveOf(label);
    w.fake.ec2.setState(instance!.InstanceId, 'terminated'); // e.g. spot reclaimed before it booted
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: l });
    expect(stopped.terminated).toEqual([]);
    expect(stopped.parametersDeleted).toEqual([jitParameterName(instance!.InstanceId)]);
    expect(w.fake.ssm.parameters.has(jitParameterName(instance!.InstanceId))).toBe(false);
  });

  it('removes only its own lease’s runners: another lease’s runner and a person’s stay registered', async () => {
    const mine = lease();
    const other = lease();
    onlineAfter(1, leaseLabel(other));
    await startRunner(w.deps(), w.startOptions({ lease: other }));
    onlineAfter(1, leaseLabel(mine));
    await startRunner(w.deps(), w.startOptions({ lease: mine }));
    w.github.addRunner('build-box-1', 'online');
    w.github.markOnline(leaseLabel(mine), false);
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: mine });
    expect(stopped.runnersRemoved).toEqual([leaseLabel(mine)]);
    expect(w.github.runner(leaseLabel(other))).toBeDefined();
    expect(w.github.runner('build-box-1')).toBeDefined();
    w.github.markOnline(leaseLabel(other), false);
    await stopRunner(w.deps(), { repository: REPOSITORY, lease: other });
  });

  it('a runner still busy (GitHub answers 422) is reported and goes with its instance; another refusal fails the stop', async () => {
    const busy = lease();
    onlineAfter(1, leaseLabel(busy));
    const started = await startRunner(w.deps(), w.startOptions({ lease: busy }));
    w.github.onList = undefined; // the runner stays as it is now: online, running a job
    w.github.markOnline(leaseLabel(busy), true);
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: busy });
    expect(stopped).toMatchObject({
      terminated: [started.instanceId],
      runnersRemoved: [],
      runnersBusy: [leaseLabel(busy)],
    });
    const refused = lease();
    onlineAfter(1, leaseLabel(refused));
    await startRunner(w.deps(), w.startOptions({ lease: refused }));
    w.github.markOnline(leaseLabel(refused), false);
    w.github.refuse = 403;
    w.github.refuseMatching = /^DELETE /;
    await expect(stopRunner(w.deps(), { repository: REPOSITORY, lease: refused })).rejects.toThrow(
      /403|permission/i,
    );
  });

  it('also ends an instance of the lease whose label is not one the lease’s attempts give (found by its run)', async () => {
    const l = lease();
    const odd = `${leaseLabel(l)}-older-scheme`;
    const launched = await launchTagged({
      [RUNNER_TAGS.managedBy]: 'moodle-preview-actions',
      [RUNNER_TAGS.component]: 'ec2-runner',
      [RUNNER_TAGS.repository]: REPOSITORY,
      [RUNNER_TAGS.workflowRun]: l.runId,
      [RUNNER_TAGS.lease]: l.name,
      [RUNNER_TAGS.label]: odd,
    });
    w.github.addRunner(odd, 'offline');
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: l });
    expect(stopped.terminated).toEqual([launched.Instances![0]!.InstanceId]);
    expect(stopped.labels).toContain(odd);
    expect(stopped.runnersRemoved).toEqual([odd]);
  });

  it('lists the labels it looked for in order, whatever order they were given in', async () => {
    const first = lease();
    const second = { ...first, runAttempt: 2 };
    const stopped = await stopRunner(w.deps(), {
      repository: REPOSITORY,
      lease: second,
      label: leaseLabel(second),
    });
    expect(stopped.labels).toEqual([leaseLabel(first), leaseLabel(second)]);
  });

  it('on a re-run attempt also ends what earlier attempts left', async () => {
    const l = lease();
    onlineAfter(1, leaseLabel(l));
    const first = await startRunner(w.deps(), w.startOptions({ lease: l }));
    const stopped = await stopRunner(w.deps(), { repository: REPOSITORY, lease: { ...l, runAttempt: 2 } });
    expect(stopped.terminated).toEqual([first.instanceId]);
    expect(stopped.runnersRemoved).toEqual([first.label]);
  });
});

describe('GitHub refusals are clear errors, before any AWS change', () => {
  const refused = async (status: number, overrides = {}) => {
    const l = lease();
    w.fake.server.resetCalls();
    w.github.refuse = status;
    w.github.refuseMatching = /generate-jitconfig/;
    const err = await startRunner(w.deps(), w.startOptions({ lease: l, ...overrides })).catch(
      (e: Error) => e,
    );
    expect(w.fake.server.count({ mutating: true })).toBe(0);
    return err as Error;
  };

  it('401: the token is missing, expired or revoked', async () => {
    const client = new GitHubRunnersClient({
      apiUrl: w.github.url,
      token: 'ghs_wrong',
      scope: { kind: 'repository', owner: 'example-org', repo: 'moodle-build' },
    });
    w.fake.server.resetCalls();
    const err = await startRunner(w.deps({ github: client }), w.startOptions({ lease: lease() })).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(GitHubRunnerAccessError);
    expect((err as Error).message).toMatch(/401 .*expired or revoked.*GITHUB_TOKEN cannot administer/);
    expect(w.fake.server.count({ mutating: true })).toBe(0);
  });

  it("403: says the job's GITHUB_TOKEN cannot and which permission a token needs", async () => {
    const err = await refused(403);
    expect(err).toBeInstanceOf(GitHubRunnerAccessError);
    expect(err.message).toContain('403');
    expect(err.message).toContain("the job's GITHUB_TOKEN cannot administer self-hosted runners");
    expect(err.message).toContain('"Administration: write"');
    expect(err.message).toContain('"Self-hosted runners: write"');
  });

  it('422: names what to check (runner group, labels) with GitHub’s message', async () => {
    const err = await refused(422);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/422 \(Validation Failed\): check runner-group-id/);
  });
});

describe('bad input', () => {
  it('is refused with every problem before any call', async () => {
    w.fake.server.resetCalls();
    const requests = w.github.requests.length;
    const err = await startRunner(
      w.deps(),
      w.startOptions({
        lease: lease(),
        imageId: 'ubuntu',
        subnetIds: [],
        instanceTypes: ['huge'],
        tags: { 'moodle-preview:site': 'x' },
        runnerVersion: '2.300.0',
      }),
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(
      /image-id must be an AMI id.*instance type "huge".*subnet-ids needs.*tag "moodle-preview:site"/,
    );
    expect(w.fake.server.calls).toHaveLength(0);
    expect(w.github.requests.length).toBe(requests);
  });

  it('an image that does not exist or is not x86_64 is refused before GitHub or AWS is changed', async () => {
    w.fake.ec2.missingImages.add('ami-0000000000000dead');
    w.fake.ec2.images.set('ami-0000000000000a4a4', { architecture: 'arm64', rootDeviceName: '/dev/xvda' });
    w.fake.server.resetCalls();
    const jits = w.github.jitConfigs.size;
    await expect(
      startRunner(w.deps(), w.startOptions({ lease: lease(), imageId: 'ami-0000000000000dead' })),
    ).rejects.toThrow(new ConfigurationError('image ami-0000000000000dead was not found in eu-west-2'));
    await expect(
      startRunner(w.deps(), w.startOptions({ lease: lease(), imageId: 'ami-0000000000000a4a4' })),
    ).rejects.toThrow(/is arm64; the runner installed is linux-x64/);
    expect(w.fake.server.count({ mutating: true })).toBe(0);
    expect(w.github.jitConfigs.size).toBe(jits);
  });

  it('a runner version without a checksum is refused, unless runner-sha256 is given', async () => {
    await expect(
      startRunner(w.deps(), w.startOptions({ lease: lease(), runnerVersion: '2.331.0' })),
    ).rejects.toThrow(/2.331.0 has no verified SHA-256.*runner-sha256/);
    const l = lease();
    onlineAfter(1, leaseLabel(l));
    const r = await startRunner(
      w.deps(),
      w.startOptions({ lease: l, runnerVersion: '2.331.0', runnerSha256: 'a'.repeat(64) }),
    );
    expect(userDataOf(r.instanceId)).toContain(`MDL_RUNNER_SHA256='${'a'.repeat(64)}'`);
  });
});

describe('organisation runners', () => {
  it('use the /orgs endpoints and the given runner group', async () => {
    const client = new GitHubRunnersClient({
      apiUrl: `${w.github.url}/`,
      token: w.github.token,
      scope: { kind: 'organization', org: 'example-org' },
    });
    const l = lease();
    const label = leaseLabel(l);
    w.github.onList = (gh) => {
      const r = [...gh.runners.values()].find((x) => x.name === label && x.scope === 'orgs/example-org');
      if (r) r.status = 'online';
    };
    const r = await startRunner(w.deps({ github: client }), w.startOptions({ lease: l, runnerGroupId: 3 }));
    const jitCall = w.github.requests.filter((q) => q.path.endsWith('/generate-jitconfig')).at(-1)!;
    expect(jitCall.path).toBe('/orgs/example-org/actions/runners/generate-jitconfig');
    expect(jitCall.body).toMatchObject({ runner_group_id: 3 });
    await stopRunner(w.deps({ github: client }), { repository: REPOSITORY, label: r.label });
    expect([...w.github.runners.values()].some((x) => x.name === label)).toBe(false);
  });
});
