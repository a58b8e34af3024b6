// `mdl-preview sites` and `logs` against the AWS fake: one table of every registered site from batched
// DescribeServices, and a site's log lines from --since, paged, and followed for two polls.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { createAwsClients } from '@moodle-preview/core';
import { main } from '@moodle-preview/cli';
import { logs, type LogsFollow } from '../../packages/cli/src/commands/logs.js';
import { createExecWorld, type ExecWorld } from './ecs-world.js';
import { registerSites, siteEntry } from './site-entries.js';
import { OFFICE_HOURS } from '../fleet/schedules.js';

let world: ExecWorld;
let platformFile: string;
const links = Array.from({ length: 25 }, (_, i) => `site-${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  world = await createExecWorld({ link: 'demo' });
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sites-')), 'platform.yml');
  writeFileSync(platformFile, readFileSync('workflows-examples/platform.yml', 'utf8'));
  const ecs = new ECSClient({ region: world.fake.server.region });
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'mdl_ecs_task_def-shared',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      containerDefinitions: [{ name: 'moodle', image: 'moodle:4.5.1', essential: true }],
    }),
  );
  // site-25 is registered but has no service: the table says MISSING instead of failing.
  for (const link of links.slice(0, 24))
    await ecs.send(
      new CreateServiceCommand({
        cluster: world.cluster,
        serviceName: `mdl-${link}`,
        taskDefinition: 'mdl_ecs_task_def-shared',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      }),
    );
  ecs.destroy();
  world.fake.ecs.settle();
  await registerSites(
    world.clients,
    links.map((l, i) =>
      siteEntry(l, {
        // The first two sites record their schedules; the rest predate schedules.
        ...(i === 0 ? { awake: { kind: 'always' as const }, pinned: true } : {}),
        ...(i === 1 ? { awake: OFFICE_HOURS, expiresOn: '2027-03-01' } : {}),
        ...(i % 2
          ? {
              cron: {
                enabled: true,
                cluster: world.cluster,
                service: `mdl-${l}`,
                container: l,
                command: '/data/runcron.sh',
                timeoutSeconds: 600,
              },
            }
          : {}),
      }),
    ),
  );
});
afterAll(async () => world.close());
const env = () => ({ ...process.env, MDL_PREVIEW_PLATFORM: platformFile });
async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: env(),
    // A Saturday noon in London.
    now: () => new Date('2026-12-05T12:00:00Z'),
  });
  return { code, stdout, stderr };
}

describe('mdl-preview sites', () => {
  it('lists every registered site in one table from 3 DescribeServices calls for 25 sites', async () => {
    world.fake.server.resetCalls();
    const r = await cli('sites');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(world.fake.server.count({ action: 'DescribeServices' })).toBe(3);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^SITE\s+STATE\s+TASKS\s+TASK DEFINITION\s+IMAGE\s+URL\s+CRON\s+AWAKE\s+EXPIRES$/,
    );
    expect(lines).toHaveLength(26);
    expect(lines[1]).toMatch(
      /^site-01\s+ACTIVE\s+1\/1\s+mdl_ecs_task_def-shared:1\s+moodle:4\.5\.1\s+https:\/\/site-01\.preview\.example\.org\s+no\s+always\s+pinned$/,
    );
    expect(lines[2]).toMatch(/\syes\s+asleep until Mon 07:00 Europe\/London\s+2027-03-01$/);
    expect(lines[3]).toMatch(/\sno\s+-\s+-$/);
    expect(lines[25]).toMatch(/^site-25\s+MISSING\s+-\s+-\s+-\s+https:\S+\s+no\s+-\s+-$/);
  });

  it('gives the same rows as JSON', async () => {
    const r = await cli('sites', '--json');
    const rows = JSON.parse(r.stdout) as { previewLink: string; running: number; cron: boolean }[];
    expect(rows).toHaveLength(25);
    expect(rows[1]).toMatchObject({
      previewLink: 'site-02',
      running: 1,
      desired: 1,
      state: 'ACTIVE',
      cron: true,
      awake: 'asleep until Mon 07:00 Europe/London',
      expires: '2027-03-01',
    });
  });
});

describe('mdl-preview logs', () => {
  const group = '/ecs/moodle-preview/site-01';
  const stream = 'moodle/site-01/0123456789abcdef';
  const now = Date.now();
  beforeAll(() => {
    world.fake.logs.seedGroup(group);
    world.fake.logs.append(group, stream, ['too old'], now - 3_600_000);
    // More than one FilterLogEvents page (10 000 events) so the command must follow nextToken.
    world.fake.logs.append(
      group,
      stream,
      Array.from({ length: 10_005 }, (_, i) => `line ${i}`),
      now - 60_000,
    );
  });

  it('prints the lines since --since across pages', async () => {
    world.fake.server.resetCalls();
    const r = await cli('logs', 'site-01', '--since', '10m');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(10_005);
    expect(lines[0]).toBe(`${new Date(now - 60_000).toISOString()} 0123456789abcdef line 0`);
    expect(lines.at(-1)).toMatch(/ line 10004$/);
    expect(world.fake.server.count({ action: 'FilterLogEvents' })).toBe(2);
  });

  it('follows for two polls, printing only new lines once', async () => {
    let stdout = '';
    let sleeps = 0;
    const follow = (): LogsFollow => ({
      pollMs: 1,
      stopped: () => sleeps >= 2,
      sleep: async () => {
        sleeps++;
        world.fake.logs.append(group, stream, [`new ${sleeps}`], now + sleeps * 1000);
      },
    });
    const code = await logs(
      ['site-01', '--since', '30s', '--follow'],
      { stdout: (t) => (stdout += t), stderr: () => undefined, env: env() },
      createAwsClients,
      follow,
    );
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ').slice(2).join(' ')),
    ).toEqual(['new 1']);
    expect(sleeps).toBe(2);
  });

  it('says when the site is not registered', async () => {
    const r = await cli('logs', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/site nope is not in the registry/);
  });
});
