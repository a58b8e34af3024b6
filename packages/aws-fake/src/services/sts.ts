// Fake STS (query protocol, 2011-06-15): GetCallerIdentity, answering as the role a CI job assumes.
import { AwsServiceError } from '../errors.js';
import type { FakeContext, ServiceHandler } from '../types.js';

/** The identity every call to the fake is made as (also ECS's `registeredBy` and `createdBy`). */
export function callerArn(ctx: Pick<FakeContext, 'accountId'>): string {
  return `arn:aws:sts::${ctx.accountId}:assumed-role/moodle-preview-deploy/fake-session`;
}

export class StsFake implements ServiceHandler {
  readonly signingName = 'sts';
  readonly protocol = 'query' as const;
  readonly apiVersion = '2011-06-15';
  readonly xmlNamespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

  constructor(private readonly ctx: FakeContext) {}

  isMutating(): boolean {
    return false;
  }

  handle(action: string): unknown {
    if (action !== 'GetCallerIdentity') {
      throw new AwsServiceError('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
    return {
      UserId: 'AROAFAKEFAKEFAKEFAKE0:fake-session',
      Account: this.ctx.accountId,
      Arn: callerArn(this.ctx),
    };
  }
}
