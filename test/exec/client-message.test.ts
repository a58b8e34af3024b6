// The frame codec's edges beside the golden frames: the limits of each field, what decode refuses
// (it is stricter than the plugin, which trusts the lengths: messageparser.go:86), and the defaults a
// new message gets.
import { describe, expect, it } from '@jest/globals';
import {
  acknowledgeFor,
  clientMessage,
  ClientMessageError,
  decodeClientMessage,
  encodeAcknowledge,
  encodeClientMessage,
  FLAG_FIN,
  FLAG_SYN,
  MessageType,
  parseJsonPayload,
  PayloadType,
} from '@moodle-preview/core';

const ID = '0f1e2d3c-4b5a-4697-8877-665544332211';
const base = (over: Partial<Parameters<typeof clientMessage>[0]> = {}) =>
  clientMessage({
    messageType: MessageType.outputStreamData,
    createdDate: 1_700_000_000_123,
    sequenceNumber: 7,
    messageId: ID,
    payloadType: PayloadType.output,
    payload: Buffer.from('hello'),
    ...over,
  });

describe('encode and decode', () => {
  it('round-trips every field, a 64-bit sequence and all flags included', () => {
    const m = base({ sequenceNumber: 2 ** 40, flags: FLAG_SYN | FLAG_FIN, schemaVersion: 3 });
    expect(decodeClientMessage(encodeClientMessage(m))).toEqual(m);
  });

  it('an empty payload is a frame of exactly the header', () => {
    const m = base({ payload: Buffer.alloc(0) });
    const frame = encodeClientMessage(m);
    expect(frame.length).toBe(120);
    expect(decodeClientMessage(frame).payload.length).toBe(0);
  });

  it('a message type of 32 bytes fits; 33 does not', () => {
    const t32 = 'x'.repeat(32);
    expect(decodeClientMessage(encodeClientMessage(base({ messageType: t32 }))).messageType).toBe(t32);
    expect(() => encodeClientMessage(base({ messageType: 'x'.repeat(33) }))).toThrow(
      new ClientMessageError(`message type ${'x'.repeat(33)} is too long`),
    );
  });

  it('the type is padded with spaces, and read back without the padding or NULs', () => {
    const frame = encodeClientMessage(base({ messageType: 'acknowledge' }));
    expect(frame.subarray(4, 36).toString('latin1')).toBe(`acknowledge${' '.repeat(21)}`);
    frame.fill(0, 4 + 11, 36);
    expect(decodeClientMessage(frame).messageType).toBe('acknowledge');
  });

  it('writes the id in the plugin order (least significant half first) and refuses an id that is not a UUID', () => {
    const frame = encodeClientMessage(base());
    expect(frame.subarray(64, 80).toString('hex')).toBe('887766554433221' + '1' + '0f1e2d3c4b5a4697');
    expect(() => encodeClientMessage(base({ messageId: 'not-a-uuid' }))).toThrow(
      new ClientMessageError('message id not-a-uuid is not a UUID'),
    );
    // Upper-case hex is a UUID too; it reads back in the canonical lower case.
    expect(decodeClientMessage(encodeClientMessage(base({ messageId: ID.toUpperCase() }))).messageId).toBe(
      ID,
    );
  });

  it('refuses an id that is not a canonical UUID, whatever the defect', () => {
    const at = (i: number, c: string) => ID.slice(0, i) + c + ID.slice(i + 1);
    const refused = [
      `a${ID}`, // a character too many, before…
      `${ID}a`, // …or after
      ...[8, 13, 18, 23].map((i) => at(i, '0')), // a digit where a hyphen belongs
      at(0, 'g'), // not a hex digit, first or second of a byte
      at(35, 'g'),
      at(9, 'é'), // nor is a letter outside ASCII
      at(1, 'é'),
    ];
    for (const id of refused)
      expect(() => encodeClientMessage(base({ messageId: id }))).toThrow(
        new ClientMessageError(`message id ${id} is not a UUID`),
      );
  });

  it('reads an unknown type as the plugin does: runs of NULs and spaces trimmed at both ends, inner ones kept', () => {
    const frame = encodeClientMessage(base({ messageType: '\0\0  custom type' }));
    frame.fill(0, 34, 36); // NULs after the space padding, at the end of the 32-byte field
    expect(frame.subarray(4, 36).toString('latin1')).toBe(`\0\0  custom type${' '.repeat(15)}\0\0`);
    expect(decodeClientMessage(frame).messageType).toBe('custom type');
  });

  it('refuses a frame shorter than a header, saying how long it was', () => {
    const frame = encodeClientMessage(base({ payload: Buffer.alloc(0) }));
    expect(() => decodeClientMessage(frame.subarray(0, 119))).toThrow(
      new ClientMessageError('frame of 119 bytes is shorter than a header'),
    );
  });

  it('refuses a payload length longer or shorter than the frame', () => {
    const frame = encodeClientMessage(base());
    const longer = Buffer.from(frame);
    longer.writeUInt32BE(6, 116);
    expect(() => decodeClientMessage(longer)).toThrow('payload length 6 does not match a frame of 125 bytes');
    const extra = Buffer.concat([frame, Buffer.from('!')]);
    expect(() => decodeClientMessage(extra)).toThrow('payload length 5 does not match a frame of 126 bytes');
  });

  it('names the message type when the digest does not match', () => {
    const frame = encodeClientMessage(base());
    frame[80]! ^= 0xff;
    expect(() => decodeClientMessage(frame)).toThrow(
      'payload digest mismatch in a output_stream_data message',
    );
  });
});

describe('messages built here', () => {
  it('a new message: schema 1, no flags, sequence 0, a fresh UUID, an empty payload of type 0', () => {
    const before = Date.now();
    const a = clientMessage({ messageType: MessageType.inputStreamData });
    const b = clientMessage({ messageType: MessageType.inputStreamData });
    expect(a).toMatchObject({ schemaVersion: 1, flags: 0n, sequenceNumber: 0, payloadType: 0 });
    expect(a.payload.length).toBe(0);
    expect(a.createdDate).toBeGreaterThanOrEqual(before);
    expect(a.createdDate).toBeLessThanOrEqual(Date.now());
    expect(a.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('an acknowledge names the message, its id and sequence, with SYN|FIN and sequence 0', () => {
    const m = base({ sequenceNumber: 42 });
    const ack = acknowledgeFor(m);
    expect(ack).toMatchObject({ messageType: 'acknowledge', flags: 3n, sequenceNumber: 0, payloadType: 0 });
    expect(JSON.parse(ack.payload.toString())).toEqual({
      AcknowledgedMessageType: 'output_stream_data',
      AcknowledgedMessageId: ID,
      AcknowledgedMessageSequenceNumber: 42,
      IsSequentialMessage: true,
    });
  });

  it('the fast acknowledgement is the same bytes as the general encoder, for any type and sequence', () => {
    const ackId = '11111111-2222-4333-8444-555555555555';
    for (const m of [
      base({ sequenceNumber: 42 }),
      base({ sequenceNumber: 0, messageType: MessageType.channelClosed }),
      base({ sequenceNumber: 2 ** 40, messageType: 'a "quoted" type' }),
    ]) {
      const decoded = decodeClientMessage(encodeClientMessage(m));
      expect(encodeAcknowledge(decoded, ackId, 1_700_000_000_999)).toEqual(
        encodeClientMessage(acknowledgeFor(decoded, { messageId: ackId, createdDate: 1_700_000_000_999 })),
      );
    }
    // Its own ids are fresh version-4 UUIDs.
    const ids = [0, 1, 2].map(() => decodeClientMessage(encodeAcknowledge(base())).messageId);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('a payload that is not JSON is an error naming the message and payload type', () => {
    expect(parseJsonPayload<{ a: number }>(base({ payload: Buffer.from('{"a":1}') }))).toEqual({ a: 1 });
    expect(() => parseJsonPayload(base({ payload: Buffer.from('{') }))).toThrow(
      new ClientMessageError('output_stream_data payload (type 1) is not JSON'),
    );
  });
});
