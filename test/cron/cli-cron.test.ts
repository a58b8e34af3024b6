// `mdl-preview cron run` and `cron list` in-process against the AWS fake and the exec test agent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import { createCronWorld, type CronWorld } from './cron-world.js';

let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function platform(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cli-cron-')), 'platform.yml');
  writeFileSync(file, readFileSync('test/fixtures/platform.yml', 'utf8'));
  return file;
}

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: '', ...env },
  });
  return { code, stdout, stderr };
}

describe('mdl-preview cron', () => {
  it('run: one tick as a table, exit 3 when fail-on is exceeded; --sites narrows it', async () => {
    world = await createCronWorld();
    await world.addSites([
      { link: 'ok', command: 'echo all good' },
      { link: 'broken', command: 'echo bad; exit 2' },
      { link: 'off', enabled: false },
    ]);
    const file = platform();
    const all = await cli(['cron', 'run', '--platform', file, '--concurrency', '2']);
    expect(all.code).toBe(3);
    expect(all.stdout).toMatch(/^SITE\s+RESULT\s+EXIT/);
    expect(all.stdout).toMatch(/broken\s+failed\s+2\s+\w+\s+[\d.]+\s+bad/);
    expect(all.stdout).toMatch(/ok\s+succeeded\s+0\s+\w+\s+[\d.]+\s+all good/);
    expect(all.stdout).toMatch(/off\s+skipped\s+-\s+-\s+0\.0\s+cron is disabled/);
    expect(all.stdout).toContain('1 succeeded, 1 failed, 1 skipped');
    expect(all.stderr).toMatch(/cron failed on 1 site\(s\) \(fail-on: any\)/);
    expect((await cli(['cron', 'run', '--platform', file, '--fail-on', '60%'])).code).toBe(0);
    world.fake.server.resetCalls();
    const one = await cli(['cron', 'run', '--platform', file, '--sites', 'ok', '--json']);
    expect(one.code).toBe(0);
    expect(
      one.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { site: string }).site),
    ).toEqual(['ok']);
    expect(world.fake.server.count({ action: 'ExecuteCommand' })).toBe(1);
    expect((await cli(['cron', 'run', '--platform', file, '--fail-on', 'most'])).code).toBe(1);
    expect((await cli(['cron', 'nope'])).code).toBe(2);
  });

  it('list: every cron entry with its service state and last run', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'ok' }, { link: 'gone', noService: true }]);
    const file = platform();
    expect((await cli(['cron', 'run', '--platform', file, '--sites', 'ok'])).code).toBe(0);
    const r = await cli(['cron', 'list', '--platform', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SITE\s+ENABLED\s+SERVICE\s+STATE/);
    expect(r.stdout).toMatch(/gone\s+yes\s+mdl-gone\s+MISSING\s+0\s+echo cron of gone\s+30s\s+-/);
    expect(r.stdout).toMatch(/ok\s+yes\s+mdl-ok\s+ACTIVE\s+1\s+echo cron of ok\s+30s\s+\d{4}-\d\d-\d\dT/);
  });
});

describe('mdl-preview cron run --dry-run', () => {
  it('shows the task each site would run in and runs nothing; an unknown --site is an error', async () => {
    world = await createCronWorld();
    await world.addSites([
      { link: 'ok', command: 'php admin/cli/cron.php --keep-alive=60', timeoutSeconds: 90 },
      { link: 'off', enabled: false },
      { link: 'empty', tasks: 0 },
    ]);
    const file = platform();
    world.fake.server.resetCalls();
    const all = await cli(['cron', 'run', '--platform', file, '--dry-run']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^SITE\s+WOULD\s+TASK\s+CONTAINER\s+TIMEOUT/);
    expect(all.stdout).toMatch(/ok\s+run\s+\w+\s+ok\s+90s\s+php admin\/cli\/cron\.php --keep-alive=60/);
    expect(all.stdout).toMatch(/off\s+skip\s+-\s+off\s+30s\s+cron is disabled/);
    expect(all.stdout).toMatch(/empty\s+skip\s+-\s+empty\s+30s\s+no running task of service mdl-empty/);
    expect(all.stdout).toContain('dry run: 1 would run, 2 would be skipped');
    expect(world.fake.server.count({ action: 'ExecuteCommand' })).toBe(0);
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    const one = await cli(['cron', 'run', '--platform', file, '--site', 'ok', '--dry-run', '--json']);
    expect(one.code).toBe(0);
    const lines = one.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { site: string; task?: string; timeoutSeconds: number });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ site: 'ok', timeoutSeconds: 90 });
    expect(lines[0]!.task).toMatch(/^\w+$/);

    const unknown = await cli(['cron', 'run', '--platform', file, '--site', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no cron entry in the site registry for nope/);
    expect(world.fake.server.count({ action: 'ExecuteCommand' })).toBe(0);
    expect((await cli(['cron', 'run', '--platform', file, '--exec-rate', '0'])).code).toBe(2);
  });
});

describe('mdl-preview cron pause and resume', () => {
  it('pauses with a reason, lists and skips the site as paused, resumes; refuses what it cannot do, writing nothing', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'held' }]);
    const file = platform();
    const env = { USER: 'ana', GITHUB_ACTOR: '' };
    const paused = await cli(
      ['cron', 'pause', 'held', '--reason', 'database under repair', '--platform', file],
      env,
    );
    expect(paused).toMatchObject({ code: 0, stderr: '' });
    expect(paused.stdout).toMatch(
      /^held: paused: database under repair \(since \S+, by ana \(by hand\)\)\n$/,
    );
    const listed = await cli(['cron', 'list', '--platform', file, '--log-group', '']);
    expect(listed.stdout).toMatch(/PAUSED\n/);
    expect(listed.stdout).toMatch(/held .*database under repair \(since \S+, by ana \(by hand\)\)\n/);
    const run = await cli(['cron', 'run', '--platform', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/held\s+skipped\s+-\s+-\s+0\.0\s+cron is paused: database under repair/);
    expect((await cli(['cron', 'resume', 'held', '--platform', file])).stdout).toMatch(/^held: resumed: /);

    world.fake.server.resetCalls();
    for (const [args, code, said] of [
      [['cron', 'pause', 'held', '--platform', file], 2, /cron pause needs --reason TEXT/],
      [
        ['cron', 'pause', 'Held!', '--reason', 'x', '--platform', file],
        1,
        /preview-link "Held!" is not a site name/,
      ],
      [['cron', 'resume', '--platform', file], 2, /cron resume takes one site/],
      [
        ['cron', 'pause', 'nowhere', '--reason', 'x', '--platform', file],
        1,
        /nowhere has no cron entry in the site registry/,
      ],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(said);
    }
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });
});
