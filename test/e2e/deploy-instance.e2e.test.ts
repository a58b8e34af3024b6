// The deploy-instance bundle, started as the Actions runner starts it (Node 24, INPUT_*, file
// commands), against the stateful AWS fake through AWS_ENDPOINT_URL, with a real MariaDB behind
// the SQL task.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction } from '../harness/run-action.js';
import { createWorld, EXAMPLE_SETTINGS, type World } from '../deploy/world.js';
import { useMariaDb } from '../servers/mariadb.js';
import { startGitHubRepoServer, type GitHubRepoServer } from '../servers/github-repo.js';

const ACTION = 'actions/deploy-instance';
const mariadb = useMariaDb();
let world: World | undefined;
let gh: GitHubRepoServer | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await gh?.close();
  gh = undefined;
});

/** The variables of a pull_request run (the event payload written where GITHUB_EVENT_PATH says). */
function pullRequestRun(server: GitHubRepoServer, number: number, sha: string): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pr-event-'));
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ number, pull_request: { number } }));
  return {
    GITHUB_API_URL: server.url,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_SHA: sha,
  };
}

function files(w: World, settings = EXAMPLE_SETTINGS): { settings: string; platform: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-e2e-'));
  writeFileSync(path.join(dir, 'settings.yml'), settings);
  writeFileSync(path.join(dir, 'platform.yml'), w.platformText);
  return { settings: path.join(dir, 'settings.yml'), platform: path.join(dir, 'platform.yml') };
}

describe('deploy-instance bundle', () => {
  it('dry-runs, deploys, then finds nothing to change', async () => {
    world = await createWorld(mariadb());
    const inputs = { ...files(world), 'wait-minutes': '1' };
    const env = world.fake.env();

    const dry = await runAction(ACTION, { inputs: { ...inputs, 'dry-run': 'true' }, env });
    expect(dry.stderr).toBe('');
    expect(dry.exitCode).toBe(0);
    expect(dry.outputs.changed).toBe('true');
    expect(dry.summary).toContain('Dry run of deploy of 4-demo');
    expect(dry.summary).toContain('<td>service</td><td>mdl-4-demo</td><td>would create</td>');
    // The demo site is awake always: 1 task of 1 vCPU and 2 GB for 730.5 h at the example's prices.
    expect(dry.summary).toContain(
      'Estimated Fargate cost: 41.48 USD a month (1 task(s) × 730.5 h awake: 730.5 vCPU-h, 1461 GB-h)',
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    const first = await runAction(ACTION, { inputs, env, timeoutMs: 90_000 });
    expect(first.commands.filter((c) => c.command === 'error')).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({
      url: 'https://4-demo.preview-moodle.example.ac.uk',
      changed: 'true',
      'service-arn': 'arn:aws:ecs:eu-west-2:123456789012:service/moodle_cluster/mdl-4-demo',
      'task-definition-arn': 'arn:aws:ecs:eu-west-2:123456789012:task-definition/mdl_ecs_task_def-4-demo:1',
    });
    expect(first.outputs['target-group-arn']).toMatch(/:targetgroup\/mdl-4-demo\//);
    expect(first.outputs['listener-rule-arn']).toMatch(/:listener-rule\/app\/mdl-fargate-app\//);
    expect(first.outputs['deployment-id']).toMatch(/^ecs-svc\//);
    expect(first.summary).toContain(
      '<td>taskDefinition</td><td>mdl_ecs_task_def-4-demo</td><td>created</td>',
    );
    // The generated password is masked before any log line, and appears nowhere else.
    const password = JSON.parse(world.fake.secrets.current('moodle-preview/sites/4-demo/db')!)
      .password as string;
    const masks = first.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toContain(password);
    const unmasked = (first.stdout + first.stderr + first.summary)
      .split('\n')
      .filter((l) => l.includes(password) && !l.startsWith('::add-mask::'));
    expect(unmasked).toEqual([]);

    world.fake.server.resetCalls();
    const again = await runAction(ACTION, { inputs, env });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.outputs['service-arn']).toBe(first.outputs['service-arn']);
    expect(again.stdout).toContain('nothing to change: the site matches its settings');
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(world.fake.server.count()).toBeGreaterThan(0);
  });

  it('on a pull request, keeps the dry run and its cost difference as one comment that each push edits', async () => {
    world = await createWorld(mariadb());
    gh = await startGitHubRepoServer();
    // The site is live, always awake (its registry entry records 41.48 USD a month).
    await world.deploy();
    const officeHours = EXAMPLE_SETTINGS.replace('awake: always', 'awake: Mon-Fri 07:00-20:00');
    const env = { ...world.fake.env(), ...pullRequestRun(gh, 12, 'aaaaaaa1'.padEnd(40, '0')) };
    world.fake.server.resetCalls();

    const first = await runAction(ACTION, {
      inputs: { ...files(world, officeHours), 'dry-run': 'true' },
      env,
      githubToken: gh.token,
    });
    expect(first.commands.filter((c) => c.command === 'warning' || c.command === 'error')).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(gh.comments).toHaveLength(1);
    const comment = gh.comments[0]!;
    expect(comment).toMatchObject({ repository: 'example-org/moodle-build', issue: 12 });
    expect(comment.body.split('\n').slice(0, 4)).toEqual([
      '<!-- moodle-preview:plan:4-demo -->',
      '### Preview site `4-demo`: what a deploy would change',
      '',
      'https://4-demo.preview-moodle.example.ac.uk — planned from aaaaaaa',
    ]);
    expect(comment.body).toContain('**Estimated Fargate cost:** −25.43 USD a month (now 41.48 USD)');
    expect(comment.body).toMatch(
      /^\| scheduledActions \| Mon-Fri 07:00-20:00 Europe\/London \| create \| mdl-4-demo-wake: cron\(0 7 \? \* MON,TUE,WED,THU,FRI \*\) Europe\/London → 1 to 4 tasks; /m,
    );
    // Only what would change is listed.
    expect(comment.body).not.toContain('| service |');

    // The next push: the same comment, edited, saying what this push would do.
    const next = await runAction(ACTION, {
      inputs: {
        ...files(
          world,
          officeHours.replace('cpu: 1024', 'cpu: 2048').replace('memory: 2048', 'memory: 4096'),
        ),
        'dry-run': 'true',
      },
      env: { ...env, GITHUB_SHA: 'bbbbbbb2'.padEnd(40, '0') },
      githubToken: gh.token,
    });
    expect(next.exitCode).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.id).toBe(comment.id);
    expect(gh.comments[0]!.body).toContain('planned from bbbbbbb');
    expect(gh.comments[0]!.body).toContain('**Estimated Fargate cost:** −9.38 USD a month (now 41.48 USD)');
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    // A dry run on a push, or with pr-comment: false, comments nothing.
    gh.requests.length = 0;
    const push = await runAction(ACTION, {
      inputs: { ...files(world, officeHours), 'dry-run': 'true' },
      env: { ...env, GITHUB_EVENT_NAME: 'push' },
      githubToken: gh.token,
    });
    const off = await runAction(ACTION, {
      inputs: { ...files(world, officeHours), 'dry-run': 'true', 'pr-comment': 'false' },
      env,
      githubToken: gh.token,
    });
    expect([push.exitCode, off.exitCode]).toEqual([0, 0]);
    expect(gh.requests).toEqual([]);
  });

  it('stops at bad settings or inputs with a clear error and no AWS call', async () => {
    world = await createWorld(mariadb());
    const env = world.fake.env();
    const bad = await runAction(ACTION, {
      inputs: files(world, 'preview_link: Bad_Link\nphp_version: "8.0"\n'),
      env,
    });
    expect(bad.exitCode).toBe(1);
    expect(
      bad.commands.find((c) => c.command === 'error' && c.properties.title === 'preview_link')?.properties,
    ).toMatchObject({ line: '1', col: '15' });

    const waitMinutes = await runAction(ACTION, { inputs: { ...files(world), 'wait-minutes': 'soon' }, env });
    expect(waitMinutes.exitCode).toBe(1);
    expect(waitMinutes.commands.find((c) => c.command === 'error')?.message).toBe(
      'input wait-minutes must be a whole number from 1 to 1440, got "soon"',
    );

    const access = await runAction(ACTION, { inputs: { ...files(world), 'db-access': 'ssh' }, env });
    expect(access.exitCode).toBe(1);
    expect(access.commands.find((c) => c.command === 'error')?.message).toBe(
      'input db-access must be one of task, direct, got "ssh"',
    );
    expect(world.fake.server.count()).toBe(0);
  });

  it('fails clearly when AWS is unreachable, before any change', async () => {
    world = await createWorld(mariadb());
    const env = { ...world.fake.env(), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const r = await runAction(ACTION, { inputs: files(world), env, timeoutMs: 90_000 });
    expect(r.exitCode).toBe(1);
    expect(r.commands.find((c) => c.command === 'error')?.message).toMatch(
      /AWS is not reachable .*AWS_ENDPOINT_URL/,
    );
    expect(world.fake.server.count()).toBe(0);
  });
});
