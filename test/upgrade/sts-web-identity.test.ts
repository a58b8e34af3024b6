// The STS fake's AssumeRoleWithWebIdentity through a real STSClient: unsigned (as in AWS), the
// request checked as STS checks it, and the session's expiry under the test's control.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

let fake: AwsFake;
let sts: STSClient;
const saved = { ...process.env };
beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  sts = new STSClient({ region: 'eu-west-2', maxAttempts: 1 });
});
afterAll(async () => {
  sts.destroy();
  await fake.close();
  process.env = saved;
});

const assume = (over: Partial<{ RoleArn: string; WebIdentityToken: string; DurationSeconds: number }> = {}) =>
  sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: 'arn:aws:iam::123456789012:role/moodle-preview-upgrade',
      RoleSessionName: 'upgrade-db-1',
      WebIdentityToken: 'eyJ.token.sig',
      DurationSeconds: 900,
      ...over,
    }),
  );

describe('AssumeRoleWithWebIdentity', () => {
  it('hands out session credentials that expire when the test says', async () => {
    fake.sts.expirationFor = () => new Date('2030-01-01T00:00:00Z');
    const out = await assume();
    expect(out.Credentials).toMatchObject({
      AccessKeyId: expect.stringMatching(/^ASIA[0-9A-F]{16}$/),
      SecretAccessKey: expect.any(String),
      SessionToken: expect.any(String),
      Expiration: new Date('2030-01-01T00:00:00Z'),
    });
    expect(out.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::123456789012:assumed-role/moodle-preview-upgrade/upgrade-db-1',
    );
    expect(fake.sts.webIdentitySessions.at(-1)).toMatchObject({
      token: 'eyJ.token.sig',
      durationSeconds: 900,
    });
  });

  it('refuses what STS refuses', async () => {
    await expect(assume({ DurationSeconds: 60 })).rejects.toThrow(
      /Member must have value between 900 and 43200/,
    );
    await expect(assume({ RoleArn: 'moodle-preview-upgrade' })).rejects.toThrow(/not a valid role ARN/);
    fake.sts.acceptToken = (t) => t !== 'expired';
    const err = await assume({ WebIdentityToken: 'expired' }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('InvalidIdentityTokenException');
  });
});
