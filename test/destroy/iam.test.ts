// destroy-instance's generated IAM policy allows every call the engine makes: every path (dry run,
// keep, purge by task and direct, a draining service, a refused purge, a site never deployed) is
// driven here against the fake and each recorded call replayed through the IAM simulator.
import { afterAll, describe, expect, it } from '@jest/globals';
import { expectAllowedAs } from '../iam/replay.js';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';
import { destroy } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterAll(async () => world?.close());

describe("destroy-instance's IAM policy", () => {
  it('allows every call the engine makes, on every path', async () => {
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

    // Every call (and what it implies: the SQL task's roles, target tracking's alarms) is allowed by
    // destroy-instance's generated policy, replayed through the IAM simulator.
    const r = await expectAllowedAs(w.fake.server.calls, 'destroy-instance', {
      platformText: w.platformText,
    });
    expect(r.actions).toEqual(
      expect.arrayContaining([
        'ecs:UpdateService',
        'ecs:DeleteService',
        'ecs:DeregisterTaskDefinition',
        'ecs:RunTask',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:DeleteTargetGroup',
        'logs:DeleteLogGroup',
        'secretsmanager:DeleteSecret',
        'ssm:DeleteParameter',
        'application-autoscaling:DeregisterScalableTarget',
        'cloudwatch:DeleteAlarms',
        'iam:PassRole',
      ]),
    );
  });
});
