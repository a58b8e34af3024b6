export const id = 829;
export const ids = [829];
export const modules = {

/***/ 9829:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fanout: () => (/* binding */ fanout)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ../../packages/core/dist/github/runner.js
var runner = __webpack_require__(152);
// EXTERNAL MODULE: ../../packages/core/dist/github/action-io.js
var action_io = __webpack_require__(9865);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var dist_cjs = __webpack_require__(1107);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(4224);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(4028);
// EXTERNAL MODULE: ../../packages/core/dist/aws/client-config.js
var client_config = __webpack_require__(9464);
;// CONCATENATED MODULE: ../../packages/core/dist/cron/clients.js
// The three AWS clients cron needs (ECS, SSM for the site registry, CloudWatch Logs for the runs' log
// group), built as every client of the suite is (aws/client-config.ts). In a module of their own: the
// cron actions load these three, not the other SDK clients aws/clients.ts builds for deploy and destroy.




function createCronClients(options) {
    const config = (0,client_config/* awsClientConfig */.r)(options);
    return {
        region: options.region,
        ecs: new client_ecs_dist_cjs/* ECSClient */.Zgc(config),
        ssm: new client_ssm_dist_cjs/* SSMClient */.jBj(config),
        logs: new dist_cjs/* CloudWatchLogsClient */.TFr(config),
    };
}
function destroyCronClients(clients) {
    for (const c of [clients.ecs, clients.ssm, clients.logs])
        c.destroy();
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ../../packages/core/dist/errors.js
var dist_errors = __webpack_require__(8247);
// EXTERNAL MODULE: ../../packages/core/dist/fleet/awake-schedule.js
var awake_schedule = __webpack_require__(4214);
// EXTERNAL MODULE: ../../packages/core/dist/naming.js
var naming = __webpack_require__(6088);
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-kms/dist-cjs/index.js
var client_kms_dist_cjs = __webpack_require__(676);
// EXTERNAL MODULE: ../../node_modules/ws/wrapper.mjs
var wrapper = __webpack_require__(3077);
;// CONCATENATED MODULE: ../../packages/core/dist/exec/client-message.js
// The Session Manager data channel's binary frame ("ClientMessage"): encode and decode, with the
// message and payload types the exec client speaks. Layout from aws/session-manager-plugin
// src/message/clientmessage.go:129-171 and messageparser.go:36-89 (decode), 254-339 (encode).


/** Message types (clientmessage.go:22-41). */
const MessageType = {
    inputStreamData: 'input_stream_data',
    outputStreamData: 'output_stream_data',
    acknowledge: 'acknowledge',
    channelClosed: 'channel_closed',
    startPublication: 'start_publication',
    pausePublication: 'pause_publication',
};
/** Payload types (clientmessage.go:73-88). */
const PayloadType = {
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
};
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
const HEADER_LENGTH = PAYLOAD_LENGTH_OFFSET;
const PAYLOAD_OFFSET = 120;
/** Flags bit 0 SYN (first message of a stream), bit 1 FIN (clientmessage.go:134-136). */
const FLAG_SYN = 1n;
const FLAG_FIN = 2n;
class ClientMessageError extends Error {
    name = 'ClientMessageError';
}
/** Build a message with the defaults both peers use: schema 1, now, a random id, no flags. */
function clientMessage(fields) {
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
const oneShotHash = external_node_crypto_.hash;
const sha256 = (data) => oneShotHash ? oneShotHash('sha256', data, 'buffer') : (0,external_node_crypto_.createHash)('sha256').update(data).digest();
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
function writeUuid(out, offset, id) {
    if (id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-')
        throw new ClientMessageError(`message id ${id} is not a UUID`);
    for (let i = 0; i < 16; i++) {
        const at = UUID_BYTE_AT[i];
        const hi = HEX_VALUE[id.charCodeAt(at)] ?? -1;
        const lo = HEX_VALUE[id.charCodeAt(at + 1)] ?? -1;
        if (hi < 0 || lo < 0)
            throw new ClientMessageError(`message id ${id} is not a UUID`);
        out[offset + (i < 8 ? i + 8 : i - 8)] = (hi << 4) | lo;
    }
}
/** The UUID text of a frame's id field (halves swapped back). */
function readUuid(frame, offset) {
    let text = '';
    for (let i = 0; i < 16; i++) {
        if (i === 4 || i === 6 || i === 8 || i === 10)
            text += '-';
        text += HEX_TEXT[frame[offset + (i < 8 ? i + 8 : i - 8)]];
    }
    return text;
}
/** Random version-4 UUIDs, 256 at a time from one fill: the acknowledgements' message ids. */
const uuidPool = Buffer.alloc(16 * 256);
let uuidNext = uuidPool.length;
function fastRandomUuid() {
    if (uuidNext >= uuidPool.length) {
        (0,external_node_crypto_.randomFillSync)(uuidPool);
        uuidNext = 0;
    }
    const b = uuidPool.subarray(uuidNext, uuidNext + 16);
    uuidNext += 16;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let text = '';
    for (let i = 0; i < 16; i++) {
        if (i === 4 || i === 6 || i === 8 || i === 10)
            text += '-';
        text += HEX_TEXT[b[i]];
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
function encodeClientMessage(m) {
    const known = KNOWN_TYPES.find((k) => k.type === m.messageType);
    const typeBytes = known ? undefined : Buffer.from(m.messageType, 'utf8');
    if (typeBytes && typeBytes.length > TYPE_LENGTH)
        throw new ClientMessageError(`message type ${m.messageType} is too long`);
    // Every byte is written below, so the buffer need not be zeroed first.
    const out = Buffer.allocUnsafe(PAYLOAD_OFFSET + m.payload.length);
    out.writeUInt32BE(HEADER_LENGTH, 0);
    // putString blanks the field with spaces before copying (messageparser.go:389-394).
    if (known)
        known.field.copy(out, TYPE_OFFSET);
    else {
        out.fill(0x20, TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH);
        typeBytes.copy(out, TYPE_OFFSET);
    }
    out.writeUInt32BE(m.schemaVersion, SCHEMA_OFFSET);
    writeUint64(out, CREATED_OFFSET, m.createdDate);
    if (Number.isSafeInteger(m.sequenceNumber) && m.sequenceNumber >= 0)
        writeUint64(out, SEQUENCE_OFFSET, m.sequenceNumber);
    else
        out.writeBigInt64BE(BigInt(m.sequenceNumber), SEQUENCE_OFFSET);
    out.writeBigUInt64BE(m.flags, FLAGS_OFFSET);
    writeUuid(out, ID_OFFSET, m.messageId);
    sha256(m.payload).copy(out, DIGEST_OFFSET);
    out.writeUInt32BE(m.payloadType, PAYLOAD_TYPE_OFFSET);
    out.writeUInt32BE(m.payload.length, PAYLOAD_LENGTH_OFFSET);
    m.payload.copy(out, PAYLOAD_OFFSET);
    return out;
}
/** A non-negative safe integer as a big-endian 64-bit field. */
function writeUint64(out, offset, value) {
    out.writeUInt32BE(Math.floor(value / HIGH), offset);
    out.writeUInt32BE(value % HIGH, offset + 4);
}
/** A big-endian 64-bit field as a number (exact below 2^53, which dates and sequences stay under). */
function readInt64(frame, offset) {
    const high = frame.readInt32BE(offset);
    return high * HIGH + frame.readUInt32BE(offset + 4);
}
/** The message type of a header field: a known one without decoding, else trimmed as getString does. */
function readType(frame) {
    for (const k of KNOWN_TYPES)
        if (frame.compare(k.field, 0, TYPE_LENGTH, TYPE_OFFSET, TYPE_OFFSET + TYPE_LENGTH) === 0)
            return k.type;
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
function decodeClientMessage(frame) {
    if (frame.length < PAYLOAD_OFFSET)
        throw new ClientMessageError(`frame of ${frame.length} bytes is shorter than a header`);
    const headerLength = frame.readUInt32BE(0);
    if (headerLength !== HEADER_LENGTH)
        throw new ClientMessageError(`header length ${headerLength}, expected ${HEADER_LENGTH}`);
    const messageType = readType(frame);
    const payloadLength = frame.readUInt32BE(PAYLOAD_LENGTH_OFFSET);
    if (PAYLOAD_OFFSET + payloadLength !== frame.length)
        throw new ClientMessageError(`payload length ${payloadLength} does not match a frame of ${frame.length} bytes`);
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
/**
 * An acknowledge frame for a stream message: sequence 0, flags 3 (SYN|FIN), payload type 0, as
 * SerializeClientMessageWithAcknowledgeContent builds it (messageparser.go:488-515).
 */
function acknowledgeFor(m, overrides = {}) {
    const content = {
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
function encodeAcknowledge(m, messageId = fastRandomUuid(), createdDate = Date.now()) {
    // The same text JSON.stringify writes for AcknowledgeContent, fields in its order; a message id
    // decoded from a frame is canonical UUID text, which needs no escaping.
    const payload = Buffer.from(`{"AcknowledgedMessageType":${JSON.stringify(m.messageType)},"AcknowledgedMessageId":"${m.messageId}",` +
        `"AcknowledgedMessageSequenceNumber":${m.sequenceNumber},"IsSequentialMessage":true}`);
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
function parseJsonPayload(m) {
    try {
        return JSON.parse(m.payload.toString('utf8'));
    }
    catch {
        throw new ClientMessageError(`${m.messageType} payload (type ${m.payloadType}) is not JSON`);
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/exec/data-channel.js
// The client side of a Session Manager data channel on `ws`: open it with the session token, then
// exchange sequenced stream messages with acknowledgements, resends, a reorder buffer and the handshake.
// Behaviour follows aws/session-manager-plugin src/datachannel/streaming.go and, where the plugin is
// silent or lax, the agent's aws/amazon-ssm-agent agent/session/datachannel/datachannel.go.





/** The version this client reports in OpenDataChannel and the handshake response. */
const EXEC_CLIENT_VERSION = '1.2.0.0-mdl-preview';
const DEFAULT_TUNING = {
    initialRetransmitMs: 200,
    maxRetransmitMs: 1000,
    minRetransmitMs: 10,
    resendTickMs: 100,
    maxResendAttempts: 3000,
    incomingCapacity: 10000,
};
/**
 * The session cipher (session-manager-plugin src/encryption/encrypter.go): AES-256-GCM, a random
 * 12-byte nonce in front of the sealed data (tag appended, as Go's Seal does), no additional data
 * (L28, L103-115, L127-132). The client decrypts with the first half of the 64-byte data key and
 * encrypts with the second (L64-65); the agent uses them the other way round.
 */
class SessionCipher {
    decryptKey;
    encryptKey;
    constructor(dataKey) {
        if (dataKey.length !== 64)
            throw new DataChannelError(`the KMS data key has ${dataKey.length} bytes, not 64`);
        this.decryptKey = Buffer.from(dataKey.subarray(0, 32));
        this.encryptKey = Buffer.from(dataKey.subarray(32, 64));
    }
    encrypt(plain) {
        const nonce = (0,external_node_crypto_.randomBytes)(12);
        const cipher = (0,external_node_crypto_.createCipheriv)('aes-256-gcm', this.encryptKey, nonce);
        return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    }
    decrypt(sealed) {
        if (sealed.length < 12 + 16)
            throw new Error('the sealed payload is too short');
        const decipher = (0,external_node_crypto_.createDecipheriv)('aes-256-gcm', this.decryptKey, sealed.subarray(0, 12));
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    }
}
/** The data channel broke: socket gone, protocol violated, input never acknowledged. */
class DataChannelError extends Error {
    name = 'DataChannelError';
}
class DataChannel {
    options;
    /** Settles when the session ends: resolves on channel_closed or close(), rejects on a broken channel. */
    ended;
    /** Resolves when the agent's HandshakeComplete arrived; rejects like `ended` if it never does. */
    ready;
    tuning;
    ws;
    settle;
    readyHooks;
    done = false;
    handshakeDone = false;
    paused = false;
    /** Input waiting for the handshake or for start_publication, in order. */
    pending = [];
    nextSequence = 0;
    expectedSequence = 0;
    incoming = new Map();
    outgoing = new Map();
    rtt;
    rttVariation = 0;
    rto;
    resendTimer;
    /** Set once a KMSEncryption action succeeded (streaming.go:464). */
    cipher;
    /** In-order messages that arrived while the handshake waited for KMS; handled after it. */
    holding;
    /** Counters for tests and debug logs. */
    stats = { framesIn: 0, duplicatesDropped: 0, buffered: 0, resent: 0, acksSent: 0 };
    constructor(options) {
        this.options = options;
        this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
        this.rtt = this.tuning.initialRetransmitMs;
        this.rto = this.tuning.initialRetransmitMs;
        this.ended = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
        this.ready = new Promise((resolve, reject) => (this.readyHooks = { resolve, reject }));
        // Callers may await only one of the two; neither must become an unhandled rejection.
        this.ended.catch(() => undefined);
        this.ready.catch(() => undefined);
        this.ws = new wrapper/* WebSocket */.kb(options.streamUrl, { perMessageDeflate: false });
        this.ws.binaryType = 'nodebuffer';
        this.ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
        this.ws.on('close', (code, reason) => {
            const why = reason.length ? `: ${reason.toString()}` : '';
            this.fail(new DataChannelError(`the exec data channel closed unexpectedly (WebSocket code ${code}${why}) before the session ended; ` +
                'the command may still be running in the container'));
        });
        this.ws.on('error', (err) => this.fail(new DataChannelError(`the exec data channel failed: ${err.message}`, { cause: err })));
        this.resendTimer = setInterval(() => this.resendExpired(), this.tuning.resendTickMs);
        this.resendTimer.unref();
    }
    /** Connect and send OpenDataChannel with the token (streaming.go:201-222); resolves once it is sent. */
    static async open(options) {
        const channel = new DataChannel(options);
        await new Promise((resolve, reject) => {
            channel.ws.once('open', () => resolve());
            channel.ended.catch(reject);
        });
        channel.ws.send(JSON.stringify({
            MessageSchemaVersion: '1.0',
            RequestId: (0,external_node_crypto_.randomUUID)(),
            TokenValue: options.tokenValue,
            ClientId: (0,external_node_crypto_.randomUUID)(),
            ClientVersion: EXEC_CLIENT_VERSION,
        }));
        return channel;
    }
    /** Send keystrokes or data to the remote side; held while the handshake or a pause is under way. */
    sendInput(data, payloadType = PayloadType.output) {
        if (this.done)
            throw new DataChannelError('the exec session has ended');
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        if (bytes.length === 0)
            return;
        this.pending.push({ data: bytes, payloadType });
        this.flushPending();
    }
    /** Tell the remote pty the terminal size (shellsession.go:100-130: a Size payload, JSON cols/rows). */
    resize(cols, rows) {
        this.sendInput(Buffer.from(JSON.stringify({ cols, rows })), PayloadType.size);
    }
    /** End the session from our side: the socket closes and `ended` resolves. */
    close() {
        if (this.done)
            return;
        this.finish();
        this.settle.resolve({ by: 'client' });
        this.readyHooks.reject(new DataChannelError('the exec session was closed before it was ready'));
    }
    /** Input messages sent but not yet acknowledged. */
    get unacknowledged() {
        return this.outgoing.size;
    }
    get retransmissionTimeoutMs() {
        return this.rto;
    }
    // ---- receiving ----
    onFrame(data, isBinary) {
        if (this.done)
            return;
        if (!isBinary) {
            const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
            this.options.log?.debug(`exec: ignoring a text frame from the service: ${text.slice(0, 200)}`);
            return;
        }
        // ws hands each message over in a buffer of its own (a list for a fragmented one): no copy needed.
        const frame = Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.isBuffer(data)
                ? data
                : Buffer.from(data);
        let m;
        try {
            m = decodeClientMessage(frame);
        }
        catch (err) {
            this.fail(new DataChannelError(`the exec data channel sent a bad frame: ${err.message}`));
            return;
        }
        this.stats.framesIn++;
        try {
            switch (m.messageType) {
                case MessageType.outputStreamData:
                    this.onOutputMessage(m);
                    break;
                case MessageType.acknowledge:
                    this.onAcknowledge(parseJsonPayload(m));
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
        }
        catch (err) {
            this.fail(err instanceof Error ? err : new DataChannelError(String(err)));
        }
    }
    /**
     * In order: acknowledge, handle, then drain buffered successors (streaming.go:608-717). Early: buffer
     * and acknowledge while there is room. Already seen: acknowledge again and drop — the plugin stays
     * silent here, but the agent re-acknowledges (agent datachannel.go:735-741), which stops a peer
     * whose acknowledgement was lost from resending for ever.
     */
    onOutputMessage(m) {
        if (m.sequenceNumber === this.expectedSequence) {
            this.sendAcknowledge(m);
            this.handleInOrder(m);
            this.expectedSequence++;
            for (let next = this.incoming.get(this.expectedSequence); next; next = this.incoming.get(this.expectedSequence)) {
                this.incoming.delete(this.expectedSequence);
                this.handleInOrder(next);
                this.expectedSequence++;
                if (this.done)
                    return;
            }
        }
        else if (m.sequenceNumber > this.expectedSequence) {
            if (this.incoming.has(m.sequenceNumber)) {
                this.stats.duplicatesDropped++;
                this.sendAcknowledge(m);
            }
            else if (this.incoming.size < this.tuning.incomingCapacity) {
                this.incoming.set(m.sequenceNumber, m);
                this.stats.buffered++;
                this.sendAcknowledge(m);
            }
            // A full buffer drops without acknowledging: the agent resends it later.
        }
        else {
            this.stats.duplicatesDropped++;
            this.sendAcknowledge(m);
        }
    }
    handleInOrder(m) {
        if (this.holding) {
            this.holding.push(m);
            return;
        }
        // Output, StdErr and ExitCode payloads are sealed once encryption is on (streaming.go:660-665, 736-741).
        if (this.cipher &&
            m.payload.length &&
            (m.payloadType === PayloadType.output ||
                m.payloadType === PayloadType.stdErr ||
                m.payloadType === PayloadType.exitCode)) {
            try {
                m = { ...m, payload: this.cipher.decrypt(m.payload) };
            }
            catch (err) {
                throw new DataChannelError(`could not decrypt exec output (message ${m.sequenceNumber}) with the session's KMS data key: ` +
                    `${err.message}; the agent and this client disagree on the key`);
            }
        }
        switch (m.payloadType) {
            case PayloadType.handshakeRequest: {
                const request = parseJsonPayload(m);
                this.holding = [];
                this.onHandshakeRequest(request).then(() => {
                    const held = this.holding ?? [];
                    this.holding = undefined;
                    try {
                        for (const next of held)
                            if (!this.done)
                                this.handleInOrder(next);
                    }
                    catch (err) {
                        this.fail(err instanceof Error ? err : new DataChannelError(String(err)));
                    }
                }, (err) => this.fail(err instanceof Error ? err : new DataChannelError(String(err))));
                break;
            }
            case PayloadType.handshakeComplete: {
                const complete = parseJsonPayload(m);
                if (complete.CustomerMessage)
                    this.options.onCustomerMessage?.(complete.CustomerMessage);
                this.handshakeDone = true;
                this.readyHooks.resolve();
                this.flushPending();
                break;
            }
            case PayloadType.encChallengeRequest:
                this.onEncryptionChallenge(parseJsonPayload(m));
                break;
            case PayloadType.output:
            case PayloadType.stdErr:
                if (m.payload.length)
                    this.options.onOutput(m.payload, m.payloadType);
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
    async onHandshakeRequest(request) {
        const processed = [];
        const errors = [];
        let refusedKms;
        let cipher;
        for (const action of request.RequestedClientActions ?? []) {
            if (action.ActionType === 'SessionType') {
                const type = action.ActionParameters?.SessionType ?? '';
                const ok = ['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands'].includes(type);
                processed.push({
                    ActionType: 'SessionType',
                    ActionStatus: ok ? 1 : 3,
                    ActionResult: null,
                    Error: ok ? '' : `session type ${type} is not supported`,
                });
                if (!ok)
                    errors.push(`session type ${type} is not supported by the mdl-preview exec client`);
            }
            else if (action.ActionType === 'KMSEncryption') {
                const keyId = action.ActionParameters?.KMSKeyId;
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
            }
            else {
                processed.push({
                    ActionType: action.ActionType,
                    ActionStatus: 3,
                    ActionResult: null,
                    Error: 'unsupported',
                });
            }
        }
        if (this.done)
            return;
        const response = {
            ClientVersion: EXEC_CLIENT_VERSION,
            ProcessedClientActions: processed,
            Errors: errors,
        };
        this.sendStream(Buffer.from(JSON.stringify(response)), PayloadType.handshakeResponse);
        if (refusedKms) {
            throw new dist_errors/* ConfigurationError */.j1(`the cluster's exec configuration encrypts sessions with ${refusedKms}, and KMS-encrypted ECS Exec is not ` +
                'supported by mdl-preview without KMS access (the kms option of the exec session); run this command with ' +
                'the AWS CLI and session-manager-plugin, or remove kmsKeyId from the cluster executeCommandConfiguration');
        }
        if (errors.length)
            throw new DataChannelError(`exec handshake refused: ${errors.join('; ')}`);
        this.cipher = cipher;
    }
    /**
     * The agent proves the keys agree (streaming.go:520-541): open its challenge with our decryption key,
     * seal it again with our encryption key, and answer with an EncChallengeResponse.
     */
    onEncryptionChallenge(request) {
        if (!this.cipher)
            throw new DataChannelError('the exec session sent an encryption challenge, but encryption is not on');
        let challenge;
        try {
            challenge = this.cipher.decrypt(Buffer.from(request.Challenge ?? '', 'base64'));
        }
        catch (err) {
            throw new DataChannelError(`could not open the exec session's encryption challenge with the KMS data key: ${err.message}`);
        }
        const response = { Challenge: this.cipher.encrypt(challenge).toString('base64') };
        this.sendStream(Buffer.from(JSON.stringify(response)), PayloadType.encChallengeResponse);
    }
    /**
     * kmsservice.go:52-66: a 64-byte data key under the requested key, bound to the session and target
     * (the context is built in streaming.go:866). The hash the agent checks is SHA-256 of the ciphertext.
     */
    async generateDataKey(keyId, kms) {
        const client = typeof kms.client === 'function' ? kms.client() : kms.client;
        let out;
        try {
            out = await client.send(new client_kms_dist_cjs/* GenerateDataKeyCommand */.OhQ({
                KeyId: keyId,
                NumberOfBytes: 64,
                EncryptionContext: { 'aws:ssm:SessionId': kms.sessionId, 'aws:ssm:TargetId': kms.targetId },
            }));
        }
        catch (err) {
            throw new dist_errors/* ConfigurationError */.j1(`the exec session is encrypted with ${keyId}, and kms:GenerateDataKey on it failed: ` +
                `${err.name}: ${err.message}; the caller needs kms:GenerateDataKey on that key`, { cause: err });
        }
        if (!out.Plaintext || !out.CiphertextBlob)
            throw new DataChannelError('kms:GenerateDataKey answered without a data key');
        const ciphertext = Buffer.from(out.CiphertextBlob);
        return {
            cipher: new SessionCipher(out.Plaintext),
            ciphertextKey: ciphertext.toString('base64'),
            ciphertextHash: (0,external_node_crypto_.createHash)('sha256').update(ciphertext).digest('base64'),
        };
    }
    onAcknowledge(ack) {
        const entry = this.outgoing.get(ack.AcknowledgedMessageSequenceNumber);
        if (!entry)
            return;
        this.outgoing.delete(ack.AcknowledgedMessageSequenceNumber);
        // Karn's rule: a resent message's round trip is ambiguous, so only first sends feed the estimate.
        if (entry.attempts === 0)
            this.updateRetransmissionTimeout(Date.now() - entry.firstSent);
    }
    /** The plugin's RTO (streaming.go:829-846): RFC 6298-style smoothing, bounded by the clock granularity and a maximum. */
    updateRetransmissionTimeout(sample) {
        this.rttVariation = 0.75 * this.rttVariation + 0.25 * Math.abs(this.rtt - sample);
        this.rtt = 0.875 * this.rtt + 0.125 * sample;
        this.rto = Math.min(this.tuning.maxRetransmitMs, this.rtt + Math.max(this.tuning.minRetransmitMs, 4 * this.rttVariation));
    }
    onChannelClosed(m) {
        const content = m.payload.length ? parseJsonPayload(m) : {};
        this.finish();
        this.readyHooks.reject(new DataChannelError(`the exec session ended before it was ready: ${content.Output ?? ''}`));
        this.settle.resolve({ by: 'service', output: content.Output ?? '' });
    }
    // ---- sending ----
    flushPending() {
        while (this.handshakeDone && !this.paused && !this.done && this.pending.length) {
            const next = this.pending.shift();
            // Input is sealed once encryption is on (streaming.go:289-291: Output payloads only, not Size).
            const data = this.cipher && next.payloadType === PayloadType.output ? this.cipher.encrypt(next.data) : next.data;
            this.sendStream(data, next.payloadType);
        }
    }
    /** A sequenced input_stream_data message, kept until acknowledged (streaming.go:272-330). */
    sendStream(payload, payloadType) {
        const sequenceNumber = this.nextSequence++;
        const frame = encodeClientMessage(clientMessage({
            messageType: MessageType.inputStreamData,
            sequenceNumber,
            // The agent marks its first stream message SYN (agent datachannel.go:424-427); we do the same.
            flags: sequenceNumber === 0 ? FLAG_SYN : 0n,
            payloadType,
            payload,
        }));
        const now = Date.now();
        this.outgoing.set(sequenceNumber, { frame, firstSent: now, lastSent: now, attempts: 0 });
        this.ws.send(frame);
    }
    sendAcknowledge(m) {
        this.stats.acksSent++;
        this.corkUntilNextTick();
        this.ws.send(encodeAcknowledge(m));
    }
    corked = false;
    /**
     * The acknowledgements of every frame that arrived in one socket read go out in one write: ws hands
     * over the frames of a read one after another in the same tick, and a corked socket gathers their
     * answers until the next tick (one syscall instead of one per frame). ws keeps its socket as
     * `_socket`; without one (another WebSocket), each send writes on its own as before.
     */
    corkUntilNextTick() {
        if (this.corked)
            return;
        const socket = this.ws._socket;
        if (!socket?.cork || !socket.uncork)
            return;
        socket.cork();
        this.corked = true;
        process.nextTick(() => {
            this.corked = false;
            socket.uncork();
        });
    }
    /**
     * Resend every input message older than the RTO. The plugin resends only the oldest per tick
     * (streaming.go:333-361), which recovers a burst of losses one message per tick; all are resent here.
     */
    resendExpired() {
        if (this.done || this.ws.readyState !== wrapper/* WebSocket */.kb.OPEN)
            return;
        const now = Date.now();
        for (const [sequence, entry] of this.outgoing) {
            if (now - entry.lastSent <= this.rto)
                continue;
            if (entry.attempts >= this.tuning.maxResendAttempts) {
                this.fail(new DataChannelError(`the exec session stopped acknowledging input (message ${sequence} resent ${entry.attempts} times)`));
                return;
            }
            entry.attempts++;
            entry.lastSent = now;
            this.stats.resent++;
            this.ws.send(entry.frame);
        }
    }
    // ---- ending ----
    finish() {
        this.done = true;
        clearInterval(this.resendTimer);
        this.pending.length = 0;
        this.incoming.clear();
        this.outgoing.clear();
        if (this.ws.readyState === wrapper/* WebSocket */.kb.OPEN || this.ws.readyState === wrapper/* WebSocket */.kb.CONNECTING) {
            this.ws.removeAllListeners('close');
            this.ws.on('error', () => undefined);
            if (this.ws.readyState === wrapper/* WebSocket */.kb.OPEN)
                this.ws.close(1000);
            else
                this.ws.terminate();
        }
    }
    fail(err) {
        if (this.done)
            return;
        this.finish();
        this.readyHooks.reject(err);
        this.settle.reject(err);
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/exec/run-command.js
// ECS Exec without the plugin: check the task, call ExecuteCommand, run the command over our own data
// channel, and recover its exit code — the agent runs the command without a shell and reports none.







const EXEC_AGENT = 'ExecuteCommandAgent';
const LIKELY_CAUSES = 'likely causes: exec is not enabled on the service (enableExecuteCommand, then replace the tasks), ' +
    'the agent has not started yet, the task role lacks ssmmessages:CreateControlChannel/CreateDataChannel/' +
    'OpenControlChannel/OpenDataChannel, or the task has no route to Session Manager (no ssmmessages VPC endpoint or NAT)';
class ExecTimeoutError extends Error {
    output;
    name = 'ExecTimeoutError';
    constructor(message, output) {
        super(message);
        this.output = output;
    }
}
const defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Quote one word for sh (and for the agent's shlex split): single quotes, `'` as `'"'"'`. */
function shellQuote(word) {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}
/**
 * The command line handed to ExecuteCommand. The agent splits it with shlex and runs it without a
 * shell (amazon-ssm-agent agent/session/shell/shell_unix.go:84), so we run `sh -c` ourselves: the
 * user's command goes in as `$1` untouched, and a marker line after it carries `$?`.
 */
function wrapCommand(command, marker) {
    const line = typeof command === 'string' ? command : command.map(shellQuote).join(' ');
    const script = `sh -c "$1"; s=$?; printf "\\n%s%s\\n" ${marker} "$s"`;
    return `sh -c ${shellQuote(script)} mdl-exec ${shellQuote(line)}`;
}
/**
 * Turns the pty's byte stream into text: UTF-8 across chunk boundaries, `\r\n` → `\n`, and the end
 * marker (with the newline we print before it) cut off and parsed, never shown.
 */
class ExecOutputStream {
    marker;
    exitCode;
    decoder = new external_node_string_decoder_.StringDecoder('utf8');
    held = '';
    pattern;
    constructor(marker) {
        this.marker = marker;
        this.pattern = new RegExp(`\\n${marker}(\\d+)\\n`);
    }
    /** Returns the text that is safe to show now. */
    push(chunk) {
        if (this.exitCode !== undefined)
            return '';
        const text = (this.held + this.decoder.write(chunk)).replace(/\r\n/g, '\n');
        const found = this.pattern.exec(text);
        if (found) {
            this.exitCode = Number(found[1]);
            this.held = '';
            return text.slice(0, found.index);
        }
        // Hold back what could still become the marker (it starts at the last newline), or a lone \r.
        const last = text.lastIndexOf('\n');
        const tail = last >= 0 ? text.slice(last) : '';
        let keep = text.length;
        if (tail && (`\n${this.marker}`.startsWith(tail) || new RegExp(`^\\n${this.marker}\\d*\\r?$`).test(tail)))
            keep = last;
        else if (text.endsWith('\r'))
            keep = text.length - 1;
        this.held = text.slice(keep);
        return text.slice(0, keep);
    }
    /** What was held back when the stream ended without a marker. */
    end() {
        const rest = this.held + this.decoder.end();
        this.held = '';
        return rest;
    }
}
async function describeTask(target) {
    const out = await target.clients.ecs.send(new client_ecs_dist_cjs/* DescribeTasksCommand */.z8X({ cluster: target.cluster, tasks: [target.task] }));
    const task = out.tasks?.[0];
    if (!task)
        throw new dist_errors/* ConfigurationError */.j1(`task ${target.task} was not found in cluster ${target.cluster} (${out.failures?.[0]?.reason ?? 'MISSING'}); ` +
            'list the running tasks with mdl-preview tasks <preview_link>');
    return task;
}
/** Preflight: the task is RUNNING, the container exists, and its exec agent is RUNNING. */
async function checkExecTarget(target) {
    const task = await describeTask(target);
    const id = task.taskArn?.split('/').pop() ?? target.task;
    if (task.lastStatus !== 'RUNNING')
        throw new dist_errors/* ConfigurationError */.j1(`task ${id} is ${task.lastStatus ?? 'in an unknown state'}, not RUNNING: exec needs a running task`);
    const containers = task.containers ?? [];
    const names = containers.map((c) => c.name).join(', ');
    let container = containers.find((c) => c.name === target.container);
    if (target.container === undefined) {
        if (containers.length !== 1)
            throw new dist_errors/* ConfigurationError */.j1(`task ${id} has containers ${names}: name one with --container`);
        container = containers[0];
    }
    if (!container)
        throw new dist_errors/* ConfigurationError */.j1(`task ${id} has no container ${target.container} (it has ${names})`);
    if (!task.enableExecuteCommand)
        throw new dist_errors/* ConfigurationError */.j1(`task ${id} was started without ECS Exec: enable enableExecuteCommand on the service and replace its tasks`);
    const agent = container.managedAgents?.find((a) => a.name === EXEC_AGENT);
    if (!agent)
        throw new dist_errors/* ConfigurationError */.j1(`container ${container.name} of task ${id} has no ${EXEC_AGENT}; ${LIKELY_CAUSES}`);
    if (agent.lastStatus !== 'RUNNING')
        throw new dist_errors/* ConfigurationError */.j1(`the ${EXEC_AGENT} of container ${container.name} in task ${id} is ${agent.lastStatus ?? 'unknown'}` +
            `${agent.reason ? ` (${agent.reason})` : ''}; ${LIKELY_CAUSES}`);
    return { task, container: container.name };
}
/** The Session Manager target of an ECS Exec session, as the AWS CLI builds it: `ecs:<cluster>_<taskId>_<runtimeId>`. */
function execTargetId(cluster, task, container) {
    const clusterName = (task.clusterArn ?? cluster).split('/').pop();
    const taskId = task.taskArn?.split('/').pop() ?? '';
    const runtimeId = task.containers?.find((c) => c.name === container)?.runtimeId ?? '';
    return `ecs:${clusterName}_${taskId}_${runtimeId}`;
}
/** Preflight, ExecuteCommand (retrying a not-yet-connected target with jitter), open the channel. */
async function openExecSession(target) {
    const { clients, cluster } = target;
    const { task, container } = await checkExecTarget(target);
    const attempts = target.connectAttempts ?? 5;
    const base = target.connectBackoffMs ?? 1000;
    const sleep = target.sleep ?? defaultSleep;
    for (let attempt = 1;; attempt++) {
        try {
            const out = await clients.ecs.send(new client_ecs_dist_cjs/* ExecuteCommandCommand */.apx({
                cluster,
                task: task.taskArn,
                container,
                command: target.command,
                interactive: true,
            }));
            const s = out.session;
            if (!s?.sessionId || !s.streamUrl || !s.tokenValue)
                throw new DataChannelError('ExecuteCommand answered without a session');
            target.log?.mask(s.tokenValue);
            const sessionId = s.sessionId;
            let ownKms;
            const channel = await DataChannel.open({
                kms: {
                    client: target.kms?.client ??
                        (() => (ownKms ??= new client_kms_dist_cjs/* KMSClient */.pgq({
                            region: clients.ecs.config.region,
                            credentials: clients.ecs.config.credentials,
                        }))),
                    targetId: target.kms?.targetId ?? execTargetId(cluster, task, container),
                    sessionId,
                },
                streamUrl: s.streamUrl,
                tokenValue: s.tokenValue,
                onOutput: target.onOutput,
                log: target.log,
                tuning: target.tuning,
            });
            void channel.ended.finally(() => ownKms?.destroy()).catch(() => undefined);
            return {
                sessionId,
                container,
                taskArn: task.taskArn,
                channel,
                terminate: async () => {
                    channel.close();
                    if (!clients.ssm)
                        return;
                    try {
                        await clients.ssm.send(new client_ssm_dist_cjs/* TerminateSessionCommand */.nv5({ SessionId: sessionId }));
                    }
                    catch (err) {
                        target.log?.warning(`could not terminate exec session ${sessionId}: ${err.message}`);
                    }
                },
            };
        }
        catch (err) {
            const name = err.name;
            if (name !== 'TargetNotConnectedException' || attempt >= attempts) {
                if (name === 'TargetNotConnectedException')
                    throw new dist_errors/* ConfigurationError */.j1(`the exec agent of task ${task.taskArn?.split('/').pop()} did not connect after ${attempt} attempts; ${LIKELY_CAUSES}`);
                throw err;
            }
            // Full jitter: concurrent cron runs must not retry in lockstep.
            const delay = Math.random() * base * 2 ** (attempt - 1);
            target.log?.debug(`exec: target not connected, retrying in ${Math.round(delay)} ms`);
            await sleep(delay);
        }
    }
}
/** Run one command in a container and return its real exit code and output. */
async function runCommand(options) {
    const started = Date.now();
    const marker = `__MDL_EXEC_END_${(0,external_node_crypto_.randomBytes)(8).toString('hex').toUpperCase()}__:`;
    const stream = new ExecOutputStream(marker);
    const parts = [];
    const emit = (text) => {
        if (!text)
            return;
        parts.push(text);
        options.onOutput?.(text);
    };
    const session = await openExecSession({
        ...options,
        command: wrapCommand(options.command, marker),
        onOutput: (data) => emit(stream.push(data)),
    });
    const timeoutMs = options.timeoutMs ?? 10 * 60_000;
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
        const outcome = await Promise.race([
            session.channel.ended.catch((err) => {
                // The marker is the real end: a socket dropped after it has lost nothing.
                if (stream.exitCode !== undefined && err instanceof DataChannelError)
                    return { by: 'client' };
                // Before it, what the stream held back (a last newline that could have begun the marker) is
                // output after all: the caller shows everything that arrived.
                emit(stream.end());
                throw err;
            }),
            timedOut,
        ]);
        if (outcome === 'timeout') {
            await session.terminate();
            emit(stream.end());
            throw new ExecTimeoutError(`the command did not finish within ${Math.round(timeoutMs / 1000)} s; exec session ${session.sessionId} was ended ` +
                '(the process may still run in the container)', parts.join(''));
        }
        if (stream.exitCode === undefined) {
            emit(stream.end());
            const said = outcome.by === 'service' && outcome.output ? `: ${outcome.output}` : '';
            throw new DataChannelError(`exec session ${session.sessionId} ended before the command reported its exit status${said}`);
        }
        return {
            exitCode: stream.exitCode,
            output: parts.join(''),
            durationMs: Date.now() - started,
            sessionId: session.sessionId,
        };
    }
    finally {
        clearTimeout(timer);
        session.channel.close();
    }
}

// EXTERNAL MODULE: ../../node_modules/zod/v4/classic/schemas.js + 11 modules
var schemas = __webpack_require__(3045);
;// CONCATENATED MODULE: ../../packages/core/dist/registry/site-registry.js
// The site registry: one JSON entry per site in SSM Parameter Store (/moodle-preview/sites/<link>).
// deploy/destroy write it; cron, doctor, the conflict guard, refresh and purge read it.




const REGISTRY_PREFIX = '/moodle-preview/sites';
const retiredSchema = schemas/* object */.Ikc({
    kind: schemas/* enum */.k5n(['database', 'moodledata', 'db-user', 'db-secret']),
    name: schemas/* string */.YjP(),
    /** ISO date the data stopped being used. */
    since: schemas/* string */.YjP(),
    reason: schemas/* string */.YjP(),
});
const cronSchema = schemas/* object */.Ikc({
    enabled: schemas/* boolean */.zMY(),
    cluster: schemas/* string */.YjP(),
    service: schemas/* string */.YjP(),
    container: schemas/* string */.YjP(),
    command: schemas/* string */.YjP(),
    timeoutSeconds: schemas/* number */.aig(),
    logPath: schemas/* string */.YjP().optional(),
    /**
     * Set while cron must not run on the site (an upgrade has it in maintenance, or by hand): the
     * fan-out skips it with the reason. `by` says who may clear it (upgrade-db clears only its own).
     */
    paused: schemas/* object */.Ikc({ reason: schemas/* string */.YjP(), since: schemas/* string */.YjP(), by: schemas/* string */.YjP() }).optional(),
    updatedBy: schemas/* string */.YjP().optional(),
    updatedAt: schemas/* string */.YjP().optional(),
});
const registryEntrySchema = schemas/* looseObject */._H3({
    schemaVersion: schemas/* literal */.euz(1),
    previewLink: schemas/* string */.YjP(),
    url: schemas/* string */.YjP(),
    cluster: schemas/* string */.YjP(),
    service: schemas/* string */.YjP(),
    taskFamily: schemas/* string */.YjP(),
    container: schemas/* string */.YjP(),
    databases: schemas/* object */.Ikc({ moodle: schemas/* string */.YjP(), mim: schemas/* string */.YjP().optional() }),
    dbUser: schemas/* string */.YjP(),
    dbHost: schemas/* string */.YjP(),
    moodledataFolder: schemas/* string */.YjP(),
    logGroup: schemas/* string */.YjP(),
    cron: cronSchema.optional(),
    /** When the site is awake (its settings' schedule) and its task bounds awake: cron and doctor read them. */
    awake: awake_schedule/* awakeScheduleSchema */.w.optional(),
    capacity: schemas/* object */.Ikc({ min: schemas/* number */.aig(), max: schemas/* number */.aig() }).optional(),
    /** The day deploy-instance first made the site (a lifetime counts from it). */
    firstDeployedOn: schemas/* string */.YjP().optional(),
    /** The day the expiry sweep destroys the site, YYYY-MM-DD; absent: it does not expire. */
    expiresOn: schemas/* string */.YjP().optional(),
    /** Never expires (the settings say pinned: true). */
    pinned: schemas/* boolean */.zMY().optional(),
    /** The plan's monthly Fargate estimate at the last deploy: `mdl-preview cost` shows it beside the bill. */
    estimate: schemas/* object */.Ikc({ monthly: schemas/* number */.aig(), currency: schemas/* string */.YjP() }).optional(),
    retired: schemas/* array */.YOg(retiredSchema).default([]),
    managedBy: schemas/* string */.YjP().default(naming/* SUITE_NAME */.tb),
    /** The repository and branch whose settings.yml deploy-instance last deployed (absent: by hand). */
    deployedFrom: schemas/* object */.Ikc({ repository: schemas/* string */.YjP(), branch: schemas/* string */.YjP() }).optional(),
    /** Set by destroy-instance when it removed the site but kept its data (retired): ISO date. */
    destroyedAt: schemas/* string */.YjP().optional(),
    updatedAt: schemas/* string */.YjP().optional(),
    updatedBy: schemas/* string */.YjP().optional(),
});
/** How a cron pause reads in a skip, a listing or doctor: `<reason> (since <time>, by <who>)`. */
const describePause = (p) => `${p.reason} (since ${p.since}, by ${p.by})`;
/** Fields that say who wrote an entry when: they never make an entry "different". */
const STAMPS = new Set(['updatedAt', 'updatedBy']);
function withoutStamps(value) {
    if (Array.isArray(value))
        return value.map(withoutStamps);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value)
            .filter(([k, v]) => !STAMPS.has(k) && v !== undefined)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, withoutStamps(v)]));
    }
    return value;
}
/** True when two entries say the same thing (timestamps and authorship aside). */
function sameEntry(a, b) {
    return JSON.stringify(withoutStamps(a)) === JSON.stringify(withoutStamps(b));
}
class SiteRegistry {
    ssm;
    prefix;
    tags;
    /**
     * `tags`: the platform's tags (cost centre …), put on an entry's parameter when it is created,
     * beside the suite's own (which win on a clash, as on every other resource).
     */
    constructor(ssm, prefix = REGISTRY_PREFIX, tags = {}) {
        this.ssm = ssm;
        this.prefix = prefix;
        this.tags = tags;
    }
    parameterName(previewLink) {
        return `${this.prefix}/${previewLink}`;
    }
    async get(previewLink) {
        try {
            const out = await this.ssm.send(new client_ssm_dist_cjs/* GetParameterCommand */.lhy({ Name: this.parameterName(previewLink) }));
            return this.parse(out.Parameter?.Value, this.parameterName(previewLink));
        }
        catch (err) {
            if (err instanceof client_ssm_dist_cjs/* ParameterNotFound */.TU5)
                return undefined;
            throw err;
        }
    }
    /** Every entry, through the paged GetParametersByPath. */
    async list() {
        const entries = [];
        for await (const page of (0,client_ssm_dist_cjs/* paginateGetParametersByPath */.kU5)({ client: this.ssm }, { Path: this.prefix, Recursive: false })) {
            for (const p of page.Parameters ?? []) {
                const entry = this.parse(p.Value, p.Name ?? '?');
                if (entry)
                    entries.push(entry);
            }
        }
        return entries.sort((a, b) => a.previewLink.localeCompare(b.previewLink));
    }
    /** Write an entry (creating the parameter with ownership tags the first time). */
    async put(entry, exists) {
        const name = this.parameterName(entry.previewLink);
        await this.ssm.send(new client_ssm_dist_cjs/* PutParameterCommand */.ihh({
            Name: name,
            Type: 'String',
            Value: JSON.stringify(entry),
            Overwrite: exists,
            ...(exists
                ? {}
                : {
                    Tags: Object.entries({
                        ...this.tags,
                        [naming/* TAG_SITE */.lR]: entry.previewLink,
                        [naming/* TAG_MANAGED_BY */.RJ]: naming/* SUITE_NAME */.tb,
                    }).map(([Key, Value]) => ({ Key, Value })),
                }),
        }));
    }
    async delete(previewLink) {
        try {
            await this.ssm.send(new client_ssm_dist_cjs/* DeleteParameterCommand */.Obs({ Name: this.parameterName(previewLink) }));
            return true;
        }
        catch (err) {
            if (err instanceof client_ssm_dist_cjs/* ParameterNotFound */.TU5)
                return false;
            throw err;
        }
    }
    parse(value, name) {
        if (!value)
            return undefined;
        let data;
        try {
            data = JSON.parse(value);
        }
        catch {
            throw new Error(`site registry entry ${name} is not JSON; fix or delete the parameter`);
        }
        const parsed = registryEntrySchema.safeParse(data);
        if (!parsed.success) {
            throw new Error(`site registry entry ${name} does not match the registry schema: ${parsed.error.issues[0]?.message}`);
        }
        return parsed.data;
    }
}

// EXTERNAL MODULE: ../../packages/core/dist/cron/pacer.js
var cron_pacer = __webpack_require__(5076);
;// CONCATENATED MODULE: ../../packages/core/dist/cron/fanout.js
// One cron tick across every registered site: one paged read of the registry and of the cluster's
// tasks, then each enabled site's command through the native exec client, a few at a time.









const fanout_EXEC_AGENT = 'ExecuteCommandAgent';
/** ListTasks and DescribeTasks both stop at 100 per call. */
const TASK_BATCH = 100;
/** A CloudWatch Logs event may hold 256 KiB; keep well inside it with the envelope. */
const MAX_EVENT_BYTES = 200_000;
/** Skip reason for a site whose run from an earlier tick is still queued or going. */
const STILL_RUNNING = 'previous run still running';
function checkShard(shard) {
    const { index, count } = shard;
    if (!Number.isInteger(count) || !Number.isInteger(index) || index < 1 || index > count)
        throw new dist_errors/* ConfigurationError */.j1(`shard must be i/n with 1 ≤ i ≤ n, got ${index}/${count}`);
}
/**
 * The shard (1-based) a site belongs to among `count`: the first 32 bits of the SHA-256 of its preview
 * link mod count. It depends on the link alone, so adding or removing a site moves no other site.
 */
function shardOf(previewLink, count) {
    return ((0,external_node_crypto_.createHash)('sha256').update(previewLink).digest().readUInt32BE(0) % count) + 1;
}
/** Limits the runs in flight across ticks; waiters are served first come, first served. */
class Slots {
    free;
    waiting = [];
    constructor(size) {
        this.free = size;
    }
    async acquire() {
        if (this.free > 0) {
            this.free--;
            return;
        }
        await new Promise((resolve) => this.waiting.push(resolve));
    }
    release() {
        const next = this.waiting.shift();
        if (next)
            next();
        else
            this.free++;
    }
}
/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
async function mapWithConcurrency(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i], i);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}
/** Every RUNNING task of a cluster, described: ⌈tasks/100⌉ ListTasks pages and as many DescribeTasks. */
async function runningTasks(ecs, cluster) {
    let calls = 0;
    const arns = [];
    let nextToken;
    do {
        const page = await ecs.send(new client_ecs_dist_cjs/* ListTasksCommand */.MYg({ cluster, desiredStatus: 'RUNNING', maxResults: TASK_BATCH, nextToken }));
        calls++;
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    const tasks = [];
    for (let i = 0; i < arns.length; i += TASK_BATCH) {
        const out = await ecs.send(new client_ecs_dist_cjs/* DescribeTasksCommand */.z8X({ cluster, tasks: arns.slice(i, i + TASK_BATCH) }));
        calls++;
        tasks.push(...(out.tasks ?? []));
    }
    return { tasks, calls };
}
const revisionOf = (task) => Number(task.taskDefinitionArn?.split(':').pop() ?? 0) || 0;
const agentOf = (task, container) => task.containers?.find((c) => c.name === container)?.managedAgents?.find((a) => a.name === fanout_EXEC_AGENT)
    ?.lastStatus ?? 'absent';
const taskId = (task) => task.taskArn?.split('/').pop() ?? '';
/**
 * The task a site's cron runs in: RUNNING with its exec agent RUNNING, from the newest deployment
 * (highest task definition revision), newest first — old tasks are the ones a rollout stops next.
 */
function pickCronTask(tasks, cron, asleep) {
    const ofService = tasks.filter((t) => t.group === `service:${cron.service}`);
    // A site its schedule has asleep has no tasks, and that is no fault; woken by hand, it has some.
    if (!ofService.length && asleep)
        return { skip: asleep };
    if (!ofService.length)
        return { skip: `no running task of service ${cron.service} (missing, scaled to 0 or still starting)` };
    const ready = ofService
        .filter((t) => t.lastStatus === 'RUNNING' && agentOf(t, cron.container) === 'RUNNING')
        .sort((a, b) => revisionOf(b) - revisionOf(a) || (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0));
    if (ready[0])
        return { task: ready[0] };
    return {
        skip: 'no task ready for exec: ' +
            ofService
                .map((t) => `${taskId(t)} ${t.lastStatus}, exec agent ${agentOf(t, cron.container)}`)
                .join('; '),
    };
}
/**
 * runCommand's preflight describes the task again; we described it a moment ago in a batch, so answer
 * that one call from the batch — otherwise DescribeTasks calls would grow with the number of sites.
 */
function describedTaskClient(ecs, task) {
    const send = (command, ...rest) => {
        if (command instanceof client_ecs_dist_cjs/* DescribeTasksCommand */.z8X &&
            command.input.tasks?.length === 1 &&
            (command.input.tasks[0] === task.taskArn || command.input.tasks[0] === taskId(task)))
            return Promise.resolve({ tasks: [task], failures: [], $metadata: {} });
        return ecs.send(command, ...rest);
    };
    return { send, config: ecs.config };
}
function tailOf(output, n) {
    const lines = output.replace(/\n$/, '').split('\n');
    return output ? lines.slice(-n) : [];
}
/** True when the tick should fail the job: skipped sites never count, they are reported. */
function tickFailed(result, failOn) {
    if (failOn.kind === 'any')
        return result.failed > 0;
    const ran = result.failed + result.succeeded;
    return ran > 0 && (result.failed / ran) * 100 > failOn.percent;
}
/** Writes a site's run to its own stream: one PutLogEvents, creating group and stream only when absent. */
class CronRunLog {
    logs;
    logGroup;
    group;
    groupReady;
    constructor(logs, logGroup, group = {}) {
        this.logs = logs;
        this.logGroup = logGroup;
        this.group = group;
    }
    async write(line, output) {
        const body = Buffer.from(output);
        const text = body.length > MAX_EVENT_BYTES ? `…${body.subarray(-MAX_EVENT_BYTES).toString()}` : output;
        const at = Date.parse(line.start);
        const events = [
            ...(text ? [{ timestamp: at, message: text }] : []),
            { timestamp: at + line.durationMs, message: JSON.stringify(line) },
        ];
        const put = () => this.logs.send(new dist_cjs/* PutLogEventsCommand */.Aw4({ logGroupName: this.logGroup, logStreamName: line.site, logEvents: events }));
        try {
            await put();
        }
        catch (err) {
            // The steady state is one call per site; streams (and the group) are made the first time only.
            if (err.name !== 'ResourceNotFoundException')
                throw err;
            await this.ensureGroup();
            await this.ignoreExisting(this.logs.send(new dist_cjs/* CreateLogStreamCommand */.EQC({ logGroupName: this.logGroup, logStreamName: line.site })));
            await put();
        }
    }
    ensureGroup() {
        // Created as the suite's (its IAM policy allows no other create; the suite's tag wins over a
        // platform tag of the same key) with the platform's tags, and kept for the platform's retention.
        this.groupReady ??= this.ignoreExisting(this.logs.send(new dist_cjs/* CreateLogGroupCommand */.BOU({
            logGroupName: this.logGroup,
            tags: { ...this.group.tags, [naming/* TAG_MANAGED_BY */.RJ]: naming/* SUITE_NAME */.tb },
        })))
            .then(() => this.logs.send(new dist_cjs/* PutRetentionPolicyCommand */.h5R({
            logGroupName: this.logGroup,
            retentionInDays: this.group.retentionInDays ?? CRON_LOG_RETENTION_DAYS,
        })))
            .then(() => undefined);
        return this.groupReady;
    }
    async ignoreExisting(call) {
        try {
            await call;
        }
        catch (err) {
            if (err.name !== 'ResourceAlreadyExistsException')
                throw err;
        }
    }
}
/** How long cron's run log keeps each site's runs without a platform's `logs.retention_days`. */
const CRON_LOG_RETENTION_DAYS = 30;
function checkConcurrency(concurrency) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new dist_errors/* ConfigurationError */.j1(`concurrency must be a whole number of at least 1, got ${concurrency}`);
}
function summarize(lines, durationMs, discoveryCalls, pacer) {
    return {
        ...(pacer ? { pacing: { ...pacer.stats } } : {}),
        lines,
        succeeded: lines.filter((l) => l.status === 'succeeded').length,
        failed: lines.filter((l) => l.status === 'failed').length,
        skipped: lines.filter((l) => l.status === 'skipped').length,
        durationMs,
        discoveryCalls,
    };
}
/** One tick: find, pick, run, report. Never throws for one site's trouble; that is its result. */
async function runCronTick(options) {
    const started = Date.now();
    const concurrency = options.concurrency ?? 16;
    checkConcurrency(concurrency);
    if (options.shard)
        checkShard(options.shard);
    const pacer = options.execRate === false ? undefined : new Pacer(options.execRate);
    const unpace = pacer ? paceExecuteCommand(options.clients.ecs, pacer) : () => undefined;
    try {
        const tick = await startTick(options, { busy: new Set(), slots: new Slots(concurrency) });
        return summarize(await Promise.all(tick.lines), Date.now() - started, tick.discoveryCalls, pacer);
    }
    finally {
        unpace();
    }
}
/**
 * Finds and picks, then queues every site's run (or its skip) and returns once all are queued — the
 * runs themselves go on in `lines`. A site found in `state.busy` is skipped as still running.
 */
async function findTargets(options, busy) {
    const registry = options.registry ?? new SiteRegistry(options.clients.ssm);
    const only = options.sites ? new Set(options.sites) : undefined;
    const shard = options.shard;
    const entries = (await registry.list()).filter((e) => e.cron &&
        (!only || only.has(e.previewLink)) &&
        (!shard || shardOf(e.previewLink, shard.count) === shard.index));
    const at = (options.now ?? (() => new Date()))();
    const targets = entries.map((e) => ({
        site: e.previewLink,
        cron: e.cron,
        ...(e.awake ? { asleep: (0,awake_schedule/* asleepReason */.hV)(e.awake, at) } : {}),
    }));
    let discoveryCalls = 0;
    const byCluster = new Map();
    const runnable = targets.filter((t) => t.cron.enabled && !t.cron.paused);
    for (const cluster of new Set(runnable.map((t) => t.cron.cluster))) {
        const found = await runningTasks(options.clients.ecs, cluster);
        discoveryCalls += found.calls;
        byCluster.set(cluster, found.tasks);
    }
    for (const t of targets) {
        if (!t.cron.enabled)
            t.skip = 'cron is disabled in the registry entry';
        else if (t.cron.paused)
            t.skip = `cron is paused: ${describePause(t.cron.paused)}`;
        else if (busy.has(t.site))
            t.skip = STILL_RUNNING;
        else
            Object.assign(t, pickCronTask(byCluster.get(t.cron.cluster) ?? [], t.cron, t.asleep));
    }
    return { targets, discoveryCalls };
}
/**
 * A dry run of one tick: the same registry read, task discovery and task choice as a real tick, and
 * nothing else — no ExecuteCommand, no log write.
 */
async function planCronTick(options) {
    if (options.shard)
        checkShard(options.shard);
    const { targets, discoveryCalls } = await findTargets(options, new Set());
    const lines = targets.map((t) => ({
        site: t.site,
        cluster: t.cron.cluster,
        service: t.cron.service,
        container: t.cron.container,
        command: t.cron.command,
        timeoutSeconds: Math.min(t.cron.timeoutSeconds, options.maxTimeoutSeconds ?? Infinity),
        ...(t.task ? { task: taskId(t.task) } : { skip: t.skip }),
    }));
    return { lines, discoveryCalls };
}
async function startTick(options, state) {
    const now = options.now ?? (() => new Date());
    const tailLines = options.tailLines ?? 5;
    const { targets, discoveryCalls } = await findTargets(options, state.busy);
    options.log?.info(`cron${state.tick ? ` tick ${state.tick}` : ''}: ${targets.length} site(s), ` +
        `${targets.filter((t) => t.task).length} to run, ${discoveryCalls} ListTasks/DescribeTasks call(s)`);
    const runLog = options.logGroup && options.clients.logs
        ? new CronRunLog(options.clients.logs, options.logGroup, {
            ...(options.logRetentionDays !== undefined ? { retentionInDays: options.logRetentionDays } : {}),
            ...(options.tags ? { tags: options.tags } : {}),
        })
        : undefined;
    const tick = state.tick;
    // Marked busy synchronously here, so a later tick sees every run this one queued.
    for (const t of targets)
        if (t.task)
            state.busy.add(t.site);
    const lines = targets.map(async (t) => {
        let run;
        if (!t.task)
            run = await runSite(t, options, now, tailLines);
        else {
            await state.slots.acquire();
            try {
                run = await runSite(t, options, now, tailLines);
            }
            finally {
                state.slots.release();
                state.busy.delete(t.site);
            }
            // Written after the slot is given back: the next site's session need not wait for the log.
            if (runLog)
                await writeRunLog(runLog, run, options.log);
        }
        const line = run.line;
        if (tick !== undefined)
            line.tick = tick;
        options.onResult?.(line);
        return line;
    });
    return { lines, discoveryCalls };
}
const realClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
/**
 * Ticks every `intervalSeconds` until `durationSeconds` is used up, then waits for the runs still
 * going. A tick does not wait for the previous tick's runs: a slow site is skipped (STILL_RUNNING)
 * while the others go on; concurrency is shared by all ticks. The lines of every tick, in order.
 */
async function runCronLoop(options) {
    const clock = options.clock ?? realClock;
    const duration = options.durationSeconds ?? 0;
    const interval = options.intervalSeconds ?? 120;
    const concurrency = options.concurrency ?? 16;
    checkConcurrency(concurrency);
    if (options.shard)
        checkShard(options.shard);
    if (!Number.isFinite(duration) || duration < 0)
        throw new dist_errors/* ConfigurationError */.j1(`duration-seconds must be 0 or more, got ${duration}`);
    if (!Number.isFinite(interval) || interval <= 0)
        throw new dist_errors/* ConfigurationError */.j1(`interval-seconds must be more than 0, got ${interval}`);
    const pacer = options.execRate === false ? undefined : new cron_pacer/* Pacer */._E(options.execRate);
    const unpace = pacer ? (0,cron_pacer/* paceExecuteCommand */.gA)(options.clients.ecs, pacer) : () => undefined;
    try {
        return await loopTicks(options, clock, duration, interval, concurrency, pacer);
    }
    finally {
        unpace();
    }
}
async function loopTicks(options, clock, duration, interval, concurrency, pacer) {
    const started = clock.now();
    const deadline = started + duration * 1000;
    const state = { busy: new Set(), slots: new Slots(concurrency) };
    const pending = [];
    let discoveryCalls = 0;
    let ticks = 0;
    for (let tick = 1;; tick++) {
        ticks = tick;
        const tickStart = clock.now();
        state.tick = tick;
        try {
            const queued = await startTick(options, state);
            pending.push(queued.lines);
            discoveryCalls += queued.discoveryCalls;
        }
        catch (err) {
            // The first tick's trouble (no registry, no permission) ends the job; a later one's (a
            // throttled read) costs that tick only, while the runs already going finish.
            if (tick === 1)
                throw err;
            options.log?.warning(`cron tick ${tick} could not start: ${err.message}`);
        }
        const next = tickStart + interval * 1000;
        if (duration <= 0 || next >= deadline)
            break;
        const wait = next - clock.now();
        if (wait > 0)
            await clock.sleep(wait);
    }
    const lines = (await Promise.all(pending.map((p) => Promise.all(p)))).flat();
    return { ...summarize(lines, clock.now() - started, discoveryCalls, pacer), ticks };
}
async function writeRunLog(runLog, run, log) {
    try {
        await runLog.write(run.line, run.output);
    }
    catch (err) {
        // The run happened; a log write that failed must not turn it into a failure.
        log?.warning(`cron: could not write ${run.line.site}'s run to ${runLog.logGroup}: ${err.message}`);
    }
}
async function runSite(t, options, now, tailLines) {
    const base = { site: t.site, cluster: t.cron.cluster, service: t.cron.service };
    const start = now();
    if (!t.task) {
        const line = {
            ...base,
            status: 'skipped',
            start: start.toISOString(),
            durationMs: 0,
            exitCode: null,
            bytes: 0,
            tail: [],
            reason: t.skip,
        };
        return { line, output: '' };
    }
    const timeoutSeconds = Math.min(t.cron.timeoutSeconds, options.maxTimeoutSeconds ?? Infinity);
    const t0 = Date.now();
    let result;
    let output = '';
    let reason;
    try {
        result = await runCommand({
            clients: { ecs: describedTaskClient(options.clients.ecs, t.task), ssm: options.clients.ssm },
            cluster: t.cron.cluster,
            task: t.task.taskArn,
            container: t.cron.container,
            command: t.cron.command,
            timeoutMs: timeoutSeconds * 1000,
            log: options.log,
            tuning: options.execTuning,
        });
        output = result.output;
    }
    catch (err) {
        reason = err.message;
        if (err instanceof ExecTimeoutError)
            output = err.output;
    }
    const exitCode = result?.exitCode ?? null;
    const line = {
        ...base,
        task: taskId(t.task),
        status: exitCode === 0 ? 'succeeded' : 'failed',
        start: start.toISOString(),
        durationMs: Date.now() - t0,
        exitCode,
        bytes: Buffer.byteLength(output),
        tail: tailOf(output, tailLines),
        ...(reason ? { reason } : {}),
    };
    return { line, output };
}
/** The joblog file's text: one JSON object per line. */
const joblogText = (lines) => lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');

// EXTERNAL MODULE: ./src/main.ts + 12 modules
var main = __webpack_require__(2584);
;// CONCATENATED MODULE: ./src/engine.ts
// run-cron-fanout's second stage, loaded (a chunk of its own) after main.ts has checked the inputs,
// the platform file and the credentials: the cron loop and its AWS clients, the joblog, the outputs
// and the summary.




const cell = (data) => ({ data });
async function fanout(inputs, platform) {
    const log = (0,action_io/* actionLogger */.v0)();
    const clients = createCronClients({ region: platform.region });
    try {
        // Lines are appended as sites finish (a cancelled loop keeps what ran), then the file is
        // rewritten in tick and site order.
        await (0,promises_.writeFile)(inputs.joblog, '');
        let appending = Promise.resolve();
        const result = await log.group(inputs.durationSeconds ? 'cron ticks' : 'cron tick', () => runCronLoop({
            clients,
            concurrency: inputs.concurrency,
            maxTimeoutSeconds: inputs.timeoutSeconds,
            logGroup: inputs.logGroup,
            logRetentionDays: platform.logs.retention_days,
            tags: platform.tags,
            sites: inputs.sites,
            shard: inputs.shard,
            durationSeconds: inputs.durationSeconds,
            intervalSeconds: inputs.intervalSeconds,
            execRate: inputs.execRate,
            log,
            onResult: (l) => {
                log.info(`${l.site}: ${l.status}${l.exitCode !== null ? ` (exit ${l.exitCode})` : ''} in ${l.durationMs} ms${l.reason ? ` — ${l.reason}` : ''}`);
                appending = appending.then(() => (0,promises_.appendFile)(inputs.joblog, joblogText([l]))).catch(() => { });
            },
        }));
        await appending;
        await (0,promises_.writeFile)(inputs.joblog, joblogText(result.lines));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.succeeded, String(result.succeeded));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.failed, String(result.failed));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.skipped, String(result.skipped));
        runner/* setOutput */.uH(main/* OUTPUTS */.py.joblog, inputs.joblog);
        await runner/* summary */.z
            .addHeading(result.ticks > 1 ? `Cron: ${result.ticks} ticks` : 'Cron tick', 3)
            .addRaw(`<p>${result.succeeded} succeeded, ${result.failed} failed, ${result.skipped} skipped in ` +
            `${(result.durationMs / 1000).toFixed(1)} s (${result.discoveryCalls} task read call(s)` +
            (result.pacing
                ? `; ExecuteCommand paced at up to ${result.pacing.ratePerSecond.toFixed(0)}/s, ` +
                    `${result.pacing.throttled} throttled, ${(result.pacing.waitedMs / 1000).toFixed(1)} s waited in all`
                : '') +
            ')</p>')
            .addTable([
            [
                ...(result.ticks > 1 ? ['tick'] : []),
                'site',
                'result',
                'exit code',
                'task',
                'duration',
                'last output / reason',
            ].map((data) => ({
                data,
                header: true,
            })),
            ...result.lines.map((l) => [
                ...(result.ticks > 1 ? [cell(String(l.tick ?? ''))] : []),
                cell(l.site),
                cell(l.status),
                cell(l.exitCode === null ? '' : String(l.exitCode)),
                cell(l.task ?? ''),
                cell(`${(l.durationMs / 1000).toFixed(1)} s`),
                cell(l.reason ?? l.tail.at(-1) ?? ''),
            ]),
        ])
            .write();
        if (tickFailed(result, inputs.failOn))
            runner/* setFailed */.C1(`cron failed on ${result.failed} site(s) (fail-on: ${(0,action_io/* optionalInput */.$m)(main/* INPUTS */.mc.failOn) ?? 'any'}); see the joblog ${inputs.joblog}`);
    }
    finally {
        destroyCronClients(clients);
    }
}


/***/ })

};
