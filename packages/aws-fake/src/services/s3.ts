// Fake S3 (REST-XML, path-style: the SDK addresses a bucket as /bucket/key when its endpoint is an IP
// address). S3 is not a JSON or query protocol, so it has its own loopback listener; its calls are
// recorded in the shared server's call list. Enough for restores: CreateBucket, PutObject (plain or
// aws-chunked bodies), HeadObject, GetObject with Range and If-Match, and a fault that drops the
// connection part-way through a body, to exercise the reader's ranged re-request.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationRequest, CallRecord, FakeContext, ResourceRecord } from '../types.js';

export interface S3Object {
  body: Buffer;
  etag: string;
  lastModified: Date;
}

export interface S3DropFault {
  /** Bytes of the body sent before the connection is destroyed. */
  afterBytes: number;
  /** How many GetObject answers to cut this way (default 1). */
  times?: number;
}

const MUTATING = new Set(['CreateBucket', 'PutObject', 'DeleteObject']);

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What IAM authorises for an S3 call: HeadObject is authorised as s3:GetObject, ListObjectsV2 as
 * s3:ListBucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). */
function authorization(action: string, bucket: string, key: string): AuthorizationRequest {
  const object = `arn:aws:s3:::${bucket}/${key}`;
  switch (action) {
    case 'HeadObject':
    case 'GetObject':
      return { action: 's3:GetObject', resource: object, context: {} };
    case 'ListObjectsV2':
    case 'HeadBucket':
      return { action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: {} };
    case 'CreateBucket':
      return { action: 's3:CreateBucket', resource: `arn:aws:s3:::${bucket}`, context: {} };
    default:
      return { action: `s3:${action}`, resource: object, context: {} };
  }
}

export class S3Fake {
  readonly signingName = 's3';
  readonly buckets = new Map<string, Map<string, S3Object>>();
  private server: Server | undefined;
  private drops: S3DropFault[] = [];
  /** Ranges asked for by GetObject, in order (`bytes=N-` or undefined for the whole object). */
  readonly ranges: (string | undefined)[] = [];

  constructor(
    private readonly ctx: FakeContext,
    /** Where calls are recorded: the main fake server's list, so one list shows every service. */
    private readonly calls: CallRecord[] = [],
  ) {}

  inventory(): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (const [bucket, objects] of this.buckets) {
      out.push({ kind: 's3:bucket', name: bucket });
      for (const key of objects.keys()) out.push({ kind: 's3:object', name: `${bucket}/${key}` });
    }
    return out;
  }

  createBucket(bucket: string): void {
    if (!this.buckets.has(bucket)) this.buckets.set(bucket, new Map());
  }

  putObject(bucket: string, key: string, body: Buffer): S3Object {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new Error(`no bucket ${bucket}`);
    const object = {
      body,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: this.ctx.now(),
    };
    objects.set(key, object);
    return object;
  }

  /** Cut the next GetObject answer(s) after `afterBytes` bytes of body. */
  dropConnection(fault: S3DropFault): void {
    this.drops.push({ ...fault, times: fault.times ?? 1 });
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.endpoint;
  }

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the S3 fake is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** AWS_ENDPOINT_URL_S3 for SDK clients and child processes. */
  env(): Record<string, string> {
    return this.server ? { AWS_ENDPOINT_URL_S3: this.endpoint } : {};
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private record(action: string, bucket: string, key: string, error?: string): void {
    this.calls.push({
      seq: this.calls.length + 1,
      service: 's3',
      action,
      mutating: MUTATING.has(action),
      throttled: false,
      ...(error ? { error } : {}),
      authorizations: [authorization(action, bucket, key)],
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const method = req.method ?? 'GET';
    const action =
      method === 'PUT'
        ? key
          ? 'PutObject'
          : 'CreateBucket'
        : method === 'HEAD'
          ? key
            ? 'HeadObject'
            : 'HeadBucket'
          : method === 'DELETE'
            ? 'DeleteObject'
            : key
              ? 'GetObject'
              : 'ListObjectsV2';
    const fail = (status: number, code: string, message: string) => {
      this.record(action, bucket, key, code);
      res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': this.ctx.id(16) });
      res.end(
        method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
              `<Resource>${xmlEscape(url.pathname)}</Resource></Error>`,
      );
    };
    if (!/^Credential=|AWS4-HMAC-SHA256/.test(String(req.headers.authorization ?? '')))
      return fail(403, 'AccessDenied', 'the request is not signed');
    if (action === 'CreateBucket') {
      if (this.buckets.has(bucket)) return fail(409, 'BucketAlreadyOwnedByYou', `bucket ${bucket} exists`);
      this.createBucket(bucket);
      this.record(action, bucket, key);
      res.writeHead(200, { location: `/${bucket}` });
      res.end();
      return;
    }
    const objects = this.buckets.get(bucket);
    if (!objects) return fail(404, 'NoSuchBucket', `the bucket ${bucket} does not exist`);
    if (action === 'PutObject') {
      if (
        /aws-chunked/.test(String(req.headers['content-encoding'] ?? '')) ||
        /STREAMING/.test(String(req.headers['x-amz-content-sha256'] ?? ''))
      )
        body = decodeAwsChunked(body);
      const object = this.putObject(bucket, key, body);
      this.record(action, bucket, key);
      res.writeHead(200, { etag: object.etag });
      res.end();
      return;
    }
    const object = objects.get(key);
    if (!object) return fail(404, 'NoSuchKey', `the key ${key} does not exist`);
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch !== object.etag && ifMatch !== '*')
      return fail(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    const headers: Record<string, string> = {
      etag: object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
    };
    if (action === 'HeadObject') {
      this.record(action, bucket, key);
      res.writeHead(200, { ...headers, 'content-length': String(object.body.length) });
      res.end();
      return;
    }
    if (action !== 'GetObject') return fail(501, 'NotImplemented', `${action} is not in the fake`);
    const range = req.headers.range;
    this.ranges.push(range);
    let start = 0;
    let end = object.body.length - 1;
    let status = 200;
    if (range) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (!m || Number(m[1]) >= object.body.length)
        return fail(416, 'InvalidRange', 'The requested range is not satisfiable');
      start = Number(m[1]);
      if (m[2]) end = Math.min(end, Number(m[2]));
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${object.body.length}`;
    }
    this.record(action, bucket, key);
    const slice = object.body.subarray(start, end + 1);
    res.writeHead(status, { ...headers, 'content-length': String(slice.length) });
    const drop = this.drops[0];
    if (drop && drop.afterBytes < slice.length) {
      if (--drop.times! <= 0) this.drops.shift();
      res.write(slice.subarray(0, drop.afterBytes), () => {
        // Let the bytes reach the client, then cut the connection as a flaky network would.
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(slice);
  }
}

/** The body of an aws-chunked upload (SigV4 streaming, signed or unsigned with trailers). */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < raw.length) {
    const eol = raw.indexOf('\r\n', pos, 'latin1');
    if (eol < 0) break;
    const size = parseInt(raw.subarray(pos, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
