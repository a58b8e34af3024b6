// The decisions of runCommand that need no session: how the command is wrapped and quoted (run here
// by a real sh, as the agent's shlex split and exec would), how the pty's bytes become the output (the
// end marker never shown, whatever the chunk boundaries), and the Session Manager target of a task.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import type { Task } from '@aws-sdk/client-ecs';
import { ExecOutputStream, shellQuote, wrapCommand } from '@moodle-preview/core';
import { execTargetId } from '../../packages/core/src/exec/run-command.js';

const MARKER = '__MDL_EXEC_END_0123456789ABCDEF__:';

/** Push `text` through a stream in the given chunk sizes (cycled); what was shown, and the exit code. */
function feed(
  text: string,
  sizes: number[],
  marker = MARKER,
): { shown: string; exitCode?: number; end: string } {
  const stream = new ExecOutputStream(marker);
  const bytes = Buffer.from(text, 'utf8');
  let shown = '';
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    shown += stream.push(bytes.subarray(at, at + n));
    at += n;
  }
  const end = stream.end();
  return { shown, end, ...(stream.exitCode !== undefined ? { exitCode: stream.exitCode } : {}) };
}

describe('the output stream', () => {
  const output = 'line one\r\nzwei: grüße ✓\r\n\r\nlast line without newline';
  const whole = `${output}\r\n${MARKER}3\r\n`;

  it('shows the output without its marker and reads the exit code, at every chunk boundary', () => {
    const want = output.replace(/\r\n/g, '\n');
    for (let size = 1; size <= Buffer.byteLength(whole); size++) {
      const r = feed(whole, [size]);
      expect({ size, ...r }).toEqual({ size, shown: want, exitCode: 3, end: '' });
    }
    // Uneven chunks split a multi-byte character, a \r\n and the marker itself.
    expect(feed(whole, [3, 1, 7, 2, 5])).toEqual({ shown: want, exitCode: 3, end: '' });
  });

  it('reads exit codes of several digits and shows nothing that comes after the marker', () => {
    expect(feed(`x\n\n${MARKER}255\nafter\n`, [4])).toEqual({ shown: 'x\n', exitCode: 255, end: '' });
    const stream = new ExecOutputStream(MARKER);
    expect(stream.push(Buffer.from(`\n${MARKER}0\n`))).toBe('');
    expect(stream.exitCode).toBe(0);
    expect(stream.push(Buffer.from('more\n'))).toBe('');
  });

  it('holds back only what could still become the marker', () => {
    const stream = new ExecOutputStream(MARKER);
    // A line that starts like the marker is held…
    expect(stream.push(Buffer.from('abc\n__MDL_EXEC'))).toBe('abc');
    // …and shown once it turns out to be something else.
    expect(stream.push(Buffer.from('UTION done\n'))).toBe('\n__MDL_EXECUTION done');
    // The newline held after "done" was output; the marker with digits but no end yet is held, and a
    // \r after it until its \n comes.
    expect(stream.push(Buffer.from(`\n${MARKER}12`))).toBe('\n');
    expect(stream.exitCode).toBeUndefined();
    expect(stream.push(Buffer.from('\r'))).toBe('');
    expect(stream.push(Buffer.from('\n'))).toBe('');
    expect(stream.exitCode).toBe(12);
  });

  it('shows a last line that cannot become the marker at once (a prompt, a progress line)', () => {
    const stream = new ExecOutputStream(MARKER);
    expect(stream.push(Buffer.from('done\nContinue? [y/N] '))).toBe('done\nContinue? [y/N] ');
    expect(stream.push(Buffer.from('no newline at all'))).toBe('no newline at all');
    expect(stream.push(Buffer.from('\n__MDL_EXEC_END_0123456789ABCDEF__:1x'))).toBe(
      '\n__MDL_EXEC_END_0123456789ABCDEF__:1x',
    );
    expect(stream.end()).toBe('');
  });

  it('gives back what it held when the stream ends without a marker', () => {
    expect(feed('partial\n__MDL_EXEC_END_', [64])).toEqual({ shown: 'partial', end: '\n__MDL_EXEC_END_' });
    expect(feed('cr at the end\r', [64])).toEqual({ shown: 'cr at the end', end: '\r' });
    // A marker of another session (other digits) is output, not an end.
    const other = '__MDL_EXEC_END_FEDCBA9876543210__:';
    expect(feed(`a\n${other}0\nb\n`, [5])).toEqual({ shown: `a\n${other}0\nb`, end: '\n' });
  });

  it('gives back what it held only once', () => {
    const stream = new ExecOutputStream(MARKER);
    expect(stream.push(Buffer.from('partial\n__MDL'))).toBe('partial');
    expect(stream.end()).toBe('\n__MDL');
    expect(stream.end()).toBe('');
  });

  it('keeps a lone \\r that is not followed by \\n', () => {
    expect(feed(`50%\r100%\n\n${MARKER}0\n`, [4])).toEqual({ shown: '50%\r100%\n', exitCode: 0, end: '' });
  });
});

describe('the command line', () => {
  it('leaves plain words as they are and quotes everything else for sh', () => {
    expect(shellQuote('php')).toBe('php');
    expect(shellQuote('/data/apache/htdocs/moodle/admin/cli/cron.php')).toBe(
      '/data/apache/htdocs/moodle/admin/cli/cron.php',
    );
    expect(shellQuote('--name=a,b:c@d%e+f')).toBe('--name=a,b:c@d%e+f');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('two words')).toBe("'two words'");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote('$HOME;rm -rf /')).toBe(`'$HOME;rm -rf /'`);
  });

  /** Run a wrapped command line as the agent does: split into words (sh's quoting), no shell of its own. */
  const runWrapped = (line: string) => spawnSync('sh', ['-c', `exec ${line}`], { encoding: 'utf8' });

  it('runs the user command untouched and prints its exit status after it on a line of its own', () => {
    const argv = ['printf', '%s|', "it's", 'a b', '$HOME', '`id`'];
    const r = runWrapped(wrapCommand(argv, MARKER));
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`it's|a b|$HOME|\`id\`|\n${MARKER}0\n`);

    const line = 'echo "to stderr" >&2; exit 7';
    const failing = runWrapped(wrapCommand(line, MARKER));
    expect(failing.stderr).toBe('to stderr\n');
    expect(failing.stdout).toBe(`\n${MARKER}7\n`);
    // The wrapper itself succeeds: the exit code travels in the marker, as the agent reports none.
    expect(failing.status).toBe(0);
  });

  it('gives the ExecOutputStream exactly what the command printed and its status', () => {
    const r = runWrapped(wrapCommand('printf "no newline"; exit 42', MARKER));
    expect(feed(r.stdout, [7])).toEqual({ shown: 'no newline', exitCode: 42, end: '' });
  });
});

describe('the Session Manager target', () => {
  const task = (extra: Partial<Task> = {}): Task => ({
    taskArn: 'arn:aws:ecs:eu-west-2:123456789012:task/moodle_cluster/0123456789abcdef0123456789abcdef',
    clusterArn: 'arn:aws:ecs:eu-west-2:123456789012:cluster/moodle_cluster',
    containers: [
      { name: 'sidecar', runtimeId: '0123456789abcdef0123456789abcdef-1111111111' },
      { name: 'demo', runtimeId: '0123456789abcdef0123456789abcdef-2222222222' },
    ],
    ...extra,
  });

  it('is ecs:<cluster name>_<task id>_<runtime id of the named container>', () => {
    expect(execTargetId('ignored', task(), 'demo')).toBe(
      'ecs:moodle_cluster_0123456789abcdef0123456789abcdef_0123456789abcdef0123456789abcdef-2222222222',
    );
  });

  it('takes the cluster as given when the task does not name it, and no runtime id when it has none', () => {
    const { clusterArn: _dropped, ...bare } = task();
    expect(execTargetId('moodle_cluster', bare, 'nginx')).toBe(
      'ecs:moodle_cluster_0123456789abcdef0123456789abcdef_',
    );
    expect(execTargetId('arn:aws:ecs:eu-west-2:123456789012:cluster/other', bare, 'sidecar')).toBe(
      'ecs:other_0123456789abcdef0123456789abcdef_0123456789abcdef0123456789abcdef-1111111111',
    );
  });
});
