// Loop mode and sharding of the cron fan-out on the AWS fake and the exec test agent: a slow site is
// never started while its previous run goes on, and shards split the sites disjointly and completely.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ConfigurationError,
  parseShard,
  runCronLoop,
  runCronTick,
  shardOf,
  STILL_RUNNING,
  type CronClock,
  type CronJoblogLine,
} from '@moodle-preview/core';
import { createCronWorld, type CronWorld } from './cron-world.js';

let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('runCronLoop', () => {
  it('ticks until the duration is used up and never starts a site whose run is still going', async () => {
    world = await createCronWorld();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cron-loop-'));
    const release = path.join(dir, 'release');
    try {
      await world.addSites([
        { link: 'fast' },
        { link: 'slow', command: `while [ ! -f ${release} ]; do sleep 0.05; done; echo done` },
      ]);
      const finished: CronJoblogLine[] = [];
      const waitFor = async (done: () => boolean) => {
        while (!done()) await new Promise((r) => setTimeout(r, 10));
      };
      const count = (site: string) => finished.filter((l) => l.site === site).length;
      // Virtual time: each sleep moves the clock on at once, after the test has seen what it needs.
      let now = 0;
      const sleeps: number[] = [];
      const clock: CronClock = {
        now: () => now,
        sleep: async (ms) => {
          sleeps.push(ms);
          if (sleeps.length === 1) await waitFor(() => count('fast') === 1);
          else {
            // Before tick 3 the slow run ends, so tick 3 may start it again.
            await writeFile(release, '');
            await waitFor(
              () => count('fast') === 2 && finished.some((l) => l.site === 'slow' && l.exitCode === 0),
            );
          }
          now += ms;
        },
      };
      world.fake.server.resetCalls();
      const r = await runCronLoop({
        clients: world.clients,
        durationSeconds: 300,
        intervalSeconds: 120,
        clock,
        onResult: (l) => finished.push(l),
      });
      expect(r.ticks).toBe(3);
      expect(sleeps).toEqual([120_000, 120_000]);
      expect(r.lines.map((l) => [l.tick, l.site, l.status, l.reason ?? null])).toEqual([
        [1, 'fast', 'succeeded', null],
        [1, 'slow', 'succeeded', null],
        [2, 'fast', 'succeeded', null],
        [2, 'slow', 'skipped', STILL_RUNNING],
        [3, 'fast', 'succeeded', null],
        [3, 'slow', 'succeeded', null],
      ]);
      expect([r.succeeded, r.failed, r.skipped]).toEqual([5, 0, 1]);
      expect(world.fake.server.count({ action: 'ExecuteCommand' })).toBe(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs one tick when duration-seconds is 0, and refuses bad loop settings before any call', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'only' }]);
    const clock: CronClock = { now: () => 0, sleep: () => Promise.reject(new Error('no sleep')) };
    const r = await runCronLoop({ clients: world.clients, clock });
    expect([r.ticks, r.succeeded]).toEqual([1, 1]);
    world.fake.server.resetCalls();
    await expect(runCronLoop({ clients: world.clients, intervalSeconds: 0 })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(runCronLoop({ clients: world.clients, durationSeconds: -1 })).rejects.toThrow(
      /duration-seconds/,
    );
    expect(world.fake.server.calls.length).toBe(0);
  });
});

describe('sharding', () => {
  it('shards 1/3, 2/3 and 3/3 run every site exactly once', async () => {
    world = await createCronWorld();
    const links = Array.from({ length: 12 }, (_, i) => `site${i}`);
    await world.addSites(links.map((link) => ({ link })));
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const r = await runCronTick({ clients: world.clients, shard: parseShard(`${i}/3`) });
      expect(r.failed + r.skipped).toBe(0);
      for (const l of r.lines) expect(shardOf(l.site, 3)).toBe(i);
      seen.push(...r.lines.map((l) => l.site));
    }
    expect(seen.sort()).toEqual([...links].sort());
  });

  it('is disjoint and complete for any n, and a new site moves no other', () => {
    const links = Array.from({ length: 200 }, (_, i) => `preview-${i}`);
    for (const n of [1, 2, 5, 7, 16]) {
      const shards = links.map((l) => shardOf(l, n));
      for (const s of shards) expect(s >= 1 && s <= n).toBe(true);
      const more = [...links, 'newcomer'].map((l) => shardOf(l, n));
      expect(more.slice(0, links.length)).toEqual(shards);
    }
  });

  it('refuses bad shard values before any call', async () => {
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '2', '1/3/4', '-1/3'])
      expect(() => parseShard(bad)).toThrow(ConfigurationError);
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
    world = await createCronWorld();
    world.fake.server.resetCalls();
    await expect(runCronTick({ clients: world.clients, shard: { index: 4, count: 3 } })).rejects.toThrow(
      /shard must be/,
    );
    expect(world.fake.server.calls.length).toBe(0);
  });
});
