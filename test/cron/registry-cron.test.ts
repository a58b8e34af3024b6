// register-cron's engine on the AWS fake: register edits only the cron field of a deployed site's
// entry, an outside site gets a minimal entry, deregister undoes both, list shows the service state.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ConfigurationError,
  deregisterCron,
  EXTERNAL_CRON_OWNER,
  listCron,
  registerCron,
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
