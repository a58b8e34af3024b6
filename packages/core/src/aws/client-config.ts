// How every AWS SDK client of the suite is configured (region, attempts, retry), in a module of its own
// that loads no client: a bundle that needs one client early (STS, to check the credentials) does not
// pay for loading the others with it.
import type { RetryStrategyV2 } from '@smithy/types';

export interface AwsClientOptions {
  region: string;
  /** Attempts per call, the first included. Default 8: a throttled burst must not fail a deploy. */
  maxAttempts?: number;
  retryMode?: 'standard' | 'adaptive';
  /** Replace the SDK's retry strategy (tests shorten its backoff with ConfiguredRetryStrategy). */
  retryStrategy?: RetryStrategyV2;
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
