// mdl-preview shell: an interactive login shell in a site's container over our own ECS Exec client —
// raw TTY, window size at start and on SIGWINCH, Ctrl-C as a byte to the remote side.
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  DataChannelError,
  destroyAwsClients,
  lineLogger,
  openExecSession,
  pickExecTask,
  siteNames,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { sitePlatform } from './site-platform.js';

/** bash when the image has it, else sh; the agent runs this without a shell, so we give it one. */
export const SHELL_COMMAND = `sh -c 'command -v bash >/dev/null && exec bash -l || exec sh -l'`;

/** The local terminal the session is wired to; injectable so tests can type and resize. */
export interface ShellTerminal {
  input: NodeJS.ReadableStream;
  write(data: Buffer): void;
  isTTY: boolean;
  setRawMode?(raw: boolean): void;
  size(): { cols: number; rows: number } | undefined;
  /** Subscribe to window size changes; returns the unsubscribe. */
  onResize(listener: () => void): () => void;
  /** Subscribe to SIGINT (not raw) and SIGTERM/SIGHUP; returns the unsubscribe. */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void;
}

export function processTerminal(): ShellTerminal {
  const stdin = process.stdin;
  return {
    input: stdin,
    write: (data) => process.stdout.write(data),
    isTTY: Boolean(stdin.isTTY),
    setRawMode: stdin.isTTY ? (raw) => stdin.setRawMode(raw) : undefined,
    size: () =>
      process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : undefined,
    onResize: (listener) => {
      process.on('SIGWINCH', listener);
      return () => process.off('SIGWINCH', listener);
    },
    onSignal: (listener) => {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const s of signals) process.on(s, listener);
      return () => {
        for (const s of signals) process.off(s, listener);
      };
    },
  };
}

export async function shell(
  args: string[],
  io: CliIO,
  make = createAwsClients,
  terminal: ShellTerminal = processTerminal(),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      task: { type: 'string' },
      container: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('shell needs exactly one preview_link');
  const link = positionals[0]!;
  const { region, cluster } = await sitePlatform(values.platform, io);
  const clients: AwsClients = make({ region });
  const cleanups: (() => void)[] = [];
  try {
    const task = await pickExecTask(clients.ecs, cluster, link, values.task);
    const session = await openExecSession({
      clients,
      cluster,
      task,
      container: values.container ?? siteNames(link).containerName,
      command: SHELL_COMMAND,
      onOutput: (data) => terminal.write(data),
      log: lineLogger((l) => io.stderr(`${l}\n`), { debug: Boolean(io.env.MDL_PREVIEW_DEBUG) }),
    });
    const { channel } = session;
    // Awaited before the clients are destroyed: TerminateSession must not be cut off mid-request.
    let terminating: Promise<void> | undefined;
    // Keystrokes racing the channel's close are dropped: the session is over either way.
    const send = (deliver: () => void) => {
      try {
        deliver();
      } catch (err) {
        if (!(err instanceof DataChannelError)) throw err;
      }
    };
    const sendSize = () => {
      const size = terminal.size();
      if (size) send(() => channel.resize(size.cols, size.rows));
    };
    // Input is queued by the channel until the handshake is complete, so nothing typed early is lost.
    sendSize();
    cleanups.push(terminal.onResize(sendSize));
    cleanups.push(
      terminal.onSignal((signal) => {
        // Without raw mode Ctrl-C arrives as SIGINT; the remote side should get it, not kill us.
        if (signal === 'SIGINT') {
          send(() => channel.sendInput('\x03'));
          return;
        }
        terminating ??= session.terminate();
      }),
    );
    if (terminal.isTTY && terminal.setRawMode) {
      terminal.setRawMode(true);
      cleanups.push(() => terminal.setRawMode?.(false));
    }
    const onData = (chunk: Buffer | string) => {
      send(() => channel.sendInput(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    };
    terminal.input.on('data', onData);
    terminal.input.resume();
    cleanups.push(() => {
      terminal.input.off('data', onData);
      terminal.input.pause();
    });
    try {
      await channel.ended;
      await terminating;
      return EXIT.ok;
    } catch (err) {
      if (err instanceof DataChannelError) {
        io.stderr(`\nerror: ${err.message}\n`);
        return EXIT.failed;
      }
      throw err;
    }
  } finally {
    // Restore the terminal whatever happened: a raw-mode terminal left behind is unusable.
    for (const cleanup of cleanups.reverse()) cleanup();
    destroyAwsClients(clients);
  }
}
