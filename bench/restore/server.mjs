// A private MariaDB server on loopback for the restore benchmark and the demo: its own datadir, port and
// socket, no option files read (the approach of test/servers/mariadb.ts, in plain JS and with the
// benchmark's InnoDB settings), so it never touches the machine's /var/lib/mysql or its system service.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const INSTALL_HINT =
  'install the Debian packages with `apt-get install -y mariadb-server mariadb-client` ' +
  '(a private server is started on loopback; the system service is not used)';

/** The path of a program; /usr/sbin is searched too because a non-root PATH often lacks it. */
export function findProgram(name) {
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
  return undefined;
}

export function requireProgram(name, hint = INSTALL_HINT) {
  const path = findProgram(name);
  if (!path) throw new Error(`${name} not found: ${hint}`);
  return path;
}

/**
 * The server settings every tool restores into. Sized for a restore of a few GB on a small machine;
 * durability is the server default (a log flush at every commit), as on a real database server.
 */
export const BENCH_SERVER_SETTINGS = [
  '--innodb-buffer-pool-size=2G',
  '--innodb-log-file-size=1G',
  '--innodb-log-buffer-size=64M',
  '--innodb-flush-log-at-trx-commit=1',
  '--innodb-flush-method=O_DIRECT',
  '--max-allowed-packet=256M',
  '--skip-log-bin',
  '--performance-schema=OFF',
  '--max-connections=200',
];

/** Small settings for the demo: a few MB of data, and no log flush at each commit (DDL is quicker). */
export const SMALL_SERVER_SETTINGS = [
  '--innodb-buffer-pool-size=128M',
  '--innodb-flush-log-at-trx-commit=2',
  '--max-allowed-packet=64M',
  '--skip-log-bin',
  '--performance-schema=OFF',
  '--max-connections=100',
];

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server with `settings`; resolves to its connection facts, the admin account (TCP, password)
 * and `stop()`. `root` connects over the socket without a password. Rejects with the error log's tail.
 */
export async function startServer({ settings = SMALL_SERVER_SETTINGS, parent = tmpdir() } = {}) {
  const started = Date.now();
  const mariadbd = requireProgram('mariadbd');
  const installDb = requireProgram('mariadb-install-db');
  const client = requireProgram('mariadb');
  const dir = await mkdtemp(join(parent, 'mdl-bench-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'sock');
  const errorLog = join(dir, 'error.log');
  // As root the server must be told to run as root; as another user it runs as that user anyway.
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  try {
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
    ); // its bootstrap's temp tables stay in its own folder
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${err.message}`);
  }
  let lastError;
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
        ...asUser,
        '--skip-name-resolve',
        ...settings,
      ],
      { stdio: 'ignore' },
    );
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await waitForServer(child, client, socket, errorLog);
      const adminPassword = randomBytes(18).toString('base64url');
      await sql(
        { client, socket },
        ['%', 'localhost']
          .map(
            (h) =>
              `CREATE USER 'admin'@'${h}' IDENTIFIED BY '${adminPassword}';` +
              `GRANT ALL PRIVILEGES ON *.* TO 'admin'@'${h}' WITH GRANT OPTION;`,
          )
          .join(''),
      );
      return {
        host: '127.0.0.1',
        port,
        socket,
        client,
        dir,
        pid: child.pid,
        adminUser: 'admin',
        adminPassword,
        settings,
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

async function waitForServer(child, client, socket, errorLog) {
  const deadline = Date.now() + 60_000;
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`mariadbd exited while starting:\n${tail(errorLog)}`);
    try {
      await run(client, ['--no-defaults', `--socket=${socket}`, '-uroot', '-e', 'SELECT 1'], {
        timeout: 5000,
      });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`mariadbd did not accept connections within 60 s:\n${tail(errorLog)}`);
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no error log)';
  }
}

/** Runs SQL as root over the socket with the `mariadb` client; resolves to its tab-separated rows. */
export async function sql(server, text, database) {
  const args = ['--no-defaults', `--socket=${server.socket}`, '-uroot', '-N', '-B', '-e', text];
  if (database) args.push(database);
  const { stdout } = await run(server.client, args, { maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** The base tables of `database`, by name. */
async function baseTables(server, database) {
  return (
    await sql(
      server,
      `SELECT table_name FROM information_schema.tables WHERE table_schema='${database}' AND table_type='BASE TABLE' ORDER BY table_name`,
    )
  ).map(([name]) => name);
}

/** Table name → CHECKSUM TABLE value, for every base table of `database`. */
export async function checksums(server, database) {
  const tables = await baseTables(server, database);
  const out = new Map();
  // One statement per 100 tables keeps the command line short.
  for (let i = 0; i < tables.length; i += 100) {
    const list = tables
      .slice(i, i + 100)
      .map((t) => `\`${database}\`.\`${t}\``)
      .join(',');
    for (const [name, sum] of await sql(server, `CHECKSUM TABLE ${list}`)) {
      out.set(name.slice(database.length + 1), sum);
    }
  }
  return out;
}

/** Row counts (exact, by COUNT(*)) of every base table of `database`. */
export async function rowCounts(server, database) {
  const tables = await baseTables(server, database);
  const out = new Map();
  for (let i = 0; i < tables.length; i += 100) {
    const union = tables
      .slice(i, i + 100)
      .map((t) => `SELECT '${t}', COUNT(*) FROM \`${database}\`.\`${t}\``)
      .join(' UNION ALL ');
    for (const [name, n] of await sql(server, union)) out.set(name, Number(n));
  }
  return out;
}
