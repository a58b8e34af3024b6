// docs/iam/ec2-runner.json lists exactly the AWS actions the ec2-runner calls (both directions: every
// call is allowed, every allowed action is called or implied by a call), and its tag conditions hold
// for what the code does: every instance launched carries the tags the policy requires, and every
// terminate or console read targets an instance that carries them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { leaseLabel, reapRunners, startRunner, stopRunner } from '@moodle-preview/core';
import { createRunnerWorld, REPOSITORY, type RunnerWorld } from './runner-world.js';

interface Statement {
  Sid: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const policy = JSON.parse(readFileSync('docs/iam/ec2-runner.json', 'utf8')) as { Statement: Statement[] };
const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!;

/** Permissions a call needs besides its own action. */
const IMPLIED: Record<string, string[]> = {
  'ec2:RunInstances': ['ec2:CreateTags', 'iam:PassRole'],
};

let w: RunnerWorld;
beforeAll(async () => {
  w = await createRunnerWorld();
});
afterAll(async () => w.close());

describe('docs/iam/ec2-runner.json', () => {
  it('equals the actions start, stop and reap call, on every path, and its tag conditions hold', async () => {
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

    const called = new Set(w.fake.server.calls.map((c) => `${c.service}:${c.action}`));
    const implied = new Set([...called].flatMap((x) => IMPLIED[x] ?? []));
    const allowed = new Set(policy.Statement.flatMap((s) => s.Action));
    expect([...allowed].sort()).toEqual([...new Set([...called, ...implied])].sort());

    // Launches carry the tags the RunInstances condition requires.
    const required = statement('LaunchOnlyTaggedRunners').Condition!.StringEquals!;
    for (const i of w.fake.ec2.instances.values())
      for (const [key, value] of Object.entries(required))
        expect(i.Tags).toContainEqual({ Key: key.replace('aws:RequestTag/', ''), Value: value });
    // Terminate and console reads only ever name instances with the tags the condition requires.
    const resourceTags = statement('TerminateAndReadOnlyTheSuitesRunners').Condition!.StringEquals!;
    expect(touched.map((t) => t.action).sort()).toEqual(
      expect.arrayContaining(['GetConsoleOutput', 'TerminateInstances']),
    );
    for (const t of touched)
      for (const id of t.instanceIds)
        for (const [key, value] of Object.entries(resourceTags))
          expect(w.fake.ec2.instances.get(id)!.Tags).toContainEqual({
            Key: key.replace('aws:ResourceTag/', ''),
            Value: value,
          });
    // Tags are written only by RunInstances itself (the CreateTags condition).
    expect(called.has('ec2:CreateTags')).toBe(false);
    expect(statement('TagOnlyWhileLaunching').Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': 'RunInstances' },
    });
  });
});
