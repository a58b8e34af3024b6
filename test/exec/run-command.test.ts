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
    ).rejects.toThrow(
      `the exec agent of task ${world.tasks[0]!.split('/').pop()} did not connect after 3 attempts; likely causes: exec is not enabled`,
    );
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
      /did not finish within 0 s; exec session ecs-execute-command-\w+ was ended \(the process may still run in the container\)$/,
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
      /task 0123456789abcdef was not found in cluster moodle_cluster \(MISSING\); list the running tasks with mdl-preview tasks <preview_link>$/,
    );
    await expect(call(world.tasks[0]!, 'nginx')).rejects.toThrow(/has no container nginx \(it has demo\)/);
    await expect(call(world.tasks[0]!)).rejects.toBeInstanceOf(ConfigurationError);
    const task = world.fake.ecs.tasks.get(world.tasks[0]!)!;
    task.enableExecuteCommand = true;
    task.containers[0]!.managedAgents = [{ name: 'ExecuteCommandAgent', lastStatus: 'PENDING' }];
    await expect(call(world.tasks[0]!)).rejects.toThrow(
      /ExecuteCommandAgent of container demo in task \w+ is PENDING; likely causes: .*ssmmessages.*VPC endpoint/,
    );
    // The likely causes name the permissions the task role needs, and ECS's reason is passed on.
    await expect(call(world.tasks[0]!)).rejects.toThrow(
      'the task role lacks ssmmessages:CreateControlChannel/CreateDataChannel/OpenControlChannel/OpenDataChannel',
    );
    task.containers[0]!.managedAgents = [{ name: 'ExecuteCommandAgent', lastStatus: 'STOPPED' }];
    // ECS says why an agent is not running (ManagedAgent.reason, which the fake does not model).
    Object.assign(task.containers[0]!.managedAgents[0]!, { reason: 'agent exited with code 1' });
    await expect(call(world.tasks[0]!)).rejects.toThrow(
      /is STOPPED \(agent exited with code 1\); likely causes/,
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

  it('asks which container of a task with several, and runs in the one named', async () => {
    world = await createExecWorld({ containers: ['demo', 'sidecar'] });
    const id = world.tasks[0]!.split('/').pop()!;
    const refused = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'true',
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toBe(
      `task ${id} has containers demo, sidecar: name one with --container`,
    );
    expect(world.fake.server.count({ service: 'ecs', action: 'ExecuteCommand' })).toBe(0);

    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      container: 'sidecar',
      command: 'echo hi',
    });
    expect(r).toMatchObject({ exitCode: 0, output: 'hi\n' });
    expect([...world.fake.ecs.execSessions.values()].map((x) => x.container)).toEqual(['sidecar']);
  });

  it("finds the exec agent by its name among the container's managed agents", async () => {
    world = await createExecWorld();
    const id = world.tasks[0]!.split('/').pop()!;
    const container = world.fake.ecs.tasks.get(world.tasks[0]!)!.containers[0]!;
    const exec = container.managedAgents![0]!;
    expect(exec).toMatchObject({ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' });
    // ECS lists managed agents by name; another one (stopped) before the exec agent is not it.
    const other = (lastStatus: string) => ({ name: 'SomeOtherAgent', lastStatus }) as unknown as typeof exec;
    container.managedAgents = [other('STOPPED'), exec];
    const call = () =>
      runCommand({
        clients: world!.clients,
        cluster: world!.cluster,
        task: world!.tasks[0]!,
        command: 'exit 4',
      });
    await expect(call()).resolves.toMatchObject({ exitCode: 4 });
    // A running agent of another name is no exec agent: refused before ExecuteCommand.
    container.managedAgents = [other('RUNNING')];
    world.fake.server.resetCalls();
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(
      new RegExp(`^container demo of task ${id} has no ExecuteCommandAgent; likely causes: `),
    );
    expect(world.fake.server.count({ service: 'ecs', action: 'ExecuteCommand' })).toBe(0);
  });

  it('without a sleep of its own, really waits between the attempts to connect', async () => {
    world = await createExecWorld();
    world.fake.ecs.execNotConnected = 2;
    const at: number[] = [];
    world.fake.server.beforeHandle = (_service, action) => {
      if (action === 'ExecuteCommand') at.push(Date.now());
    };
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const r = await runCommand({
        clients: world.clients,
        cluster: world.cluster,
        task: world.tasks[0]!,
        command: 'true',
        connectBackoffMs: 400,
      });
      expect(r.exitCode).toBe(0);
    } finally {
      random.mockRestore();
    }
    // Waits of 0.5 × 400 ms and 0.5 × 800 ms between the three calls.
    expect(at.length).toBe(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(195);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(395);
  });

  it('returns the whole output of many frames, in order, and how long the command took', async () => {
    // Five-byte payloads: the output arrives in many frames, the marker split across several.
    world = await createExecWorld({ agent: { chunkSize: 5 } });
    const seen: string[] = [];
    const before = Date.now();
    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'printf "one\\ntwo\\nthree\\n"; sleep 0.3; printf "four"; exit 2',
      onOutput: (t) => seen.push(t),
    });
    const took = Date.now() - before;
    expect(r).toMatchObject({ exitCode: 2, output: 'one\ntwo\nthree\nfour' });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.join('')).toBe(r.output);
    expect(r.durationMs).toBeGreaterThanOrEqual(300);
    expect(r.durationMs).toBeLessThanOrEqual(took);
  });

  it('calls onOutput only with text: a command that prints nothing gives no calls', async () => {
    world = await createExecWorld({ agent: { chunkSize: 5 } });
    const seen: string[] = [];
    const run = (command: string) =>
      runCommand({
        clients: world!.clients,
        cluster: world!.cluster,
        task: world!.tasks[0]!,
        command,
        onOutput: (t) => seen.push(t),
      });
    await expect(run('exit 3')).resolves.toMatchObject({ exitCode: 3, output: '' });
    expect(seen).toEqual([]);
    // Chunks that are all held back (the start of the marker) are not passed on either.
    await expect(run('printf "a\\nb"')).resolves.toMatchObject({ exitCode: 0, output: 'a\nb' });
    expect(seen.every((t) => t.length > 0)).toBe(true);
  });

  it('a line of the output that is only a number is output, not the end', async () => {
    world = await createExecWorld();
    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'printf "rows:\\n0\\n12\\n"; exit 5',
    });
    expect(r).toMatchObject({ exitCode: 5, output: 'rows:\n0\n12\n' });
  });

  it('fails with the broken channel when the socket drops before the exit status came', async () => {
    // The agent kills the socket after the first output frame; the command is still running.
    world = await createExecWorld({ agent: { killAfterOutputFrames: 1 } });
    const seen: string[] = [];
    const err = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!,
      command: 'echo started; sleep 30',
      onOutput: (t) => seen.push(t),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataChannelError);
    // Not "ended before the command reported its exit status": nothing ended, the connection broke.
    expect((err as Error).message).toMatch(
      /^the exec data channel closed unexpectedly \(WebSocket code \d+\) before the session ended; the command may still be running/,
    );
    // Everything that arrived before the break is shown, the newline held back for the marker too.
    expect(seen.join('')).toBe('started\n');
  });

  it('leaves no timer behind when the command has ended (a CLI run exits at once)', async () => {
    world = await createExecWorld();
    // Timers come and go with the sockets and the SDK (for ~100 ms): count the fewest seen in 600 ms.
    const fewestTimers = async () => {
      let fewest = Infinity;
      for (let k = 0; k < 24; k++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        fewest = Math.min(fewest, process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length);
      }
      return fewest;
    };
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      // The default timeout of 10 minutes: a timer left running would hold the process that long.
      const r = await runCommand({
        clients: world.clients,
        cluster: world.cluster,
        task: world.tasks[0]!,
        command: 'echo hi',
      });
      expect(r.exitCode).toBe(0);
      counts.push(await fewestTimers());
    }
    // Each run leaves no more timers than the first one did (the fake's and the SDK's own).
    expect(counts[2]).toBeLessThanOrEqual(counts[0]!);
  });
});
