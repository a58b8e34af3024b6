// Purges a site's databases and users over a direct mysql2 connection (`db-access: direct`, a job
// inside the VPC): read what exists, drop it, report what was there and what was gone already.
import { loadMysql } from './mysql-driver.js';
import type { Connection } from 'mysql2/promise';
import { ConfigurationError } from '../errors.js';
import type { DbServer } from './direct.js';
import {
  parsePurgeState,
  purgeResult,
  purgeStateQueries,
  purgeStatements,
  type PurgeResult,
  type PurgeState,
  type PurgeTarget,
} from './purge-sql.js';

async function connectAdmin(server: DbServer): Promise<Connection> {
  try {
    return await (
      await loadMysql()
    ).createConnection({
      host: server.host,
      port: server.port,
      user: server.adminUser,
      password: server.adminPassword,
      connectTimeout: server.connectTimeoutMs ?? 10_000,
      multipleStatements: false,
      ...(server.ssl !== undefined ? { ssl: server.ssl } : {}),
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const reason = (e.message ?? String(err)).split(server.adminPassword).join('***');
    throw new ConfigurationError(
      `cannot connect to MySQL at ${server.host}:${server.port} as ${server.adminUser}: ${e.code ?? 'error'} (${reason}); ` +
        'if the server is private to the VPC use `db-access: task`, else check the host, port and admin secret',
    );
  }
}

async function close(conn: Connection): Promise<void> {
  try {
    await conn.end();
  } catch {
    conn.destroy();
  }
}

async function readState(conn: Connection, target: PurgeTarget, server: DbServer): Promise<PurgeState> {
  const rows: unknown[][] = [];
  for (const sql of purgeStateQueries(target, server.adminUser)) {
    const [result] = await conn.query({ sql, rowsAsArray: true });
    rows.push(...(result as unknown[][]));
  }
  return parsePurgeState(rows);
}

/** Which of the target's databases and users exist (read-only: dry-run and the summary). */
export async function inspectPurgeDirect(target: PurgeTarget, server: DbServer): Promise<PurgeState> {
  purgeStatements(target, server.adminUser); // refuse bad names before connecting
  const conn = await connectAdmin(server);
  try {
    return await readState(conn, target, server);
  } finally {
    await close(conn);
  }
}

/** Drops what exists of the target; what is gone already is reported, not an error. */
export async function purgeDirect(
  target: PurgeTarget,
  server: DbServer,
  log: (line: string) => void = () => {},
): Promise<PurgeResult> {
  const statements = purgeStatements(target, server.adminUser);
  const conn = await connectAdmin(server);
  try {
    const result = purgeResult(target, await readState(conn, target, server));
    // A database and a user often share a name (mdl_<link>): key them by kind.
    const present = new Set([
      ...result.dropped.databases.map((d) => `drop-database ${d}`),
      ...result.dropped.users.map((u) => `drop-user ${u}`),
    ]);
    for (const st of statements) {
      if (!present.has(`${st.kind} ${st.subject}`)) continue;
      log(st.action);
      try {
        await conn.query(st.sql);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        throw new Error(`${st.action} failed: ${e.code ?? 'error'}: ${e.message ?? String(err)}`);
      }
    }
    return result;
  } finally {
    await close(conn);
  }
}
