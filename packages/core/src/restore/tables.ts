// The restore's account of each table of the dump: rows the dump has for it and rows loaded, its
// chunks, bytes and loading time. Verification and the result are read from it.
import type { TableStat } from './options.js';
import { wireToText } from './statements.js';

export interface TableState {
  chunks: number;
  expectedRows: number;
  appliedRows: number;
  bytes: number;
  ms: number;
  /** Rows came from INSERT IGNORE or REPLACE: affected rows do not equal the dump's rows. */
  uncounted: boolean;
  /** The AUTO_INCREMENT of its CREATE TABLE, put back after a resume. */
  autoIncrement?: number;
}

/** Tables by their name as the dump's bytes spell it (latin1 text of the wire bytes). */
export class TableLedger {
  readonly tables = new Map<string, TableState>();

  of(name: string): TableState {
    let t = this.tables.get(name);
    if (!t) {
      t = { chunks: 0, expectedRows: 0, appliedRows: 0, bytes: 0, ms: 0, uncounted: false };
      this.tables.set(name, t);
    }
    return t;
  }

  /** Counted tables whose loaded rows differ from the dump's. */
  miscounted(): [string, TableState][] {
    return [...this.tables.entries()].filter(([, t]) => !t.uncounted && t.expectedRows !== t.appliedRows);
  }

  stats(): TableStat[] {
    return [...this.tables.entries()].map(([name, t]) => ({
      table: wireToText(name),
      rows: t.expectedRows,
      bytes: t.bytes,
      seconds: t.ms / 1000,
    }));
  }
}
