// The AWS fake with many sites' exec-enabled services and their cron entries in the registry, and the
// test agent behind ExecuteCommand: what the cron fan-out and register-cron talk to end to end.
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import {
  createAwsClients,
  destroyAwsClients,
  registerCron,
  SiteRegistry,
  type AwsClients,
} from '@moodle-preview/core';
import { startSsmAgentServer, type SsmAgentServer } from '../servers/ssm-agent.js';

export const CLUSTER = 'moodle_cluster';

export interface CronSite {
  link: string;
  /** Running tasks of its service (default 1; 0 leaves the service without tasks). */
  tasks?: number;
  /** No service at all: the entry points at nothing. */
  noService?: boolean;
  enabled?: boolean;
  command?: string;
  timeoutSeconds?: number;
}

export interface CronWorld {
  fake: AwsFake;
  agent: SsmAgentServer;
  clients: AwsClients;
  registry: SiteRegistry;
  addSites(sites: CronSite[]): Promise<void>;
  close(): Promise<void>;
}

export interface CronWorldOptions {
  /** The cluster's exec configuration sets this KMS key: every session is encrypted with it. */
  kmsKeyId?: string;
}

export async function createCronWorld(options: CronWorldOptions = {}): Promise<CronWorld> {
  const fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  fake.ecs.seedCluster(CLUSTER);
  const kmsKeyId = options.kmsKeyId;
  const agent = await startSsmAgentServer({
    sessionFor: (token) => fake.ecs.execSessions.get(token),
    ...(kmsKeyId
      ? { kmsKeyId, kmsDecrypt: (blob: Buffer, context) => fake.kms.decrypt(blob, context, kmsKeyId) }
      : {}),
  });
  fake.ecs.execEndpoint = agent.url;
  fake.ssm.onTerminateSession = (id) => agent.terminate(id);
  const clients = createAwsClients({ region: fake.server.region, maxAttempts: 2 });
  const registry = new SiteRegistry(clients.ssm);
  const ecs = new ECSClient({ region: fake.server.region });
  return {
    fake,
    agent,
    clients,
    registry,
    addSites: async (sites) => {
      for (const s of sites) {
        if (!s.noService) {
          await ecs.send(
            new RegisterTaskDefinitionCommand({
              family: `mdl_ecs_task_def-${s.link}`,
              requiresCompatibilities: ['FARGATE'],
              networkMode: 'awsvpc',
              cpu: '512',
              memory: '1024',
              containerDefinitions: [{ name: s.link, image: 'moodle:latest', essential: true }],
            }),
          );
          await ecs.send(
            new CreateServiceCommand({
              cluster: CLUSTER,
              serviceName: `mdl-${s.link}`,
              taskDefinition: `mdl_ecs_task_def-${s.link}`,
              desiredCount: s.tasks ?? 1,
              launchType: 'FARGATE',
              enableExecuteCommand: true,
              networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
            }),
          );
        }
        await registerCron(registry, {
          previewLink: s.link,
          cluster: CLUSTER,
          service: `mdl-${s.link}`,
          container: s.link,
          command: s.command ?? `echo cron of ${s.link}`,
          timeoutSeconds: s.timeoutSeconds ?? 30,
          enabled: s.enabled ?? true,
          actor: 'test',
        });
      }
      fake.ecs.settle();
    },
    close: async () => {
      ecs.destroy();
      destroyAwsClients(clients);
      await agent.close();
      await fake.close();
    },
  };
}
