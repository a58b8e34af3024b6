// Golden frames: the shared codec must decode each hand-worked fixture to its fields and encode the
// fields back to exactly the same bytes, so client and test agent cannot agree on a private mistake.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  acknowledgeFor,
  decodeClientMessage,
  encodeClientMessage,
  HEADER_LENGTH,
  PAYLOAD_OFFSET,
} from '@moodle-preview/core';

interface Fixture {
  fields: {
    messageType: string;
    schemaVersion: number;
    createdDate: number;
    sequenceNumber: number;
    flags: number;
    messageId: string;
    payloadType: number;
    payloadUtf8: string;
  };
  layout: [string, string][];
}

const dir = 'test/fixtures/exec';
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) =>
      [f.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Fixture] as const,
  );

describe('exec golden frames', () => {
  it('covers every message kind', () => {
    expect(fixtures.map(([n]) => n).sort()).toEqual([
      'acknowledge',
      'channel_closed',
      'handshake_response',
      'input_stream_data',
      'output_stream_data',
      'pause_publication',
      'start_publication',
    ]);
    expect(HEADER_LENGTH).toBe(116);
    expect(PAYLOAD_OFFSET).toBe(120);
  });

  for (const [name, fx] of fixtures) {
    const bytes = Buffer.from(fx.layout.map(([, hex]) => hex).join(''), 'hex');
    const f = fx.fields;
    const fields = {
      messageType: f.messageType,
      schemaVersion: f.schemaVersion,
      createdDate: f.createdDate,
      sequenceNumber: f.sequenceNumber,
      flags: BigInt(f.flags),
      messageId: f.messageId,
      payloadType: f.payloadType,
      payload: Buffer.from(f.payloadUtf8, 'utf8'),
    };

    it(`${name}: decodes to its fields`, () => {
      expect(decodeClientMessage(bytes)).toEqual(fields);
    });

    it(`${name}: encodes byte for byte`, () => {
      expect(encodeClientMessage(fields).toString('hex')).toBe(bytes.toString('hex'));
    });
  }

  it('builds the acknowledge frame the plugin builds for an output message', () => {
    const ack = JSON.parse(readFileSync(path.join(dir, 'acknowledge.json'), 'utf8')) as Fixture;
    const output = decodeClientMessage(
      Buffer.from(
        (JSON.parse(readFileSync(path.join(dir, 'output_stream_data.json'), 'utf8')) as Fixture).layout
          .map(([, h]) => h)
          .join(''),
        'hex',
      ),
    );
    const built = acknowledgeFor(output, {
      messageId: ack.fields.messageId,
      createdDate: ack.fields.createdDate,
    });
    expect(encodeClientMessage(built).toString('hex')).toBe(ack.layout.map(([, h]) => h).join(''));
  });

  it('rejects a corrupted payload, a truncated frame and a wrong header length', () => {
    const bytes = Buffer.from(fixtures[0]![1].layout.map(([, h]) => h).join(''), 'hex');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => decodeClientMessage(flipped)).toThrow(/digest mismatch/);
    expect(() => decodeClientMessage(bytes.subarray(0, bytes.length - 1))).toThrow(/payload length/);
    const header = Buffer.from(bytes);
    header.writeUInt32BE(112, 0);
    expect(() => decodeClientMessage(header)).toThrow(/header length 112/);
  });
});
