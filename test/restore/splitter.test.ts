// DumpSplitter and the statement rules, without a server: the pieces do not depend on how the input
// is cut into chunks, mysqldump's constructs are understood, and malformed input is named by offset.
import { describe, expect, it } from '@jest/globals';
import {
  classifyStatement,
  DumpFormatError,
  DumpSplitter,
  mapCollations,
  rewriteDefiner,
  splitScript,
  type DumpPiece,
} from '@moodle-preview/core';

function split(input: Buffer, chunking: (i: number) => number, rowGroupBytes?: number): DumpPiece[] {
  const s = new DumpSplitter(rowGroupBytes ? { rowGroupBytes } : {});
  const out: DumpPiece[] = [];
  for (let pos = 0, i = 0; pos < input.length; i++) {
    const n = Math.max(1, chunking(i));
    out.push(...s.push(input.subarray(pos, pos + n)));
    pos += n;
  }
  out.push(...s.end());
  return out;
}

const show = (pieces: DumpPiece[]) =>
  pieces.map((p) =>
    p.kind === 'statement'
      ? `S@${p.offset} ${p.sql.toString('latin1')}`
      : `R@${p.offset} ${p.table} ${p.prefix.toString('latin1')}|${p.rows.toString('latin1')}|${p.rowCount}`,
  );

const SAMPLE = Buffer.from(
  [
    '/*M!999999\\- enable the sandbox mode */ ',
    "-- MariaDB dump with a quote in a comment: don't",
    '/*!40101 SET NAMES utf8mb4 */;',
    '# a hash comment; with a semicolon',
    "/* a plain comment; it's ignored */",
    'CREATE TABLE `t;1` (`a` int, `b``q` text) /* trailing; */;',
    "INSERT INTO `t;1` VALUES (1,'a;b'),(2,'it''s'),(3,'x\\'y),(z'),(4,'-- no /* no */ # no'),(5,NULL),(6,_binary 'b\\0\\\\'),(-7,'😀');",
    'INSERT INTO `t;1` (`a`, `b``q`) VALUES',
    "(8,'\\n\\r\\Z'),",
    "(9,'\"');",
    'DELIMITER ;;',
    "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER tr BEFORE INSERT ON `t;1` FOR EACH ROW BEGIN SET NEW.b = 'x;y'; SET NEW.a = 1; END */;;",
    'DELIMITER ;',
    'SELECT 1;',
  ].join('\n'),
);

describe('DumpSplitter', () => {
  it('understands quotes, escapes, comments, executable comments, DELIMITER and both INSERT shapes', () => {
    const pieces = split(SAMPLE, () => SAMPLE.length);
    expect(show(pieces).map((s) => s.replace(/^(\w)@\d+ /, '$1 '))).toEqual([
      'S /*!40101 SET NAMES utf8mb4 */',
      'S CREATE TABLE `t;1` (`a` int, `b``q` text) /* trailing; */',
      "R t;1 INSERT INTO `t;1` VALUES |(1,'a;b'),(2,'it''s'),(3,'x\\'y),(z'),(4,'-- no /* no */ # no'),(5,NULL),(6,_binary 'b\\0\\\\'),(-7,'😀')|7".replace(
        '😀',
        Buffer.from('😀').toString('latin1'),
      ),
      "R t;1 INSERT INTO `t;1` (`a`, `b``q`) VALUES\n|(8,'\\n\\r\\Z'),\n(9,'\"')|2",
      "S /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER tr BEFORE INSERT ON `t;1` FOR EACH ROW BEGIN SET NEW.b = 'x;y'; SET NEW.a = 1; END */",
      'S SELECT 1',
    ]);
    // Offsets point at the statement's first byte in the input.
    for (const p of pieces) {
      const first = p.kind === 'statement' ? p.sql : p.prefix;
      const n = Math.min(10, first.length);
      expect(SAMPLE.subarray(p.offset, p.offset + n)).toEqual(first.subarray(0, n));
    }
  });

  it('gives the same pieces however the input is cut (1 byte, 3 bytes, random), rows grouped or not', async () => {
    const whole = show(split(SAMPLE, () => SAMPLE.length, 16));
    expect(show(split(SAMPLE, () => 1, 16))).toEqual(whole);
    expect(show(split(SAMPLE, () => 3, 16))).toEqual(whole);
    let x = 7;
    expect(show(split(SAMPLE, () => ((x = (x * 1103515245 + 12345) % 2147483648), x % 50), 16))).toEqual(
      whole,
    );
    // Row groups of ≥16 bytes: every group is whole rows, and together they are the INSERT's rows.
    const groups = split(SAMPLE, () => 5, 16).filter((p) => p.kind === 'rows');
    expect(groups.length).toBeGreaterThan(4);
    expect(groups.reduce((n, p) => n + (p.kind === 'rows' ? p.rowCount : 0), 0)).toBe(9);
    for (const g of groups) if (g.kind === 'rows') expect(g.rows.toString('latin1')).toMatch(/^\(.*\)$/s);
  });

  it('splits a very long one-line INSERT into bounded row groups without holding the statement', () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `(${i},'row ${i} it\\'s',${i % 7 ? 'NULL' : "'x),(y'"})`,
    );
    const insert = Buffer.from(`INSERT INTO \`big\` VALUES ${rows.join(',')};\n`);
    const pieces = split(insert, () => 64 * 1024, 32 * 1024);
    expect(pieces.every((p) => p.kind === 'rows' && p.rows.length < 33 * 1024)).toBe(true);
    expect(pieces.reduce((n, p) => n + (p.kind === 'rows' ? p.rowCount : 0), 0)).toBe(20_000);
    expect(pieces.map((p) => (p.kind === 'rows' ? p.rows.toString() : '')).join(',')).toBe(rows.join(','));
  });

  it('marks row groups whose values LOAD DATA can read as they are (plain), per group and however cut', () => {
    const plain = [
      "(1,'a'),(2,NULL),(-3.5e-7,'x),(y'),(4,'it\\'s \"q\" NULL')",
      "(1,''),(+2,'NULL'),(3.25,'\\0\\n')",
    ];
    const not = [
      '(1,0x4142)', // hex literal
      "(1,b'101')", // bit literal
      "(1,_binary 'x')", // charset introducer
      '(1,"double quoted")',
      "(1,CONCAT('a','b'))", // an expression
      "(1, 'spaced')",
    ];
    const dump = [...plain, ...not].map((rows) => `INSERT INTO \`t\` VALUES ${rows};`).join('\n');
    for (const chunking of [() => 1, () => 7, () => 1 << 20]) {
      const pieces = split(Buffer.from(dump), chunking);
      expect(pieces.map((p) => p.kind === 'rows' && p.plain)).toEqual([
        ...plain.map(() => true),
        ...not.map(() => false),
      ]);
    }
    // Cut into row groups: only the group holding the hex value is not plain.
    const rows = Array.from({ length: 300 }, (_, i) => (i === 150 ? `(${i},0x00)` : `(${i},'v${i}')`));
    const groups = split(Buffer.from(`INSERT INTO \`t\` VALUES ${rows.join(',')};`), () => 100, 400);
    const flags = groups.map((p) => p.kind === 'rows' && p.plain);
    expect(flags.filter((f) => !f)).toHaveLength(1);
    const bad = groups[flags.indexOf(false)]!;
    expect(bad.kind === 'rows' && bad.rows.includes('0x00')).toBe(true);
  });

  it('names the byte offset and the statement of a truncated or malformed dump', () => {
    const cut = SAMPLE.subarray(0, SAMPLE.indexOf("'it''s'") + 3);
    const err = (() => {
      try {
        split(cut, () => 100);
      } catch (e) {
        return e as DumpFormatError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(DumpFormatError);
    expect(err.message).toMatch(
      /ends inside a quoted string opened at byte \d+ \(statement at byte \d+: "INSERT INTO `t;1` VALUES/,
    );
    expect(err.offset).toBe(SAMPLE.indexOf("'it''s'"));
    expect(() => split(Buffer.from('SET a = 1;\nCREATE TABLE x (a int)'), () => 4)).toThrow(
      /ends in the middle of a statement at byte 11 \("CREATE TABLE x \(a int\)"\)/,
    );
    expect(() => split(Buffer.from('INSERT INTO t VALUES (1,(2);'), () => 4)).toThrow(
      /unbalanced parentheses.*at byte 0/,
    );
    expect(() => split(Buffer.from('SELECT 1; /* never closed'), () => 4)).toThrow(
      /inside a \/\* comment \*\//,
    );
  });

  it('splits post-restore SQL scripts the same way (the last statement may lack its ;)', () => {
    expect(
      splitScript(
        "UPDATE a SET b = ';';\nDELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\nSELECT 2\n",
      ),
    ).toEqual(["UPDATE a SET b = ';'", 'CREATE PROCEDURE p() BEGIN SELECT 1; END', 'SELECT 2']);
  });

  it('reads a long dump the same in 1 MiB chunks and in 4 KiB chunks', () => {
    const big = Buffer.concat(Array.from({ length: 200 }, () => Buffer.concat([SAMPLE, Buffer.from('\n')])));
    const pieces = split(big, () => 4096, 1024);
    expect(pieces.length).toBe(200 * 6);
    expect(show(pieces)).toEqual(show(split(big, () => 1 << 20, 1024)));
  });
});

describe('statement rules', () => {
  const kind = (sql: string) => classifyStatement(Buffer.from(sql));
  it('classifies mysqldump statements', () => {
    expect(kind('/*!40101 SET NAMES utf8mb4 */')).toEqual({ kind: 'set' });
    expect(kind("SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ 'x:1-5'").kind).toBe('skip');
    expect(kind('SET @@SESSION.SQL_LOG_BIN= 0').kind).toBe('skip');
    expect(kind('SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN')).toEqual({ kind: 'set' });
    expect(kind('LOCK TABLES `t` WRITE').kind).toBe('skip');
    expect(kind('/*!40000 ALTER TABLE `t` DISABLE KEYS */').kind).toBe('skip');
    expect(kind('CREATE TABLE `mdl_x` (\n id int)')).toEqual({
      kind: 'table-ddl',
      table: 'mdl_x',
      create: true,
    });
    expect(kind('DROP TABLE IF EXISTS `mdl_x`')).toEqual({
      kind: 'table-ddl',
      table: 'mdl_x',
      create: false,
    });
    expect(
      kind(
        '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `tr_view` BEFORE INSERT ON t FOR EACH ROW CALL p() */',
      ),
    ).toEqual({
      kind: 'post-data',
      trigger: 'tr_view',
    });
    expect(
      kind(
        '/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n/*!50001 VIEW `v` AS select 1 */',
      ),
    ).toEqual({ kind: 'post-data' });
    expect(kind('/*!50001 DROP VIEW IF EXISTS `v`*/')).toEqual({ kind: 'post-data' });
    expect(kind('CREATE DEFINER=`a`@`%` PROCEDURE `p`() BEGIN END')).toEqual({ kind: 'post-data' });
    expect(kind('CREATE DATABASE /*!32312 IF NOT EXISTS*/ `prod`').kind).toBe('skip');
    expect(kind('USE `prod`').kind).toBe('skip');
    expect(kind('ALTER TABLE `t` ADD KEY (a)')).toEqual({ kind: 'other' });
  });

  it('rewrites or drops DEFINER clauses, and maps collations as whole words', () => {
    const sql =
      "/*!50013 DEFINER=`rdsadmin`@`localhost` SQL SECURITY DEFINER */ CREATE DEFINER='x'@'%' PROCEDURE p() SELECT 'DEFINER'";
    expect(rewriteDefiner(sql, 'rewrite')).toBe(
      "/*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */ CREATE DEFINER=CURRENT_USER PROCEDURE p() SELECT 'DEFINER'",
    );
    expect(rewriteDefiner(sql, 'drop')).toBe(
      "/*!50013  SQL SECURITY DEFINER */ CREATE  PROCEDURE p() SELECT 'DEFINER'",
    );
    const map = new Map([['utf8mb4_0900_ai_ci', 'utf8mb4_unicode_ci']]);
    expect(mapCollations('COLLATE=utf8mb4_0900_ai_ci, utf8mb4_0900_ai_ci_x', map)).toBe(
      'COLLATE=utf8mb4_unicode_ci, utf8mb4_0900_ai_ci_x',
    );
  });
});
