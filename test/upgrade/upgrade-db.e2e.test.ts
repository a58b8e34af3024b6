// actions/upgrade-db/dist/index.js run the way the Actions runner runs it (INPUT_*, GITHUB_STATE,
// main then post, Node 24) against the AWS fake, the local OIDC token endpoint and MariaDB: a
// two-hop upgrade with refreshed role credentials, a cancelled job whose post step stops the task,
// the config applied with cfg.php, and a bad config file refused before any AWS call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pauseCron, SiteRegistry } from '@moodle-preview/core';
import { runAction } from '../harness/run-action.js';
import { useMariaDb } from '../servers/mariadb.js';
import { startOidcServer, type OidcServer } from './oidc-server.js';
import { IMAGE, createUpgradeWorld, type UpgradeWorld } from './world.js';

const ACTION = 'actions/upgrade-db';
const mariadb = useMariaDb();
let world: UpgradeWorld | undefined;
let oidc: OidcServer;
beforeAll(async () => {
  oidc = await startOidcServer();
});
afterAll(async () => oidc.close());
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const env = (w: UpgradeWorld) => ({ ...w.fake.env(), ...oidc.env() });
const IMAGES = `4.1.12: {image: '${IMAGE('moodle-full-4.1.12-8.0')}', php: '8.0'}\n`;

describe('upgrade-db end to end', () => {
  it('upgrades in two hops with refreshed role credentials; the post step finds nothing to stop', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    const main = await runAction(ACTION, {
      inputs: {
        'preview-link': w.link,
        platform: w.platformFile,
        'to-release': '4.5.3',
        image: IMAGE('moodle-full-4.5.3-8.1'),
        images: IMAGES,
        'db-access': 'direct',
        'poll-seconds': '0.1',
        'role-to-assume': 'arn:aws:iam::123456789012:role/moodle-preview-upgrade',
      },
      env: env(w),
    });
    expect(main.stderr).toBe('');
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({
      'from-version': '3.11.18',
      'to-version': '4.5.3',
      'exit-code': '0',
      'task-arn': expect.stringMatching(/^arn:aws:ecs:eu-west-2:\d+:task\/moodle_cluster\//),
      'duration-seconds': expect.stringMatching(/^\d+$/),
    });
    expect(JSON.parse(main.outputs.hops!)).toEqual([
      { from: '3.11.18', to: '4.1.12', image: IMAGE('moodle-full-4.1.12-8.0'), php: '8.0' },
      { from: '4.1.12', to: '4.5.3', image: IMAGE('moodle-full-4.5.3-8.1'), php: '8.1' },
    ]);
    expect(main.stdout).toContain('-->mod_step6 upgrading to 4.5.3');
    expect(main.summary).toContain('<td>upgrade 2/2: Moodle 4.1.12 → 4.5.3</td>');
    // The role was assumed with the job's OIDC token, not with stored keys.
    expect(w.fake.sts.webIdentitySessions.length).toBeGreaterThanOrEqual(1);
    expect(oidc.requests).toContain('sts.amazonaws.com');
    expect(
      main.commands.some((c) => c.command === 'add-mask' && c.message.startsWith('eyJ.fake-oidc-token')),
    ).toBe(true);
    expect(main.state['task-arn']).toBeTruthy();
    // Cron was paused on the site while each hop ran, and resumed after.
    expect(w.cronPauseAtUpgrade).toEqual(['upgrade to 4.5.3 under way', 'upgrade to 4.5.3 under way']);
    expect(w.cronPause()).toBeUndefined();

    w.fake.server.resetCalls();
    const post = await runAction(ACTION, { phase: 'post', state: main.state, env: env(w) });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('has stopped; nothing to clean up');
    expect(w.fake.server.count({ service: 'ecs', action: 'StopTask' })).toBe(0);
  }, 60_000);

  it('a cancelled job: the post step stops the task the main step left running', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    w.behaviour = { kind: 'hang' };
    // The runner ends the main step (here: SIGKILL after 8 s) and then runs the post step.
    const main = await runAction(ACTION, {
      inputs: {
        'preview-link': w.link,
        platform: w.platformFile,
        'to-release': '4.2.3',
        image: IMAGE('moodle-full-4.2.3-8.1'),
        'db-access': 'direct',
        'check-pending': 'false',
        'poll-seconds': '0.1',
      },
      env: env(w),
      timeoutMs: 8000,
    });
    expect(main.signal).toBe('SIGKILL');
    expect(main.state.purpose).toBe('upgrade 1/1: Moodle 3.11.18 → 4.2.3');
    const arn = main.state['task-arn']!;
    expect(w.fake.ecs.tasks.get(arn)?.desiredStatus).toBe('RUNNING');
    expect(main.stdout).toContain('-->System');
    // Killed mid-upgrade: cron stays paused on the site until the post step resumes it.
    expect(w.cronPause()).toMatchObject({
      reason: 'upgrade to 4.2.3 under way',
      by: 'upgrade-db (run 1)',
    });
    expect(main.state['cron-paused-site']).toBe(w.link);

    const post = await runAction(ACTION, { phase: 'post', state: main.state, env: env(w) });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`cron on ${w.link}: resumed`);
    expect(w.cronPause()).toBeUndefined();
    expect(w.fake.server.count({ service: 'ecs', action: 'StopTask' })).toBe(1);
    expect(w.fake.ecs.tasks.get(arn)?.desiredStatus).toBe('STOPPED');
    expect(post.commands).toContainEqual(
      expect.objectContaining({
        command: 'warning',
        message: expect.stringMatching(
          /^stopped arn:\S+ \(upgrade 1\/1: Moodle 3\.11\.18 → 4\.2\.3\), still running when the job ended; the site may be left in maintenance mode/,
        ),
      }),
    );
  }, 60_000);

  it('a failed upgrade resumes cron; a pause made by hand is left as it is, and stays', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    const inputs = {
      'preview-link': w.link,
      platform: w.platformFile,
      'to-release': '4.2.3',
      image: IMAGE('moodle-full-4.2.3-8.1'),
      'db-access': 'direct',
      'check-pending': 'false',
      'poll-seconds': '0.1',
    };
    w.behaviour = { kind: 'exit', code: 1 };
    const failed = await runAction(ACTION, { inputs, env: env(w) });
    expect(failed.exitCode).toBe(1);
    expect(w.cronPauseAtUpgrade).toEqual(['upgrade to 4.2.3 under way']);
    expect(w.cronPause()).toBeUndefined();
    // Nothing left for the post step: main resumed it.
    expect(failed.state['cron-paused-site']).toBe('');

    const registry = new SiteRegistry(w.clients.ssm);
    await pauseCron(registry, w.link, { reason: 'database under repair', by: 'ops (by hand)' });
    w.behaviour = { kind: 'succeed' };
    const upgraded = await runAction(ACTION, { inputs, env: env(w) });
    expect(upgraded.exitCode).toBe(0);
    expect(upgraded.stdout).toMatch(
      /cron on \S+ stays paused: database under repair \(since .+, by ops \(by hand\)\)/,
    );
    expect(w.cronPauseAtUpgrade.at(-1)).toBe('database under repair');
    expect(w.cronPause()).toMatchObject({ reason: 'database under repair', by: 'ops (by hand)' });
    const post = await runAction(ACTION, { phase: 'post', state: upgraded.state, env: env(w) });
    expect(post.exitCode).toBe(0);
    expect(w.cronPause()).toMatchObject({ by: 'ops (by hand)' });
  }, 60_000);

  it('applies the site config with cfg.php in one task and lists each value set', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'config.yml');
    writeFileSync(
      file,
      [
        '- {component: theme_ucl, name: brandcolor, value: "#500778"}',
        '- {name: maintenance_message, value: "It\'s the demo; data resets \\"weekly\\" $HOME `id`"}',
        "- {component: tool_mobile, name: enablemobilewebservice, value: '0'}",
        '',
      ].join('\n'),
    );
    w.fake.server.resetCalls();
    const main = await runAction(ACTION, {
      inputs: {
        mode: 'apply-config',
        'preview-link': w.link,
        platform: w.platformFile,
        config: file,
        'poll-seconds': '0.1',
      },
      env: env(w),
    });
    expect(main.stderr).toBe('');
    expect(main.exitCode).toBe(0);
    expect(main.outputs.applied).toBe('3');
    expect(w.fake.server.count({ service: 'ecs', action: 'RunTask' })).toBe(1);
    // The values reached cfg.php exactly as written: no shell expansion of $HOME or `id`.
    expect(w.shellPhpCalls()).toEqual([
      [
        '/data/apache/htdocs/moodle/admin/cli/cfg.php',
        '--component=theme_ucl',
        '--name=brandcolor',
        '--set=#500778',
      ],
      [
        '/data/apache/htdocs/moodle/admin/cli/cfg.php',
        '--name=maintenance_message',
        '--set=It\'s the demo; data resets "weekly" $HOME `id`',
      ],
      [
        '/data/apache/htdocs/moodle/admin/cli/cfg.php',
        '--component=tool_mobile',
        '--name=enablemobilewebservice',
        '--set=0',
      ],
    ]);
    expect(main.summary).toContain('<td>theme_ucl</td><td>brandcolor</td><td>#500778</td><td>set</td>');
    expect(main.summary).toContain('Config of 4-demo-prep: 3 of 3 set');
  }, 60_000);

  it('purges the caches of a site in one task of its own task definition', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    w.fake.server.resetCalls();
    const main = await runAction(ACTION, {
      inputs: {
        mode: 'purge-caches',
        'preview-link': w.link,
        platform: w.platformFile,
        'poll-seconds': '0.1',
      },
      env: env(w),
    });
    expect(main.exitCode).toBe(0);
    expect(w.php.map((p) => `${p.image.split(':').pop()} ${p.argv.join(' ')}`)).toEqual([
      'moodle-ecs-docker-8.0 admin/cli/purge_caches.php',
    ]);
    expect(main.outputs['exit-code']).toBe('0');
    expect(w.fake.server.count({ mutating: true })).toBe(1);
  }, 60_000);

  it('refuses a bad config file at its line, before any AWS call', async () => {
    world = await createUpgradeWorld(mariadb());
    const w = world;
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'config.yml');
    writeFileSync(file, '- name: brandcolor\n  valeu: red\n- {name: "bad name", value: x}\n');
    w.fake.server.resetCalls();
    const main = await runAction(ACTION, {
      inputs: { mode: 'apply-config', 'preview-link': w.link, platform: w.platformFile, config: file },
      env: env(w),
    });
    expect(main.exitCode).toBe(1);
    const errors = main.commands.filter((c) => c.command === 'error' && c.properties.file === file);
    expect(errors.map((e) => `${e.properties.line}:${e.properties.col} ${e.message}`)).toEqual([
      "1:3 is required but missing. Allowed: text; write true/false as '1'/'0' in quotes, as Moodle stores them",
      '2:3 unknown key "valeu"; did you mean "value"?',
      '3:10 must be a setting name: letters, digits and _; got string "bad name"',
    ]);
    expect(w.fake.server.calls.length).toBe(0);
  }, 60_000);
});
