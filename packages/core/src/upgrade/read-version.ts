// Reads the Moodle version a database is at — `version` and `release` in `<prefix>config` — inside
// the VPC: through a SqlTask (the site's SQL task family with only the admin secret, as the purge
// uses it), or directly with mysql2 from a job that runs in the VPC (and the tests).
import { cellText, quoteIdentifier } from '../db/provision-sql.js';
import { loadMysql } from '../db/mysql-driver.js';
import { purgeTaskDefinition } from '../db/purgers.js';
import {
  SQL_TASK_CONTAINER,
  SQL_TASK_LOG_PREFIX,
  parseSqlTaskLog,
  sqlTaskOverride,
  type SqlTaskSite,
} from '../db/sql-task.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { MYSQL_IDENTIFIER } from '../naming.js';
import type { Platform } from '../settings/platform-schema.js';
import { describeTaskEnd, runFollowedTask, type TaskClients } from './followed-task.js';
import { moodleVersion, type MoodleVersion } from './versions.js';

/** The one query: two rows, `name<TAB>value`. */
export function versionQuery(database: string, tablePrefix: string): string {
  if (!MYSQL_IDENTIFIER.test(database))
    throw new ConfigurationError(`database name "${database}" must be letters, digits and _`);
  if (!/^[a-z][a-z0-9_]{0,9}$/.test(tablePrefix))
    throw new ConfigurationError(
      `table prefix "${tablePrefix}" must be lowercase letters, digits and _ (e.g. mdl_)`,
    );
  return (
    `SELECT name, value FROM ${quoteIdentifier(database)}.${quoteIdentifier(`${tablePrefix}config`)} ` +
    `WHERE name IN ('version', 'release') ORDER BY name`
  );
}

/** Rows of the query → the version; a database without them is not (yet) a Moodle database. */
export function versionFromRows(database: string, rows: readonly (readonly unknown[])[]): MoodleVersion {
  const value = (name: string) => rows.find((r) => cellText(r[0]) === name)?.[1];
  const version = value('version');
  const release = value('release');
  if (version === undefined || release === undefined)
    throw new ConfigurationError(
      `${database} has no Moodle version in its config table (version and release rows missing): is it a restored Moodle database?`,
    );
  return moodleVersion(cellText(version), cellText(release));
}

export interface DbEndpoint {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
}

export async function readVersionDirect(
  server: DbEndpoint,
  database: string,
  tablePrefix = 'mdl_',
): Promise<MoodleVersion> {
  const sql = versionQuery(database, tablePrefix);
  const mysql = await loadMysql();
  const conn = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    connectTimeout: 10_000,
  });
  try {
    const [rows] = await conn.query({ sql, rowsAsArray: true });
    return versionFromRows(database, rows as unknown[][]);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'ER_NO_SUCH_TABLE' || e.code === 'ER_BAD_DB_ERROR')
      throw new ConfigurationError(`cannot read the Moodle version of ${database}: ${e.message}`);
    throw err;
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

export interface TaskVersionRead {
  clients: TaskClients;
  platform: Platform;
  site: SqlTaskSite;
  database: string;
  tablePrefix?: string;
  log: Logger;
  maxWaitMs?: number;
  pollMs?: number;
  onStarted?: (taskArn: string) => void | Promise<void>;
}

export async function readVersionByTask(r: TaskVersionRead): Promise<MoodleVersion> {
  const override = sqlTaskOverride({
    sql: `${versionQuery(r.database, r.tablePrefix ?? 'mdl_')};\n`,
    dbHost: r.site.dbHost,
    dbPort: r.site.dbPort,
  });
  const result = await runFollowedTask(
    r.clients,
    {
      cluster: r.platform.cluster,
      taskDefinitionArn: (await purgeTaskDefinition(r.clients.ecs, r.site)).arn,
      container: SQL_TASK_CONTAINER,
      command: override.command,
      environment: override.environment,
      network: r.platform.network,
      tags: r.platform.tags,
      startedBy: `mdl-sql/${r.site.previewLink}`,
      logGroup: r.site.logGroupName,
      logStreamPrefix: SQL_TASK_LOG_PREFIX,
    },
    {
      maxWaitMs: r.maxWaitMs ?? 15 * 60_000,
      ...(r.pollMs !== undefined ? { pollMs: r.pollMs } : {}),
      ...(r.onStarted ? { onStarted: r.onStarted } : {}),
    },
  );
  const output = parseSqlTaskLog(result.lines);
  if (output.exitCode !== 0) {
    const why = output.errors.slice(-3).join(' | ') || describeTaskEnd(result);
    throw new Error(`reading the Moodle version (SQL task ${result.taskArn}) failed: ${why}`);
  }
  return versionFromRows(r.database, output.rows);
}
