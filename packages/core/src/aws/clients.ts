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
import type { RetryStrategyV2 } from '@smithy/types';

export interface AwsClientOptions {
  region: string;
  /** Attempts per call, the first included. Default 8: a throttled burst must not fail a deploy. */
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
  /** Replace the SDK's retry strategy (tests shorten its backoff with ConfiguredRetryStrategy). */
  retryStrategy?: RetryStrategyV2;
}

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

/**
 * The client configuration every SDK client of the suite is built with. Clients used by one action
 * only (EC2 for the runner, S3 for restores) are built from this by their module, so the other
 * bundles do not carry them.
 */
export function awsClientConfig(options: AwsClientOptions) {
  return {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.retryStrategy
      ? { retryStrategy: options.retryStrategy }
      : { retryMode: options.retryMode ?? 'adaptive' }),
  };
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
