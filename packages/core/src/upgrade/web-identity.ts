// Role credentials that outlive the role session: an hours-long wait (a 3-hour upgrade) would die at
// hour 1 with configure-aws-credentials' session. This provider exchanges a fresh GitHub OIDC token
// (core.getIDToken) for new credentials with STS AssumeRoleWithWebIdentity whenever the current ones
// are within `refreshBeforeMs` of expiry, so every SDK call signs with live credentials.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
// https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ConfigurationError } from '../errors.js';

export interface WebIdentityOptions {
  roleArn: string;
  sessionName: string;
  /** Requested session length (STS: 900..43200, capped by the role's maximum). */
  durationSeconds: number;
  /** Refresh when the credentials expire within this (default 10 minutes). */
  refreshBeforeMs?: number;
  /** A fresh OIDC token for audience sts.amazonaws.com (core.getIDToken in an action). */
  idToken: () => Promise<string>;
  region: string;
  /** Told about each new session (never the secret parts). */
  onRefresh?: (info: { accessKeyId: string; expiration: Date | undefined; count: number }) => void;
  /** Masks each secret part (core.setSecret). */
  mask?: (secret: string) => void;
  now?: () => number;
}

export interface RefreshingCredentials extends AwsCredentialIdentityProvider {
  /** How many sessions were obtained so far. */
  readonly sessions: number;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function refreshingWebIdentityCredentials(options: WebIdentityOptions): RefreshingCredentials {
  if (!ROLE_ARN.test(options.roleArn))
    throw new ConfigurationError(
      `role-to-assume "${options.roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  const now = options.now ?? Date.now;
  const before = options.refreshBeforeMs ?? 10 * 60_000;
  // The STS client signs nothing here (the token is the credential), so it needs none itself; the
  // endpoint settings (AWS_ENDPOINT_URL[_STS]) still apply.
  const sts = new STSClient({
    region: options.region,
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  let sessions = 0;
  const fresh = async (): Promise<AwsCredentialIdentity> => {
    const token = await options.idToken();
    options.mask?.(token);
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName.replace(/[^\w+=,.@-]/g, '-').slice(0, 64),
        WebIdentityToken: token,
        DurationSeconds: options.durationSeconds,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error('AssumeRoleWithWebIdentity returned no credentials');
    options.mask?.(c.SecretAccessKey);
    if (c.SessionToken) options.mask?.(c.SessionToken);
    sessions++;
    options.onRefresh?.({ accessKeyId: c.AccessKeyId, expiration: c.Expiration, count: sessions });
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
  const due = () =>
    !current || (current.expiration !== undefined && current.expiration.getTime() - now() <= before);
  const provider = (async () => {
    if (!due()) return current!;
    pending ??= fresh().finally(() => (pending = undefined));
    current = await pending;
    return current;
  }) as RefreshingCredentials;
  Object.defineProperty(provider, 'sessions', { get: () => sessions });
  return provider;
}
