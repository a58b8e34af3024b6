// Fake STS (query protocol, 2011-06-15): GetCallerIdentity, answering as the role a CI job assumes,
// and AssumeRoleWithWebIdentity (a GitHub OIDC token exchanged for role credentials), whose expiry a
// test controls so a credential refresh during an hours-long wait takes seconds.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, FakeContext, ServiceHandler } from '../types.js';
import { text } from '../params.js';

/** The identity every call to the fake is made as (also ECS's `registeredBy` and `createdBy`). */
export function callerArn(ctx: Pick<FakeContext, 'accountId'>): string {
  return `arn:aws:sts::${ctx.accountId}:assumed-role/moodle-preview-deploy/fake-session`;
}

/** One AssumeRoleWithWebIdentity the fake answered. */
export interface WebIdentitySession {
  roleArn: string;
  sessionName: string;
  token: string;
  durationSeconds: number;
  accessKeyId: string;
  expiration: Date;
}

export class StsFake implements ServiceHandler {
  readonly signingName = 'sts';
  readonly protocol = 'query' as const;
  readonly apiVersion = '2011-06-15';
  readonly xmlNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

  /** Every web identity session handed out, in order. */
  readonly webIdentitySessions: WebIdentitySession[] = [];
  /**
   * When the credentials of a session expire. AWS: now + DurationSeconds (900..43200) on the real
   * clock; tests shorten it (wall clock, because the SDK and the credential provider read that one).
   */
  expirationFor: (durationSeconds: number) => Date = (d) => new Date(Date.now() + d * 1000);
  /** Tokens refused with InvalidIdentityToken (an expired or forged OIDC token). */
  acceptToken: (token: string) => boolean = () => true;

  constructor(private readonly ctx: FakeContext) {}

  isMutating(): boolean {
    return false;
  }

  /** GetCallerIdentity needs no permission; AssumeRoleWithWebIdentity is the role's trust policy's. */
  authorize(action: string): AuthorizationRequest[] {
    if (action === 'GetCallerIdentity')
      return [{ action: 'sts:GetCallerIdentity', resource: '*', context: {} }];
    return [];
  }

  handle(action: string, params: Record<string, unknown> = {}): unknown {
    if (action === 'AssumeRoleWithWebIdentity') return this.assumeRoleWithWebIdentity(params);
    if (action !== 'GetCallerIdentity') {
      throw new AwsServiceError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
    return {
      UserId: 'AROAFAKEFAKEFAKEFAKE0:fake-session',
      Account: this.ctx.accountId,
      Arn: callerArn(this.ctx),
    };
  }

  private assumeRoleWithWebIdentity(params: Record<string, unknown>): unknown {
    const roleArn = text(params.RoleArn ?? '');
    const sessionName = text(params.RoleSessionName ?? '');
    const token = text(params.WebIdentityToken ?? '');
    const duration = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds);
    if (!/^arn:aws:iam::\d{12}:role\/.+/.test(roleArn))
      throw new AwsServiceError('ValidationError', `${roleArn} is not a valid role ARN`);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
      throw new AwsServiceError('ValidationError', 'RoleSessionName must match [\\w+=,.@-]{2,64}');
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200)
      throw new AwsServiceError(
        'ValidationError',
        `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    if (!token || !this.acceptToken(token))
      throw new AwsServiceError(
        'InvalidIdentityToken',
        'Couldn\u2019t retrieve verification key from your identity provider',
      );
    const accessKeyId = `ASIA${this.ctx.id(16).toUpperCase()}`;
    const expiration = this.expirationFor(duration);
    this.webIdentitySessions.push({
      roleArn,
      sessionName,
      token,
      durationSeconds: duration,
      accessKeyId,
      expiration,
    });
    const roleName = roleArn.split('/').pop()!;
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `fake-secret-${this.ctx.id(24)}`,
        SessionToken: `fake-session-token-${this.ctx.id(32)}`,
        Expiration: expiration,
      },
      SubjectFromWebIdentityToken: 'repo:example-org/moodle-build:ref:refs/heads/main',
      AssumedRoleUser: {
        AssumedRoleId: `AROAFAKEFAKEFAKEFAKE1:${sessionName}`,
        Arn: `arn:aws:sts::${this.ctx.accountId}:assumed-role/${roleName}/${sessionName}`,
      },
      Provider: 'token.actions.githubusercontent.com',
      Audience: 'sts.amazonaws.com',
    };
  }
}
