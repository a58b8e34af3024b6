// The chunk loader on its own, against the real MariaDB: a chunk that meets a lock held by another
// session is rolled back and tried again (and committed once, with its checkpoint); after five
// tries it gives up with the chunk not in; an error that is not a lock conflict is not retried.
// The lock is real: a second session holds an uncommitted row the chunk also inserts, and the dump's
// own session SET (replayed on the loading connection) makes the wait 1 s.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { lineLogger } from '../../packages/core/src/logger.js';
import { ChunkLoader } from '../../packages/core/src/restore/chunk-loader.js';
import { createCheckpointTables, PROGRESS_TABLE } from '../../packages/core/src/restore/checkpoint.js';
import { Connections } from '../../packages/core/src/restore/connections.js';
import { Notes } from '../../packages/core/src/restore/messages.js';
import { ChunkPool } from '../../packages/core/src/restore/pool.js';
import { ProgressReporter } from '../../packages/core/src/restore/progress.js';
import type { DumpSource } from '../../packages/core/src/restore/source.js';
import { TableLedger } from '../../packages/core/src/restore/tables.js';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';

const mariadb = useMariaDb();
const open: Connection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.end().catch(() => undefined);
});

async function target(db: string): Promise<Connection> {
  const admin = await adminConnection(mariadb());
  open.push(admin);
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.query(`USE ${db}`);
  for (const sql of createCheckpointTables) await admin.query(sql);
  await admin.query('CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB');
  return admin;
}

/** A second session holding row `id` of t, uncommitted. */
async function holdRow(db: string, id: number): Promise<Connection> {
  const holder = await adminConnection(mariadb(), db);
  open.push(holder);
  await holder.query('BEGIN');
  await holder.query('INSERT INTO t VALUES (?)', [id]);
  return holder;
}

/** Loads one chunk (rows 1 and 2 of t) on one connection; `onLine` sees every log line. */
async function loadOneChunk(db: string, onLine: (line: string) => void = () => {}) {
  const s = mariadb();
  const lines: string[] = [];
  const log = lineLogger((l) => {
    lines.push(l);
    onLine(l);
  });
  const connections = new Connections(
    { host: s.host, port: s.port, user: s.adminUser, password: s.adminPassword },
    log,
    [],
  );
  const pool = new ChunkPool(1 << 20, true);
  const tables = new TableLedger();
  const loader = new ChunkLoader({
    pool,
    connections,
    database: db,
    sets: ['SET SESSION innodb_lock_wait_timeout = 1'],
    tables,
    progress: new ProgressReporter({ bytesRead: 0, size: 0 } as DumpSource, log, 0),
    crashPoint: () => {},
    notes: new Notes(log),
    log,
    secrets: [],
    busyWaitMs: 5_000,
    loadData: false,
  });
  try {
    await loader.start(1);
    await pool.submit({
      table: 't',
      index: 0,
      sql: Buffer.from('INSERT INTO `t` VALUES (1),(2)'),
      rows: 2,
      crc: 7,
      offset: 0,
      setVersion: 1,
    });
    pool.close();
    await loader.finished();
  } finally {
    connections.closeAll();
  }
  return { error: pool.error, lines, applied: loader.applied, rows: tables.of('t').appliedRows };
}

const retries = (lines: string[]) => lines.filter((l) => /ER_LOCK_WAIT_TIMEOUT, trying again/.test(l));

async function state(admin: Connection) {
  const [rows] = (await admin.query('SELECT id FROM t ORDER BY id')) as unknown as [{ id: number }[]];
  const [checkpoints] = (await admin.query(
    `SELECT chunk, rows_applied AS n FROM \`${PROGRESS_TABLE}\``,
  )) as unknown as [{ chunk: number; n: string }[]];
  return { ids: rows.map((r) => r.id), checkpoints: checkpoints.map((c) => [c.chunk, Number(c.n)]) };
}

describe('ChunkLoader', () => {
  it('rolls a chunk back at a lock wait and tries it again: committed once, with its checkpoint', async () => {
    const admin = await target('cl_retry');
    const holder = await holdRow('cl_retry', 1);
    // The holder lets go once the loader has given up its first try.
    const out = await loadOneChunk('cl_retry', (l) => {
      if (/trying again \(1\)/.test(l)) void holder.query('ROLLBACK');
    });
    expect(out.error).toBeUndefined();
    expect(retries(out.lines)).toHaveLength(1);
    expect({ applied: out.applied, rows: out.rows }).toEqual({ applied: 1, rows: 2 });
    expect(await state(admin)).toEqual({ ids: [1, 2], checkpoints: [[0, 2]] });
  }, 60_000);

  it('gives up after five tries: the chunk is not in and the error names it', async () => {
    const admin = await target('cl_give_up');
    const holder = await holdRow('cl_give_up', 1);
    const out = await loadOneChunk('cl_give_up');
    await holder.query('ROLLBACK');
    expect(String(out.error)).toMatch(/loading rows of `t` \(chunk 0, .*\) failed: ER_LOCK_WAIT_TIMEOUT/);
    expect(retries(out.lines)).toHaveLength(4);
    expect(out.applied).toBe(0);
    expect(await state(admin)).toEqual({ ids: [], checkpoints: [] });
  }, 60_000);

  it('does not try again an error that is not a lock conflict', async () => {
    const admin = await target('cl_duplicate');
    await admin.query('INSERT INTO t VALUES (2)');
    const out = await loadOneChunk('cl_duplicate');
    expect(String(out.error)).toMatch(/ER_DUP_ENTRY/);
    expect(out.lines.filter((l) => /trying again/.test(l))).toEqual([]);
    expect(await state(admin)).toEqual({ ids: [2], checkpoints: [] });
  }, 60_000);
});
