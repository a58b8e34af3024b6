// One cron tick end to end on the AWS fake and the exec test agent: the right sites run once, sick
// and disabled ones are skipped with a reason, failures and timeouts are per site, reads stay batched.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { joblogText, parseFailOn, runCronTick, tickFailed, type CronJoblogLine } from '@moodle-preview/core';
import { createCronWorld, type CronWorld } from './cron-world.js';

let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const bySite = (lines: CronJoblogLine[]) => Object.fromEntries(lines.map((l) => [l.site, l]));

describe('runCronTick', () => {
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
