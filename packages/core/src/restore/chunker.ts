// The row chunker: consecutive row groups of one table (same INSERT prefix) joined into one chunk of
// at most chunkBytes — one INSERT, one transaction, one checkpoint — and handed to the pool. On a
// resume, a chunk its checkpoint says is in is skipped after its CRC proves it is the same bytes.
import { crc32 } from 'node:zlib';
import { ConfigurationError } from '../errors.js';
import type { CheckpointMap } from './checkpoint.js';
import { loadDataColumns } from './load-data.js';
import type { ChunkPool } from './pool.js';
import type { DumpRows } from './splitter.js';
import { wireToText } from './statements.js';
import type { TableLedger } from './tables.js';

export interface RowChunkerOptions {
  pool: ChunkPool;
  tables: TableLedger;
  /** Chunks the interrupted run committed (empty for a fresh restore). */
  checkpoints: CheckpointMap;
  chunkBytes: number;
  /** The dump's session SETs so far: a chunk records how many precede it. */
  sets: readonly string[];
  /** The stream reached this table's rows (the deferred indexes follow the dump's table order). */
  reached: (table: string) => void;
}

interface PendingChunk {
  table: string;
  prefix: Buffer;
  parts: Buffer[];
  bytes: number;
  rows: number;
  offset: number;
  /** Every row group's values are plain: LOAD DATA can read them. */
  plain: boolean;
}

const COMMA = Buffer.from(',');

/** The chunk's statement: its prefix, then the row groups joined by commas. */
export function chunkSql(prefix: Buffer, parts: readonly Buffer[]): Buffer {
  const all: Buffer[] = [prefix];
  parts.forEach((b, i) => {
    if (i > 0) all.push(COMMA);
    all.push(b);
  });
  return Buffer.concat(all);
}

export class RowChunker {
  /** Chunks skipped because the interrupted run committed them. */
  skipped = 0;
  private pending: PendingChunk | undefined;

  constructor(private readonly o: RowChunkerOptions) {}

  async add(piece: DumpRows): Promise<void> {
    if (!/^INSERT\s+INTO/i.test(piece.prefix.subarray(0, 16).toString('latin1')))
      this.o.tables.of(piece.table).uncounted = true;
    const p = this.pending;
    if (
      p &&
      (p.table !== piece.table ||
        !p.prefix.equals(piece.prefix) ||
        p.bytes + piece.rows.length + 1 > this.o.chunkBytes)
    )
      await this.flush();
    this.o.reached(piece.table);
    this.pending ??= {
      table: piece.table,
      prefix: piece.prefix,
      parts: [],
      bytes: piece.prefix.length,
      rows: 0,
      offset: piece.offset,
      plain: true,
    };
    const chunk = this.pending;
    chunk.plain &&= piece.plain;
    chunk.parts.push(piece.rows);
    chunk.bytes += piece.rows.length + 1;
    chunk.rows += piece.rowCount;
  }

  /** Hands the chunk being gathered to the pool (or skips it when it is already in). */
  async flush(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const t = this.o.tables.of(p.table);
    const index = t.chunks++;
    const sql = chunkSql(p.prefix, p.parts);
    const crc = crc32(sql);
    t.expectedRows += p.rows;
    t.bytes += sql.length;
    const done = this.o.checkpoints.get(p.table)?.get(index);
    if (done) {
      if (done.crc !== crc)
        throw new ConfigurationError(
          `chunk ${index} of table \`${wireToText(p.table)}\` differs from the one the interrupted restore ` +
            `loaded: this is not the same dump; restore with if-exists: drop`,
        );
      t.appliedRows += done.rows;
      this.skipped++;
      return;
    }
    const columns = p.plain ? loadDataColumns(p.prefix) : undefined;
    await this.o.pool.submit({
      table: p.table,
      index,
      sql,
      rows: p.rows,
      crc,
      offset: p.offset,
      setVersion: this.o.sets.length,
      ...(columns !== undefined ? { loadData: { rowsAt: p.prefix.length, columns } } : {}),
    });
  }
}
