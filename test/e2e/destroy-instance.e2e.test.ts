// The destroy-instance bundle, started as the Actions runner starts it (Node 24, INPUT_*, file
// commands), against the stateful AWS fake through AWS_ENDPOINT_URL, with a real MariaDB behind the
// purge's SQL task.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction } from '../harness/run-action.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';
import { remainsOf } from '../destroy/world.js';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { startGitHubRepoServer, type GitHubRepoServer } from '../servers/github-repo.js';

const ACTION = 'actions/destroy-instance';
const mariadb = useMariaDb();
let world: World | undefined;
let gh: GitHubRepoServer | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  await gh?.close();
  gh = undefined;
});

function platformFile(w: World): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'destroy-e2e-'));
  writeFileSync(path.join(dir, 'platform.yml'), w.platformText);
  return path.join(dir, 'platform.yml');
}

const errorOf = (r: { commands: { command: string; message: string }[] }) =>
  r.commands.find((c) => c.command === 'error')?.message;

describe('destroy-instance bundle', () => {
  it('dry-runs, destroys keeping the data, finds nothing more to do, then purges', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-e'));
    const inputs = { 'preview-link': 'site-e', platform: platformFile(world), 'wait-minutes': '2' };
    const env = world.fake.env();
    world.fake.server.resetCalls();

    const dry = await runAction(ACTION, { inputs: { ...inputs, 'dry-run': 'true' }, env });
    expect(dry.stderr).toBe('');
    expect(dry.exitCode).toBe(0);
    // Eight of the site's resources and its sleep page's two schedules.
    expect(dry.outputs).toMatchObject({ changed: 'true', removed: '10' });
    expect(dry.summary).toContain('Dry run of destroy of site-e');
    expect(dry.summary).toContain(
      '<td>schedule</td><td>moodle-preview/mdl-site-e-sleep</td><td>would remove</td>',
    );
    expect(dry.summary).toContain('<td>service</td><td>mdl-site-e</td><td>would remove</td>');
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    const destroyed = await runAction(ACTION, { inputs, env, timeoutMs: 120_000 });
    expect(errorOf(destroyed)).toBeUndefined();
    expect(destroyed.exitCode).toBe(0);
    expect(destroyed.outputs).toMatchObject({ changed: 'true', removed: '10' });
    expect(JSON.parse(destroyed.outputs.kept!)).toEqual([
      { kind: 'database', name: 'mdl_site_e' },
      { kind: 'DB user', name: "mdl_site_e@'%'" },
      { kind: 'moodledata', name: '/moodle_data_root/site-e' },
      { kind: 'cron log', name: '/moodle_data_root/cron_logs/cron_site-e.log' },
      { kind: 'DB secret', name: 'moodle-preview/sites/site-e/db' },
      { kind: 'log group', name: '/moodle-preview/sites/site-e' },
    ]);
    expect(destroyed.summary).toContain('<td>service</td><td>mdl-site-e</td><td>removed</td>');
    expect(destroyed.summary).toContain('<td>database</td><td>mdl_site_e</td><td>kept</td>');
    expect(destroyed.summary).toMatch(
      /site-e destroyed \(10 resource\(s\) removed\); data kept: database mdl_site_e/,
    );
    expect(remainsOf(world, 'site-e')).toEqual({
      'logs:log-group': ['/moodle-preview/sites/site-e'],
      'secretsmanager:secret': ['moodle-preview/sites/site-e/db'],
      'ssm:parameter': ['/moodle-preview/sites/site-e'],
    });

    world.fake.server.resetCalls();
    const again = await runAction(ACTION, { inputs, env });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ changed: 'false', removed: '0' });
    expect(again.stdout).toMatch(/nothing to do: site-e was destroyed on \d{4}-\d\d-\d\d/);
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    const purged = await runAction(ACTION, {
      inputs: { ...inputs, 'purge-data': 'true', confirm: 'site-e' },
      env,
      timeoutMs: 120_000,
    });
    expect(errorOf(purged)).toBeUndefined();
    expect(purged.exitCode).toBe(0);
    expect(purged.outputs).toMatchObject({ changed: 'true', kept: '[]' });
    expect(remainsOf(world, 'site-e')).toEqual({});
    expect(existsSync(`${world.efsRoot}/site-e`)).toBe(false);
    const conn = await adminConnection(mariadb());
    const [dbs] = await conn.query(
      "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'mdl_site_e'",
    );
    await conn.end();
    expect(dbs).toEqual([]);
  }, 300_000);

  it('marks the deployments of the site’s GitHub environment inactive, once', async () => {
    world = await createWorld(mariadb());
    gh = await startGitHubRepoServer();
    await world.deploy(minimalSettings('site-g'));
    const url = 'https://site-g.preview-moodle.example.ac.uk';
    // Two deploy jobs ran in preview/site-g (GitHub made the older inactive); another site's stays.
    const older = gh.addDeployment('example-org/moodle-build', 'preview/site-g', url, 'inactive');
    const live = gh.addDeployment('example-org/moodle-build', 'preview/site-g', url);
    const other = gh.addDeployment('example-org/moodle-build', 'preview/site-h', 'https://site-h.example');
    const inputs = { 'preview-link': 'site-g', platform: platformFile(world), 'wait-minutes': '2' };
    const env = { ...world.fake.env(), GITHUB_API_URL: gh.url };

    const dry = await runAction(ACTION, {
      inputs: { ...inputs, 'dry-run': 'true' },
      env,
      githubToken: gh.token,
    });
    expect(dry.exitCode).toBe(0);
    expect(dry.summary).toContain(
      'GitHub environment preview/site-g: 1 deployment(s) would be marked inactive',
    );
    expect(gh.requests.filter((r) => r.method === 'POST')).toEqual([]);

    const destroyed = await runAction(ACTION, { inputs, env, githubToken: gh.token, timeoutMs: 120_000 });
    expect(destroyed.commands.filter((c) => c.command === 'warning' || c.command === 'error')).toEqual([]);
    expect(destroyed.exitCode).toBe(0);
    expect(destroyed.summary).toContain('GitHub environment preview/site-g: 1 deployment(s) marked inactive');
    expect([gh.stateOf(older.id), gh.stateOf(live.id), gh.stateOf(other.id)]).toEqual([
      'inactive',
      'inactive',
      'success',
    ]);
    // The token is the runner's secret: masked.
    expect(destroyed.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(
      gh.token,
    );

    gh.requests.length = 0;
    const again = await runAction(ACTION, { inputs, env, githubToken: gh.token });
    expect(again.exitCode).toBe(0);
    expect(gh.requests.filter((r) => r.method === 'POST')).toEqual([]);
  }, 300_000);

  it('stops at bad inputs with a clear error and no AWS call', async () => {
    world = await createWorld(mariadb());
    const env = world.fake.env();
    const platform = platformFile(world);
    const cases: [Record<string, string>, string | RegExp][] = [
      [
        { 'preview-link': 'site-e', platform, 'purge-data': 'true' },
        /purge-data: true removes site-e's .*set confirm: site-e/,
      ],
      [
        { 'preview-link': 'site-e', platform, 'purge-data': 'true', confirm: 'site-f' },
        /confirm is "site-f" but the site being destroyed is site-e/,
      ],
      [{ 'preview-link': 'Site_E', platform }, /preview-link "Site_E" is not a site name/],
      [
        { 'preview-link': '', platform },
        'input preview-link (the site to destroy) or branch (the deleted branch whose site goes) is required',
      ],
      [{ 'preview-link': 'site-e' }, /input platform is required when settings is not given/],
      [
        { 'preview-link': 'site-e', platform, 'db-access': 'ssh' },
        'input db-access must be one of task, direct, got "ssh"',
      ],
    ];
    for (const [inputs, message] of cases) {
      const r = await runAction(ACTION, { inputs, env });
      expect([inputs, r.exitCode]).toEqual([inputs, 1]);
      expect(errorOf(r)).toMatch(message);
    }
    expect(world.fake.server.count()).toBe(0);
  }, 120_000);
});

describe('destroy-instance bundle on branch deletion', () => {
  it('destroys the site the deleted branch deployed, and says so when it deployed none, changing nothing', async () => {
    world = await createWorld(mariadb());
    const repository = 'example-org/moodle-build';
    await world.deploy(minimalSettings('site-f'), { source: { repository, branch: 'feature-x' } });
    // The same branch name in another repository, and another branch of this one: not feature-x's site.
    await world.deploy(minimalSettings('site-g'), {
      source: { repository: 'example-org/other', branch: 'feature-x' },
    });
    await world.deploy(minimalSettings('feature-x'), { source: { repository, branch: 'main' } });
    const platform = platformFile(world);
    const env = { ...world.fake.env(), GITHUB_REPOSITORY: repository };
    world.fake.server.resetCalls();

    const destroyed = await runAction(ACTION, {
      inputs: { branch: 'feature-x', platform, 'wait-minutes': '2' },
      env,
      timeoutMs: 120_000,
    });
    expect(errorOf(destroyed)).toBeUndefined();
    expect(destroyed.exitCode).toBe(0);
    expect(destroyed.outputs).toMatchObject({ 'preview-link': 'site-f', changed: 'true', removed: '10' });
    expect(destroyed.stdout).toContain(`destroying site-f: deployed from branch feature-x of ${repository}`);
    expect(remainsOf(world, 'site-f')['ecs:service']).toBeUndefined();
    expect(remainsOf(world, 'site-g')['ecs:service']).toEqual(['moodle_cluster/mdl-site-g']);
    expect(remainsOf(world, 'feature-x')['ecs:service']).toEqual(['moodle_cluster/mdl-feature-x']);

    for (const [branch, said] of [
      ['feature-x', `branch feature-x of ${repository} deployed site-f, already destroyed on `],
      ['work/no-site', `no site in the registry was deployed from branch work/no-site of ${repository}`],
    ] as const) {
      world.fake.server.resetCalls();
      const none = await runAction(ACTION, { inputs: { branch, platform }, env });
      expect(none.exitCode).toBe(0);
      expect(none.outputs).toMatchObject({ 'preview-link': '', changed: 'false', removed: '0' });
      expect(none.stdout).toContain(said);
      expect(world.fake.server.count({ mutating: true })).toBe(0);
    }

    world.fake.server.resetCalls();
    const both = await runAction(ACTION, {
      inputs: { branch: 'main', 'preview-link': 'site-g', platform },
      env,
    });
    expect(both.exitCode).toBe(1);
    expect(errorOf(both)).toBe('inputs preview-link and branch name the site two ways: give one of them');
    expect(world.fake.server.calls).toEqual([]);
  });
});
