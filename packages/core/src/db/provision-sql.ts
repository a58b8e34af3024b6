// The SQL that converges a site's databases and its user, as values with no I/O: the direct mysql2
// path, the in-VPC SqlTask and dry-run all build, read and diff through this one module.
import { ConfigurationError } from '../errors.js';
import { MAX_DB_NAME_LENGTH, MAX_DB_USER_LENGTH, MYSQL_IDENTIFIER } from '../naming.js';
import type { PlannedResources } from '../plan/site-plan.js';

export type DatabasesSpec = PlannedResources['databases']['spec'];
export type DatabaseSpec = DatabasesSpec['databases'][number];
export type DbUserSpec = PlannedResources['dbUser']['spec'];

/** What one site needs on the server: the plan's `databases` list and its `dbUser`. */
export interface ProvisionTarget {
  databases: readonly DatabaseSpec[];
  user: DbUserSpec;
}

/** The target of a plan: `provisionTarget(plan.resources)`. */
export function provisionTarget(resources: Pick<PlannedResources, 'databases' | 'dbUser'>): ProvisionTarget {
  return { databases: resources.databases.spec.databases, user: resources.dbUser.spec };
}

/**
 * Stands, unquoted, where the quoted password goes in `CREATE USER`. Unquoted on purpose: if it is
 * ever sent without being substituted the server rejects the statement instead of setting a
 * password of that literal text.
 */
export const PASSWORD_PLACEHOLDER = '@@SITE_DB_PASSWORD@@';

/**
 * A site's DB password: generated once in Secrets Manager with letters and digits only, which is what
 * makes a plain text substitution in the SqlTask's shell safe. Anything else is refused, not escaped.
 */
export const SITE_DB_PASSWORD = /^[A-Za-z0-9]{16,128}$/;

/**
 * The database-level privileges `GRANT ALL PRIVILEGES ON db.*` gives on both MySQL 8 and MariaDB.
 * Servers add their own on top (MariaDB's DELETE HISTORY); a grant holding at least these is "all".
 */
export const ALL_DATABASE_PRIVILEGES: readonly string[] = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
];

export interface ProvisionStatement {
  kind: 'create-database' | 'create-user' | 'grant';
  /** The database or account it is about. */
  subject: string;
  /** One line for the log, dry-run and the step summary; never holds the password. */
  action: string;
  /** `create-user` holds PASSWORD_PLACEHOLDER where the quoted password goes. */
  sql: string;
}

/** What exists on the server for one target, as read by `stateQueries`. */
export interface ProvisionState {
  databases: { name: string; characterSet: string; collation: string }[];
  userExists: boolean;
  /** Schema patterns (as stored: `moodle\_db` or `moodle_db`) the user holds privileges on. */
  grants: { schema: string; privileges: string[] }[];
}

export interface ProvisionDiff {
  /** What must run to converge, in order; empty when everything is there. */
  statements: ProvisionStatement[];
  /** What is already there, one line each. */
  unchanged: string[];
  /** Differences left alone on purpose (an existing database's charset), one line each. */
  warnings: string[];
}

/** The outcome of provisioning, the same for the direct path and the SqlTask. */
export interface ProvisionResult {
  changed: boolean;
  /** What was done, one line each, in order; empty when everything was there. */
  actions: string[];
  /** What was already there. */
  unchanged: string[];
  /** Differences left alone on purpose: charset of an existing database, a drifted password. */
  warnings: string[];
}

const COLLATION = /^utf8mb4_[a-z0-9_]+$/;

/**
 * Checks every name that will be spliced into SQL, again: the settings validator already did, but this
 * module must not depend on every caller having used it. Throws one ConfigurationError with all problems.
 */
export function checkProvisionTarget(target: ProvisionTarget): void {
  const problems: string[] = [];
  const identifier = (what: string, name: string, max: number) => {
    if (typeof name !== 'string' || !MYSQL_IDENTIFIER.test(name))
      problems.push(
        `${what} ${JSON.stringify(name)} must be letters, digits and underscores (not all digits)`,
      );
    else if (name.length > max) problems.push(`${what} ${name} is longer than ${max} characters`);
  };
  if (target.databases.length === 0) problems.push('no database to provision');
  for (const db of target.databases) {
    identifier('database name', db.name, MAX_DB_NAME_LENGTH);
    if (db.characterSet !== 'utf8mb4')
      problems.push(`database ${db.name}: character set must be utf8mb4, not ${String(db.characterSet)}`);
    if (typeof db.collation !== 'string' || !COLLATION.test(db.collation))
      problems.push(
        `database ${db.name}: collation ${JSON.stringify(db.collation)} is not a utf8mb4 collation`,
      );
  }
  identifier('database user', target.user.name, MAX_DB_USER_LENGTH);
  if (target.user.host !== '%')
    problems.push(`database user host must be '%', not ${String(target.user.host)}`);
  const names = new Set(target.databases.map((d) => d.name));
  for (const g of target.user.grants) {
    identifier('granted database', g.database, MAX_DB_NAME_LENGTH);
    if (g.privileges !== 'ALL PRIVILEGES')
      problems.push(`grant on ${g.database}: only ALL PRIVILEGES is supported, not ${String(g.privileges)}`);
    if (!names.has(g.database)) problems.push(`grant on ${g.database}: that database is not provisioned`);
  }
  if (problems.length > 0)
    throw new ConfigurationError(`cannot provision the site's databases:\n- ${problems.join('\n- ')}`);
}

/** Refuses a password outside the site alphabet; the message never contains the password. */
export function checkSitePassword(password: string): void {
  if (typeof password !== 'string' || !SITE_DB_PASSWORD.test(password))
    throw new ConfigurationError(
      "the site's DB password must be 16 to 128 letters and digits (generate it with ExcludePunctuation); " +
        'the secret holds something else',
    );
}

/** A backtick-quoted identifier; callers pass only names that passed `checkProvisionTarget`. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A single-quoted SQL string literal for a validated name (no backslashes or quotes can reach it). */
function quoteName(name: string): string {
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * In a database-level GRANT, `_` and `%` are wildcards: `moodle_db` also matches `moodleXdb`. Escaped,
 * the grant covers exactly one database on MySQL 8 (with partial_revokes on or off) and MariaDB.
 */
export function grantSchema(database: string): string {
  return database.replace(/[\\_%]/g, '\\$&');
}

export function accountName(user: DbUserSpec): string {
  return `${quoteIdentifier(user.name)}@${quoteIdentifier(user.host)}`;
}

/**
 * Every statement of a full convergence, each safe to run again: IF NOT EXISTS never alters what is
 * there, so an existing user keeps its password and an existing database its charset and data.
 */
export function provisionStatements(target: ProvisionTarget): ProvisionStatement[] {
  checkProvisionTarget(target);
  const account = accountName(target.user);
  const statements: ProvisionStatement[] = target.databases.map((db) => ({
    kind: 'create-database',
    subject: db.name,
    action: `create database ${db.name} (${db.characterSet} / ${db.collation})`,
    sql:
      `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(db.name)} ` +
      `CHARACTER SET ${db.characterSet} COLLATE ${db.collation}`,
  }));
  statements.push({
    kind: 'create-user',
    subject: target.user.name,
    action: `create user ${target.user.name}@'${target.user.host}'`,
    sql: `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${PASSWORD_PLACEHOLDER}`,
  });
  for (const g of target.user.grants) {
    statements.push({
      kind: 'grant',
      subject: g.database,
      action: `grant ${g.privileges} on ${g.database}.* to ${target.user.name}@'${target.user.host}'`,
      sql: `GRANT ${g.privileges} ON ${quoteIdentifier(grantSchema(g.database))}.* TO ${account}`,
    });
  }
  return statements;
}

/**
 * The statement for mysql2's `query`: the placeholder becomes `?`, which mysql2 fills in with its
 * escaping function on the client. (Server-side prepared statements cannot: MariaDB and MySQL reject
 * `IDENTIFIED BY ?` at parse time.) The returned text is for the driver only, never for a log.
 */
export function driverQuery(
  statement: ProvisionStatement,
  password: string,
): { sql: string; values: string[] } {
  if (!statement.sql.includes(PASSWORD_PLACEHOLDER)) return { sql: statement.sql, values: [] };
  checkSitePassword(password);
  return { sql: statement.sql.replace(PASSWORD_PLACEHOLDER, '?'), values: [password] };
}

/** Statements as one script for the `mysql` client (the SqlTask); the placeholder stays in it. */
export function sqlScript(sql: readonly string[]): string {
  return sql.map((s) => `${s};\n`).join('');
}

/**
 * Read-only queries whose rows, first column a tag, describe what exists. Plain SELECTs on
 * information_schema (visible to an admin with SELECT on `mysql`), so they run the same through
 * mysql2 and through the `mysql --batch` of a SqlTask, and fail on nothing that is merely absent.
 */
export function stateQueries(target: ProvisionTarget): string[] {
  checkProvisionTarget(target);
  const names = target.databases.map((d) => quoteName(d.name)).join(', ');
  const grantee = quoteName(`'${target.user.name}'@'${target.user.host}'`);
  return [
    "SELECT 'database', SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME " +
      `FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names}) ORDER BY SCHEMA_NAME`,
    `SELECT 'user', GRANTEE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${grantee} LIMIT 1`,
    "SELECT 'grant', TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES " +
      `WHERE GRANTEE = ${grantee} ORDER BY TABLE_SCHEMA, PRIVILEGE_TYPE`,
  ];
}

/**
 * The report when the server refuses the secret's password for an existing user. Not reset on purpose:
 * the password is generated once, and a silent reset would hide whatever changed it and break anything
 * else using the account; a person decides (ALTER USER, or put the right value back in the secret).
 */
export function passwordDriftWarning(user: string): string {
  return (
    `user ${user} exists but refuses the password in the site's secret; it was not reset. ` +
    'Set it deliberately (ALTER USER) or restore the secret, or Moodle cannot connect'
  );
}

/**
 * One cell of a result row as text: null and absent as '', strings as they are, numbers written out,
 * bytes as UTF-8 (mysql2 gives binary columns as Buffers), anything else as JSON.
 */
export function cellText(c: unknown): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number' || typeof c === 'bigint' || typeof c === 'boolean') return String(c);
  if (Buffer.isBuffer(c)) return c.toString('utf8');
  return JSON.stringify(c);
}

/** Rows of `stateQueries` (any order, other rows ignored) back into a state. */
export function parseProvisionState(rows: readonly (readonly unknown[])[]): ProvisionState {
  const state: ProvisionState = { databases: [], userExists: false, grants: [] };
  const grants = new Map<string, string[]>();
  for (const row of rows) {
    const cells = row.map(cellText);
    const [tag, a = '', b = '', c = ''] = cells;
    if (tag === 'database') state.databases.push({ name: a, characterSet: b, collation: c });
    else if (tag === 'user') state.userExists = true;
    else if (tag === 'grant') {
      const list = grants.get(a) ?? [];
      list.push(b.toUpperCase());
      grants.set(a, list);
    }
  }
  state.grants = [...grants].map(([schema, privileges]) => ({ schema, privileges }));
  return state;
}

/** Whether a stored grant pattern (LIKE syntax, `\` escapes) covers a database name. */
export function grantPatternCovers(pattern: string, database: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegExp(ch);
  }
  // Schema names are case-sensitive on Linux servers (lower_case_table_names=0, Aurora's default).
  return new RegExp(`^${source}$`, 's').test(database);
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * What must run to bring `state` to `target`. Creates only; never drops, never alters: an existing
 * database with another charset and an existing user (whatever its password) are reported, not changed.
 */
export function diffProvision(target: ProvisionTarget, state: ProvisionState): ProvisionDiff {
  const all = provisionStatements(target);
  const diff: ProvisionDiff = { statements: [], unchanged: [], warnings: [] };
  const existing = new Map(state.databases.map((d) => [d.name, d]));
  for (const st of all) {
    if (st.kind === 'create-database') {
      const want = target.databases.find((d) => d.name === st.subject)!;
      const have = existing.get(st.subject);
      if (!have) diff.statements.push(st);
      else {
        diff.unchanged.push(`database ${have.name} exists (${have.characterSet} / ${have.collation})`);
        if (have.characterSet !== want.characterSet || have.collation !== want.collation)
          diff.warnings.push(
            `database ${have.name} is ${have.characterSet} / ${have.collation}, not ${want.characterSet} / ` +
              `${want.collation}; left alone (converting an existing database is a deliberate migration)`,
          );
      }
    } else if (st.kind === 'create-user') {
      if (!state.userExists) diff.statements.push(st);
      else
        diff.unchanged.push(
          `user ${target.user.name}@'${target.user.host}' exists (its password is never changed here)`,
        );
    } else {
      const covered =
        state.userExists &&
        state.grants.some(
          (g) =>
            grantPatternCovers(g.schema, st.subject) &&
            ALL_DATABASE_PRIVILEGES.every((p) => g.privileges.includes(p)),
        );
      if (covered) diff.unchanged.push(`${target.user.name} holds ALL PRIVILEGES on ${st.subject}.*`);
      else diff.statements.push(st);
    }
  }
  return diff;
}
