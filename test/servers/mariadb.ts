// A throwaway MariaDB server on loopback for the DB tests: its own temp datadir, port and socket, no
// option files read, so it never touches the machine's /var/lib/mysql or its system service.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as JestGlobals from '@jest/globals';
import mysql from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';

export interface MariaDbServer {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  /** The server's unix socket, for tools that prefer it. */
  socket: string;
  /** Milliseconds from the first command to the admin account being ready. */
  startMs: number;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'the DB tests need a real MariaDB: install the Debian packages with ' +
  '`apt-get install -y mariadb-server mariadb-client` (the tests start their own server; the system ' +
  'service is not used)';

const run = promisify(execFile);

/** The path of a MariaDB program; /usr/sbin is searched too because a non-root PATH often lacks it. */
export function mariadbProgram(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} not found: ${INSTALL_HINT}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a server; rejects with the server's own error log if it does not come up. */
export async function startMariaDb(): Promise<MariaDbServer> {
  const started = Date.now();
  const mariadbd = mariadbProgram('mariadbd');
  const installDb = mariadbProgram('mariadb-install-db');
  const dir = await mkdtemp(join(tmpdir(), 'mdl-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'sock');
  const errorLog = join(dir, 'error.log');
  // --user is for root only (mariadbd refuses it otherwise, and install-db would chown to it): a
  // developer or a GitHub-hosted job runs the tests as itself.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  try {
    // --no-defaults first: /etc/mysql/my.cnf would point at the system datadir and socket.
    await run(
      installDb,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        ...asUser,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
      ],
      { env: { ...process.env, TMPDIR: dir } },
    ); // its bootstrap's temp tables: not a /tmp shared with other servers
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${(err as Error).message}`);
  }

  let lastError: unknown;
  // A free port can be taken between probing and binding; a second try with a new port fixes that.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      mariadbd,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${socket}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`,
        `--log-error=${errorLog}`,
        `--tmpdir=${dir}`,
        '--skip-grant-tables=0',
        ...asUser,
        '--skip-name-resolve',
        '--skip-log-bin',
        '--performance-schema=OFF',
        '--innodb-buffer-pool-size=32M',
        '--innodb-use-native-aio=0',
        '--max-connections=200',
      ],
      { stdio: 'ignore' },
    );
    const killOnExit = () => child.kill('SIGKILL');
    // Best effort when a worker dies without afterAll: never leave a server behind.
    process.once('exit', killOnExit);
    try {
      await waitForServer(child, socket, errorLog);
      const adminPassword = randomBytes(18).toString('base64url');
      await createAdmin(socket, adminPassword);
      return {
        host: '127.0.0.1',
        port,
        adminUser: 'admin',
        adminPassword,
        socket,
        startMs: Date.now() - started,
        stop: async () => {
          process.removeListener('exit', killOnExit);
          await stopProcess(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function waitForServer(child: ChildProcess, socket: string, errorLog: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`mariadbd exited while starting:\n${await tail(errorLog)}`);
    try {
      const conn = await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 1000 });
      await conn.end();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`mariadbd did not accept connections within 20 s:\n${await tail(errorLog)}`);
}

async function createAdmin(socket: string, password: string): Promise<void> {
  const conn = await mysql.createConnection({ socketPath: socket, user: 'root' });
  try {
    for (const host of ['%', 'localhost']) {
      await conn.query(`CREATE USER 'admin'@'${host}' IDENTIFIED BY ?`, [password]);
      await conn.query(`GRANT ALL PRIVILEGES ON *.* TO 'admin'@'${host}' WITH GRANT OPTION`);
    }
  } finally {
    await conn.end();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-20).join('\n');
  } catch {
    return '(no error log)';
  }
}

/**
 * Mutation runs start jest hundreds of times: scripts/mutation.mjs starts one server for them all and
 * names it here (JSON of host, port, admin user and password, socket). Each test file then gets it as
 * a fresh server would be: every database and account the tests made before is dropped first.
 */
export const SHARED_ENV = 'MDL_TEST_SHARED_MARIADB';
const SYSTEM_SCHEMAS = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
const SYSTEM_USERS = new Set(['root', 'admin', 'mariadb.sys', 'PUBLIC', '']);

async function sharedServer(json: string): Promise<MariaDbServer> {
  const s = JSON.parse(json) as Omit<MariaDbServer, 'stop' | 'startMs'>;
  const conn = await mysql.createConnection({ socketPath: s.socket, user: 'root' });
  try {
    // Stryker ends a test runner that hangs (a mutant that waits forever on a lock). A statement the
    // runner left waiting keeps its session on the server: a client that went away is noticed only
    // once its statement ends, and a metadata lock waits for a year by default. Left there, it makes
    // every DROP below wait too, and every later mutant time out whatever it is (2026-12-07: 64 of
    // target.ts's 68 mutants, one of them a survivor). A fresh server has no such session.
    const [stuck] = (await conn.query(
      "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Sleep', 'Daemon') AND USER <> 'system user'",
    )) as unknown as [{ id: number }[]];
    for (const { id } of stuck) await conn.query(`KILL CONNECTION ${Number(id)}`).catch(() => undefined);
    const [schemas] = (await conn.query(
      'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA',
    )) as unknown as [{ s: string }[]];
    for (const { s: name } of schemas)
      if (!SYSTEM_SCHEMAS.has(name)) await conn.query(`DROP DATABASE \`${name.replace(/`/g, '``')}\``);
    const [users] = (await conn.query('SELECT User AS u, Host AS h FROM mysql.user')) as unknown as [
      { u: string; h: string }[],
    ];
    for (const { u, h } of users) if (!SYSTEM_USERS.has(u)) await conn.query('DROP USER ?@?', [u, h]);
  } finally {
    await conn.end();
  }
  return { ...s, startMs: 0, stop: async () => undefined };
}

/**
 * One server for the calling test file: started in its beforeAll, stopped in its afterAll. (Jest gives
 * each test file its own module registry, so a module-level singleton lives exactly that long.)
 * Returns a getter, valid inside tests.
 */
export function useMariaDb(): () => MariaDbServer {
  // Jest's own globals (this module is also loaded outside Jest: scripts/mutation.mjs starts a server).
  const { beforeAll, afterAll } = globalThis as unknown as typeof JestGlobals;
  let server: MariaDbServer | undefined;
  beforeAll(async () => {
    server = process.env[SHARED_ENV] ? await sharedServer(process.env[SHARED_ENV]) : await startMariaDb();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    server = undefined;
  });
  return () => {
    if (!server) throw new Error(`the MariaDB test server is not running: ${INSTALL_HINT}`);
    return server;
  };
}

/** A connection as the admin, for tests to look at (and prepare) the server themselves. */
export function adminConnection(server: MariaDbServer, database?: string): Promise<Connection> {
  return mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    ...(database ? { database } : {}),
  });
}
