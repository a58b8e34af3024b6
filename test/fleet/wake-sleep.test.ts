// `mdl-preview wake` and `sleep` on the AWS fake, on sites deploy made: the bounds change now, a wake
// ends by itself through a one-time scheduled action (fired here when its time comes), the schedule's
// own wake or sleep takes over where it comes first, and what is not the suite's is refused before
// any change. Every call is replayed against the wake-sleep role's generated policy.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SSMClient } from '@aws-sdk/client-ssm';
import { main } from '@moodle-preview/cli';
import { SiteRegistry } from '@moodle-preview/core';
import { parseDuration } from '../../packages/cli/src/commands/wake-sleep.js';
import { useMariaDb } from '../servers/mariadb.js';
import { expectAllowedAs } from '../iam/replay.js';
import { createWorld, LISTENER_ARN, minimalSettings, type World } from '../deploy/world.js';

const mariadb = useMariaDb();
let world: World;
let platformFile: string;
beforeAll(async () => {
  world = await createWorld(mariadb());
  await world.deploy(minimalSettings('nightly'));
  await world.deploy(minimalSettings('showcase', 'awake: always\n'));
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'wake-')), 'platform.yml');
  writeFileSync(platformFile, world.platformText);
  world.fake.server.resetCalls();
});
afterAll(async () => world.close());

const SATURDAY_NOON = '2026-12-05T12:00:00Z';
const MONDAY_NOON = '2026-12-07T12:00:00Z';
const target = (link: string) => `service/moodle_cluster/mdl-${link}`;
const bounds = (link: string) => {
  const t = world.fake.autoscaling.target(target(link))!;
  return `${t.MinCapacity}-${t.MaxCapacity}`;
};
const wakeEnd = (link: string) =>
  world.fake.autoscaling.scheduledActionsOf(target(link)).get(`mdl-${link}-wake-ends`);

async function cli(at: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile, USER: 'ops' },
    now: () => new Date(at),
  });
  return { code, stdout, stderr };
}

describe('mdl-preview wake and sleep', () => {
  it('wakes a sleeping site for 2 h by default, and the wake ends by itself', async () => {
    world.fake.autoscaling.fire(target('nightly'), 'mdl-nightly-sleep');
    expect(bounds('nightly')).toBe('0-0');
    const r = await cli(SATURDAY_NOON, 'wake', 'nightly');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'nightly: awake (1 to 4 tasks); goes back to sleep at 2026-12-05 14:00 UTC (Mon-Fri 07:00-20:00 Europe/London)\n',
    );
    expect(bounds('nightly')).toBe('1-4');
    expect(wakeEnd('nightly')).toMatchObject({
      Schedule: 'at(2026-12-05T14:00:00)',
      Timezone: 'UTC',
      ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
    });
    // Its time comes: AWS puts it back to sleep, and the one-time action is gone.
    world.fake.autoscaling.fire(target('nightly'), 'mdl-nightly-wake-ends');
    expect(bounds('nightly')).toBe('0-0');
    expect(wakeEnd('nightly')).toBeUndefined();
  });

  it('takes --for, and leaves the end to the schedule when the schedule has the site awake by then', async () => {
    const r = await cli(SATURDAY_NOON, 'wake', 'nightly', '--for', '1h30m');
    expect(r.stdout).toMatch(/goes back to sleep at 2026-12-05 13:30 UTC/);
    expect(wakeEnd('nightly')?.Schedule).toBe('at(2026-12-05T13:30:00)');
    // Monday 06:00 UTC (asleep) for 2 h: 08:00 is in working hours, so no end of its own; the wake
    // end left by the earlier wake is removed, and the schedule's sleep at 20:00 ends this one.
    const early = await cli('2026-12-07T06:00:00Z', 'wake', 'nightly', '--for', '2h');
    expect(early.stdout).toBe(
      "nightly: awake (1 to 4 tasks); stays awake until its schedule's sleep at 2026-12-07 20:00 UTC (Mon-Fri 07:00-20:00 Europe/London)\n",
    );
    expect(wakeEnd('nightly')).toBeUndefined();
    expect(bounds('nightly')).toBe('1-4');
  });

  it("puts a site to sleep now until its schedule's next wake", async () => {
    const r = await cli(MONDAY_NOON, 'sleep', 'nightly', '--json');
    expect(JSON.parse(r.stdout)).toEqual({
      site: 'nightly',
      bounds: { min: 0, max: 0 },
      until: '2026-12-08T07:00:00.000Z',
      next: "wakes at its schedule's wake, 2026-12-08 07:00 UTC (Mon-Fri 07:00-20:00 Europe/London)",
    });
    expect(bounds('nightly')).toBe('0-0');
    // The schedule was not touched.
    expect([...world.fake.autoscaling.scheduledActionsOf(target('nightly')).keys()].sort()).toEqual([
      'mdl-nightly-sleep',
      'mdl-nightly-wake',
    ]);
  });

  it('keeps a site awake always asleep until told, and wakes it without an end unless --for says', async () => {
    const slept = await cli(MONDAY_NOON, 'sleep', 'showcase');
    expect(slept.stdout).toBe(
      'showcase: asleep (0 to 0 tasks); stays asleep until mdl-preview wake (or a redeploy)\n',
    );
    const woken = await cli(MONDAY_NOON, 'wake', 'showcase');
    expect(woken.stdout).toBe('showcase: awake (1 to 4 tasks); stays awake (awake always)\n');
    expect(wakeEnd('showcase')).toBeUndefined();
    const brief = await cli(MONDAY_NOON, 'wake', 'showcase', '--for', '30m');
    expect(brief.stdout).toMatch(/goes back to sleep at 2026-12-07 12:30 UTC$/m);
    expect(wakeEnd('showcase')?.Schedule).toBe('at(2026-12-07T12:30:00)');
    await cli(MONDAY_NOON, 'wake', 'showcase');
    expect(wakeEnd('showcase')).toBeUndefined();
  });

  it('switches the sleep page with the tasks: off at a wake, back when it ends, on at a sleep', async () => {
    const GROUP = 'moodle-preview';
    const rule = () =>
      world.fake.elbv2.rules(LISTENER_ARN).find((r) => JSON.stringify(r.Conditions).includes('"nightly.'))!;
    const shows = () =>
      rule().Actions?.[0]?.Type === 'forward' ? 'site' : rule().Actions?.[0]?.FixedResponseConfig?.StatusCode;
    world.fake.autoscaling.fire(target('nightly'), 'mdl-nightly-sleep');
    world.fake.scheduler.fire(GROUP, 'mdl-nightly-sleep');
    expect(shows()).toBe('503');

    await cli(SATURDAY_NOON, 'wake', 'nightly');
    expect(shows()).toBe('site');
    // The wake's end shows the page again: a one-time copy of the sleep schedule, gone once it ran.
    const end = world.fake.scheduler.get(GROUP, 'mdl-nightly-wake-ends')!;
    const sleep = world.fake.scheduler.get(GROUP, 'mdl-nightly-sleep')!;
    expect(end).toMatchObject({
      ScheduleExpression: 'at(2026-12-05T14:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: sleep.Target,
    });
    world.fake.autoscaling.fire(target('nightly'), 'mdl-nightly-wake-ends');
    world.fake.scheduler.fire(GROUP, 'mdl-nightly-wake-ends');
    expect(shows()).toBe('503');
    expect(world.fake.scheduler.get(GROUP, 'mdl-nightly-wake-ends')).toBeUndefined();

    // Woken again, then put to sleep by hand before its end: the page now, and no end left over.
    await cli(SATURDAY_NOON, 'wake', 'nightly');
    expect(world.fake.scheduler.get(GROUP, 'mdl-nightly-wake-ends')).toBeDefined();
    await cli(SATURDAY_NOON, 'sleep', 'nightly');
    expect(shows()).toBe('503');
    expect(world.fake.scheduler.get(GROUP, 'mdl-nightly-wake-ends')).toBeUndefined();
    expect(world.fake.scheduler.list(GROUP).map((s) => s.Name)).toEqual(
      expect.arrayContaining(['mdl-nightly-sleep', 'mdl-nightly-wake']),
    );
    await cli(MONDAY_NOON, 'wake', 'nightly');
    expect(shows()).toBe('site');
  });

  it('refuses what is not a site of the suite, or not a duration, before any change', async () => {
    world.fake.server.resetCalls();
    const missing = await cli(MONDAY_NOON, 'wake', 'nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/site nowhere is not in the site registry: deploy it first/);
    const bad = await cli(MONDAY_NOON, 'wake', 'nightly', '--for', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--for "soon" is not a duration: write e\.g\. 30m, 2h, 1h30m or 1d/);
    const short = await cli(MONDAY_NOON, 'wake', 'nightly', '--for', '0m');
    expect(short.stderr).toMatch(/--for must be a minute or more/);
    const name = await cli(MONDAY_NOON, 'sleep', 'Not_A_Site');
    expect(name.code).not.toBe(0);
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    // An entry from before schedules, and a destroyed site: refused, nothing changed.
    const ssm = new SSMClient({ region: world.fake.server.region });
    const registry = new SiteRegistry(ssm);
    const entry = (await registry.get('nightly'))!;
    const { capacity: _bounds, ...before } = entry;
    try {
      await registry.put(before as typeof entry, true);
      const old = await cli(MONDAY_NOON, 'sleep', 'nightly');
      expect(old.stderr).toMatch(
        /records no schedule or task bounds \(deployed before sleep schedules\): redeploy it first/,
      );
      await registry.put({ ...entry, destroyedAt: '2026-12-01' }, true);
      const gone = await cli(MONDAY_NOON, 'wake', 'nightly');
      expect(gone.stderr).toMatch(/site nightly was destroyed on 2026-12-01: deploy it again first/);
    } finally {
      await registry.put(entry, true);
      ssm.destroy();
    }
    expect(world.fake.server.count({ action: 'RegisterScalableTarget' })).toBe(0);
    world.fake.server.resetCalls();

    // A scalable target that does not carry the suite's tag: refused, nothing changed.
    const arn = world.fake.autoscaling.target(target('nightly'))!.ScalableTargetARN;
    const tags = world.fake.autoscaling.tags.get(arn)!;
    world.fake.autoscaling.tags.set(arn, { team: 'payroll' });
    try {
      const foreign = await cli(MONDAY_NOON, 'sleep', 'nightly');
      expect(foreign.code).toBe(1);
      expect(foreign.stderr).toMatch(/does not carry moodle-preview:managed-by=moodle-preview-actions/);
      expect(world.fake.server.count({ mutating: true })).toBe(0);
    } finally {
      world.fake.autoscaling.tags.set(arn, tags);
    }
  });

  it("makes only calls the wake-sleep role's generated policy allows", async () => {
    world.fake.server.resetCalls();
    await cli(SATURDAY_NOON, 'wake', 'nightly', '--for', '3h');
    await cli(MONDAY_NOON, 'wake', 'nightly');
    await cli(MONDAY_NOON, 'sleep', 'nightly');
    const r = await expectAllowedAs(world.fake.server.calls, 'wake-sleep', {
      platformText: world.platformText,
    });
    expect(r.actions).toEqual(
      expect.arrayContaining([
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:DeleteScheduledAction',
        'elasticloadbalancing:ModifyRule',
        'scheduler:GetSchedule',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'iam:PassRole',
      ]),
    );
  });
});

describe('durations', () => {
  it('reads minutes, hours, days and their sums', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    for (const bad of ['', '2', 'h', '2 h', '1m30h', '-1h'])
      expect(() => parseDuration(bad)).toThrow(/is not a duration/);
  });
});
