// doctor and ops read a site's last cron run from the cron log group, where run-cron-fanout writes
// each run as its output event followed by its joblog line.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { DEFAULT_CRON_LOG_GROUP, lastCronRun } from '@moodle-preview/core';

let fake: AwsFake;
let logs: CloudWatchLogsClient;
const saved = { ...process.env };
beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  logs = new CloudWatchLogsClient({});
});
afterAll(async () => {
  logs.destroy();
  await fake.close();
  process.env = saved;
});

const joblog = (start: string, exitCode: number | null) =>
  JSON.stringify({
    site: 'a',
    cluster: 'c',
    service: 'mdl-a',
    status: exitCode === 0 ? 'succeeded' : 'failed',
    start,
    durationMs: 1500,
    exitCode,
    bytes: 3,
    tail: ['ok'],
  });

it('finds the newest joblog line of the site, skipping output events', async () => {
  expect(await lastCronRun(logs, DEFAULT_CRON_LOG_GROUP, 'a')).toBeUndefined(); // no group yet
  await logs.send(new CreateLogGroupCommand({ logGroupName: DEFAULT_CRON_LOG_GROUP }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: DEFAULT_CRON_LOG_GROUP, logStreamName: 'a' }));
  expect(await lastCronRun(logs, DEFAULT_CRON_LOG_GROUP, 'a')).toBeUndefined(); // no run yet
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: DEFAULT_CRON_LOG_GROUP,
      logStreamName: 'a',
      logEvents: [
        { timestamp: 1000, message: 'cron output\nok' },
        { timestamp: 1001, message: joblog('2026-01-01T00:00:00.000Z', 0) },
        { timestamp: 2000, message: 'second run output' },
        { timestamp: 2001, message: joblog('2026-01-01T00:02:00.000Z', 2) },
      ],
    }),
  );
  const last = await lastCronRun(logs, DEFAULT_CRON_LOG_GROUP, 'a');
  expect(last).toMatchObject({ start: '2026-01-01T00:02:00.000Z', exitCode: 2, status: 'failed' });
});
