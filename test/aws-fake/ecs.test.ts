// The ECS fake through a real ECSClient reached only through the fake's environment: task definitions
// with AWS-filled keys, services whose deployments advance with the fake's clock (the SDK's waiters to success,
// rollback and timeout), one-off tasks and their hook, paging, typed errors and retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  ClientException,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  ResourceNotFoundException,
  RunTaskCommand,
  ServiceNotActiveException,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  paginateListServices,
  paginateListTaskDefinitions,
  paginateListTasks,
  waitForServicesStable,
  waitUntilServicesInactive,
  waitUntilServicesStable,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

const CLUSTER = 'previews';
const network = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };
/** Waiters poll every few milliseconds: the fake's clock moves a simulated second per request. */
const fastWait = (client: ECSClient, maxWaitTime = 5) => ({
  client,
  maxWaitTime,
  minDelay: 0.005,
  maxDelay: 0.02,
});

let fake: AwsFake;
let ecs: ECSClient;
let logsClient: CloudWatchLogsClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  fake.ecs.seedCluster(CLUSTER);
  fake.logs.seedGroup('/moodle-preview/site');
  // Only the standard environment points the SDK at the fake.
  Object.assign(process.env, fake.env());
  ecs = new ECSClient({ retryStrategy: new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt) });
  logsClient = new CloudWatchLogsClient({});
});

afterAll(async () => {
  ecs.destroy();
  logsClient.destroy();
  await fake.close();
  process.env = savedEnv;
});

function taskDefinition(
  family: string,
  image: string,
  extra: Partial<RegisterTaskDefinitionCommandInput> = {},
) {
  return new RegisterTaskDefinitionCommand({
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: [
      {
        name: 'moodle',
        image,
        portMappings: [{ containerPort: 8080 }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/moodle-preview/site',
            'awslogs-region': 'eu-west-2',
            'awslogs-stream-prefix': family,
          },
        },
      },
    ],
    ...extra,
  });
}

function createService(name: string, taskDef: string, extra: Record<string, unknown> = {}) {
  return new CreateServiceCommand({
    cluster: CLUSTER,
    serviceName: name,
    taskDefinition: taskDef,
    desiredCount: 1,
    launchType: 'FARGATE',
    networkConfiguration: network,
    enableExecuteCommand: true,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    ...extra,
  });
}

async function describeService(name: string) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }));
  return out.services![0]!;
}

describe('task definitions', () => {
  it('registers revisions per family and answers the keys AWS fills in', async () => {
    const first = await ecs.send(
      taskDefinition('td-a', 'moodle:1', { tags: [{ key: 'moodle-preview:site', value: 'a' }] }),
    );
    const second = await ecs.send(taskDefinition('td-a', 'moodle:2'));
    const td = second.taskDefinition!;
    expect(first.taskDefinition!.revision).toBe(1);
    expect(first.tags).toEqual([{ key: 'moodle-preview:site', value: 'a' }]);
    expect(td.revision).toBe(2);
    expect(td.taskDefinitionArn).toBe('arn:aws:ecs:eu-west-2:123456789012:task-definition/td-a:2');
    expect(td.status).toBe('ACTIVE');
    expect(td.registeredAt).toBeInstanceOf(Date);
    expect(td.registeredBy).toMatch(/^arn:aws:sts::123456789012:assumed-role\//);
    expect(td.compatibilities).toEqual(['EC2', 'FARGATE']);
    expect(td.requiresAttributes!.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'ecs.capability.task-eni',
        'com.amazonaws.ecs.capability.logging-driver.awslogs',
      ]),
    );
    expect(td.containerDefinitions![0]).toMatchObject({
      cpu: 0,
      essential: true,
      environment: [],
      mountPoints: [],
      volumesFrom: [],
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
    });
  });

  it('describes by family, family:revision and ARN, with tags only when asked', async () => {
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'td-a' }));
    expect(latest.taskDefinition!.revision).toBe(2);
    expect(latest.tags).toBeUndefined();
    const byRevision = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'td-a:1', include: ['TAGS'] }),
    );
    expect(byRevision.tags).toEqual([{ key: 'moodle-preview:site', value: 'a' }]);
    const byArn = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: latest.taskDefinition!.taskDefinitionArn }),
    );
    expect(byArn.taskDefinition!.containerDefinitions![0]!.image).toBe('moodle:2');
    await expect(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })),
    ).rejects.toBeInstanceOf(ClientException);
  });

  it('refuses a Fargate task definition without task-level cpu', async () => {
    const err = await ecs.send(taskDefinition('td-bad', 'x', { cpu: undefined })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientException);
    expect((err as Error).message).toBe("Fargate requires that 'cpu' be defined at the task level.");
  });

  it('lists, pages, deregisters and deletes', async () => {
    for (let i = 0; i < 3; i++) await ecs.send(taskDefinition('td-list', `img:${i}`));
    const pages: string[][] = [];
    for await (const page of paginateListTaskDefinitions(
      { client: ecs, pageSize: 2 },
      { familyPrefix: 'td-list', sort: 'DESC' },
    )) {
      pages.push(page.taskDefinitionArns!.map((a) => a.split('/')[1]!));
    }
    expect(pages).toEqual([['td-list:3', 'td-list:2'], ['td-list:1']]);
    const gone = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'td-list:1' }));
    expect(gone.taskDefinition!.status).toBe('INACTIVE');
    const deleted = await ecs.send(
      new DeleteTaskDefinitionsCommand({ taskDefinitions: ['td-list:1', 'td-list:2'] }),
    );
    expect(deleted.taskDefinitions!.map((t) => t.status)).toEqual(['DELETE_IN_PROGRESS']);
    expect(deleted.failures![0]!.reason).toMatch(/still in ACTIVE status/);
    expect(fake.inventory()['ecs:task-definition']).toEqual(['td-a:1', 'td-a:2', 'td-list:2', 'td-list:3']);
  });
});

describe('services and deployments', () => {
  it('creates a service once; the stable waiter runs to success through simulated time', async () => {
    const created = await ecs.send(createService('site-a', 'td-a:1'));
    const deployment = created.service!.deployments![0]!;
    expect(deployment.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(deployment.rolloutState).toBe('IN_PROGRESS');
    const again = await ecs.send(createService('site-a', 'td-a:1')).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(InvalidParameterException);
    expect((again as Error).message).toBe('Creation of service was not idempotent.');

    const polls = fake.server.count({ service: 'ecs', action: 'DescribeServices' });
    await waitUntilServicesStable(fastWait(ecs), { cluster: CLUSTER, services: ['site-a'] });
    // Not stable at the first look: the waiter looked again while simulated time passed.
    expect(fake.server.count({ service: 'ecs', action: 'DescribeServices' }) - polls).toBeGreaterThanOrEqual(
      2,
    );
    const service = await describeService('site-a');
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments![0]).toMatchObject({
      id: deployment.id,
      rolloutState: 'COMPLETED',
      runningCount: 1,
    });
    const messages = service.events!.map((e) => e.message);
    expect(messages).toContain(`(service site-a) (deployment ${deployment.id}) deployment completed.`);
    expect(messages[0]).toBe('(service site-a) has reached a steady state.');
    expect(
      messages.some((m) => /^\(service site-a\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/.test(m!)),
    ).toBe(true);
  });

  it('rolls a new task definition out, draining the old deployment, and keeps the desired count', async () => {
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'site-a', desiredCount: 2 }));
    await waitUntilServicesStable(fastWait(ecs), { cluster: CLUSTER, services: ['site-a'] });
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: CLUSTER, service: 'site-a', taskDefinition: 'td-a:2' }),
    );
    const [next, previous] = updated.service!.deployments!;
    expect(next!.status).toBe('PRIMARY');
    expect(previous!.status).toBe('ACTIVE');
    expect(updated.service!.desiredCount).toBe(2);
    await waitUntilServicesStable(fastWait(ecs), { cluster: CLUSTER, services: ['site-a'] });
    const service = await describeService('site-a');
    expect(service.taskDefinition).toMatch(/td-a:2$/);
    expect(service.deployments!.map((d) => [d.id, d.rolloutState])).toEqual([[next!.id, 'COMPLETED']]);
    expect(service.events!.some((e) => /has stopped 2 running tasks/.test(e.message!))).toBe(true);
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: 'site-a', desiredStatus: 'STOPPED' }),
    );
    expect(stopped.taskArns).toHaveLength(2);
  });

  it('a failing image trips the circuit breaker: the waiter still succeeds, on the rolled-back deployment', async () => {
    await ecs.send(taskDefinition('td-a', 'moodle:fail'));
    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: CLUSTER,
        service: 'site-a',
        taskDefinition: 'td-a',
        desiredCount: 1,
      }),
    );
    const started = updated.service!.deployments![0]!.id;
    await waitUntilServicesStable(fastWait(ecs), { cluster: CLUSTER, services: ['site-a'] });
    const service = await describeService('site-a');
    // The trap deploy tools fall into: stable, but not with what was deployed.
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments![0]!.id).not.toBe(started);
    expect(service.deployments![0]!.rolloutState).toBe('COMPLETED');
    expect(service.taskDefinition).toMatch(/td-a:2$/);
    const messages = service.events!.map((e) => e.message);
    expect(messages).toContain(
      `(service site-a) (deployment ${started}) deployment failed: tasks failed to start.`,
    );
    expect(messages.some((m) => m!.startsWith('(service site-a) rolling back to deployment ecs-svc/'))).toBe(
      true,
    );
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, serviceName: 'site-a', desiredStatus: 'STOPPED' }),
    );
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: stopped.taskArns! }));
    const failed = tasks.tasks!.filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed[0]).toMatchObject({
      stoppedReason: 'Essential container in task exited',
      lastStatus: 'STOPPED',
    });
    expect(failed[0]!.containers![0]!.exitCode).toBe(1);
  });

  it('a first deployment that fails never becomes stable: the waiter times out', async () => {
    const created = await ecs.send(createService('site-broken', 'td-a:3'));
    expect(fake.ecs.settle()).toBeLessThan(50);
    const service = fake.ecs.service(CLUSTER, 'site-broken')!;
    expect(service.deployments[0]!.rolloutState).toBe('FAILED');
    expect(service.deployments[0]!.id).toBe(created.service!.deployments![0]!.id);
    const result = await waitForServicesStable(fastWait(ecs, 0.3), {
      cluster: CLUSTER,
      services: ['site-broken'],
    });
    expect(result.state).toBe('TIMEOUT');
    await expect(
      waitUntilServicesStable(fastWait(ecs, 0.1), { cluster: CLUSTER, services: ['site-broken'] }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('describes at most 10 services, reporting missing ones; lists services page by page', async () => {
    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER, services: ['site-a', 'ghost'] }),
    );
    expect(out.services!.map((s) => s.serviceName)).toEqual(['site-a']);
    expect(out.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-2:123456789012:service/previews/ghost', reason: 'MISSING' },
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: eleven })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: ecs, pageSize: 1 }, { cluster: CLUSTER })) {
      arns.push(...page.serviceArns!);
    }
    expect(arns.map((a) => a.split('/').pop()).sort()).toEqual(['site-a', 'site-broken']);
  });

  it('tags services; unknown resources are typed errors', async () => {
    const arn = (await describeService('site-a')).serviceArn!;
    await ecs.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'site', value: 'a' },
          { key: 'x', value: '1' },
        ],
      }),
    );
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['x'] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'site', value: 'a' },
    ]);
    const withTags = await ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER, services: ['site-a'], include: ['TAGS'] }),
    );
    expect(withTags.services![0]!.tags).toEqual([{ key: 'site', value: 'a' }]);
    await expect(
      ecs.send(new ListTagsForResourceCommand({ resourceArn: `${arn}-nope` })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deletes a service only when scaled to 0 or forced, then it drains to INACTIVE', async () => {
    await expect(
      ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'site-broken' })),
    ).rejects.toThrow('The service cannot be stopped while it is scaled above 0.');
    const deleted = await ecs.send(
      new DeleteServiceCommand({ cluster: CLUSTER, service: 'site-broken', force: true }),
    );
    expect(deleted.service!.status).toBe('DRAINING');
    await waitUntilServicesInactive(fastWait(ecs), { cluster: CLUSTER, services: ['site-broken'] });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'site-broken', desiredCount: 1 })),
    ).rejects.toBeInstanceOf(ServiceNotActiveException);
    expect(fake.inventory()['ecs:service']).toEqual(['previews/site-a']);
  });
});

describe('tasks', () => {
  it('service tasks carry runtime ids and the running ExecuteCommandAgent', async () => {
    const list = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'site-a' }));
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: list.taskArns! }));
    const task = tasks![0]!;
    expect(task).toMatchObject({
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      group: 'service:site-a',
    });
    expect(task.startedBy).toMatch(/^ecs-svc\//);
    expect(task.containers![0]).toMatchObject({
      name: 'moodle',
      lastStatus: 'RUNNING',
      managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' }],
    });
    expect(task.containers![0]!.runtimeId).toMatch(/^[0-9a-f]{32}-\d+$/);
  });

  it('runs a one-off task to STOPPED with the exit code and log lines the hook gives', async () => {
    const seen: string[][] = [];
    fake.ecs.onRunTask = async (_task, _td, overrides) => {
      seen.push(overrides.containerOverrides[0]?.command ?? []);
      return { exitCode: 3, logLines: ['upgrading', 'failed at step 3'] };
    };
    try {
      const run = await ecs.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'td-a:2',
          launchType: 'FARGATE',
          networkConfiguration: network,
          startedBy: 'upgrade-db',
          overrides: { containerOverrides: [{ name: 'moodle', command: ['php', 'admin/cli/upgrade.php'] }] },
        }),
      );
      const task = run.tasks![0]!;
      expect(task.lastStatus).toBe('PROVISIONING');
      await waitUntilTasksStopped(fastWait(ecs), { cluster: CLUSTER, tasks: [task.taskArn!] });
      const done = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [task.taskArn!] })))
        .tasks![0]!;
      expect(done).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited' });
      expect(done.containers![0]!.exitCode).toBe(3);
      expect(seen).toEqual([['php', 'admin/cli/upgrade.php']]);
      const id = task.taskArn!.split('/').pop();
      const events = await logsClient.send(
        new GetLogEventsCommand({
          logGroupName: '/moodle-preview/site',
          logStreamName: `td-a/moodle/${id}`,
          startFromHead: true,
        }),
      );
      expect(events.events!.map((e) => e.message)).toEqual(['upgrading', 'failed at step 3']);
    } finally {
      fake.ecs.onRunTask = undefined;
    }
  });

  it('moves with the clock, not with polls: frozen, a hundred looks leave a task where it was', async () => {
    const status = async (arn: string) =>
      (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks![0]!.lastStatus;
    fake.server.msPerRequest = 0;
    try {
      const run = await ecs.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'td-a:2',
          launchType: 'FARGATE',
          networkConfiguration: network,
        }),
      );
      const arn = run.tasks![0]!.taskArn!;
      const steps = fake.ecs.steps;
      for (let n = 0; n < 100; n++) expect(await status(arn)).toBe('PROVISIONING');
      expect(fake.ecs.steps).toBe(steps);
      fake.server.tick(fake.ecs.stepMs);
      expect(await status(arn)).toBe('PENDING');
      fake.server.tick(fake.ecs.stepMs - 1);
      expect(await status(arn)).toBe('PENDING');
      fake.server.tick(1);
      expect(await status(arn)).toBe('RUNNING');
      // A day later: the world caught up in a few steps, not 86 400 of them.
      const before = fake.ecs.steps;
      fake.server.tick(86_400_000);
      expect(await status(arn)).toBe('RUNNING');
      expect(fake.ecs.steps - before).toBeLessThan(5);
      await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn, reason: 'done' }));
      fake.server.tick(10 * fake.ecs.stepMs);
      expect(await status(arn)).toBe('STOPPED');
    } finally {
      fake.server.msPerRequest = 1000;
    }
  });

  it('without a hook a one-off task runs until StopTask', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: 'td-a:2',
        launchType: 'FARGATE',
        networkConfiguration: network,
      }),
    );
    const arn = run.tasks![0]!.taskArn!;
    await waitUntilTasksRunning(fastWait(ecs), { cluster: CLUSTER, tasks: [arn] });
    const stopped = await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn, reason: 'done' }));
    expect(stopped.task!.desiredStatus).toBe('STOPPED');
    await waitUntilTasksStopped(fastWait(ecs), { cluster: CLUSTER, tasks: [arn] });
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks![0]!;
    expect(task).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'done' });
  });

  it('waitUntilTasksRunning fails on a task that stops, and a missing log group stops tasks at start', async () => {
    const failing = await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: 'td-a:3',
        launchType: 'FARGATE',
        networkConfiguration: network,
      }),
    );
    const err = await waitUntilTasksRunning(fastWait(ecs), {
      cluster: CLUSTER,
      tasks: [failing.tasks![0]!.taskArn!],
    }).catch((e: unknown) => e as Error);
    expect(String((err as Error).message)).toMatch(/"state":"FAILURE"/);

    const noLogs = await ecs.send(
      taskDefinition('td-nologs', 'moodle:1', {
        containerDefinitions: [
          {
            name: 'moodle',
            image: 'moodle:1',
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/absent', 'awslogs-stream-prefix': 'x' },
            },
          },
        ],
      }),
    );
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: noLogs.taskDefinition!.taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: network,
      }),
    );
    const arn = run.tasks![0]!.taskArn!;
    await waitUntilTasksStopped(fastWait(ecs), { cluster: CLUSTER, tasks: [arn] });
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arn] }))).tasks![0]!;
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.stoppedReason).toMatch(
      /^ResourceInitializationError: .*The specified log group does not exist/,
    );
  });

  it('pages ListTasks through the SDK paginator; maxResults and DescribeTasks bounds are enforced', async () => {
    for (let i = 0; i < 3; i++) {
      await ecs.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'td-a:2',
          launchType: 'FARGATE',
          networkConfiguration: network,
          startedBy: 'pager',
          count: i < 2 ? 10 : 5,
        }),
      );
    }
    const sizes: number[] = [];
    for await (const page of paginateListTasks(
      { client: ecs, pageSize: 10 },
      { cluster: CLUSTER, startedBy: 'pager' },
    )) {
      sizes.push(page.taskArns!.length);
    }
    expect(sizes).toEqual([10, 10, 5]);
    await expect(
      ecs.send(new ListTasksCommand({ cluster: CLUSTER, maxResults: 101 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const ids = Array.from({ length: 101 }, (_, i) => `t${i}`);
    await expect(ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: ids }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
    const missing = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: ['0123'] }));
    expect(missing.failures).toEqual([
      { arn: 'arn:aws:ecs:eu-west-2:123456789012:task/previews/0123', reason: 'MISSING' },
    ]);
  });

  it('describes clusters, seeded or missing', async () => {
    const out = await ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER, 'ghost'] }));
    expect(out.clusters![0]).toMatchObject({
      clusterName: CLUSTER,
      status: 'ACTIVE',
      activeServicesCount: 1,
    });
    expect(out.failures![0]!.reason).toBe('MISSING');
  });
});

describe('retry and classification', () => {
  it("converges through the SDK's standard retry with a third of calls throttled", async () => {
    fake.server.setThrottle(1 / 3, 7);
    try {
      await ecs.send(taskDefinition('td-throttled', 'moodle:1'));
      await ecs.send(createService('site-throttled', 'td-throttled'));
      await waitUntilServicesStable(fastWait(ecs), { cluster: CLUSTER, services: ['site-throttled'] });
    } finally {
      fake.server.setThrottle(0);
    }
    expect(fake.server.count({ service: 'ecs', throttled: true })).toBeGreaterThan(0);
    expect(fake.ecs.service(CLUSTER, 'site-throttled')!.deployments[0]!.rolloutState).toBe('COMPLETED');
    // Exactly one service and one revision despite retried mutating calls.
    expect(fake.inventory()['ecs:task-definition']!.filter((n) => n.startsWith('td-throttled'))).toEqual([
      'td-throttled:1',
    ]);
  });

  it('classifies every implemented mutating action', () => {
    const mutating = [
      'RegisterTaskDefinition',
      'DeregisterTaskDefinition',
      'DeleteTaskDefinitions',
      'CreateService',
      'UpdateService',
      'DeleteService',
      'TagResource',
      'UntagResource',
      'RunTask',
      'StopTask',
    ];
    const reading = [
      'DescribeTaskDefinition',
      'ListTaskDefinitions',
      'DescribeServices',
      'ListServices',
      'ListTagsForResource',
      'ListTasks',
      'DescribeTasks',
      'DescribeClusters',
    ];
    expect(mutating.every((a) => fake.ecs.isMutating(a))).toBe(true);
    expect(reading.some((a) => fake.ecs.isMutating(a))).toBe(false);
  });
});
