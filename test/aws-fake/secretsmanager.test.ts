// The Secrets Manager fake through a real client reached only through the fake's environment: ARNs
// with their random suffix, uniqueness, staging labels, deletion and restore, GetRandomPassword's
// character rules, ListSecrets filters and paging, and retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  paginateListSecrets,
} from '@aws-sdk/client-secrets-manager';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

const NAME = 'moodle-preview/demo/db';

let fake: AwsFake;
let secrets: SecretsManagerClient;
const savedEnv = { ...process.env };
let arn: string;

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  secrets = new SecretsManagerClient({
    retryStrategy: new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt),
  });
});

afterAll(async () => {
  secrets.destroy();
  await fake.close();
  process.env = savedEnv;
});

describe('secrets', () => {
  it('creates a secret whose ARN ends in a 6-character suffix; a second create is ResourceExistsException', async () => {
    const out = await secrets.send(
      new CreateSecretCommand({ Name: NAME, SecretString: 'pw-1', Tags: [{ Key: 'site', Value: 'demo' }] }),
    );
    arn = out.ARN!;
    expect(arn).toMatch(
      /^arn:aws:secretsmanager:eu-west-2:123456789012:secret:moodle-preview\/demo\/db-[A-Za-z0-9]{6}$/,
    );
    expect(out.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await secrets
      .send(new CreateSecretCommand({ Name: NAME, SecretString: 'other' }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceExistsException);
    expect((again as Error).message).toBe(`The operation failed because the secret ${NAME} already exists.`);
  });

  it('describes by name, full ARN and partial ARN; unknown ids are ResourceNotFoundException', async () => {
    for (const id of [NAME, arn, arn.slice(0, -7)]) {
      const d = await secrets.send(new DescribeSecretCommand({ SecretId: id }));
      expect(d).toMatchObject({ ARN: arn, Name: NAME, Tags: [{ Key: 'site', Value: 'demo' }] });
      expect(d.CreatedDate).toBeInstanceOf(Date);
    }
    await expect(secrets.send(new DescribeSecretCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('moves AWSCURRENT to a new value and keeps the old one as AWSPREVIOUS', async () => {
    const first = await secrets.send(new GetSecretValueCommand({ SecretId: NAME }));
    const put = await secrets.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'pw-2' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const current = await secrets.send(new GetSecretValueCommand({ SecretId: NAME }));
    expect(current).toMatchObject({
      SecretString: 'pw-2',
      VersionId: put.VersionId,
      VersionStages: ['AWSCURRENT'],
    });
    const previous = await secrets.send(
      new GetSecretValueCommand({ SecretId: NAME, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous).toMatchObject({ SecretString: 'pw-1', VersionId: first.VersionId });
    const d = await secrets.send(new DescribeSecretCommand({ SecretId: NAME }));
    expect(d.VersionIdsToStages).toEqual({
      [first.VersionId!]: ['AWSPREVIOUS'],
      [put.VersionId!]: ['AWSCURRENT'],
    });
    // The same client token with another value would rewrite a version: refused.
    await expect(
      secrets.send(
        new PutSecretValueCommand({
          SecretId: NAME,
          SecretString: 'pw-3',
          ClientRequestToken: put.VersionId,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('generates passwords by the requested character rules', async () => {
    const { RandomPassword } = await secrets.send(
      new GetRandomPasswordCommand({
        PasswordLength: 40,
        ExcludePunctuation: true,
        ExcludeCharacters: 'abc0',
      }),
    );
    expect(RandomPassword).toHaveLength(40);
    expect(RandomPassword).toMatch(/^[A-Za-z0-9]+$/);
    expect(RandomPassword).not.toMatch(/[abc0]/);
    expect(RandomPassword).toMatch(/[A-Z]/);
    expect(RandomPassword).toMatch(/[d-z]/);
    expect(RandomPassword).toMatch(/[1-9]/);
    const def = await secrets.send(new GetRandomPasswordCommand({}));
    expect(def.RandomPassword).toHaveLength(32);
    await expect(
      secrets.send(
        new GetRandomPasswordCommand({
          ExcludeLowercase: true,
          ExcludeUppercase: true,
          ExcludeNumbers: true,
          ExcludePunctuation: true,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('lists with name and tag-key filters, page by page', async () => {
    for (let i = 0; i < 4; i++) {
      await secrets.send(new CreateSecretCommand({ Name: `moodle-preview/s${i}/db`, SecretString: `p${i}` }));
    }
    await secrets.send(
      new TagResourceCommand({ SecretId: 'moodle-preview/s2/db', Tags: [{ Key: 'retired', Value: 'yes' }] }),
    );
    const names: string[] = [];
    for await (const page of paginateListSecrets(
      { client: secrets, pageSize: 2 },
      { Filters: [{ Key: 'name', Values: ['moodle-preview/s'] }], SortBy: 'name', SortOrder: 'asc' },
    )) {
      expect(page.SecretList!.length).toBeLessThanOrEqual(2);
      names.push(...page.SecretList!.map((s) => s.Name!));
    }
    expect(names).toEqual([
      'moodle-preview/s0/db',
      'moodle-preview/s1/db',
      'moodle-preview/s2/db',
      'moodle-preview/s3/db',
    ]);
    const tagged = await secrets.send(
      new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: ['retired'] }] }),
    );
    expect(tagged.SecretList!.map((s) => s.Name)).toEqual(['moodle-preview/s2/db']);
  });
});

describe('deletion', () => {
  it('schedules deletion: reads fail, the name stays taken, and restore brings it back', async () => {
    const out = await secrets.send(new DeleteSecretCommand({ SecretId: NAME, RecoveryWindowInDays: 7 }));
    expect(out.DeletionDate!.getTime() - fake.server.ctx.now().getTime()).toBeGreaterThan(6 * 86400_000);
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: NAME }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await expect(
      secrets.send(new CreateSecretCommand({ Name: NAME, SecretString: 'x' })),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    const listed = await secrets.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [NAME] }] }));
    expect(listed.SecretList).toEqual([]);
    const planned = await secrets.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [NAME] }], IncludePlannedDeletion: true }),
    );
    expect(planned.SecretList![0]!.DeletedDate).toBeInstanceOf(Date);
    await secrets.send(new RestoreSecretCommand({ SecretId: NAME }));
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: NAME }))).SecretString).toBe('pw-2');
  });

  it('forced deletion frees the name at once; a new secret gets a new ARN', async () => {
    await expect(
      secrets.send(
        new DeleteSecretCommand({
          SecretId: NAME,
          ForceDeleteWithoutRecovery: true,
          RecoveryWindowInDays: 7,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await secrets.send(new DeleteSecretCommand({ SecretId: NAME, ForceDeleteWithoutRecovery: true }));
    const created = await secrets.send(new CreateSecretCommand({ Name: NAME, SecretString: 'fresh' }));
    expect(created.ARN).not.toBe(arn);
    expect(fake.secrets.current(NAME)).toBe('fresh');
    expect(fake.inventory()['secretsmanager:secret']).toEqual([
      NAME,
      'moodle-preview/s0/db',
      'moodle-preview/s1/db',
      'moodle-preview/s2/db',
      'moodle-preview/s3/db',
    ]);
  });
});

describe('retry', () => {
  it("converges through the SDK's standard retry with a third of calls throttled", async () => {
    fake.server.setThrottle(1 / 3, 13);
    try {
      for (let i = 0; i < 8; i++)
        await secrets.send(new PutSecretValueCommand({ SecretId: NAME, SecretString: `v${i}` }));
    } finally {
      fake.server.setThrottle(0);
    }
    expect(fake.server.count({ service: 'secretsmanager', throttled: true })).toBeGreaterThan(0);
    expect(fake.secrets.current(NAME)).toBe('v7');
    expect(fake.secrets.isMutating('PutSecretValue')).toBe(true);
    expect(fake.secrets.isMutating('GetSecretValue')).toBe(false);
  });
});
