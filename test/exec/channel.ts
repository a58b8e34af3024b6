// Runs a command through the exec client's data channel against the test agent, without ECS: the
// same wrapping and end-marker parsing runCommand uses, so the protocol layer is tested on its own.
import { randomBytes } from 'node:crypto';
import { DataChannel, ExecOutputStream, wrapCommand } from '@moodle-preview/core';
import { startSsmAgentServer, type SsmAgentOptions, type SsmAgentServer } from '../servers/ssm-agent.js';

export interface ChannelRun {
  exitCode: number | undefined;
  output: string;
  channel: DataChannel;
}

/** An agent server whose tokens are the commands themselves (`token:<command>`). */
export function agentFor(options: Omit<SsmAgentOptions, 'sessionFor'> = {}): Promise<SsmAgentServer> {
  let n = 0;
  return startSsmAgentServer({
    ...options,
    sessionFor: (token) =>
      token.startsWith('token:') ? { command: token.slice(6), sessionId: `session-${++n}` } : undefined,
  });
}

export async function runOverChannel(server: SsmAgentServer, command: string): Promise<ChannelRun> {
  const marker = `__MDL_EXEC_END_${randomBytes(4).toString('hex').toUpperCase()}__:`;
  const stream = new ExecOutputStream(marker);
  const parts: string[] = [];
  const channel = await DataChannel.open({
    streamUrl: `${server.url}/v1/data-channel/x`,
    tokenValue: `token:${wrapCommand(command, marker)}`,
    onOutput: (data) => parts.push(stream.push(data)),
    tuning: { resendTickMs: 10 },
  });
  await channel.ended;
  parts.push(stream.end());
  return { exitCode: stream.exitCode, output: parts.join(''), channel };
}
