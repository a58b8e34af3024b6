// The dump's first MiB, read before the server is touched: garbage and obvious truncation are
// refused with no change made, and the first MiB names the dump for a resume (its fingerprint).
import { ConfigurationError } from '../errors.js';
import { preview } from './messages.js';
import { DumpFormatError, DumpSplitter, type DumpPiece } from './splitter.js';
import type { DumpSource } from './source.js';
import { statementHead } from './statements.js';

export const HEAD_BYTES = 1024 * 1024;

export interface DumpHead {
  /** At least HEAD_BYTES of decompressed SQL, or the whole dump when it is shorter. */
  head: Buffer;
  /** The stream ended within the head. */
  streamDone: boolean;
}

export async function readHead(stream: AsyncIterator<Buffer>): Promise<DumpHead> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < HEAD_BYTES) {
    const next = await stream.next();
    if (next.done) return { head: Buffer.concat(parts), streamDone: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { head: Buffer.concat(parts), streamDone: false };
}

/** The first statement the splitter finds in the head; a format error is the user's to fix. */
function firstPiece(head: Buffer): DumpPiece | undefined {
  const splitter = new DumpSplitter();
  try {
    return splitter.push(head)[0] ?? splitter.end()[0];
  } catch (err) {
    if (err instanceof DumpFormatError) throw new ConfigurationError(err.message);
    throw err;
  }
}

export function checkLooksLikeSql(head: Buffer, source: DumpSource): void {
  if (head.length === 0) throw new ConfigurationError(`the dump ${source.name} is empty`);
  // mysqldump escapes NUL inside strings (\0), so a raw NUL byte means this is not a SQL dump.
  const nul = head.subarray(0, 65536).indexOf(0);
  if (nul >= 0)
    throw new ConfigurationError(
      `${source.name} is not a SQL dump: binary data at byte ${nul} of the decompressed stream ` +
        `(expected mysqldump output, plain or gzip/zstd-compressed)`,
    );
  const first = firstPiece(head);
  if (!first) {
    if (head.length < HEAD_BYTES) throw new ConfigurationError(`${source.name} holds no SQL statement`);
    throw new ConfigurationError(
      `${source.name}: no SQL statement ends in its first MiB: it is not a mysqldump file`,
    );
  }
  const text = first.kind === 'rows' ? 'INSERT' : statementHead(first.sql, 200);
  if (!/^(SET|CREATE|DROP|INSERT|REPLACE|LOCK|UNLOCK|USE|ALTER|START|BEGIN|COMMIT|SELECT)\b/i.test(text))
    throw new ConfigurationError(
      `${source.name} is not a SQL dump: its first statement at byte ${first.offset} is ${preview(first.kind === 'rows' ? first.prefix : first.sql)}`,
    );
}
