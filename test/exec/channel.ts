// Runs a command through the exec client's data channel against the test agent, without ECS: the
// same wrapping and end-marker parsing runCommand uses, so the protocol layer is tested on its own.
import { randomBytes } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
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
    sessionFor: (token) => {
      // `token@<sessionId>:<command>` names the session (an encrypted session's context needs it).
      const named = /^token@([^:]+):/.exec(token);
      if (named) return { command: token.slice(named[0].length), sessionId: named[1]! };
      return token.startsWith('token:')
        ? { command: token.slice(6), sessionId: `session-${++n}` }
        : undefined;
    },
  });
}

export async function runOverChannel(
  server: SsmAgentServer,
  command: string,
  options: { kms?: KMSClient } = {},
): Promise<ChannelRun> {
  const marker = `__MDL_EXEC_END_${randomBytes(4).toString('hex').toUpperCase()}__:`;
  const stream = new ExecOutputStream(marker);
  const parts: string[] = [];
  const sessionId = `session-${randomBytes(4).toString('hex')}`;
  const channel = await DataChannel.open({
    streamUrl: `${server.url}/v1/data-channel/x`,
    tokenValue: options.kms
      ? `token@${sessionId}:${wrapCommand(command, marker)}`
      : `token:${wrapCommand(command, marker)}`,
    ...(options.kms ? { kms: { client: options.kms, sessionId, targetId: 'ecs:cluster_task_runtime' } } : {}),
    onOutput: (data) => parts.push(stream.push(data)),
    tuning: { resendTickMs: 10 },
  });
  await channel.ended;
  parts.push(stream.end());
  return { exitCode: stream.exitCode, output: parts.join(''), channel };
}
