// Rollback: the service goes back to an earlier revision through `mdl-preview rollback`, waits like a
// deploy, and touches nothing else (no SQL task, no secret, no registry write).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import {
  checkPlatformText,
  createAwsClients,
  destroyAwsClients,
  memoryLogger,
  rollbackSite,
} from '@moodle-preview/core';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, EXAMPLE_SETTINGS, type World } from './world.js';

const mariadb = useMariaDb();
let world: World;
let platformFile: string;

beforeAll(async () => {
  world = await createWorld(mariadb());
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'rollback-')), 'platform.yml');
  writeFileSync(platformFile, world.platformText);
  await world.deploy();
  await world.deploy(
    EXAMPLE_SETTINGS.replace(
      'site_folder: moodle',
      'site_folder: moodle\npreview_docker_img: registry.example/moodle:{{php_version}}-next',
    ),
  );
});
afterAll(async () => world.close());

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['rollback', ...args, '--platform', platformFile, '--poll-seconds', '0.005'], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env },
  });
  return { code, stdout, stderr };
}

const runningRevision = () =>
  world.fake.ecs.service('moodle_cluster', 'mdl-4-demo')!.taskDefinition.split('/').pop();

describe('mdl-preview rollback', () => {
  it('points the service at the previous revision, waits, and changes nothing else', async () => {
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:2');
    world.fake.server.resetCalls();
    const r = await cli('4-demo');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'mdl-4-demo now runs mdl_ecs_task_def-4-demo:1 (was mdl_ecs_task_def-4-demo:2)',
    );
    expect(r.stdout).toMatch(/deployment completed/);
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:1');
    // The deployment waited for is the one the update started (PRIMARY), not the one it replaced.
    const deployments = world.fake.ecs.service('moodle_cluster', 'mdl-4-demo')!.deployments;
    const started = deployments.find((d) => d.status === 'PRIMARY')!.id;
    expect(r.stdout).toContain(`Waiting for deployment ${started}`);
    const mutating = world.fake.server.calls.filter((c) => c.mutating).map((c) => `${c.service}:${c.action}`);
    expect(mutating).toEqual(['ecs:UpdateService']);
  });

  it('says there is nothing before the first revision', async () => {
    world.fake.server.resetCalls();
    const r = await cli('4-demo');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'mdl_ecs_task_def-4-demo has no ACTIVE revision before mdl_ecs_task_def-4-demo:1',
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('goes to a given revision, and is a no-op when already there', async () => {
    expect((await cli('4-demo', '--to', '2')).code).toBe(0);
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:2');
    world.fake.server.resetCalls();
    const again = await cli('4-demo', '--to', 'mdl_ecs_task_def-4-demo:2');
    expect(again.stdout).toContain('already runs mdl_ecs_task_def-4-demo:2: nothing to do');
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('refuses unknown revisions, other families, unknown sites and bad links without changing anything', async () => {
    world.fake.server.resetCalls();
    expect((await cli('4-demo', '--to', '9')).stderr).toContain('mdl_ecs_task_def-4-demo:9 does not exist');
    expect((await cli('4-demo', '--to', 'other_family:1')).stderr).toContain(
      'is not a revision of mdl_ecs_task_def-4-demo',
    );
    expect((await cli('nosuchsite')).stderr).toContain('site nosuchsite has no service mdl-nosuchsite');
    const bad = await cli('Bad_Link');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"Bad_Link" is not a preview_link');
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });
});

/** A revision in `family` registered straight in the fake (no deploy), as another tool or site would. */
async function register(ecs: ECSClient, family: string, image: string, container = 'moodle'): Promise<void> {
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        { name: container, image, essential: true, portMappings: [{ containerPort: 80 }] },
      ],
    }),
  );
}

const withImage = (tag: string) =>
  EXAMPLE_SETTINGS.replace(
    'site_folder: moodle',
    `site_folder: moodle\npreview_docker_img: registry.example/moodle:{{php_version}}-${tag}`,
  );

describe('which revision a rollback picks, and what it leaves alone', () => {
  let ecs: ECSClient;
  beforeAll(async () => {
    ecs = new ECSClient({ region: 'eu-west-2' });
    // The site at :4 with :3 retired (deregistered), and a family that begins with the site's own
    // (site 4-demox's) holding revisions 1 to 3.
    await world.deploy(withImage('three'));
    await world.deploy(withImage('four'));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'mdl_ecs_task_def-4-demo:3' }));
    for (const image of ['x:1', 'x:2', 'x:3']) await register(ecs, 'mdl_ecs_task_def-4-demox', image);
  });
  afterAll(() => ecs.destroy());

  it("goes to the newest ACTIVE revision below the running one, of the site's own family only", async () => {
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:4');
    const r = await cli('4-demo');
    expect(r.stderr).toBe('');
    // Not :3 (INACTIVE), not 4-demox:3 (another family with a higher revision), not :1 (older).
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:2');
  });

  it("refuses an INACTIVE revision and a family that only begins like the site's, changing nothing", async () => {
    world.fake.server.resetCalls();
    const inactive = await cli('4-demo', '--to', '3');
    expect(inactive.code).toBe(1);
    expect(inactive.stderr).toContain('mdl_ecs_task_def-4-demo:3 is INACTIVE; only ACTIVE revisions can run');
    const sibling = await cli('4-demo', '--to', 'mdl_ecs_task_def-4-demox:1');
    expect(sibling.code).toBe(1);
    expect(sibling.stderr).toContain(
      '--to mdl_ecs_task_def-4-demox:1 is not a revision of mdl_ecs_task_def-4-demo',
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:2');
  });

  it('takes a revision by its ARN, and with --no-wait returns after the update without polling', async () => {
    const arn = world.fake.ecs.service('moodle_cluster', 'mdl-4-demo')!.taskDefinition.replace(/:2$/, ':1');
    expect(arn).toMatch(/^arn:aws:ecs:.*:task-definition\/mdl_ecs_task_def-4-demo:1$/);
    world.fake.server.resetCalls();
    const r = await cli('4-demo', '--to', arn, '--no-wait');
    expect(r.code).toBe(0);
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:1');
    const actions = world.fake.server.calls.map((c) => c.action);
    expect(actions).toContain('UpdateService');
    expect(actions.slice(actions.indexOf('UpdateService') + 1)).toEqual([]);
    // The same rollback waiting polls the service after its update.
    world.fake.server.resetCalls();
    expect((await cli('4-demo', '--to', '4')).code).toBe(0);
    const waited = world.fake.server.calls.map((c) => c.action);
    expect(waited).toContain('UpdateService');
    expect(waited.slice(waited.indexOf('UpdateService') + 1)).toContain('DescribeServices');
  });

  it('reads revisions past 9 as numbers: from :12 back to :11, not to a one-digit revision', async () => {
    // Revisions 5 to 12 of the site's family (sites pass 9 within weeks).
    for (let r = 5; r <= 12; r++)
      await register(ecs, 'mdl_ecs_task_def-4-demo', `registry.example/moodle:r${r}`, '4-demo');
    const to12 = await cli('4-demo', '--to', '12', '--no-wait');
    expect(to12.stderr).toBe('');
    expect(to12.code).toBe(0);
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:12');
    const r = await cli('4-demo', '--no-wait');
    expect(r.stderr).toBe('');
    expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:11');
    expect((await cli('4-demo', '--to', '4', '--no-wait')).code).toBe(0);
  });

  it("returns the deployment it started, as deploy-instance's rollback outputs it", async () => {
    const platform = checkPlatformText('platform.yml', world.platformText).value!;
    const clients = createAwsClients({ region: platform.region });
    const toTwelve = () =>
      rollbackSite({
        clients,
        platform,
        previewLink: '4-demo',
        to: '12',
        log: memoryLogger(),
        wait: false,
        waitMinutes: 1,
      });
    try {
      const r = await toTwelve();
      const started = world.fake.ecs
        .service('moodle_cluster', 'mdl-4-demo')!
        .deployments.find((d) => d.status === 'PRIMARY')!.id;
      expect(r).toMatchObject({ changed: true, deploymentId: started, service: 'mdl-4-demo' });
      expect(r.to).toMatch(/:task-definition\/mdl_ecs_task_def-4-demo:12$/);
      // Already there: nothing started, no deployment named.
      const again = await toTwelve();
      expect(again.changed).toBe(false);
      expect(again).not.toHaveProperty('deploymentId');
      expect((await cli('4-demo', '--to', '4', '--no-wait')).code).toBe(0);
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('refuses a service the suite tagged for another site, naming its owner, changing nothing', async () => {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'moodle_cluster', services: ['mdl-4-demo'] }),
    );
    const resourceArn = services![0]!.serviceArn!;
    const retag = (site: string) =>
      ecs.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'moodle-preview:site', value: site }] }));
    await retag('4-other');
    try {
      world.fake.server.resetCalls();
      const r = await cli('4-demo', '--to', '2');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'service mdl-4-demo already exists and is managed by moodle-preview-actions for site 4-other',
      );
      expect(world.fake.server.count({ mutating: true })).toBe(0);
      expect(runningRevision()).toBe('mdl_ecs_task_def-4-demo:4');
    } finally {
      await retag('4-demo');
    }
  });
});
