// The run-cron-fanout and register-cron bundles, started as the Actions runner starts them (Node 24,
// INPUT_*, file commands) against the AWS fake and the exec test agent; and docs/iam for both, compared
// with the calls the fake saw.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runAction } from '../harness/run-action.js';
import { createCronWorld, type CronWorld } from './cron-world.js';

const PLATFORM = 'test/fixtures/platform.yml';
let world: CronWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const calledActions = (w: CronWorld) =>
  [...new Set(w.fake.server.calls.map((c) => `${c.service}:${c.action}`))].sort();

function policyActions(file: string, sid: string): string[] {
  const policy = JSON.parse(readFileSync(file, 'utf8')) as { Statement: { Sid: string; Action: string[] }[] };
  return [...(policy.Statement.find((s) => s.Sid === sid)?.Action ?? [])].sort();
}

describe('run-cron-fanout bundle', () => {
  it('runs a tick, writes the joblog and outputs, fails on a failed site, and calls only what docs/iam lists', async () => {
    world = await createCronWorld();
    await world.addSites([
      { link: 'ok' },
      { link: 'broken', command: 'exit 2' },
      { link: 'hangs', command: 'sleep 30', timeoutSeconds: 0.5 },
      { link: 'off', enabled: false },
    ]);
    world.fake.server.resetCalls();
    const r = await runAction('actions/run-cron-fanout', {
      inputs: { platform: PLATFORM, concurrency: '2', 'fail-on': 'any' },
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
    expect(calledActions(world)).toEqual(
      policyActions('docs/iam/run-cron-fanout.json', 'CalledByRunCronFanout'),
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
  it('encrypts each session with a data key from KMS and calls only what docs/iam lists', async () => {
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
    const called = calledActions(world);
    expect(called.filter((a) => a.startsWith('kms:'))).toEqual(
      policyActions('docs/iam/run-cron-fanout.json', 'ExecSessionsEncryptedWithKms'),
    );
    const listed = policyActions('docs/iam/run-cron-fanout.json', 'CalledByRunCronFanout');
    expect(called.filter((a) => !a.startsWith('kms:')).every((a) => listed.includes(a))).toBe(true);
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
  it('registers an outside site, lists it, deregisters it, and calls only what docs/iam lists', async () => {
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
    expect(calledActions(world)).toEqual(
      policyActions('docs/iam/register-cron.json', 'CalledByRegisterCron'),
    );
  });
});
