// The STS fake through a real STSClient reached only through the fake's environment: GetCallerIdentity
// over the query protocol, an unknown action as AWS's InvalidAction, and retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { callerArn, createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

let fake: AwsFake;
let sts: STSClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = createAwsFake({ accountId: '210987654321' });
  await fake.listen();
  Object.assign(process.env, fake.env());
  sts = new STSClient({ retryStrategy: new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt) });
});

afterAll(async () => {
  sts.destroy();
  await fake.close();
  process.env = savedEnv;
});

describe('sts', () => {
  it('answers GetCallerIdentity with the fake account and role session', async () => {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({
      Account: '210987654321',
      Arn: 'arn:aws:sts::210987654321:assumed-role/moodle-preview-deploy/fake-session',
      UserId: 'AROAFAKEFAKEFAKEFAKE0:fake-session',
    });
    expect(out.Arn).toBe(callerArn(fake.server.ctx));
    expect(fake.server.count({ service: 'sts', action: 'GetCallerIdentity', mutating: false })).toBe(1);
  });

  it('answers other actions with InvalidAction', async () => {
    const err = await sts.send(new GetSessionTokenCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(STSServiceException);
    expect((err as Error).name).toBe('InvalidAction');
  });

  it("converges through the SDK's standard retry with a third of calls throttled", async () => {
    fake.server.setThrottle(1 / 3, 17);
    try {
      for (let i = 0; i < 6; i++) await sts.send(new GetCallerIdentityCommand({}));
    } finally {
      fake.server.setThrottle(0);
    }
    expect(fake.server.count({ service: 'sts', throttled: true })).toBeGreaterThan(0);
  });
});
