import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { node24Path, runAction } from '../harness/run-action.js';

const ACTION = 'actions/validate-settings';
const SETTINGS = 'workflows-examples/sites/4-demo/settings.yml';

describe('validate-settings bundle, run as the Actions runner runs it', () => {
  it('runs on Node 24', () => {
    expect(execFileSync(node24Path(), ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
  });

  it('plans a valid site: outputs, plan file and step summary', async () => {
    const r = await runAction(ACTION, { inputs: { settings: SETTINGS }, keepTemp: true });
    const planJson = await readFile(path.join(r.runnerTemp, 'plan-4-demo.json'), 'utf8');
    await rm(r.runnerTemp, { recursive: true });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.outputs['preview-link']).toBe('4-demo');
    expect(r.outputs.url).toBe('https://4-demo.preview-moodle.example.ac.uk');
    expect(r.outputs.environment).toBe('preview/4-demo');
    expect(r.outputs['plan-file']).toBe(path.join(r.runnerTemp, 'plan-4-demo.json'));
    // The bundle's plan is the CLI's plan: both equal the committed golden file.
    expect(planJson).toBe(await readFile('test/golden/plan-4-demo.json', 'utf8'));
    expect(r.stdout).toContain('::group::Plan');
    expect(r.stdout).toContain('task definition  mdl_ecs_task_def-4-demo');
    expect(r.summary).toContain('<td>listenerRule</td><td>4-demo.preview-moodle.example.ac.uk</td>');
  });

  it('annotates every problem at its line and column and fails', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'validate-'));
    const bad = path.join(dir, 'settings.yml');
    await writeFile(bad, 'preview_link: Bad_Link\nphp_version: "9.9"\ncron: yes\npreview_db_hots: x\n');
    const r = await runAction(ACTION, {
      inputs: { settings: bad, platform: 'workflows-examples/platform.yml' },
    });
    expect(r.exitCode).toBe(1);
    const errors = r.commands.filter((c) => c.command === 'error');
    const located = errors
      .filter((c) => c.properties.file === bad)
      .map((c) => [c.properties.title, c.properties.line, c.properties.col]);
    expect(located).toEqual([
      ['preview_link', '1', '15'],
      ['php_version', '2', '14'],
      ['cron', '3', '7'],
      ['preview_db_hots', '4', '1'],
    ]);
    expect(errors.find((c) => c.properties.title === 'preview_db_hots')?.message).toContain(
      'did you mean "preview_db_host"?',
    );
    // The last error is setFailed's summary line; no stack trace reaches the log.
    expect(errors.at(-1)?.message).toMatch(/4 problem\(s\) in the settings/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.summary).toContain('Settings problems');
    expect(await readFile(bad, 'utf8')).toContain('Bad_Link'); // untouched
  });

  it('fails with a clear message when no platform file can be found', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'validate-'));
    await writeFile(path.join(dir, 'settings.yml'), 'preview_link: x\nphp_version: "8.1"\n');
    await writeFile(path.join(dir, '.git'), ''); // stop the platform search here
    const r = await runAction(ACTION, { inputs: { settings: path.join(dir, 'settings.yml') } });
    expect(r.exitCode).toBe(1);
    expect(r.commands.find((c) => c.command === 'error')?.message).toMatch(
      /no platform file .*pass --platform FILE, set MDL_PREVIEW_PLATFORM/,
    );
  });
});
