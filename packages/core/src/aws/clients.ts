// The AWS SDK v3 clients the suite uses, built one way everywhere: the SDK's default credential and
// endpoint chains (so AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> keep working), and the SDK's own
// retry — adaptive by default, because cron fan-outs and parallel deploys arrive in bursts.
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig, type AwsClientOptions } from './client-config.js';

export { awsClientConfig, type AwsClientOptions } from './client-config.js';

export interface AwsClients {
  region: string;
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  autoscaling: ApplicationAutoScalingClient;
  logs: CloudWatchLogsClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
  sts: STSClient;
  /** EventBridge Scheduler: the sleep page's schedules. */
  scheduler: SchedulerClient;
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const config = awsClientConfig(options);
  return {
    region: options.region,
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    logs: new CloudWatchLogsClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
    sts: new STSClient(config),
    scheduler: new SchedulerClient(config),
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const c of [
    clients.ecs,
    clients.elbv2,
    clients.autoscaling,
    clients.logs,
    clients.ssm,
    clients.secrets,
    clients.sts,
    clients.scheduler,
  ]) {
    c.destroy();
  }
}
