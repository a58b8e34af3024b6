// One cron tick end to end on the AWS fake and the exec test agent: the right sites run once, sick
// and disabled ones are skipped with a reason, failures and timeouts are per site, reads stay batched.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { CreateLogGroupCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  ConfigurationError,
  CronRunLog,
  joblogText,
  parseFailOn,
  planCronTick,
  runCronTick,
  tickFailed,
  type CronJoblogLine,
} from '@moodle-preview/core';
import { rejection } from '../harness/failure.js';
import { createCronWorld, type CronWorld } from './cron-world.js';
import { OFFICE_HOURS } from '../fleet/schedules.js';

let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const bySite = (lines: CronJoblogLine[]) => Object.fromEntries(lines.map((l) => [l.site, l]));

describe('runCronTick', () => {
  it('skips a site its schedule has asleep with when it wakes; a site woken by hand runs', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'night', tasks: 0 }, { link: 'woken' }]);
    for (const link of ['night', 'woken']) {
      const entry = (await world.registry.get(link))!;
      await world.registry.put({ ...entry, awake: OFFICE_HOURS }, true);
    }
    const saturday = await runCronTick({
      clients: world.clients,
      logGroup: '/moodle-preview/cron',
      now: () => new Date('2026-12-05T12:00:00Z'),
    });
    const lines = bySite(saturday.lines);
    expect(lines.night).toMatchObject({
      status: 'skipped',
      reason: 'asleep until Mon 07:00 Europe/London (awake Mon-Fri 07:00-20:00 Europe/London)',
    });
    expect(lines.woken).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(tickFailed(saturday, parseFailOn('any'))).toBe(false);
    // In working hours the same empty service is what it is: no running task.
    const monday = await runCronTick({
      clients: world.clients,
      logGroup: '/moodle-preview/cron',
      now: () => new Date('2026-12-07T12:00:00Z'),
    });
    expect(bySite(monday.lines).night!.reason).toMatch(/^no running task of service mdl-night/);
  });

  it('runs enabled sites once, skips the rest with a reason, and reports exit codes', async () => {
    world = await createCronWorld();
    await world.addSites([
      { link: 'alpha', command: 'echo one; echo two; echo three' },
      { link: 'beta', tasks: 2 },
      { link: 'gamma', enabled: false },
      { link: 'delta', tasks: 0 },
      { link: 'gone', noService: true },
      { link: 'broken', command: 'echo failing >&2; exit 2' },
      { link: 'sick' },
    ]);
    const sick = [...world.fake.ecs.tasks.values()].find((t) => t.group === 'service:mdl-sick')!;
    sick.containers[0]!.managedAgents = [{ name: 'ExecuteCommandAgent', lastStatus: 'PENDING' }];
    world.fake.server.resetCalls();
    const r = await runCronTick({ clients: world.clients, logGroup: '/moodle-preview/cron' });
    expect([r.succeeded, r.failed, r.skipped]).toEqual([2, 1, 4]);
    const lines = bySite(r.lines);
    expect(lines.alpha).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      tail: ['one', 'two', 'three'],
      bytes: 14,
    });
    expect(lines.alpha!.task).toMatch(/^\w+$/);
    expect(lines.broken).toMatchObject({ status: 'failed', exitCode: 2, tail: ['failing'] });
    expect(lines.gamma).toMatchObject({
      status: 'skipped',
      reason: 'cron is disabled in the registry entry',
    });
    expect(lines.delta!.reason).toMatch(/no running task of service mdl-delta/);
    expect(lines.gone!.reason).toMatch(/no running task of service mdl-gone/);
    expect(lines.sick!.reason).toMatch(/no task ready for exec: \w+ RUNNING, exec agent PENDING/);
    // Each site that ran, ran exactly once.
    expect(world.fake.server.count({ action: 'ExecuteCommand' })).toBe(3);
    expect(world.fake.server.count({ action: 'ListTasks' })).toBe(1);
    expect(world.fake.server.count({ action: 'DescribeTasks' })).toBe(1);
    expect(r.discoveryCalls).toBe(2);
    // Results and output in one stream per site.
    const events = await world.clients.logs.send(
      new GetLogEventsCommand({ logGroupName: '/moodle-preview/cron', logStreamName: 'broken' }),
    );
    expect(events.events!.map((e) => e.message)).toEqual(['failing\n', JSON.stringify(lines.broken)]);
    expect(world.fake.server.count({ action: 'CreateLogGroup' })).toBe(1);
    // The joblog is JSONL, and fail-on reads the counts.
    const text = joblogText(r.lines);
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CronJoblogLine),
    ).toEqual(r.lines);
    expect(tickFailed(r, parseFailOn('any'))).toBe(true);
    expect(tickFailed(r, parseFailOn('50%'))).toBe(false);
    expect(tickFailed(r, parseFailOn('30'))).toBe(true);
    expect(() => parseFailOn('most')).toThrow(/fail-on must be "any" or a percentage/);
    // A second tick writes to the existing streams without creating them again.
    world.fake.server.resetCalls();
    await runCronTick({ clients: world.clients, logGroup: '/moodle-preview/cron' });
    expect(world.fake.server.count({ action: 'CreateLogStream' })).toBe(0);
    expect(world.fake.server.count({ action: 'PutLogEvents' })).toBe(3);
  });

  it('finds the tasks of 30 sites with one ListTasks page and one DescribeTasks batch', async () => {
    world = await createCronWorld();
    await world.addSites(Array.from({ length: 30 }, (_, i) => ({ link: `site${i}` })));
    world.fake.server.resetCalls();
    const r = await runCronTick({ clients: world.clients });
    expect(r.succeeded).toBe(30);
    expect(world.fake.server.count({ action: 'ListTasks' })).toBe(1);
    expect(world.fake.server.count({ action: 'DescribeTasks' })).toBe(1);
  });

  it('keeps at most `concurrency` sites running at once', async () => {
    world = await createCronWorld();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cron-'));
    const file = path.join(dir, 'runs');
    try {
      await world.addSites(
        Array.from({ length: 8 }, (_, i) => ({
          link: `site${i}`,
          command: `echo + >> ${file}; sleep 0.3; echo - >> ${file}`,
        })),
      );
      const r = await runCronTick({ clients: world.clients, concurrency: 3 });
      expect(r.succeeded).toBe(8);
      let running = 0;
      let peak = 0;
      for (const mark of (await readFile(file, 'utf8')).trim().split('\n')) {
        running += mark === '+' ? 1 : -1;
        peak = Math.max(peak, running);
      }
      expect(peak).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ends a hanging run at its timeout and reports it failed, without holding up the others', async () => {
    world = await createCronWorld();
    await world.addSites([
      { link: 'hangs', command: 'echo started; sleep 30', timeoutSeconds: 0.5 },
      { link: 'quick' },
    ]);
    const started = Date.now();
    const r = await runCronTick({ clients: world.clients });
    expect(Date.now() - started).toBeLessThan(5000);
    const lines = bySite(r.lines);
    expect(lines.hangs).toMatchObject({ status: 'failed', exitCode: null, tail: ['started'] });
    expect(lines.hangs!.reason).toMatch(/did not finish within/);
    expect(lines.quick!.status).toBe('succeeded');
    expect(world.fake.ssm.terminatedSessions.length).toBe(1);
  });
});

describe('the fan-out at scale and at its edges', () => {
  it('pages ListTasks and batches DescribeTasks by 100 when a cluster runs more tasks than that', async () => {
    world = await createCronWorld();
    await world.addSites(Array.from({ length: 205 }, (_, i) => ({ link: `s${String(i).padStart(3, '0')}` })));
    world.fake.server.resetCalls();
    const plan = await planCronTick({ clients: world.clients });
    expect(plan.lines).toHaveLength(205);
    expect(plan.lines.filter((l) => l.task).length).toBe(205);
    expect(world.fake.server.count({ action: 'ListTasks' })).toBe(3);
    expect(world.fake.server.count({ action: 'DescribeTasks' })).toBe(3);
    expect(plan.discoveryCalls).toBe(6);
  });

  it.each([
    [{ index: 0, count: 3 }],
    [{ index: 4, count: 3 }],
    [{ index: 1.5, count: 3 }],
    [{ index: 1, count: 2.5 }],
  ])('refuses shard %j given as an object, before any call', async (shard) => {
    world = await createCronWorld();
    world.fake.server.resetCalls();
    const err = await rejection(planCronTick({ clients: world.clients, shard }));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(`shard must be i/n with 1 ≤ i ≤ n, got ${shard.index}/${shard.count}`);
    expect(await rejection(runCronTick({ clients: world.clients, shard }))).toBeInstanceOf(
      ConfigurationError,
    );
    expect(world.fake.server.calls).toEqual([]);
  });

  it('writes only the tail of a huge output, and takes a log group another writer made meanwhile', async () => {
    world = await createCronWorld();
    const group = '/moodle-preview/cron-edge';
    const log = new CronRunLog(world.clients.logs, group);
    // Made by someone else before this writer's first write: its CreateLogGroup answers it exists.
    const line = {
      site: 'big',
      cluster: 'moodle_cluster',
      service: 'mdl-big',
      status: 'succeeded' as const,
      start: '2026-12-04T10:00:00.000Z',
      durationMs: 10,
      exitCode: 0,
      bytes: 300_000,
      tail: [],
    };
    const huge = `${'a'.repeat(150_000)}${'z'.repeat(150_000)}`;
    await world.clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    world.fake.server.resetCalls();
    await log.write(line, huge);
    expect(world.fake.server.calls.filter((c) => c.error).map((c) => `${c.action} ${c.error}`)).toEqual([
      'PutLogEvents ResourceNotFoundException',
      'CreateLogGroup ResourceAlreadyExistsException',
    ]);
    const events = await world.clients.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'big', startFromHead: true }),
    );
    const [output, record] = events.events!.map((e) => e.message!);
    expect(output).toBe(`…${'a'.repeat(50_000)}${'z'.repeat(150_000)}`);
    expect(JSON.parse(record!)).toMatchObject({ site: 'big', exitCode: 0 });
  });
});
