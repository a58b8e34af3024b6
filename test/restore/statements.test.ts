// The statement rules one form at a time: what a dump statement is taken for decides whether it is
// sent, skipped (with its reason), held until the data is in, or changed on its way (DEFINER,
// collations, engine, secondary keys). Each case is a form mysqldump or mariadb-dump writes, or the
// near miss that must not be taken for it.
import { describe, expect, it } from '@jest/globals';
import {
  autoIncrementOf,
  classifyStatement,
  keyName,
  mapCollations,
  mapEngine,
  rewriteDefiner,
  splitSecondaryKeys,
  statementHead,
  wireToText,
} from '../../packages/core/src/restore/statements.js';

const kind = (sql: string) => classifyStatement(Buffer.from(sql, 'latin1'));

describe('statementHead', () => {
  it('drops executable-comment markers (MySQL and MariaDB forms), folds whitespace and trims', () => {
    expect(statementHead(Buffer.from('/*!50003 CREATE*/ /*!50017 DEFINER=`a`@`b`*/\n\t TRIGGER  x */'))).toBe(
      'CREATE DEFINER=`a`@`b` TRIGGER x',
    );
    expect(statementHead(Buffer.from('/*M!100100 SET a=1 */  '))).toBe('SET a=1');
    expect(statementHead(Buffer.from('/*! SET b=2*/'))).toBe('SET b=2');
    // A marker or a comment's end written with no space beside it still separates two words.
    expect(statementHead(Buffer.from('CREATE/*!50017DEFINER=`u`@`h`*/TRIGGER `tr`'))).toBe(
      'CREATE DEFINER=`u`@`h` TRIGGER `tr`',
    );
  });

  it('reads only the first bytes of a statement (600 unless told)', () => {
    expect(statementHead(Buffer.from(`SET a='${'x'.repeat(1000)}'`))).toHaveLength(600);
    expect(statementHead(Buffer.from('CREATE TABLE t'), 6)).toBe('CREATE');
    // Whatever comes after the head cannot change what a statement is.
    expect(kind(`${' '.repeat(600)}SET a = 1`)).toEqual({ kind: 'other' });
  });
});

describe('classifyStatement', () => {
  it('session settings are run on every connection; the two that need SUPER are skipped', () => {
    expect(kind('set names utf8mb4')).toEqual({ kind: 'set' });
    expect(kind('SET time_zone = "+00:00"')).toEqual({ kind: 'set' });
    expect(kind('SETX = 1')).toEqual({ kind: 'other' });
    expect(kind("set @@global.gtid_purged='x:1-5'")).toEqual({
      kind: 'skip',
      reason: 'SET @@GLOBAL.GTID_PURGED needs SUPER and is about the source server',
    });
    expect(kind('SET @@SESSION.SQL_LOG_BIN = 0')).toEqual({
      kind: 'skip',
      reason: 'SET SQL_LOG_BIN needs SUPER (binary logging stays as the server has it)',
    });
    expect(kind('set sql_log_bin=0').kind).toBe('skip');
    // Only the variable itself: another variable whose name ends in it, or a read of it, is a setting.
    expect(kind('SET @MY_SQL_LOG_BIN= 1')).toEqual({ kind: 'set' });
    expect(kind('SET @OLD = @@SQL_LOG_BIN')).toEqual({ kind: 'set' });
  });

  it('table locks, MyISAM key switches, the source database and its options are skipped', () => {
    for (const sql of ['LOCK TABLES `t` WRITE', 'LOCK TABLE `t` WRITE', 'unlock tables']) {
      expect(kind(sql)).toEqual({
        kind: 'skip',
        reason: 'LOCK/UNLOCK TABLES: tables are loaded in parallel transactions instead',
      });
    }
    expect(kind('LOCK TABLESPACE x').kind).toBe('other');
    for (const sql of ['/*!40000 ALTER TABLE `t` ENABLE KEYS */', 'alter table t disable keys']) {
      expect(kind(sql)).toEqual({
        kind: 'skip',
        reason: 'ALTER TABLE … DISABLE/ENABLE KEYS only affects MyISAM',
      });
    }
    expect(kind('ALTER TABLE `t` DISABLE KEYSET').kind).toBe('other');
    expect(kind('ALTER TABLE `t` ADD KEY `k` (a)').kind).toBe('other');
    for (const sql of [
      'CREATE DATABASE `prod`',
      'create database if not exists prod',
      'USE `prod`',
      'use\tprod',
    ]) {
      expect(kind(sql)).toEqual({
        kind: 'skip',
        reason: 'CREATE DATABASE / USE in the dump: the restore writes into the database it is given',
      });
    }
    expect(kind('USEFUL_THING()').kind).toBe('other');
    expect(kind('/*!40100 ALTER DATABASE `prod` CHARACTER SET latin1 */')).toEqual({
      kind: 'skip',
      reason: 'ALTER DATABASE names the source database; the target is created utf8mb4',
    });
    expect(kind('ALTER DATABASES x').kind).toBe('other');
  });

  it('CREATE TABLE in every form names its table, unquoted, without the schema', () => {
    const created = (table: string) => ({ kind: 'table-ddl', table, create: true });
    expect(kind('CREATE TABLE `mdl_user` (\n  `id` bigint)')).toEqual(created('mdl_user'));
    expect(kind('create table mdl_user (id int)')).toEqual(created('mdl_user'));
    expect(kind('CREATE OR REPLACE TABLE `a``b` (id int)')).toEqual(created('a`b'));
    expect(kind('CREATE TABLE IF NOT EXISTS `prod` . `mdl_log` (id int)')).toEqual(created('mdl_log'));
    expect(kind('CREATE TABLE prod.mdl_log (id int)')).toEqual(created('mdl_log'));
    expect(kind('CREATE  TEMPORARY TABLE t (id int)').kind).toBe('other');
  });

  it('DROP TABLE of one table names it; a DROP of several is sent as it is', () => {
    const dropped = (table: string) => ({ kind: 'table-ddl', table, create: false });
    expect(kind('DROP TABLE IF EXISTS `mdl_user`')).toEqual(dropped('mdl_user'));
    expect(kind('drop table `prod`.`mdl_user` ')).toEqual(dropped('mdl_user'));
    expect(kind('DROP TABLE mdl_user')).toEqual(dropped('mdl_user'));
    expect(kind('DROP TABLE `a`, `b`')).toEqual({ kind: 'other' });
  });

  it('triggers are held until the data is in, named; views, routines and events are held too', () => {
    expect(kind('CREATE TRIGGER `prod`.`tr_a` BEFORE INSERT ON t FOR EACH ROW SET @x = 1')).toEqual({
      kind: 'post-data',
      trigger: 'tr_a',
    });
    expect(
      kind('create definer = `u`@`%` trigger if not exists tr_b AFTER UPDATE ON t FOR EACH ROW SET @x = 1'),
    ).toEqual({ kind: 'post-data', trigger: 'tr_b' });
    const held = { kind: 'post-data' };
    for (const sql of [
      'DROP TRIGGER IF EXISTS `tr_a`',
      'CREATE OR REPLACE ALGORITHM=MERGE DEFINER=`u`@`%` SQL SECURITY INVOKER VIEW `v` AS SELECT 1',
      'CREATE VIEW `v` AS SELECT 1',
      'DROP PROCEDURE IF EXISTS `p`',
      'CREATE FUNCTION `f`() RETURNS int RETURN 1',
      'CREATE DEFINER=`u`@`%` AGGREGATE FUNCTION `g`(x int) RETURNS int BEGIN END',
      'CREATE DEFINER=`u`@`%` EVENT `e` ON SCHEDULE EVERY 1 DAY DO SELECT 1',
      'drop event `e`',
    ])
      expect(kind(sql)).toEqual(held);
    expect(kind('CREATE VIEWS x').kind).toBe('other');
    expect(kind('CREATE INDEX `k` ON t (a)').kind).toBe('other');
  });

  it('anything else is sent in order', () => {
    expect(kind('INSERT INTO `t` VALUES (1)')).toEqual({ kind: 'other' });
    expect(kind('')).toEqual({ kind: 'other' });
  });

  it('a form counts only where the statement begins: the same words later in it are data', () => {
    // A row whose text holds a statement is a row: skipping it, holding it back or taking it for
    // a table's DDL would lose or reorder data.
    for (const words of [
      'SET x = 1',
      'LOCK TABLES `t` WRITE',
      'ALTER TABLE `t` DISABLE KEYS',
      'CREATE DATABASE `prod`',
      'USE prod',
      'ALTER DATABASE `prod` CHARACTER SET latin1',
      'CREATE TABLE `t` (id int)',
      'CREATE DEFINER=`u`@`%` TRIGGER `tr` BEFORE INSERT ON t FOR EACH ROW SET @x = 1',
      'CREATE VIEW `v` AS SELECT 1',
    ])
      expect(kind(`INSERT INTO \`mdl_log\` VALUES (1,'${words}')`)).toEqual({ kind: 'other' });
    // DROP TABLE must also end the head, so its near miss ends with the name.
    expect(kind('ALTER TABLE `t` DROP TABLE x')).toEqual({ kind: 'other' });
  });

  it('reads a DEFINER with spaces around = and @ (a dump edited by hand or written by another tool)', () => {
    // Taken for "other", such a view ran in dump order with its definer kept (SUPER needed).
    expect(
      kind('CREATE ALGORITHM = MERGE DEFINER = `u` @ `%` SQL SECURITY DEFINER VIEW `v` AS SELECT 1'),
    ).toEqual({ kind: 'post-data' });
    expect(
      kind('CREATE DEFINER = `u` @ `%` TRIGGER `tr` BEFORE INSERT ON t FOR EACH ROW SET @x = 1'),
    ).toEqual({
      kind: 'post-data',
      trigger: 'tr',
    });
    expect(rewriteDefiner('CREATE DEFINER = `u` @ `%` VIEW v AS SELECT 1', 'rewrite')).toBe(
      'CREATE DEFINER=CURRENT_USER VIEW v AS SELECT 1',
    );
  });
});

describe('rewriteDefiner', () => {
  it('replaces every form of a definer, and only definers', () => {
    const forms = [
      'DEFINER=`root`@`localhost`',
      "DEFINER = 'ad''min'@'10.0.%'",
      'definer="a\\"b"@"h"',
      'DEFINER="a""b"@"h"',
      'DEFINER=root@localhost',
      'DEFINER=`rdsadmin`@`%`',
      'DEFINER=CURRENT_USER',
      'DEFINER=CURRENT_USER()',
      'DEFINER=CURRENT_USER ( )',
      'DEFINER=`only_user`',
      'DEFINER=app@host.example:3306',
    ];
    for (const form of forms) {
      expect(rewriteDefiner(`CREATE ${form} VIEW v AS SELECT 1`, 'rewrite')).toBe(
        'CREATE DEFINER=CURRENT_USER VIEW v AS SELECT 1',
      );
      expect(rewriteDefiner(`CREATE ${form} VIEW v AS SELECT 1`, 'drop')).toBe('CREATE  VIEW v AS SELECT 1');
    }
    expect(rewriteDefiner('CREATE DEFINER=`a`@`b` VIEW v AS SELECT 1 UNION SELECT 2', 'rewrite')).toBe(
      'CREATE DEFINER=CURRENT_USER VIEW v AS SELECT 1 UNION SELECT 2',
    );
    expect(rewriteDefiner('SELECT definer_name FROM t', 'rewrite')).toBe('SELECT definer_name FROM t');
  });
});

describe('mapCollations, mapEngine, wireToText', () => {
  it('maps each collation named, as a whole word in any case, and nothing else', () => {
    const map = new Map([
      ['utf8mb4_0900_ai_ci', 'utf8mb4_unicode_ci'],
      ['x.y', 'z'],
    ]);
    expect(mapCollations('a UTF8MB4_0900_AI_CI b utf8mb4_0900_ai_ci', map)).toBe(
      'a utf8mb4_unicode_ci b utf8mb4_unicode_ci',
    );
    // Characters special in a pattern stand for themselves.
    expect(mapCollations('x.y xay x.yy', map)).toBe('z xay x.yy');
    expect(mapCollations('utf8mb4_0900_ai_ci', new Map())).toBe('utf8mb4_0900_ai_ci');
  });

  it('loads MyISAM and Aria tables as InnoDB and says when it changed one', () => {
    expect(mapEngine(') ENGINE=MyISAM DEFAULT CHARSET=utf8mb4')).toEqual({
      sql: ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
      changed: true,
    });
    expect(mapEngine(') engine = aria')).toEqual({ sql: ') ENGINE=InnoDB', changed: true });
    expect(mapEngine(') ENGINE=InnoDB')).toEqual({ sql: ') ENGINE=InnoDB', changed: false });
    expect(mapEngine(') ENGINE=MyISAMX')).toEqual({ sql: ') ENGINE=MyISAMX', changed: false });
    expect(mapEngine(') XENGINE=MyISAM').changed).toBe(false);
  });

  it('reads a name written as bytes (latin1) as the UTF-8 it is', () => {
    expect(wireToText(Buffer.from('mdl_café', 'utf8').toString('latin1'))).toBe('mdl_café');
  });
});

describe('autoIncrementOf', () => {
  it("reads the table's AUTO_INCREMENT option, not a column's attribute or a comment inside the columns", () => {
    expect(
      autoIncrementOf(
        "CREATE TABLE t (\n  id bigint NOT NULL AUTO_INCREMENT COMMENT 'AUTO_INCREMENT=5',\n  PRIMARY KEY (id)\n) ENGINE=InnoDB AUTO_INCREMENT = 42 DEFAULT CHARSET=utf8mb4",
      ),
    ).toBe(42);
    expect(
      autoIncrementOf("CREATE TABLE t (id int AUTO_INCREMENT COMMENT 'AUTO_INCREMENT=5') ENGINE=InnoDB"),
    ).toBe(undefined);
    expect(autoIncrementOf('CREATE TABLE t (id int) engine=InnoDB auto_increment=7')).toBe(7);
    expect(autoIncrementOf('CREATE TABLE t (id int) ENGINE=InnoDB MY_AUTO_INCREMENT=7')).toBe(undefined);
  });
});

describe('splitSecondaryKeys', () => {
  const table = [
    'CREATE TABLE `t` (',
    '  `id` bigint NOT NULL,',
    '  `a` int,',
    '  PRIMARY KEY (`id`),',
    '  UNIQUE KEY `u` (`a`),',
    '  KEY `k_a` (`a`),',
    "  INDEX `k``b` (`a`,`id`) COMMENT 'two',",
    '  FULLTEXT KEY `f` (`a`),',
    // Kept (a hash index is not built by sorting), and the last line kept: a comma inside it stays,
    // the one at its end (trailing blanks too) goes.
    '  KEY `h` (`a`,`id`) USING  HASH, ',
    '  KEY `k_last` (`id`)',
    ') ENGINE=InnoDB',
  ].join('\n');

  it('holds back plain KEY/INDEX lines and keeps every other key, the table still valid', () => {
    const { sql, keys } = splitSecondaryKeys(table);
    expect(keys).toEqual(['KEY `k_a` (`a`)', "INDEX `k``b` (`a`,`id`) COMMENT 'two'", 'KEY `k_last` (`id`)']);
    expect(sql).toBe(
      [
        'CREATE TABLE `t` (',
        '  `id` bigint NOT NULL,',
        '  `a` int,',
        '  PRIMARY KEY (`id`),',
        '  UNIQUE KEY `u` (`a`),',
        '  FULLTEXT KEY `f` (`a`),',
        // The last line kept before `)` loses its comma.
        '  KEY `h` (`a`,`id`) USING  HASH',
        ') ENGINE=InnoDB',
      ].join('\n'),
    );
  });

  it('holds back a key line spaced as a person might write it', () => {
    const spaced = 'CREATE TABLE `t` (\n  `a` int,\n  KEY  `k1`(`a`),\n  KEY `k2`  (`a`)\n)';
    expect(splitSecondaryKeys(spaced)).toEqual({
      sql: 'CREATE TABLE `t` (\n  `a` int\n)',
      keys: ['KEY  `k1`(`a`)', 'KEY `k2`  (`a`)'],
    });
    expect(keyName('KEY  `k1`(`a`)')).toBe('k1');
  });

  it('leaves a table without secondary keys exactly as it is', () => {
    const plain = 'CREATE TABLE `t` (\n  `id` int,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB';
    expect(splitSecondaryKeys(plain)).toEqual({ sql: plain, keys: [] });
    // A column whose name begins with KEY is not a key.
    const column = 'CREATE TABLE `t` (\n  `id` int,\n  keyword int\n)';
    expect(splitSecondaryKeys(column)).toEqual({ sql: column, keys: [] });
  });

  it('names a held key, its doubled backticks undone', () => {
    expect(keyName('KEY `k_a` (`a`)')).toBe('k_a');
    expect(keyName("index `k``b` (`a`) COMMENT 'two'")).toBe('k`b');
    expect(keyName('UNIQUE KEY `u` (`a`)')).toBe('');
  });
});
