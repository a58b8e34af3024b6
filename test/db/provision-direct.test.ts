// Provisioning over a direct mysql2 connection, against a real MariaDB: first run, no-op rerun,
// existing data and users left alone, MIM, refusals before connecting, clear connection errors.
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import mysql from 'mysql2/promise';
import {
  inspectDirect,
  provisionDirect,
  type DbServer,
  type ProvisionResult,
} from '../../packages/core/src/db/index.js';
import { ConfigurationError } from '../../packages/core/src/errors.js';
import { adminConnection, mariadbProgram, useMariaDb, type MariaDbServer } from '../servers/mariadb.js';
import { exampleTarget, sitePassword, target } from './site-targets.js';

const mariadb = useMariaDb();

function dbServer(s: MariaDbServer): DbServer {
  return { host: s.host, port: s.port, adminUser: s.adminUser, adminPassword: s.adminPassword };
}

async function adminQuery(sql: string, values: unknown[] = []): Promise<unknown[]> {
  const conn = await adminConnection(mariadb());
  try {
    const [rows] = await conn.query(sql, values);
    return rows as unknown[];
  } finally {
    await conn.end();
  }
}

async function schemata(names: string[]) {
  return adminQuery(
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation ' +
      'FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?) ORDER BY SCHEMA_NAME',
    [names],
  );
}

async function showGrants(user: string): Promise<string[]> {
  const rows = (await adminQuery(`SHOW GRANTS FOR '${user}'@'%'`)) as Record<string, string>[];
  return rows.map((r) => Object.values(r)[0]!);
}

/** Logs in as a site user; 'refused' when the password is wrong. */
async function login(user: string, password: string, database?: string): Promise<'ok' | 'refused'> {
  try {
    const s = mariadb();
    const conn = await mysql.createConnection({
      host: s.host,
      port: s.port,
      user,
      password,
      ...(database ? { database } : {}),
    });
    await conn.end();
    return 'ok';
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR') return 'refused';
    if ((err as { code?: string }).code === 'ER_DBACCESS_DENIED_ERROR') return 'refused';
    throw err;
  }
}

function allText(result: ProvisionResult): string {
  return [...result.actions, ...result.unchanged, ...result.warnings].join('\n');
}

/** A TCP listener that counts connections and never says a word (a firewall that drops, in effect). */
async function silentListener(): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connections: () => sockets.length,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('the MariaDB test server', () => {
  // How fast it starts is not asserted here (timing belongs in bench/): under a parallel load it varies.
  it('starts on loopback, with its own datadir', async () => {
    expect(mariadb().host).toBe('127.0.0.1');
    const [rows] = (await adminQuery('SELECT @@datadir AS datadir, @@socket AS socket')) as unknown as [
      { datadir: string; socket: string },
    ];
    expect(rows.datadir).toMatch(/\/mdl-mariadb-[^/]+\/data\/$/);
    expect(rows.socket).toBe(mariadb().socket);
  });

  it('a missing MariaDB program fails with what to install', () => {
    expect(() => mariadbProgram('mariadbd-that-is-not-installed')).toThrow(
      /apt-get install -y mariadb-server mariadb-client/,
    );
  });
});

describe('provisionDirect against a real MariaDB', () => {
  it('first run creates the example site (Moodle and MIM databases, user, exact grants)', async () => {
    const t = await exampleTarget();
    expect(t.databases.map((d) => d.name)).toEqual(['moodle_42_demo', 'mim_42_demo']);
    const password = sitePassword();
    const lines: string[] = [];
    const result = await provisionDirect(t, dbServer(mariadb()), {
      sitePassword: password,
      log: (l) => lines.push(l),
    });
    expect(result).toEqual({
      changed: true,
      actions: [
        'create database moodle_42_demo (utf8mb4 / utf8mb4_unicode_ci)',
        'create database mim_42_demo (utf8mb4 / utf8mb4_unicode_ci)',
        "create user moodle_demo@'%'",
        "grant ALL PRIVILEGES on moodle_42_demo.* to moodle_demo@'%'",
        "grant ALL PRIVILEGES on mim_42_demo.* to moodle_demo@'%'",
      ],
      unchanged: [],
      warnings: [],
    });
    expect(await schemata(['moodle_42_demo', 'mim_42_demo'])).toEqual([
      { name: 'mim_42_demo', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
      { name: 'moodle_42_demo', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
    ]);
    const grants = await showGrants('moodle_demo');
    expect(grants).toContain('GRANT ALL PRIVILEGES ON `moodle\\_42\\_demo`.* TO `moodle_demo`@`%`');
    expect(grants).toContain('GRANT ALL PRIVILEGES ON `mim\\_42\\_demo`.* TO `moodle_demo`@`%`');
    // The user can work in its databases with the secret's password...
    expect(await login('moodle_demo', password, 'moodle_42_demo')).toBe('ok');
    expect(await login('moodle_demo', password, 'mim_42_demo')).toBe('ok');
    // ...and the escaped grant does not stretch to a name that `_` as a wildcard would match.
    await adminQuery('CREATE DATABASE moodleX42Xdemo');
    expect(await login('moodle_demo', password, 'moodleX42Xdemo')).toBe('refused');
    expect([allText(result), ...lines].join('\n')).not.toContain(password);
  });

  it('a second run changes nothing and says so', async () => {
    const t = target('rerun_db', 'rerun_user', 'rerun_mim');
    const password = sitePassword();
    const first = await provisionDirect(t, dbServer(mariadb()), { sitePassword: password });
    expect(first.changed).toBe(true);
    const lines: string[] = [];
    const second = await provisionDirect(t, dbServer(mariadb()), {
      sitePassword: password,
      log: (l) => lines.push(l),
    });
    expect(second).toEqual({
      changed: false,
      actions: [],
      unchanged: [
        'database rerun_db exists (utf8mb4 / utf8mb4_unicode_ci)',
        'database rerun_mim exists (utf8mb4 / utf8mb4_unicode_ci)',
        "user rerun_user@'%' exists (its password is never changed here)",
        'rerun_user holds ALL PRIVILEGES on rerun_db.*',
        'rerun_user holds ALL PRIVILEGES on rerun_mim.*',
      ],
      warnings: [],
    });
    expect(lines).toEqual(['databases and user: nothing to change']);
    expect((await inspectDirect(t, dbServer(mariadb()))).statements).toEqual([]);
  });

  it('leaves an existing database with data and an existing user alone, and reports the drift', async () => {
    await adminQuery('CREATE DATABASE kept_db CHARACTER SET latin1 COLLATE latin1_swedish_ci');
    await adminQuery('CREATE TABLE kept_db.mdl_config (name VARCHAR(50) PRIMARY KEY, value TEXT)');
    await adminQuery("INSERT INTO kept_db.mdl_config VALUES ('version', '2023042400')");
    const oldPassword = sitePassword();
    await adminQuery("CREATE USER 'kept_user'@'%' IDENTIFIED BY ?", [oldPassword]);
    const newPassword = sitePassword();

    const result = await provisionDirect(target('kept_db', 'kept_user'), dbServer(mariadb()), {
      sitePassword: newPassword,
    });
    // Only the missing grant is added.
    expect(result.changed).toBe(true);
    expect(result.actions).toEqual(["grant ALL PRIVILEGES on kept_db.* to kept_user@'%'"]);
    expect(result.warnings).toEqual([
      expect.stringContaining(
        'kept_db is latin1 / latin1_swedish_ci, not utf8mb4 / utf8mb4_unicode_ci; left alone',
      ),
      expect.stringContaining(
        "user kept_user exists but refuses the password in the site's secret; it was not reset",
      ),
    ]);
    expect(await adminQuery('SELECT value FROM kept_db.mdl_config')).toEqual([{ value: '2023042400' }]);
    expect(await schemata(['kept_db'])).toEqual([
      { name: 'kept_db', charset: 'latin1', collation: 'latin1_swedish_ci' },
    ]);
    expect(await login('kept_user', oldPassword, 'kept_db')).toBe('ok');
    expect(await login('kept_user', newPassword)).toBe('refused');
    expect(allText(result)).not.toContain(newPassword);
    expect(allText(result)).not.toContain(oldPassword);
  });

  it('accepts an existing unescaped (wildcard) grant as covering the database', async () => {
    const password = sitePassword();
    await adminQuery('CREATE DATABASE legacy_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await adminQuery("CREATE USER 'legacy_user'@'%' IDENTIFIED BY ?", [password]);
    await adminQuery("GRANT ALL PRIVILEGES ON legacy_db.* TO 'legacy_user'@'%'");
    const result = await provisionDirect(target('legacy_db', 'legacy_user'), dbServer(mariadb()), {
      sitePassword: password,
    });
    expect(result.changed).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it('adds ALL PRIVILEGES where the user holds only some', async () => {
    const password = sitePassword();
    await adminQuery("CREATE USER 'partial_user'@'%' IDENTIFIED BY ?", [password]);
    await adminQuery('CREATE DATABASE partial_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci');
    await adminQuery("GRANT SELECT ON partial_db.* TO 'partial_user'@'%'");
    const result = await provisionDirect(target('partial_db', 'partial_user'), dbServer(mariadb()), {
      sitePassword: password,
    });
    expect(result.actions).toEqual(["grant ALL PRIVILEGES on partial_db.* to partial_user@'%'"]);
    expect(await showGrants('partial_user')).toContain(
      'GRANT ALL PRIVILEGES ON `partial\\_db`.* TO `partial_user`@`%`',
    );
  });

  it('dry-run (inspectDirect) lists what would change and changes nothing', async () => {
    const t = target('dry_db', 'dry_user', 'dry_mim');
    const diff = await inspectDirect(t, dbServer(mariadb()));
    expect(diff.statements.map((s) => s.action)).toEqual([
      'create database dry_db (utf8mb4 / utf8mb4_unicode_ci)',
      'create database dry_mim (utf8mb4 / utf8mb4_unicode_ci)',
      "create user dry_user@'%'",
      "grant ALL PRIVILEGES on dry_db.* to dry_user@'%'",
      "grant ALL PRIVILEGES on dry_mim.* to dry_user@'%'",
    ]);
    expect(await schemata(['dry_db', 'dry_mim'])).toEqual([]);
    expect(await adminQuery("SELECT User FROM mysql.user WHERE User = 'dry_user'")).toEqual([]);
  });

  it("cannot bind the password with a server-side placeholder, so mysql2's client-side escaping is used", async () => {
    const conn = await adminConnection(mariadb());
    try {
      await expect(
        conn.execute("CREATE USER 'prepared_user'@'%' IDENTIFIED BY ?", ['abc']),
      ).rejects.toMatchObject({
        code: 'ER_PARSE_ERROR',
      });
    } finally {
      await conn.end();
    }
  });

  it('a failing statement reports without the password and without the SQL', async () => {
    // An admin that may create databases but not users: CREATE USER fails on the server.
    const s = mariadb();
    const weakPassword = sitePassword();
    await adminQuery("CREATE USER 'weak_admin'@'%' IDENTIFIED BY ?", [weakPassword]);
    await adminQuery("GRANT CREATE, SELECT ON *.* TO 'weak_admin'@'%'");
    const password = sitePassword();
    const failure = (await provisionDirect(
      target('weak_db', 'weak_site_user'),
      { host: s.host, port: s.port, adminUser: 'weak_admin', adminPassword: weakPassword },
      { sitePassword: password },
    ).catch((err: unknown) => err)) as Error & { sql?: string };
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(
      /^create user weak_site_user@'%' failed: ER_SPECIFIC_ACCESS_DENIED_ERROR/,
    );
    expect(failure.sql).toBeUndefined();
    expect(JSON.stringify(failure)).not.toContain(password);
    expect(`${failure.message}\n${failure.stack ?? ''}`).not.toContain(password);
    expect(failure.message).not.toContain(weakPassword);
  });
});

describe('provisionDirect refusals and connection errors', () => {
  let listener: Awaited<ReturnType<typeof silentListener>>;
  beforeAll(async () => {
    listener = await silentListener();
  });
  afterAll(async () => {
    await listener.close();
  });

  it.each([
    [
      'a database name with SQL in it',
      target('moodle`; DROP DATABASE mysql; --', 'ok_user'),
      /database name/,
    ],
    ['a user name with a quote', target('ok_db', "evil'@'%"), /database user "evil'@'%"/],
    ['an all-digit database name', target('12345', 'ok_user'), /database name "12345"/],
    ['a user name over 32 characters', target('ok_db', 'u'.repeat(33)), /longer than 32/],
    [
      'a collation that is not utf8mb4',
      {
        ...target('ok_db', 'ok_user'),
        databases: [{ ...target('ok_db', 'ok_user').databases[0]!, collation: 'x; DROP' }],
      },
      /collation "x; DROP"/,
    ],
  ])('refuses %s before any connection', async (_what, t, message) => {
    const before = listener.connections();
    const err = await provisionDirect(
      t,
      { host: '127.0.0.1', port: listener.port, adminUser: 'admin', adminPassword: 'x' },
      { sitePassword: sitePassword() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(message);
    expect(listener.connections()).toBe(before);
  });

  it('refuses a site password outside the alphabet before connecting, without quoting it', async () => {
    const before = listener.connections();
    const bad = "pa'ss\\word-with-punctuation!";
    const err = (await provisionDirect(
      target('ok_db', 'ok_user'),
      { host: '127.0.0.1', port: listener.port, adminUser: 'admin', adminPassword: 'x' },
      { sitePassword: bad },
    ).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toMatch(/letters and digits/);
    expect(err.message).not.toContain(bad);
    expect(listener.connections()).toBe(before);
  });

  it('a closed port fails fast with host:port and what to do', async () => {
    const probe = await silentListener();
    const port = probe.port;
    await probe.close();
    const started = Date.now();
    const adminPassword = 'S3cretAdminPassw0rd';
    const err = (await provisionDirect(
      target('ok_db', 'ok_user'),
      { host: '127.0.0.1', port, adminUser: 'admin', adminPassword, connectTimeoutMs: 500 },
      { sitePassword: sitePassword() },
    ).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain(`cannot connect to MySQL at 127.0.0.1:${port} as admin: ECONNREFUSED`);
    expect(err.message).not.toContain(adminPassword);
  });

  it('a server that never answers times out quickly and points at db-access: task', async () => {
    const started = Date.now();
    const adminPassword = 'S3cretAdminPassw0rd';
    const err = (await provisionDirect(
      target('ok_db', 'ok_user'),
      { host: '127.0.0.1', port: listener.port, adminUser: 'admin', adminPassword, connectTimeoutMs: 300 },
      { sitePassword: sitePassword() },
    ).catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain(`127.0.0.1:${listener.port}`);
    expect(err.message).toContain('ETIMEDOUT');
    expect(err.message).toContain('db-access: task');
    expect(err.message).not.toContain(adminPassword);
  });

  it('a wrong admin password names the admin secret and never the password', async () => {
    const s = mariadb();
    const wrong = 'WrongAdminPassw0rd';
    const err = (await provisionDirect(
      target('ok_db', 'ok_user'),
      { host: s.host, port: s.port, adminUser: 'admin', adminPassword: wrong },
      { sitePassword: sitePassword() },
    ).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain(`${s.host}:${s.port}`);
    expect(err.message).toContain('ER_ACCESS_DENIED_ERROR');
    expect(err.message).toContain('admin secret');
    expect(err.message).not.toContain(wrong);
  });
});
