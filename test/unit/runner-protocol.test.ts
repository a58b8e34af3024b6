// What the actions tell the runner (core's github/runner.ts, in place of @actions/core): inputs from
// INPUT_ variables, outputs and state as delimited blocks in their environment files (read back with
// the harness's parser, which reads them as the runner does), workflow commands escaped as the runner
// decodes them, annotations with their positions, the job summary's HTML, and a failure's exit code.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runner } from '@moodle-preview/core';
import { parseFileCommand } from '../harness/run-action.js';

let dir: string;
let written: string[];
const saved = { ...process.env };
const savedExitCode = process.exitCode;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'runner-'));
  for (const f of ['output', 'state', 'summary']) writeFileSync(path.join(dir, f), '');
  process.env.GITHUB_OUTPUT = path.join(dir, 'output');
  process.env.GITHUB_STATE = path.join(dir, 'state');
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
  written = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = savedExitCode;
});
const file = (name: string) => readFileSync(path.join(dir, name), 'utf8');

describe('the runner protocol', () => {
  it('reads inputs as the runner passes them, trimmed, and refuses a missing required one', () => {
    process.env['INPUT_DRY-RUN'] = '  true \n';
    process.env.INPUT_WAIT_MINUTES = '5';
    expect(runner.getInput('dry-run')).toBe('true');
    expect(runner.getInput('dry-run', { trimWhitespace: false })).toBe('  true \n');
    expect(runner.getInput('wait minutes')).toBe('5');
    expect(runner.getInput('absent')).toBe('');
    expect(() => runner.getInput('absent', { required: true })).toThrow(
      'Input required and not supplied: absent',
    );
  });

  it('writes outputs and state as delimited blocks the runner reads back exactly, several lines included', () => {
    runner.setOutput('url', 'https://4-demo.example.org');
    runner.setOutput('summary', 'line one\nline two with name<<EOF inside');
    runner.setOutput('count', 3);
    runner.setOutput('nothing', undefined);
    runner.saveState('taskArn', 'arn:aws:ecs:eu-west-2:1:task/c/abc');
    expect(parseFileCommand(file('output'))).toEqual({
      url: 'https://4-demo.example.org',
      summary: 'line one\nline two with name<<EOF inside',
      count: '3',
      nothing: '',
    });
    expect(parseFileCommand(file('state'))).toEqual({ taskArn: 'arn:aws:ecs:eu-west-2:1:task/c/abc' });
    // Each block has a delimiter of its own.
    const delimiters = file('output').match(/ghadelimiter_[0-9a-f-]{36}/g) ?? [];
    expect(new Set(delimiters).size).toBe(4);
    process.env.STATE_taskArn = 'arn:x';
    expect(runner.getState('taskArn')).toBe('arn:x');
    expect(runner.getState('other')).toBe('');
    expect(written).toEqual([]);
  });

  it('writes workflow commands with data and properties escaped, and masks secrets', () => {
    runner.setSecret('p%ss\nword');
    runner.warning('half done: 50%', {
      title: 'a: b, c',
      file: 'settings.yml',
      startLine: 3,
      startColumn: 5,
    });
    runner.error(new Error('boom'));
    runner.debug('x\r\ny');
    runner.info('plain text: not a command');
    expect(written).toEqual([
      '::add-mask::p%25ss%0Aword\n',
      '::warning title=a%3A b%2C c,file=settings.yml,line=3,col=5::half done: 50%25\n',
      '::error::Error: boom\n',
      '::debug::x%0D%0Ay\n',
      'plain text: not a command\n',
    ]);
  });

  it('groups lines around a function, closing the group when it throws', async () => {
    await expect(
      runner.group('Reading what exists', async () => {
        runner.info('inside');
        throw new Error('failed inside');
      }),
    ).rejects.toThrow('failed inside');
    expect(written).toEqual(['::group::Reading what exists\n', 'inside\n', '::endgroup::\n']);
  });

  it('fails the step with an error annotation', () => {
    runner.setFailed('no credentials');
    expect(process.exitCode).toBe(1);
    expect(written).toEqual(['::error::no credentials\n']);
    process.exitCode = 0;
  });

  it('appends the job summary as HTML, and refuses when the runner gives no summary file', async () => {
    await runner.summary
      .addHeading('deploy', 3)
      .addTable([
        [
          { data: 'resource', header: true },
          { data: 'change', header: true },
        ],
        ['service', 'update'],
      ])
      .addList(['one', 'two'])
      .addCodeBlock('a < b', 'sh')
      .addRaw('<p>end</p>', true)
      .write();
    expect(file('summary')).toBe(
      '<h3>deploy</h3>\n' +
        '<table><tr><th>resource</th><th>change</th></tr><tr><td>service</td><td>update</td></tr></table>\n' +
        '<ul><li>one</li><li>two</li></ul>\n' +
        '<pre lang="sh"><code>a < b</code></pre>\n' +
        '<p>end</p>\n',
    );
    expect(runner.summary.isEmptyBuffer()).toBe(true);
    delete process.env.GITHUB_STEP_SUMMARY;
    await expect(runner.summary.addRaw('x').write()).rejects.toThrow(/GITHUB_STEP_SUMMARY/);
    runner.summary.emptyBuffer();
  });

  it('refuses an OIDC token request in a job without id-token: write, saying what to grant', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    await expect(runner.getIDToken('sts.amazonaws.com')).rejects.toThrow(/id-token: write/);
  });
});
