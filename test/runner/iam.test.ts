// ec2-runner's generated IAM policy allows every call start, stop and reap make, on every path (a
// capacity fall-through, a runner that never comes online, a lease reaped once expired): each recorded
// call is replayed through the IAM simulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { leaseLabel, reapRunners, startRunner, stopRunner } from '@moodle-preview/core';
import { expectAllowedAs } from '../iam/replay.js';
import { createRunnerWorld, REPOSITORY, type RunnerWorld } from './runner-world.js';

let w: RunnerWorld;
beforeAll(async () => {
  w = await createRunnerWorld();
});
afterAll(async () => w.close());

describe("ec2-runner's IAM policy", () => {
  it('allows every call start, stop and reap make, on every path', async () => {
    const touched: { action: string; instanceIds: string[] }[] = [];
    w.fake.server.beforeHandle = (service, action, params) => {
      if (service === 'ec2' && (action === 'TerminateInstances' || action === 'GetConsoleOutput'))
        touched.push({ action, instanceIds: ([] as unknown[]).concat(params.InstanceId ?? []).map(String) });
    };
    const online = (label: string) => {
      w.github.onList = (gh) => {
        if (gh.runner(label)) gh.markOnline(label);
      };
    };
    // Start with a capacity fall-through, stop it.
    const a = { runId: '9001', runAttempt: 1, name: 'main' };
    online(leaseLabel(a));
    w.fake.ec2.failLaunches({ instanceType: 'm7i.xlarge', times: 1 });
    await startRunner(w.deps(), w.startOptions({ lease: a }));
    await stopRunner(w.deps(), { repository: REPOSITORY, lease: a });
    // A start whose runner never comes online (console output, terminate, cleanup).
    w.github.onList = undefined;
    const b = { runId: '9002', runAttempt: 1, name: 'main' };
    await startRunner(w.deps(), w.startOptions({ lease: b, registrationTimeoutMinutes: 1 })).catch(
      () => undefined,
    );
    // A lease left running, reaped once expired.
    const c = { runId: '9003', runAttempt: 1, name: 'main' };
    online(leaseLabel(c));
    await startRunner(w.deps(), w.startOptions({ lease: c, maxLifetimeMinutes: 60 }));
    w.clock.now += 61 * 60_000;
    await reapRunners(w.deps(), { repository: REPOSITORY, graceMinutes: 15, dryRun: false });
    w.fake.server.beforeHandle = undefined;

    // Every call — each RunInstances with the resources it creates and uses, its tags and the role it
    // passes — is allowed by ec2-runner's generated policy, replayed through the IAM simulator; and
    // every launch, terminate and console read was exercised.
    const r = await expectAllowedAs(w.fake.server.calls, 'ec2-runner');
    expect(r.actions).toEqual(
      expect.arrayContaining([
        'ec2:RunInstances',
        'ec2:CreateTags',
        'iam:PassRole',
        'ec2:TerminateInstances',
        'ec2:GetConsoleOutput',
        'ssm:PutParameter',
        'ssm:DeleteParameters',
      ]),
    );
    expect(touched.map((t) => t.action)).toEqual(
      expect.arrayContaining(['GetConsoleOutput', 'TerminateInstances']),
    );
    // Tags are written only by RunInstances itself: no CreateTags call of its own.
    expect(w.fake.server.calls.filter((c) => c.action === 'CreateTags')).toEqual([]);
  });
});
