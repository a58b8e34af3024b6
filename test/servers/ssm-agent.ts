// A WebSocket server that plays the SSM agent's side of an exec data channel (with MGS folded in):
// OpenDataChannel, the handshake, a real child process whose output streams back in sequenced frames,
// acknowledgements and resends — and seeded switches for dropping, duplicating, reordering and delaying
// frames in both directions, withholding acknowledgements, and killing the socket mid-stream.
// Behaviour follows aws/amazon-ssm-agent agent/session/datachannel/datachannel.go (cited per step).
import { spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  acknowledgeFor,
  clientMessage,
  decodeClientMessage,
  encodeClientMessage,
  FLAG_SYN,
  MessageType,
  parseJsonPayload,
  PayloadType,
  type AcknowledgeContent,
  type ClientMessage,
  type HandshakeResponsePayload,
} from '../../packages/core/src/exec/client-message.js';
import { seededRandom } from './seeded-random.js';

export interface FrameChaos {
  /** Seed of the PRNG; each session gets seed + its index. */
  seed: number;
  /** Probabilities per frame, in both directions (sent and received by the agent). */
  drop?: number;
  duplicate?: number;
  reorder?: number;
  /** Extra random delay of sent frames, up to this many ms. */
  delayMs?: number;
}

export interface SsmAgentOptions {
  /** The command (and session id) a token opens; the AWS fake's execSessions in end-to-end tests. */
  sessionFor: (token: string) => { command: string; sessionId: string; targetId?: string } | undefined;
  chaos?: FrameChaos;
  /** Output payload size (agent/session/config/config.go:50, StreamDataPayloadSize = 1024). */
  chunkSize?: number;
  /** Fixed retransmission timeout of the agent side (ms). */
  resendMs?: number;
  /** Unacknowledged output frames before the child's output is paused. */
  window?: number;
  /** Leave input unacknowledged for this long after the handshake ("the pty is not ready yet"). */
  withholdAcksMs?: number;
  /** Terminate the socket once this many output frames have been sent. */
  killAfterOutputFrames?: number;
  /** Ask for KMS encryption in the handshake. */
  kmsKeyId?: string;
  /**
   * Decrypt the client's ciphertext data key, as the agent does with kms:Decrypt (the KMS fake's
   * `decrypt`). Without it a KMS handshake the client accepts is answered with a failed channel.
   */
  kmsDecrypt?: (ciphertext: Buffer, context: Record<string, string>) => Buffer | Promise<Buffer>;
  /** Seal output with a data key other than the client's (a wrong-key test). */
  kmsWrongKey?: boolean;
  /** After the KMS action, send an encryption challenge and wait for its answer before HandshakeComplete. */
  encryptionChallenge?: boolean;
  /** Send pause_publication right after HandshakeComplete and start_publication this much later. */
  pausePublicationMs?: number;
}

export interface AgentSession {
  sessionId: string;
  command: string;
  openedWith: Record<string, unknown>;
  handshakeResponse?: HandshakeResponsePayload;
  /** Input payloads (type Output) in the order the agent processed them. */
  input: string[];
  sizes: { cols: number; rows: number }[];
  /** Input frames received (before chaos), resends included. */
  inputFramesReceived: number;
  outputFramesSent: number;
  outputResent: number;
  exitCode?: number | null;
  closed: boolean;
  terminated: boolean;
  /** When start_publication was sent (pausePublicationMs). */
  resumedAt?: number;
  /** When each input payload was processed. */
  inputAt: number[];
  /** `ecs:<cluster>_<taskId>_<runtimeId>` (or what sessionFor gave): the encryption context's target. */
  targetId: string;
  /** Payloads are sealed with the session's KMS data key. */
  encrypted: boolean;
  /** The client's answer to the encryption challenge matched. */
  challengePassed?: boolean;
}

/**
 * The agent's half of the session cipher: AES-256-GCM, 12-byte nonce in front (session-manager-plugin
 * src/encryption/encrypter.go L103-132), but the agent encrypts with the FIRST half of the data key and
 * decrypts with the second — the client's halves swapped (L64-65).
 */
function agentCipher(dataKey: Buffer) {
  const encryptKey = dataKey.subarray(0, 32);
  const decryptKey = dataKey.subarray(32, 64);
  return {
    seal(plain: Buffer): Buffer {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', encryptKey, nonce);
      return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
    },
    open(sealed: Buffer): Buffer {
      const d = createDecipheriv('aes-256-gcm', decryptKey, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
    },
  };
}

export interface SsmAgentServer {
  url: string;
  sessions: AgentSession[];
  /** End a session as ssm:TerminateSession does: the process is killed and the channel closed. */
  terminate(sessionId: string): void;
  close(): Promise<void>;
}

/** google/shlex's split as the agent uses it (agent/session/shell/shell_unix.go:84): quotes, escapes. */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      word ??= '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        word += line[i];
        i++;
      }
      if (i >= line.length) throw new Error('unterminated double quote');
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export async function startSsmAgentServer(options: SsmAgentOptions): Promise<SsmAgentServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sessions: AgentSession[] = [];
  const enders = new Map<string, () => void>();
  wss.on('connection', (ws) => {
    ws.once('message', (data: RawData, isBinary: boolean) => {
      let open: Record<string, unknown> = {};
      try {
        if (!isBinary) open = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        /* handled below */
      }
      const found = options.sessionFor(String(open.TokenValue ?? ''));
      if (!found) {
        ws.close(4003, 'invalid token');
        return;
      }
      const session: AgentSession = {
        sessionId: found.sessionId,
        command: found.command,
        openedWith: open,
        input: [],
        sizes: [],
        inputFramesReceived: 0,
        outputFramesSent: 0,
        outputResent: 0,
        closed: false,
        terminated: false,
        inputAt: [],
        targetId: found.targetId ?? 'ecs:cluster_task_runtime',
        encrypted: false,
      };
      sessions.push(session);
      const end = playAgent(ws, session, options, sessions.length);
      enders.set(session.sessionId, end);
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    sessions,
    terminate: (sessionId) => enders.get(sessionId)?.(),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function playAgent(
  ws: WebSocket,
  session: AgentSession,
  options: SsmAgentOptions,
  index: number,
): () => void {
  const chaos = options.chaos;
  const random = seededRandom((chaos?.seed ?? 1) + index);
  const chunkSize = options.chunkSize ?? 1024;
  const resendMs = options.resendMs ?? 40;
  const window = options.window ?? 256;
  let outSequence = 0;
  let expectedIn = 0;
  const incoming = new Map<number, ClientMessage>();
  const outgoing = new Map<number, { frame: Buffer; lastSent: number }>();
  let child: ChildProcess | undefined;
  let childDone = false;
  let readyAt = Number.POSITIVE_INFINITY;
  let finished = false;
  const held: (() => void)[] = [];
  let cipher: ReturnType<typeof agentCipher> | undefined;
  let challenge: Buffer | undefined;

  const alive = () => ws.readyState === WebSocket.OPEN && !finished;
  const rawSend = (frame: Buffer) => {
    if (alive()) ws.send(frame);
  };
  const releaseHeld = () => {
    for (const f of held.splice(0)) f();
  };
  /** Apply the chaos to one delivery (a send, or the processing of a received frame). */
  const withChaos = (deliver: () => void) => {
    if (!chaos) return deliver();
    const r = random();
    const drop = chaos.drop ?? 0;
    const dup = chaos.duplicate ?? 0;
    const reorder = chaos.reorder ?? 0;
    const later = (f: () => void) => (chaos.delayMs ? setTimeout(f, random() * chaos.delayMs) : f());
    if (r < drop) return;
    if (r < drop + dup) {
      later(deliver);
      later(deliver);
      return;
    }
    if (r < drop + dup + reorder) {
      // Delivered after the next frame, or soon if none follows.
      held.push(deliver);
      setTimeout(releaseHeld, 15);
      return;
    }
    later(() => {
      deliver();
      releaseHeld();
    });
  };

  const sendStream = (payloadType: number, payload: Buffer) => {
    const sequenceNumber = outSequence++;
    // The first stream message carries SYN (agent datachannel.go:424-427).
    const frame = encodeClientMessage(
      clientMessage({
        messageType: MessageType.outputStreamData,
        sequenceNumber,
        flags: sequenceNumber === 0 ? FLAG_SYN : 0n,
        payloadType,
        payload,
      }),
    );
    outgoing.set(sequenceNumber, { frame, lastSent: Date.now() });
    withChaos(() => rawSend(frame));
  };
  const sendControl = (m: ClientMessage) => rawSend(encodeClientMessage(m));

  // Resend unacknowledged output (agent datachannel.go:468-500), every expired frame per tick.
  const resendTimer = setInterval(
    () => {
      const now = Date.now();
      for (const entry of outgoing.values()) {
        if (now - entry.lastSent < resendMs) continue;
        entry.lastSent = now;
        session.outputResent++;
        withChaos(() => rawSend(entry.frame));
      }
      maybeClose();
    },
    Math.max(5, resendMs / 2),
  );

  const closeChannel = (output: string) => {
    if (finished) return;
    // channel_closed comes from MGS, unsequenced and unacknowledged (plugin streaming.go:775-793).
    sendControl(
      clientMessage({
        messageType: MessageType.channelClosed,
        flags: FLAG_SYN | 2n,
        payload: Buffer.from(
          JSON.stringify({
            MessageId: clientMessage({ messageType: 'x' }).messageId,
            CreatedDate: new Date().toISOString(),
            DestinationId: 'ecs:cluster_task_runtime',
            SessionId: session.sessionId,
            MessageType: MessageType.channelClosed,
            SchemaVersion: 1,
            Output: output,
          }),
        ),
      }),
    );
    stop();
    setTimeout(() => ws.close(1000), 200).unref();
  };
  const stop = () => {
    finished = true;
    session.closed = true;
    clearInterval(resendTimer);
    // The whole process group, as the end of a pty session ends everything the command started (a
    // `sleep` left behind would keep the output pipe, and the test process, open).
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
  };
  const maybeClose = () => {
    if (childDone && outgoing.size === 0 && !finished)
      closeChannel(`Exiting session with sessionId: ${session.sessionId}.`);
    if (child && outgoing.size < window / 2) {
      child.stdout?.resume();
      child.stderr?.resume();
    }
  };

  const startCommand = () => {
    const argv = shlexSplit(session.command);
    // On a pty stdout and stderr are one device, so their order is kept; `2>&1` gives the same here.
    child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'pty', ...argv], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, ended as a whole by stop()
    });
    // A pty would turn \n into \r\n (onlcr); the agent sends what the pty gives it.
    const forward = (data: Buffer) => {
      const text = Buffer.from(data.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      for (let at = 0; at < text.length; at += chunkSize) {
        const chunk = text.subarray(at, at + chunkSize);
        sendStream(PayloadType.output, cipher ? cipher.seal(chunk) : chunk);
        session.outputFramesSent++;
        if (
          options.killAfterOutputFrames !== undefined &&
          session.outputFramesSent >= options.killAfterOutputFrames
        ) {
          stop();
          ws.terminate();
          return;
        }
      }
      if (outgoing.size >= window) {
        child?.stdout?.pause();
        child?.stderr?.pause();
      }
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    child.stdin!.on('error', () => undefined);
    child.on('close', (code) => {
      session.exitCode = code;
      childDone = true;
      maybeClose();
    });
  };

  /** The agent's handling of one input stream message (agent datachannel.go:815-852). */
  const processInput = (m: ClientMessage) => {
    switch (m.payloadType) {
      case PayloadType.handshakeResponse: {
        const response = parseJsonPayload<HandshakeResponsePayload>(m);
        session.handshakeResponse = response;
        if (response.Errors?.length) {
          closeChannel(`Handshake failed: ${response.Errors.join('; ')}`);
          return;
        }
        const kms = response.ProcessedClientActions.find((a) => a.ActionType === 'KMSEncryption');
        if (options.kmsKeyId && kms?.ActionStatus === 1) {
          void completeKms(kms.ActionResult as { KMSCipherTextKey: string; KMSCipherTextHash: string }).then(
            () => {
              if (!options.encryptionChallenge) return completeHandshake();
              // The challenge: random bytes sealed with the session key (plugin streaming.go:520-541).
              challenge = randomBytes(64);
              sendStream(
                PayloadType.encChallengeRequest,
                Buffer.from(JSON.stringify({ Challenge: cipher!.seal(challenge).toString('base64') })),
              );
            },
            (err: Error) => closeChannel(`Handshake failed: KMS: ${err.name}: ${err.message}`),
          );
          return;
        }
        completeHandshake();
        return;
      }
      case PayloadType.output: {
        let payload = m.payload;
        try {
          if (cipher) payload = cipher.open(m.payload);
        } catch {
          closeChannel('Failed to decrypt input with the session key');
          return;
        }
        session.input.push(payload.toString('utf8'));
        session.inputAt.push(Date.now());
        child?.stdin?.write(payload);
        return;
      }
      case PayloadType.encChallengeResponse: {
        let answer: Buffer | undefined;
        try {
          answer = cipher?.open(Buffer.from(parseJsonPayload<{ Challenge: string }>(m).Challenge, 'base64'));
        } catch {
          answer = undefined;
        }
        session.challengePassed = !!challenge && !!answer && answer.equals(challenge);
        if (session.challengePassed) completeHandshake();
        else closeChannel('Handshake failed: the encryption challenge was not answered correctly');
        return;
      }
      case PayloadType.size:
        session.sizes.push(parseJsonPayload<{ cols: number; rows: number }>(m));
        return;
      default:
        return;
    }
  };
  /** The agent's side of the KMS action: check the hash, kms:Decrypt the key under the session's context. */
  const completeKms = async (result: { KMSCipherTextKey: string; KMSCipherTextHash: string }) => {
    if (!options.kmsDecrypt) throw new Error('this test agent has no kmsDecrypt');
    const ciphertext = Buffer.from(result.KMSCipherTextKey, 'base64');
    const hash = createHash('sha256').update(ciphertext).digest('base64');
    if (hash !== result.KMSCipherTextHash) throw new Error('KMSCipherTextHash does not match the key');
    const dataKey = await options.kmsDecrypt(ciphertext, {
      'aws:ssm:SessionId': session.sessionId,
      'aws:ssm:TargetId': session.targetId,
    });
    cipher = agentCipher(options.kmsWrongKey ? randomBytes(64) : Buffer.from(dataKey));
    session.encrypted = true;
  };
  const completeHandshake = () => {
    if (finished) return;
    sendStream(
      PayloadType.handshakeComplete,
      Buffer.from(JSON.stringify({ HandshakeTimeToComplete: 1_000_000, CustomerMessage: '' })),
    );
    readyAt = Date.now() + (options.withholdAcksMs ?? 0);
    if (options.pausePublicationMs !== undefined) {
      sendControl(clientMessage({ messageType: MessageType.pausePublication }));
      setTimeout(() => {
        session.resumedAt = Date.now();
        sendControl(clientMessage({ messageType: MessageType.startPublication }));
      }, options.pausePublicationMs);
    }
    startCommand();
  };
  const notReady = (m: ClientMessage) =>
    m.payloadType !== PayloadType.handshakeResponse &&
    m.payloadType !== PayloadType.encChallengeResponse &&
    Date.now() < readyAt;
  const ack = (m: ClientMessage) => withChaos(() => rawSend(encodeClientMessage(acknowledgeFor(m))));

  /** In order, early, or already seen (agent datachannel.go:687-741). */
  const onInput = (m: ClientMessage) => {
    if (m.sequenceNumber === expectedIn) {
      // A handler that is not ready leaves the message unacknowledged (ErrHandlerNotReady, :697-699).
      if (notReady(m)) return;
      processInput(m);
      ack(m);
      expectedIn++;
      for (let next = incoming.get(expectedIn); next; next = incoming.get(expectedIn)) {
        incoming.delete(expectedIn);
        processInput(next);
        expectedIn++;
      }
    } else if (m.sequenceNumber > expectedIn) {
      ack(m);
      incoming.set(m.sequenceNumber, m);
    } else {
      ack(m);
    }
  };

  ws.on('message', (data: RawData) => {
    if (finished) return;
    const frame = Buffer.from(data as Buffer);
    session.inputFramesReceived++;
    withChaos(() => {
      if (finished) return;
      const m = decodeClientMessage(frame);
      if (m.messageType === MessageType.acknowledge) {
        outgoing.delete(parseJsonPayload<AcknowledgeContent>(m).AcknowledgedMessageSequenceNumber);
        maybeClose();
      } else if (m.messageType === MessageType.inputStreamData) {
        onInput(m);
      }
    });
  });
  ws.on('close', stop);
  ws.on('error', stop);

  // The agent opens with its handshake request (agent datachannel.go:949-1012, 1014-1036).
  sendStream(
    PayloadType.handshakeRequest,
    Buffer.from(
      JSON.stringify({
        AgentVersion: '3.3.1142.0',
        RequestedClientActions: [
          ...(options.kmsKeyId
            ? [{ ActionType: 'KMSEncryption', ActionParameters: { KMSKeyId: options.kmsKeyId } }]
            : []),
          {
            ActionType: 'SessionType',
            ActionParameters: {
              SessionType: 'InteractiveCommands',
              Properties: { commands: session.command },
            },
          },
        ],
      }),
    ),
  );

  return () => {
    session.terminated = true;
    closeChannel(`Session ${session.sessionId} terminated.`);
  };
}
