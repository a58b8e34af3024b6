// Where a dump comes from: a local file, or an S3 object read with GetObject and, when the connection
// drops mid-body, re-requested from the byte reached (HTTP Range, RFC 9110 §14) with If-Match on the
// ETag, so a changed object is refused rather than spliced.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ConfigurationError } from '../errors.js';
import { awsClientConfig } from '../aws/clients.js';

export interface DumpSource {
  /** What to show a person: the path or s3://bucket/key. */
  name: string;
  /** Compressed size in bytes (file size or ContentLength). */
  size: number;
  /** ETag for S3, size+mtime for a file: shown on resume, not relied on. */
  version: string;
  /** The bytes, from the start. Each call reads the source again. */
  open(): AsyncIterable<Buffer>;
  /** Compressed bytes read so far by the current `open()`. */
  readonly bytesRead: number;
  close(): void;
}

export class DumpSourceError extends Error {
  override name = 'DumpSourceError';
}

export interface SourceOptions {
  /** AWS region for s3:// sources (default: the SDK's chain, AWS_REGION). */
  region?: string;
  /** Re-requests after dropped connections before giving up (default 8). */
  maxResumes?: number;
  log?: (line: string) => void;
}

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

export function parseSource(
  spec: string,
): { kind: 's3'; bucket: string; key: string } | { kind: 'file'; path: string } {
  if (spec.startsWith('s3://')) {
    const m = S3_URL.exec(spec);
    if (!m) throw new ConfigurationError(`source "${spec}" is not s3://bucket/key`);
    return { kind: 's3', bucket: m[1]!, key: m[2]! };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
    throw new ConfigurationError(`source "${spec}": only s3://bucket/key or a file path are read`);
  return { kind: 'file', path: spec };
}

export async function openDumpSource(spec: string, options: SourceOptions = {}): Promise<DumpSource> {
  const parsed = parseSource(spec);
  return parsed.kind === 'file' ? fileSource(parsed.path) : s3Source(parsed.bucket, parsed.key, options);
}

async function fileSource(path: string): Promise<DumpSource> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new ConfigurationError(`source ${path} cannot be read: ${(err as Error).message}`);
  }
  if (!info.isFile()) throw new ConfigurationError(`source ${path} is not a file`);
  let read = 0;
  return {
    name: path,
    size: info.size,
    version: `${info.size}-${info.mtimeMs}`,
    get bytesRead() {
      return read;
    },
    open: () => {
      read = 0;
      const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
      return (async function* () {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          read += chunk.length;
          yield chunk;
        }
      })();
    },
    close: () => {},
  };
}

async function s3Source(bucket: string, key: string, options: SourceOptions): Promise<DumpSource> {
  const { S3Client, HeadObjectCommand, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new ConfigurationError('reading from S3 needs a region: set AWS_REGION');
  const client = new S3Client(awsClientConfig({ region }));
  const name = `s3://${bucket}/${key}`;
  let head;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    client.destroy();
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey')
      throw new ConfigurationError(`source ${name} does not exist`);
    if (status === 403)
      throw new ConfigurationError(`source ${name}: access denied (the role needs s3:GetObject on it)`);
    throw new DumpSourceError(`reading ${name} failed: ${e.name ?? 'error'}: ${e.message ?? String(err)}`);
  }
  const size = head.ContentLength ?? 0;
  const etag = head.ETag;
  const maxResumes = options.maxResumes ?? 8;
  const log = options.log ?? (() => {});
  let read = 0;
  return {
    name,
    size,
    version: etag ?? `${size}`,
    get bytesRead() {
      return read;
    },
    open: () => {
      read = 0;
      return (async function* () {
        let drops = 0;
        while (read < size) {
          let body: Readable;
          try {
            const out = await client.send(
              new GetObjectCommand({
                Bucket: bucket,
                Key: key,
                ...(read > 0 ? { Range: `bytes=${read}-` } : {}),
                ...(etag ? { IfMatch: etag } : {}),
              }),
            );
            body = out.Body as Readable;
          } catch (err) {
            const e = err as { name?: string; message?: string };
            if (e.name === 'PreconditionFailed')
              throw new DumpSourceError(
                `${name} changed while it was being read (its ETag is no longer ${etag})`,
              );
            throw new DumpSourceError(`GetObject ${name} at byte ${read} failed: ${e.name}: ${e.message}`);
          }
          try {
            for await (const chunk of body as AsyncIterable<Buffer>) {
              read += chunk.length;
              yield chunk;
            }
            if (read < size) throw new Error(`the body ended at byte ${read} of ${size}`);
          } catch (err) {
            body.destroy();
            if (++drops > maxResumes)
              throw new DumpSourceError(
                `reading ${name} failed after ${maxResumes} re-requests at byte ${read}: ${(err as Error).message}`,
              );
            log(
              `the connection reading ${name} dropped at byte ${read} (${(err as Error).message}); re-requesting from there`,
            );
          }
        }
      })();
    },
    close: () => client.destroy(),
  };
}

/** SHA-256 of the first MiB of the decompressed dump: names the dump for a resume. */
export function dumpFingerprint(head: Buffer): string {
  return createHash('sha256').update(head).digest('hex');
}
