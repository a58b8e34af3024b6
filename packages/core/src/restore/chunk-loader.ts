// The chunk loader: N loading connections, each taking the next chunk from the pool and committing
// it exactly once with its checkpoint in the same transaction. A chunk goes as LOAD DATA LOCAL when
// its values are plain (the same bytes without the server's SQL parser: about half the server CPU of
// the INSERT), else as its INSERT. A deadlock or lock wait is tried again; a lost connection is
// replaced and the checkpoint says whether the chunk made it in before the loss.
import type { Connection } from 'mysql2/promise';
import type { Logger } from '../logger.js';
import { checkpointSql, committedChunk } from './checkpoint.js';
import { lostConnection, type Connections } from './connections.js';
import type { CrashPointReporter } from './crash-points.js';
import { loadDataSession, loadRows, type LoadDataSession } from './load-data.js';
import { RestoreError, sqlMessage, type Notes } from './messages.js';
import type { ChunkJob, ChunkPool } from './pool.js';
import type { ProgressReporter } from './progress.js';
import { wireToText } from './statements.js';
import type { TableLedger } from './tables.js';
import { sessionsLeft } from './target.js';

/** Lost loading connections replaced in one run before the restore gives up (and can be resumed). */
export const MAX_RECONNECTS = 10;
/** Tries of one chunk that meets deadlocks or lock waits. */
const MAX_ATTEMPTS = 5;

export interface ChunkLoaderOptions {
  pool: ChunkPool;
  connections: Connections;
  database: string;
  /** The dump's session SETs so far; a chunk names how many of them precede it. */
  sets: readonly string[];
  tables: TableLedger;
  progress: ProgressReporter;
  crashPoint: CrashPointReporter;
  notes: Notes;
  log: Logger;
  secrets: readonly string[];
  /** How long a replaced connection waits for the lost session to leave the server. */
  busyWaitMs: number;
  /** Try LOAD DATA LOCAL for plain chunks (a server that refuses it turns it off for the run). */
  loadData: boolean;
}

/** One loading connection and what it has replayed of the dump's session. */
interface Worker {
  conn: Connection;
  replayed: number;
  session?: LoadDataSession;
}

export class ChunkLoader {
  /** Chunks committed by this run, and how many of them went as LOAD DATA. */
  applied = 0;
  viaLoadData = 0;
  private reconnects = 0;
  private loadDataEnabled: boolean;
  private readonly workers: Promise<void>[] = [];

  constructor(private readonly o: ChunkLoaderOptions) {
    this.loadDataEnabled = o.loadData;
  }

  /** Opens `parallel` loading connections, one after the other, each then working the pool. */
  async start(parallel: number): Promise<void> {
    for (let w = 0; w < parallel; w++) {
      const worker: Worker = { conn: await this.connection(), replayed: 0 };
      this.workers.push(this.work(worker));
    }
  }

  /** Every worker has ended (the pool closed or failed). */
  async finished(): Promise<void> {
    await Promise.all(this.workers);
  }

  async settled(): Promise<void> {
    await Promise.allSettled(this.workers);
  }

  private connection(): Promise<Connection> {
    return this.o.connections.open(this.o.database, { raw: true, setup: true });
  }

  private async work(worker: Worker): Promise<void> {
    const { pool } = this.o;
    for (;;) {
      const job = await pool.take();
      if (!job) return;
      try {
        const t0 = Date.now();
        const { rows, viaInsert } = await this.load(worker, job);
        const t = this.o.tables.of(job.table);
        t.appliedRows += rows;
        t.ms += Date.now() - t0;
        this.applied++;
        if (!viaInsert) this.viaLoadData++;
        this.o.progress.rowsApplied(rows);
      } catch (err) {
        pool.fail(
          new RestoreError(
            `loading rows of \`${wireToText(job.table)}\` (chunk ${job.index}, from the INSERT at dump byte ` +
              `${job.offset}) failed: ${sqlMessage(err, this.o.secrets)}`,
          ),
        );
        return;
      } finally {
        pool.done(job);
      }
    }
  }

  /** Loads one chunk, exactly once; resolves with the rows it put in. */
  private async load(worker: Worker, job: ChunkJob): Promise<{ rows: number; viaInsert: boolean }> {
    const { crashPoint } = this.o;
    let viaInsert = !job.loadData || !this.loadDataEnabled;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.replaySets(worker, job);
        await worker.conn.query('BEGIN');
        const rows = viaInsert ? await this.insert(worker, job) : await this.loadData(worker, job);
        if (rows === undefined) {
          viaInsert = true; // rolled back: the INSERT decides
          continue;
        }
        crashPoint('chunk-inserted');
        await worker.conn.query(checkpointSql(job.table, job.index, rows, job.crc));
        const commit = worker.conn.query('COMMIT');
        crashPoint('commit-sent', worker.conn); // the answer not read: the chunk may or may not be in
        await commit;
        return { rows, viaInsert };
      } catch (err) {
        if (lostConnection(err) && this.reconnects < MAX_RECONNECTS) {
          const rows = await this.replaceLost(worker, job, err);
          if (rows !== undefined) return { rows, viaInsert };
          continue;
        }
        const code = (err as { code?: string }).code;
        if (attempt >= MAX_ATTEMPTS || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT'))
          throw err;
        await worker.conn.query('ROLLBACK');
        this.o.log.info(`chunk ${job.index} of ${wireToText(job.table)}: ${code}, trying again (${attempt})`);
      }
    }
  }

  /** The dump's session SETs that precede the chunk, on this connection, once each. */
  private async replaySets(worker: Worker, job: ChunkJob): Promise<void> {
    if (worker.replayed >= job.setVersion) return;
    for (; worker.replayed < job.setVersion; worker.replayed++)
      await worker.conn.query(this.o.sets[worker.replayed]!);
    worker.session = undefined; // LOAD DATA's session reads the character set the SETs chose
  }

  private async insert(worker: Worker, job: ChunkJob): Promise<number> {
    const insert = worker.conn.query(job.sql.toString('latin1'));
    this.o.crashPoint('mid-chunk', worker.conn); // the INSERT is on the wire, nothing committed
    const [header] = (await insert) as [{ affectedRows: number }, unknown];
    return header.affectedRows;
  }

  /** The chunk's rows as LOAD DATA LOCAL; undefined when it was rolled back for its INSERT to decide. */
  private async loadData(worker: Worker, job: ChunkJob): Promise<number | undefined> {
    const { conn } = worker;
    worker.session ??= await loadDataSession(conn);
    const { rowsAt, columns } = job.loadData!;
    const sent = loadRows(conn, job.table, columns, job.sql.subarray(rowsAt), worker.session);
    this.o.crashPoint('mid-chunk', conn); // the statement and rows are on the wire, nothing committed
    const loaded = await sent;
    if (loaded.header === undefined) {
      this.disableLoadData(loaded.refused);
      await conn.query('ROLLBACK');
      return undefined;
    }
    if (loaded.header.warningStatus > 0 || loaded.header.affectedRows !== job.rows) {
      // Not read exactly as its INSERT would be: the INSERT decides (and errs as it would).
      this.o.notes.add(
        'a chunk LOAD DATA read with warnings or a different row count was loaded again as its INSERT',
      );
      await conn.query('ROLLBACK');
      return undefined;
    }
    return loaded.header.affectedRows;
  }

  private disableLoadData(why: string): void {
    if (!this.loadDataEnabled) return;
    this.loadDataEnabled = false;
    this.o.notes.add(`rows are loaded as INSERT statements: the server refused LOAD DATA LOCAL (${why})`);
  }

  /**
   * A new connection for a lost one. Once the server has ended the lost session (it finishes what
   * was on the wire: a COMMIT sent still commits), the checkpoint says whether the chunk is in:
   * its rows when it is, undefined when it must be loaded again. Either way exactly once.
   */
  private async replaceLost(worker: Worker, job: ChunkJob, err: unknown): Promise<number | undefined> {
    this.reconnects++;
    const lostId = worker.conn.threadId;
    worker.conn.destroy();
    this.o.log.warning(
      `loading connection ${lostId} was lost during chunk ${job.index} of ${wireToText(job.table)} ` +
        `(${sqlMessage(err, this.o.secrets)}); reconnecting (${this.reconnects} of ${MAX_RECONNECTS})`,
    );
    worker.conn = await this.connection();
    worker.session = undefined;
    worker.replayed = 0;
    const waitMs = this.o.busyWaitMs;
    if ((await sessionsLeft(worker.conn, `ID = ${Number(lostId)}`, waitMs)).length)
      throw new RestoreError(
        `the lost loading session ${lostId} is still on the server after ${waitMs / 1000} s`,
      );
    return committedChunk(worker.conn, job.table, job.index);
  }
}
