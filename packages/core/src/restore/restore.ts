// restoreDatabase: source → decompress → DumpSplitter → per-table chunks → N connections in parallel,
// with checkpoints in the target database so that `if-exists: resume` finishes an interrupted run.
// Schema statements run in dump order on a control connection; rows go to the pool; views, triggers
// and routines run after every row is in; then verification, users, grants and post-restore SQL.
import { crc32 } from 'node:zlib';
import type { Connection, ConnectionOptions, ResultSetHeader } from 'mysql2/promise';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { grantSchema, quoteIdentifier } from '../db/provision-sql.js';
import { loadMysql } from '../db/mysql-driver.js';
import { CHECKPOINT_TABLES, STATE_TABLE, checkpointSql, committedChunk } from './checkpoint.js';
import { decompress } from './decompress.js';
import { IndexBuilder } from './indexes.js';
import { loadDataColumns, loadDataSession, loadRows, type LoadDataSession } from './load-data.js';
import { ChunkPool } from './pool.js';
import { ProgressReporter } from './progress.js';
import { DumpFormatError, DumpSplitter, type DumpPiece, type DumpRows } from './splitter.js';
import { dumpFingerprint, openDumpSource, type DumpSource } from './source.js';
import {
  autoIncrementOf,
  classifyStatement,
  mapCollations,
  mapEngine,
  rewriteDefiner,
  splitSecondaryKeys,
  statementHead,
  type DefinerMode,
  wireToText,
} from './statements.js';
import { prepareDatabase, sessionsLeft, type IfExists } from './target.js';

export type { IfExists } from './target.js';

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

export class RestoreError extends Error {
  override name = 'RestoreError';
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;
/** Lost loading connections replaced in one run before the restore gives up (and can be resumed). */
const MAX_RECONNECTS = 10;
/** mysql2 marks errors that end the connection `fatal`; these codes say the same. */
const LOST_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ER_CONNECTION_KILLED',
]);
const lostConnection = (err: unknown) => {
  const e = err as { fatal?: boolean; code?: string };
  return e.fatal === true || LOST_CODES.has(e.code ?? '');
};

const HEAD_BYTES = 1024 * 1024;
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

const account = (a: RestoreAccount) => `'${a.name}'@'${a.host}'`;

function checkOptions(o: RestoreOptions): void {
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

/** Redacts secrets and mysql2's `sql` (which can hold a password) from a driver error. */
function sqlMessage(err: unknown, secrets: readonly string[]): string {
  const e = err as { code?: string; errno?: number; message?: string };
  let text = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  for (const s of secrets) if (s) text = text.split(s).join('***');
  if (/Unknown collation|ER_UNKNOWN_COLLATION/i.test(text))
    text += ' — map it with map-collation, e.g. utf8mb4_0900_ai_ci=utf8mb4_unicode_ci';
  if (/max_allowed_packet|ER_NET_PACKET_TOO_LARGE/i.test(text))
    text += ' — a single row is larger than the server accepts: raise max_allowed_packet on the server';
  return text;
}

const preview = (sql: string | Buffer) => {
  const text = (typeof sql === 'string' ? Buffer.from(sql, 'latin1') : sql)
    .subarray(0, 160)
    .toString('utf8')
    .replace(/\s+/g, ' ');
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
};

const quietLogger: Logger = {
  info: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: (_n, fn) => fn(),
  mask: () => {},
};

interface TableState {
  chunks: number;
  expectedRows: number;
  appliedRows: number;
  bytes: number;
  ms: number;
  /** Rows came from INSERT IGNORE or REPLACE: affected rows do not equal the dump's rows. */
  uncounted: boolean;
  autoIncrement?: number;
}

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  checkOptions(options);
  const log = options.log ?? quietLogger;
  const secrets = [options.server.password, options.appUser?.password ?? ''];
  for (const s of secrets) log.mask(s);
  const started = Date.now();
  const parallel = options.parallel ?? 2;
  const ifExists = options.ifExists ?? 'fail';
  const definer = options.definer ?? 'rewrite';
  const collations = new Map(Object.entries(options.collations ?? {}));
  const db = options.database;
  const qdb = quoteIdentifier(db);
  const notes = new Set<string>();
  const note = (text: string) => {
    if (!notes.has(text)) {
      notes.add(text);
      log.info(`note: ${text}`);
    }
  };
  let crashPoints = 0;
  const kindCounts = new Map<string, number>();
  const crashPoint = (kind: string, conn?: Connection) => {
    crashPoints++;
    const nthOfKind = (kindCounts.get(kind) ?? 0) + 1;
    kindCounts.set(kind, nthOfKind);
    options.onCrashPoint?.({
      kind,
      n: crashPoints,
      nthOfKind,
      ...(conn ? { connectionId: conn.threadId } : {}),
    });
  };

  const source = await openDumpSource(options.source, { region: options.region, log: (l) => log.info(l) });
  const mysql = await loadMysql();
  const connect = async (database?: string, raw = false): Promise<Connection> => {
    const s = options.server;
    try {
      const conn = await mysql.createConnection({
        ...(s.socket ? { socketPath: s.socket } : { host: s.host, port: s.port ?? 3306 }),
        user: s.user,
        password: s.password,
        ...(database ? { database } : {}),
        // Dump bytes go out unchanged: latin1 maps each byte to one character and back, and the
        // server reads them in the character set the dump's own SET NAMES chose.
        charset: 'LATIN1_SWEDISH_CI',
        // Without session tracking mysql2 keeps encoding in latin1 after the dump's SET NAMES
        // (with it, the driver follows character_set_client and would re-encode the bytes as UTF-8).
        flags: ['-SESSION_TRACK'],
        // Loading connections send dump text only: skip mysql2's placeholder scan of every chunk
        // (measured at ~15 % of the restore's own CPU).
        ...(raw ? { queryFormat: (sql: string) => sql } : {}),
        connectTimeout: s.connectTimeoutMs ?? 10_000,
        multipleStatements: false,
        supportBigNumbers: true,
        bigNumberStrings: true,
        ...(s.ssl !== undefined ? { ssl: s.ssl } : {}),
      });
      // A connection the server ends while it is idle reports it here (without a listener the
      // process would die); its next query fails and the loaders reconnect.
      conn.on('error', (err: Error) => log.debug(`connection ${conn.threadId}: ${sqlMessage(err, secrets)}`));
      return conn;
    } catch (err) {
      const where = s.socket ?? `${s.host}:${s.port ?? 3306}`;
      throw new ConfigurationError(
        `cannot connect to MySQL at ${where} as ${s.user}: ${sqlMessage(err, secrets)}`,
      );
    }
  };

  // 1. Read the dump's first MiB before touching the server: garbage and obvious truncation are
  //    refused with no change made, and the first MiB names the dump for a resume.
  const stream = decompress(source.open(), () => source.bytesRead)[Symbol.asyncIterator]();
  const headParts: Buffer[] = [];
  let headLen = 0;
  let streamDone = false;
  while (headLen < HEAD_BYTES) {
    const next = await stream.next();
    if (next.done) {
      streamDone = true;
      break;
    }
    headParts.push(next.value);
    headLen += next.value.length;
  }
  const head = Buffer.concat(headParts);
  checkLooksLikeSql(head, source);
  const identityBase = {
    fingerprint: dumpFingerprint(head.subarray(0, HEAD_BYTES)),
    source: source.name,
    sourceVersion: source.version,
    compressedSize: source.size,
  };

  const control = await connect();
  const closers: Connection[] = [control];
  const pool = new ChunkPool(
    Math.max(2, parallel) * (options.chunkBytes ?? DEFAULT_CHUNK),
    options.spreadTables ?? true,
  );
  const progress = new ProgressReporter(source, log, options.progressIntervalMs ?? 30_000);
  try {
    const [[packetRow]] = (await control.query('SELECT @@max_allowed_packet AS p')) as unknown as [
      [{ p: string }],
    ];
    const maxPacket = Number(packetRow.p);

    // 2. The target: create, refuse, drop or resume — decided before any dump statement runs.
    const prepared = await prepareDatabase(
      control,
      db,
      ifExists,
      { ...identityBase, deferIndexes: options.deferIndexes ?? true },
      {
        chunkBytes: Math.min(options.chunkBytes ?? DEFAULT_CHUNK, Math.max(1024, maxPacket - 65536)),
        busyWaitMs: options.busyWaitMs ?? 60_000,
        log,
      },
    );
    const chunkBytes = prepared.chunkBytes;
    const checkpoints = prepared.checkpoints;
    const resumed = prepared.resumed;
    const deferIndexes = prepared.deferIndexes;
    if (resumed)
      log.info(
        `resuming the restore of ${db}: ${[...checkpoints.values()].reduce((n, c) => n + c.size, 0)} chunk(s) ` +
          `of ${checkpoints.size} table(s) are in; the dump is read again from the start and those chunks are skipped`,
      );
    await control.query(`USE ${qdb}`);

    // 3. Session settings of the dump, replayed in order on every connection before its next chunk.
    const sets: string[] = [];
    // A long load leaves the control connection idle for hours: keep the server from closing it.
    const sessionSetup = [
      'SET NAMES utf8mb4',
      'SET SESSION foreign_key_checks = 0, unique_checks = 0, wait_timeout = 86400',
    ];
    for (const sql of sessionSetup) await control.query(sql);
    const tables = new Map<string, TableState>();
    const tableOf = (name: string) => {
      let t = tables.get(name);
      if (!t)
        tables.set(
          name,
          (t = { chunks: 0, expectedRows: 0, appliedRows: 0, bytes: 0, ms: 0, uncounted: false }),
        );
      return t;
    };
    let chunksApplied = 0;
    let chunksLoadData = 0;
    let chunksSkipped = 0;

    // Rows go as LOAD DATA LOCAL (the same bytes, without the server's SQL parser: it measured about
    // half the server CPU of the INSERT) when the values are plain and the server allows it.
    let loadDataEnabled = options.loadData ?? true;
    const disableLoadData = (why: string) => {
      if (!loadDataEnabled) return;
      loadDataEnabled = false;
      note(`rows are loaded as INSERT statements: the server refused LOAD DATA LOCAL (${why})`);
    };
    const loaderConnection = async () => {
      const conn = await connect(db, true);
      closers.push(conn);
      for (const sql of sessionSetup) await conn.query(sql);
      return conn;
    };
    let reconnects = 0;
    const workers: Promise<void>[] = [];
    for (let w = 0; w < parallel; w++) {
      let conn = await loaderConnection();
      workers.push(
        (async () => {
          let replayed = 0;
          let session: LoadDataSession | undefined;
          for (;;) {
            const job = await pool.take();
            if (!job) return;
            try {
              const t0 = Date.now();
              let result: ResultSetHeader | undefined;
              let viaInsert = !job.loadData || !loadDataEnabled;
              // A deadlock or lock wait between two connections rolls the chunk back: try it again.
              for (let attempt = 1; !result; attempt++) {
                try {
                  if (replayed < job.setVersion) {
                    for (; replayed < job.setVersion; replayed++) await conn.query(sets[replayed]!);
                    session = undefined;
                  }
                  await conn.query('BEGIN');
                  let inserted: ResultSetHeader;
                  if (!viaInsert) {
                    session ??= await loadDataSession(conn);
                    const { rowsAt, columns } = job.loadData!;
                    const sent = loadRows(conn, job.table, columns, job.sql.subarray(rowsAt), session);
                    crashPoint('mid-chunk', conn); // the statement and rows are on the wire, nothing committed
                    const loaded = await sent;
                    if (loaded.header === undefined) {
                      disableLoadData(loaded.refused);
                      await conn.query('ROLLBACK');
                      viaInsert = true;
                      continue;
                    }
                    if (loaded.header.warningStatus > 0 || loaded.header.affectedRows !== job.rows) {
                      // Not read exactly as its INSERT would be: the INSERT decides (and errs as it would).
                      note(
                        'a chunk LOAD DATA read with warnings or a different row count was loaded again as its INSERT',
                      );
                      await conn.query('ROLLBACK');
                      viaInsert = true;
                      continue;
                    }
                    inserted = loaded.header;
                  } else {
                    const insert = conn.query(job.sql.toString('latin1'));
                    crashPoint('mid-chunk', conn); // the INSERT is on the wire, nothing committed
                    [inserted] = (await insert) as [ResultSetHeader, unknown];
                  }
                  crashPoint('chunk-inserted');
                  await conn.query(checkpointSql(job.table, job.index, inserted.affectedRows, job.crc));
                  const commit = conn.query('COMMIT');
                  crashPoint('commit-sent', conn); // the answer not read: the chunk may or may not be in
                  await commit;
                  result = inserted;
                } catch (err) {
                  if (lostConnection(err) && reconnects < MAX_RECONNECTS) {
                    // A new connection; once the server has ended the lost session (it finishes what
                    // was on the wire: a COMMIT sent still commits), the checkpoint says whether the
                    // chunk is in. If not, it is loaded again; either way exactly once.
                    reconnects++;
                    const lostId = conn.threadId;
                    conn.destroy();
                    log.warning(
                      `loading connection ${lostId} was lost during chunk ${job.index} of ${wireToText(job.table)} ` +
                        `(${sqlMessage(err, secrets)}); reconnecting (${reconnects} of ${MAX_RECONNECTS})`,
                    );
                    conn = await loaderConnection();
                    session = undefined;
                    replayed = 0;
                    const waitMs = options.busyWaitMs ?? 60_000;
                    if ((await sessionsLeft(conn, `ID = ${Number(lostId)}`, waitMs)).length)
                      throw new RestoreError(
                        `the lost loading session ${lostId} is still on the server after ${waitMs / 1000} s`,
                      );
                    const rows = await committedChunk(conn, job.table, job.index);
                    if (rows !== undefined) result = { affectedRows: rows } as ResultSetHeader;
                    continue;
                  }
                  const code = (err as { code?: string }).code;
                  if (attempt >= 5 || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT'))
                    throw err;
                  await conn.query('ROLLBACK');
                  log.info(
                    `chunk ${job.index} of ${wireToText(job.table)}: ${code}, trying again (${attempt})`,
                  );
                }
              }
              const t = tableOf(job.table);
              t.appliedRows += result.affectedRows;
              t.ms += Date.now() - t0;
              chunksApplied++;
              if (!viaInsert) chunksLoadData++;
              progress.rowsApplied(result.affectedRows);
            } catch (err) {
              pool.fail(
                new RestoreError(
                  `loading rows of \`${wireToText(job.table)}\` (chunk ${job.index}, from the INSERT at dump byte ` +
                    `${job.offset}) failed: ${sqlMessage(err, secrets)}`,
                ),
              );
              return;
            } finally {
              pool.done(job);
            }
          }
        })(),
      );
    }

    // 4. The stream: statements in order, rows batched into chunks of one table.
    let pending:
      | {
          table: string;
          prefix: Buffer;
          parts: Buffer[];
          bytes: number;
          rows: number;
          offset: number;
          plain: boolean;
        }
      | undefined;
    const comma = Buffer.from(',');
    const flush = async () => {
      const p = pending;
      if (!p) return;
      pending = undefined;
      const t = tableOf(p.table);
      const index = t.chunks++;
      const parts: Buffer[] = [p.prefix];
      p.parts.forEach((b, i) => {
        if (i > 0) parts.push(comma);
        parts.push(b);
      });
      const sql = Buffer.concat(parts);
      const crc = crc32(sql);
      t.expectedRows += p.rows;
      t.bytes += sql.length;
      const done = checkpoints.get(p.table)?.get(index);
      if (done) {
        if (done.crc !== crc)
          throw new ConfigurationError(
            `chunk ${index} of table \`${wireToText(p.table)}\` differs from the one the interrupted restore ` +
              `loaded: this is not the same dump; restore with if-exists: drop`,
          );
        t.appliedRows += done.rows;
        chunksSkipped++;
        return;
      }
      const columns = p.plain ? loadDataColumns(p.prefix) : undefined;
      await pool.submit({
        table: p.table,
        index,
        sql,
        rows: p.rows,
        crc,
        offset: p.offset,
        setVersion: sets.length,
        ...(columns !== undefined ? { loadData: { rowsAt: p.prefix.length, columns } } : {}),
      });
    };
    const addRows = async (piece: DumpRows) => {
      if (!/^INSERT\s+INTO/i.test(piece.prefix.subarray(0, 16).toString('latin1')))
        tableOf(piece.table).uncounted = true;
      if (
        pending &&
        (pending.table !== piece.table ||
          !pending.prefix.equals(piece.prefix) ||
          pending.bytes + piece.rows.length + 1 > chunkBytes)
      )
        await flush();
      reached(piece.table);
      if (!pending)
        pending = {
          table: piece.table,
          prefix: piece.prefix,
          parts: [],
          bytes: piece.prefix.length,
          rows: 0,
          offset: piece.offset,
          plain: true,
        };
      pending.plain &&= piece.plain;
      pending.parts.push(piece.rows);
      pending.bytes += piece.rows.length + 1;
      pending.rows += piece.rowCount;
    };

    interface PostData {
      sql: string;
      offset: number;
      setVersion: number;
      trigger?: string;
    }
    const postData: PostData[] = [];
    /** Secondary indexes held back until the rows are in (deferIndexes), by table. */
    const deferredKeys = new Map<string, string[]>();
    const createdTables: string[] = [];
    // 4a. Held-back secondary indexes are built as soon as a table's rows are in, beside the loading.
    const indexes = new IndexBuilder({
      connect: async () => {
        const conn = await connect(db);
        closers.push(conn);
        for (const sql of sessionSetup) await conn.query(sql);
        return conn;
      },
      connections: Math.max(1, parallel),
      database: db,
      onStatementSent: () => crashPoint('mid-index'),
      failed: (table, err) =>
        new RestoreError(`adding the indexes of ${wireToText(table)} failed: ${sqlMessage(err, secrets)}`),
    });
    /** The table the stream is at (its DDL or its rows); tables before it have all their rows sent. */
    let currentTable: string | undefined;
    const complete = new Set<string>();
    const indexWaits: Promise<void>[] = [];
    const tableComplete = (table: string) => {
      if (complete.has(table)) return;
      complete.add(table);
      const keys = deferredKeys.get(table);
      if (!keys) return;
      indexWaits.push(
        pool.tableDone(table).then(
          () => indexes.add(table, keys, tableOf(table).bytes),
          () => undefined, // the pool failed: the restore reports that error
        ),
      );
    };
    /** The stream reached `table` (its DDL or its rows): the table before it is complete. */
    const reached = (table: string) => {
      if (currentTable !== undefined && currentTable !== table) tableComplete(currentTable);
      currentTable = table;
    };

    const runControl = async (sql: string, offset: number) => {
      const q = control.query(sql);
      crashPoint(/^\s*(?:\/\*!\d+\s*)?SET\b/i.test(sql) ? 'set' : 'mid-ddl'); // the statement is on the wire
      try {
        await q;
      } catch (err) {
        throw new RestoreError(
          `the statement at dump byte ${offset} (${preview(sql)}) failed: ${sqlMessage(err, secrets)}`,
        );
      }
    };

    const onStatement = async (sql: Buffer, offset: number) => {
      await flush();
      const kind = classifyStatement(sql);
      switch (kind.kind) {
        case 'set': {
          const text = sql.toString('latin1');
          sets.push(text);
          await runControl(text, offset);
          return;
        }
        case 'skip':
          note(`skipped: ${kind.reason}`);
          return;
        case 'table-ddl': {
          reached(kind.table);
          if (CHECKPOINT_TABLES.includes(kind.table))
            throw new ConfigurationError(
              `the dump has a table named ${kind.table}, which the restore uses for its checkpoints`,
            );
          let text = mapCollations(sql.toString('latin1'), collations);
          if (kind.create) {
            tableOf(kind.table).autoIncrement = autoIncrementOf(text);
            if (deferIndexes) {
              const split = splitSecondaryKeys(text);
              text = split.sql;
              if (split.keys.length) deferredKeys.set(kind.table, split.keys);
            }
          }
          if (checkpoints.has(kind.table)) return; // rows of it are in: its DDL ran in the interrupted run
          if (kind.create) {
            const engine = mapEngine(text);
            if (engine.changed)
              note('MyISAM/Aria tables are created as InnoDB, so that their loading can be resumed exactly');
            text = engine.sql;
            createdTables.push(kind.table);
            if (resumed) await runControl(`DROP TABLE IF EXISTS ${quoteIdentifier(kind.table)}`, offset);
          }
          await runControl(text, offset);
          return;
        }
        case 'post-data': {
          let text = rewriteDefiner(mapCollations(sql.toString('latin1'), collations), definer);
          if (text !== sql.toString('latin1') && /DEFINER/i.test(sql.subarray(0, 400).toString('latin1')))
            note(
              definer === 'rewrite'
                ? 'DEFINER clauses are rewritten to CURRENT_USER (the restoring user)'
                : 'DEFINER clauses are dropped',
            );
          text = text.trim();
          postData.push({
            sql: text,
            offset,
            setVersion: sets.length,
            ...(kind.trigger ? { trigger: kind.trigger } : {}),
          });
          return;
        }
        case 'other':
          await pool.drain();
          await runControl(mapCollations(sql.toString('latin1'), collations), offset);
          return;
      }
    };

    const splitter = new DumpSplitter({ rowGroupBytes: chunkBytes });
    let sqlBytes = 0;
    const handle = async (pieces: DumpPiece[]) => {
      for (const piece of pieces) {
        if (pool.error) throw pool.error;
        if (indexes.error) throw indexes.error;
        if (piece.kind === 'rows') await addRows(piece);
        else await onStatement(piece.sql, piece.offset);
      }
    };
    progress.start(() => sqlBytes);
    await log.group(`loading ${source.name} into ${db}`, async () => {
      try {
        sqlBytes += head.length;
        await handle(splitter.push(head));
        if (!streamDone) {
          for (;;) {
            const next = await stream.next();
            if (next.done) break;
            sqlBytes += next.value.length;
            await handle(splitter.push(next.value));
          }
        }
        await handle(splitter.end());
        await flush();
      } catch (err) {
        pool.fail(err instanceof Error ? err : new Error(String(err)));
        indexes.abort();
        await Promise.allSettled(workers);
        if (err instanceof DumpFormatError)
          throw new RestoreError(`${err.message}; chunks loaded so far are kept for if-exists: resume`);
        throw err;
      }
      pool.close();
      await Promise.all(workers);
      if (pool.error) {
        indexes.abort();
        throw pool.error;
      }
    });
    progress.stop();

    // 4b. The last table's indexes, and the builds still running.
    if (deferredKeys.size) {
      await log.group(`secondary indexes of ${deferredKeys.size} table(s)`, async () => {
        for (const table of deferredKeys.keys()) tableComplete(table);
        await Promise.all(indexWaits);
        await indexes.finish();
        log.info(
          `${indexes.tablesAltered} table(s) given their indexes in ${indexes.seconds.toFixed(1)} s, ` +
            'each as soon as its rows were in',
        );
      });
    }

    // 5. Views, triggers, routines — after every row, so triggers do not fire on restored rows.
    if (postData.length) {
      await log.group(`views, triggers and routines (${postData.length} statements)`, async () => {
        const conn = await connect(db);
        closers.push(conn);
        for (const sql of sessionSetup) await conn.query(sql);
        let replayed = 0;
        for (const item of postData) {
          for (; replayed < item.setVersion; replayed++) await conn.query(sets[replayed]!);
          try {
            // CREATE TRIGGER has no OR REPLACE in mysqldump output; dropping first makes a resume safe.
            if (item.trigger) await conn.query(`DROP TRIGGER IF EXISTS ${quoteIdentifier(item.trigger)}`);
            const q = conn.query(item.sql);
            crashPoint('post-data');
            await q;
          } catch (err) {
            throw new RestoreError(
              `the statement at dump byte ${item.offset} (${preview(item.sql)}) failed: ${sqlMessage(err, secrets)}`,
            );
          }
        }
      });
    }

    // 6. Verification: every table of the dump is there, and holds the rows the dump has for it.
    const [present] = (await control.query(
      'SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [db],
    )) as unknown as [{ n: string }[]];
    const existing = new Set(present.map((r) => Buffer.from(r.n, 'utf8').toString('latin1')));
    const missing = createdTables.filter((t) => !existing.has(t) && !checkpoints.has(t));
    const allTables = [...new Set([...createdTables, ...checkpoints.keys()])];
    const missingAll = allTables.filter((t) => !existing.has(t));
    if (missing.length || missingAll.length)
      throw new RestoreError(
        `verification failed: table(s) of the dump missing after the restore: ${[...new Set([...missing, ...missingAll])].map(wireToText).join(', ')}`,
      );
    const wrong = [...tables.entries()].filter(([, t]) => !t.uncounted && t.expectedRows !== t.appliedRows);
    if (wrong.length)
      throw new RestoreError(
        'verification failed: rows loaded differ from rows in the dump: ' +
          wrong
            .map(([n, t]) => `${wireToText(n)} (dump ${t.expectedRows}, loaded ${t.appliedRows})`)
            .join(', '),
      );
    crashPoint('verified');
    // A chunk rolled back by the crash may have moved an AUTO_INCREMENT counter: put it where a
    // clean restore leaves it (InnoDB never sets it below the largest key + 1).
    if (resumed)
      for (const [name, t] of tables)
        if (t.autoIncrement !== undefined && existing.has(name))
          await control.query(`ALTER TABLE ${quoteIdentifier(name)} AUTO_INCREMENT = ${t.autoIncrement}`);

    // 7. Accounts, grants, the site's own fix-ups.
    if (options.appUser) {
      const a = options.appUser.account;
      await runAdmin(
        control,
        `CREATE USER IF NOT EXISTS ${account(a)} IDENTIFIED BY ?`,
        [options.appUser.password],
        secrets,
        `creating the app user ${a.name}`,
      );
      await runAdmin(
        control,
        `GRANT ALL PRIVILEGES ON ${quoteIdentifier(grantSchema(db))}.* TO ${account(a)}`,
        [],
        secrets,
        `granting ${a.name} on ${db}`,
      );
    }
    for (const ro of options.readonlyUsers ?? [])
      await runAdmin(
        control,
        `GRANT SELECT, SHOW VIEW ON ${quoteIdentifier(grantSchema(db))}.* TO ${account(ro)}`,
        [],
        secrets,
        `granting read-only ${ro.name}@${ro.host} on ${db} (the account must exist)`,
      );
    const [[done]] = (await control.query(
      `SELECT v FROM \`${STATE_TABLE}\` WHERE k = 'post-restore'`,
    )) as unknown as [[{ v: string }?]];
    if (!done) {
      if (options.postRestoreSql?.trim()) {
        const statements = splitScript(options.postRestoreSql);
        for (const s of statements) {
          try {
            await control.query(s);
          } catch (err) {
            throw new RestoreError(`post-restore SQL ${preview(s)} failed: ${sqlMessage(err, secrets)}`);
          }
        }
        log.info(`post-restore SQL: ${statements.length} statement(s) run`);
      }
      if (options.hidePorticoBlock) {
        try {
          const [r] = (await control.query(
            `UPDATE mdl_block SET visible = 0 WHERE name = 'portico_enrolments'`,
          )) as unknown as [ResultSetHeader];
          log.info(`without MIM: portico_enrolments block hidden (${r.affectedRows} row(s) changed)`);
        } catch (err) {
          log.warning(
            `without MIM: could not hide the portico_enrolments block: ${sqlMessage(err, secrets)}`,
          );
        }
      }
      await control.query(`REPLACE INTO \`${STATE_TABLE}\` (k, v) VALUES ('post-restore', 'done')`);
    }
    crashPoint('before-cleanup');
    for (const t of CHECKPOINT_TABLES) await control.query(`DROP TABLE IF EXISTS \`${t}\``);

    const stats: TableStat[] = [...tables.entries()].map(([name, t]) => ({
      table: wireToText(name),
      rows: t.expectedRows,
      bytes: t.bytes,
      seconds: t.ms / 1000,
    }));
    const result: RestoreResult = {
      database: db,
      source: source.name,
      tables: allTables.length,
      rows: stats.reduce((n, t) => n + t.rows, 0),
      bytes: sqlBytes,
      compressedBytes: source.bytesRead,
      seconds: (Date.now() - started) / 1000,
      resumed,
      chunks: chunksApplied + chunksSkipped,
      skippedChunks: chunksSkipped,
      loadDataChunks: chunksLoadData,
      indexedTables: indexes.tablesAltered,
      waits: { reader: pool.readerWaitMs / 1000, connections: pool.loaderWaitMs / 1000 },
      views: postData.filter(
        (p) =>
          /\bVIEW\b/i.test(statementHead(Buffer.from(p.sql, 'latin1'), 300)) &&
          /^CREATE/i.test(statementHead(Buffer.from(p.sql, 'latin1'), 20)),
      ).length,
      postDataStatements: postData.length,
      notes: [...notes],
      slowest: stats.sort((a, b) => b.seconds - a.seconds).slice(0, 10),
    };
    log.info(
      `restored ${db}: ${result.tables} tables, ${result.rows} rows, ${(result.bytes / 1e6).toFixed(1)} MB of SQL ` +
        `in ${result.seconds.toFixed(1)} s${resumed ? ` (resumed: ${chunksSkipped} chunk(s) skipped)` : ''}; ` +
        `${chunksLoadData} of ${chunksApplied} chunk(s) as LOAD DATA; the reader waited ${result.waits.reader.toFixed(1)} s ` +
        `for the connections, the connections ${result.waits.connections.toFixed(1)} s for the reader`,
    );
    return result;
  } finally {
    progress.stop();
    pool.fail(new Error('restore ended'));
    await stream.return?.(undefined).catch(() => undefined);
    source.close();
    for (const c of closers) c.destroy();
  }
}

async function runAdmin(
  conn: Connection,
  sql: string,
  values: unknown[],
  secrets: readonly string[],
  what: string,
) {
  try {
    // Values travel as raw UTF-8 bytes, like everything else on these latin1-encoded connections.
    await conn.query(
      sql,
      values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8').toString('latin1') : v)),
    );
  } catch (err) {
    throw new RestoreError(`${what} failed: ${sqlMessage(err, secrets)}`);
  }
}

/** Statements of a small script (post-restore SQL), split the way the dump is. */
export function splitScript(sql: string): string[] {
  const splitter = new DumpSplitter();
  const pieces = [...splitter.push(Buffer.from(sql, 'utf8')), ...splitter.end(true)];
  return pieces.map((p) =>
    p.kind === 'statement' ? p.sql.toString('latin1') : Buffer.concat([p.prefix, p.rows]).toString('latin1'),
  );
}

function checkLooksLikeSql(head: Buffer, source: DumpSource): void {
  if (head.length === 0) throw new ConfigurationError(`the dump ${source.name} is empty`);
  // mysqldump escapes NUL inside strings (\0), so a raw NUL byte means this is not a SQL dump.
  const nul = head.subarray(0, 65536).indexOf(0);
  if (nul >= 0)
    throw new ConfigurationError(
      `${source.name} is not a SQL dump: binary data at byte ${nul} of the decompressed stream ` +
        `(expected mysqldump output, plain or gzip/zstd-compressed)`,
    );
  const splitter = new DumpSplitter();
  let first: DumpPiece | undefined;
  try {
    first = splitter.push(head)[0];
  } catch (err) {
    if (err instanceof DumpFormatError) throw new ConfigurationError(err.message);
    throw err;
  }
  if (!first) {
    try {
      first = splitter.end()[0];
    } catch (err) {
      if (err instanceof DumpFormatError) throw new ConfigurationError(err.message);
      throw err;
    }
  }
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
