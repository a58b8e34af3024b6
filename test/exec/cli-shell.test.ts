// `mdl-preview shell` against the AWS fake and the test agent: typed lines reach the remote shell, its
// output comes back, the window size is sent at start and on resize, and the terminal is restored.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createAwsClients } from '@moodle-preview/core';
import { SHELL_COMMAND, shell, type ShellTerminal } from '../../packages/cli/src/commands/shell.js';
import { createExecWorld, type ExecWorld } from './ecs-world.js';

let world: ExecWorld;
let platformFile: string;
beforeAll(async () => {
  world = await createExecWorld({ link: 'demo' });
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'shell-')), 'platform.yml');
  writeFileSync(platformFile, readFileSync('workflows-examples/platform.yml', 'utf8'));
});
afterAll(async () => world.close());

function fakeTerminal() {
  const input = new PassThrough();
  let output = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const raw: boolean[] = [];
  const listeners = { resize: new Set<() => void>(), signal: new Set<(s: NodeJS.Signals) => void>() };
  let size = { cols: 80, rows: 24 };
  const terminal: ShellTerminal = {
    input,
    write: (data) => {
      output += data.toString('utf8');
      for (const w of waiters.filter((w) => output.includes(w.text))) w.resolve();
    },
    isTTY: true,
    setRawMode: (on) => raw.push(on),
    size: () => size,
    onResize: (l) => (listeners.resize.add(l), () => listeners.resize.delete(l)),
    onSignal: (l) => (listeners.signal.add(l), () => listeners.signal.delete(l)),
  };
  return {
    terminal,
    input,
    raw,
    listeners,
    output: () => output,
    seen: (text: string) =>
      new Promise<void>((resolve) => {
        if (output.includes(text)) resolve();
        else waiters.push({ text, resolve });
      }),
    resize: (cols: number, rows: number) => {
      size = { cols, rows };
      for (const l of listeners.resize) l();
    },
  };
}

const io = () => {
  let stderr = '';
  return {
    io: {
      stdout: () => undefined,
      stderr: (t: string) => (stderr += t),
      env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile },
    },
    stderr: () => stderr,
  };
};

describe('mdl-preview shell', () => {
  it('runs typed lines in a login shell, sends resizes, exits cleanly and restores the terminal', async () => {
    const t = fakeTerminal();
    const { io: cliIO, stderr } = io();
    const done = shell(['demo'], cliIO, createAwsClients, t.terminal);
    t.input.write('echo hi-from-$((40 + 2))\n');
    await t.seen('hi-from-42');
    t.resize(120, 40);
    // The resize must reach the agent before the shell exits; a second echo orders them.
    t.input.write('echo second\n');
    await t.seen('second');
    t.input.write('exit\n');
    expect(await done).toBe(0);
    expect(stderr()).toBe('');
    expect(t.output()).toMatch(/hi-from-42\r\n[\s\S]*second\r\n/);
    const session = world.agent.sessions.at(-1)!;
    expect(session.command).toBe(SHELL_COMMAND);
    expect(session.sizes).toEqual([
      { cols: 80, rows: 24 },
      { cols: 120, rows: 40 },
    ]);
    expect(t.raw).toEqual([true, false]);
    expect(t.listeners.resize.size).toBe(0);
    expect(t.listeners.signal.size).toBe(0);
  });

  it('passes Ctrl-C to the remote side as a byte when SIGINT arrives outside raw mode', async () => {
    const t = fakeTerminal();
    t.terminal.isTTY = false;
    const { io: cliIO } = io();
    const done = shell(['demo'], cliIO, createAwsClients, t.terminal);
    t.input.write('echo ready\n');
    await t.seen('ready');
    for (const l of t.listeners.signal) l('SIGINT');
    // Without a pty the agent's shell reads the byte as text: end that line before exiting.
    t.input.write('\nexit\n');
    expect(await done).toBe(0);
    expect(world.agent.sessions.at(-1)!.input).toContain('\x03');
    expect(t.raw).toEqual([]);
  });

  it('restores the terminal when the session is ended by a signal', async () => {
    const t = fakeTerminal();
    const { io: cliIO } = io();
    const done = shell(['demo'], cliIO, createAwsClients, t.terminal);
    t.input.write('echo up\n');
    await t.seen('up');
    for (const l of t.listeners.signal) l('SIGTERM');
    expect(await done).toBe(0);
    expect(t.raw).toEqual([true, false]);
  });
});
