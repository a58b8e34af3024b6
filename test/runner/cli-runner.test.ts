// mdl-preview runner list | reap, in-process, against the AWS fake and the GitHub runners server: the
// same lease logic and reaper decisions as the action, for ops.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import { leaseLabel, startRunner } from '@moodle-preview/core';
import { createRunnerWorld, REPOSITORY, type RunnerWorld } from './runner-world.js';

let w: RunnerWorld;
beforeAll(async () => {
  w = await createRunnerWorld();
});
afterAll(async () => w.close());

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {
      ...process.env,
      MDL_PREVIEW_GITHUB_TOKEN: w.github.token,
      GITHUB_API_URL: w.github.url,
      ...env,
    },
  });
  return { code, stdout, stderr };
}

it('lists the leases with their runner and the reaper’s verdict, then reaps the expired one (dry run first)', async () => {
  // Leases started two hours ago by the real clock: one with a 1-hour lifetime (expired), one working.
  w.clock.now = Date.now() - 120 * 60_000;
  const expired = { runId: '8101', runAttempt: 1, name: 'main' };
  const working = { runId: '8102', runAttempt: 1, name: 'main' };
  w.github.onList = (gh) => {
    for (const l of [expired, working]) if (gh.runner(leaseLabel(l))) gh.markOnline(leaseLabel(l));
  };
  const a = await startRunner(w.deps(), w.startOptions({ lease: expired, maxLifetimeMinutes: 60 }));
  const b = await startRunner(w.deps(), w.startOptions({ lease: working }));
  w.github.onList = undefined;

  const list = await cli(['runner', 'list', '--repo', REPOSITORY, '--region', 'eu-west-2', '--json']);
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  const rows = JSON.parse(list.stdout) as {
    label: string;
    instanceId: string;
    runner: string;
    reaper: string;
  }[];
  expect(rows.find((r) => r.instanceId === a.instanceId)).toMatchObject({
    label: a.label,
    runner: 'online',
    reaper: expect.stringMatching(/^terminate: past expires-at/),
  });
  expect(rows.find((r) => r.instanceId === b.instanceId)).toMatchObject({ reaper: 'keep: runner online' });

  const text = await cli(['runner', 'list', '--repo', REPOSITORY, '--region', 'eu-west-2']);
  expect(text.stdout).toContain(a.label);
  expect(text.stdout).toContain('reaper: terminate: past expires-at');

  w.fake.server.resetCalls();
  const dry = await cli(['runner', 'reap', '--dry-run', '--repo', REPOSITORY, '--region', 'eu-west-2']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toBe(
    'dry run: would terminate 1 instance(s), remove 0 runner(s), delete 1 parameter(s)\n',
  );
  expect(dry.stderr).toContain(`would terminate instance ${a.instanceId}: past expires-at`);
  expect(w.fake.server.count({ mutating: true })).toBe(0);

  const real = await cli(['runner', 'reap', '--repo', REPOSITORY, '--region', 'eu-west-2']);
  expect(real.code).toBe(0);
  expect(real.stdout).toBe('terminated 1 instance(s), removed 0 runner(s), deleted 1 parameter(s)\n');
  expect(w.fake.ec2.instances.get(a.instanceId)!.State).toBe('shutting-down');
  expect(w.fake.ec2.instances.get(b.instanceId)!.State).not.toMatch(/shutting-down|terminated/);
  expect(real.stderr).not.toContain(w.github.token);
});

it('says what is missing: the token, the repository, a subcommand', async () => {
  const noToken = await cli(['runner', 'list', '--repo', REPOSITORY, '--region', 'eu-west-2'], {
    MDL_PREVIEW_GITHUB_TOKEN: undefined,
    GITHUB_TOKEN: undefined,
  });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toContain('set MDL_PREVIEW_GITHUB_TOKEN');
  const bad = await cli(['runner', 'start', '--repo', REPOSITORY]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('runner has two subcommands: list, reap');
  const forbidden = await cli(['runner', 'list', '--repo', REPOSITORY, '--region', 'eu-west-2'], {
    MDL_PREVIEW_GITHUB_TOKEN: 'ghs_wrong',
  });
  expect(forbidden.code).toBe(1);
  expect(forbidden.stderr).toMatch(/401.*expired or revoked/);
});
