// The statement router: every statement of the dump that is not rows goes one of five ways, in dump
// order. Session SETs run on the control connection and are kept for the loading connections to
// replay; table DDL runs there (collations mapped, MyISAM made InnoDB, secondary indexes held back,
// skipped for a table whose rows a resumed run already has); views, triggers and routines wait for
// every row; anything else waits for the chunks before it and then runs.
import type { Connection } from 'mysql2/promise';
import { ConfigurationError } from '../errors.js';
import { quoteIdentifier } from '../db/provision-sql.js';
import { CHECKPOINT_TABLES, type CheckpointMap } from './checkpoint.js';
import type { RowChunker } from './chunker.js';
import type { CrashPointReporter } from './crash-points.js';
import type { DeferredIndexes } from './deferred-indexes.js';
import { RestoreError, preview, sqlMessage, type Notes } from './messages.js';
import type { ChunkPool } from './pool.js';
import {
  autoIncrementOf,
  classifyStatement,
  mapCollations,
  mapEngine,
  rewriteDefiner,
  splitSecondaryKeys,
  type DefinerMode,
} from './statements.js';
import type { TableLedger } from './tables.js';

/** A view, trigger or routine, run after every row is in. */
export interface PostData {
  sql: string;
  offset: number;
  /** How many session SETs of the dump precede it. */
  setVersion: number;
  trigger?: string;
}

export interface StatementRouterOptions {
  control: Connection;
  pool: ChunkPool;
  chunker: RowChunker;
  deferred: DeferredIndexes;
  tables: TableLedger;
  /** The dump's session SETs: the router appends, the loaders replay. */
  sets: string[];
  checkpoints: CheckpointMap;
  resumed: boolean;
  deferIndexes: boolean;
  collations: ReadonlyMap<string, string>;
  definer: DefinerMode;
  notes: Notes;
  crashPoint: CrashPointReporter;
  secrets: readonly string[];
}

export class StatementRouter {
  readonly postData: PostData[] = [];
  /** Tables whose CREATE TABLE this run executed. */
  readonly createdTables: string[] = [];

  constructor(private readonly o: StatementRouterOptions) {}

  async route(sql: Buffer, offset: number): Promise<void> {
    await this.o.chunker.flush();
    const kind = classifyStatement(sql);
    switch (kind.kind) {
      case 'set': {
        const text = sql.toString('latin1');
        this.o.sets.push(text);
        await this.runControl(text, offset);
        return;
      }
      case 'skip':
        this.o.notes.add(`skipped: ${kind.reason}`);
        return;
      case 'table-ddl':
        await this.tableDdl(sql, offset, kind.table, kind.create);
        return;
      case 'post-data':
        this.holdPostData(sql, offset, kind.trigger);
        return;
      case 'other':
        await this.o.pool.drain();
        await this.runControl(mapCollations(sql.toString('latin1'), this.o.collations), offset);
        return;
    }
  }

  private async tableDdl(sql: Buffer, offset: number, table: string, create: boolean): Promise<void> {
    const { o } = this;
    o.deferred.reached(table);
    if (CHECKPOINT_TABLES.includes(table))
      throw new ConfigurationError(
        `the dump has a table named ${table}, which the restore uses for its checkpoints`,
      );
    let text = mapCollations(sql.toString('latin1'), o.collations);
    if (create) {
      o.tables.of(table).autoIncrement = autoIncrementOf(text);
      if (o.deferIndexes) {
        const split = splitSecondaryKeys(text);
        text = split.sql;
        if (split.keys.length) o.deferred.hold(table, split.keys);
      }
    }
    if (o.checkpoints.has(table)) return; // rows of it are in: its DDL ran in the interrupted run
    if (create) {
      const engine = mapEngine(text);
      if (engine.changed)
        o.notes.add('MyISAM/Aria tables are created as InnoDB, so that their loading can be resumed exactly');
      text = engine.sql;
      this.createdTables.push(table);
      if (o.resumed) await this.runControl(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`, offset);
    }
    await this.runControl(text, offset);
  }

  private holdPostData(sql: Buffer, offset: number, trigger: string | undefined): void {
    const original = sql.toString('latin1');
    const text = rewriteDefiner(mapCollations(original, this.o.collations), this.o.definer);
    if (text !== original && /DEFINER/i.test(sql.subarray(0, 400).toString('latin1')))
      this.o.notes.add(
        this.o.definer === 'rewrite'
          ? 'DEFINER clauses are rewritten to CURRENT_USER (the restoring user)'
          : 'DEFINER clauses are dropped',
      );
    this.postData.push({
      sql: text.trim(),
      offset,
      setVersion: this.o.sets.length,
      ...(trigger ? { trigger } : {}),
    });
  }

  private async runControl(sql: string, offset: number): Promise<void> {
    const q = this.o.control.query(sql);
    this.o.crashPoint(/^\s*(?:\/\*!\d+\s*)?SET\b/i.test(sql) ? 'set' : 'mid-ddl'); // the statement is on the wire
    try {
      await q;
    } catch (err) {
      throw new RestoreError(
        `the statement at dump byte ${offset} (${preview(sql)}) failed: ${sqlMessage(err, this.o.secrets)}`,
      );
    }
  }
}
