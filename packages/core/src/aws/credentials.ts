// The first call of every engine: are there credentials, and can AWS be reached? Fail early, with the
// fix. In a module of its own with only the STS client, so an action can make this call before it has
// loaded the rest of the SDK (every action that calls AWS does: checkCredentialsFirst, then its engine).
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ConfigurationError } from '../errors.js';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsClientConfig, type AwsClientOptions } from './client-config.js';

/** Fail early, with a fix, when there are no credentials or AWS cannot be reached. */
export async function checkCredentials(clients: { sts: STSClient }): Promise<void> {
  try {
    await clients.sts.send(new GetCallerIdentityCommand({}));
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message)) {
      throw new ConfigurationError(
        'no AWS credentials: run aws-actions/configure-aws-credentials (role-to-assume, with id-token: write) before this step, or set AWS_PROFILE / AWS_ACCESS_KEY_ID for local use',
      );
    }
    if (
      ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code ?? '') ||
      e.name === 'TimeoutError'
    ) {
      throw new ConfigurationError(
        `AWS is not reachable (${e.code ?? e.name}: ${e.message}); check the network and AWS_ENDPOINT_URL settings`,
      );
    }
    throw err;
  }
}

/**
 * The first stage of an action: its credentials checked with an STS client of their own (closed
 * after), before the action loads its engine and the other clients. `credentials` when the action
 * brings its own provider (upgrade-db's refreshed role session); else the SDK's default chain.
 */
export async function checkCredentialsFirst(
  options: AwsClientOptions & { credentials?: AwsCredentialIdentityProvider },
): Promise<void> {
  const { credentials, ...rest } = options;
  const sts = new STSClient({ ...awsClientConfig(rest), ...(credentials ? { credentials } : {}) });
  try {
    await checkCredentials({ sts });
  } finally {
    sts.destroy();
  }
}
