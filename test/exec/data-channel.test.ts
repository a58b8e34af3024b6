// The exec data channel against the test agent: output exactly once and in order with the right exit
// code, under seeded loss, duplication and reordering in both directions; broken sockets fail fast.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { DataChannel, DataChannelError } from '@moodle-preview/core';
import type { SsmAgentServer } from '../servers/ssm-agent.js';
import { agentFor, runOverChannel } from './channel.js';

let server: SsmAgentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A deterministic payload of n bytes with line structure: numbered lines of printable text. */
const printing = (bytes: number) =>
  `i=0; n=${bytes}; while [ $i -lt $((n / 16)) ]; do printf '%015d\\n' $i; i=$((i+1)); done; head -c $((n % 16)) /dev/zero | tr '\\0' x`;
const expected = (bytes: number) => {
  const lines: string[] = [];
  for (let i = 0; i < Math.floor(bytes / 16); i++) lines.push(`${String(i).padStart(15, '0')}\n`);
  return lines.join('') + 'x'.repeat(bytes % 16);
};

describe('exec data channel', () => {
  it('runs a command and returns its output and exit code', async () => {
    server = await agentFor();
    const r = await runOverChannel(server, "echo hello; echo 'it''s' >&2; exit 3");
    expect(r.output).toBe('hello\nits\n');
    expect(r.exitCode).toBe(3);
    expect(server.sessions[0]!.handshakeResponse?.ProcessedClientActions).toEqual([
      { ActionType: 'SessionType', ActionStatus: 1, ActionResult: null, Error: '' },
    ]);
    expect(server.sessions[0]!.openedWith).toMatchObject({ MessageSchemaVersion: '1.0' });
  });

  it('keeps output without a final newline and passes shell metacharacters to sh', async () => {
    server = await agentFor();
    const r = await runOverChannel(server, 'printf "a&b|c"; true &');
    expect(r.output).toBe('a&b|c');
    expect(r.exitCode).toBe(0);
  });

  const sizes = [1, 1000, 100_000];
  for (const seed of [1, 2]) {
    for (const bytes of sizes) {
      it(`delivers ${bytes} B exactly once and in order with 20 % chaos both ways (seed ${seed})`, async () => {
        server = await agentFor({ chaos: { seed, drop: 0.2, duplicate: 0.2, reorder: 0.2 }, resendMs: 20 });
        const r = await runOverChannel(server, `${printing(bytes)}; exit 7`);
        expect(r.output.length).toBe(bytes);
        expect(r.output).toBe(expected(bytes));
        expect(r.exitCode).toBe(7);
      });
    }
  }

  it('delivers 10 MB exactly once and in order with 20 % chaos both ways', async () => {
    server = await agentFor({
      chaos: { seed: 42, drop: 0.2, duplicate: 0.2, reorder: 0.2 },
      resendMs: 20,
      chunkSize: 16 * 1024,
      window: 512,
    });
    const bytes = 10 * 1024 * 1024;
    const r = await runOverChannel(server, `head -c ${bytes} /dev/zero | tr '\\0' 'y'; exit 5`);
    expect(r.output.length).toBe(bytes);
    expect(createHash('sha256').update(r.output).digest('hex')).toBe(
      createHash('sha256').update('y'.repeat(bytes)).digest('hex'),
    );
    expect(r.exitCode).toBe(5);
    expect(r.channel.stats.duplicatesDropped).toBeGreaterThan(0);
    expect(r.channel.stats.buffered).toBeGreaterThan(0);
  });

  it('fails fast and clearly when the socket is killed mid-stream', async () => {
    server = await agentFor({ killAfterOutputFrames: 3, chunkSize: 64 });
    const started = Date.now();
    await expect(runOverChannel(server, 'seq 1 100000')).rejects.toThrow(
      /exec data channel closed unexpectedly \(WebSocket code 1006\).*may still be running/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('resends input that the agent leaves unacknowledged until its pty is ready', async () => {
    server = await agentFor({ withholdAcksMs: 300 });
    const got: string[] = [];
    const channel = await DataChannel.open({
      streamUrl: server.url,
      tokenValue: 'token:head -n 2',
      onOutput: (d) => got.push(d.toString()),
      tuning: { resendTickMs: 10 },
    });
    await channel.ready;
    channel.sendInput('one\n');
    channel.sendInput('two\n');
    await channel.ended;
    expect(got.join('')).toBe('one\r\ntwo\r\n');
    expect(server.sessions[0]!.input).toEqual(['one\n', 'two\n']);
    expect(server.sessions[0]!.inputFramesReceived).toBeGreaterThan(4);
  });

  it('holds input while publication is paused', async () => {
    server = await agentFor({ pausePublicationMs: 200 });
    const channel = await DataChannel.open({
      streamUrl: server.url,
      tokenValue: 'token:head -n 1',
      onOutput: () => undefined,
    });
    await channel.ready;
    channel.sendInput('later\n');
    channel.resize(120, 40);
    await channel.ended;
    const s = server.sessions[0]!;
    expect(s.input).toEqual(['later\n']);
    expect(s.inputAt[0]!).toBeGreaterThanOrEqual(s.resumedAt!);
  });

  it('refuses a KMS-encrypted session clearly', async () => {
    server = await agentFor({ kmsKeyId: 'arn:aws:kms:eu-west-2:123456789012:key/abc' });
    const err = await runOverChannel(server, 'true').catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'ConfigurationError' });
    expect((err as Error).message).toMatch(/key\/abc.*KMS-encrypted ECS Exec is not supported/);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sessions[0]!.handshakeResponse?.ProcessedClientActions[0]).toMatchObject({
      ActionType: 'KMSEncryption',
      ActionStatus: 2,
    });
  });

  it('reports a refused token as a broken channel', async () => {
    server = await agentFor();
    const channel = await DataChannel.open({
      streamUrl: server.url,
      tokenValue: 'nope',
      onOutput: () => undefined,
    });
    await expect(channel.ended).rejects.toBeInstanceOf(DataChannelError);
    await expect(channel.ended).rejects.toThrow(/4003: invalid token/);
  });
});
