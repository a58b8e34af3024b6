// The AWS clients of upgrade-db, all with one credential provider: the environment's (default chain),
// or role credentials refreshed through the job's OIDC token before they expire (role-to-assume).
import { runner as core } from '@moodle-preview/core';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import {
  awsClientConfig,
  refreshingWebIdentityCredentials,
  type MoodleTaskClients,
} from '@moodle-preview/core';

export interface RoleOptions {
  roleToAssume: string;
  durationSeconds: number;
  audience: string;
}

export function credentialsFor(
  region: string,
  role: RoleOptions | undefined,
): AwsCredentialIdentityProvider | undefined {
  if (!role) return undefined;
  return refreshingWebIdentityCredentials({
    roleArn: role.roleToAssume,
    sessionName: `upgrade-db-${process.env.GITHUB_RUN_ID ?? 'local'}`,
    durationSeconds: role.durationSeconds,
    idToken: () => core.getIDToken(role.audience),
    region,
    mask: (s) => core.setSecret(s),
    onRefresh: ({ expiration, count }) =>
      core.info(
        `AWS credentials ${count === 1 ? 'obtained' : 'refreshed'} through the job's OIDC token` +
          (expiration ? `; valid until ${expiration.toISOString()}` : ''),
      ),
  });
}

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
