// Rollback: the service goes back to an earlier revision through `mdl-preview rollback`, waits like a
// deploy, and touches nothing else (no SQL task, no secret, no registry write).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
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
