// The AWS fake with a site's service running exec-enabled tasks, and the test agent behind the fake's
// ExecuteCommand: what runCommand and `mdl-preview exec` talk to end to end.
import {
  CreateServiceCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { createAwsClients, type AwsClients } from '@moodle-preview/core';
import { startSsmAgentServer, type SsmAgentOptions, type SsmAgentServer } from '../servers/ssm-agent.js';

export interface ExecWorld {
  fake: AwsFake;
  agent: SsmAgentServer;
  clients: AwsClients;
  cluster: string;
  /** Task ARNs of the site's service. */
  tasks: string[];
  close(): Promise<void>;
}

export async function createExecWorld(
  options: {
    link?: string;
    exec?: boolean;
    /** The task definition's containers (default: one, named like the link). */
    containers?: string[];
    agent?: Omit<SsmAgentOptions, 'sessionFor'>;
  } = {},
): Promise<ExecWorld> {
  const link = options.link ?? 'demo';
  const cluster = 'moodle_cluster';
  const fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  fake.ecs.seedCluster(cluster);
  const agent = await startSsmAgentServer({
    ...options.agent,
    sessionFor: (token) => {
      const found = fake.ecs.execSessions.get(token);
      if (!found) return undefined;
      // The session's target as the AWS CLI names it: ecs:<cluster>_<taskId>_<runtimeId>.
      const task = [...fake.ecs.tasks.values()].find((t) => t.taskArn === found.taskArn);
      const runtimeId = task?.containers?.find((c) => c.name === found.container)?.runtimeId ?? '';
      return { ...found, targetId: `ecs:${cluster}_${found.taskArn.split('/').pop()}_${runtimeId}` };
    },
  });
  fake.ecs.execEndpoint = agent.url;
  fake.ssm.onTerminateSession = (id) => agent.terminate(id);
  const ecs = new ECSClient({ region: fake.server.region });
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `mdl_ecs_task_def-${link}`,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      containerDefinitions: (options.containers ?? [link]).map((name) => ({
        name,
        image: 'moodle:latest',
        essential: true,
      })),
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: `mdl-${link}`,
      taskDefinition: `mdl_ecs_task_def-${link}`,
      desiredCount: 2,
      launchType: 'FARGATE',
      enableExecuteCommand: options.exec ?? true,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    }),
  );
  fake.ecs.settle();
  const listed = await ecs.send(new ListTasksCommand({ cluster, serviceName: `mdl-${link}` }));
  ecs.destroy();
  const clients = createAwsClients({ region: fake.server.region, maxAttempts: 2 });
  return {
    fake,
    agent,
    clients,
    cluster,
    tasks: listed.taskArns ?? [],
    close: async () => {
      await agent.close();
      await fake.close();
    },
  };
}
