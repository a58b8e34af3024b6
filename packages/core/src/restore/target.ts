// The restore's target database, decided before any dump statement runs: create it, refuse it (it
// exists and is not empty), drop it (if-exists: drop, asked for by the user), or resume the
// interrupted restore it holds — only when that restore was of the same dump and no session of it
// is still at work on the server.
import type { Connection } from 'mysql2/promise';
import { quoteIdentifier } from '../db/provision-sql.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  STATE_TABLE,
  createCheckpointTables,
  readCheckpoints,
  readIdentity,
  writeIdentity,
  type CheckpointMap,
  type RestoreIdentity,
} from './checkpoint.js';

export type IfExists = 'fail' | 'drop' | 'resume';

export interface SessionRow {
  id: number;
  command: string;
  seconds: number;
}

/**
 * Polls the server's sessions matching `where` (inline SQL: loading connections send text as it is)
 * until none is left or `waitMs` has passed; answers those still there. The server ends a session
 * whose client went away once its statement is done.
 */
export async function sessionsLeft(
  conn: Connection,
  where: string,
  waitMs: number,
  onWait?: (rows: SessionRow[]) => void,
): Promise<SessionRow[]> {
  const started = Date.now();
  for (let first = true; ; first = false) {
    const [rows] = (await conn.query(
      'SELECT ID AS id, COMMAND AS command, TIME AS seconds FROM information_schema.PROCESSLIST ' +
        `WHERE ${where} AND ID <> CONNECTION_ID()`,
    )) as unknown as [SessionRow[]];
    if (rows.length === 0 || Date.now() - started >= waitMs) return rows;
    if (first) onWait?.(rows);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A resume must not read the checkpoints while a session of the interrupted run is still at work on
 * the server: a killed client's COMMIT that was on the wire still commits, and its chunk would then
 * be loaded twice (the checkpoint row's key refuses that, but the run would fail). The server ends
 * such sessions as soon as their statement is done; a session that stays is another live restore
 * (or a dead client's socket the server has not noticed yet), and the resume stops without a change.
 * Only the account's own sessions are visible without the PROCESS privilege, which is the case here.
 */
async function waitForEarlierSessions(control: Connection, db: string, log: Logger, waitMs: number) {
  const rows = await sessionsLeft(control, `DB = ${control.escape(db)}`, waitMs, (r) =>
    log.info(`waiting for ${r.length} earlier session(s) on ${db} to end before resuming`),
  );
  if (rows.length)
    throw new ConfigurationError(
      `database ${db} is still in use by session(s) ${rows.map((r) => `${r.id} (${r.command}, ${r.seconds} s)`).join(', ')}: ` +
        'another restore may still be running into it; stop it, or end those sessions (KILL <id>) and resume again',
    );
}

export interface Prepared {
  resumed: boolean;
  checkpoints: CheckpointMap;
  chunkBytes: number;
  deferIndexes: boolean;
}

export async function prepareDatabase(
  control: Connection,
  db: string,
  ifExists: IfExists,
  identityBase: Omit<RestoreIdentity, 'chunkBytes'>,
  options: { chunkBytes: number; busyWaitMs: number; log: Logger },
): Promise<Prepared> {
  const qdb = quoteIdentifier(db);
  const [schemas] = (await control.query(
    'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [db],
  )) as unknown as [unknown[]];
  const exists = schemas.length > 0;
  let objects: string[] = [];
  if (exists) {
    const [rows] = (await control.query(
      'SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ' +
        'UNION ALL SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?',
      [db, db],
    )) as unknown as [{ n: string }[]];
    objects = rows.map((r) => r.n);
  }
  const partial = objects.includes(STATE_TABLE);
  const fresh = async (): Promise<Prepared> => {
    await control.query(
      `CREATE DATABASE IF NOT EXISTS ${qdb} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    for (const sql of createCheckpointTables)
      await control.query(sql.replace('CREATE TABLE IF NOT EXISTS ', `CREATE TABLE IF NOT EXISTS ${qdb}.`));
    await control.query(`USE ${qdb}`);
    await writeIdentity(control, { ...identityBase, chunkBytes: options.chunkBytes });
    return {
      resumed: false,
      checkpoints: new Map(),
      chunkBytes: options.chunkBytes,
      deferIndexes: Boolean(identityBase.deferIndexes),
    };
  };
  if (!exists || objects.length === 0) return fresh();
  if (ifExists === 'fail')
    throw new ConfigurationError(
      `database ${db} exists and is not empty (${objects.length} tables/routines)` +
        (partial
          ? ': it holds an interrupted restore; use if-exists: resume to finish it, or drop to start again'
          : '; use if-exists: drop to replace it'),
    );
  if (ifExists === 'drop') {
    options.log.info(`dropping the existing database ${db} (if-exists: drop)`);
    await control.query(`DROP DATABASE ${qdb}`);
    return fresh();
  }
  if (!partial)
    throw new ConfigurationError(
      `database ${db} is not empty and holds no interrupted restore (${STATE_TABLE} is absent): nothing to resume; ` +
        'use if-exists: drop to replace it',
    );
  return resume(control, db, identityBase, options);
}

/** Resumes the interrupted restore the database holds, when it is of the same dump. */
async function resume(
  control: Connection,
  db: string,
  identityBase: Omit<RestoreIdentity, 'chunkBytes'>,
  options: { chunkBytes: number; busyWaitMs: number; log: Logger },
): Promise<Prepared> {
  const qdb = quoteIdentifier(db);
  await waitForEarlierSessions(control, db, options.log, options.busyWaitMs);
  await control.query(`USE ${qdb}`);
  for (const sql of createCheckpointTables) await control.query(sql);
  const identity = await readIdentity(control);
  if (!identity) {
    // Interrupted before the dump's name was written: no dump statement has run yet.
    await writeIdentity(control, { ...identityBase, chunkBytes: options.chunkBytes });
    return {
      resumed: true,
      checkpoints: await readCheckpoints(control),
      chunkBytes: options.chunkBytes,
      deferIndexes: Boolean(identityBase.deferIndexes),
    };
  }
  if (identity.fingerprint !== identityBase.fingerprint)
    throw new ConfigurationError(
      `database ${db} holds an interrupted restore of another dump (${identity.source ?? 'unknown'}): its first MiB differs; ` +
        'use if-exists: drop to start again',
    );
  if (identity.compressedSize !== identityBase.compressedSize)
    options.log.warning(
      `the dump's size differs from the interrupted run's (${identity.compressedSize} vs ${identityBase.compressedSize} bytes); ` +
        'its first MiB matches, and every chunk already loaded is compared by checksum as it is read again',
    );
  return {
    resumed: true,
    checkpoints: await readCheckpoints(control),
    chunkBytes: identity.chunkBytes ?? options.chunkBytes,
    // The interrupted run's choice holds: its tables were created with or without their indexes.
    deferIndexes: Boolean(identity.deferIndexes),
  };
}
