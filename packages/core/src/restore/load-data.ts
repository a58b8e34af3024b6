// Rows of a dump chunk as LOAD DATA LOCAL INFILE: the server reads the INSERT's own `(…),(…)` bytes
// with `(` as the line start, `)` as the line end, `,` between fields and `'` around strings, and
// skips its SQL parser — measured at about half the server CPU of the same rows as an extended
// INSERT (bench/README.md). Only chunks whose values are all '…' strings, NULL or plain numbers come
// here (the splitter's `plain`): LOAD DATA reads an unquoted NULL as NULL and the backslash escapes
// mysqldump writes (\0 \' \" \\ \n \r \Z) as the SQL parser does (MySQL manual, "LOAD DATA
// Statement": field and line handling; MariaDB KB "LOAD DATA INFILE").
import { Readable } from 'node:stream';
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { quoteIdentifier } from '../db/provision-sql.js';
import { SQL_IDENTIFIER } from './splitter.js';

/** What LOAD DATA must be told about the session: the dump's SET NAMES and its escaping. */
export interface LoadDataSession {
  charset: string;
  backslashEscapes: boolean;
}

const FILE_NAME = 'mdl-restore-chunk';
/** Slices handed to the driver, one protocol packet each (a packet holds at most 16 MiB - 1). */
const SLICE = 1 << 20;

const PLAIN_INSERT = new RegExp(
  `^INSERT\\s+INTO\\s+${SQL_IDENTIFIER}\\s*(\\((?:\\s*${SQL_IDENTIFIER}\\s*,?)*\\))?\\s*VALUES\\s*$`,
  'i',
);

/** The column list of a plain `INSERT INTO `t` [(…)] VALUES ` prefix; undefined for any other form. */
export function loadDataColumns(prefix: Buffer): string | undefined {
  const m = PLAIN_INSERT.exec(prefix.toString('latin1'));
  return m ? (m[1] ?? '') : undefined;
}

export async function loadDataSession(conn: Connection): Promise<LoadDataSession> {
  const [[row]] = (await conn.query(
    'SELECT @@character_set_client AS cs, @@sql_mode AS mode',
  )) as unknown as [[{ cs: string; mode: string }]];
  if (!/^\w+$/.test(row.cs)) throw new Error(`unexpected character_set_client ${JSON.stringify(row.cs)}`);
  return { charset: row.cs, backslashEscapes: !/NO_BACKSLASH_ESCAPES/i.test(row.mode) };
}

/** Error numbers of a server or client that does not allow LOAD DATA LOCAL. */
const REFUSED = new Set([
  1148, // ER_NOT_ALLOWED_COMMAND: local_infile is OFF (MySQL 5.7, older MariaDB)
  4166, // ER_LOAD_INFILE_CAPABILITY_DISABLED: local_infile is OFF (MariaDB 10.5+)
  3948, // ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8)
  2068, // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
]);

export type LoadResult =
  { header: ResultSetHeader; refused?: undefined } | { header?: undefined; refused: string };

export function loadDataSql(table: string, columns: string, session: LoadDataSession): string {
  // Under NO_BACKSLASH_ESCAPES the statement's own literals and the dump's strings have none.
  const [quote, escape] = session.backslashEscapes ? ["'\\''", "'\\\\'"] : ["''''", "''"];
  return (
    `LOAD DATA LOCAL INFILE '${FILE_NAME}' INTO TABLE ${quoteIdentifier(table)} CHARACTER SET ${session.charset} ` +
    `FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY ${quote} ESCAPED BY ${escape} ` +
    `LINES STARTING BY '(' TERMINATED BY ')'${columns ? ` ${columns}` : ''}`
  );
}

/**
 * Sends `rows` (the `(…),(…)` bytes) into `table`. The stream answers only the file name the
 * statement asked for: a server asking for any other file gets an error, never a local file.
 */
export async function loadRows(
  conn: Connection,
  table: string,
  columns: string,
  rows: Buffer,
  session: LoadDataSession,
): Promise<LoadResult> {
  const infileStreamFactory = (path: string) => {
    if (path !== FILE_NAME)
      return new Readable({
        read() {
          this.destroy(new Error(`the server asked for the file ${path}, which the restore does not send`));
        },
      });
    const slices: Buffer[] = [];
    for (let at = 0; at < rows.length; at += SLICE) slices.push(rows.subarray(at, at + SLICE));
    return Readable.from(slices, { objectMode: false });
  };
  try {
    const [header] = (await conn.query({
      sql: loadDataSql(table, columns, session),
      infileStreamFactory,
    })) as [ResultSetHeader, unknown];
    return { header };
  } catch (err) {
    const e = err as { errno?: number; message?: string };
    if (e.errno !== undefined && REFUSED.has(e.errno)) return { refused: e.message ?? String(err) };
    throw err;
  }
}
