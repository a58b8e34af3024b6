// The CloudWatch Logs fake through a real CloudWatchLogsClient reached only through the fake's
// environment: log groups and their uniqueness, retention, tags by ARN, streams, and the read APIs'
// token and paging semantics.
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  paginateGetLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';

let fake: AwsFake;
let logs: CloudWatchLogsClient;
const savedEnv = { ...process.env };
const GROUP = '/moodle-preview/demo';
const T0 = Date.parse('2026-01-01T00:00:00Z');

beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  logs = new CloudWatchLogsClient({
    retryStrategy: new ConfiguredRetryStrategy(10, (attempt) => 5 * attempt),
  });
});

afterAll(async () => {
  logs.destroy();
  await fake.close();
  process.env = savedEnv;
});

describe('log groups', () => {
  it('creates a group once, with tags; a second create is ResourceAlreadyExistsException', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP, tags: { site: 'demo' } }));
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' }))).rejects.toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it('sets retention to the values CloudWatch accepts', async () => {
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: GROUP, retentionInDays: 14 }));
    await expect(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: GROUP, retentionInDays: 2 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: '/missing', retentionInDays: 14 })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const { logGroups } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: GROUP }));
    expect(logGroups![0]).toMatchObject({
      logGroupName: GROUP,
      retentionInDays: 14,
      arn: `arn:aws:logs:eu-west-2:123456789012:log-group:${GROUP}:*`,
      logGroupArn: `arn:aws:logs:eu-west-2:123456789012:log-group:${GROUP}`,
    });
  });

  it('tags by the log group ARN (with or without the trailing :*)', async () => {
    const arn = `arn:aws:logs:eu-west-2:123456789012:log-group:${GROUP}`;
    await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { owner: 'ci', tmp: 'x' } }));
    await logs.send(new UntagResourceCommand({ resourceArn: `${arn}:*`, tagKeys: ['tmp'] }));
    const { tags } = await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags).toEqual({ site: 'demo', owner: 'ci' });
  });

  it('pages DescribeLogGroups by prefix through the SDK paginator', async () => {
    for (let i = 0; i < 5; i++) await logs.send(new CreateLogGroupCommand({ logGroupName: `/paged/g${i}` }));
    const pages: string[][] = [];
    for await (const page of paginateDescribeLogGroups(
      { client: logs, pageSize: 2 },
      { logGroupNamePrefix: '/paged/' },
    )) {
      pages.push(page.logGroups!.map((g) => g.logGroupName!));
    }
    expect(pages).toEqual([['/paged/g0', '/paged/g1'], ['/paged/g2', '/paged/g3'], ['/paged/g4']]);
    await logs.send(new DeleteLogGroupCommand({ logGroupName: '/paged/g4' }));
    await expect(logs.send(new DeleteLogGroupCommand({ logGroupName: '/paged/g4' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(fake.inventory()['logs:log-group']).toEqual([
      GROUP,
      '/paged/g0',
      '/paged/g1',
      '/paged/g2',
      '/paged/g3',
    ]);
  });
});

describe('streams and events', () => {
  it('creates streams once and describes them by prefix', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'web/moodle/a' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'web/moodle/b' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'cron/moodle/c' }));
    await expect(
      logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'web/moodle/a' })),
    ).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    const { logStreams } = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, logStreamNamePrefix: 'web/' }),
    );
    expect(logStreams!.map((s) => s.logStreamName)).toEqual(['web/moodle/a', 'web/moodle/b']);
  });

  it('refuses events out of order and events for a missing stream', async () => {
    await expect(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: 'web/moodle/a',
          logEvents: [
            { timestamp: T0 + 2, message: 'b' },
            { timestamp: T0 + 1, message: 'a' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: 'nope',
          logEvents: [{ timestamp: T0, message: 'x' }],
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('GetLogEvents reads forward page by page and answers the same token at the end', async () => {
    const events = ['one', 'two', 'three', 'four', 'five'].map((message, i) => ({
      timestamp: T0 + i * 1000,
      message,
    }));
    await logs.send(
      new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'web/moodle/a', logEvents: events }),
    );
    const read: string[] = [];
    let token: string | undefined;
    // The SDK's paginator ends a stream only when told to stop on a repeated token.
    for await (const page of paginateGetLogEvents(
      { client: logs, pageSize: 2, stopOnSameToken: true },
      { logGroupName: GROUP, logStreamName: 'web/moodle/a', startFromHead: true },
    )) {
      read.push(...page.events!.map((e) => e.message!));
      token = page.nextForwardToken;
    }
    expect(read).toEqual(['one', 'two', 'three', 'four', 'five']);

    // Following the tail: a new event appears under the token that had reached the end.
    fake.logs.append(GROUP, 'web/moodle/a', ['six'], T0 + 9000);
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'web/moodle/a', nextToken: token }),
    );
    expect(tail.events!.map((e) => e.message)).toEqual(['six']);

    // Without startFromHead the newest events come first, within the limit.
    const latest = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'web/moodle/a', limit: 2 }),
    );
    expect(latest.events!.map((e) => e.message)).toEqual(['five', 'six']);
    const before = await logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'web/moodle/a',
        limit: 2,
        nextToken: latest.nextBackwardToken,
      }),
    );
    expect(before.events!.map((e) => e.message)).toEqual(['three', 'four']);
  });

  it('delivers container output late by deliveryDelayMs of its clock; PutLogEvents callers see theirs at once', async () => {
    const stream = 'web/moodle/late';
    const read = async (filter = false) =>
      filter
        ? (
            await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [stream] }))
          ).events!.map((e) => e.message)
        : (
            await logs.send(
              new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }),
            )
          ).events!.map((e) => e.message);
    fake.server.msPerRequest = 0;
    fake.logs.deliveryDelayMs = 5000;
    try {
      fake.logs.append(GROUP, stream, ['written at the stop']);
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: stream,
          logEvents: [{ timestamp: fake.server.now().getTime() - 1, message: 'put by a client' }],
        }),
      );
      expect(await read()).toEqual(['put by a client']);
      expect(await read(true)).toEqual(['put by a client']);
      fake.server.tick(4999);
      expect(await read()).toEqual(['put by a client']);
      fake.server.tick(1);
      expect(await read()).toEqual(['put by a client', 'written at the stop']);
      expect(await read(true)).toEqual(['put by a client', 'written at the stop']);
    } finally {
      fake.logs.deliveryDelayMs = 0;
      fake.server.msPerRequest = 1000;
    }
  });

  it('FilterLogEvents interleaves streams, filters by stream, time and pattern, and pages', async () => {
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: 'web/moodle/b',
        logEvents: [
          { timestamp: T0 + 500, message: 'ERROR db down' },
          { timestamp: T0 + 2500, message: 'info ok' },
        ],
      }),
    );
    const all: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client: logs, pageSize: 3 },
      { logGroupName: GROUP, logStreamNames: ['web/moodle/a', 'web/moodle/b'], startTime: T0 + 500 },
    )) {
      all.push(...page.events!.map((e) => e.message!));
    }
    expect(all).toEqual(['ERROR db down', 'two', 'three', 'info ok', 'four', 'five', 'six']);
    const errors = await logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'ERROR' }),
    );
    expect(errors.events!.map((e) => [e.logStreamName, e.message])).toEqual([
      ['web/moodle/b', 'ERROR db down'],
    ]);
  });
});

describe('retry', () => {
  it("converges through the SDK's standard retry with a third of calls throttled", async () => {
    fake.server.resetCalls();
    fake.server.setThrottle(1 / 3, 3);
    try {
      for (let i = 0; i < 10; i++)
        await logs.send(new CreateLogGroupCommand({ logGroupName: `/throttled/${i}` }));
    } finally {
      fake.server.setThrottle(0);
    }
    expect(fake.server.count({ service: 'logs', throttled: true })).toBeGreaterThan(0);
    expect(fake.server.count({ service: 'logs', action: 'CreateLogGroup', throttled: false })).toBe(10);
    expect(fake.inventory()['logs:log-group']!.filter((g) => g.startsWith('/throttled/'))).toHaveLength(10);
  });
});
