// `mdl-preview exec` and `tasks` against the AWS fake and the test agent: the site's running task is
// found, output streams to stdout, and the CLI exits with the remote exit code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '@moodle-preview/cli';
import { createExecWorld, type ExecWorld } from './ecs-world.js';

let world: ExecWorld;
let platformFile: string;
beforeAll(async () => {
  world = await createExecWorld({
    link: 'demo',
    agent: { chaos: { seed: 9, drop: 0.2, duplicate: 0.2, reorder: 0.2 } },
  });
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'exec-')), 'platform.yml');
  writeFileSync(platformFile, readFileSync('workflows-examples/platform.yml', 'utf8'));
});
afterAll(async () => world.close());

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile },
  });
  return { code, stdout, stderr };
}

describe('mdl-preview exec', () => {
  it('streams the output and exits with the remote exit code', async () => {
    const r = await cli('exec', 'demo', '--', 'echo from-the-container; exit 4');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('from-the-container\n');
    expect(r.code).toBe(4);
  });

  it('passes argv after -- untouched and exits 0', async () => {
    const task = world.tasks[1]!.split('/').pop()!;
    const r = await cli('exec', 'demo', '--task', task, '--', 'printf', '%s|', 'a b', '--x');
    expect(r).toMatchObject({ code: 0, stdout: 'a b|--x|' });
    expect([...world.fake.ecs.execSessions.values()].pop()!.taskArn).toBe(world.tasks[1]);
  });

  it('says what is wrong when the site has no running task, and needs a command', async () => {
    const r = await cli('exec', 'other', '--', 'true');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/service mdl-other in cluster moodle_cluster has no running task/);
    expect((await cli('exec', 'demo')).code).toBe(2);
  });

  it('lists the tasks with their exec agent state', async () => {
    const r = await cli('tasks', 'demo');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TASK\s+STATUS\s+EXEC AGENT\s+STARTED$/);
    expect(lines.slice(1)).toHaveLength(2);
    for (const l of lines.slice(1)) expect(l).toMatch(/RUNNING\s+RUNNING/);
  });
});
