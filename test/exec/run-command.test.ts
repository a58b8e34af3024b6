// runCommand end to end: preflight through the AWS fake's DescribeTasks, ExecuteCommand with its
// retry, the data channel to the test agent, the exit code, timeouts and TerminateSession.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AwsServiceError } from '@moodle-preview/aws-fake';
import {
  ConfigurationError,
  DataChannelError,
  ExecTimeoutError,
  memoryLogger,
  openExecSession,
  runCommand,
} from '@moodle-preview/core';
import { createExecWorld, type ExecWorld } from './ecs-world.js';

let world: ExecWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('runCommand', () => {
  it('runs a command in a task and returns its real exit code and output', async () => {
    world = await createExecWorld({ agent: { chaos: { seed: 3, drop: 0.2, duplicate: 0.2, reorder: 0.2 } } });
    expect(world.tasks.length).toBe(2);
    const seen: string[] = [];
    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!.split('/').pop()!,
      command: 'echo "cron ran"; sleep 0 &',
      onOutput: (t) => seen.push(t),
      tuning: { resendTickMs: 10 },
    });
    expect(r.output).toBe('cron ran\n');
    expect(seen.join('')).toBe(r.output);
    expect(r.exitCode).toBe(0);
    const r2 = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[1]!,
      container: 'demo',
      command: ['sh', '-c', 'echo "it\'s $0"; exit 42'],
    });
    expect(r2).toMatchObject({ exitCode: 42, output: "it's sh\n" });
    const session = [...world.fake.ecs.execSessions.values()][1]!;
    expect(session.command).toMatch(/^sh -c '.*' mdl-exec /);
  });

  it('retries TargetNotConnectedException with jitter, a bounded number of times', async () => {
    world = await createExecWorld();
    world.fake.ecs.execNotConnected = 2;
    const delays: number[] = [];
    const sleep = async (ms: number) => void delays.push(ms);
    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'true',
      sleep,
    });
    expect(r.exitCode).toBe(0);
    expect(delays.length).toBe(2);
    world.fake.ecs.execNotConnected = 10;
    await expect(
      runCommand({
        clients: world.clients,
        cluster: world.cluster,
        task: world.tasks[0]!,
        command: 'true',
        sleep,
        connectAttempts: 3,
      }),
    ).rejects.toThrow(/did not connect after 3 attempts; likely causes: exec is not enabled/);
  });

  it('ends the session on timeout, terminates it and says so', async () => {
    world = await createExecWorld();
    const started = Date.now();
    const err = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'echo started; sleep 30',
      timeoutMs: 400,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecTimeoutError);
    expect((err as ExecTimeoutError).message).toMatch(
      /did not finish within 0 s; exec session ecs-execute-command-\w+ was ended/,
    );
    expect((err as ExecTimeoutError).output).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(world.fake.ssm.terminatedSessions.length).toBe(1);
    expect(world.agent.sessions[0]!.terminated).toBe(true);
  });

  it('names the likely cause when the preflight fails', async () => {
    world = await createExecWorld({ exec: false });
    const call = (task: string, container?: string) =>
      runCommand({ clients: world!.clients, cluster: world!.cluster, task, container, command: 'true' });
    await expect(call(world.tasks[0]!)).rejects.toThrow(
      /started without ECS Exec: enable enableExecuteCommand/,
    );
    await expect(call('0123456789abcdef')).rejects.toThrow(
      /task 0123456789abcdef was not found in cluster moodle_cluster/,
    );
    await expect(call(world.tasks[0]!, 'nginx')).rejects.toThrow(/has no container nginx \(it has demo\)/);
    await expect(call(world.tasks[0]!)).rejects.toBeInstanceOf(ConfigurationError);
    const task = world.fake.ecs.tasks.get(world.tasks[0]!)!;
    task.enableExecuteCommand = true;
    task.containers[0]!.managedAgents = [{ name: 'ExecuteCommandAgent', lastStatus: 'PENDING' }];
    await expect(call(world.tasks[0]!)).rejects.toThrow(
      /ExecuteCommandAgent of container demo in task \w+ is PENDING; likely causes: .*ssmmessages.*VPC endpoint/,
    );
    task.lastStatus = 'STOPPED';
    await expect(call(world.tasks[0]!)).rejects.toThrow(/is STOPPED, not RUNNING/);
  });

  it('backs off with full jitter, doubling from connect-backoff, and retries nothing else', async () => {
    world = await createExecWorld();
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      world.fake.ecs.execNotConnected = 10;
      const delays: number[] = [];
      const err = await runCommand({
        clients: world.clients,
        cluster: world.cluster,
        task: world.tasks[0]!,
        command: 'true',
        connectBackoffMs: 100,
        sleep: async (ms) => void delays.push(ms),
      }).catch((e: unknown) => e);
      // Five attempts by default: four waits of random × 100 ms × 2^(attempt − 1).
      expect((err as Error).message).toMatch(/did not connect after 5 attempts/);
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(delays).toEqual([50, 100, 200, 400]);
    } finally {
      random.mockRestore();
    }
    // Another refusal is not a target that is still connecting: it fails at once, as AWS said it.
    world.fake.ecs.execNotConnected = 0;
    world.fake.server.beforeHandle = (_service, action) => {
      if (action === 'ExecuteCommand')
        throw new AwsServiceError('AccessDeniedException', 'not allowed to exec', 400);
    };
    const delays: number[] = [];
    const denied = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'true',
      sleep: async (ms) => void delays.push(ms),
    }).catch((e: unknown) => e);
    expect((denied as Error).name).toBe('AccessDeniedException');
    expect(denied).not.toBeInstanceOf(ConfigurationError);
    expect(delays).toEqual([]);
    expect(world.fake.server.count({ service: 'ecs', action: 'ExecuteCommand' })).toBe(5 + 1);
  });

  it('takes the exit status from the marker though the socket drops right after it', async () => {
    // The agent sends the marker's frame (the command prints nothing else) and kills the socket.
    world = await createExecWorld({ agent: { killAfterOutputFrames: 1 } });
    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'exit 7',
    });
    expect(r).toMatchObject({ exitCode: 7, output: '' });
    expect(world.agent.sessions[0]!.outputFramesSent).toBe(1);
  });

  it('fails when the session ends before the command reported its status, with what the service said', async () => {
    world = await createExecWorld();
    const seen: string[] = [];
    const running = runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'echo started; sleep 30',
      onOutput: (t) => {
        seen.push(t);
        // Session Manager ends the session (ssm:TerminateSession by someone else, an idle timeout).
        if (t.includes('started')) world!.agent.terminate(world!.agent.sessions[0]!.sessionId);
      },
    });
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataChannelError);
    expect((err as Error).message).toMatch(
      /^exec session \S+ ended before the command reported its exit status: Session \S+ terminated\.$/,
    );
    expect(seen.join('')).toBe('started\n');
  });

  it('terminates an abandoned session through Session Manager, and only warns when that fails', async () => {
    world = await createExecWorld();
    const log = memoryLogger();
    const open = () =>
      openExecSession({
        clients: world!.clients,
        cluster: world!.cluster,
        task: world!.tasks[0]!,
        command: 'sleep 30',
        onOutput: () => undefined,
        log,
      });
    const session = await open();
    await session.terminate();
    expect(world.fake.ssm.terminatedSessions).toEqual([session.sessionId]);
    expect(world.agent.sessions[0]!.terminated).toBe(true);

    world.fake.server.beforeHandle = (_service, action) => {
      if (action === 'TerminateSession')
        throw new AwsServiceError('AccessDeniedException', 'not allowed to terminate', 400);
    };
    const second = await open();
    await expect(second.terminate()).resolves.toBeUndefined();
    expect(log.lines).toContain(
      `warning: could not terminate exec session ${second.sessionId}: not allowed to terminate`,
    );
    // Without an SSM client the channel is closed and nothing is asked of Session Manager.
    world.fake.server.beforeHandle = undefined;
    world.fake.server.resetCalls();
    const third = await openExecSession({
      clients: { ecs: world.clients.ecs },
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'sleep 30',
      onOutput: () => undefined,
    });
    await third.terminate();
    expect(world.fake.server.count({ service: 'ssm', action: 'TerminateSession' })).toBe(0);
    await expect(third.channel.ended).resolves.toEqual({ by: 'client' });
  });
});
