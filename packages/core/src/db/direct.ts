// Provisions a site's databases and user over a direct mysql2 connection (`db-access: direct`, or a
// job inside the VPC): read what exists, apply only what is missing, report what changed.
import { loadMysql } from './mysql-driver.js';
import type { Connection, ConnectionOptions } from 'mysql2/promise';
import { ConfigurationError } from '../errors.js';
import {
  checkProvisionTarget,
  checkSitePassword,
  diffProvision,
  driverQuery,
  parseProvisionState,
  passwordDriftWarning,
  stateQueries,
  type ProvisionDiff,
  type ProvisionResult,
  type ProvisionTarget,
} from './provision-sql.js';

export interface DbServer {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  /** TLS options handed to mysql2 as they are (Aurora with require_secure_transport needs them). */
  ssl?: ConnectionOptions['ssl'];
  /** Default 10 s; an unreachable server fails after this. */
  connectTimeoutMs?: number;
}

export interface DirectProvisionOptions {
  /** The site user's password from its secret: used by CREATE USER and the drift check only. */
  sitePassword: string;
  /** Progress lines; no secret is ever passed to it. */
  log?: (line: string) => void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Reads the server and says what provisioning would change, without changing anything (dry-run). */
export async function inspectDirect(target: ProvisionTarget, server: DbServer): Promise<ProvisionDiff> {
  checkProvisionTarget(target);
  const conn = await connectAdmin(server);
  try {
    return diffProvision(target, await readState(conn, target, server));
  } finally {
    await close(conn);
  }
}

/**
 * Creates what is missing and nothing else. An existing user keeps its password: the site's password
 * is generated once, and if the server's no longer matches the secret that is a warning for a person,
 * because resetting it silently would break whatever else uses that account.
 */
export async function provisionDirect(
  target: ProvisionTarget,
  server: DbServer,
  options: DirectProvisionOptions,
): Promise<ProvisionResult> {
  // Everything that can be refused without the server is refused before connecting.
  checkProvisionTarget(target);
  checkSitePassword(options.sitePassword);
  const log = options.log ?? (() => {});
  const secrets = [options.sitePassword, server.adminPassword];
  const conn = await connectAdmin(server);
  let diff: ProvisionDiff;
  const actions: string[] = [];
  try {
    diff = diffProvision(target, await readState(conn, target, server));
    for (const statement of diff.statements) {
      log(statement.action);
      try {
        await conn.query(driverQuery(statement, options.sitePassword));
      } catch (err) {
        throw sqlFailure(`${statement.action} failed`, err, secrets);
      }
      actions.push(statement.action);
    }
  } finally {
    await close(conn);
  }
  const warnings = [...diff.warnings];
  const login = await trySiteLogin(server, target.user.name, options.sitePassword);
  if (login !== 'ok') warnings.push(loginWarning(target.user.name, login, secrets));
  for (const w of warnings) log(`warning: ${w}`);
  if (actions.length === 0) log('databases and user: nothing to change');
  return { changed: actions.length > 0, actions, unchanged: diff.unchanged, warnings };
}

async function readState(conn: Connection, target: ProvisionTarget, server: DbServer) {
  const rows: unknown[][] = [];
  for (const sql of stateQueries(target)) {
    try {
      const [result] = await conn.query({ sql, rowsAsArray: true });
      rows.push(...(result as unknown[][]));
    } catch (err) {
      throw sqlFailure(
        `reading the databases and grants on ${server.host}:${server.port} failed ` +
          `(the admin user needs SELECT on mysql.* to see other accounts' grants)`,
        err,
        [server.adminPassword],
      );
    }
  }
  return parseProvisionState(rows);
}

async function connectAdmin(server: DbServer): Promise<Connection> {
  try {
    return await connect(server, server.adminUser, server.adminPassword);
  } catch (err) {
    throw connectionError(server, err);
  }
}

async function connect(server: DbServer, user: string, password: string): Promise<Connection> {
  return (await loadMysql()).createConnection({
    host: server.host,
    port: server.port,
    user,
    password,
    connectTimeout: server.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    charset: 'utf8mb4_unicode_ci',
    multipleStatements: false,
    ...(server.ssl !== undefined ? { ssl: server.ssl } : {}),
  });
}

async function close(conn: Connection): Promise<void> {
  try {
    await conn.end();
  } catch {
    conn.destroy();
  }
}

type LoginOutcome = 'ok' | 'refused' | { error: string };

/** Logs in as the site user with the secret's password: the only portable way to detect drift. */
async function trySiteLogin(server: DbServer, user: string, password: string): Promise<LoginOutcome> {
  try {
    await close(await connect(server, user, password));
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ER_ACCESS_DENIED_ERROR') return 'refused';
    return { error: `${e.code ?? 'error'}: ${e.message ?? String(err)}` };
  }
}

function loginWarning(user: string, outcome: Exclude<LoginOutcome, 'ok'>, secrets: string[]): string {
  if (outcome === 'refused') return passwordDriftWarning(user);
  return `could not check ${user}'s password by logging in: ${redact(outcome.error, secrets)}`;
}

const CONNECT_HINTS: Record<string, string> = {
  ECONNREFUSED:
    'nothing accepts connections on that port; check the port, or use `db-access: task` if the server is private to the VPC',
  ETIMEDOUT:
    'no answer in time: the server is probably unreachable from here (Aurora is private to the VPC), ' +
    'so use `db-access: task` or run the job inside the VPC',
  ENOTFOUND: 'the host name does not resolve from here; check the platform file, or use `db-access: task`',
  EAI_AGAIN: 'the host name does not resolve from here; check the platform file, or use `db-access: task`',
  EHOSTUNREACH: 'the host is unreachable from here; use `db-access: task` or run the job inside the VPC',
  ENETUNREACH: 'the network is unreachable from here; use `db-access: task` or run the job inside the VPC',
  ER_ACCESS_DENIED_ERROR:
    'the admin credentials were refused; check the admin secret named in the platform file',
  HANDSHAKE_SSL_ERROR: 'the TLS handshake failed; check the ssl options',
};

function connectionError(server: DbServer, err: unknown): ConfigurationError {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? 'error';
  const hint =
    CONNECT_HINTS[code] ??
    'check the host, port and admin secret; if the server is private to the VPC use `db-access: task`';
  const reason = redact(e.message ?? String(err), [server.adminPassword]);
  return new ConfigurationError(
    `cannot connect to MySQL at ${server.host}:${server.port} as ${server.adminUser}: ${code} (${reason}): ${hint}`,
  );
}

/**
 * A SQL failure without mysql2's `sql` property (it holds the statement with the password filled in)
 * and with any secret cut out of the server's message, which may quote the statement.
 */
function sqlFailure(what: string, err: unknown, secrets: readonly string[]): Error {
  const e = err as { code?: string; errno?: number; sqlState?: string; message?: string };
  const code = [e.code, e.errno, e.sqlState].filter((x) => x !== undefined).join(' ');
  const failure = new Error(
    `${what}: ${code ? `${code}: ` : ''}${redact(e.message ?? String(err), secrets)}`,
  );
  failure.name = 'SqlError';
  return failure;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
