// The SQL that removes a site's databases and users when destroy-instance purges its data, as values
// with no I/O: the direct mysql2 path and the in-VPC SqlTask both build, read and report through it.
import { ConfigurationError } from '../errors.js';
import { MAX_DB_NAME_LENGTH, MAX_DB_USER_LENGTH, MYSQL_IDENTIFIER } from '../naming.js';
import { cellText, quoteIdentifier, sqlScript } from './provision-sql.js';

/** What a purge removes from one server: whole databases and `'<user>'@'%'` accounts. */
export interface PurgeTarget {
  databases: readonly string[];
  users: readonly string[];
}

export interface PurgeStatement {
  kind: 'drop-database' | 'drop-user';
  subject: string;
  /** One line for the log and the step summary. */
  action: string;
  sql: string;
}

/** What exists of a purge target, as read by `purgeStateQueries`. */
export interface PurgeState {
  databases: string[];
  users: string[];
}

export interface PurgeResult {
  /** Databases and users that existed and were dropped. */
  dropped: { databases: string[]; users: string[] };
  /** Those that did not exist any more. */
  absent: { databases: string[]; users: string[] };
}

/** Schemas of the server itself: never a site's, whatever a registry entry says. */
const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
/** Accounts of the server and of RDS/Aurora themselves. */
const SYSTEM_USERS = new Set(['root', 'mysql', 'rdsadmin', 'rdsrepladmin', 'rdsproxyadmin', 'admin']);

/**
 * Checks every name that will be spliced into a DROP, again (they come from a registry entry, which
 * anyone with SSM access can edit): identifiers only, no system schema or account, and never the
 * admin account the statements run as. One ConfigurationError with all problems.
 */
export function checkPurgeTarget(target: PurgeTarget, adminUser?: string): void {
  const problems: string[] = [];
  const identifier = (what: string, name: string, max: number) => {
    if (typeof name !== 'string' || !MYSQL_IDENTIFIER.test(name))
      problems.push(
        `${what} ${JSON.stringify(name)} must be letters, digits and underscores (not all digits)`,
      );
    else if (name.length > max) problems.push(`${what} ${name} is longer than ${max} characters`);
  };
  if (target.databases.length === 0 && target.users.length === 0) problems.push('nothing to drop');
  for (const db of target.databases) {
    identifier('database name', db, MAX_DB_NAME_LENGTH);
    if (SYSTEM_SCHEMAS.has(String(db).toLowerCase()))
      problems.push(`database ${db} belongs to the server itself`);
  }
  for (const user of target.users) {
    identifier('database user', user, MAX_DB_USER_LENGTH);
    if (SYSTEM_USERS.has(String(user).toLowerCase()))
      problems.push(`database user ${user} is a system account`);
    if (adminUser !== undefined && user === adminUser)
      problems.push(`database user ${user} is the admin account the purge runs as`);
  }
  if (problems.length > 0)
    throw new ConfigurationError(`refusing to purge the site's databases:\n- ${problems.join('\n- ')}`);
}

const account = (user: string) => `${quoteIdentifier(user)}@${quoteIdentifier('%')}`;

/** A single-quoted literal of a checked identifier (letters, digits, underscores: nothing to escape). */
const literal = (name: string) => `'${name}'`;

/** Every DROP of a purge, each a no-op when its object is gone already, so a re-run is harmless. */
export function purgeStatements(target: PurgeTarget, adminUser?: string): PurgeStatement[] {
  checkPurgeTarget(target, adminUser);
  return [
    ...target.databases.map((db) => ({
      kind: 'drop-database' as const,
      subject: db,
      action: `drop database ${db}`,
      sql: `DROP DATABASE IF EXISTS ${quoteIdentifier(db)}`,
    })),
    ...target.users.map((user) => ({
      kind: 'drop-user' as const,
      subject: user,
      action: `drop user ${user}@'%'`,
      sql: `DROP USER IF EXISTS ${account(user)}`,
    })),
  ];
}

/**
 * Read-only queries whose rows (first column a tag) say which of the target's databases and users
 * exist: plain SELECTs, so they run the same through mysql2 and through `mysql --batch`.
 */
export function purgeStateQueries(target: PurgeTarget, adminUser?: string): string[] {
  checkPurgeTarget(target, adminUser);
  const queries: string[] = [];
  if (target.databases.length > 0)
    queries.push(
      "SELECT 'database', SCHEMA_NAME FROM information_schema.SCHEMATA " +
        `WHERE SCHEMA_NAME IN (${target.databases.map(literal).join(', ')}) ORDER BY SCHEMA_NAME`,
    );
  if (target.users.length > 0) {
    // Every account holds at least USAGE, so it has a row here (the same check as provisioning).
    const grantees = target.users.map((u) => literal(`''${u}''@''%''`)).join(', ');
    queries.push(
      "SELECT DISTINCT 'user', GRANTEE FROM information_schema.USER_PRIVILEGES " +
        `WHERE GRANTEE IN (${grantees}) ORDER BY GRANTEE`,
    );
  }
  return queries;
}

/** Rows of `purgeStateQueries` (any order, other rows ignored) back into a state. */
export function parsePurgeState(rows: readonly (readonly unknown[])[]): PurgeState {
  const state: PurgeState = { databases: [], users: [] };
  for (const row of rows) {
    const [tag, value] = row.map(cellText);
    if (tag === 'database' && value) state.databases.push(value);
    // GRANTEE reads 'user'@'%'.
    const user = tag === 'user' ? /^'(.*)'@'%'$/.exec(value ?? '')?.[1] : undefined;
    if (user) state.users.push(user);
  }
  return state;
}

/** What a purge of `target` does to a server in `state`: drops what exists, reports the rest. */
export function purgeResult(target: PurgeTarget, state: PurgeState): PurgeResult {
  const split = (wanted: readonly string[], present: readonly string[]) => ({
    there: wanted.filter((n) => present.includes(n)),
    gone: wanted.filter((n) => !present.includes(n)),
  });
  const dbs = split(target.databases, state.databases);
  const users = split(target.users, state.users);
  return {
    dropped: { databases: dbs.there, users: users.there },
    absent: { databases: dbs.gone, users: users.gone },
  };
}

/**
 * The SQL of a purging SqlTask: the state queries first (their rows tell the result what existed),
 * then every DROP. One task, one round trip; no password is involved.
 */
export function purgeTaskSql(target: PurgeTarget, adminUser?: string): string {
  return sqlScript([
    ...purgeStateQueries(target, adminUser),
    ...purgeStatements(target, adminUser).map((s) => s.sql),
  ]);
}
