// The AWS clients of upgrade-db's engine, all with one credential provider (./credentials.ts): the
// environment's (default chain), or role credentials refreshed through the job's OIDC token.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsClientConfig, type MoodleTaskClients } from '@moodle-preview/core';

export function upgradeClients(
  region: string,
  credentials: AwsCredentialIdentityProvider | undefined,
): MoodleTaskClients {
  const config = { ...awsClientConfig({ region }), ...(credentials ? { credentials } : {}) };
  return {
    region,
    ecs: new ECSClient(config),
    logs: new CloudWatchLogsClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
  };
}

export function destroyClients(c: MoodleTaskClients): void {
  for (const client of [c.ecs, c.logs, c.ssm, c.secrets]) client.destroy();
}
