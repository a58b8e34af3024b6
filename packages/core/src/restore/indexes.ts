// IndexBuilder: the secondary indexes that deferIndexes held back, added to a table as soon as its
// rows are in (its last chunk committed), on connections of their own, while the loading connections
// go on with the tables after it. A table's indexes are one ALTER TABLE (one sorted build each); the
// biggest ready table goes first. Each ALTER adds only the indexes the table lacks, so a resume after a
// crash in the middle of one adds the rest.
import type { Connection } from 'mysql2/promise';
import { quoteIdentifier } from '../db/provision-sql.js';
import { keyName, wireToText } from './statements.js';

export interface IndexBuilderOptions {
  /** A new connection to the target database, session set up. */
  connect: () => Promise<Connection>;
  /** How many ALTERs may run at once. */
  connections: number;
  database: string;
  /** Called with the ALTER on the wire (the tests' crash points). */
  onStatementSent?: () => void;
  /** Turns a failure into the error the restore reports. */
  failed: (table: string, err: unknown) => Error;
}

interface Ready {
  table: string;
  keys: string[];
  bytes: number;
}

export class IndexBuilder {
  private readonly ready: Ready[] = [];
  private readonly workers: Promise<void>[] = [];
  private waiters: (() => void)[] = [];
  private closed = false;
  private failure: Error | undefined;
  /** Tables given indexes, and the wall time from the first ALTER to the last one's end. */
  tablesAltered = 0;
  private firstStart = 0;
  private lastEnd = 0;

  constructor(private readonly options: IndexBuilderOptions) {}

  get error(): Error | undefined {
    return this.failure;
  }

  /** Seconds between the first index build's start and the last one's end (0 if none ran). */
  get seconds(): number {
    return this.firstStart ? (this.lastEnd - this.firstStart) / 1000 : 0;
  }

  /** `table`'s rows are all in: its indexes can be built. */
  add(table: string, keys: string[], bytes: number): void {
    if (this.closed || this.failure) return;
    this.ready.push({ table, keys, bytes });
    // Connections are opened as tables become ready, up to the limit.
    if (this.workers.length < this.options.connections) this.workers.push(this.work());
    this.wake();
  }

  /** No table will be added any more: wait for the builds, and fail with the first error. */
  async finish(): Promise<void> {
    this.closed = true;
    this.wake();
    await Promise.all(this.workers);
    if (this.failure) throw this.failure;
  }

  /** Stop taking tables (the restore failed elsewhere); builds under way end with their statement. */
  abort(): void {
    this.closed = true;
    this.ready.length = 0;
    this.wake();
  }

  private async work(): Promise<void> {
    let conn: Connection | undefined;
    try {
      for (;;) {
        const next = await this.take();
        if (!next) return;
        conn ??= await this.options.connect();
        await this.build(conn, next);
      }
    } catch (err) {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
      this.abort();
    } finally {
      await conn?.end().catch(() => undefined);
    }
  }

  private async take(): Promise<Ready | undefined> {
    for (;;) {
      if (this.failure) return undefined;
      if (this.ready.length) {
        let at = 0;
        for (let i = 1; i < this.ready.length; i++) if (this.ready[i]!.bytes > this.ready[at]!.bytes) at = i;
        return this.ready.splice(at, 1)[0];
      }
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private async build(conn: Connection, { table, keys }: Ready): Promise<void> {
    try {
      const [have] = (await conn.query(
        'SELECT DISTINCT INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
        [this.options.database, wireToText(table)],
      )) as unknown as [{ n: string }[]];
      const present = new Set(have.map((r) => r.n));
      const missing = keys.filter((k) => !present.has(wireToText(keyName(k))));
      if (!missing.length) return;
      this.firstStart ||= Date.now();
      const q = conn.query(
        `ALTER TABLE ${quoteIdentifier(table)} ${missing.map((k) => `ADD ${k}`).join(', ')}`,
      );
      this.options.onStatementSent?.();
      await q;
      this.tablesAltered++;
      this.lastEnd = Date.now();
    } catch (err) {
      throw this.options.failed(table, err);
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
