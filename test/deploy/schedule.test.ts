// The awake schedule on the AWS fake: deploy converges the site's wake and sleep scheduled actions
// (created, a no-op on redeploy, replaced on a changed schedule, removed with `awake: always`), keeps
// a sleeping site asleep, and leaves every other scheduled action on the target alone.
import { afterEach, describe, expect, it } from '@jest/globals';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, minimalSettings, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const TARGET = 'service/moodle_cluster/mdl-nightly';
const actionsOf = (w: World) =>
  Object.fromEntries(
    [...w.fake.autoscaling.scheduledActionsOf(TARGET)].map(([name, a]) => [
      name,
      `${a.Schedule} ${a.Timezone} ${a.ScalableTargetAction?.MinCapacity}-${a.ScalableTargetAction?.MaxCapacity}`,
    ]),
  );
const bounds = (w: World) => {
  const t = w.fake.autoscaling.target(TARGET)!;
  return `${t.MinCapacity}-${t.MaxCapacity}`;
};
const scheduleInspection = (r: { inspections: { id: string; action: string; changes: string[] }[] }) =>
  r.inspections.find((i) => i.id === 'scheduledActions')!;

describe('the awake schedule', () => {
  it("puts the platform's schedule on a new site, changes nothing on a redeploy, replaces a changed one and removes it for always", async () => {
    world = await createWorld(mariadb());
    const first = await world.deploy(minimalSettings('nightly'));
    expect(scheduleInspection(first).action).toBe('create');
    expect(actionsOf(world)).toEqual({
      'mdl-nightly-wake': 'cron(0 7 ? * MON,TUE,WED,THU,FRI *) Europe/London 1-4',
      'mdl-nightly-sleep': 'cron(0 20 ? * MON,TUE,WED,THU,FRI *) Europe/London 0-0',
    });
    // A new site is awake until its first sleep.
    expect(bounds(world)).toBe('1-4');

    world.fake.server.resetCalls();
    const again = await world.deploy(minimalSettings('nightly'));
    expect(again.changed).toBe(false);
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    world.fake.server.resetCalls();
    const later = await world.deploy(minimalSettings('nightly', 'awake: Mon-Sat 08:30-18:00\n'));
    expect(scheduleInspection(later)).toMatchObject({
      action: 'update',
      changes: [
        'mdl-nightly-wake: cron(0 7 ? * MON,TUE,WED,THU,FRI *) → cron(30 8 ? * MON,TUE,WED,THU,FRI,SAT *)',
        'mdl-nightly-sleep: cron(0 20 ? * MON,TUE,WED,THU,FRI *) → cron(0 18 ? * MON,TUE,WED,THU,FRI,SAT *)',
      ],
    });
    expect(actionsOf(world)).toEqual({
      'mdl-nightly-wake': 'cron(30 8 ? * MON,TUE,WED,THU,FRI,SAT *) Europe/London 1-4',
      'mdl-nightly-sleep': 'cron(0 18 ? * MON,TUE,WED,THU,FRI,SAT *) Europe/London 0-0',
    });
    expect(world.fake.server.count({ action: 'PutScheduledAction' })).toBe(2);
    expect(world.fake.server.count({ action: 'DeleteScheduledAction' })).toBe(0);

    // A bigger site: the wake action brings the new bounds; only it is put again.
    world.fake.server.resetCalls();
    await world.deploy(minimalSettings('nightly', 'awake: Mon-Sat 08:30-18:00\nauto_scaling_max: 6\n'));
    expect(actionsOf(world)['mdl-nightly-wake']).toBe(
      'cron(30 8 ? * MON,TUE,WED,THU,FRI,SAT *) Europe/London 1-6',
    );
    expect(world.fake.server.count({ action: 'PutScheduledAction' })).toBe(1);

    world.fake.server.resetCalls();
    const always = await world.deploy(minimalSettings('nightly', 'awake: always\nauto_scaling_max: 6\n'));
    expect(scheduleInspection(always).changes).toEqual([
      'mdl-nightly-wake: removed (awake always)',
      'mdl-nightly-sleep: removed (awake always)',
    ]);
    expect(actionsOf(world)).toEqual({});
    expect(world.fake.server.count({ action: 'DeleteScheduledAction' })).toBe(2);
  });

  it('keeps a sleeping site asleep on a redeploy, its wake bringing the new bounds; always wakes it', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('nightly'));
    world.fake.autoscaling.fire(TARGET, 'mdl-nightly-sleep');
    expect(bounds(world)).toBe('0-0');

    const asleep = await world.deploy(minimalSettings('nightly', 'auto_scaling_max: 3\n'));
    expect(asleep.inspections.find((i) => i.id === 'scalingTarget')!.action).toBe('none');
    expect(bounds(world)).toBe('0-0');
    expect(actionsOf(world)['mdl-nightly-wake']).toBe(
      'cron(0 7 ? * MON,TUE,WED,THU,FRI *) Europe/London 1-3',
    );
    world.fake.autoscaling.fire(TARGET, 'mdl-nightly-wake');
    expect(bounds(world)).toBe('1-3');

    // Asleep again, then told to be awake always: the bounds come back at once.
    world.fake.autoscaling.fire(TARGET, 'mdl-nightly-sleep');
    const woken = await world.deploy(minimalSettings('nightly', 'awake: always\nauto_scaling_max: 3\n'));
    expect(woken.inspections.find((i) => i.id === 'scalingTarget')).toMatchObject({
      action: 'update',
      changes: ['min tasks: 0 → 1', 'max tasks: 0 → 3'],
    });
    expect(bounds(world)).toBe('1-3');
  });

  it('leaves scheduled actions that are not the schedule alone', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('nightly'));
    const { ApplicationAutoScalingClient, PutScheduledActionCommand } =
      await import('@aws-sdk/client-application-auto-scaling');
    const aas = new ApplicationAutoScalingClient({ region: world.fake.server.region });
    for (const name of ['mdl-nightly-wake-ends', 'exam-week-boost'])
      await aas.send(
        new PutScheduledActionCommand({
          ServiceNamespace: 'ecs',
          ResourceId: TARGET,
          ScalableDimension: 'ecs:service:DesiredCount',
          ScheduledActionName: name,
          Schedule: 'at(2026-12-07T18:00:00)',
          ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 4 },
        }),
      );
    aas.destroy();
    await world.deploy(minimalSettings('nightly', 'awake: always\n'));
    expect(Object.keys(actionsOf(world)).sort()).toEqual(['exam-week-boost', 'mdl-nightly-wake-ends']);
  });
});
