// The EC2 fake through a real EC2Client (the SDK's ec2 protocol both ways): launches with tags and
// client tokens, filtered and paged describes, idempotent terminates, console output, tags, and errors
// in EC2's <Response><Errors> shape.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  paginateDescribeInstances,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { createEc2Client } from '@moodle-preview/core';

let fake: AwsFake;
let ec2: EC2Client;
beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  ec2 = createEc2Client({ region: fake.server.region, maxAttempts: 1 });
});
afterAll(async () => {
  ec2.destroy();
  await fake.close();
});

const launch = (token: string, tags: Record<string, string> = {}) =>
  ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0abcdef1234567890',
      InstanceType: 'm7i.large',
      SubnetId: 'subnet-0aaaaaaaaaaaaaaaa',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: token,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );

describe('EC2 fake', () => {
  it('launches with tags; the same client token answers the same instance', async () => {
    const a = await launch('tok-1', { team: 'a' });
    const again = await launch('tok-1', { team: 'a' });
    const id = a.Instances![0]!.InstanceId!;
    expect(again.Instances![0]!.InstanceId).toBe(id);
    expect(a.Instances![0]!.State).toEqual({ Code: 0, Name: 'pending' });
    expect(a.Instances![0]!.Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(a.Instances![0]!.LaunchTime).toBeInstanceOf(Date);
  });

  it('the same client token with other parameters is IdempotentParameterMismatch, and launches nothing', async () => {
    const first = await launch('tok-2', { started: '10:00' });
    const before = fake.ec2.instances.size;
    const err = await launch('tok-2', { started: '10:05' }).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'IdempotentParameterMismatch', $metadata: { httpStatusCode: 400 } });
    expect(fake.ec2.instances.size).toBe(before);
    // The token still answers its own launch.
    expect((await launch('tok-2', { started: '10:00' })).Instances![0]!.InstanceId).toBe(
      first.Instances![0]!.InstanceId,
    );
  });

  it('throttles as EC2 does (RequestLimitExceeded, 503), which the SDK retries', async () => {
    fake.server.setThrottle(1);
    const refused = await ec2.send(new DescribeInstancesCommand({})).catch((e: Error) => e);
    fake.server.setThrottle(0);
    expect(refused).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });

    // One call per 200 ms: the SDK's retry (throttling backoff) waits and gets through.
    fake.server.setRateLimits([
      { name: 'ec2 describe', service: 'ec2', actions: ['DescribeInstances'], burst: 1, refillPerSecond: 5 },
    ]);
    const retrying = createEc2Client({ region: fake.server.region, maxAttempts: 8 });
    try {
      await ec2.send(new DescribeInstancesCommand({})); // takes the one token
      fake.server.resetCalls();
      await retrying.send(new DescribeInstancesCommand({}));
    } finally {
      fake.server.setRateLimits([]);
      retrying.destroy();
    }
    const answers = fake.server.calls.map((c) => c.error ?? 'ok');
    expect(answers[0]).toBe('RequestLimitExceeded');
    expect(answers.at(-1)).toBe('ok');
    expect(new Set(answers.slice(0, -1))).toEqual(new Set(['RequestLimitExceeded']));
  });

  it('describes by tag and state filters, paged', async () => {
    for (let n = 0; n < 7; n++) await launch(`page-${n}`, { group: 'paged' });
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances(
      { client: ec2, pageSize: 5 },
      {
        Filters: [
          { Name: 'tag:group', Values: ['paged'] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      },
    )) {
      pages++;
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) ids.push(i.InstanceId!);
    }
    expect(ids).toHaveLength(7);
    expect(pages).toBe(2);
  });

  it('terminates idempotently and reads console output; unknown ids are InvalidInstanceID.NotFound', async () => {
    const id = (await launch('term-1')).Instances![0]!.InstanceId!;
    fake.ec2.setConsoleOutput(id, 'hello from the console\n');
    const out = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id, Latest: true }));
    expect(Buffer.from(out.Output!, 'base64').toString()).toBe('hello from the console\n');
    const first = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(first.TerminatingInstances![0]).toMatchObject({
      InstanceId: id,
      CurrentState: { Name: 'shutting-down' },
    });
    await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    const second = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(second.TerminatingInstances![0]!.CurrentState!.Name).toBe('terminated');
    const err = await ec2
      .send(new TerminateInstancesCommand({ InstanceIds: ['i-0000000000000dead'] }))
      .catch((e: Error & { Code?: string }) => e);
    expect((err as Error).name).toBe('InvalidInstanceID.NotFound');
    expect((err as Error).message).toContain("'i-0000000000000dead' does not exist");
  });

  it('adds tags; capacity errors arrive with their code', async () => {
    const id = (await launch('tags-1')).Instances![0]!.InstanceId!;
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'k', Value: 'v' }] }));
    expect(fake.ec2.instances.get(id)!.Tags).toContainEqual({ Key: 'k', Value: 'v' });
    fake.ec2.failLaunches({ instanceType: 'm7i.large', times: 1 });
    const err = await launch('cap-1').catch((e: Error) => e);
    expect((err as Error).name).toBe('InsufficientInstanceCapacity');
  });
});
