// The run-cron-fanout and register-cron bundles, started as the Actions runner starts them (Node 24,
// INPUT_*, file commands) against the AWS fake and the exec test agent; every call they make is replayed
// through the IAM simulator against their generated policies.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction } from '../harness/run-action.js';
import { examplePlatform } from '../iam/policies.js';
import { expectAllowedAs, replay } from '../iam/replay.js';
import { createCronWorld, type CronWorld } from './cron-world.js';

const PLATFORM = 'test/fixtures/platform.yml';
let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const platform = () => examplePlatform(readFileSync(PLATFORM, 'utf8'));

describe('run-cron-fanout bundle', () => {
  it('runs a tick, writes the joblog and outputs, fails on a failed site, and is allowed every call by its IAM policy', async () => {
    world = await createCronWorld();
    await world.addSites([
      { link: 'ok' },
      { link: 'broken', command: 'exit 2' },
      { link: 'hangs', command: 'sleep 30', timeoutSeconds: 0.5 },
      { link: 'off', enabled: false },
    ]);
    world.fake.server.resetCalls();
    // A platform with a retention other than the default and a second tag: the cron run log gets both.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cron-platform-'));
    const ownPlatform = path.join(dir, 'platform.yml');
    await writeFile(
      ownPlatform,
      readFileSync(PLATFORM, 'utf8')
        .replace('retention_days: 30', 'retention_days: 14')
        .replace(/^tags:\n/m, 'tags:\n  project: previews\n'),
    );
    const r = await runAction('actions/run-cron-fanout', {
      inputs: { platform: ownPlatform, concurrency: '2', 'fail-on': 'any' },
      env: world.fake.env(),
      keepTemp: true,
      timeoutMs: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ succeeded: '1', failed: '2', skipped: '1' });
    const lines = (await readFile(r.outputs.joblog!, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { site: string; status: string; exitCode: number | null });
    await rm(r.runnerTemp, { recursive: true, force: true });
    expect(lines.map((l) => [l.site, l.status, l.exitCode])).toEqual([
      ['broken', 'failed', 2],
      ['hangs', 'failed', null],
      ['off', 'skipped', null],
      ['ok', 'succeeded', 0],
    ]);
    expect(r.summary).toContain('1 succeeded, 2 failed, 1 skipped');
    expect(r.summary).toContain('<td>off</td><td>skipped</td>');
    expect(r.commands.find((c) => c.command === 'error')?.message).toMatch(/cron failed on 2 site\(s\)/);
    expect(world.fake.server.resources().find((g) => g.name === '/moodle-preview/cron')).toMatchObject({
      kind: 'logs:log-group',
      retentionInDays: 14,
      tags: {
        'moodle-preview:managed-by': 'moodle-preview-actions',
        'cost-centre': 'digital-education',
        project: 'previews',
      },
    });
    await rm(dir, { recursive: true, force: true });
    const allowed = await expectAllowedAs(world.fake.server.calls, 'run-cron-fanout', {
      platform: platform(),
    });
    expect(allowed.actions).toEqual(
      expect.arrayContaining([
        'ecs:ListTasks',
        'ecs:ExecuteCommand',
        'logs:CreateLogGroup',
        'logs:PutLogEvents',
      ]),
    );

    const tolerant = await runAction('actions/run-cron-fanout', {
      inputs: { platform: PLATFORM, 'fail-on': '80%', 'log-group': '' },
      env: world.fake.env(),
      timeoutMs: 60_000,
    });
    expect(tolerant.exitCode).toBe(0);
  });
});

describe('run-cron-fanout bundle on a cluster whose exec sessions use a KMS key', () => {
  it('encrypts each session with a data key from KMS and is allowed every call by its IAM policy', async () => {
    world = await createCronWorld({ kmsKeyId: 'arn:aws:kms:eu-west-2:123456789012:key/exec-key' });
    await world.addSites([{ link: 'one', command: 'echo encrypted hello' }, { link: 'two' }]);
    world.fake.server.resetCalls();
    const r = await runAction('actions/run-cron-fanout', {
      inputs: { platform: PLATFORM, 'log-group': '', 'exec-rate': '5', 'exec-burst': '1' },
      env: world.fake.env(),
      timeoutMs: 60_000,
    });
    expect({ exitCode: r.exitCode, stdout: r.exitCode ? r.stdout : '' }).toEqual({ exitCode: 0, stdout: '' });
    expect(r.outputs).toMatchObject({ succeeded: '2', failed: '0' });
    expect(r.summary).toMatch(/ExecuteCommand paced at up to 5\/s, 0 throttled/);
    expect(world.fake.server.count({ action: 'GenerateDataKey' })).toBe(2);
    // Allowed only with the key named: the same calls without it are not.
    const iam = { execKmsKeyArn: 'arn:aws:kms:eu-west-2:123456789012:key/exec-key' };
    const withKey = await expectAllowedAs(world.fake.server.calls, 'run-cron-fanout', {
      platform: platform(),
      iam,
    });
    expect(withKey.actions).toContain('kms:GenerateDataKey');
    const withoutKey = await replay(world.fake.server.calls, 'run-cron-fanout', { platform: platform() });
    expect(withoutKey.problems.length).toBeGreaterThan(0);
    expect(withoutKey.problems.every((p) => p.includes('kms:GenerateDataKey'))).toBe(true);
    const bad = await runAction('actions/run-cron-fanout', {
      inputs: { platform: PLATFORM, 'exec-rate': 'fast' },
      env: world.fake.env(),
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.commands.find((c) => c.command === 'error')?.message).toMatch(
      /input exec-rate must be a number of calls per second/,
    );
  });
});

describe('register-cron bundle', () => {
  it('registers an outside site, lists it, deregisters it, and is allowed every call by its IAM policy', async () => {
    world = await createCronWorld();
    await world.addSites([{ link: 'deployed' }]);
    world.fake.server.resetCalls();
    const env = { ...world.fake.env(), GITHUB_ACTOR: 'octocat' };
    const refused = await runAction('actions/register-cron', {
      inputs: { platform: PLATFORM, 'preview-link': 'outside' },
      env,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.commands.find((c) => c.command === 'error')?.message).toMatch(/not in the site registry/);

    const registered = await runAction('actions/register-cron', {
      inputs: { platform: PLATFORM, 'preview-link': 'outside', service: 'legacy-svc', container: 'web' },
      env,
    });
    expect(registered.exitCode).toBe(0);
    expect(registered.outputs.result).toBe('registered');
    const entry = (await world.registry.get('outside'))!;
    expect(entry).toMatchObject({
      managedBy: 'register-cron',
      cron: { service: 'legacy-svc', container: 'web', command: '/data/runcron.sh', updatedBy: 'octocat' },
    });
    // Its parameter carries the platform's tags beside the suite's.
    expect(
      world.fake.server.resources().find((p) => p.name === '/moodle-preview/sites/outside')?.tags,
    ).toEqual({
      'moodle-preview:managed-by': 'moodle-preview-actions',
      'moodle-preview:site': 'outside',
      'cost-centre': 'digital-education',
    });

    const listed = await runAction('actions/register-cron', {
      inputs: { platform: PLATFORM, mode: 'list' },
      env,
    });
    expect(listed.exitCode).toBe(0);
    const entries = JSON.parse(listed.outputs.entries!) as { previewLink: string; serviceStatus: string }[];
    expect(entries.map((e) => [e.previewLink, e.serviceStatus])).toEqual([
      ['deployed', 'ACTIVE'],
      ['outside', 'MISSING'],
    ]);
    expect(listed.summary).toContain('<td>outside</td><td>true</td><td>legacy-svc</td><td>MISSING</td>');

    const gone = await runAction('actions/register-cron', {
      inputs: { platform: PLATFORM, mode: 'deregister', 'preview-link': 'outside' },
      env,
    });
    expect(gone.outputs.result).toBe('deregistered');
    expect(await world.registry.get('outside')).toBeUndefined();
    const allowed = await expectAllowedAs(world.fake.server.calls, 'register-cron', { platform: platform() });
    expect(allowed.actions).toEqual(expect.arrayContaining(['ssm:PutParameter', 'ssm:DeleteParameter']));
  });
});
