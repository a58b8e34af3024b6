// The Session Manager data channel's binary frame ("ClientMessage"): encode and decode, with the
// message and payload types the exec client speaks. Layout from aws/session-manager-plugin
// src/message/clientmessage.go:129-171 and messageparser.go:36-89 (decode), 254-339 (encode).
import { createHash, randomUUID } from 'node:crypto';

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
    messageId: randomUUID(),
    payloadType: 0,
    payload: Buffer.alloc(0),
    ...fields,
  };
}

function uuidBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new ClientMessageError(`message id ${id} is not a UUID`);
  return Buffer.from(hex, 'hex');
}

function uuidText(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function encodeClientMessage(m: ClientMessage): Buffer {
  const typeBytes = Buffer.from(m.messageType, 'utf8');
  if (typeBytes.length > TYPE_LENGTH)
    throw new ClientMessageError(`message type ${m.messageType} is too long`);
  const out = Buffer.alloc(PAYLOAD_OFFSET + m.payload.length);
  out.writeUInt32BE(HEADER_LENGTH, 0);
  // putString blanks the field with spaces before copying (messageparser.go:389-394).
  out.fill(0x20, TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH);
  typeBytes.copy(out, TYPE_OFFSET);
  out.writeUInt32BE(m.schemaVersion, SCHEMA_OFFSET);
  out.writeBigUInt64BE(BigInt(m.createdDate), CREATED_OFFSET);
  out.writeBigInt64BE(BigInt(m.sequenceNumber), SEQUENCE_OFFSET);
  out.writeBigUInt64BE(m.flags, FLAGS_OFFSET);
  // putUuid writes the least significant half first, then the most significant (messageparser.go:428-450).
  const id = uuidBytes(m.messageId);
  id.copy(out, ID_OFFSET, 8, 16);
  id.copy(out, ID_OFFSET + 8, 0, 8);
  createHash('sha256').update(m.payload).digest().copy(out, DIGEST_OFFSET);
  out.writeUInt32BE(m.payloadType, PAYLOAD_TYPE_OFFSET);
  out.writeUInt32BE(m.payload.length, PAYLOAD_LENGTH_OFFSET);
  m.payload.copy(out, PAYLOAD_OFFSET);
  return out;
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
  // getString trims NULs and spaces (messageparser.go:100-102).
  const messageType = frame
    .subarray(TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH)
    .toString('utf8')
    .replace(/^[\0\s]+|[\0\s]+$/g, '');
  const payloadLength = frame.readUInt32BE(PAYLOAD_LENGTH_OFFSET);
  if (PAYLOAD_OFFSET + payloadLength !== frame.length)
    throw new ClientMessageError(
      `payload length ${payloadLength} does not match a frame of ${frame.length} bytes`,
    );
  const payload = frame.subarray(PAYLOAD_OFFSET);
  const digest = frame.subarray(DIGEST_OFFSET, DIGEST_OFFSET + 32);
  if (!createHash('sha256').update(payload).digest().equals(digest))
    throw new ClientMessageError(`payload digest mismatch in a ${messageType} message`);
  const id = Buffer.concat([
    frame.subarray(ID_OFFSET + 8, ID_OFFSET + 16),
    frame.subarray(ID_OFFSET, ID_OFFSET + 8),
  ]);
  return {
    messageType,
    schemaVersion: frame.readUInt32BE(SCHEMA_OFFSET),
    createdDate: Number(frame.readBigUInt64BE(CREATED_OFFSET)),
    sequenceNumber: Number(frame.readBigInt64BE(SEQUENCE_OFFSET)),
    flags: frame.readBigUInt64BE(FLAGS_OFFSET),
    messageId: uuidText(id),
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
