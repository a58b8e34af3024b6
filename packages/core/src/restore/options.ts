// What restoreDatabase is given and what it returns, with the checks made before anything is read
// or connected to (a bad option changes nothing).
import type { ConnectionOptions } from 'mysql2/promise';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DefinerMode } from './statements.js';
import type { IfExists } from './target.js';

/** Bytes of rows per chunk unless the options say otherwise. */
export const DEFAULT_CHUNK = 8 * 1024 * 1024;

export interface RestoreServer {
  host?: string;
  port?: number;
  /** A unix socket instead of host and port. */
  socket?: string;
  user: string;
  password: string;
  ssl?: ConnectionOptions['ssl'];
  connectTimeoutMs?: number;
}

export interface RestoreAccount {
  name: string;
  host: string;
}

export interface RestoreOptions {
  /** A file path or s3://bucket/key; gzip, zstd or plain SQL (detected from the bytes). */
  source: string;
  database: string;
  server: RestoreServer;
  /** Loading connections (default 2). */
  parallel?: number;
  ifExists?: IfExists;
  definer?: DefinerMode;
  /** Collations the target lacks, mapped in DDL: utf8mb4_0900_ai_ci → utf8mb4_unicode_ci. */
  collations?: Readonly<Record<string, string>>;
  /** Bytes of rows per chunk (one INSERT, one transaction, one checkpoint). Default 8 MiB, capped by max_allowed_packet. */
  chunkBytes?: number;
  /**
   * Create plain secondary indexes after the rows are in (one sorted build per table) instead of
   * maintaining them row by row. Default true: it measured 15-20 % less server CPU per dump.
   */
  deferIndexes?: boolean;
  /**
   * Load chunks of one table on several connections at once (default true: the table holding most
   * rows then uses every connection); false loads each table's chunks one at a time, in order.
   */
  spreadTables?: boolean;
  /**
   * Send a chunk whose values are all plain ('…' strings, NULL, numbers) as LOAD DATA LOCAL INFILE
   * reading the dump's own bytes, instead of its INSERT (default true). A chunk read with a warning
   * or a row count other than the dump's is rolled back and sent as its INSERT; a server that
   * refuses LOAD DATA LOCAL turns it off for the run.
   */
  loadData?: boolean;
  /** The site's application user: created if absent, given all privileges on the database. */
  appUser?: { account: RestoreAccount; password: string };
  /** Accounts given SELECT, SHOW VIEW on the database (they must exist). */
  readonlyUsers?: readonly RestoreAccount[];
  /** SQL run after the restore (statements separated by `;`, DELIMITER understood). */
  postRestoreSql?: string;
  /** Hide the portico_enrolments block (a Moodle restored without its MIM database). */
  hidePorticoBlock?: boolean;
  region?: string;
  progressIntervalMs?: number;
  /**
   * How long a resume waits for sessions of the interrupted run that are still at work on the
   * target database before it gives up with no change made (default 60 s).
   */
  busyWaitMs?: number;
  log?: Logger;
  /**
   * Called at every crash point: a place where an interrupted restore must still resume exactly
   * (mid-DDL, mid-chunk, after a COMMIT was sent, …). The engine only reports it; what a caller does
   * there is its own (the resume tests kill the process or end the loading connection).
   */
  onCrashPoint?: (point: CrashPoint) => void;
}

/** One crash point passed: its kind, its position overall and among its kind, and on which connection. */
export interface CrashPoint {
  kind: string;
  /** 1-based, over the whole restore. */
  n: number;
  /** 1-based among the points of its kind: the same whatever order the connections run in. */
  nthOfKind: number;
  /** The server's id of the loading connection, at the points inside a chunk's load. */
  connectionId?: number;
}

export interface TableStat {
  table: string;
  rows: number;
  bytes: number;
  seconds: number;
}

export interface RestoreResult {
  database: string;
  source: string;
  tables: number;
  rows: number;
  /** Bytes of SQL read (decompressed). */
  bytes: number;
  compressedBytes: number;
  seconds: number;
  resumed: boolean;
  chunks: number;
  skippedChunks: number;
  /** Chunks the server read as LOAD DATA LOCAL (the others went as their INSERT). */
  loadDataChunks: number;
  /** Tables given their held-back secondary indexes. */
  indexedTables: number;
  /**
   * Where the load waited: the reader for the connections (raise `parallel` if the server has room)
   * and the connections for the reader (summed over connections), in seconds.
   */
  waits: { reader: number; connections: number };
  views: number;
  postDataStatements: number;
  notes: string[];
  /** Slowest tables first (time spent loading their rows, summed over connections). */
  slowest: TableStat[];
}

const DB_NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const ACCOUNT_PART = /^[A-Za-z0-9_.%:-]{1,80}$/;

/** `name` or `name@host` (host `%` when absent). */
export function parseAccount(spec: string, what: string): RestoreAccount {
  const at = spec.lastIndexOf('@');
  const name = at < 0 ? spec : spec.slice(0, at);
  const host = at < 0 ? '%' : spec.slice(at + 1);
  if (!ACCOUNT_PART.test(name) || !ACCOUNT_PART.test(host))
    throw new ConfigurationError(`${what} "${spec}" must be name or name@host (letters, digits, _ . % : -)`);
  return { name, host };
}

export function parseCollationMap(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z0-9_]+)=([A-Za-z0-9_]+)$/.exec(spec.trim());
    if (!m)
      throw new ConfigurationError(
        `collation mapping "${spec}" must be from=to, e.g. utf8mb4_0900_ai_ci=utf8mb4_unicode_ci`,
      );
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function checkOptions(o: RestoreOptions): void {
  if (!DB_NAME.test(o.database))
    throw new ConfigurationError(`database "${o.database}" must be 1-64 letters, digits, _ $ or -`);
  if (!o.server.socket && !o.server.host)
    throw new ConfigurationError('give the database host (or a socket)');
  if (!o.server.user) throw new ConfigurationError('give the admin user');
  const parallel = o.parallel ?? 2;
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64)
    throw new ConfigurationError(`parallel must be a whole number from 1 to 64, got ${parallel}`);
  if (o.chunkBytes !== undefined && (o.chunkBytes < 1024 || o.chunkBytes > 512 * 1024 * 1024))
    throw new ConfigurationError('chunk size must be from 1 KiB to 512 MiB');
  if (o.appUser && !o.appUser.password) throw new ConfigurationError('the app user needs a password');
}
