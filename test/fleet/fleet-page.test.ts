// `mdl-preview sites --markdown`, the fleet page fleet-report.yml writes, on the AWS fake: every site
// with its health (asleep is not a failure), schedule, expiry, cron's last run, image, the estimate
// deploy recorded and, with --cost-days, what Cost Explorer says it cost.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import { createAwsClients, CronRunLog, destroyAwsClients } from '@moodle-preview/core';
import { expectAllowedAs } from '../iam/replay.js';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';

const mariadb = useMariaDb();
let world: World;
let platformFile: string;

beforeAll(async () => {
  world = await createWorld(mariadb());
  await world.deploy(minimalSettings('alpha'));
  await world.deploy(minimalSettings('showcase', 'awake: always\npinned: true\n'));
  // alpha sleeps (its schedule's sleep fired); showcase ran cron once.
  world.fake.autoscaling.fire('service/moodle_cluster/mdl-alpha', 'mdl-alpha-sleep');
  world.fake.ecs.settle();
  const clients = createAwsClients({ region: world.fake.server.region });
  try {
    await new CronRunLog(clients.logs, '/moodle-preview/cron', { retentionInDays: 30, tags: {} }).write(
      {
        site: 'showcase',
        cluster: 'moodle_cluster',
        service: 'mdl-showcase',
        status: 'succeeded',
        start: '2026-12-05T11:58:00.000Z',
        durationMs: 900,
        exitCode: 0,
        bytes: 3,
        tail: ['ok'],
      },
      'ok',
    );
  } finally {
    destroyAwsClients(clients);
  }
  world.fake.ce.activeTags.add('moodle-preview:site');
  world.fake.ce.addCost({
    day: '2026-11-20',
    service: 'Amazon ECS',
    tags: { 'moodle-preview:site': 'showcase' },
    amount: 12.5,
  });
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'fleet-')), 'platform.yml');
  writeFileSync(platformFile, world.platformText);
});
afterAll(async () => world.close());

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['sites', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile },
    now: () => new Date('2026-12-05T12:00:00Z'),
  });
  return { code, stdout, stderr };
}

describe('the fleet page', () => {
  it('shows every site in one markdown table, a sleeping one as asleep', async () => {
    world.fake.server.resetCalls();
    const r = await cli('--markdown', '--cost-days', '30');
    expect(r.stderr).toBe('');
    // fleet-report.yml runs it with the fleet-report role: every call is one that policy allows.
    await expectAllowedAs(world.fake.server.calls, 'fleet-report', { platformText: world.platformText });
    expect(r.code).toBe(0);
    const expires = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    expect(r.stdout.split('\n')).toEqual([
      '### Preview fleet — 2 site(s), 2026-12-05 12:00 UTC',
      '',
      '| site | health | awake | expires | cron (last run) | image | estimate a month | actual (30 days) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      `| [alpha](https://alpha.preview-moodle.example.ac.uk) | asleep | asleep until Mon 07:00 Europe/London | ${expires} | no run yet | vle-repo:moodle-ecs-docker-8.0 | 8.02 USD | 0.00 USD |`,
      '| [showcase](https://showcase.preview-moodle.example.ac.uk) | ok 1/1 | always | pinned | succeeded 2026-12-05 11:58 | vle-repo:moodle-ecs-docker-8.0 | 20.74 USD | 12.50 USD |',
      '',
    ]);
  });

  it('leaves the cost out without --cost-days, and refuses --cost-days without --markdown', async () => {
    const r = await cli('--markdown');
    expect(r.stdout.split('\n')[2]).toBe(
      '| site | health | awake | expires | cron (last run) | image | estimate a month |',
    );
    world.fake.server.resetCalls();
    const bad = await cli('--cost-days', '30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--cost-days takes a whole number of days from 1 to 365, with --markdown/);
    expect(world.fake.server.calls).toEqual([]);
  });
});
