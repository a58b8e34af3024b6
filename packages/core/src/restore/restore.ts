// restoreDatabase: source → decompress → DumpSplitter → per-table chunks → N connections in parallel,
// with checkpoints in the target database so that `if-exists: resume` finishes an interrupted run.
// This file is the order of the stages; each stage is a module of its own:
//   head.ts        the first MiB, checked before the server is touched
//   target.ts      the target database: create, refuse, drop or resume
//   load.ts        the stream: chunker.ts, statement-router.ts, chunk-loader.ts, deferred-indexes.ts
//   post-data.ts   views, triggers, routines, after every row
//   verify.ts      every table there with the dump's rows
//   finish.ts      accounts, grants, post-restore SQL, checkpoint tables dropped
import type { Connection } from 'mysql2/promise';
import type { Logger } from '../logger.js';
import { quoteIdentifier } from '../db/provision-sql.js';
import { Connections, SESSION_SETUP } from './connections.js';
import { crashPointReporter } from './crash-points.js';
import { decompress } from './decompress.js';
import { dropCheckpointTables, grantAccounts, siteFixups } from './finish.js';
import { HEAD_BYTES, checkLooksLikeSql, readHead } from './head.js';
import { loadDump, type Loaded } from './load.js';
import { Notes, quietLogger } from './messages.js';
import { DEFAULT_CHUNK, checkOptions, type RestoreOptions, type RestoreResult } from './options.js';
import { countViews, runPostData } from './post-data.js';
import { dumpFingerprint, openDumpSource, type DumpSource } from './source.js';
import { prepareDatabase, type Prepared } from './target.js';
import { presentTables, resetAutoIncrements, verifyTables } from './verify.js';

export { RestoreError } from './messages.js';
export { splitScript } from './finish.js';
export {
  parseAccount,
  parseCollationMap,
  type CrashPoint,
  type RestoreAccount,
  type RestoreOptions,
  type RestoreResult,
  type RestoreServer,
  type TableStat,
} from './options.js';
export type { IfExists } from './target.js';

export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  checkOptions(options);
  const log = options.log ?? quietLogger;
  const secrets = [options.server.password, options.appUser?.password ?? ''];
  for (const s of secrets) log.mask(s);
  const started = Date.now();
  const run = { log, secrets, notes: new Notes(log), crashPoint: crashPointReporter(options.onCrashPoint) };
  const source = await openDumpSource(options.source, { region: options.region, log: (l) => log.info(l) });
  const stream = decompress(source.open(), () => source.bytesRead)[Symbol.asyncIterator]();
  const connections = new Connections(options.server, log, secrets);
  try {
    const head = await readHead(stream);
    checkLooksLikeSql(head.head, source);
    const control = await connections.open();
    const target = await prepareTarget(control, options, head.head, source, log);
    const loaded = await loadDump({ ...run, options, control, connections, target, source, stream, head });
    await runPostData(loaded.postData, loaded.sets, { ...run, connections, database: options.database });
    const present = await presentTables(control, options.database);
    const tables = verifyTables(present, loaded.createdTables, target.checkpoints, loaded.tables);
    run.crashPoint('verified');
    if (target.resumed) await resetAutoIncrements(control, loaded.tables, present);
    await grantAccounts({ control, log, secrets }, options);
    await siteFixups({ control, log, secrets }, options);
    run.crashPoint('before-cleanup');
    await dropCheckpointTables(control);
    const result = restoreResult(options, source, target, loaded, {
      tables: tables.length,
      notes: run.notes.list(),
      seconds: (Date.now() - started) / 1000,
    });
    log.info(resultLine(result, loaded));
    return result;
  } finally {
    await stream.return?.(undefined).catch(() => undefined);
    source.close();
    connections.closeAll();
  }
}

/**
 * The target database decided before any dump statement runs (create, refuse, drop or resume), the
 * chunk size kept within the server's max_allowed_packet, and the control session set up.
 */
async function prepareTarget(
  control: Connection,
  options: RestoreOptions,
  head: Buffer,
  source: DumpSource,
  log: Logger,
): Promise<Prepared> {
  const db = options.database;
  const [[packetRow]] = (await control.query('SELECT @@max_allowed_packet AS p')) as unknown as [
    [{ p: string }],
  ];
  const maxPacket = Number(packetRow.p);
  const identity = {
    fingerprint: dumpFingerprint(head.subarray(0, HEAD_BYTES)),
    source: source.name,
    sourceVersion: source.version,
    compressedSize: source.size,
    deferIndexes: options.deferIndexes ?? true,
  };
  const target = await prepareDatabase(control, db, options.ifExists ?? 'fail', identity, {
    chunkBytes: Math.min(options.chunkBytes ?? DEFAULT_CHUNK, Math.max(1024, maxPacket - 65536)),
    busyWaitMs: options.busyWaitMs ?? 60_000,
    log,
  });
  if (target.resumed) {
    const chunks = [...target.checkpoints.values()].reduce((n, c) => n + c.size, 0);
    log.info(
      `resuming the restore of ${db}: ${chunks} chunk(s) of ${target.checkpoints.size} table(s) are in; ` +
        'the dump is read again from the start and those chunks are skipped',
    );
  }
  await control.query(`USE ${quoteIdentifier(db)}`);
  for (const sql of SESSION_SETUP) await control.query(sql);
  return target;
}

function restoreResult(
  options: RestoreOptions,
  source: DumpSource,
  target: Prepared,
  loaded: Loaded,
  run: { tables: number; notes: string[]; seconds: number },
): RestoreResult {
  const stats = loaded.tables.stats();
  return {
    database: options.database,
    source: source.name,
    tables: run.tables,
    rows: stats.reduce((n, t) => n + t.rows, 0),
    bytes: loaded.sqlBytes,
    compressedBytes: source.bytesRead,
    seconds: run.seconds,
    resumed: target.resumed,
    chunks: loaded.chunksApplied + loaded.chunksSkipped,
    skippedChunks: loaded.chunksSkipped,
    loadDataChunks: loaded.chunksLoadData,
    indexedTables: loaded.indexedTables,
    waits: loaded.waits,
    views: countViews(loaded.postData),
    postDataStatements: loaded.postData.length,
    notes: run.notes,
    slowest: stats.sort((a, b) => b.seconds - a.seconds).slice(0, 10),
  };
}

function resultLine(r: RestoreResult, loaded: Loaded): string {
  return (
    `restored ${r.database}: ${r.tables} tables, ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB of SQL ` +
    `in ${r.seconds.toFixed(1)} s${r.resumed ? ` (resumed: ${r.skippedChunks} chunk(s) skipped)` : ''}; ` +
    `${r.loadDataChunks} of ${loaded.chunksApplied} chunk(s) as LOAD DATA; the reader waited ${r.waits.reader.toFixed(1)} s ` +
    `for the connections, the connections ${r.waits.connections.toFixed(1)} s for the reader`
  );
}
