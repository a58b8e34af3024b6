// One-off tasks whose log lines arrive after the task shows STOPPED, as CloudWatch delivers them on
// AWS (the awslogs driver sends in batches; ingestion is asynchronous). The fake holds the lines a
// container wrote back for `deliveryDelayMs` of its clock (one simulated second per request): the
// deploy's SQL task and moodledata task succeed on their exit codes and read their logs to the end
// line; a log that never shows its end says so, and a failed task's exit code is not hidden by it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createAwsClients,
  destroyAwsClients,
  LogFollower,
  readToEnd,
  taskLogStream,
} from '@moodle-preview/core';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { useMariaDb } from '../servers/mariadb.js';
import { rejection } from '../harness/failure.js';
import { destroy } from '../destroy/world.js';
import { createWorld, minimalSettings, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const logReads = (w: World) => w.fake.server.count({ service: 'logs', action: 'GetLogEvents' });

describe('one-off task logs delivered late', () => {
  it('a deploy whose task logs arrive seconds after STOPPED succeeds, having read on to each end line', async () => {
    world = await createWorld(mariadb());
    // 20 simulated seconds: ~20 reads, longer than the 50 ms a log without an end line is read for.
    world.fake.logs.deliveryDelayMs = 20_000;
    const result = await world.deploy(minimalSettings('late-logs'), { logGraceMs: 5000 });
    expect(result.inspections.find((i) => i.id === 'moodledata')?.action).toBe('create');
    // Two tasks (SQL, moodledata), each read until its end line arrived: many reads each, not one.
    expect(logReads(world)).toBeGreaterThanOrEqual(10);
    const sqlStream = world.fake.logs.groups.get('/moodle-preview/sites/late-logs')!.streams;
    expect([...sqlStream.keys()].some((k) => k.startsWith('sql/'))).toBe(true);
  });

  it('a purging destroy whose task logs arrive late removes the data and reports it removed', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('late-purge'));
    world.fake.logs.deliveryDelayMs = 20_000;
    const result = await destroy(world, 'late-purge', {
      purge: true,
      confirm: 'late-purge',
      logGraceMs: 5000,
    });
    const outcomes = result.rows.filter((r) => r.data).map((r) => `${r.resource} ${r.outcome}`);
    // What the removal task's log says it did, read after its end line arrived (no cron ran: no cron log).
    expect(outcomes).toEqual([
      'database removed',
      'DB user removed',
      'moodledata removed',
      'cron log already gone',
      'DB secret removed',
      'log group removed',
    ]);
    expect(existsSync(path.join(world.efsRoot, 'late-purge'))).toBe(false);
  });

  it('the same deploy read once at STOPPED would have seen nothing: the delay is real', async () => {
    world = await createWorld(mariadb());
    world.fake.logs.deliveryDelayMs = 6000;
    // A grace of 0 reads once: the SQL task exited 0 but its marker has not arrived, which is said plainly.
    const error = await rejection(world.deploy(minimalSettings('late-once'), { logGraceMs: 0 }));
    expect(error.message).toMatch(
      /the SQL task \S+ exited 0, but its log showed no end within 0 ms of the stop/,
    );
    expect(error.message).toMatch(/0 line\(s\) read from \/moodle-preview\/sites\/late-once sql\/sql\//);
    expect(error.message).toContain('its result is unknown: run it again');
    // The rerun with the normal grace converges.
    const again = await world.deploy(minimalSettings('late-once'));
    expect(again.inspections.find((i) => i.id === 'moodledata')?.action).toBe('create');
  });

  it('a failed task is a failure by its exit code, whatever its log has delivered', async () => {
    world = await createWorld(mariadb());
    world.fake.logs.deliveryDelayMs = 3_600_000;
    const runHere = world.fake.ecs.onRunTask!;
    world.fake.ecs.onRunTask = async (task, td, overrides) => {
      const name = overrides.containerOverrides?.[0]?.name;
      return name === 'sql'
        ? { exitCode: 1, logLines: ['ERROR 2003: cannot connect'] }
        : runHere(task, td, overrides);
    };
    // The failed task's log is read until quiet (50 ms here, within a 200 ms grace); its error line is
    // still on its way. (The moodledata task beside it exits 0 and waits out the grace for its end line.)
    const error = await rejection(world.deploy(minimalSettings('late-fail')));
    expect(error.message).toMatch(/the SQL task \S+ failed \(exit 1\): Essential container in task exited/);
  });
});

describe('readToEnd', () => {
  it('waits for the end line, and without one stops once the stream is quiet', async () => {
    world = await createWorld(undefined);
    const fake = world.fake;
    const clients = createAwsClients({ region: fake.server.region });
    try {
      await clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/t' }));
      const stream = taskLogStream('p', 'c', 'arn:aws:ecs:eu-west-2:1:task/x/abc');
      expect(stream).toBe('p/c/abc');
      fake.logs.deliveryDelayMs = 4000;
      fake.logs.append('/t', stream, ['working', 'done-marker']);
      fake.logs.deliveryDelayMs = 0;

      const withEnd = new LogFollower(clients.logs, '/t', stream);
      const ended = await readToEnd(withEnd, {
        endLine: (l) => l === 'done-marker',
        pollMs: 1,
        graceMs: 5000,
      });
      expect(ended.complete).toBe(true);
      expect(withEnd.lines).toEqual(['working', 'done-marker']);

      // No end line: complete once no new line came for quietMs; a line still on its way is missed.
      fake.logs.deliveryDelayMs = 3_600_000;
      fake.logs.append('/t', stream, ['much later']);
      const quiet = new LogFollower(clients.logs, '/t', stream);
      const q = await readToEnd(quiet, { pollMs: 1, quietMs: 30, graceMs: 5000 });
      expect(q).toMatchObject({ complete: true });
      expect(quiet.lines).toEqual(['working', 'done-marker']);

      // An end line that never comes: incomplete after the grace, with what was read.
      const never = new LogFollower(clients.logs, '/t', stream);
      const n = await readToEnd(never, { endLine: (l) => l === 'much later', pollMs: 1, graceMs: 40 });
      expect(n.complete).toBe(false);
      expect(n.waitedMs).toBeGreaterThanOrEqual(40);
      expect(never.lines).toEqual(['working', 'done-marker']);
    } finally {
      destroyAwsClients(clients);
    }
  });
});
