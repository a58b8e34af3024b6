// upgrade-db's engine on the stateful AWS fake (RunTask / DescribeTasks / StopTask / GetLogEvents
// followed live) with a real MariaDB holding a Moodle-shaped mdl_config: the version read through a
// SqlTask and directly, hops through intermediate images, a task that never starts, exit 1, a wait
// that runs out, and an impossible path refused before anything runs.
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ConfigurationError,
  UpgradeFailedError,
  TaskWaitTimeoutError,
  memoryLogger,
  parseRelease,
  phpOfImage,
  readVersionDirect,
  releaseText,
  upgradeSite,
  type HopImage,
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

const HOPS: HopImage[] = [
  { release: parseRelease('4.1.12'), image: IMAGE('moodle-full-4.1.12-8.0'), php: '8.0' },
  { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-4.2.3-8.1'), php: '8.1' },
];

/** The Moodle CLI scripts the tasks ran, in order, with their arguments. */
const scriptsRun = (w: UpgradeWorld) => w.php.map((p) => p.argv.join(' '));

function options(
  w: UpgradeWorld,
  extra: Partial<UpgradeOptions> = {},
): UpgradeOptions & { log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  return {
    clients: w.clients,
    platform: w.platform,
    previewLink: w.link,
    target: { release: parseRelease('4.5.3'), image: IMAGE('moodle-full-4.5.3-8.1') },
    images: [HOPS[0]!],
    allowUnstable: false,
    checkPending: true,
    maintenance: true,
    purgeCaches: true,
    dbAccess: 'task',
    maxWaitMs: 20_000,
    pollMs: 25,
    ...extra,
    log,
  } as UpgradeOptions & { log: ReturnType<typeof memoryLogger> };
}

describe('reading the version', () => {
  it('reads version and release from mdl_config directly and through a SqlTask', async () => {
    world = await createUpgradeWorld(mariadb());
    const db = mariadb();
    const direct = await readVersionDirect(
      { host: db.host, port: db.port, adminUser: db.adminUser, adminPassword: db.adminPassword },
      world.database,
    );
    expect(direct).toEqual({
      branch: '3.11',
      point: 18,
      version: '2021051718.00',
      release: '3.11.18 (Build: 20231211)',
    });
    const o = options(world, { dryRun: true });
    const planned = await upgradeSite(o);
    expect(planned.from).toEqual(direct);
    // The SQL ran in a task of the site's SQL family (admin secret only), its result read from the log.
    expect(world.fake.server.count({ service: 'ecs', action: 'RunTask' })).toBe(1);
    expect(world.fake.inventory()['ecs:task-definition']).toContain(`mdl_sql_task-${world.link}:1`);
    // A second read reuses that revision: it carries the site's ownership tags.
    world.fake.server.resetCalls();
    await upgradeSite(options(world, { dryRun: true }));
    expect(world.fake.server.count({ service: 'ecs', action: 'RegisterTaskDefinition' })).toBe(0);
    expect(world.fake.server.count({ service: 'ecs', action: 'RunTask' })).toBe(1);
    expect(planned.plan.hops.map((h) => `${releaseText(h.from)}→${releaseText(h.to)}`)).toEqual([
      '3.11.18→4.1.12',
      '4.1.12→4.5.3',
    ]);
    await world.setVersion('4.1.12 (Build: 20240812)', '2023042403.00');
    await expect(upgradeSite(options(world, { dryRun: true, dbAccess: 'direct' }))).rejects.toThrow(
      /mdl_config.version 2023042403.00 does not belong to release 4\.1\.12/,
    );
  });

  it('refuses an impossible path before anything runs', async () => {
    world = await createUpgradeWorld(mariadb());
    world.fake.server.resetCalls();
    const error = await upgradeSite(
      options(world, {
        dbAccess: 'direct',
        target: { release: parseRelease('5.0.1'), image: IMAGE('moodle-full-5.0.1-8.3') },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /no upgrade path from Moodle 4\.1\.12 to 5\.0\.1: 5\.0 needs 4\.2\.3 or later/,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(world.php).toEqual([]);
  });
});

describe('upgrading', () => {
  it('hops through an intermediate image with maintenance on and off, streaming the log', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = { kind: 'succeed', lines: 5, stepMs: 30 };
    const started: string[] = [];
    const o = options(world, { onTaskStarted: (arn, purpose) => void started.push(`${purpose}`) });
    const r = await upgradeSite(o);
    expect(releaseText(r.from)).toBe('3.11.18');
    expect(r.to?.release).toBe('4.5.3 (Build: 20250317)');
    expect(r.exitCode).toBe(0);
    // Exactly this sequence of Moodle CLI runs, each with the image of its hop.
    expect(world.php.map((p) => `${p.image.split(':').pop()} ${p.argv.join(' ')}`)).toEqual([
      'moodle-full-4.1.12-8.0 admin/cli/maintenance.php --enable',
      'moodle-full-4.1.12-8.0 admin/cli/upgrade.php --non-interactive',
      'moodle-full-4.5.3-8.1 admin/cli/upgrade.php --non-interactive',
      'moodle-full-4.5.3-8.1 admin/cli/maintenance.php --disable',
      'moodle-full-4.5.3-8.1 admin/cli/purge_caches.php',
    ]);
    expect(world.maintenance).toBe(false);
    expect(started).toEqual([
      'read the version',
      'maintenance mode on',
      'upgrade 1/2: Moodle 3.11.18 → 4.1.12',
      'upgrade 2/2: Moodle 4.1.12 → 4.5.3',
      'maintenance mode off',
      'purge caches',
      'read the version',
    ]);
    // The hop images run as copies of the site's task definition, tagged as the site's.
    expect(world.fake.inventory()['ecs:task-definition']).toEqual(
      expect.arrayContaining([`mdl_upgrade_task-${world.link}:1`, `mdl_upgrade_task-${world.link}:2`]),
    );
    // Every line the tasks wrote reached the log, in order, while the tasks ran.
    const hopLines = o.log.lines.filter((l) => l.startsWith('-->mod_step'));
    expect(hopLines).toEqual([
      ...[1, 2, 3, 4, 5].map((i) => `-->mod_step${i} upgrading to 4.1.12`),
      ...[1, 2, 3, 4, 5].map((i) => `-->mod_step${i} upgrading to 4.5.3`),
    ]);
    // Several GetLogEvents per task: the lines were followed, not read once at the end.
    expect(world.fake.server.count({ service: 'logs', action: 'GetLogEvents' })).toBeGreaterThan(10);
  });

  it('stops early when upgrade.php --is-pending says nothing is pending', async () => {
    world = await createUpgradeWorld(mariadb());
    await world.setVersion('4.5.3 (Build: 20250317)', '2024100703.00');
    const r = await upgradeSite(options(world, { dbAccess: 'direct' }));
    expect(r.pending).toBe(false);
    expect(scriptsRun(world)).toEqual(['admin/cli/upgrade.php --is-pending']);
    expect(world.maintenance).toBe(false);
  });

  it('fails with exit code 1 and still turns maintenance mode off', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = { kind: 'exit', code: 1 };
    const o = options(world, {
      dbAccess: 'direct',
      images: HOPS,
      target: { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-4.2.3-8.1') },
    });
    const error = await upgradeSite(o).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeFailedError);
    expect((error as Error).message).toMatch(
      /upgrade.php \(3\.11\.18 → 4\.2\.3, task arn:aws:ecs:\S+\) failed: exit code 1 \(Essential container in task exited\)/,
    );
    expect((error as UpgradeFailedError).result.exitCode).toBe(1);
    expect(scriptsRun(world)).toEqual([
      'admin/cli/upgrade.php --is-pending',
      'admin/cli/maintenance.php --enable',
      'admin/cli/upgrade.php --non-interactive',
      'admin/cli/maintenance.php --disable',
    ]);
    expect(world.maintenance).toBe(false);
    expect(o.log.lines).toContain('Default exception handler: Error writing to database');
  });

  it('reports a task that never starts with its stop reason', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = {
      kind: 'never-start',
      reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
    };
    const error = await upgradeSite(
      options(world, {
        dbAccess: 'direct',
        checkPending: false,
        target: { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-4.2.3-8.1') },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeFailedError);
    expect((error as Error).message).toMatch(
      /failed: the task never ran its command: CannotPullContainerError: pull image manifest has been retried 5 time\(s\): not found/,
    );
    expect(world.maintenance).toBe(false);
  });

  it('stops the task when the wait runs out, and turns maintenance mode off', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = { kind: 'hang' };
    const o = options(world, {
      dbAccess: 'direct',
      checkPending: false,
      maxWaitMs: 1500,
      progressEveryMs: 500,
      target: { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-4.2.3-8.1') },
    });
    const error = await upgradeSite(o).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeFailedError);
    expect((error as Error).message).toMatch(/did not stop within \d+ minutes; it was stopped/);
    const stops = world.fake.server.count({ service: 'ecs', action: 'StopTask' });
    expect(stops).toBe(1);
    const upgradeTask = [...world.fake.ecs.tasks.values()].find((t) =>
      t.overrides.containerOverrides.some((c) => c.command?.includes('--non-interactive')),
    )!;
    expect(upgradeTask.desiredStatus).toBe('STOPPED');
    expect(world.maintenance).toBe(false);
    expect(o.log.lines.some((l) => l.startsWith('-->System'))).toBe(true);
    // A long wait says it is alive at a steady interval.
    expect(
      o.log.lines.filter((l) =>
        /^… upgrade 1\/1: Moodle 3\.11\.18 → 4\.2\.3: task RUNNING for \d+ min, \d+ log line\(s\) so far$/.test(
          l,
        ),
      ).length,
    ).toBeGreaterThanOrEqual(2);
    void TaskWaitTimeoutError;
  });
});

describe('a log CloudWatch delivers late', () => {
  /**
   * The tasks are followed on the fake's clock alone: requests take no simulated time, a poll's wait
   * moves it by pollMs (2 s), and the fake delivers what a container wrote 3 s later. So STOPPED is
   * seen 0–2 s after the container exited, always before its last lines arrive (a single read after
   * STOPPED misses them), and they arrive before two quiet polls (4 s) end the reading.
   */
  function onFakeClock(w: UpgradeWorld): Partial<UpgradeOptions> {
    w.fake.server.msPerRequest = 0;
    w.fake.logs.deliveryDelayMs = 3000;
    return {
      pollMs: 2000,
      now: () => w.fake.server.now().getTime(),
      sleep: async (ms) => {
        w.fake.server.tick(ms);
        await new Promise((r) => setTimeout(r, 5));
      },
    };
  }

  it('shows the lines a task wrote last, though they arrive seconds after it stopped', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = { kind: 'succeed', lines: 3, stepMs: 5 };
    const o = options(world, {
      dbAccess: 'direct',
      checkPending: false,
      maintenance: false,
      purgeCaches: false,
      target: { release: parseRelease('4.1.12'), image: IMAGE('moodle-full-4.1.12-8.0') },
      ...onFakeClock(world),
    });
    const r = await upgradeSite(o);
    expect(r.exitCode).toBe(0);
    // The container's last line is written as it exits: on AWS it can arrive after STOPPED.
    expect(o.log.lines.filter((l) => l.startsWith('-->mod_step') || l.startsWith('Command line'))).toEqual([
      '-->mod_step1 upgrading to 4.1.12',
      '-->mod_step2 upgrading to 4.1.12',
      '-->mod_step3 upgrading to 4.1.12',
      'Command line upgrade from 3.11 completed successfully',
    ]);
    expect(o.log.lines.filter((l) => l.startsWith('warning:'))).toEqual([]);
  });

  it('shows why a failed upgrade failed when its error line arrives after the stop', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = { kind: 'exit', code: 1 };
    const o = options(world, {
      dbAccess: 'direct',
      checkPending: false,
      target: { release: parseRelease('4.1.12'), image: IMAGE('moodle-full-4.1.12-8.0') },
      ...onFakeClock(world),
    });
    const error = await upgradeSite(o).catch((e: unknown) => e);
    expect((error as UpgradeFailedError).result.exitCode).toBe(1);
    expect(o.log.lines).toContain('Default exception handler: Error writing to database');
    expect(world.maintenance).toBe(false);
  });
});

describe('the steps around the upgrade', () => {
  const ONE_HOP = { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-4.2.3-8.1') };
  const warnings = (o: { log: ReturnType<typeof memoryLogger> }) =>
    o.log.lines.filter((l) => l.startsWith('warning:'));
  /** 3.11.18 → 4.2.3 in one hop, the version read directly, no --is-pending first unless asked. */
  const oneHop = (w: UpgradeWorld, extra: Partial<UpgradeOptions> = {}) =>
    options(w, { dbAccess: 'direct', checkPending: false, target: ONE_HOP, ...extra });

  it('refuses to upgrade when maintenance mode cannot be turned on, and runs no upgrade', async () => {
    world = await createUpgradeWorld(mariadb());
    world.scriptExit = { 'maintenance.php --enable': 3 };
    const o = oneHop(world);
    const error = await upgradeSite(o).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeFailedError);
    expect((error as Error).message).toMatch(/^turning maintenance mode on failed: exit code 3/);
    expect((error as UpgradeFailedError).result.exitCode).toBe(3);
    expect(scriptsRun(world)).toEqual(['admin/cli/maintenance.php --enable']);
  });

  it('warns how to turn maintenance mode off when that fails, and still reports the upgrade done', async () => {
    world = await createUpgradeWorld(mariadb());
    world.scriptExit = { 'maintenance.php --disable': 1 };
    const o = oneHop(world);
    const r = await upgradeSite(o);
    expect(r.exitCode).toBe(0);
    expect(r.to?.release).toBe('4.2.3 (Build: 20231009)');
    expect(warnings(o)).toEqual([
      expect.stringMatching(
        /^warning: turning maintenance mode off failed: exit code 1.*; run admin\/cli\/maintenance\.php --disable$/,
      ),
    ]);
    // The purge still ran after it (and the version was read again: `to` above).
    expect(scriptsRun(world).slice(-2)).toEqual([
      'admin/cli/maintenance.php --disable',
      'admin/cli/purge_caches.php',
    ]);
  });

  it('leaves maintenance mode and the caches alone when asked, and warns (without failing) when the purge fails', async () => {
    world = await createUpgradeWorld(mariadb());
    const quiet = oneHop(world, { maintenance: false, purgeCaches: false, allowUnstable: true });
    const r = await upgradeSite(quiet);
    expect(r.exitCode).toBe(0);
    expect(scriptsRun(world)).toEqual(['admin/cli/upgrade.php --non-interactive --allow-unstable']);
    expect(warnings(quiet)).toEqual([]);

    await world.setVersion('3.11.18 (Build: 20231211)', '2021051718.00');
    world.php.length = 0;
    world.scriptExit = { 'purge_caches.php': 1 };
    const o = oneHop(world, { maintenance: false });
    const purged = await upgradeSite(o);
    expect(purged.exitCode).toBe(0);
    expect(scriptsRun(world)).toEqual([
      'admin/cli/upgrade.php --non-interactive',
      'admin/cli/purge_caches.php',
    ]);
    expect(warnings(o)).toEqual([expect.stringMatching(/^warning: purging caches failed: exit code 1/)]);
  });

  it('fails when upgrade.php --is-pending answers neither 0 nor 2, before any change', async () => {
    world = await createUpgradeWorld(mariadb());
    world.scriptExit = { 'upgrade.php --is-pending': 1 };
    const error = await upgradeSite(oneHop(world, { checkPending: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeFailedError);
    expect((error as Error).message).toMatch(/^upgrade\.php --is-pending failed: exit code 1/);
    expect((error as UpgradeFailedError).result.exitCode).toBe(1);
    expect(scriptsRun(world)).toEqual(['admin/cli/upgrade.php --is-pending']);
    expect(world.maintenance).toBe(false);
  });

  it('times the run and each step on its clock', async () => {
    world = await createUpgradeWorld(mariadb());
    // A clock that moves 7 s each time it is read: every duration is a whole number of its steps (the
    // waits for the tasks are long enough not to run out on it).
    let t = Date.parse('2026-12-06T00:00:00Z');
    const now = () => (t += 7000);
    const maxWaitMs = 1e9;
    const dry = await upgradeSite(options(world, { dbAccess: 'direct', dryRun: true, now, maxWaitMs }));
    expect(dry.durationMs).toBe(7000);
    const r = await upgradeSite(oneHop(world, { purgeCaches: false, now, maxWaitMs }));
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r.durationMs % 7000).toBe(0);
    expect(r.durationMs).toBeLessThan(7000 * 1000);
    expect(r.steps.map((s) => s.purpose)).toEqual([
      'maintenance mode on',
      'upgrade 1/1: Moodle 3.11.18 → 4.2.3',
      'maintenance mode off',
    ]);
    for (const s of r.steps) {
      expect(s.seconds % 7).toBe(0);
      expect(s.seconds).toBeGreaterThan(0);
      expect(s.seconds).toBeLessThan(7000);
    }
    await world.setVersion('4.2.3 (Build: 20231009)', '2023042403.00');
    const none = await upgradeSite(oneHop(world, { checkPending: true, now, maxWaitMs }));
    expect(none.pending).toBe(false);
    expect(none.durationMs).toBeGreaterThan(0);
    expect(none.durationMs).toBeLessThan(7000 * 1000);
    world.scriptExit = { 'maintenance.php --enable': 1 };
    await world.setVersion('3.11.18 (Build: 20231211)', '2021051718.00');
    const failed = await upgradeSite(oneHop(world, { now, maxWaitMs })).catch(
      (e: unknown) => e as UpgradeFailedError,
    );
    expect(failed).toBeInstanceOf(UpgradeFailedError);
    const failedMs = (failed as UpgradeFailedError).result.durationMs;
    expect(failedMs).toBeGreaterThan(0);
    expect(failedMs).toBeLessThan(7000 * 1000);
  });

  it('reports a task that never ran as exit code -1', async () => {
    world = await createUpgradeWorld(mariadb());
    world.behaviour = { kind: 'never-start', reason: 'CannotPullContainerError: not found' };
    const error = await upgradeSite(oneHop(world)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeFailedError);
    expect((error as UpgradeFailedError).result.exitCode).toBe(-1);
  });

  it('reads the version through the SQL task with the table prefix it is given', async () => {
    world = await createUpgradeWorld(mariadb());
    await expect(upgradeSite(options(world, { dryRun: true, tablePrefix: 'other_' }))).rejects.toThrow(
      /other_config/,
    );
  });

  it('asks for the PHP version when the image tag does not tell it, before any call that changes anything', async () => {
    world = await createUpgradeWorld(mariadb());
    world.fake.server.resetCalls();
    await expect(
      upgradeSite(
        options(world, {
          dbAccess: 'direct',
          target: { release: parseRelease('4.2.3'), image: IMAGE('moodle-full-latest') },
        }),
      ),
    ).rejects.toThrow(/cannot tell the PHP version of \S+moodle-full-latest from its tag: give php-version/);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(phpOfImage('repo:moodle-ecs-docker-8.1')).toBe('8.1');
    expect(phpOfImage('repo:moodle-full-4.5.3-8.10')).toBe('8.10');
    expect(phpOfImage('repo:php-10.0')).toBe('10.0');
  });
});
