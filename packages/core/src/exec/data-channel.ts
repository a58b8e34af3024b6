// The client side of a Session Manager data channel on `ws`: open it with the session token, then
// exchange sequenced stream messages with acknowledgements, resends, a reorder buffer and the handshake.
// Behaviour follows aws/session-manager-plugin src/datachannel/streaming.go and, where the plugin is
// silent or lax, the agent's aws/amazon-ssm-agent agent/session/datachannel/datachannel.go.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { WebSocket, type RawData } from 'ws';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  encodeAcknowledge,
  clientMessage,
  decodeClientMessage,
  encodeClientMessage,
  FLAG_SYN,
  MessageType,
  parseJsonPayload,
  PayloadType,
  type AcknowledgeContent,
  type ChannelClosedContent,
  type ClientMessage,
  type HandshakeRequestPayload,
  type HandshakeResponsePayload,
  type ProcessedClientAction,
} from './client-message.js';

/** The version this client reports in OpenDataChannel and the handshake response. */
export const EXEC_CLIENT_VERSION = '1.2.0.0-mdl-preview';

/** Timing of the reliability layer; defaults are the plugin's (session-manager-plugin src/config/config.go:21-33). */
export interface DataChannelTuning {
  /** Retransmission timeout before the first round trip is measured (DefaultTransmissionTimeout). */
  initialRetransmitMs: number;
  /** Upper bound of the adaptive timeout (MaxTransmissionTimeout). */
  maxRetransmitMs: number;
  /** Lower bound, the clock granularity of the RTO formula (ClockGranularity). */
  minRetransmitMs: number;
  /** How often unacknowledged input is checked (ResendSleepInterval). */
  resendTickMs: number;
  /** Resends of one message before the session is given up (ResendMaxAttempt: 5 minutes of ticks). */
  maxResendAttempts: number;
  /** Early output messages kept for reordering (IncomingMessageBufferCapacity). */
  incomingCapacity: number;
}

export const DEFAULT_TUNING: DataChannelTuning = {
  initialRetransmitMs: 200,
  maxRetransmitMs: 1000,
  minRetransmitMs: 10,
  resendTickMs: 100,
  maxResendAttempts: 3000,
  incomingCapacity: 10000,
};

export interface DataChannelOptions {
  streamUrl: string;
  tokenValue: string;
  /** Stream output in order, exactly once: stdout-like payloads (Output, StdErr). */
  onOutput: (data: Buffer, payloadType: number) => void;
  /** The agent's HandshakeComplete customer message, when it has one. */
  onCustomerMessage?: (text: string) => void;
  log?: Logger;
  tuning?: Partial<DataChannelTuning>;
  /** What a KMSEncryption handshake needs; without it such a handshake fails with a ConfigurationError. */
  kms?: DataChannelKms;
}

/** KMS for an encrypted session: the client (or a factory, called only when asked) and the context. */
export interface DataChannelKms {
  client: KMSClient | (() => KMSClient);
  /** The session's target, `ecs:<cluster>_<taskId>_<runtimeId>` for ECS Exec. */
  targetId: string;
  sessionId: string;
}

/**
 * The session cipher (session-manager-plugin src/encryption/encrypter.go): AES-256-GCM, a random
 * 12-byte nonce in front of the sealed data (tag appended, as Go's Seal does), no additional data
 * (L28, L103-115, L127-132). The client decrypts with the first half of the 64-byte data key and
 * encrypts with the second (L64-65); the agent uses them the other way round.
 */
export class SessionCipher {
  private readonly decryptKey: Buffer;
  private readonly encryptKey: Buffer;

  constructor(dataKey: Uint8Array) {
    if (dataKey.length !== 64)
      throw new DataChannelError(`the KMS data key has ${dataKey.length} bytes, not 64`);
    this.decryptKey = Buffer.from(dataKey.subarray(0, 32));
    this.encryptKey = Buffer.from(dataKey.subarray(32, 64));
  }

  encrypt(plain: Buffer): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptKey, nonce);
    return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  decrypt(sealed: Buffer): Buffer {
    if (sealed.length < 12 + 16) throw new Error('the sealed payload is too short');
    const decipher = createDecipheriv('aes-256-gcm', this.decryptKey, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
  }
}

/** How a session ended without error: the service closed the channel, or we did. */
export type DataChannelEnd = { by: 'service'; output: string } | { by: 'client' };

/** The data channel broke: socket gone, protocol violated, input never acknowledged. */
export class DataChannelError extends Error {
  override name = 'DataChannelError';
}

interface Unacknowledged {
  frame: Buffer;
  firstSent: number;
  lastSent: number;
  attempts: number;
}

export class DataChannel {
  /** Settles when the session ends: resolves on channel_closed or close(), rejects on a broken channel. */
  readonly ended: Promise<DataChannelEnd>;
  /** Resolves when the agent's HandshakeComplete arrived; rejects like `ended` if it never does. */
  readonly ready: Promise<void>;

  private readonly tuning: DataChannelTuning;
  private readonly ws: WebSocket;
  private settle!: { resolve: (e: DataChannelEnd) => void; reject: (e: Error) => void };
  private readyHooks!: { resolve: () => void; reject: (e: Error) => void };
  private done = false;
  private handshakeDone = false;
  private paused = false;
  /** Input waiting for the handshake or for start_publication, in order. */
  private readonly pending: { data: Buffer; payloadType: number }[] = [];
  private nextSequence = 0;
  private expectedSequence = 0;
  private readonly incoming = new Map<number, ClientMessage>();
  private readonly outgoing = new Map<number, Unacknowledged>();
  private rtt: number;
  private rttVariation = 0;
  private rto: number;
  private readonly resendTimer: NodeJS.Timeout;
  /** Set once a KMSEncryption action succeeded (streaming.go:464). */
  private cipher: SessionCipher | undefined;
  /** In-order messages that arrived while the handshake waited for KMS; handled after it. */
  private holding: ClientMessage[] | undefined;
  /** Counters for tests and debug logs. */
  readonly stats = { framesIn: 0, duplicatesDropped: 0, buffered: 0, resent: 0, acksSent: 0 };

  private constructor(private readonly options: DataChannelOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.rtt = this.tuning.initialRetransmitMs;
    this.rto = this.tuning.initialRetransmitMs;
    this.ended = new Promise<DataChannelEnd>((resolve, reject) => (this.settle = { resolve, reject }));
    this.ready = new Promise<void>((resolve, reject) => (this.readyHooks = { resolve, reject }));
    // Callers may await only one of the two; neither must become an unhandled rejection.
    this.ended.catch(() => undefined);
    this.ready.catch(() => undefined);
    this.ws = new WebSocket(options.streamUrl, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    this.ws.on('close', (code: number, reason: Buffer) => {
      const why = reason.length ? `: ${reason.toString()}` : '';
      this.fail(
        new DataChannelError(
          `the exec data channel closed unexpectedly (WebSocket code ${code}${why}) before the session ended; ` +
            'the command may still be running in the container',
        ),
      );
    });
    this.ws.on('error', (err: Error) =>
      this.fail(new DataChannelError(`the exec data channel failed: ${err.message}`, { cause: err })),
    );
    this.resendTimer = setInterval(() => this.resendExpired(), this.tuning.resendTickMs);
    this.resendTimer.unref();
  }

  /** Connect and send OpenDataChannel with the token (streaming.go:201-222); resolves once it is sent. */
  static async open(options: DataChannelOptions): Promise<DataChannel> {
    const channel = new DataChannel(options);
    await new Promise<void>((resolve, reject) => {
      channel.ws.once('open', () => resolve());
      channel.ended.catch(reject);
    });
    channel.ws.send(
      JSON.stringify({
        MessageSchemaVersion: '1.0',
        RequestId: randomUUID(),
        TokenValue: options.tokenValue,
        ClientId: randomUUID(),
        ClientVersion: EXEC_CLIENT_VERSION,
      }),
    );
    return channel;
  }

  /** Send keystrokes or data to the remote side; held while the handshake or a pause is under way. */
  sendInput(data: Buffer | string, payloadType: number = PayloadType.output): void {
    if (this.done) throw new DataChannelError('the exec session has ended');
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (bytes.length === 0) return;
    this.pending.push({ data: bytes, payloadType });
    this.flushPending();
  }

  /** Tell the remote pty the terminal size (shellsession.go:100-130: a Size payload, JSON cols/rows). */
  resize(cols: number, rows: number): void {
    this.sendInput(Buffer.from(JSON.stringify({ cols, rows })), PayloadType.size);
  }

  /** End the session from our side: the socket closes and `ended` resolves. */
  close(): void {
    if (this.done) return;
    this.finish();
    this.settle.resolve({ by: 'client' });
    this.readyHooks.reject(new DataChannelError('the exec session was closed before it was ready'));
  }

  /** Input messages sent but not yet acknowledged. */
  get unacknowledged(): number {
    return this.outgoing.size;
  }

  get retransmissionTimeoutMs(): number {
    return this.rto;
  }

  // ---- receiving ----

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.done) return;
    if (!isBinary) {
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
      this.options.log?.debug(`exec: ignoring a text frame from the service: ${text.slice(0, 200)}`);
      return;
    }
    // ws hands each message over in a buffer of its own (a list for a fragmented one): no copy needed.
    const frame = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    let m: ClientMessage;
    try {
      m = decodeClientMessage(frame);
    } catch (err) {
      this.fail(new DataChannelError(`the exec data channel sent a bad frame: ${(err as Error).message}`));
      return;
    }
    this.stats.framesIn++;
    try {
      switch (m.messageType) {
        case MessageType.outputStreamData:
          this.onOutputMessage(m);
          break;
        case MessageType.acknowledge:
          this.onAcknowledge(parseJsonPayload<AcknowledgeContent>(m));
          break;
        case MessageType.channelClosed:
          this.onChannelClosed(m);
          break;
        // The plugin ignores these (streaming.go:424-425); the agent stops and resumes sending on them
        // (agent datachannel.go:771-783). We hold input while paused, as the agent does.
        case MessageType.pausePublication:
          this.paused = true;
          break;
        case MessageType.startPublication:
          this.paused = false;
          this.flushPending();
          break;
        default:
          this.options.log?.debug(`exec: ignoring a ${m.messageType} message`);
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new DataChannelError(String(err)));
    }
  }

  /**
   * In order: acknowledge, handle, then drain buffered successors (streaming.go:608-717). Early: buffer
   * and acknowledge while there is room. Already seen: acknowledge again and drop — the plugin stays
   * silent here, but the agent re-acknowledges (agent datachannel.go:735-741), which stops a peer
   * whose acknowledgement was lost from resending for ever.
   */
  private onOutputMessage(m: ClientMessage): void {
    if (m.sequenceNumber === this.expectedSequence) {
      this.sendAcknowledge(m);
      this.handleInOrder(m);
      this.expectedSequence++;
      for (
        let next = this.incoming.get(this.expectedSequence);
        next;
        next = this.incoming.get(this.expectedSequence)
      ) {
        this.incoming.delete(this.expectedSequence);
        this.handleInOrder(next);
        this.expectedSequence++;
        if (this.done) return;
      }
    } else if (m.sequenceNumber > this.expectedSequence) {
      if (this.incoming.has(m.sequenceNumber)) {
        this.stats.duplicatesDropped++;
        this.sendAcknowledge(m);
      } else if (this.incoming.size < this.tuning.incomingCapacity) {
        this.incoming.set(m.sequenceNumber, m);
        this.stats.buffered++;
        this.sendAcknowledge(m);
      }
      // A full buffer drops without acknowledging: the agent resends it later.
    } else {
      this.stats.duplicatesDropped++;
      this.sendAcknowledge(m);
    }
  }

  private handleInOrder(m: ClientMessage): void {
    if (this.holding) {
      this.holding.push(m);
      return;
    }
    // Output, StdErr and ExitCode payloads are sealed once encryption is on (streaming.go:660-665, 736-741).
    if (
      this.cipher &&
      m.payload.length &&
      (m.payloadType === PayloadType.output ||
        m.payloadType === PayloadType.stdErr ||
        m.payloadType === PayloadType.exitCode)
    ) {
      try {
        m = { ...m, payload: this.cipher.decrypt(m.payload) };
      } catch (err) {
        throw new DataChannelError(
          `could not decrypt exec output (message ${m.sequenceNumber}) with the session's KMS data key: ` +
            `${(err as Error).message}; the agent and this client disagree on the key`,
        );
      }
    }
    switch (m.payloadType) {
      case PayloadType.handshakeRequest: {
        const request = parseJsonPayload<HandshakeRequestPayload>(m);
        this.holding = [];
        this.onHandshakeRequest(request).then(
          () => {
            const held = this.holding ?? [];
            this.holding = undefined;
            try {
              for (const next of held) if (!this.done) this.handleInOrder(next);
            } catch (err) {
              this.fail(err instanceof Error ? err : new DataChannelError(String(err)));
            }
          },
          (err: unknown) => this.fail(err instanceof Error ? err : new DataChannelError(String(err))),
        );
        break;
      }
      case PayloadType.handshakeComplete: {
        const complete = parseJsonPayload<{ CustomerMessage?: string }>(m);
        if (complete.CustomerMessage) this.options.onCustomerMessage?.(complete.CustomerMessage);
        this.handshakeDone = true;
        this.readyHooks.resolve();
        this.flushPending();
        break;
      }
      case PayloadType.encChallengeRequest:
        this.onEncryptionChallenge(parseJsonPayload<{ Challenge?: string }>(m));
        break;
      case PayloadType.output:
      case PayloadType.stdErr:
        if (m.payload.length) this.options.onOutput(m.payload, m.payloadType);
        break;
      default:
        this.options.log?.debug(`exec: ignoring output payload type ${m.payloadType}`);
    }
  }

  /**
   * Answer the agent's requested actions (streaming.go:434-493). SessionType is accepted for the
   * shell-like types the plugin accepts (streaming.go:868-876). KMSEncryption (streaming.go:447-484,
   * 848-868): GenerateDataKey for the requested key, answer with its ciphertext, and switch encryption
   * on only once the action succeeded (L464). Without KMS settings it is refused, then fails clearly.
   */
  private async onHandshakeRequest(request: HandshakeRequestPayload): Promise<void> {
    const processed: ProcessedClientAction[] = [];
    const errors: string[] = [];
    let refusedKms: string | undefined;
    let cipher: SessionCipher | undefined;
    for (const action of request.RequestedClientActions ?? []) {
      if (action.ActionType === 'SessionType') {
        const type = (action.ActionParameters as { SessionType?: string } | undefined)?.SessionType ?? '';
        const ok = ['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands'].includes(type);
        processed.push({
          ActionType: 'SessionType',
          ActionStatus: ok ? 1 : 3,
          ActionResult: null,
          Error: ok ? '' : `session type ${type} is not supported`,
        });
        if (!ok) errors.push(`session type ${type} is not supported by the mdl-preview exec client`);
      } else if (action.ActionType === 'KMSEncryption') {
        const keyId = (action.ActionParameters as { KMSKeyId?: string } | undefined)?.KMSKeyId;
        if (!this.options.kms || !keyId) {
          refusedKms = keyId ?? 'a KMS key';
          const error = 'KMS encryption is not available to this mdl-preview exec client';
          processed.push({ ActionType: 'KMSEncryption', ActionStatus: 2, ActionResult: null, Error: error });
          errors.push(error);
          continue;
        }
        const result = await this.generateDataKey(keyId, this.options.kms);
        cipher = result.cipher;
        processed.push({
          ActionType: 'KMSEncryption',
          ActionStatus: 1,
          ActionResult: { KMSCipherTextKey: result.ciphertextKey, KMSCipherTextHash: result.ciphertextHash },
          Error: '',
        });
      } else {
        processed.push({
          ActionType: action.ActionType,
          ActionStatus: 3,
          ActionResult: null,
          Error: 'unsupported',
        });
      }
    }
    if (this.done) return;
    const response: HandshakeResponsePayload = {
      ClientVersion: EXEC_CLIENT_VERSION,
      ProcessedClientActions: processed,
      Errors: errors,
    };
    this.sendStream(Buffer.from(JSON.stringify(response)), PayloadType.handshakeResponse);
    if (refusedKms) {
      throw new ConfigurationError(
        `the cluster's exec configuration encrypts sessions with ${refusedKms}, and KMS-encrypted ECS Exec is not ` +
          'supported by mdl-preview without KMS access (the kms option of the exec session); run this command with ' +
          'the AWS CLI and session-manager-plugin, or remove kmsKeyId from the cluster executeCommandConfiguration',
      );
    }
    if (errors.length) throw new DataChannelError(`exec handshake refused: ${errors.join('; ')}`);
    this.cipher = cipher;
  }

  /**
   * The agent proves the keys agree (streaming.go:520-541): open its challenge with our decryption key,
   * seal it again with our encryption key, and answer with an EncChallengeResponse.
   */
  private onEncryptionChallenge(request: { Challenge?: string }): void {
    if (!this.cipher)
      throw new DataChannelError('the exec session sent an encryption challenge, but encryption is not on');
    let challenge: Buffer;
    try {
      challenge = this.cipher.decrypt(Buffer.from(request.Challenge ?? '', 'base64'));
    } catch (err) {
      throw new DataChannelError(
        `could not open the exec session's encryption challenge with the KMS data key: ${(err as Error).message}`,
      );
    }
    const response = { Challenge: this.cipher.encrypt(challenge).toString('base64') };
    this.sendStream(Buffer.from(JSON.stringify(response)), PayloadType.encChallengeResponse);
  }

  /**
   * kmsservice.go:52-66: a 64-byte data key under the requested key, bound to the session and target
   * (the context is built in streaming.go:866). The hash the agent checks is SHA-256 of the ciphertext.
   */
  private async generateDataKey(
    keyId: string,
    kms: DataChannelKms,
  ): Promise<{ cipher: SessionCipher; ciphertextKey: string; ciphertextHash: string }> {
    const client = typeof kms.client === 'function' ? kms.client() : kms.client;
    let out;
    try {
      out = await client.send(
        new GenerateDataKeyCommand({
          KeyId: keyId,
          NumberOfBytes: 64,
          EncryptionContext: { 'aws:ssm:SessionId': kms.sessionId, 'aws:ssm:TargetId': kms.targetId },
        }),
      );
    } catch (err) {
      throw new ConfigurationError(
        `the exec session is encrypted with ${keyId}, and kms:GenerateDataKey on it failed: ` +
          `${(err as Error).name}: ${(err as Error).message}; the caller needs kms:GenerateDataKey on that key`,
        { cause: err },
      );
    }
    if (!out.Plaintext || !out.CiphertextBlob)
      throw new DataChannelError('kms:GenerateDataKey answered without a data key');
    const ciphertext = Buffer.from(out.CiphertextBlob);
    return {
      cipher: new SessionCipher(out.Plaintext),
      ciphertextKey: ciphertext.toString('base64'),
      ciphertextHash: createHash('sha256').update(ciphertext).digest('base64'),
    };
  }

  private onAcknowledge(ack: AcknowledgeContent): void {
    const entry = this.outgoing.get(ack.AcknowledgedMessageSequenceNumber);
    if (!entry) return;
    this.outgoing.delete(ack.AcknowledgedMessageSequenceNumber);
    // Karn's rule: a resent message's round trip is ambiguous, so only first sends feed the estimate.
    if (entry.attempts === 0) this.updateRetransmissionTimeout(Date.now() - entry.firstSent);
  }

  /** The plugin's RTO (streaming.go:829-846): RFC 6298-style smoothing, bounded by the clock granularity and a maximum. */
  private updateRetransmissionTimeout(sample: number): void {
    this.rttVariation = 0.75 * this.rttVariation + 0.25 * Math.abs(this.rtt - sample);
    this.rtt = 0.875 * this.rtt + 0.125 * sample;
    this.rto = Math.min(
      this.tuning.maxRetransmitMs,
      this.rtt + Math.max(this.tuning.minRetransmitMs, 4 * this.rttVariation),
    );
  }

  private onChannelClosed(m: ClientMessage): void {
    const content = m.payload.length ? parseJsonPayload<Partial<ChannelClosedContent>>(m) : {};
    this.finish();
    this.readyHooks.reject(
      new DataChannelError(`the exec session ended before it was ready: ${content.Output ?? ''}`),
    );
    this.settle.resolve({ by: 'service', output: content.Output ?? '' });
  }

  // ---- sending ----

  private flushPending(): void {
    while (this.handshakeDone && !this.paused && !this.done && this.pending.length) {
      const next = this.pending.shift()!;
      // Input is sealed once encryption is on (streaming.go:289-291: Output payloads only, not Size).
      const data =
        this.cipher && next.payloadType === PayloadType.output ? this.cipher.encrypt(next.data) : next.data;
      this.sendStream(data, next.payloadType);
    }
  }

  /** A sequenced input_stream_data message, kept until acknowledged (streaming.go:272-330). */
  private sendStream(payload: Buffer, payloadType: number): void {
    const sequenceNumber = this.nextSequence++;
    const frame = encodeClientMessage(
      clientMessage({
        messageType: MessageType.inputStreamData,
        sequenceNumber,
        // The agent marks its first stream message SYN (agent datachannel.go:424-427); we do the same.
        flags: sequenceNumber === 0 ? FLAG_SYN : 0n,
        payloadType,
        payload,
      }),
    );
    const now = Date.now();
    this.outgoing.set(sequenceNumber, { frame, firstSent: now, lastSent: now, attempts: 0 });
    this.ws.send(frame);
  }

  private sendAcknowledge(m: ClientMessage): void {
    this.stats.acksSent++;
    this.corkUntilNextTick();
    this.ws.send(encodeAcknowledge(m));
  }

  private corked = false;

  /**
   * The acknowledgements of every frame that arrived in one socket read go out in one write: ws hands
   * over the frames of a read one after another in the same tick, and a corked socket gathers their
   * answers until the next tick (one syscall instead of one per frame). ws keeps its socket as
   * `_socket`; without one (another WebSocket), each send writes on its own as before.
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: { cork?: () => void; uncork?: () => void } })._socket;
    if (!socket?.cork || !socket.uncork) return;
    socket.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      socket.uncork!();
    });
  }

  /**
   * Resend every input message older than the RTO. The plugin resends only the oldest per tick
   * (streaming.go:333-361), which recovers a burst of losses one message per tick; all are resent here.
   */
  private resendExpired(): void {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    for (const [sequence, entry] of this.outgoing) {
      if (now - entry.lastSent <= this.rto) continue;
      if (entry.attempts >= this.tuning.maxResendAttempts) {
        this.fail(
          new DataChannelError(
            `the exec session stopped acknowledging input (message ${sequence} resent ${entry.attempts} times)`,
          ),
        );
        return;
      }
      entry.attempts++;
      entry.lastSent = now;
      this.stats.resent++;
      this.ws.send(entry.frame);
    }
  }

  // ---- ending ----

  private finish(): void {
    this.done = true;
    clearInterval(this.resendTimer);
    this.pending.length = 0;
    this.incoming.clear();
    this.outgoing.clear();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.removeAllListeners('close');
      this.ws.on('error', () => undefined);
      if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
      else this.ws.terminate();
    }
  }

  private fail(err: Error): void {
    if (this.done) return;
    this.finish();
    this.readyHooks.reject(err);
    this.settle.reject(err);
  }
}
