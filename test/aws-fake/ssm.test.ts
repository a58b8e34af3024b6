// The SSM Parameter Store fake through a real SSMClient reached only through the fake's environment:
// overwrite and version semantics, SecureString decryption, hierarchies by path with paging, tags,
// AWS's typed errors, and retry under throttling.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  HierarchyTypeMismatchException,
  ListTagsForResourceCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  ValidationException,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

const SITE = '/moodle-preview/sites/demo';

let fake: AwsFake;
let ssm: SSMClient;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  ssm = new SSMClient({ retryStrategy: new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt) });
});

afterAll(async () => {
  ssm.destroy();
  await fake.close();
  process.env = savedEnv;
});

describe('parameters', () => {
  it('creates once with tags; a second put without Overwrite is ParameterAlreadyExists', async () => {
    const out = await ssm.send(
      new PutParameterCommand({
        Name: SITE,
        Type: 'String',
        Value: '{"v":1}',
        Tags: [{ Key: 'site', Value: 'demo' }],
      }),
    );
    expect(out).toMatchObject({ Version: 1, Tier: 'Standard' });
    await expect(
      ssm.send(new PutParameterCommand({ Name: SITE, Type: 'String', Value: 'x' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    await expect(ssm.send(new PutParameterCommand({ Name: '/new', Value: 'x' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('overwrites with increasing versions; tags and Overwrite cannot go together', async () => {
    const out = await ssm.send(new PutParameterCommand({ Name: SITE, Value: '{"v":2}', Overwrite: true }));
    expect(out.Version).toBe(2);
    const err = await ssm
      .send(
        new PutParameterCommand({
          Name: SITE,
          Value: 'x',
          Overwrite: true,
          Tags: [{ Key: 'a', Value: 'b' }],
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationException);
    expect((err as Error).message).toMatch(/^Invalid request: tags and overwrite can't be used together/);
    await expect(
      ssm.send(new PutParameterCommand({ Name: SITE, Type: 'SecureString', Value: 'x', Overwrite: true })),
    ).rejects.toBeInstanceOf(HierarchyTypeMismatchException);
    const current = await ssm.send(new GetParameterCommand({ Name: SITE }));
    expect(current.Parameter).toMatchObject({
      Name: SITE,
      Type: 'String',
      Value: '{"v":2}',
      Version: 2,
      ARN: 'arn:aws:ssm:eu-west-2:123456789012:parameter/moodle-preview/sites/demo',
      DataType: 'text',
    });
    expect(current.Parameter!.LastModifiedDate).toBeInstanceOf(Date);
    const first = await ssm.send(new GetParameterCommand({ Name: `${SITE}:1` }));
    expect(first.Parameter).toMatchObject({ Value: '{"v":1}', Version: 1, Selector: ':1' });
  });

  it('reads a SecureString encrypted unless WithDecryption', async () => {
    await ssm.send(
      new PutParameterCommand({ Name: `${SITE}/db-password`, Type: 'SecureString', Value: 's3cret' }),
    );
    const hidden = await ssm.send(new GetParameterCommand({ Name: `${SITE}/db-password` }));
    expect(hidden.Parameter!.Value).not.toContain('s3cret');
    const shown = await ssm.send(
      new GetParameterCommand({ Name: `${SITE}/db-password`, WithDecryption: true }),
    );
    expect(shown.Parameter!.Value).toBe('s3cret');
  });

  it('answers ParameterNotFound, and GetParameters lists what it could not find', async () => {
    await expect(ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
    const out = await ssm.send(new GetParametersCommand({ Names: [SITE, '/nope'] }));
    expect(out.Parameters!.map((p) => p.Name)).toEqual([SITE]);
    expect(out.InvalidParameters).toEqual(['/nope']);
  });
});

describe('hierarchies', () => {
  it('reads one level or recursively, page by page within MaxResults 10', async () => {
    for (let i = 0; i < 12; i++) {
      await ssm.send(
        new PutParameterCommand({
          Name: `/moodle-preview/sites/s${String(i).padStart(2, '0')}`,
          Type: 'String',
          Value: `${i}`,
        }),
      );
    }
    await ssm.send(
      new PutParameterCommand({ Name: '/moodle-preview/sites/s00/cron', Type: 'String', Value: 'true' }),
    );
    const pages: number[] = [];
    const names: string[] = [];
    for await (const page of paginateGetParametersByPath(
      { client: ssm, pageSize: 10 },
      { Path: '/moodle-preview/sites', Recursive: false },
    )) {
      pages.push(page.Parameters!.length);
      names.push(...page.Parameters!.map((p) => p.Name!));
    }
    expect(pages).toEqual([10, 3]);
    expect(names).toContain(SITE);
    expect(names).not.toContain('/moodle-preview/sites/s00/cron');
    const deep = await ssm.send(
      new GetParametersByPathCommand({ Path: '/moodle-preview/sites/s00', Recursive: true }),
    );
    expect(deep.Parameters!.map((p) => p.Name)).toEqual(['/moodle-preview/sites/s00/cron']);
    await expect(
      ssm.send(new GetParametersByPathCommand({ Path: '/moodle-preview', MaxResults: 11 })),
    ).rejects.toBeInstanceOf(ValidationException);
    const typed = await ssm.send(
      new GetParametersByPathCommand({
        Path: '/moodle-preview',
        Recursive: true,
        ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }],
        WithDecryption: true,
      }),
    );
    expect(typed.Parameters!.map((p) => [p.Name, p.Value])).toEqual([[`${SITE}/db-password`, 's3cret']]);
  });
});

describe('tags and deletion', () => {
  it('tags a parameter; tags were kept from the create', async () => {
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: SITE,
        Tags: [{ Key: 'owner', Value: 'ci' }],
      }),
    );
    const { TagList } = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: SITE }),
    );
    expect(TagList).toEqual([
      { Key: 'site', Value: 'demo' },
      { Key: 'owner', Value: 'ci' },
    ]);
  });

  it('deletes one or several, reporting the missing ones', async () => {
    await ssm.send(new DeleteParameterCommand({ Name: '/moodle-preview/sites/s11' }));
    await expect(
      ssm.send(new DeleteParameterCommand({ Name: '/moodle-preview/sites/s11' })),
    ).rejects.toBeInstanceOf(ParameterNotFound);
    const out = await ssm.send(
      new DeleteParametersCommand({ Names: ['/moodle-preview/sites/s10', '/moodle-preview/sites/s11'] }),
    );
    expect(out).toMatchObject({
      DeletedParameters: ['/moodle-preview/sites/s10'],
      InvalidParameters: ['/moodle-preview/sites/s11'],
    });
    expect(fake.inventory()['ssm:parameter']).toHaveLength(13);
  });
});

describe('retry', () => {
  it("converges through the SDK's standard retry with a third of calls throttled", async () => {
    fake.server.setThrottle(1 / 3, 11);
    try {
      for (let i = 0; i < 8; i++) {
        await ssm.send(
          new PutParameterCommand({ Name: '/throttled/p', Type: 'String', Value: `${i}`, Overwrite: true }),
        );
      }
    } finally {
      fake.server.setThrottle(0);
    }
    expect(fake.server.count({ service: 'ssm', throttled: true })).toBeGreaterThan(0);
    expect(fake.ssm.parameters.get('/throttled/p')).toMatchObject({ Value: '7', Version: 8 });
    expect(fake.ssm.isMutating('PutParameter')).toBe(true);
    expect(fake.ssm.isMutating('GetParametersByPath')).toBe(false);
  });
});
