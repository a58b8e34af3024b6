// upgrade-db's generated IAM policy allows every call upgrade-db makes: every path (version read by
// SQL task and directly, hops with registered task definitions, a wait that runs out and stops the
// task, the config applied, caches purged, the post step) is driven against the fake and replayed
// through the IAM simulator. AssumeRoleWithWebIdentity is not among them: STS answers it unsigned,
// and the role's trust policy (GitHub's OIDC provider) is what allows it.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  applySiteConfig,
  memoryLogger,
  parseRelease,
  purgeSiteCaches,
  stopTask,
  upgradeSite,
  type UpgradeOptions,
} from '@moodle-preview/core';
import { expectAllowedAs } from '../iam/replay.js';
import { useMariaDb } from '../servers/mariadb.js';
import { IMAGE, createUpgradeWorld, type UpgradeWorld } from './world.js';

const mariadb = useMariaDb();
let world: UpgradeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("upgrade-db's IAM policy", () => {
  it('allows every call upgrade-db makes, on every path', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    w.fake.server.resetCalls();
    const base = (extra: Partial<UpgradeOptions>): UpgradeOptions => ({
      clients: w.clients,
      platform: w.platform,
      previewLink: w.link,
      target: { release: parseRelease('4.5.3'), image: IMAGE('moodle-full-4.5.3-8.1') },
      images: [{ release: parseRelease('4.1.12'), image: IMAGE('moodle-full-4.1.12-8.0'), php: '8.0' }],
      allowUnstable: false,
      checkPending: true,
      maintenance: true,
      purgeCaches: true,
      dbAccess: 'task',
      maxWaitMs: 20_000,
      pollMs: 25,
      log: memoryLogger(),
      ...extra,
    });
    await upgradeSite(base({ dryRun: true }));
    await upgradeSite(base({ dbAccess: 'direct' }));
    w.behaviour = { kind: 'hang' };
    await upgradeSite(
      base({
        dbAccess: 'direct',
        checkPending: false,
        maxWaitMs: 600,
        target: { release: parseRelease('4.5.3'), image: IMAGE('moodle-full-4.5.3-8.1') },
      }),
    ).catch(() => undefined);
    w.behaviour = { kind: 'succeed' };
    await applySiteConfig({
      clients: w.clients,
      platform: w.platform,
      previewLink: w.link,
      items: [{ name: 'forcelogin', value: '1' }],
      maxWaitMs: 20_000,
      pollMs: 25,
      log: memoryLogger(),
    });
    const purged = await purgeSiteCaches({
      clients: w.clients,
      platform: w.platform,
      previewLink: w.link,
      maxWaitMs: 20_000,
      pollMs: 25,
      log: memoryLogger(),
    });
    // The post step's check of a task that has stopped.
    await stopTask(w.clients.ecs, 'moodle_cluster', purged.taskArn, 'post');

    // Every call (and the roles and tags it implies) is allowed by upgrade-db's generated policy.
    const r = await expectAllowedAs(w.fake.server.calls, 'upgrade-db', {
      platformText: w.platformText,
    });
    expect(r.actions).toEqual(
      expect.arrayContaining(['ecs:RegisterTaskDefinition', 'ecs:RunTask', 'ecs:StopTask', 'iam:PassRole']),
    );
  }, 60_000);
});
