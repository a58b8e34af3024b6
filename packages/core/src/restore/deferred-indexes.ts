// When a table's held-back secondary indexes may be built: the dump holds a table's rows together,
// so once the stream reaches another table (or ends), the table before it has all its chunks sent;
// once the pool has committed them, its indexes go to the IndexBuilder, beside the loading.
import type { IndexBuilder } from './indexes.js';
import type { ChunkPool } from './pool.js';
import type { TableLedger } from './tables.js';

export class DeferredIndexes {
  /** Secondary indexes held back from each table's CREATE TABLE. */
  private readonly keys = new Map<string, string[]>();
  /** The table the stream is at (its DDL or its rows). */
  private current: string | undefined;
  private readonly complete = new Set<string>();
  private readonly waits: Promise<void>[] = [];

  constructor(
    private readonly builder: IndexBuilder,
    private readonly pool: ChunkPool,
    private readonly tables: TableLedger,
  ) {}

  get size(): number {
    return this.keys.size;
  }

  hold(table: string, keys: string[]): void {
    this.keys.set(table, keys);
  }

  /** The stream reached `table`: the table before it is complete. */
  reached(table: string): void {
    if (this.current !== undefined && this.current !== table) this.tableComplete(this.current);
    this.current = table;
  }

  /** The dump has ended: every table is complete; waits for every build. */
  async finish(): Promise<void> {
    for (const table of this.keys.keys()) this.tableComplete(table);
    await Promise.all(this.waits);
    await this.builder.finish();
  }

  private tableComplete(table: string): void {
    if (this.complete.has(table)) return;
    this.complete.add(table);
    const keys = this.keys.get(table);
    if (!keys) return;
    this.waits.push(
      this.pool.tableDone(table).then(
        () => this.builder.add(table, keys, this.tables.of(table).bytes),
        () => undefined, // the pool failed: the restore reports that error
      ),
    );
  }
}
