// The restore engine against a real MariaDB, as a user without SUPER: dumps with every construct,
// plain/gzip/zstd and MySQL 8's shape, compared table by table (CHECKSUM TABLE) with a restore by the
// `mariadb` client; target handling (fail/drop), users and grants, post-restore SQL; and bad input.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mysql from 'mysql2/promise';
import { ConfigurationError, memoryLogger, restoreDatabase, type RestoreOptions } from '@moodle-preview/core';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import {
  checksums,
  clientRestore,
  connectAs,
  type DumpFiles,
  prepareRestoreFixture,
  programObjects,
  rowCounts,
  tableDefinitions,
} from './dump-fixture.js';

const mariadb = useMariaDb();
let dir = '';
let dumps: DumpFiles;
let restorer: { user: string; password: string };
let reference: Record<string, string>;
let referenceObjects: string[];

beforeAll(async () => {
  ({ dir, dumps, restorer } = await prepareRestoreFixture(mariadb(), 'restore-test'));
  const admin = await adminConnection(mariadb());
  reference = await checksums(admin, 'ref');
  referenceObjects = await programObjects(admin, 'ref');
  await admin.query("CREATE USER 'reporting'@'%' IDENTIFIED BY 'Reporting-pw-1'");
  await admin.end();
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function options(database: string, source: string, extra: Partial<RestoreOptions> = {}): RestoreOptions {
  const s = mariadb();
  return {
    source,
    database,
    server: { host: s.host, port: s.port, user: restorer.user, password: restorer.password },
    parallel: 2,
    chunkBytes: 64 * 1024,
    progressIntervalMs: 0,
    log: memoryLogger(),
    ...extra,
  };
}

async function look<T>(fn: (c: Awaited<ReturnType<typeof adminConnection>>) => Promise<T>): Promise<T> {
  const conn = await adminConnection(mariadb());
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

describe('restoreDatabase', () => {
  it('restores a mariadb-dump file exactly as the mariadb client does, rows spread over chunks', async () => {
    const log = memoryLogger();
    const result = await restoreDatabase(options('rst_plain', dumps.mariadb, { log }));
    const restored = await look((c) => checksums(c, 'rst_plain'));
    expect(Object.keys(restored).length).toBeGreaterThanOrEqual(6);
    expect(restored).toEqual(reference);
    expect(await look((c) => programObjects(c, 'rst_plain'))).toEqual(referenceObjects);
    const counts = await look((c) => rowCounts(c, 'rst_plain'));
    expect(result.rows).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
    expect(result.tables).toBe(Object.keys(counts).length);
    expect(counts.mdl_empty).toBe(0);
    // The log table alone is ~1.5 MB of SQL: with 64 KiB chunks it went over many transactions.
    expect(result.chunks).toBeGreaterThan(20);
    // Every value mariadb-dump wrote is plain (BIT as a quoted byte): every chunk went as LOAD DATA.
    expect(result.loadDataChunks).toBe(result.chunks);
    expect(result.notes.join('\n')).toMatch(/MyISAM\/Aria tables are created as InnoDB/);
    // Checkpoint tables are gone; the trigger did not fire on restored rows (checksums) but works now.
    const tables = await look(async (c) => {
      const [rows] = await c.query(
        "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'rst_plain' AND TABLE_NAME LIKE '\\_mdl%'",
      );
      return rows as unknown[];
    });
    expect(tables).toEqual([]);
    const fn = await look(async (c) => {
      const [[row]] = (await c.query('SELECT rst_plain.mdl_twice(21) AS v')) as unknown as [[{ v: number }]];
      return row.v;
    });
    expect(fn).toBe(42);
    expect(log.lines.join('\n')).not.toContain(restorer.password);
  });

  it('adds secondary indexes after the rows by default: same data, same table definitions', async () => {
    const log = memoryLogger();
    await restoreDatabase(options('rst_defer', dumps.mariadb, { log }));
    expect(log.lines.join('\n')).toMatch(/secondary indexes of \d+ table\(s\)/);
    expect(await look((c) => checksums(c, 'rst_defer'))).toEqual(reference);
    const [mine, ref] = await look(async (c) => [
      await tableDefinitions(c, 'rst_defer'),
      await tableDefinitions(c, 'ref'),
    ]);
    expect(mine.mdl_logstore_standard_log).toMatch(/KEY `ix_time`/);
    expect(mine).toEqual(ref);
  });

  it('sends every chunk as its INSERT with loadData off, or when the server refuses LOAD DATA LOCAL', async () => {
    const off = await restoreDatabase(options('rst_insert', dumps.mariadb, { loadData: false }));
    expect(off.loadDataChunks).toBe(0);
    expect(await look((c) => checksums(c, 'rst_insert'))).toEqual(reference);
    await look((c) => c.query('SET GLOBAL local_infile = 0'));
    try {
      const refused = await restoreDatabase(options('rst_noinfile', dumps.mariadb));
      expect(refused.loadDataChunks).toBe(0);
      expect(refused.notes.join('\n')).toMatch(/server refused LOAD DATA LOCAL \(.*local infile capability/);
      expect(await look((c) => checksums(c, 'rst_noinfile'))).toEqual(reference);
    } finally {
      await look((c) => c.query('SET GLOBAL local_infile = 1'));
    }
  });

  it('a chunk LOAD DATA reads with a warning is loaded again as its INSERT, as the mariadb client does', async () => {
    // Non-strict sql_mode (mysqldump's): a too-long string is cut with a warning by either statement;
    // the INSERT decides, so the result is the client's.
    const dump = join(dir, 'warn.sql');
    await writeFile(
      dump,
      [
        '/*!40101 SET NAMES utf8mb4 */;',
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
        'CREATE TABLE `mdl_short` (`id` int NOT NULL, `code` varchar(3) NOT NULL, `n` int, PRIMARY KEY (`id`)) ENGINE=InnoDB;',
        "INSERT INTO `mdl_short` VALUES (1,'abc',1),(2,'abcdef',99999999999),(3,'it\\'s',-5);",
        "INSERT INTO `mdl_short` (`id`, `code`) VALUES (4,'ok'),(5,'x');",
        // Hex, bit and _charset literals are not plain: these go as their INSERT.
        'CREATE TABLE `mdl_hex` (`id` int NOT NULL, `b` varbinary(8), `f` bit(4), `s` varchar(8), PRIMARY KEY (`id`)) ENGINE=InnoDB;',
        "INSERT INTO `mdl_hex` VALUES (1,0x4142,b'101',_latin1'x'),(2,NULL,b'0',NULL);",
        '',
      ].join('\n'),
    );
    await clientRestore(mariadb(), 'ref_warn', dump);
    const result = await restoreDatabase(options('rst_warn', dump));
    expect(result.notes.join('\n')).toContain('loaded again as its INSERT');
    expect(result.loadDataChunks).toBe(1); // the column-list INSERT, read as LOAD DATA (`id`, `code`)
    const [mine, ref] = await look(async (c) => [
      await c.query('SELECT * FROM rst_warn.mdl_short ORDER BY id'),
      await c.query('SELECT * FROM ref_warn.mdl_short ORDER BY id'),
    ]);
    expect(mine[0]).toEqual(ref[0]);
    expect(await look((c) => checksums(c, 'rst_warn'))).toEqual(await look((c) => checksums(c, 'ref_warn')));
    expect((ref[0] as { code: string }[]).map((r) => r.code)).toEqual(['abc', 'abc', "it'", 'ok', 'x']);
  });

  it('replaces a loading connection the server ends, mid-chunk or after its COMMIT was sent: each chunk once', async () => {
    const points = [
      { kind: 'mid-chunk', nth: 4 },
      { kind: 'commit-sent', nth: 9 },
      { kind: 'commit-sent', nth: 15 },
    ] as const;
    const killer = await adminConnection(mariadb());
    for (const [i, at] of points.entries()) {
      const log = memoryLogger();
      // The server ends the loading connection (KILL CONNECTION from another session) at that point.
      const onCrashPoint: RestoreOptions['onCrashPoint'] = (p) => {
        if (p.kind === at.kind && p.nthOfKind === at.nth && p.connectionId !== undefined)
          void killer.query(`KILL CONNECTION ${p.connectionId}`).catch(() => undefined);
      };
      const result = await restoreDatabase(options(`rst_drop${i}`, dumps.mariadb, { onCrashPoint, log }));
      // KILL CONNECTION races the statement: the chunk in flight is redone, or (its COMMIT having
      // landed) found by its checkpoint; or the connection dies idle and its next chunk reconnects.
      expect({
        at,
        lost: log.lines.some((l) =>
          /loading connection \d+ was lost during chunk \d+ of \S+ \(.*\); reconnecting \(1 of 10\)/.test(l),
        ),
      }).toEqual({ at, lost: true });
      expect(await look((c) => checksums(c, `rst_drop${i}`))).toEqual(reference);
      expect(result.chunks).toBeGreaterThan(20);
    }
    await killer.end();
  });

  it('reads gzip and zstd by their magic bytes (the file names say nothing)', async () => {
    const gz = await restoreDatabase(options('rst_gzip', dumps.gzip, { parallel: 3 }));
    expect(await look((c) => checksums(c, 'rst_gzip'))).toEqual(reference);
    expect(gz.compressedBytes).toBeLessThan(gz.bytes);
    await restoreDatabase(options('rst_zstd', dumps.zstd, { parallel: 1 }));
    expect(await look((c) => checksums(c, 'rst_zstd'))).toEqual(reference);
  });

  it("reads MySQL 8's shape: one-line INSERTs, GTID/SQL_LOG_BIN skipped, foreign DEFINERs, 0900 collations mapped", async () => {
    const log = memoryLogger();
    const result = await restoreDatabase(
      options('rst_mysql8', dumps.mysql8, {
        log,
        collations: { utf8mb4_0900_ai_ci: 'utf8mb4_unicode_ci' },
        chunkBytes: 256 * 1024,
        // Indexes maintained during the load (the other tests add them after the rows, the default).
        deferIndexes: false,
      }),
    );
    expect(await look((c) => checksums(c, 'rst_mysql8'))).toEqual(reference);
    expect(await look((c) => programObjects(c, 'rst_mysql8'))).toEqual(referenceObjects);
    const [mine, ref] = await look(async (c) => [
      await tableDefinitions(c, 'rst_mysql8'),
      await tableDefinitions(c, 'ref'),
    ]);
    expect(mine).toEqual(ref);
    const notes = result.notes.join('\n');
    expect(notes).toMatch(/GTID_PURGED/);
    expect(notes).toMatch(/SQL_LOG_BIN/);
    expect(notes).toMatch(/DEFINER clauses are rewritten/);
    const definers = await look(async (c) => {
      const [rows] = await c.query(
        "SELECT DEFINER AS d FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'rst_mysql8' " +
          "UNION SELECT DEFINER FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'rst_mysql8'",
      );
      return (rows as { d: string }[]).map((r) => r.d);
    });
    expect(definers).toEqual(['restorer@%']);
  });

  it('without the collation mapping, says which option fixes an unknown collation', async () => {
    await expect(restoreDatabase(options('rst_nomap', dumps.mysql8))).rejects.toThrow(
      /utf8mb4_0900_ai_ci[\s\S]*map-collation/,
    );
  });

  it('refuses a non-empty database by default, replaces it with if-exists: drop', async () => {
    const before = await look((c) => checksums(c, 'rst_plain'));
    await expect(restoreDatabase(options('rst_plain', dumps.gzip))).rejects.toThrow(ConfigurationError);
    await expect(restoreDatabase(options('rst_plain', dumps.gzip))).rejects.toThrow(
      /exists and is not empty.*if-exists: drop/,
    );
    await expect(restoreDatabase(options('rst_plain', dumps.gzip, { ifExists: 'resume' }))).rejects.toThrow(
      /nothing to resume/,
    );
    expect(await look((c) => checksums(c, 'rst_plain'))).toEqual(before);
    await look((c) => c.query('INSERT INTO rst_plain.mdl_empty VALUES (1, "extra")'));
    await restoreDatabase(options('rst_plain', dumps.gzip, { ifExists: 'drop' }));
    expect(await look((c) => checksums(c, 'rst_plain'))).toEqual(reference);
  });

  it('creates the app user, grants read-only users, runs post-restore SQL and hides the MIM block', async () => {
    await restoreDatabase(
      options('rst_site', dumps.mariadb, {
        appUser: { account: { name: 'moodle_site', host: '%' }, password: 'Site-pw-0123456789' },
        readonlyUsers: [{ name: 'reporting', host: '%' }],
        postRestoreSql:
          "UPDATE mdl_block SET name = CONCAT(name, '') WHERE id = 2;\nINSERT INTO mdl_empty VALUES (9, 'post');",
        hidePorticoBlock: true,
      }),
    );
    const site = await connectAs(mariadb(), 'moodle_site', 'Site-pw-0123456789');
    await site.query('INSERT INTO rst_site.mdl_empty VALUES (10, "app")');
    await site.end();
    const ro = await connectAs(mariadb(), 'reporting', 'Reporting-pw-1');
    const [blocks] = await ro.query('SELECT name, visible FROM rst_site.mdl_block ORDER BY id');
    expect(blocks).toEqual([
      { name: 'portico_enrolments', visible: 0 },
      { name: 'calendar', visible: 1 },
    ]);
    await expect(ro.query('DELETE FROM rst_site.mdl_empty')).rejects.toThrow(/DELETE command denied/);
    const [view] = await ro.query('SHOW CREATE VIEW rst_site.mdl_recent');
    expect((view as unknown[]).length).toBe(1);
    await ro.end();
    const [empty] = await look((c) => c.query('SELECT id, v FROM rst_site.mdl_empty ORDER BY id'));
    expect(empty).toEqual([
      { id: 9, v: 'post' },
      { id: 10, v: 'app' },
    ]);
  });

  it('refuses garbage before touching the server', async () => {
    const garbage = join(dir, 'garbage.sql');
    await writeFile(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await expect(restoreDatabase(options('rst_garbage', garbage))).rejects.toThrow(
      /is not a SQL dump: binary data at byte/,
    );
    const text = join(dir, 'text.sql');
    await writeFile(text, 'hello world, this is not SQL;\n');
    await expect(restoreDatabase(options('rst_garbage', text))).rejects.toThrow(
      /is not a SQL dump: its first statement at byte 0/,
    );
    const bz = join(dir, 'dump.bin');
    await writeFile(bz, Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(100)]));
    await expect(restoreDatabase(options('rst_garbage', bz))).rejects.toThrow(/bzip2.*gzip or zstd/);
    const [schemas] = await look((c) =>
      c.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'rst_garbage'"),
    );
    expect(schemas).toEqual([]);
  });

  it('a truncated dump fails naming the byte offset and statement; resume with the whole dump then finishes it', async () => {
    const full = await readFile(dumps.mariadb);
    // Cut inside a quoted string of an INSERT into the log table, well past the first MiB.
    const insertAt = full.indexOf('INSERT INTO `mdl_logstore_standard_log`');
    const cut = full.indexOf("it\\'s", insertAt + 400_000) + 2;
    const truncated = join(dir, 'truncated.sql');
    await writeFile(truncated, full.subarray(0, cut));
    const err = (await restoreDatabase(options('rst_trunc', truncated)).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /ends inside a quoted string opened at byte \d+ \(statement at byte \d+: "INSERT INTO `mdl_logstore_standard_log`/,
    );
    const opened = Number(/opened at byte (\d+)/.exec(err.message)![1]);
    expect(opened).toBeLessThan(cut);
    expect(opened).toBeGreaterThan(cut - 100);
    const statementAt = Number(/statement at byte (\d+)/.exec(err.message)![1]);
    expect(full.subarray(statementAt, statementAt + 12).toString()).toBe('INSERT INTO ');
    // Chunks that were committed stay, with their checkpoints.
    const [[progress]] = (await look((c) =>
      c.query('SELECT COUNT(*) AS n FROM rst_trunc._mdl_restore_progress'),
    )) as unknown as [[{ n: number }]];
    expect(Number(progress.n)).toBeGreaterThan(0);
    await expect(restoreDatabase(options('rst_trunc', dumps.mariadb))).rejects.toThrow(
      /interrupted restore.*if-exists: resume/,
    );
    // A session of the account still at work on the database (another restore, or a dead client the
    // server has not noticed) holds the resume back; it stops with no change once the wait is over.
    const s = mariadb();
    const other = await mysql.createConnection({
      host: s.host,
      port: s.port,
      user: restorer.user,
      password: restorer.password,
      database: 'rst_trunc',
    });
    const [[otherId]] = (await other.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
    const busy = await restoreDatabase(
      options('rst_trunc', dumps.mariadb, { ifExists: 'resume', busyWaitMs: 300 }),
    ).catch((e: Error) => e);
    expect(String(busy)).toContain(`still in use by session(s) ${otherId.id} (Sleep`);
    expect(String(busy)).toContain('KILL <id>');
    const [[still]] = (await look((c) =>
      c.query('SELECT COUNT(*) AS n FROM rst_trunc._mdl_restore_progress'),
    )) as unknown as [[{ n: number }]];
    expect(Number(still.n)).toBe(Number(progress.n));
    // A session that ends while the resume waits lets it go on.
    setTimeout(() => void other.end(), 300);
    const waitLog = memoryLogger();
    const resumed = await restoreDatabase(
      options('rst_trunc', dumps.mariadb, { ifExists: 'resume', busyWaitMs: 20_000, log: waitLog }),
    );
    // Said once, not at every poll.
    expect(waitLog.lines.filter((l) => l.includes('waiting for'))).toEqual([
      expect.stringContaining('waiting for 1 earlier session(s) on rst_trunc to end'),
    ]);
    expect(resumed.resumed).toBe(true);
    expect(resumed.skippedChunks).toBe(Number(progress.n));
    expect(await look((c) => checksums(c, 'rst_trunc'))).toEqual(reference);
  });

  it('a truncated gzip stream fails saying how far it got', async () => {
    const gz = await readFile(dumps.gzip);
    const cut = join(dir, 'cut.gz.bin');
    await writeFile(cut, gz.subarray(0, Math.floor(gz.length * 0.8)));
    await expect(restoreDatabase(options('rst_cutgz', cut))).rejects.toThrow(
      /gzip stream is damaged or truncated after \d+ compressed bytes: unexpected end of file/,
    );
  });
});
