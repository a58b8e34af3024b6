// The loading stage: the dump streamed through the splitter once. Rows go to the chunker and the
// pool, where N connections load them; statements go to the router in dump order; held-back
// indexes are built as tables complete. Ends when every row is committed and every index built.
import type { Connection } from 'mysql2/promise';
import type { Logger } from '../logger.js';
import { ChunkLoader } from './chunk-loader.js';
import { RowChunker } from './chunker.js';
import type { Connections } from './connections.js';
import type { CrashPointReporter } from './crash-points.js';
import { DeferredIndexes } from './deferred-indexes.js';
import type { DumpHead } from './head.js';
import { IndexBuilder } from './indexes.js';
import { RestoreError, sqlMessage, type Notes } from './messages.js';
import { DEFAULT_CHUNK, type RestoreOptions } from './options.js';
import { ChunkPool } from './pool.js';
import { ProgressReporter } from './progress.js';
import type { DumpSource } from './source.js';
import { DumpFormatError, DumpSplitter, type DumpPiece } from './splitter.js';
import { StatementRouter, type PostData } from './statement-router.js';
import { wireToText } from './statements.js';
import { TableLedger } from './tables.js';
import type { Prepared } from './target.js';

export interface LoadStage {
  options: RestoreOptions;
  control: Connection;
  connections: Connections;
  target: Prepared;
  source: DumpSource;
  /** The decompressed stream, its first MiB already read into `head`. */
  stream: AsyncIterator<Buffer>;
  head: DumpHead;
  log: Logger;
  notes: Notes;
  crashPoint: CrashPointReporter;
  secrets: readonly string[];
}

export interface Loaded {
  /** Bytes of SQL read (decompressed). */
  sqlBytes: number;
  tables: TableLedger;
  /** The dump's session SETs, in order (the post-data connection replays them). */
  sets: readonly string[];
  postData: readonly PostData[];
  createdTables: readonly string[];
  chunksApplied: number;
  chunksSkipped: number;
  chunksLoadData: number;
  indexedTables: number;
  /** Seconds the reader waited for the connections, and the connections for the reader. */
  waits: { reader: number; connections: number };
}

interface Parts {
  pool: ChunkPool;
  progress: ProgressReporter;
  tables: TableLedger;
  sets: string[];
  loader: ChunkLoader;
  indexes: IndexBuilder;
  deferred: DeferredIndexes;
  chunker: RowChunker;
  router: StatementRouter;
  /** Bytes of SQL read so far (decompressed). */
  read: { bytes: number };
}

export async function loadDump(stage: LoadStage): Promise<Loaded> {
  const { log } = stage;
  const parts = assemble(stage);
  const { pool, progress, loader, indexes, deferred, chunker, router } = parts;
  try {
    await loader.start(stage.options.parallel ?? 2);
    progress.start(() => parts.read.bytes);
    await log.group(`loading ${stage.source.name} into ${stage.options.database}`, () =>
      streamDump(stage, parts),
    );
    progress.stop();
    if (deferred.size) {
      await log.group(`secondary indexes of ${deferred.size} table(s)`, async () => {
        await deferred.finish();
        log.info(
          `${indexes.tablesAltered} table(s) given their indexes in ${indexes.seconds.toFixed(1)} s, ` +
            'each as soon as its rows were in',
        );
      });
    }
    return {
      sqlBytes: parts.read.bytes,
      tables: parts.tables,
      sets: parts.sets,
      postData: router.postData,
      createdTables: router.createdTables,
      chunksApplied: loader.applied,
      chunksSkipped: chunker.skipped,
      chunksLoadData: loader.viaLoadData,
      indexedTables: indexes.tablesAltered,
      waits: { reader: pool.readerWaitMs / 1000, connections: pool.loaderWaitMs / 1000 },
    };
  } finally {
    progress.stop();
    pool.fail(new Error('restore ended'));
  }
}

/** The parts of the stage, wired to each other (nothing connects or reads yet). */
function assemble(stage: LoadStage): Parts {
  const { options, target, log, notes, crashPoint, secrets, connections } = stage;
  const db = options.database;
  const parallel = options.parallel ?? 2;
  const sets: string[] = [];
  const tables = new TableLedger();
  const pool = new ChunkPool(
    Math.max(2, parallel) * (options.chunkBytes ?? DEFAULT_CHUNK),
    options.spreadTables ?? true,
  );
  const progress = new ProgressReporter(stage.source, log, options.progressIntervalMs ?? 30_000);
  const loader = new ChunkLoader({
    pool,
    connections,
    database: db,
    sets,
    tables,
    progress,
    crashPoint,
    notes,
    log,
    secrets,
    busyWaitMs: options.busyWaitMs ?? 60_000,
    loadData: options.loadData ?? true,
  });
  const indexes = new IndexBuilder({
    connect: () => connections.open(db, { setup: true }),
    connections: Math.max(1, parallel),
    database: db,
    onStatementSent: () => crashPoint('mid-index'),
    failed: (table, err) =>
      new RestoreError(`adding the indexes of ${wireToText(table)} failed: ${sqlMessage(err, secrets)}`),
  });
  const deferred = new DeferredIndexes(indexes, pool, tables);
  const chunker = new RowChunker({
    pool,
    tables,
    sets,
    checkpoints: target.checkpoints,
    chunkBytes: target.chunkBytes,
    reached: (table) => deferred.reached(table),
  });
  const router = new StatementRouter({
    control: stage.control,
    pool,
    chunker,
    deferred,
    tables,
    sets,
    notes,
    crashPoint,
    secrets,
    checkpoints: target.checkpoints,
    resumed: target.resumed,
    deferIndexes: target.deferIndexes,
    collations: new Map(Object.entries(options.collations ?? {})),
    definer: options.definer ?? 'rewrite',
  });
  return { pool, progress, tables, sets, loader, indexes, deferred, chunker, router, read: { bytes: 0 } };
}

/** Reads the dump to its end, handing each piece on; on a failure stops the loaders and the builds. */
async function streamDump(stage: LoadStage, parts: Parts): Promise<void> {
  const { pool, indexes, chunker, router, loader, read } = parts;
  const splitter = new DumpSplitter({ rowGroupBytes: stage.target.chunkBytes });
  const handle = async (pieces: DumpPiece[]) => {
    for (const piece of pieces) {
      if (pool.error) throw pool.error;
      if (indexes.error) throw indexes.error;
      if (piece.kind === 'rows') await chunker.add(piece);
      else await router.route(piece.sql, piece.offset);
    }
  };
  try {
    read.bytes += stage.head.head.length;
    await handle(splitter.push(stage.head.head));
    if (!stage.head.streamDone)
      for (let next = await stage.stream.next(); !next.done; next = await stage.stream.next()) {
        read.bytes += next.value.length;
        await handle(splitter.push(next.value));
      }
    await handle(splitter.end());
    await chunker.flush();
  } catch (err) {
    pool.fail(err instanceof Error ? err : new Error(String(err)));
    indexes.abort();
    await loader.settled();
    if (err instanceof DumpFormatError)
      throw new RestoreError(`${err.message}; chunks loaded so far are kept for if-exists: resume`);
    throw err;
  }
  pool.close();
  await loader.finished();
  if (pool.error) {
    indexes.abort();
    throw pool.error;
  }
}
