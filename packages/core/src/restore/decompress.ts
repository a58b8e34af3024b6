// Decompression chosen by the first bytes of the stream (never by the file name): gzip (RFC 1952
// magic 1f 8b), zstd (RFC 8878 frame magic 28 b5 2f fd), otherwise plain SQL. Formats the restore does
// not read (bzip2, xz, zip) are refused with what to do instead.
import { spawn } from 'node:child_process';
import { Readable, pipeline, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { ConfigurationError } from '../errors.js';

export type DumpCompression = 'gzip' | 'zstd' | 'plain';

export function detectCompression(head: Buffer): DumpCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  const refuse = (what: string) =>
    new ConfigurationError(
      `the dump is ${what}, which restore-db does not read: recompress it with gzip or zstd, or give plain SQL`,
    );
  if (head.subarray(0, 3).toString('latin1') === 'BZh') throw refuse('bzip2-compressed');
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
    throw refuse('xz-compressed');
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) throw refuse('a zip archive');
  return 'plain';
}

/** Error of the decompressor, with where in the compressed input it happened. */
/** The dump's bytes are damaged or cut short: bad input (fix the dump, then resume). */
export class DecompressError extends ConfigurationError {
  override name = 'DecompressError';
}

type ZstdFactory = (options?: zlib.ZlibOptions) => Transform;

/** The first bytes of `it` (enough for the magic numbers: a first chunk can be tiny), then the rest as it comes. */
async function peek(it: AsyncIterator<Buffer>): Promise<{ head: Buffer; all: () => AsyncGenerator<Buffer> }> {
  const parts: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < 8) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(parts);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, all };
}

/** zstd through the `zstd` program, for a Node without zlib's zstd. */
async function* zstdProgram(input: Readable, compressedRead: () => number): AsyncGenerator<Buffer> {
  const proc = spawn('zstd', ['-dc', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let childError = '';
  proc.stderr.on('data', (d: Buffer) => (childError += d.toString()));
  let spawnError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<number | null>((resolve) => {
    proc.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
      resolve(null);
    });
    proc.once('close', (code) => resolve(code));
  });
  input.on('error', () => proc.kill('SIGKILL'));
  input.pipe(proc.stdin);
  proc.stdin.on('error', () => {});
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) yield chunk;
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  const code = await exited;
  if (spawnError)
    throw spawnError.code === 'ENOENT'
      ? new ConfigurationError(
          'the dump is zstd-compressed and this Node has no zlib zstd (Node ≥ 22.15 has it): ' +
            'install the zstd program (apt-get install zstd) or run on Node 24',
        )
      : spawnError;
  if (code !== 0)
    throw new DecompressError(
      `zstd could not decompress the dump (read ${compressedRead()} compressed bytes): ${childError.trim() || `exit ${code}`}`,
    );
}

/**
 * The decompressed bytes of `source`. `compressedRead()` says how many compressed bytes have been
 * read so far, for error messages.
 */
export async function* decompress(
  source: AsyncIterable<Buffer>,
  compressedRead: () => number,
): AsyncGenerator<Buffer> {
  const { head, all } = await peek(source[Symbol.asyncIterator]());
  const kind = detectCompression(head);
  if (kind === 'plain') {
    yield* all();
    return;
  }
  const input = Readable.from(all(), { objectMode: false });
  let decoder: Transform;
  if (kind === 'gzip') decoder = zlib.createGunzip({ chunkSize: 256 * 1024 });
  else {
    const native = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;
    if (!native) {
      yield* zstdProgram(input, compressedRead);
      return;
    }
    decoder = native({ chunkSize: 256 * 1024 });
  }
  pipeline(input, decoder, () => {});
  try {
    for await (const chunk of decoder as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e instanceof ConfigurationError || e.name === 'DumpSourceError') throw err;
    throw new DecompressError(
      `the ${kind} stream is damaged or truncated after ${compressedRead()} compressed bytes: ${e.message}`,
    );
  }
}
