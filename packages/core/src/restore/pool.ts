// ChunkPool: the bounded hand-over between the dump reader and the N loading connections. The
// reader waits when the queued bytes reach the limit, so memory does not grow with the dump. By
// default any free connection takes the next chunk, so the table holding most rows is loaded by every
// connection at once; with spreadTables false a table's chunks go one at a time, in dump order (on a
// shared 2-core machine the two modes measured the same server CPU per dump, within the noise).

export interface ChunkJob {
  table: string;
  index: number;
  sql: Buffer;
  rows: number;
  crc: number;
  offset: number;
  /** How many session SET statements of the dump precede this chunk. */
  setVersion: number;
  /**
   * When LOAD DATA can read the rows as they are: the byte where they start in `sql` and the column
   * list (`(`a`,`b`)` or empty). Absent: the chunk goes as its INSERT.
   */
  loadData?: { rowsAt: number; columns: string };
}

export class ChunkPool {
  private queue: ChunkJob[] = [];
  private queued = 0;
  private inFlight = 0;
  private readonly busy = new Set<string>();
  private closed = false;
  private failure: Error | undefined;
  private spaceWaiters: (() => void)[] = [];
  private jobWaiters: ((job: ChunkJob | null) => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Chunks submitted and not yet done, by table, and who waits for a table to have none. */
  private readonly perTable = new Map<string, number>();
  private readonly tableWaiters = new Map<string, (() => void)[]>();

  /** Milliseconds the reader waited for room (the connections were behind). */
  readerWaitMs = 0;
  /** Milliseconds connections waited for a chunk, summed (the reader was behind). */
  loaderWaitMs = 0;

  constructor(
    private readonly limitBytes: number,
    /** Let several connections load chunks of the same table at once. */
    private readonly spreadTables = false,
  ) {}

  get error(): Error | undefined {
    return this.failure;
  }

  async submit(job: ChunkJob): Promise<void> {
    if (!this.failure && this.queued > 0 && this.queued + job.sql.length > this.limitBytes) {
      const t0 = Date.now();
      while (!this.failure && this.queued > 0 && this.queued + job.sql.length > this.limitBytes)
        await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
      this.readerWaitMs += Date.now() - t0;
    }
    if (this.failure) throw this.failure;
    this.inFlight++;
    this.perTable.set(job.table, (this.perTable.get(job.table) ?? 0) + 1);
    this.queue.push(job);
    this.queued += job.sql.length;
    this.dispatch();
  }

  /** The next job for a connection; null once the pool is closed and empty, or has failed. */
  take(): Promise<ChunkJob | null> {
    if (this.failure) return Promise.resolve(null);
    const job = this.next();
    if (job) return Promise.resolve(job);
    if (this.closed && this.queue.length === 0) return Promise.resolve(null);
    const t0 = Date.now();
    return new Promise((resolve) =>
      this.jobWaiters.push((job) => {
        if (job) this.loaderWaitMs += Date.now() - t0;
        resolve(job);
      }),
    );
  }

  /** A connection finished a job it took. */
  done(job: ChunkJob): void {
    this.busy.delete(job.table);
    this.inFlight--;
    const left = (this.perTable.get(job.table) ?? 1) - 1;
    if (left > 0) this.perTable.set(job.table, left);
    else {
      this.perTable.delete(job.table);
      this.wake(this.tableWaiters.get(job.table) ?? []);
      this.tableWaiters.delete(job.table);
    }
    if (this.inFlight === 0) this.wake(this.idleWaiters);
    this.dispatch();
  }

  /** Every submitted job has been applied (or the pool failed). */
  async drain(): Promise<void> {
    while (this.inFlight > 0 && !this.failure)
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  /** Every chunk submitted so far for `table` has been applied (or the pool failed). */
  async tableDone(table: string): Promise<void> {
    while (!this.failure && (this.perTable.get(table) ?? 0) > 0) {
      const list = this.tableWaiters.get(table) ?? [];
      this.tableWaiters.set(table, list);
      await new Promise<void>((resolve) => list.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  close(): void {
    this.closed = true;
    this.dispatch();
  }

  fail(err: Error): void {
    this.failure ??= err;
    this.queue = [];
    this.queued = 0;
    this.wake(this.spaceWaiters);
    this.wake(this.idleWaiters);
    for (const list of this.tableWaiters.values()) this.wake(list);
    this.tableWaiters.clear();
    this.closed = true;
    for (const w of this.jobWaiters.splice(0)) w(null);
  }

  /** The first queued job whose table no connection is loading; marks that table busy. */
  private next(): ChunkJob | undefined {
    const at = this.spreadTables ? 0 : this.queue.findIndex((j) => !this.busy.has(j.table));
    if (at === 0 && this.queue.length === 0) return undefined;
    if (at < 0) return undefined;
    const [job] = this.queue.splice(at, 1);
    this.busy.add(job!.table);
    this.queued -= job!.sql.length;
    this.wake(this.spaceWaiters);
    return job;
  }

  private dispatch(): void {
    while (this.jobWaiters.length) {
      const job = this.next();
      if (!job) break;
      this.jobWaiters.shift()!(job);
    }
    if (this.closed && this.queue.length === 0) for (const w of this.jobWaiters.splice(0)) w(null);
  }

  private wake(list: (() => void)[]): void {
    for (const w of list.splice(0)) w();
  }
}
