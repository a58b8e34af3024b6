// docs/iam/destroy-instance.json lists exactly the AWS actions destroy-instance calls: every path of
// the engine is driven here against the fake, and the calls it saw must equal the document's list.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';
import { destroy } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterAll(async () => world?.close());

interface Policy {
  Statement: { Sid: string; Action: string[] }[];
}
const policy = JSON.parse(readFileSync('docs/iam/destroy-instance.json', 'utf8')) as Policy;
const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!.Action;

/**
 * Permissions a call needs besides its own action: roles handed to ECS, tags on create (ECS checks
 * ecs:TagResource when RegisterTaskDefinition carries tags), and the CloudWatch alarms Application
 * Auto Scaling deletes on the caller's behalf with a target-tracking policy.
 */
const IMPLIED: Record<string, string[]> = {
  'ecs:RegisterTaskDefinition': ['iam:PassRole', 'ecs:TagResource'],
  'ecs:RunTask': ['iam:PassRole'],
  'application-autoscaling:DeleteScalingPolicy': ['cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
  'application-autoscaling:DeregisterScalableTarget': [
    'cloudwatch:DescribeAlarms',
    'cloudwatch:DeleteAlarms',
  ],
};

describe('docs/iam/destroy-instance.json', () => {
  it('equals the actions the engine calls, on every path', async () => {
    world = await createWorld(mariadb());
    const w = world;
    for (const link of ['site-a', 'site-b', 'site-c', 'site-d']) await w.deploy(minimalSettings(link));
    await w.deploy(minimalSettings('site-e', 'preview_db_name: mdl_site_d\n'), { takeover: 'site-d' });
    w.fake.server.resetCalls();

    await destroy(w, 'site-a', { dryRun: true });
    await destroy(w, 'site-a', { dryRun: true, purge: true, confirm: 'site-a', db: 'direct' });
    await destroy(w, 'site-a'); // keeps the data
    await destroy(w, 'site-a'); // nothing to do
    await destroy(w, 'site-a', { purge: true, confirm: 'site-a' }); // kept data purged later (task copy)
    await destroy(w, 'site-b', { purge: true, confirm: 'site-b', db: 'direct' });
    await destroy(w, 'site-c', { wait: false }); // leaves the service draining
    await destroy(w, 'site-c', { purge: true, confirm: 'site-c' }); // waits for it, then purges
    await expect(destroy(w, 'site-d', { purge: true, confirm: 'site-d' })).rejects.toThrow(
      /refusing to purge/,
    );
    await destroy(w, 'never-deployed');

    const iamPrefix: Record<string, string> = { elasticloadbalancing: 'elasticloadbalancing' };
    const called = new Set(
      w.fake.server.calls.map((c) => `${iamPrefix[c.service] ?? c.service}:${c.action}`),
    );
    expect([...called].sort()).toEqual([...statement('CalledByDestroyInstance')].sort());
    const implied = new Set([...called].flatMap((a) => IMPLIED[a] ?? []));
    expect([...implied].sort()).toEqual([...statement('ImpliedByThoseCalls')].sort());
  });
});
