// upgrade-db's credentials: the environment's (the SDK's default chain), or role credentials refreshed
// through the job's OIDC token before they expire (role-to-assume). In the first stage: they are
// checked before the engine and its clients load, and the engine's clients use the same provider.
import { refreshingWebIdentityCredentials, runner as core } from '@moodle-preview/core';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

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
