// The dumps the restore tests read: a source database holding every construct a Moodle dump can carry
// (binary blobs with NUL and quote bytes, multi-MB rows, emoji, `;` and comment markers inside strings,
// empty tables, a MyISAM table, views, triggers, routines), dumped by the real mariadb-dump, plus
// variants: MySQL 8's shape (one line per INSERT, GTID/SQL_LOG_BIN lines, foreign DEFINERs, 0900
// collations), gzip and zstd. A reference copy is restored by the `mariadb` client for comparison.
import { execFile, spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import type { Connection } from 'mysql2/promise';
import mysql from 'mysql2/promise';
import { adminConnection, mariadbProgram, type MariaDbServer } from '../servers/mariadb.js';

const run = promisify(execFile);

/** A deterministic byte generator (xorshift), so the fixture is the same on every run. */
function bytes(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const TRICKY = [
  'it\'s "quoted" and back\\slashed',
  'semicolon; inside -- not a comment /* nor this */ # nor this',
  'rows ),( inside a string and a DELIMITER ;; word',
  'emoji 😀🎉 and ünïcödé, 中文',
  'line\nbreaks\r\nand\ttabs and \u001a ctrl-Z',
  '',
];

export async function createSourceDatabase(server: MariaDbServer, db: string): Promise<void> {
  const conn = await adminConnection(server);
  try {
    await conn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE \`${db}\``);
    await conn.query(
      'CREATE TABLE mdl_blobs (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50), data LONGBLOB) ENGINE=InnoDB',
    );
    for (let i = 1; i <= 40; i++) {
      const size = i === 7 ? 3 * 1024 * 1024 : i === 8 ? 1_500_000 : (i * 977) % 20000;
      const b = bytes(i, size);
      if (size > 4) b.set([0, 0x27, 0x5c, 0x0a], 0);
      await conn.query('INSERT INTO mdl_blobs (name, data) VALUES (?, ?)', [`blob ${i}`, b]);
    }
    await conn.query(
      'CREATE TABLE mdl_texts (id INT PRIMARY KEY AUTO_INCREMENT, txt LONGTEXT, short VARCHAR(191), n DECIMAL(20,6), f DOUBLE, d DATETIME, j JSON NULL, bits BIT(8)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    for (let i = 0; i < 300; i++) {
      await conn.query('INSERT INTO mdl_texts (txt, short, n, f, d, j, bits) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        TRICKY[i % TRICKY.length]!.repeat(1 + (i % 5)) + (i === 13 ? '💾'.repeat(400_000) : ''),
        i % 7 === 0 ? null : `${TRICKY[(i + 3) % TRICKY.length]!.slice(0, 100)}`,
        (i * 12345.678901).toFixed(6),
        i / 7,
        `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 12:34:56`,
        JSON.stringify({ i, s: TRICKY[i % TRICKY.length] }),
        i % 256,
      ]);
    }
    // Plain values of every kind LOAD DATA reads in place of the INSERT: signed and unsigned
    // integers at their limits, decimals, doubles with exponents, dates and times, JSON, NULL next to
    // 'NULL' and '', and strings with quotes, backslashes and line breaks; two secondary indexes.
    await conn.query(
      'CREATE TABLE mdl_grade_grades (id BIGINT UNSIGNED PRIMARY KEY, userid BIGINT NOT NULL, small SMALLINT, ' +
        'grade DECIMAL(10,5), ratio DOUBLE, f FLOAT, created DATETIME(3), day DATE, t TIME, ts TIMESTAMP NULL, ' +
        "feedback TEXT, format VARCHAR(10) NOT NULL DEFAULT '', info JSON NULL, " +
        'KEY ix_user (userid), KEY ix_day_grade (day, grade)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
    for (let i = 0; i < 400; i++) {
      await conn.query('INSERT INTO mdl_grade_grades VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        i === 399 ? '18446744073709551615' : String(i + 1),
        i < 3 ? '-9223372036854775808' : String(i * 31 - 4000),
        i % 11 === 0 ? null : (i % 2 ? -1 : 1) * ((i * 97) % 32768),
        i % 13 === 0 ? null : ((i * 123.45678) % 99999).toFixed(5),
        i % 5 === 0 ? 1e-300 * (i + 1) : i % 5 === 1 ? -2.5e100 / (i + 1) : i / 3,
        i / 7,
        `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')} 0${i % 10}:34:56.${String(i % 1000).padStart(3, '0')}`,
        i % 17 === 0 ? null : `19${String(70 + (i % 30))}-06-15`,
        `${String(i % 24).padStart(2, '0')}:0${i % 10}:00`,
        i % 9 === 0 ? null : `2025-03-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`,
        [null, 'NULL', '', 'N', TRICKY[i % TRICKY.length]!][i % 5],
        ['', 'html', 'NULL', 'x'][i % 4],
        i % 6 === 0 ? null : JSON.stringify({ i, s: TRICKY[(i + 1) % TRICKY.length], n: null }),
      ]);
    }
    await conn.query('CREATE TABLE mdl_empty (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB');
    await conn.query('CREATE TABLE mdl_old (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=MyISAM');
    await conn.query("INSERT INTO mdl_old VALUES (1, 'myisam one'), (2, 'myisam two')");
    // The log table: most rows, so one table is spread over many chunks and connections.
    await conn.query(
      'CREATE TABLE mdl_logstore_standard_log (id BIGINT PRIMARY KEY AUTO_INCREMENT, eventname VARCHAR(255) NOT NULL, ' +
        'userid BIGINT NOT NULL, other LONGTEXT, timecreated BIGINT NOT NULL, KEY ix_user (userid), KEY ix_time (timecreated)) ENGINE=InnoDB',
    );
    await conn.query(
      'INSERT INTO mdl_logstore_standard_log (eventname, userid, other, timecreated) ' +
        "SELECT CONCAT('\\\\core\\\\event\\\\viewed_', seq % 17), seq % 997, CONCAT('{\"n\":', seq, ',\"s\":\"it''s\"}'), 1700000000 + seq FROM seq_1_to_20000",
    );
    await conn.query(
      'CREATE TABLE mdl_block (id INT PRIMARY KEY, name VARCHAR(40), visible TINYINT NOT NULL DEFAULT 1)',
    );
    await conn.query("INSERT INTO mdl_block VALUES (1, 'portico_enrolments', 1), (2, 'calendar', 1)");
    // A trigger that would change rows if it fired during the load (it must not).
    await conn.query(
      "CREATE TRIGGER mdl_texts_bi BEFORE INSERT ON mdl_texts FOR EACH ROW BEGIN SET NEW.short = CONCAT('trigger fired; ', IFNULL(NEW.short, '')); END",
    );
    await conn.query(
      'CREATE VIEW mdl_recent AS SELECT id, userid FROM mdl_logstore_standard_log WHERE id > 19990',
    );
    await conn.query(
      'CREATE PROCEDURE mdl_count(OUT n INT) BEGIN DECLARE x INT; SELECT COUNT(*) INTO x FROM mdl_block; SET n = x; END',
    );
    await conn.query('CREATE FUNCTION mdl_twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2');
  } finally {
    await conn.end();
  }
}

export interface DumpFiles {
  /** mariadb-dump output: one row per line in each extended INSERT. */
  mariadb: string;
  /** MySQL 8's shape: one line per INSERT, GTID_PURGED, SQL_LOG_BIN, foreign DEFINER, 0900 collation. */
  mysql8: string;
  gzip: string;
  zstd: string;
}

export async function dumpDatabase(server: MariaDbServer, db: string, dir: string): Promise<DumpFiles> {
  const files = {
    mariadb: `${dir}/dump.sql`,
    mysql8: `${dir}/dump-mysql8.sql`,
    gzip: `${dir}/dump.sql.gz.bin`,
    zstd: `${dir}/dump.zst.bin`,
  };
  const { stdout } = await run(
    mariadbProgram('mariadb-dump'),
    [
      '--no-defaults',
      `--socket=${server.socket}`,
      '-uroot',
      '--routines',
      '--triggers',
      '--events',
      '--net-buffer-length=65536',
      db,
    ],
    { maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' },
  );
  await writeFile(files.mariadb, stdout);
  await writeFile(files.mysql8, mysql8Shape(stdout.toString('latin1')), 'latin1');
  await pipeline(createReadStream(files.mariadb), createGzip(), createWriteStream(files.gzip));
  await run('zstd', ['-q', '-f', files.mariadb, '-o', files.zstd]);
  return files;
}

/** Rewrites a MariaDB dump into MySQL 8's shape (the constructs a MariaDB target must cope with). */
function mysql8Shape(text: string): string {
  const header =
    'SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;\nSET @@SESSION.SQL_LOG_BIN= 0;\n\n' +
    "SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5';\n";
  return (
    text
      .replace('/*!40101 SET NAMES utf8mb4 */;', (m) => `${m}\n${header}`)
      // One line per INSERT: rows joined by ',' instead of ',\n' (no string in the fixture has "),\n(").
      .replace(/\),\n\(/g, '),(')
      .replace(/VALUES\n\(/g, 'VALUES (')
      .replace(/DEFINER=`root`@`localhost`/g, 'DEFINER=`rdsadmin`@`localhost`')
      .replace(/CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci/g, 'CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci') +
    '\nSET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;\n'
  );
}

/** Restore with the `mariadb` client, as ops do today: the reference to compare with. */
export async function clientRestore(server: MariaDbServer, db: string, file: string): Promise<void> {
  const conn = await adminConnection(server);
  await conn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      mariadbProgram('mariadb'),
      ['--no-defaults', `--socket=${server.socket}`, '-uroot', db],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`mariadb client failed: ${err}`)),
    );
    createReadStream(file).pipe(child.stdin);
  });
}

async function baseTables(conn: Connection, db: string): Promise<string[]> {
  const [rows] = (await conn.query(
    "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
    [db],
  )) as unknown as [{ n: string }[]];
  return rows.map((r) => r.n);
}

/** CHECKSUM TABLE of every base table, by name. */
export async function checksums(conn: Connection, db: string): Promise<Record<string, string>> {
  const tables = await baseTables(conn, db);
  const out: Record<string, string> = {};
  for (const n of tables) {
    const [[row]] = (await conn.query(`CHECKSUM TABLE \`${db}\`.\`${n}\``)) as unknown as [
      [{ Checksum: string | number }],
    ];
    out[n] = String(row.Checksum);
  }
  return out;
}

/** SELECT COUNT(*) of every base table, on the server. */
export async function rowCounts(conn: Connection, db: string): Promise<Record<string, number>> {
  const tables = await baseTables(conn, db);
  const out: Record<string, number> = {};
  for (const n of tables) {
    const [[row]] = (await conn.query(`SELECT COUNT(*) AS c FROM \`${db}\`.\`${n}\``)) as unknown as [
      [{ c: number }],
    ];
    out[n] = Number(row.c);
  }
  return out;
}

/** Views, triggers and routines of a database, by name and kind. */
export async function programObjects(conn: Connection, db: string): Promise<string[]> {
  const [rows] = (await conn.query(
    "SELECT CONCAT('view ', TABLE_NAME) AS o FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? " +
      "UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? " +
      "UNION ALL SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY 1",
    [db, db, db],
  )) as unknown as [{ o: string }[]];
  return rows.map((r) => r.o);
}

/** A login without SUPER: what the restore runs as in the tests (Aurora's admin has no SUPER). */
export async function createRestorer(
  server: MariaDbServer,
  pattern: string,
): Promise<{ user: string; password: string }> {
  const conn = await adminConnection(server);
  const password = 'Restorer-pw-0123456789';
  await conn.query(`CREATE USER 'restorer'@'%' IDENTIFIED BY '${password}'`);
  await conn.query(`GRANT ALL PRIVILEGES ON \`${pattern}\`.* TO 'restorer'@'%' WITH GRANT OPTION`);
  await conn.query(`GRANT CREATE USER ON *.* TO 'restorer'@'%'`);
  const [[grants]] = (await conn.query(
    "SELECT Super_priv AS s FROM mysql.user WHERE User = 'restorer'",
  )) as unknown as [[{ s: string }]];
  if (grants.s !== 'N') throw new Error('the restorer must not have SUPER');
  await conn.end();
  return { user: 'restorer', password };
}

export async function connectAs(server: MariaDbServer, user: string, password: string): Promise<Connection> {
  return mysql.createConnection({ host: server.host, port: server.port, user, password });
}

export { readFile };

/** SHOW CREATE TABLE of every base table (engine and AUTO_INCREMENT normalised), by name. */
export async function tableDefinitions(conn: Connection, db: string): Promise<Record<string, string>> {
  const tables = await baseTables(conn, db);
  const out: Record<string, string> = {};
  for (const n of tables) {
    const [[row]] = (await conn.query(`SHOW CREATE TABLE \`${db}\`.\`${n}\``)) as unknown as [
      [{ 'Create Table': string }],
    ];
    out[n] = row['Create Table'].replace(/ENGINE=MyISAM/, 'ENGINE=InnoDB').replace(/ AUTO_INCREMENT=\d+/, '');
  }
  return out;
}

export interface RestoreFixture {
  dir: string;
  dumps: DumpFiles;
  restorer: { user: string; password: string };
}

/**
 * What every restore test starts from: a temporary folder, the source database `src` and its dumps,
 * the reference `ref` restored by the `mariadb` client, and the restoring account (no SUPER; rights on
 * `rst\_%` databases only).
 */
export async function prepareRestoreFixture(server: MariaDbServer, name: string): Promise<RestoreFixture> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  await createSourceDatabase(server, 'src');
  const dumps = await dumpDatabase(server, 'src', dir);
  await clientRestore(server, 'ref', dumps.mariadb);
  const restorer = await createRestorer(server, 'rst\\_%');
  return { dir, dumps, restorer };
}
