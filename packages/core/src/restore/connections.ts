// The restore's connections to the target server: how they are opened (the dump's bytes go out
// unchanged), the session every working connection starts with, and which errors mean the
// connection is gone (the chunk loader then reconnects).
import type { Connection } from 'mysql2/promise';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { loadMysql } from '../db/mysql-driver.js';
import { sqlMessage } from './messages.js';
import type { RestoreServer } from './options.js';

/**
 * Run on every connection that executes the dump (control, loading, indexes, post-data). A long load
 * leaves the control connection idle for hours: wait_timeout keeps the server from closing it.
 */
export const SESSION_SETUP: readonly string[] = [
  'SET NAMES utf8mb4',
  'SET SESSION foreign_key_checks = 0, unique_checks = 0, wait_timeout = 86400',
];

/** mysql2 marks errors that end the connection `fatal`; these codes say the same. */
const LOST_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ER_CONNECTION_KILLED',
]);

export function lostConnection(err: unknown): boolean {
  const e = err as { fatal?: boolean; code?: string };
  return e.fatal === true || LOST_CODES.has(e.code ?? '');
}

export interface OpenOptions {
  /** Skip mysql2's placeholder scan: the connection sends dump text only. */
  raw?: boolean;
  /** Run SESSION_SETUP before handing the connection out. */
  setup?: boolean;
}

/** Opens the restore's connections and closes every one of them at the end. */
export class Connections {
  private readonly opened: Connection[] = [];

  constructor(
    private readonly server: RestoreServer,
    private readonly log: Logger,
    private readonly secrets: readonly string[],
  ) {}

  async open(database?: string, options: OpenOptions = {}): Promise<Connection> {
    const conn = await this.connect(database, options.raw ?? false);
    this.opened.push(conn);
    if (options.setup) for (const sql of SESSION_SETUP) await conn.query(sql);
    return conn;
  }

  closeAll(): void {
    for (const c of this.opened) c.destroy();
  }

  private async connect(database: string | undefined, raw: boolean): Promise<Connection> {
    const s = this.server;
    const mysql = await loadMysql();
    try {
      const conn = await mysql.createConnection({
        ...(s.socket ? { socketPath: s.socket } : { host: s.host, port: s.port ?? 3306 }),
        user: s.user,
        password: s.password,
        ...(database ? { database } : {}),
        // Dump bytes go out unchanged: latin1 maps each byte to one character and back, and the
        // server reads them in the character set the dump's own SET NAMES chose.
        charset: 'LATIN1_SWEDISH_CI',
        // Without session tracking mysql2 keeps encoding in latin1 after the dump's SET NAMES
        // (with it, the driver follows character_set_client and would re-encode the bytes as UTF-8).
        flags: ['-SESSION_TRACK'],
        // Loading connections send dump text only: skip mysql2's placeholder scan of every chunk
        // (measured at ~15 % of the restore's own CPU).
        ...(raw ? { queryFormat: (sql: string) => sql } : {}),
        connectTimeout: s.connectTimeoutMs ?? 10_000,
        multipleStatements: false,
        supportBigNumbers: true,
        bigNumberStrings: true,
        ...(s.ssl !== undefined ? { ssl: s.ssl } : {}),
      });
      // A connection the server ends while it is idle reports it here (without a listener the
      // process would die); its next query fails and the loaders reconnect.
      conn.on('error', (err: Error) =>
        this.log.debug(`connection ${conn.threadId}: ${sqlMessage(err, this.secrets)}`),
      );
      return conn;
    } catch (err) {
      const where = s.socket ?? `${s.host}:${s.port ?? 3306}`;
      throw new ConfigurationError(
        `cannot connect to MySQL at ${where} as ${s.user}: ${sqlMessage(err, this.secrets)}`,
      );
    }
  }
}
