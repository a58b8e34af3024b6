// The ExecuteCommand pacer: a token bucket that queues callers in order, cuts its rate on a
// throttle and grows it back — on a fake clock — and, end to end, a fan-out that stays inside the
// fake's ECS rate limit where an unpaced one is throttled.
import { describe, expect, it } from '@jest/globals';
import { createAwsClients, destroyAwsClients, Pacer, runCronTick } from '@moodle-preview/core';
import { createCronWorld } from './cron-world.js';

function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
    advance: (ms: number) => (t += ms),
  };
}

describe('Pacer', () => {
  it('lets a burst through at once, then one token per 1/rate seconds, in order', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ ratePerSecond: 10, burst: 3, ...clock });
    const times: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pacer.take().then(() => {
          times.push(clock.now());
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    // 10/s: the next three come 100 ms apart.
    expect(times.slice(3).map((t) => Math.round(t))).toEqual([100, 200, 300]);
    expect(pacer.stats.taken).toBe(6);
    expect(Math.round(pacer.stats.waitedMs)).toBe(600);
  });

  it('cuts the rate by 30 % on a throttle (once a second at most) and grows it back', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ ratePerSecond: 40, burst: 10, ...clock });
    pacer.throttled();
    pacer.throttled(); // the same second: no second cut
    expect(pacer.stats.ratePerSecond).toBeCloseTo(28);
    expect(pacer.stats.throttled).toBe(2);
    // The tokens in hand are dropped: the next call waits 1/28 s.
    await pacer.take();
    expect(Math.round(clock.now())).toBe(36);
    clock.advance(1500);
    pacer.throttled(); // grown back to 40 since the first, cut again
    expect(pacer.stats.ratePerSecond).toBeCloseTo(28);
    clock.advance(500);
    await pacer.take(); // within a second of the throttle: no growth yet
    expect(pacer.stats.ratePerSecond).toBeCloseTo(28);
    clock.advance(1000);
    await pacer.take(); // then a quarter of 40 per second
    expect(pacer.stats.ratePerSecond).toBeCloseTo(38);
    clock.advance(60_000);
    await pacer.take();
    expect(pacer.stats.ratePerSecond).toBe(40);
    expect(pacer.stats.lowestRatePerSecond).toBeCloseTo(28);
  });

  it('refuses a rate or burst that cannot work', () => {
    expect(() => new Pacer({ ratePerSecond: 0 })).toThrow(/exec rate must be a number above 0/);
    expect(() => new Pacer({ burst: 0.5 })).toThrow(/burst must be a whole number/);
  });
});

describe('paced fan-out against the fake rate limit', () => {
  it('stays inside a small ExecuteCommand bucket where the unpaced run is throttled', async () => {
    const world = await createCronWorld();
    try {
      const sites = Array.from({ length: 16 }, (_, i) => ({ link: `site${String(i).padStart(2, '0')}` }));
      await world.addSites(sites);
      const bucket = {
        name: 'cluster resource modify',
        service: 'ecs',
        actions: ['ExecuteCommand'],
        burst: 2,
        refillPerSecond: 5,
      };
      // Unpaced: 16 at once into a bucket of 2: throttled.
      world.fake.server.setRateLimits([bucket]);
      const unpaced = await runCronTick({ clients: world.clients, concurrency: 16, execRate: false });
      const unpacedRefused = world.fake.server.rateLimitReport()[0]!.refused;
      expect(unpacedRefused).toBeGreaterThan(0);
      expect(unpaced.pacing).toBeUndefined();

      world.fake.server.setRateLimits([bucket]);
      const paced = await runCronTick({
        clients: world.clients,
        concurrency: 16,
        // Below the fake's bucket in both rate and burst (as the defaults keep the burst under ECS's): a
        // request's trip to the server varies by tens of milliseconds (more on a busy machine), and a
        // pacer set to the very limit would see that jitter throttled. 4/s against 5/s keeps a token in hand.
        execRate: { ratePerSecond: 4, burst: 1 },
      });
      // The world's clients give up after 2 attempts: what failed, failed on the rate limit.
      for (const l of unpaced.lines.filter((x) => x.status !== 'succeeded'))
        expect(l.reason).toMatch(/Rate exceeded/);
      // The pacer's bucket is smaller and slower than the fake's, so ECS never throttles it.
      expect(paced.succeeded).toBe(16);
      expect(world.fake.server.rateLimitReport()[0]).toMatchObject({ taken: 16, refused: 0 });
      expect(paced.pacing).toMatchObject({ taken: 16, throttled: 0 });
      // The middleware is removed after the tick: the client sends unpaced again.
      expect(world.clients.ecs.middlewareStack.identify().join()).not.toMatch(/mdlPreviewExecPacer/);
    } finally {
      await world.close();
    }
  });

  it('sees the throttles ECS answers and slows down', async () => {
    const world = await createCronWorld();
    try {
      await world.addSites(Array.from({ length: 12 }, (_, i) => ({ link: `s${i}` })));
      world.fake.server.setRateLimits([
        { name: 'modify', service: 'ecs', actions: ['ExecuteCommand'], burst: 2, refillPerSecond: 10 },
      ]);
      // The pacer believes in a far larger bucket than the fake has: ECS throttles, the pacer slows down.
      // The SDK's default 8 attempts (the world's clients stop at 2) get every run through.
      const clients = createAwsClients({ region: world.fake.server.region });
      const r = await runCronTick({
        clients,
        concurrency: 12,
        execRate: { ratePerSecond: 200, burst: 12 },
      });
      expect(r.succeeded).toBe(12);
      expect(r.pacing!.throttled).toBe(world.fake.server.rateLimitReport()[0]!.refused);
      expect(r.pacing!.throttled).toBeGreaterThan(0);
      expect(r.pacing!.lowestRatePerSecond).toBeLessThanOrEqual(140);
      destroyAwsClients(clients);
    } finally {
      await world.close();
    }
  });
});
