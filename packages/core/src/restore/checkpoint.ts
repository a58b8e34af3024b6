// RestoreCheckpoints: progress kept in the target database itself. Each chunk's rows and its
// checkpoint row are committed in one InnoDB transaction, so after a crash a chunk is either wholly
// in with its checkpoint or not at all; `_mdl_restore_state` names the dump and the chunking.
import type { Connection } from 'mysql2/promise';

export const PROGRESS_TABLE = '_mdl_restore_progress';
export const STATE_TABLE = '_mdl_restore_state';
export const CHECKPOINT_TABLES: readonly string[] = [PROGRESS_TABLE, STATE_TABLE];

export interface RestoreIdentity {
  /** SHA-256 of the first MiB of the decompressed dump. */
  fingerprint: string;
  chunkBytes: number;
  /** Secondary indexes are added after the rows: a resume must do the same. */
  deferIndexes?: boolean;
  source: string;
  sourceVersion: string;
  compressedSize: number;
}

export interface ChunkCheckpoint {
  rows: number;
  crc: number;
}

/** Checkpointed chunks by table (as the dump writes its name) and chunk index. */
export type CheckpointMap = Map<string, Map<number, ChunkCheckpoint>>;

export const createCheckpointTables = [
  `CREATE TABLE IF NOT EXISTS \`${PROGRESS_TABLE}\` (tbl VARBINARY(256) NOT NULL, chunk INT NOT NULL, ` +
    `rows_applied BIGINT NOT NULL, crc INT UNSIGNED NOT NULL, PRIMARY KEY (tbl, chunk)) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS \`${STATE_TABLE}\` (k VARCHAR(64) NOT NULL PRIMARY KEY, v TEXT NOT NULL) ENGINE=InnoDB`,
];

/** The checkpoint INSERT, sent inside the chunk's transaction. Table names travel as raw bytes. */
export function checkpointSql(table: string, index: number, rows: number, crc: number): string {
  return `INSERT INTO \`${PROGRESS_TABLE}\` (tbl, chunk, rows_applied, crc) VALUES (0x${Buffer.from(table, 'latin1').toString('hex')}, ${index}, ${rows}, ${crc})`;
}

/** The rows a committed chunk applied, or undefined when its checkpoint is absent (not committed). */
export async function committedChunk(
  conn: Connection,
  table: string,
  index: number,
): Promise<number | undefined> {
  const [rows] = (await conn.query(
    `SELECT rows_applied AS n FROM \`${PROGRESS_TABLE}\` WHERE tbl = 0x${Buffer.from(table, 'latin1').toString('hex')} AND chunk = ${index}`,
  )) as unknown as [{ n: string | number }[]];
  return rows.length ? Number(rows[0]!.n) : undefined;
}

export async function readIdentity(conn: Connection): Promise<Partial<RestoreIdentity> | undefined> {
  const [rows] = await conn.query(`SELECT k, v FROM \`${STATE_TABLE}\``);
  const list = rows as { k: string; v: string }[];
  const identity = list.find((r) => r.k === 'identity');
  return identity ? (JSON.parse(identity.v) as Partial<RestoreIdentity>) : undefined;
}

export async function writeIdentity(conn: Connection, identity: RestoreIdentity): Promise<void> {
  await conn.query(`REPLACE INTO \`${STATE_TABLE}\` (k, v) VALUES ('identity', ?)`, [
    JSON.stringify(identity),
  ]);
}

export async function readCheckpoints(conn: Connection): Promise<CheckpointMap> {
  const [rows] = await conn.query({
    sql: `SELECT tbl, chunk, rows_applied, crc FROM \`${PROGRESS_TABLE}\``,
    rowsAsArray: true,
  });
  const map: CheckpointMap = new Map();
  for (const [tbl, chunk, applied, crc] of rows as [Buffer, number, number | string, number][]) {
    const table = Buffer.from(tbl).toString('latin1');
    let chunks = map.get(table);
    if (!chunks) map.set(table, (chunks = new Map<number, ChunkCheckpoint>()));
    chunks.set(Number(chunk), { rows: Number(applied), crc: Number(crc) });
  }
  return map;
}
