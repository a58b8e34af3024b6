// The three AWS clients cron needs (ECS, SSM for the site registry, CloudWatch Logs for the runs' log
// group), built as every client of the suite is (aws/client-config.ts). In a module of their own: the
// cron actions load these three, not the other SDK clients aws/clients.ts builds for deploy and destroy.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsClientConfig, type AwsClientOptions } from '../aws/client-config.js';

export interface CronClients {
  region: string;
  ecs: ECSClient;
  ssm: SSMClient;
  logs: CloudWatchLogsClient;
}

export function createCronClients(options: AwsClientOptions): CronClients {
  const config = awsClientConfig(options);
  return {
    region: options.region,
    ecs: new ECSClient(config),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

export function destroyCronClients(clients: CronClients): void {
  for (const c of [clients.ecs, clients.ssm, clients.logs]) c.destroy();
}
