// What a dump statement is, and how it is changed for a target without SUPER (Aurora) or without a
// collation (MariaDB): mysqldump's own forms, read from the text of the statement's head.
import { SQL_IDENTIFIER, unquoteIdentifier } from './splitter.js';

export type StatementKind =
  /** Session settings: run on every connection, in dump order. */
  | { kind: 'set' }
  /** DROP TABLE / CREATE TABLE of one table. */
  | { kind: 'table-ddl'; table: string; create: boolean }
  /** Views, triggers, routines, events: run after all data, in dump order. */
  | { kind: 'post-data'; trigger?: string }
  /** Not sent, with the reason shown once. */
  | { kind: 'skip'; reason: string }
  /** Anything else: run in order once the data before it is in. */
  | { kind: 'other' };

const IDENT = `(${SQL_IDENTIFIER})`;
const QUALIFIED = `(?:${IDENT}\\s*\\.\\s*)?${IDENT}`;

/** The statement's head with executable-comment markers removed: `/*!50003 CREATE*\/` → `CREATE`. */
export function statementHead(sql: Buffer, max = 600): string {
  return sql
    .subarray(0, max)
    .toString('latin1')
    .replace(/\/\*M?!\d*/g, ' ')
    .replace(/\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// A quoted part of an account name: `…` with `` inside, '…' or "…" with a doubled quote or a
// backslash escape inside (the SQL forms of a name, MariaDB "Identifier Names" and "String Literals").
const QUOTED_NAME = /`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/.source;
/** `DEFINER = user[@host]` or `DEFINER = CURRENT_USER[()]`, spaces allowed around `=`, `@` and `()`. */
const DEFINER_CLAUSE = String.raw`DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|(?:${QUOTED_NAME}|[\w.$-]+)(?:\s*@\s*(?:${QUOTED_NAME}|[\w.%$:-]+))?)`;
const DEFINER = new RegExp(DEFINER_CLAUSE, 'gi');

const CREATE_TABLE = new RegExp(
  String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`,
  'i',
);
const DROP_TABLE = new RegExp(String.raw`^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${QUALIFIED}\s*$`, 'i');
const CREATE_TRIGGER = new RegExp(
  String.raw`^CREATE\s+(?:${DEFINER_CLAUSE}\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`,
  'i',
);
const POST_DATA = new RegExp(
  String.raw`^(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:${DEFINER_CLAUSE}\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?(?:AGGREGATE\s+)?(?:VIEW|PROCEDURE|FUNCTION|EVENT|TRIGGER)\b`,
  'i',
);

const name = (m: RegExpExecArray, at: number) => unquoteIdentifier(m[at + 1] ?? m[at]!);

export function classifyStatement(sql: Buffer): StatementKind {
  const head = statementHead(sql);
  if (/^SET\b/i.test(head)) {
    if (/GTID_PURGED/i.test(head))
      return { kind: 'skip', reason: 'SET @@GLOBAL.GTID_PURGED needs SUPER and is about the source server' };
    if (/\bSQL_LOG_BIN\s*=/i.test(head))
      return {
        kind: 'skip',
        reason: 'SET SQL_LOG_BIN needs SUPER (binary logging stays as the server has it)',
      };
    return { kind: 'set' };
  }
  if (/^(?:LOCK|UNLOCK)\s+TABLES?\b/i.test(head))
    return { kind: 'skip', reason: 'LOCK/UNLOCK TABLES: tables are loaded in parallel transactions instead' };
  if (/^ALTER\s+TABLE\s+\S+\s+(?:DISABLE|ENABLE)\s+KEYS\b/i.test(head))
    return { kind: 'skip', reason: 'ALTER TABLE … DISABLE/ENABLE KEYS only affects MyISAM' };
  if (/^(?:CREATE\s+DATABASE|USE\s)/i.test(head))
    return {
      kind: 'skip',
      reason: 'CREATE DATABASE / USE in the dump: the restore writes into the database it is given',
    };
  if (/^ALTER\s+DATABASE\b/i.test(head))
    return {
      kind: 'skip',
      reason: 'ALTER DATABASE names the source database; the target is created utf8mb4',
    };
  let m = CREATE_TABLE.exec(head);
  if (m) return { kind: 'table-ddl', table: name(m, 1), create: true };
  m = DROP_TABLE.exec(head);
  if (m) return { kind: 'table-ddl', table: name(m, 1), create: false };
  m = CREATE_TRIGGER.exec(head);
  if (m) return { kind: 'post-data', trigger: name(m, 1) };
  if (POST_DATA.test(head)) return { kind: 'post-data' };
  return { kind: 'other' };
}

/** A name as read from the dump's bytes (one latin1 character per byte) → its UTF-8 text. */
export const wireToText = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

export type DefinerMode = 'rewrite' | 'drop';

/**
 * DEFINER=`someone`@`host` needs SUPER (SET USER on MariaDB) unless it is the restoring user: point
 * it at CURRENT_USER, or drop it (the object's definer is then the restoring user too).
 */
export function rewriteDefiner(sql: string, mode: DefinerMode): string {
  return sql.replace(DEFINER, mode === 'rewrite' ? 'DEFINER=CURRENT_USER' : '');
}

/** Whole-word collation (and its charset's default) replacement, e.g. utf8mb4_0900_ai_ci → utf8mb4_unicode_ci. */
export function mapCollations(sql: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return sql;
  let out = sql;
  for (const [from, to] of map)
    out = out.replace(new RegExp(`\\b${from.replace(/[^\w]/g, '\\$&')}\\b`, 'gi'), to);
  return out;
}

/** MyISAM and Aria tables are loaded as InnoDB: only a transactional table can be resumed exactly. */
export function mapEngine(sql: string): { sql: string; changed: boolean } {
  const out = sql.replace(/\bENGINE\s*=\s*(?:MyISAM|Aria)\b/gi, 'ENGINE=InnoDB');
  return { sql: out, changed: out !== sql };
}

/** `AUTO_INCREMENT=N` of a CREATE TABLE, to set again after a resume (a rolled-back chunk moves it). */
export function autoIncrementOf(sql: string): number | undefined {
  const m = /\bAUTO_INCREMENT\s*=\s*(\d+)/i.exec(sql.slice(sql.lastIndexOf(')')));
  return m ? Number(m[1]) : undefined;
}

/**
 * A CREATE TABLE without its plain secondary indexes (`KEY`/`INDEX` lines as mysqldump writes them,
 * one per line), and those index definitions, to be added after the rows (a sorted index build).
 * PRIMARY, UNIQUE, FULLTEXT and SPATIAL keys and foreign keys stay.
 */
export function splitSecondaryKeys(sql: string): { sql: string; keys: string[] } {
  const lines = sql.split('\n');
  const keys: string[] = [];
  const kept: string[] = [];
  for (const line of lines) {
    const m = /^\s+((?:KEY|INDEX)\s+`(?:[^`]|``)+`\s*\(.*\)[^,]*?),?\s*$/i.exec(line);
    if (m && !/\bUSING\s+HASH\b/i.test(line)) keys.push(m[1]!.trim());
    else kept.push(line);
  }
  if (!keys.length) return { sql, keys };
  // The line before the closing `)` must not end with a comma any more.
  const close = kept.findIndex((l) => /^\)/.test(l));
  if (close > 0) kept[close - 1] = kept[close - 1]!.replace(/,\s*$/, '');
  return { sql: kept.join('\n'), keys };
}

/** The name of a `KEY `name` (…)` definition. */
export function keyName(definition: string): string {
  const m = /^(?:KEY|INDEX)\s+`((?:[^`]|``)+)`/i.exec(definition);
  return m ? m[1]!.replace(/``/g, '`') : '';
}
