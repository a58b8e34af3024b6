// register-cron's engine on the AWS fake: register edits only the cron field of a deployed site's
// entry, an outside site gets a minimal entry, deregister undoes both, list shows the service state.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ConfigurationError,
  deregisterCron,
  EXTERNAL_CRON_OWNER,
  listCron,
  pauseCron,
  registerCron,
  resumeCron,
  runCronTick,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { CLUSTER, createCronWorld, type CronWorld } from './cron-world.js';

let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const deployed: SiteRegistryEntry = {
  schemaVersion: 1,
  previewLink: 'demo',
  url: 'https://demo.example.ac.uk',
  cluster: CLUSTER,
  service: 'mdl-demo',
  taskFamily: 'mdl_ecs_task_def-demo',
  container: 'demo',
  databases: { moodle: 'moodle_demo' },
  dbUser: 'demo',
  dbHost: 'aurora',
  moodledataFolder: '/moodle_data_root/demo',
  logGroup: '/ecs/demo',
  retired: [],
  managedBy: 'moodle-preview-actions',
};

describe('register-cron engine', () => {
  it('registers, changes, lists and deregisters a round trip', async () => {
    world = await createCronWorld();
    const { registry } = world;
    await world.addSites([{ link: 'outside' }]);
    await registry.put(deployed, false);
    const at = () => new Date('2026-11-26T10:00:00Z');
    const first = await registerCron(registry, { previewLink: 'demo', actor: 'alice' }, at);
    expect(first.result).toBe('registered');
    const entry = (await registry.get('demo'))!;
    expect(entry.cron).toEqual({
      enabled: true,
      cluster: CLUSTER,
      service: 'mdl-demo',
      container: 'demo',
      command: '/data/runcron.sh',
      timeoutSeconds: 600,
      updatedBy: 'alice',
      updatedAt: '2026-11-26T10:00:00.000Z',
    });
    // Only the cron field changed.
    expect({ ...entry, cron: undefined }).toEqual({ ...deployed, cron: undefined });
    expect((await registerCron(registry, { previewLink: 'demo', actor: 'bob' })).result).toBe('unchanged');
    const changed = await registerCron(registry, { previewLink: 'demo', actor: 'bob', timeoutSeconds: 900 });
    expect(changed).toMatchObject({ result: 'updated', cron: { timeoutSeconds: 900, updatedBy: 'bob' } });

    const listing = await listCron(registry, world.clients);
    expect(listing.map((l) => [l.previewLink, l.serviceStatus, l.runningCount, l.managedBy])).toEqual([
      ['demo', 'MISSING', 0, 'moodle-preview-actions'],
      ['outside', 'ACTIVE', 1, EXTERNAL_CRON_OWNER],
    ]);

    expect((await deregisterCron(registry, 'demo', 'carol')).result).toBe('deregistered');
    const after = (await registry.get('demo'))!;
    expect(after.cron).toBeUndefined();
    expect(after.databases).toEqual(deployed.databases);
    expect((await deregisterCron(registry, 'demo', 'carol')).result).toBe('absent');
    // An entry made only for cron goes entirely.
    expect((await deregisterCron(registry, 'outside', 'carol')).result).toBe('deregistered');
    expect(await registry.get('outside')).toBeUndefined();
  });

  it('refuses a site that is not in the registry unless cluster, service and container are given', async () => {
    world = await createCronWorld();
    const err = await registerCron(world.registry, { previewLink: 'nowhere', actor: 'a' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(/not in the site registry.*give cluster, service and container/);
  });
});

describe('cron pause', () => {
  const pausedEntry = async (w: CronWorld, link: string) => (await w.registry.get(link))?.cron?.paused;

  it('pauses a site: the tick skips it with the reason, not as a failure; resume lets it run again', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'up' }, { link: 'held' }]);
    const at = new Date('2026-12-04T10:00:00Z');
    const paused = await pauseCron(
      world.registry,
      'held',
      { reason: 'upgrade to 4.5.3 under way', by: 'upgrade-db (run 7)' },
      () => at,
    );
    expect(paused).toEqual({
      previewLink: 'held',
      result: 'paused',
      paused: { reason: 'upgrade to 4.5.3 under way', since: at.toISOString(), by: 'upgrade-db (run 7)' },
    });
    const tick = await runCronTick({ clients: world.clients });
    expect([tick.succeeded, tick.failed, tick.skipped]).toEqual([1, 0, 1]);
    expect(tick.lines.find((l) => l.site === 'held')).toMatchObject({
      status: 'skipped',
      reason:
        'cron is paused: upgrade to 4.5.3 under way (since 2026-12-04T10:00:00.000Z, by upgrade-db (run 7))',
    });
    expect(world.fake.server.count({ action: 'ExecuteCommand' })).toBe(1);
    const listed = await listCron(world.registry, world.clients);
    expect(listed.find((l) => l.previewLink === 'held')?.cron.paused?.by).toBe('upgrade-db (run 7)');

    expect((await resumeCron(world.registry, 'held', 'upgrade-db (run 7)')).result).toBe('resumed');
    expect(await pausedEntry(world, 'held')).toBeUndefined();
    const again = await runCronTick({ clients: world.clients });
    expect([again.succeeded, again.skipped]).toEqual([2, 0]);
    expect((await resumeCron(world.registry, 'held')).result).toBe('not paused');
  });

  it('keeps a pause that is there: a second pause does not take it over, a resume by another leaves it', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'held' }]);
    await pauseCron(world.registry, 'held', { reason: 'database under repair', by: 'ops (by hand)' });
    const second = await pauseCron(world.registry, 'held', { reason: 'upgrade', by: 'upgrade-db (run 8)' });
    expect(second.result).toBe('already paused');
    expect(second.paused).toMatchObject({ reason: 'database under repair', by: 'ops (by hand)' });
    const theirs = await resumeCron(world.registry, 'held', 'upgrade-db (run 8)');
    expect(theirs.result).toBe('paused by another');
    expect(await pausedEntry(world, 'held')).toMatchObject({ by: 'ops (by hand)' });
    // A register-cron change of the entry keeps the pause; only a resume clears it.
    await registerCron(world.registry, { previewLink: 'held', timeoutSeconds: 120, actor: 'octocat' });
    expect(await pausedEntry(world, 'held')).toMatchObject({ reason: 'database under repair' });
    expect((await resumeCron(world.registry, 'held')).result).toBe('resumed');
    expect(await pausedEntry(world, 'held')).toBeUndefined();
  });

  it('a site without a cron entry has nothing to pause, and its entry is not written', async () => {
    world = await createCronWorld();
    await world.registry.put(deployed, false);
    world.fake.server.resetCalls();
    expect(await pauseCron(world.registry, 'demo', { reason: 'r', by: 'b' })).toEqual({
      previewLink: 'demo',
      result: 'absent',
    });
    expect(await resumeCron(world.registry, 'demo')).toEqual({ previewLink: 'demo', result: 'absent' });
    expect(await pauseCron(world.registry, 'nowhere', { reason: 'r', by: 'b' })).toEqual({
      previewLink: 'nowhere',
      result: 'absent',
    });
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });
});
