// ECS Exec without the plugin: check the task, call ExecuteCommand, run the command over our own data
// channel, and recover its exit code — the agent runs the command without a shell and reports none.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { DescribeTasksCommand, ExecuteCommandCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import { KMSClient } from '@aws-sdk/client-kms';
import { TerminateSessionCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DataChannel, DataChannelError, type DataChannelTuning } from './data-channel.js';

const EXEC_AGENT = 'ExecuteCommandAgent';
const LIKELY_CAUSES =
  'likely causes: exec is not enabled on the service (enableExecuteCommand, then replace the tasks), ' +
  'the agent has not started yet, the task role lacks ssmmessages:CreateControlChannel/CreateDataChannel/' +
  'OpenControlChannel/OpenDataChannel, or the task has no route to Session Manager (no ssmmessages VPC endpoint or NAT)';

export interface ExecClients {
  ecs: ECSClient;
  /** For ssm:TerminateSession when a session is abandoned; optional. */
  ssm?: SSMClient;
}

export interface ExecTarget {
  clients: ExecClients;
  cluster: string;
  /** Task id or ARN. */
  task: string;
  /** Needed when the task has more than one container. */
  container?: string;
  log?: Logger;
  /** Attempts of ExecuteCommand while the target is not connected yet (default 5). */
  connectAttempts?: number;
  /** Base of the jittered backoff between those attempts (default 1000 ms). */
  connectBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  tuning?: Partial<DataChannelTuning>;
  /**
   * For clusters whose exec configuration sets a kmsKeyId. By default a KMS client is made, only when
   * the handshake asks for it, from the ECS client's region and credentials (the default endpoint
   * chain, so AWS_ENDPOINT_URL applies); the target defaults to `ecs:<cluster>_<taskId>_<runtimeId>`.
   */
  kms?: { client?: KMSClient; targetId?: string };
}

export interface ExecSessionOptions extends ExecTarget {
  /** The command line as the agent receives it. */
  command: string;
  /** Raw output payloads, in order, exactly once. */
  onOutput: (data: Buffer, payloadType: number) => void;
}

export interface RunCommandOptions extends ExecTarget {
  /** A shell command line, or argv (quoted for sh). */
  command: string | readonly string[];
  /** Give up (and end the session) after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Output as it arrives, `\r\n` normalised, the end marker removed. */
  onOutput?: (text: string) => void;
}

export interface RunCommandResult {
  exitCode: number;
  output: string;
  durationMs: number;
  sessionId: string;
}

export class ExecTimeoutError extends Error {
  override name = 'ExecTimeoutError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/** An open ECS Exec session: the data channel and what is needed to end it. */
export interface ExecSession {
  sessionId: string;
  container: string;
  taskArn: string;
  channel: DataChannel;
  /** Close the channel and ask Session Manager to terminate the session (best effort). */
  terminate(): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Quote one word for sh (and for the agent's shlex split): single quotes, `'` as `'"'"'`. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/**
 * The command line handed to ExecuteCommand. The agent splits it with shlex and runs it without a
 * shell (amazon-ssm-agent agent/session/shell/shell_unix.go:84), so we run `sh -c` ourselves: the
 * user's command goes in as `$1` untouched, and a marker line after it carries `$?`.
 */
export function wrapCommand(command: string | readonly string[], marker: string): string {
  const line = typeof command === 'string' ? command : command.map(shellQuote).join(' ');
  const script = `sh -c "$1"; s=$?; printf "\\n%s%s\\n" ${marker} "$s"`;
  return `sh -c ${shellQuote(script)} mdl-exec ${shellQuote(line)}`;
}

/**
 * Turns the pty's byte stream into text: UTF-8 across chunk boundaries, `\r\n` → `\n`, and the end
 * marker (with the newline we print before it) cut off and parsed, never shown.
 */
export class ExecOutputStream {
  exitCode: number | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private held = '';
  private readonly pattern: RegExp;

  constructor(private readonly marker: string) {
    this.pattern = new RegExp(`\\n${marker}(\\d+)\\n`);
  }

  /** Returns the text that is safe to show now. */
  push(chunk: Buffer): string {
    if (this.exitCode !== undefined) return '';
    const text = (this.held + this.decoder.write(chunk)).replace(/\r\n/g, '\n');
    const found = this.pattern.exec(text);
    if (found) {
      this.exitCode = Number(found[1]);
      this.held = '';
      return text.slice(0, found.index);
    }
    // Hold back what could still become the marker (it starts at the last newline), or a lone \r.
    const last = text.lastIndexOf('\n');
    const tail = last >= 0 ? text.slice(last) : '';
    let keep = text.length;
    if (tail && (`\n${this.marker}`.startsWith(tail) || new RegExp(`^\\n${this.marker}\\d*\\r?$`).test(tail)))
      keep = last;
    else if (text.endsWith('\r')) keep = text.length - 1;
    this.held = text.slice(keep);
    return text.slice(0, keep);
  }

  /** What was held back when the stream ended without a marker. */
  end(): string {
    const rest = this.held + this.decoder.end();
    this.held = '';
    return rest;
  }
}

async function describeTask(target: ExecTarget): Promise<Task> {
  const out = await target.clients.ecs.send(
    new DescribeTasksCommand({ cluster: target.cluster, tasks: [target.task] }),
  );
  const task = out.tasks?.[0];
  if (!task)
    throw new ConfigurationError(
      `task ${target.task} was not found in cluster ${target.cluster} (${out.failures?.[0]?.reason ?? 'MISSING'}); ` +
        'list the running tasks with mdl-preview tasks <preview_link>',
    );
  return task;
}

/** Preflight: the task is RUNNING, the container exists, and its exec agent is RUNNING. */
export async function checkExecTarget(target: ExecTarget): Promise<{ task: Task; container: string }> {
  const task = await describeTask(target);
  const id = task.taskArn?.split('/').pop() ?? target.task;
  if (task.lastStatus !== 'RUNNING')
    throw new ConfigurationError(
      `task ${id} is ${task.lastStatus ?? 'in an unknown state'}, not RUNNING: exec needs a running task`,
    );
  const containers = task.containers ?? [];
  const names = containers.map((c) => c.name).join(', ');
  let container = containers.find((c) => c.name === target.container);
  if (target.container === undefined) {
    if (containers.length !== 1)
      throw new ConfigurationError(`task ${id} has containers ${names}: name one with --container`);
    container = containers[0];
  }
  if (!container)
    throw new ConfigurationError(`task ${id} has no container ${target.container} (it has ${names})`);
  if (!task.enableExecuteCommand)
    throw new ConfigurationError(
      `task ${id} was started without ECS Exec: enable enableExecuteCommand on the service and replace its tasks`,
    );
  const agent = container.managedAgents?.find((a) => a.name === EXEC_AGENT);
  if (!agent)
    throw new ConfigurationError(
      `container ${container.name} of task ${id} has no ${EXEC_AGENT}; ${LIKELY_CAUSES}`,
    );
  if (agent.lastStatus !== 'RUNNING')
    throw new ConfigurationError(
      `the ${EXEC_AGENT} of container ${container.name} in task ${id} is ${agent.lastStatus ?? 'unknown'}` +
        `${agent.reason ? ` (${agent.reason})` : ''}; ${LIKELY_CAUSES}`,
    );
  return { task, container: container.name! };
}

/** The Session Manager target of an ECS Exec session, as the AWS CLI builds it: `ecs:<cluster>_<taskId>_<runtimeId>`. */
export function execTargetId(cluster: string, task: Task, container: string): string {
  const clusterName = (task.clusterArn ?? cluster).split('/').pop()!;
  const taskId = task.taskArn?.split('/').pop() ?? '';
  const runtimeId = task.containers?.find((c) => c.name === container)?.runtimeId ?? '';
  return `ecs:${clusterName}_${taskId}_${runtimeId}`;
}

/** Preflight, ExecuteCommand (retrying a not-yet-connected target with jitter), open the channel. */
export async function openExecSession(target: ExecSessionOptions): Promise<ExecSession> {
  const { clients, cluster } = target;
  const { task, container } = await checkExecTarget(target);
  const attempts = target.connectAttempts ?? 5;
  const base = target.connectBackoffMs ?? 1000;
  const sleep = target.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await clients.ecs.send(
        new ExecuteCommandCommand({
          cluster,
          task: task.taskArn,
          container,
          command: target.command,
          interactive: true,
        }),
      );
      const s = out.session;
      if (!s?.sessionId || !s.streamUrl || !s.tokenValue)
        throw new DataChannelError('ExecuteCommand answered without a session');
      target.log?.mask(s.tokenValue);
      const sessionId = s.sessionId;
      let ownKms: KMSClient | undefined;
      const channel = await DataChannel.open({
        kms: {
          client:
            target.kms?.client ??
            (() =>
              (ownKms ??= new KMSClient({
                region: clients.ecs.config.region,
                credentials: clients.ecs.config.credentials,
              }))),
          targetId: target.kms?.targetId ?? execTargetId(cluster, task, container),
          sessionId,
        },
        streamUrl: s.streamUrl,
        tokenValue: s.tokenValue,
        onOutput: target.onOutput,
        log: target.log,
        tuning: target.tuning,
      });
      void channel.ended.finally(() => ownKms?.destroy()).catch(() => undefined);
      return {
        sessionId,
        container,
        taskArn: task.taskArn!,
        channel,
        terminate: async () => {
          channel.close();
          if (!clients.ssm) return;
          try {
            await clients.ssm.send(new TerminateSessionCommand({ SessionId: sessionId }));
          } catch (err) {
            target.log?.warning(`could not terminate exec session ${sessionId}: ${(err as Error).message}`);
          }
        },
      };
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'TargetNotConnectedException' || attempt >= attempts) {
        if (name === 'TargetNotConnectedException')
          throw new ConfigurationError(
            `the exec agent of task ${task.taskArn?.split('/').pop()} did not connect after ${attempt} attempts; ${LIKELY_CAUSES}`,
          );
        throw err;
      }
      // Full jitter: concurrent cron runs must not retry in lockstep.
      const delay = Math.random() * base * 2 ** (attempt - 1);
      target.log?.debug(`exec: target not connected, retrying in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }
}

/** Run one command in a container and return its real exit code and output. */
export async function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const started = Date.now();
  const marker = `__MDL_EXEC_END_${randomBytes(8).toString('hex').toUpperCase()}__:`;
  const stream = new ExecOutputStream(marker);
  const parts: string[] = [];
  const emit = (text: string) => {
    if (!text) return;
    parts.push(text);
    options.onOutput?.(text);
  };
  const session = await openExecSession({
    ...options,
    command: wrapCommand(options.command, marker),
    onOutput: (data) => emit(stream.push(data)),
  });
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  try {
    const outcome = await Promise.race([
      session.channel.ended.catch((err: unknown) => {
        // The marker is the real end: a socket dropped after it has lost nothing.
        if (stream.exitCode !== undefined && err instanceof DataChannelError)
          return { by: 'client' as const };
        // Before it, what the stream held back (a last newline that could have begun the marker) is
        // output after all: the caller shows everything that arrived.
        emit(stream.end());
        throw err;
      }),
      timedOut,
    ]);
    if (outcome === 'timeout') {
      await session.terminate();
      emit(stream.end());
      throw new ExecTimeoutError(
        `the command did not finish within ${Math.round(timeoutMs / 1000)} s; exec session ${session.sessionId} was ended ` +
          '(the process may still run in the container)',
        parts.join(''),
      );
    }
    if (stream.exitCode === undefined) {
      emit(stream.end());
      const said = outcome.by === 'service' && outcome.output ? `: ${outcome.output}` : '';
      throw new DataChannelError(
        `exec session ${session.sessionId} ended before the command reported its exit status${said}`,
      );
    }
    return {
      exitCode: stream.exitCode,
      output: parts.join(''),
      durationMs: Date.now() - started,
      sessionId: session.sessionId,
    };
  } finally {
    clearTimeout(timer);
    session.channel.close();
  }
}
