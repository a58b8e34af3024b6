// The agent's half of the ECS Exec data channel, for the benchmarks (they run on the compiled packages
// and cannot load the TypeScript test agent in test/servers/ssm-agent.ts). It speaks the protocol with
// the same codec as the client (packages/core's encodeClientMessage/decodeClientMessage); sharing the
// codec is fine here because the golden-byte tests pin the wire format against the plugin's.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { WebSocket } from 'ws';
import {
  clientMessage,
  decodeClientMessage,
  encodeAcknowledge,
  encodeClientMessage,
  FLAG_SYN,
  MessageType,
  parseJsonPayload,
  PayloadType,
} from '../../packages/core/dist/exec/client-message.js'; // the codec alone, not the whole core

/** The agent's output payload size (amazon-ssm-agent agent/session/config/config.go: StreamDataPayloadSize). */
export const CHUNK = 1024;
/** Unacknowledged output frames the agent keeps (config.go: OutgoingMessageBufferCapacity). */
export const WINDOW = 10000;
/** The agent's resend timeout here: the plugin's maximum RTO; on loopback nothing is lost. */
export const RESEND_MS = 1000;

/** google/shlex's split as the agent uses it (same as test/servers/ssm-agent.ts). */
export function shlexSplit(line) {
  const words = [];
  let word;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
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

/**
 * One data channel, agent side: handshake, sequenced output with a window of unacknowledged frames,
 * resends, channel_closed once everything is acknowledged. The token says what to run:
 * `gen:<n>` streams the first n bytes of the agent's random buffer (no child process, so the channel
 * is measured and not a pipe); `cmd:<line>` runs the line as the agent does (shlex split, no shell).
 */
export function playAgent(ws, token, data) {
  let outSequence = 0;
  let expectedIn = 0;
  const outgoing = new Map();
  let finished = false;
  let producerDone = false;
  let pump = () => undefined;
  let refill = false;
  let child;
  const sessionId = `bench-${randomUUID()}`;

  const send = (frame) => {
    if (!finished && ws.readyState === WebSocket.OPEN) ws.send(frame);
  };
  const sendStream = (payloadType, payload) => {
    const sequenceNumber = outSequence++;
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
    send(frame);
  };
  const resendTimer = setInterval(() => {
    const now = Date.now();
    for (const entry of outgoing.values()) {
      if (now - entry.lastSent < RESEND_MS) continue;
      entry.lastSent = now;
      send(entry.frame);
    }
  }, RESEND_MS / 2);
  const stop = () => {
    finished = true;
    clearInterval(resendTimer);
    if (child && child.exitCode === null) child.kill('SIGKILL');
  };
  const maybeClose = () => {
    if (finished || !producerDone || outgoing.size) return;
    send(
      encodeClientMessage(
        clientMessage({
          messageType: MessageType.channelClosed,
          flags: FLAG_SYN | 2n,
          payload: Buffer.from(
            JSON.stringify({
              MessageId: randomUUID(),
              CreatedDate: new Date().toISOString(),
              DestinationId: 'ecs:bench',
              SessionId: sessionId,
              MessageType: MessageType.channelClosed,
              SchemaVersion: 1,
              Output: `Exiting session with sessionId: ${sessionId}.`,
            }),
          ),
        }),
      ),
    );
    stop();
    setTimeout(() => ws.close(1000), 200).unref();
  };

  const start = () => {
    if (token.startsWith('gen:')) {
      const total = Number(token.slice(4));
      let offset = 0;
      pump = () => {
        // The window's frames go out in one write (a corked socket), as a Go agent's buffered writer would.
        ws._socket?.cork();
        process.nextTick(() => ws._socket?.uncork());
        while (offset < total && outgoing.size < WINDOW) {
          sendStream(PayloadType.output, data.subarray(offset, Math.min(total, offset + CHUNK)));
          offset += CHUNK;
        }
        if (offset >= total) producerDone = true;
      };
      pump();
      return;
    }
    const argv = shlexSplit(token.slice(4));
    child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'pty', ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
    const forward = (chunk) => {
      // A pty turns \n into \r\n (onlcr); the agent sends what the pty gives it.
      const text = Buffer.from(chunk.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
      for (let at = 0; at < text.length; at += CHUNK)
        sendStream(PayloadType.output, text.subarray(at, at + CHUNK));
      if (outgoing.size >= WINDOW) child.stdout.pause();
    };
    pump = () => {
      if (outgoing.size < WINDOW / 2) child.stdout.resume();
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.stdin.on('error', () => undefined);
    child.on('close', () => {
      producerDone = true;
      maybeClose();
    });
  };

  ws.on('message', (raw) => {
    if (finished) return;
    const m = decodeClientMessage(raw);
    if (m.messageType === MessageType.acknowledge) {
      outgoing.delete(parseJsonPayload(m).AcknowledgedMessageSequenceNumber);
      // The acknowledgements of one read refill the window once, after them all.
      if (!refill) {
        refill = true;
        setImmediate(() => {
          refill = false;
          pump();
          maybeClose();
        });
      }
    } else if (m.messageType === MessageType.inputStreamData) {
      send(encodeAcknowledge(m));
      if (m.sequenceNumber !== expectedIn) return; // loopback keeps order; duplicates are dropped
      expectedIn++;
      if (m.payloadType === PayloadType.handshakeResponse) {
        sendStream(
          PayloadType.handshakeComplete,
          Buffer.from(JSON.stringify({ HandshakeTimeToComplete: 1_000_000, CustomerMessage: '' })),
        );
        start();
      } else if (m.payloadType === PayloadType.output) child?.stdin.write(m.payload);
    }
  });
  ws.on('close', stop);
  ws.on('error', stop);
  sendStream(
    PayloadType.handshakeRequest,
    Buffer.from(
      JSON.stringify({
        AgentVersion: '3.3.1142.0',
        RequestedClientActions: [
          {
            ActionType: 'SessionType',
            ActionParameters: { SessionType: 'InteractiveCommands', Properties: { commands: token } },
          },
        ],
      }),
    ),
  );
}
