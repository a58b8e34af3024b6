// SqlTask without AWS: the task definition and override it would get, and its shell script run here
// with `sh -c` and the real mysql client against a real MariaDB, with the environment ECS would give it.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  PASSWORD_PLACEHOLDER,
  parseSqlTaskLog,
  provisionTarget,
  provisionResultFromTask,
  provisionTaskOverride,
  provisionTaskSql,
  SQL_TASK_MARKER,
  SQL_TASK_SCRIPT,
  sqlTaskDefinition,
  sqlTaskOverride,
  sqlTaskSite,
  type SqlTaskOverride,
} from '../../packages/core/src/db/index.js';
import { adminConnection, mariadbProgram, useMariaDb } from '../servers/mariadb.js';
import { examplePlan, sitePassword, target } from './site-targets.js';

const mariadb = useMariaDb();

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Every program the script starts goes through a wrapper that writes its arguments to a log first:
 * what `ps` (or /proc/<pid>/cmdline) would show anyone in the container. A password must never be
 * there, only in the environment.
 */
const wrappers = mkdtempSync(join(tmpdir(), 'sql-task-argv-'));
const argvLog = join(wrappers, 'argv.log');
for (const program of ['sed', 'awk', 'grep', 'base64', 'cat', 'rm', 'mysql', 'mariadb', 'head', 'tr']) {
  const path = join(wrappers, program);
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "${program} $*" >>'${argvLog}'\nPATH=\${PATH#*:} exec ${program} "$@"\n`,
  );
  chmodSync(path, 0o755);
}
afterAll(() => rmSync(wrappers, { recursive: true, force: true }));
/** The arguments of every program the last run started, one line each. */
let lastArgv = '';

/**
 * Runs the container's command here: ECS starts entryPoint + command, `sh -c SCRIPT`, with the
 * override's environment plus the three secrets the task definition maps in. Fails when a secret
 * appears in the arguments of any program the script ran.
 */
async function runLikeEcs(override: SqlTaskOverride, secrets: Record<string, string>): Promise<ScriptRun> {
  // The image has `mysql` on its PATH; here it comes from mariadb-client.
  const clientDir = mariadbProgram('mysql').replace(/\/mysql$/, '');
  const env: Record<string, string> = {
    PATH: `${wrappers}:${clientDir}:/usr/bin:/bin`,
    HOME: '/nonexistent',
    ...secrets,
  };
  for (const { name, value } of override.environment) env[name] = value;
  writeFileSync(argvLog, '');
  const run = await new Promise<ScriptRun>((resolve, reject) => {
    const child = spawn('sh', ['-c', ...override.command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  const argv = readFileSync(argvLog, 'utf8');
  lastArgv = argv;
  for (const [name, value] of Object.entries(secrets))
    if (/PASSWORD|PWD/.test(name) && value)
      expect({ secret: name, inArguments: argv.includes(value) }).toEqual({
        secret: name,
        inArguments: false,
      });
  return run;
}

/** What CloudWatch would hold: one event per line of the container's output. */
function logEvents(run: ScriptRun): string[] {
  return `${run.stdout}${run.stderr}`.split('\n').filter((l) => l !== '');
}

function adminSecrets(): Record<string, string> {
  return { MYSQL_PWD: mariadb().adminPassword, ADMIN_USER: mariadb().adminUser };
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

describe('SqlTask task definition and override', () => {
  it('defines the per-site family with every secret by valueFrom and awslogs with prefix sql', async () => {
    const { plan, platform } = await examplePlan();
    const def = sqlTaskDefinition(sqlTaskSite(plan, platform));
    expect(def).toEqual({
      family: 'mdl_sql_task-4-demo',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      executionRoleArn: platform.roles.execution_role_arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      containerDefinitions: [
        {
          name: 'sql',
          image: platform.images.sql_client,
          essential: true,
          entryPoint: ['sh', '-c'],
          secrets: [
            { name: 'MYSQL_PWD', valueFrom: { secret: platform.db.admin_secret_arn, jsonKey: 'password' } },
            { name: 'ADMIN_USER', valueFrom: { secret: platform.db.admin_secret_arn, jsonKey: 'username' } },
            {
              name: 'SITE_DB_PASSWORD',
              valueFrom: { secret: 'moodle-preview/sites/4-demo/db', jsonKey: 'password' },
            },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/moodle-preview/sites/4-demo',
              'awslogs-region': 'eu-west-2',
              'awslogs-stream-prefix': 'sql',
            },
          },
        },
      ],
      tags: plan.tags,
    });
    expect(JSON.stringify(def)).not.toMatch(/"environment"/);
  });

  it('hands over the SQL as base64 with the placeholder, the host and port, and the script', async () => {
    const { plan } = await examplePlan();
    const sql = provisionTaskSql(target('o_db', 'o_user'));
    const override = sqlTaskOverride({ sql, dbHost: 'db.internal', dbPort: 3306, siteDbUser: 'o_user' });
    expect(override.name).toBe('sql');
    expect(override.command).toEqual([SQL_TASK_SCRIPT]);
    const env = Object.fromEntries(override.environment.map((e) => [e.name, e.value]));
    expect(env).toEqual({
      SQL_B64: expect.any(String),
      DB_HOST: 'db.internal',
      DB_PORT: '3306',
      SITE_DB_USER: 'o_user',
    });
    const decoded = Buffer.from(env.SQL_B64!, 'base64').toString('utf8');
    expect(decoded).toBe(sql);
    expect(decoded).toContain(`IDENTIFIED BY ${PASSWORD_PLACEHOLDER}`);
    expect(plan.site).toBe('4-demo');
  });

  it("builds the provisioning override of the example site from its plan and the platform's DB host", async () => {
    const { plan, platform } = await examplePlan();
    const override = provisionTaskOverride(sqlTaskSite(plan, platform), provisionTarget(plan.resources));
    const env = Object.fromEntries(override.environment.map((e) => [e.name, e.value]));
    expect(env.DB_HOST).toBe(platform.db.writer_host);
    expect(env.DB_PORT).toBe('3306');
    expect(env.SITE_DB_USER).toBe('moodle_demo');
    const sql = Buffer.from(env.SQL_B64!, 'base64').toString('utf8');
    expect(sql).toContain('CREATE DATABASE IF NOT EXISTS `mim_42_demo`');
    expect(sql).toContain('GRANT ALL PRIVILEGES ON `moodle\\_42\\_demo`.* TO `moodle_demo`@`%`');
  });

  it('refuses SQL with a literal password, and SQL too long for an override', () => {
    expect(() =>
      sqlTaskOverride({ sql: "CREATE USER x IDENTIFIED BY 'hunter2';", dbHost: 'h', dbPort: 3306 }),
    ).toThrow(/placeholder/);
    expect(() => sqlTaskOverride({ sql: 'SELECT 1;\n'.repeat(800), dbHost: 'h', dbPort: 3306 })).toThrow(
      /too long for a RunTask override/,
    );
  });
});

describe('SqlTask log parser', () => {
  it('splits client rows, decodes --batch escapes, and picks up the markers', () => {
    const out = parseSqlTaskLog([
      'database\tmdl_x\tutf8mb4\tutf8mb4_unicode_ci',
      'grant\tmdl\\\\_x\tSELECT',
      'a\\tb\\nc',
      `${SQL_TASK_MARKER} stderr ERROR 1064 (42000) at line 2: syntax`,
      `${SQL_TASK_MARKER} site-login=ok`,
      `${SQL_TASK_MARKER} exit=1`,
    ]);
    expect(out).toEqual({
      exitCode: 1,
      lines: ['database\tmdl_x\tutf8mb4\tutf8mb4_unicode_ci', 'grant\tmdl\\\\_x\tSELECT', 'a\\tb\\nc'],
      rows: [
        ['database', 'mdl_x', 'utf8mb4', 'utf8mb4_unicode_ci'],
        ['grant', 'mdl\\_x', 'SELECT'],
        ['a\tb\nc'],
      ],
      errors: ['ERROR 1064 (42000) at line 2: syntax'],
      siteLogin: 'ok',
    });
  });

  it('without the exit marker the run is unfinished, and a result cannot be claimed', () => {
    const out = parseSqlTaskLog(['database\tx\tutf8mb4\tutf8mb4_unicode_ci']);
    expect(out.exitCode).toBeUndefined();
    expect(() => provisionResultFromTask(target('x', 'y'), out)).toThrow(/without its exit marker/);
  });
});

describe('the SqlTask script, run with sh -c and the mysql client against a real MariaDB', () => {
  it('provisions a site, then finds nothing to do on the second run', async () => {
    const t = target('task_db', 'task_user', 'task_mim');
    const password = sitePassword();
    const s = mariadb();
    const override = sqlTaskOverride({
      sql: provisionTaskSql(t),
      dbHost: s.host,
      dbPort: s.port,
      siteDbUser: t.user.name,
    });
    const secrets = { ...adminSecrets(), SITE_DB_PASSWORD: password };

    const first = await runLikeEcs(override, secrets);
    expect(first.code).toBe(0);
    // The argument log saw the client twice (the SQL, the site login) and the password in neither.
    expect(lastArgv.match(/^(mysql|mariadb) /gm)).toHaveLength(2);
    const firstLog = parseSqlTaskLog(logEvents(first));
    expect(firstLog).toMatchObject({ exitCode: 0, errors: [], siteLogin: 'ok' });
    expect(provisionResultFromTask(t, firstLog)).toEqual({
      changed: true,
      actions: [
        'create database task_db (utf8mb4 / utf8mb4_unicode_ci)',
        'create database task_mim (utf8mb4 / utf8mb4_unicode_ci)',
        "create user task_user@'%'",
        "grant ALL PRIVILEGES on task_db.* to task_user@'%'",
        "grant ALL PRIVILEGES on task_mim.* to task_user@'%'",
      ],
      unchanged: [],
      warnings: [],
    });
    expect(
      await adminQuery(
        'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation ' +
          "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'task\\_%' ORDER BY 1",
      ),
    ).toEqual([
      { name: 'task_db', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
      { name: 'task_mim', charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
    ]);
    const grants = (await adminQuery("SHOW GRANTS FOR 'task_user'@'%'")) as Record<string, string>[];
    expect(grants.map((g) => Object.values(g)[0])).toEqual(
      expect.arrayContaining([
        'GRANT ALL PRIVILEGES ON `task\\_db`.* TO `task_user`@`%`',
        'GRANT ALL PRIVILEGES ON `task\\_mim`.* TO `task_user`@`%`',
      ]),
    );

    const second = await runLikeEcs(override, secrets);
    const secondResult = provisionResultFromTask(t, parseSqlTaskLog(logEvents(second)));
    expect(secondResult.changed).toBe(false);
    expect(secondResult.actions).toEqual([]);
    expect(secondResult.unchanged).toHaveLength(5);

    for (const run of [first, second]) {
      expect(run.stdout + run.stderr).not.toContain(password);
      expect(run.stdout + run.stderr).not.toContain(s.adminPassword);
    }
    expect(JSON.stringify(override)).not.toContain(password);
  });

  it("leaves an existing user's password alone and reports the drift", async () => {
    const oldPassword = sitePassword();
    await adminQuery("CREATE USER 'drift_user'@'%' IDENTIFIED BY ?", [oldPassword]);
    const t = target('drift_db', 'drift_user');
    const s = mariadb();
    const newPassword = sitePassword();
    const run = await runLikeEcs(
      sqlTaskOverride({ sql: provisionTaskSql(t), dbHost: s.host, dbPort: s.port, siteDbUser: 'drift_user' }),
      { ...adminSecrets(), SITE_DB_PASSWORD: newPassword },
    );
    const log = parseSqlTaskLog(logEvents(run));
    expect(log.siteLogin).toBe('refused');
    const result = provisionResultFromTask(t, log);
    expect(result.actions).toEqual([
      'create database drift_db (utf8mb4 / utf8mb4_unicode_ci)',
      "grant ALL PRIVILEGES on drift_db.* to drift_user@'%'",
    ]);
    expect(result.warnings).toEqual([expect.stringContaining('drift_user exists but refuses the password')]);
    const ok = await adminConnection(
      { ...s, adminUser: 'drift_user', adminPassword: oldPassword },
      'drift_db',
    );
    await ok.end();
    expect(run.stdout + run.stderr).not.toContain(newPassword);
  });

  it('reports a failure with the exit code and the client errors, without any password', async () => {
    const s = mariadb();
    const password = sitePassword();
    const run = await runLikeEcs(
      sqlTaskOverride({
        sql: provisionTaskSql(target('fail_db', 'fail_user')),
        dbHost: s.host,
        dbPort: s.port,
      }),
      { MYSQL_PWD: 'WrongAdminPassw0rd', ADMIN_USER: 'admin', SITE_DB_PASSWORD: password },
    );
    const log = parseSqlTaskLog(logEvents(run));
    expect(run.code).toBe(1);
    expect(log.exitCode).toBe(1);
    expect(log.errors.join('\n')).toMatch(/Access denied for user 'admin'/);
    expect(() => provisionResultFromTask(target('fail_db', 'fail_user'), log)).toThrow(
      /the SQL task failed with exit code 1:\n.*Access denied/,
    );
    expect(run.stdout + run.stderr).not.toContain(password);
    expect(run.stdout + run.stderr).not.toContain('WrongAdminPassw0rd');
  });

  it('scrubs the password from client errors that quote the statement', async () => {
    const s = mariadb();
    const password = sitePassword();
    // The MariaDB client echoes a failing statement in full, password included, before its error.
    const sql = `CREATE USER IF NOT EXISTS \`scrub_user\`@\`%\` IDENTIFIED BY ${PASSWORD_PLACEHOLDER} BROKEN;\n`;
    const run = await runLikeEcs(sqlTaskOverride({ sql, dbHost: s.host, dbPort: s.port }), {
      ...adminSecrets(),
      SITE_DB_PASSWORD: password,
    });
    const log = parseSqlTaskLog(logEvents(run));
    expect(log.exitCode).toBe(1);
    expect(log.errors.join('\n')).toMatch(/ERROR 1064/);
    expect(log.errors).toContain("CREATE USER IF NOT EXISTS `scrub_user`@`%` IDENTIFIED BY '***' BROKEN");
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  it.each([
    ['a password with punctuation', { SITE_DB_PASSWORD: "abc'; DROP DATABASE x; --" }, /letters and digits/],
    ['no site password while the SQL sets one', { SITE_DB_PASSWORD: '' }, /SITE_DB_PASSWORD is empty/],
    ['no admin user', { ADMIN_USER: '' }, /ADMIN_USER is not set/],
  ])('refuses %s with exit code 2 before running any SQL', async (_what, change, message) => {
    const s = mariadb();
    const run = await runLikeEcs(
      sqlTaskOverride({
        sql: provisionTaskSql(target('refused_db', 'refused_user')),
        dbHost: s.host,
        dbPort: s.port,
      }),
      { ...adminSecrets(), SITE_DB_PASSWORD: sitePassword(), ...change },
    );
    const log = parseSqlTaskLog(logEvents(run));
    expect(log.exitCode).toBe(2);
    expect(log.errors.join('\n')).toMatch(message);
    expect(
      await adminQuery("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'refused_db'"),
    ).toEqual([]);
  });
});
