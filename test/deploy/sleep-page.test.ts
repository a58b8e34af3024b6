// The sleep page on the AWS fake: deploy keeps two EventBridge Scheduler schedules per scheduled site
// in the suite's own group, which switch the site's listener rule to a page at the schedule's sleep
// and back to the site at its wake (fired here as AWS would, signed as the scheduler's role); a
// redeploy leaves a sleeping site's page up; `awake: always` removes them; a group of that name that
// is not the suite's is refused before any change. Every call is replayed against its role's policy.
import { afterEach, describe, expect, it } from '@jest/globals';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { expectAllowedAs } from '../iam/replay.js';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, LISTENER_ARN, minimalSettings, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const ROLE = 'arn:aws:iam::123456789012:role/moodle-preview-sleep-page';
const GROUP = 'moodle-preview';
const TARGET = 'service/moodle_cluster/mdl-nightly';

const ruleOf = (w: World) => w.fake.elbv2.rules(LISTENER_ARN).find((r) => r.Priority !== 'default')!;
/** What the site's rule does now: `site` (forwards to its group), the page's first words, or what else. */
function showing(w: World): string {
  const action = ruleOf(w).Actions?.[0];
  if (action?.Type === 'forward') {
    const tg = w.fake.elbv2.targetGroups().find((g) => g.TargetGroupName === 'mdl-nightly')!;
    return action.TargetGroupArn === tg.TargetGroupArn ? 'site' : `forward ${action.TargetGroupArn}`;
  }
  const c = action?.FixedResponseConfig;
  const hours = /is awake ([^.]+)\./.exec(c?.MessageBody ?? '')?.[1];
  return `${c?.StatusCode} ${c?.ContentType} page: awake ${hours}`;
}
const schedules = (w: World) =>
  Object.fromEntries(
    w.fake.scheduler
      .list(GROUP)
      .map((s) => [s.Name, `${s.ScheduleExpression} ${s.ScheduleExpressionTimezone} ${s.Target.RoleArn}`]),
  );
/** The schedule's time comes: AWS scales the site and switches its rule. */
function fire(w: World, name: 'mdl-nightly-wake' | 'mdl-nightly-sleep') {
  w.fake.autoscaling.fire(TARGET, name);
  w.fake.scheduler.fire(GROUP, name);
}

describe('the sleep page', () => {
  it('shows the page while the site sleeps, survives redeploys asleep, follows the schedule and goes with always', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('nightly'));
    expect(world.fake.server.resources().filter((r) => r.kind === 'scheduler:schedule-group')).toEqual([
      {
        kind: 'scheduler:schedule-group',
        name: GROUP,
        tags: { 'cost-centre': 'digital-education', 'moodle-preview:managed-by': 'moodle-preview-actions' },
      },
    ]);
    expect(schedules(world)).toEqual({
      'mdl-nightly-sleep': `cron(0 20 ? * MON,TUE,WED,THU,FRI *) Europe/London ${ROLE}`,
      'mdl-nightly-wake': `cron(0 7 ? * MON,TUE,WED,THU,FRI *) Europe/London ${ROLE}`,
    });
    // A new site is awake until its first sleep.
    expect(showing(world)).toBe('site');

    // 20:00 on a weekday: the page, and a person gets a page, not the load balancer's bare 503.
    fire(world, 'mdl-nightly-sleep');
    expect(showing(world)).toBe('503 text/html page: awake Mon-Fri 07:00-20:00 Europe/London');
    expect(ruleOf(world).Actions?.[0]?.FixedResponseConfig?.MessageBody).toContain(
      'To wake it now: run the wake-sleep workflow for nightly, or: mdl-preview wake nightly',
    );

    // A redeploy while asleep changes nothing of the rule or the schedules.
    world.fake.server.resetCalls();
    const asleep = await world.deploy(minimalSettings('nightly', 'auto_scaling_max: 3\n'));
    expect(asleep.inspections.find((i) => i.id === 'listenerRule')!.action).toBe('none');
    expect(asleep.inspections.find((i) => i.id === 'sleepPage')!.action).toBe('none');
    expect(world.fake.server.count({ action: 'ModifyRule' })).toBe(0);
    expect(showing(world)).toBe('503 text/html page: awake Mon-Fri 07:00-20:00 Europe/London');

    // New hours while asleep: the page says them at once, the schedules move, the site stays asleep.
    world.fake.server.resetCalls();
    const moved = await world.deploy(
      minimalSettings('nightly', 'awake: Mon-Sat 08:30-18:00\nauto_scaling_max: 3\n'),
    );
    expect(moved.inspections.find((i) => i.id === 'sleepPage')!.changes).toEqual([
      'mdl-nightly-wake: cron(30 8 ? * MON,TUE,WED,THU,FRI,SAT *) Europe/London → the site (changed)',
      'mdl-nightly-sleep: cron(0 18 ? * MON,TUE,WED,THU,FRI,SAT *) Europe/London → the sleep page (changed)',
    ]);
    expect(showing(world)).toBe('503 text/html page: awake Mon-Sat 08:30-18:00 Europe/London');
    expect(world.fake.server.count({ action: 'UpdateSchedule' })).toBe(2);
    expect(world.fake.server.count({ action: 'CreateSchedule' })).toBe(0);

    // 08:30: the site again; 18:00: the new page again.
    fire(world, 'mdl-nightly-wake');
    expect(showing(world)).toBe('site');
    fire(world, 'mdl-nightly-sleep');
    expect(showing(world)).toBe('503 text/html page: awake Mon-Sat 08:30-18:00 Europe/London');

    // Awake always: the site at once, and no schedule left to switch it.
    world.fake.server.resetCalls();
    const always = await world.deploy(minimalSettings('nightly', 'awake: always\nauto_scaling_max: 3\n'));
    expect(always.inspections.find((i) => i.id === 'listenerRule')!.changes).toEqual([
      'forward: (the sleep page) → target group mdl-nightly',
    ]);
    expect(showing(world)).toBe('site');
    expect(schedules(world)).toEqual({});
    expect(world.fake.server.count({ action: 'DeleteSchedule' })).toBe(2);
  });

  it("runs the scheduler's switches within sleep-page-scheduler's policy and deploy's within deploy-instance's", async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('nightly'));
    fire(world, 'mdl-nightly-sleep');
    await world.deploy(minimalSettings('nightly', 'awake: Mon-Sat 08:30-18:00\n'));
    fire(world, 'mdl-nightly-wake');
    await world.deploy(minimalSettings('nightly', 'awake: always\n'));
    const calls = world.fake.server.calls;
    const fired = calls.filter((c) => c.principal === ROLE);
    expect(fired.map((c) => `${c.service}:${c.action}`)).toEqual([
      'elasticloadbalancing:ModifyRule',
      'elasticloadbalancing:ModifyRule',
    ]);
    await expectAllowedAs(fired, 'sleep-page-scheduler', { platformText: world.platformText });
    const r = await expectAllowedAs(
      calls.filter((c) => c.principal !== ROLE),
      'deploy-instance',
      { platformText: world.platformText },
    );
    expect(r.actions).toEqual(
      expect.arrayContaining([
        'scheduler:GetScheduleGroup',
        'scheduler:CreateScheduleGroup',
        'scheduler:GetSchedule',
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:DeleteSchedule',
        'iam:PassRole',
      ]),
    );
  });

  it('refuses, before any change, a schedule group of its name that is not the suite’s', async () => {
    world = await createWorld(mariadb());
    const scheduler = new SchedulerClient({ region: world.fake.server.region });
    await scheduler.send(
      new CreateScheduleGroupCommand({ Name: GROUP, Tags: [{ Key: 'team', Value: 'data' }] }),
    );
    scheduler.destroy();
    world.fake.server.resetCalls();
    await expect(world.deploy(minimalSettings('nightly'))).rejects.toThrow(
      'the EventBridge Scheduler group moodle-preview exists and is not tagged moodle-preview:managed-by=moodle-preview-actions',
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('without a platform sleep page: no schedule is read or made, and a page left up goes back to the site', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('nightly'));
    fire(world, 'mdl-nightly-sleep');
    world.fake.autoscaling.fire(TARGET, 'mdl-nightly-wake');
    const platformText = world.platformText.replace(/ {2}sleep_page:\n.*\n/, '');
    world.fake.server.resetCalls();
    const r = await world.deploy(minimalSettings('nightly'), { platformText });
    expect(world.fake.server.count({ service: 'scheduler' })).toBe(0);
    expect(r.inspections.find((i) => i.id === 'listenerRule')!.action).toBe('update');
    expect(showing(world)).toBe('site');
  });
});
