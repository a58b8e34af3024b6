// `mdl-preview cost` on the AWS fake: Cost Explorer's GetCostAndUsage grouped by the site tag, each
// site's spend beside the estimate deploy recorded (brought to the same days), destroyed sites and
// names the registry no longer has kept apart, untagged spend on its own line; and the fake's
// Cost Explorer answering as AWS does (groups keyed `<tag>$<value>`, nothing grouped before the tag
// is activated, its refusals).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { main } from '@moodle-preview/cli';
import { useMariaDb } from '../servers/mariadb.js';
import { expectAllowedAs } from '../iam/replay.js';
import { destroy } from '../destroy/world.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';

const mariadb = useMariaDb();
let world: World;
let platformFile: string;
const TAG = 'moodle-preview:site';

beforeAll(async () => {
  world = await createWorld(mariadb());
  await world.deploy(minimalSettings('alpha'));
  await world.deploy(minimalSettings('showcase', 'awake: always\ncpu: 1024\nmemory: 2048\n'));
  await world.deploy(minimalSettings('gone'));
  await destroy(world, 'gone');
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'cost-')), 'platform.yml');
  writeFileSync(platformFile, world.platformText);
  // November 2026: each site's Fargate, ALB and log costs by day, some resources untagged.
  for (let d = 1; d <= 30; d++) {
    const day = `2026-11-${String(d).padStart(2, '0')}`;
    world.fake.ce.addCost({ day, service: 'Amazon ECS', tags: { [TAG]: 'alpha' }, amount: 0.25 });
    world.fake.ce.addCost({ day, service: 'Amazon ECS', tags: { [TAG]: 'showcase' }, amount: 1.5 });
    world.fake.ce.addCost({ day, service: 'AmazonCloudWatch', tags: { [TAG]: 'showcase' }, amount: 0.1 });
    world.fake.ce.addCost({ day, service: 'Amazon ECS', tags: { [TAG]: 'gone' }, amount: 0.2 });
    world.fake.ce.addCost({ day, service: 'Amazon ECS', tags: { [TAG]: 'old-branch' }, amount: 0.05 });
    world.fake.ce.addCost({ day, service: 'Elastic Load Balancing', tags: {}, amount: 0.6 });
  }
});
afterAll(async () => world.close());

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['cost', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile },
    now: () => new Date('2026-12-01T10:00:00Z'),
  });
  return { code, stdout, stderr };
}

describe('mdl-preview cost', () => {
  it('puts all spend on the untagged line while the site tag is not activated', async () => {
    const r = await cli('--days', '30', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rows: { site: string; actual: number }[]; untagged: number };
    expect(report.untagged).toBe(81);
    expect(report.rows.every((x) => x.actual === 0)).toBe(true);
  });

  it("shows each site's spend beside its estimate for the same days, by the activated tag", async () => {
    world.fake.ce.activeTags.add(TAG);
    world.fake.server.resetCalls();
    const r = await cli('--days', '30', '--json');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      start: '2026-11-01',
      end: '2026-12-01',
      days: 30,
      untagged: 18,
      currency: 'USD',
    });
    // alpha: 8.02 a month on the platform's schedule, 30 of 30.44 days of it; showcase is awake always
    // (1 vCPU, 2 GB: 41.48 a month).
    expect(report.rows).toEqual([
      {
        site: 'showcase',
        actual: 48,
        estimate: 40.88,
        monthlyEstimate: 41.48,
        currency: 'USD',
        state: 'live',
      },
      { site: 'alpha', actual: 7.5, estimate: 7.9, monthlyEstimate: 8.02, currency: 'USD', state: 'live' },
      { site: 'gone', actual: 6, estimate: 7.9, monthlyEstimate: 8.02, currency: 'USD', state: 'destroyed' },
      {
        site: 'old-branch',
        actual: 1.5,
        estimate: null,
        monthlyEstimate: null,
        currency: 'USD',
        state: 'unknown',
      },
    ]);
    // One GetCostAndUsage, against the one endpoint Cost Explorer has.
    const calls = world.fake.server.calls.filter((c) => c.service === 'ce');
    expect(calls.map((c) => c.action)).toEqual(['GetCostAndUsage']);
    await expectAllowedAs(world.fake.server.calls, 'fleet-report', { platformText: world.platformText });
  });

  it('prints the same as a table', async () => {
    const r = await cli('--days', '30');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'Cost from 2026-11-01 to 2026-12-01 (30 days), Cost Explorer grouped by moodle-preview:site:',
    );
    expect(lines[1]).toMatch(/^SITE\s+STATE\s+ACTUAL\s+ESTIMATE \(FARGATE\)\s+ESTIMATE A MONTH$/);
    expect(lines[2]).toMatch(/^showcase\s+live\s+48\.00 USD\s+40\.88 USD\s+41\.48 USD$/);
    expect(lines.at(-1)).toBe(
      'untagged (no moodle-preview:site, or before the tag was activated): 18.00 USD',
    );
  });

  it('refuses a period it cannot ask for, before any call', async () => {
    world.fake.server.resetCalls();
    for (const days of ['0', '366', 'a month']) {
      const r = await cli('--days', days);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--days must be a whole number of days from 1 to 365/);
    }
    expect(world.fake.server.calls).toEqual([]);
  });
});

describe("the fake's Cost Explorer", () => {
  it('answers by month and by day, and refuses what AWS refuses', async () => {
    const ce = new CostExplorerClient({ region: 'us-east-1' });
    try {
      const daily = await ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: '2026-11-29', End: '2026-12-02' },
          Granularity: 'DAILY',
          Metrics: ['UnblendedCost'],
          GroupBy: [{ Type: 'TAG', Key: TAG }],
        }),
      );
      expect(daily.ResultsByTime!.map((p) => [p.TimePeriod!.Start, p.Groups!.length])).toEqual([
        ['2026-11-29', 5],
        ['2026-11-30', 5],
        ['2026-12-01', 0],
      ]);
      expect(daily.ResultsByTime![0]!.Groups![0]).toEqual({
        Keys: [`${TAG}$alpha`],
        Metrics: { UnblendedCost: { Amount: '0.25', Unit: 'USD' } },
      });
      const total = await ce.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: '2026-10-15', End: '2026-12-15' },
          Granularity: 'MONTHLY',
          Metrics: ['UnblendedCost'],
        }),
      );
      expect(
        total.ResultsByTime!.map((p) => [
          p.TimePeriod!.Start,
          p.TimePeriod!.End,
          p.Total!.UnblendedCost!.Amount,
        ]),
      ).toEqual([
        ['2026-10-15', '2026-11-01', '0'],
        ['2026-11-01', '2026-12-01', '81'],
        ['2026-12-01', '2026-12-15', '0'],
      ]);
      for (const bad of [
        {
          TimePeriod: { Start: '2026-12-01', End: '2026-11-01' },
          Granularity: 'DAILY',
          Metrics: ['UnblendedCost'],
        },
        {
          TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
          Granularity: 'HOURLY',
          Metrics: ['UnblendedCost'],
        },
        {
          TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
          Granularity: 'DAILY',
          Metrics: ['Pennies'],
        },
      ] as const)
        await expect(ce.send(new GetCostAndUsageCommand(bad as never))).rejects.toMatchObject({
          name: 'ValidationException',
        });
    } finally {
      ce.destroy();
    }
  });
});
