// docs/iam/upgrade-db.json lists exactly the AWS actions upgrade-db calls: every path (version read
// by SQL task and directly, hops with registered task definitions, a wait that runs out and stops
// the task, the config applied, caches purged, the post step) is driven against the fake, and the
// calls it saw must equal the document's list. AssumeRoleWithWebIdentity is not in it: STS answers
// it unsigned, and the role's trust policy (GitHub's OIDC provider) is what allows it.
import { readFileSync } from 'node:fs';
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
import { useMariaDb } from '../servers/mariadb.js';
import { IMAGE, createUpgradeWorld, type UpgradeWorld } from './world.js';

const mariadb = useMariaDb();
let world: UpgradeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface Policy {
  Statement: { Sid: string; Action: string[] }[];
}
const policy = JSON.parse(readFileSync('docs/iam/upgrade-db.json', 'utf8')) as Policy;
const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!.Action;
const IMPLIED: Record<string, string[]> = {
  'ecs:RegisterTaskDefinition': ['iam:PassRole', 'ecs:TagResource'],
  'ecs:RunTask': ['iam:PassRole'],
};

describe('docs/iam/upgrade-db.json', () => {
  it('equals the actions upgrade-db calls, on every path', async () => {
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

    const called = new Set(w.fake.server.calls.map((c) => `${c.service}:${c.action}`));
    expect([...called].sort()).toEqual([...statement('CalledByUpgradeDb')].sort());
    const implied = new Set([...called].flatMap((a) => IMPLIED[a] ?? []));
    expect([...implied].sort()).toEqual([...statement('ImpliedByThoseCalls')].sort());
  }, 60_000);
});
