// The Session Manager data channel's binary frame ("ClientMessage"): encode and decode, with the
// message and payload types the exec client speaks. Layout from aws/session-manager-plugin
// src/message/clientmessage.go:129-171 and messageparser.go:36-89 (decode), 254-339 (encode).
import * as crypto from 'node:crypto';
import { createHash, randomFillSync } from 'node:crypto';

/** Message types (clientmessage.go:22-41). */
export const MessageType = {
  inputStreamData: 'input_stream_data',
  outputStreamData: 'output_stream_data',
  acknowledge: 'acknowledge',
  channelClosed: 'channel_closed',
  startPublication: 'start_publication',
  pausePublication: 'pause_publication',
} as const;

/** Payload types (clientmessage.go:73-88). */
export const PayloadType = {
  output: 1,
  error: 2,
  size: 3,
  parameter: 4,
  handshakeRequest: 5,
  handshakeResponse: 6,
  handshakeComplete: 7,
  encChallengeRequest: 8,
  encChallengeResponse: 9,
  flag: 10,
  stdErr: 11,
  exitCode: 12,
} as const;

// Field offsets (clientmessage.go:146-171). The header length field holds the offset of the
// payload length field (messageparser.go:256), i.e. 116, so the payload starts 4 bytes later.
const TYPE_OFFSET = 4;
const TYPE_LENGTH = 32;
const SCHEMA_OFFSET = 36;
const CREATED_OFFSET = 40;
const SEQUENCE_OFFSET = 48;
const FLAGS_OFFSET = 56;
const ID_OFFSET = 64;
const DIGEST_OFFSET = 80;
const PAYLOAD_TYPE_OFFSET = 112;
const PAYLOAD_LENGTH_OFFSET = 116;
export const HEADER_LENGTH = PAYLOAD_LENGTH_OFFSET;
export const PAYLOAD_OFFSET = 120;

/** Flags bit 0 SYN (first message of a stream), bit 1 FIN (clientmessage.go:134-136). */
export const FLAG_SYN = 1n;
export const FLAG_FIN = 2n;

export interface ClientMessage {
  messageType: string;
  schemaVersion: number;
  /** Epoch milliseconds. */
  createdDate: number;
  sequenceNumber: number;
  flags: bigint;
  /** Canonical lower-case UUID text. */
  messageId: string;
  payloadType: number;
  payload: Buffer;
}

export class ClientMessageError extends Error {
  override name = 'ClientMessageError';
}

/** Build a message with the defaults both peers use: schema 1, now, a random id, no flags. */
export function clientMessage(fields: Partial<ClientMessage> & { messageType: string }): ClientMessage {
  return {
    schemaVersion: 1,
    createdDate: Date.now(),
    sequenceNumber: 0,
    flags: 0n,
    messageId: fastRandomUuid(),
    payloadType: 0,
    payload: Buffer.alloc(0),
    ...fields,
  };
}

// ---- the hot path: every output frame is decoded, checked and acknowledged, so these avoid the
// allocations and regular expressions of the obvious code (bench/exec.mjs measures them). ----

/** One-shot SHA-256 (crypto.hash, Node 21.7+/20.12+) where there is one: no Hash object per frame. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer })
  .hash;
export const sha256 = (data: Buffer): Buffer =>
  oneShotHash ? oneShotHash('sha256', data, 'buffer') : createHash('sha256').update(data).digest();

/** Hex digit values by character code (-1: not a hex digit), and two-digit hex text by byte value. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const HEX_TEXT = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** Where each of a UUID text's 16 bytes starts (after 8-4-4-4-12 with hyphens). */
const UUID_BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * The id as the wire carries it — putUuid writes the least significant half first, then the most
 * significant (messageparser.go:428-450) — straight into `out`; the text must be a canonical UUID.
 */
function writeUuid(out: Buffer, offset: number, id: string): void {
  if (id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-')
    throw new ClientMessageError(`message id ${id} is not a UUID`);
  for (let i = 0; i < 16; i++) {
    const at = UUID_BYTE_AT[i]!;
    const hi = HEX_VALUE[id.charCodeAt(at)] ?? -1;
    const lo = HEX_VALUE[id.charCodeAt(at + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new ClientMessageError(`message id ${id} is not a UUID`);
    out[offset + (i < 8 ? i + 8 : i - 8)] = (hi << 4) | lo;
  }
}

/** The UUID text of a frame's id field (halves swapped back). */
function readUuid(frame: Buffer, offset: number): string {
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += HEX_TEXT[frame[offset + (i < 8 ? i + 8 : i - 8)]!];
  }
  return text;
}

/** Random version-4 UUIDs, 256 at a time from one fill: the acknowledgements' message ids. */
const uuidPool = Buffer.alloc(16 * 256);
let uuidNext = uuidPool.length;
export function fastRandomUuid(): string {
  if (uuidNext >= uuidPool.length) {
    randomFillSync(uuidPool);
    uuidNext = 0;
  }
  const b = uuidPool.subarray(uuidNext, uuidNext + 16);
  uuidNext += 16;
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += HEX_TEXT[b[i]!];
  }
  return text;
}

/** The message types the exec client speaks, as their 32-byte space-padded header fields. */
const KNOWN_TYPES = Object.values(MessageType).map((type) => {
  const field = Buffer.alloc(TYPE_LENGTH, 0x20);
  field.write(type, 'utf8');
  return { type, field };
});

/** 2^32, for 64-bit header fields written and read as two 32-bit halves (no BigInt on the hot path). */
const HIGH = 0x1_0000_0000;

export function encodeClientMessage(m: ClientMessage): Buffer {
  const known = KNOWN_TYPES.find((k) => k.type === m.messageType);
  const typeBytes = known ? undefined : Buffer.from(m.messageType, 'utf8');
  if (typeBytes && typeBytes.length > TYPE_LENGTH)
    throw new ClientMessageError(`message type ${m.messageType} is too long`);
  // Every byte is written below, so the buffer need not be zeroed first.
  const out = Buffer.allocUnsafe(PAYLOAD_OFFSET + m.payload.length);
  out.writeUInt32BE(HEADER_LENGTH, 0);
  // putString blanks the field with spaces before copying (messageparser.go:389-394).
  if (known) known.field.copy(out, TYPE_OFFSET);
  else {
    out.fill(0x20, TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH);
    typeBytes!.copy(out, TYPE_OFFSET);
  }
  out.writeUInt32BE(m.schemaVersion, SCHEMA_OFFSET);
  writeUint64(out, CREATED_OFFSET, m.createdDate);
  if (Number.isSafeInteger(m.sequenceNumber) && m.sequenceNumber >= 0)
    writeUint64(out, SEQUENCE_OFFSET, m.sequenceNumber);
  else out.writeBigInt64BE(BigInt(m.sequenceNumber), SEQUENCE_OFFSET);
  out.writeBigUInt64BE(m.flags, FLAGS_OFFSET);
  writeUuid(out, ID_OFFSET, m.messageId);
  sha256(m.payload).copy(out, DIGEST_OFFSET);
  out.writeUInt32BE(m.payloadType, PAYLOAD_TYPE_OFFSET);
  out.writeUInt32BE(m.payload.length, PAYLOAD_LENGTH_OFFSET);
  m.payload.copy(out, PAYLOAD_OFFSET);
  return out;
}

/** A non-negative safe integer as a big-endian 64-bit field. */
function writeUint64(out: Buffer, offset: number, value: number): void {
  out.writeUInt32BE(Math.floor(value / HIGH), offset);
  out.writeUInt32BE(value % HIGH, offset + 4);
}

/** A big-endian 64-bit field as a number (exact below 2^53, which dates and sequences stay under). */
function readInt64(frame: Buffer, offset: number): number {
  const high = frame.readInt32BE(offset);
  return high * HIGH + frame.readUInt32BE(offset + 4);
}

/** The message type of a header field: a known one without decoding, else trimmed as getString does. */
function readType(frame: Buffer): string {
  for (const k of KNOWN_TYPES)
    if (frame.compare(k.field, 0, TYPE_LENGTH, TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH) === 0) return k.type;
  // getString trims NULs and spaces (messageparser.go:100-102).
  return frame
    .subarray(TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH)
    .toString('utf8')
    .replace(/^[\0\s]+|[\0\s]+$/g, '');
}

/**
 * Decode one frame. Stricter than the plugin (which trusts the lengths, messageparser.go:86): a
 * short frame, a payload length that disagrees with the frame or a digest mismatch is an error.
 */
export function decodeClientMessage(frame: Buffer): ClientMessage {
  if (frame.length < PAYLOAD_OFFSET)
    throw new ClientMessageError(`frame of ${frame.length} bytes is shorter than a header`);
  const headerLength = frame.readUInt32BE(0);
  if (headerLength !== HEADER_LENGTH)
    throw new ClientMessageError(`header length ${headerLength}, expected ${HEADER_LENGTH}`);
  const messageType = readType(frame);
  const payloadLength = frame.readUInt32BE(PAYLOAD_LENGTH_OFFSET);
  if (PAYLOAD_OFFSET + payloadLength !== frame.length)
    throw new ClientMessageError(
      `payload length ${payloadLength} does not match a frame of ${frame.length} bytes`,
    );
  const payload = frame.subarray(PAYLOAD_OFFSET);
  if (sha256(payload).compare(frame, DIGEST_OFFSET, DIGEST_OFFSET + 32) !== 0)
    throw new ClientMessageError(`payload digest mismatch in a ${messageType} message`);
  return {
    messageType,
    schemaVersion: frame.readUInt32BE(SCHEMA_OFFSET),
    createdDate: readInt64(frame, CREATED_OFFSET),
    sequenceNumber: readInt64(frame, SEQUENCE_OFFSET),
    flags: frame.readBigUInt64BE(FLAGS_OFFSET),
    messageId: readUuid(frame, ID_OFFSET),
    payloadType: frame.readUInt32BE(PAYLOAD_TYPE_OFFSET),
    payload,
  };
}

/** The acknowledge payload (clientmessage.go:48-53), fields in the Go struct's order. */
export interface AcknowledgeContent {
  AcknowledgedMessageType: string;
  AcknowledgedMessageId: string;
  AcknowledgedMessageSequenceNumber: number;
  IsSequentialMessage: boolean;
}

/**
 * An acknowledge frame for a stream message: sequence 0, flags 3 (SYN|FIN), payload type 0, as
 * SerializeClientMessageWithAcknowledgeContent builds it (messageparser.go:488-515).
 */
export function acknowledgeFor(m: ClientMessage, overrides: Partial<ClientMessage> = {}): ClientMessage {
  const content: AcknowledgeContent = {
    AcknowledgedMessageType: m.messageType,
    AcknowledgedMessageId: m.messageId,
    AcknowledgedMessageSequenceNumber: m.sequenceNumber,
    IsSequentialMessage: true,
  };
  return clientMessage({
    messageType: MessageType.acknowledge,
    flags: FLAG_SYN | FLAG_FIN,
    payload: Buffer.from(JSON.stringify(content)),
    ...overrides,
  });
}

/**
 * `encodeClientMessage(acknowledgeFor(m))`, byte for byte, without the intermediate objects: the
 * client acknowledges every output frame, so this is on the hot path (test/exec/client-message.test.ts
 * checks both give the same bytes).
 */
export function encodeAcknowledge(
  m: ClientMessage,
  messageId = fastRandomUuid(),
  createdDate = Date.now(),
): Buffer {
  // The same text JSON.stringify writes for AcknowledgeContent, fields in its order; a message id
  // decoded from a frame is canonical UUID text, which needs no escaping.
  const payload = Buffer.from(
    `{"AcknowledgedMessageType":${JSON.stringify(m.messageType)},"AcknowledgedMessageId":"${m.messageId}",` +
      `"AcknowledgedMessageSequenceNumber":${m.sequenceNumber},"IsSequentialMessage":true}`,
  );
  return encodeClientMessage({
    messageType: MessageType.acknowledge,
    schemaVersion: 1,
    createdDate,
    sequenceNumber: 0,
    flags: FLAG_SYN | FLAG_FIN,
    messageId,
    payloadType: 0,
    payload,
  });
}

export function parseJsonPayload<T>(m: ClientMessage): T {
  try {
    return JSON.parse(m.payload.toString('utf8')) as T;
  } catch {
    throw new ClientMessageError(`${m.messageType} payload (type ${m.payloadType}) is not JSON`);
  }
}

/** channel_closed payload (clientmessage.go:63-71). */
export interface ChannelClosedContent {
  MessageId: string;
  CreatedDate: string;
  DestinationId: string;
  SessionId: string;
  MessageType: string;
  SchemaVersion: number;
  Output: string;
}

/** Handshake payloads (session-manager-plugin src/message/handshakemessage.go:22-101). */
export interface RequestedClientAction {
  /** `KMSEncryption` or `SessionType`; an agent may send others, which are answered as unsupported. */
  ActionType: string;
  ActionParameters: unknown;
}
export interface HandshakeRequestPayload {
  AgentVersion: string;
  RequestedClientActions: RequestedClientAction[];
}
export interface ProcessedClientAction {
  ActionType: string;
  /** 1 success, 2 failed, 3 unsupported (handshakemessage.go:30-36). */
  ActionStatus: 1 | 2 | 3;
  ActionResult: unknown;
  Error: string;
}
export interface HandshakeResponsePayload {
  ClientVersion: string;
  ProcessedClientActions: ProcessedClientAction[];
  Errors: string[];
}
export interface HandshakeCompletePayload {
  /** Go time.Duration: nanoseconds. */
  HandshakeTimeToComplete: number;
  CustomerMessage: string;
}
