// KMS-encrypted ECS Exec: the handshake's KMSEncryption action through the AWS fake's KMS, sealed
// output and input both ways (also under chaos), a wrong data key failing clearly, runCommand making
// its own KMS client from the environment, and the KMS fake itself.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { DataChannel, runCommand, wrapCommand } from '@moodle-preview/core';
import type { SsmAgentServer } from '../servers/ssm-agent.js';
import { agentFor, runOverChannel } from './channel.js';
import { createExecWorld, type ExecWorld } from './ecs-world.js';

const KEY = 'arn:aws:kms:eu-west-2:123456789012:key/exec-key';

let fake: AwsFake;
let kms: KMSClient;
beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  const env = fake.env();
  kms = new KMSClient({
    region: fake.server.region,
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'x',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'x',
    },
  });
});
afterAll(async () => {
  kms.destroy();
  await fake.close();
});

let server: SsmAgentServer | undefined;
let world: ExecWorld | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await world?.close();
  world = undefined;
});

const kmsAgent = (extra: Parameters<typeof agentFor>[0] = {}) =>
  agentFor({ kmsKeyId: KEY, kmsDecrypt: (blob, context) => fake.kms.decrypt(blob, context, KEY), ...extra });

describe('KMS-encrypted exec sessions', () => {
  it('round-trips output and the exit code through a KMS data key', async () => {
    server = await kmsAgent();
    const r = await runOverChannel(server, "echo hello; echo 'sec''ret' >&2; exit 3", { kms });
    expect(r.output).toBe('hello\nsecret\n');
    expect(r.exitCode).toBe(3);
    const s = server.sessions[0]!;
    expect(s.encrypted).toBe(true);
    const action = s.handshakeResponse!.ProcessedClientActions[0]!;
    expect(action).toMatchObject({ ActionType: 'KMSEncryption', ActionStatus: 1, Error: '' });
    const result = action.ActionResult as { KMSCipherTextKey: string; KMSCipherTextHash: string };
    expect(typeof result.KMSCipherTextKey).toBe('string');
    expect(fake.kms.keys.has('exec-key')).toBe(true);
    // Bound to the session: another session id in the context does not open it.
    expect(() =>
      fake.kms.decrypt(Buffer.from(result.KMSCipherTextKey, 'base64'), {
        'aws:ssm:SessionId': 'another-session',
        'aws:ssm:TargetId': s.targetId,
      }),
    ).toThrow(expect.objectContaining({ name: 'InvalidCiphertextException' }));
  });

  it('answers the encryption challenge before the session starts', async () => {
    server = await kmsAgent({ encryptionChallenge: true, chaos: { seed: 8, drop: 0.2, duplicate: 0.2 } });
    const r = await runOverChannel(server, 'echo challenged', { kms });
    expect(r).toMatchObject({ output: 'challenged\n', exitCode: 0 });
    expect(server.sessions[0]!.challengePassed).toBe(true);
  });

  it('fails clearly when the challenge is sealed with another key', async () => {
    server = await kmsAgent({ encryptionChallenge: true, kmsWrongKey: true });
    const err = await runOverChannel(server, 'true', { kms }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'DataChannelError' });
    expect((err as Error).message).toMatch(/encryption challenge with the KMS data key/);
  });

  it('seals input too: the agent reads what was typed', async () => {
    server = await kmsAgent();
    const parts: Buffer[] = [];
    const channel = await DataChannel.open({
      streamUrl: server.url,
      tokenValue: `token@input-session:${wrapCommand('head -n 1', 'X')}`,
      onOutput: (d) => parts.push(d),
      kms: { client: kms, sessionId: 'input-session', targetId: 'ecs:cluster_task_runtime' },
    });
    await channel.ready;
    channel.sendInput('typed secret\n');
    channel.resize(100, 30);
    await channel.ended;
    expect(server.sessions[0]!.input).toEqual(['typed secret\n']);
    expect(server.sessions[0]!.sizes).toEqual([{ cols: 100, rows: 30 }]);
    expect(Buffer.concat(parts).toString()).toContain('typed secret');
  });

  it('delivers 100 kB exactly once and in order under 20 % chaos both ways', async () => {
    server = await kmsAgent({ chaos: { seed: 5, drop: 0.2, duplicate: 0.2, reorder: 0.2 }, resendMs: 20 });
    const r = await runOverChannel(server, 'head -c 100000 /dev/zero | tr "\\0" y; exit 4', { kms });
    expect(r.output).toBe('y'.repeat(100_000));
    expect(r.exitCode).toBe(4);
  });

  it('fails clearly, not by hanging, when the agent seals with another data key', async () => {
    server = await kmsAgent({ kmsWrongKey: true });
    const err = await runOverChannel(server, 'echo hello', { kms }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'DataChannelError' });
    expect((err as Error).message).toMatch(/could not decrypt exec output .* KMS data key/);
  });

  it('says what is missing when kms:GenerateDataKey fails', async () => {
    server = await agentFor({ kmsKeyId: KEY });
    const broken = new KMSClient({
      region: 'eu-west-2',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const err = await runOverChannel(server, 'true', { kms: broken }).catch((e: unknown) => e as Error);
    broken.destroy();
    expect(err).toMatchObject({ name: 'ConfigurationError' });
    expect((err as Error).message).toMatch(/key\/exec-key.*kms:GenerateDataKey/);
  });

  it('keeps the clear refusal when no KMS client is given', async () => {
    server = await kmsAgent();
    const err = await runOverChannel(server, 'true').catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'ConfigurationError' });
    expect((err as Error).message).toMatch(/exec-key.*KMS-encrypted ECS Exec is not supported/);
  });

  it('runCommand makes its KMS client from the environment and targets ecs:<cluster>_<task>_<runtime>', async () => {
    world = await createExecWorld({
      agent: {
        kmsKeyId: KEY,
        kmsDecrypt: (blob, context) => world!.fake.kms.decrypt(blob, context),
        chaos: { seed: 9, drop: 0.1, duplicate: 0.1, reorder: 0.1 },
      },
    });
    const r = await runCommand({
      clients: world.clients,
      cluster: world.cluster,
      task: world.tasks[0]!.split('/').pop()!,
      command: 'echo "encrypted cron"; exit 5',
      tuning: { resendTickMs: 10 },
    });
    expect(r).toMatchObject({ exitCode: 5, output: 'encrypted cron\n' });
    const s = world.agent.sessions[0]!;
    expect(s.encrypted).toBe(true);
    expect(s.targetId).toMatch(new RegExp(`^ecs:moodle_cluster_${world.tasks[0]!.split('/').pop()}_.+`));
  });

  it("runCommand's own KMS client is in the ECS client's region and is destroyed with the session; one given is left open", async () => {
    world = await createExecWorld({
      agent: { kmsKeyId: KEY, kmsDecrypt: (blob, context) => world!.fake.kms.decrypt(blob, context) },
    });
    const run = (given?: KMSClient) =>
      runCommand({
        clients: world!.clients,
        cluster: world!.cluster,
        task: world!.tasks[0]!,
        command: 'echo sealed',
        ...(given ? { kms: { client: given } } : {}),
      });
    // The CLI takes the region from the platform file: the environment need not name one.
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    const destroy = jest.spyOn(KMSClient.prototype, 'destroy');
    try {
      await expect(run()).resolves.toMatchObject({ exitCode: 0, output: 'sealed\n' });
      expect(world.agent.sessions[0]!.encrypted).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(destroy).toHaveBeenCalledTimes(1);

      const given = new KMSClient({ region: world.fake.server.region });
      await expect(run(given)).resolves.toMatchObject({ exitCode: 0, output: 'sealed\n' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(destroy).toHaveBeenCalledTimes(1);
      given.destroy();
    } finally {
      process.env.AWS_REGION = region;
      destroy.mockRestore();
    }
  });
});

describe('the KMS fake', () => {
  it('generates data keys by NumberOfBytes or KeySpec and decrypts only its own, in context', async () => {
    fake.kms.seedKey('seeded');
    const context = { purpose: 'test' };
    const a = await kms.send(
      new GenerateDataKeyCommand({ KeyId: 'seeded', NumberOfBytes: 64, EncryptionContext: context }),
    );
    expect(a.Plaintext?.length).toBe(64);
    expect(a.KeyId).toMatch(/:key\/seeded$/);
    const b = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/new', KeySpec: 'AES_256' }));
    expect(b.Plaintext?.length).toBe(32);
    const back = await kms.send(
      new DecryptCommand({ CiphertextBlob: a.CiphertextBlob, EncryptionContext: context }),
    );
    expect(Buffer.from(back.Plaintext!)).toEqual(Buffer.from(a.Plaintext!));
    await expect(
      kms.send(
        new DecryptCommand({ CiphertextBlob: a.CiphertextBlob, EncryptionContext: { purpose: 'other' } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(
      kms.send(
        new DecryptCommand({
          CiphertextBlob: a.CiphertextBlob,
          EncryptionContext: context,
          KeyId: 'alias/new',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: randomBytes(80) }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });
});
