// The pure half of SqlTask: the per-site task definition, the RunTask override that carries the SQL
// without secrets, the shell script the container runs, and the parser of what it logs back.
import { ConfigurationError } from '../errors.js';
import { SUITE_NAME, TAG_MANAGED_BY, TAG_SITE, siteNames } from '../naming.js';
import type { OneOffTaskResult } from '../deploy/types.js';
import type { SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';
import type { SecretRef, SitePlan, Tags } from '../plan/site-plan.js';
import {
  diffProvision,
  parseProvisionState,
  PASSWORD_PLACEHOLDER,
  passwordDriftWarning,
  provisionStatements,
  sqlScript,
  stateQueries,
  type ProvisionResult,
  type ProvisionTarget,
} from './provision-sql.js';

export const SQL_TASK_CONTAINER = 'sql';
export const SQL_TASK_LOG_PREFIX = 'sql';
/** Every line the script itself writes starts with this; the client's output never does. */
export const SQL_TASK_MARKER = '#mdl-sql-task';

export function sqlTaskFamily(previewLink: string): string {
  return `mdl_sql_task-${previewLink}`;
}

/** What the SqlTask of one site needs from the platform and the plan. */
export interface SqlTaskSite {
  previewLink: string;
  /** The platform's `images.sql_client`: any image with `sh`, `base64`, `sed` and a mysql client. */
  image: string;
  region: string;
  logGroupName: string;
  executionRoleArn: string;
  dbHost: string;
  dbPort: number;
  /** Secrets Manager secret with the admin `username` and `password`. */
  adminSecretArn: string;
  /** The site's DB secret (name or ARN; the apply step resolves it like the site's own task). */
  siteSecret: string;
  siteDbUser: string;
  tags: Tags;
}

export function sqlTaskSite(plan: SitePlan, platform: Platform): SqlTaskSite {
  const { databases, dbUser, logGroup } = plan.resources;
  return {
    previewLink: plan.site,
    image: platform.images.sql_client,
    region: platform.region,
    logGroupName: logGroup.spec.logGroupName,
    executionRoleArn: platform.roles.execution_role_arn,
    dbHost: databases.spec.server.host,
    dbPort: databases.spec.server.port,
    adminSecretArn: databases.spec.server.adminSecretArn,
    siteSecret: dbUser.spec.password.secret,
    siteDbUser: dbUser.spec.name,
    tags: plan.tags,
  };
}

/** The SqlTask of a site known from its registry entry alone (no plan: upgrade, purge-retired). */
export function registrySqlTaskSite(entry: SiteRegistryEntry, platform: Platform): SqlTaskSite {
  return {
    previewLink: entry.previewLink,
    image: platform.images.sql_client,
    region: platform.region,
    logGroupName: entry.logGroup,
    executionRoleArn: platform.roles.execution_role_arn,
    dbHost: entry.dbHost,
    dbPort: platform.db.port,
    adminSecretArn: platform.db.admin_secret_arn,
    siteSecret: siteNames(entry.previewLink).dbSecretName,
    siteDbUser: entry.dbUser,
    tags: { ...platform.tags, [TAG_SITE]: entry.previewLink, [TAG_MANAGED_BY]: SUITE_NAME },
  };
}

export interface SqlTaskDefinitionSpec {
  family: string;
  networkMode: 'awsvpc';
  requiresCompatibilities: ['FARGATE'];
  cpu: string;
  memory: string;
  /** Pulls the image, reads the three secrets, writes the log; the task itself needs no role. */
  executionRoleArn: string;
  runtimePlatform: { operatingSystemFamily: 'LINUX'; cpuArchitecture: 'X86_64' };
  containerDefinitions: {
    name: string;
    image: string;
    essential: true;
    /** Set, so an image whose ENTRYPOINT is `mysql` (many client images) still runs the script. */
    entryPoint: ['sh', '-c'];
    secrets: { name: string; valueFrom: SecretRef }[];
    logConfiguration: { logDriver: 'awslogs'; options: Record<string, string> };
  }[];
  tags: Tags;
}

export function sqlTaskDefinition(site: SqlTaskSite): SqlTaskDefinitionSpec {
  return {
    family: sqlTaskFamily(site.previewLink),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    executionRoleArn: site.executionRoleArn,
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    containerDefinitions: [
      {
        name: SQL_TASK_CONTAINER,
        image: site.image,
        essential: true,
        entryPoint: ['sh', '-c'],
        // All three by valueFrom: the client reads MYSQL_PWD itself, so no password is ever an argument.
        secrets: [
          { name: 'MYSQL_PWD', valueFrom: { secret: site.adminSecretArn, jsonKey: 'password' } },
          { name: 'ADMIN_USER', valueFrom: { secret: site.adminSecretArn, jsonKey: 'username' } },
          { name: 'SITE_DB_PASSWORD', valueFrom: { secret: site.siteSecret, jsonKey: 'password' } },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': site.logGroupName,
            'awslogs-region': site.region,
            'awslogs-stream-prefix': SQL_TASK_LOG_PREFIX,
          },
        },
      },
    ],
    tags: site.tags,
  };
}

/**
 * Runs in the container as `sh -c SCRIPT` (POSIX sh: the client image may be Debian or busybox).
 * Everything variable arrives by environment. The SQL is decoded, the password placeholder replaced
 * with the quoted `$SITE_DB_PASSWORD` — an awk substitution that reads it from the environment, safe
 * because the password is checked to be letters and digits first — and piped into the client, so the
 * password is never a program's argument, never in the task's overrides, never on disk and never in
 * the log (client output is scrubbed of it too). The last line is the exit marker; an optional login as SITE_DB_USER reports password drift.
 */
export const SQL_TASK_SCRIPT = `set -u
M='${SQL_TASK_MARKER}'
finish() { echo "$M exit=$1"; exit "$1"; }
fail() { echo "$M stderr $1"; finish 2; }
[ -n "\${SQL_B64-}" ] || fail 'SQL_B64 is not set'
[ -n "\${DB_HOST-}" ] || fail 'DB_HOST is not set'
[ -n "\${DB_PORT-}" ] || fail 'DB_PORT is not set'
[ -n "\${ADMIN_USER-}" ] || fail 'ADMIN_USER is not set (admin secret, key username)'
[ -n "\${MYSQL_PWD-}" ] || fail 'MYSQL_PWD is not set (admin secret, key password)'
pw=\${SITE_DB_PASSWORD-}
case "$pw" in
  *[!A-Za-z0-9]*) fail 'SITE_DB_PASSWORD holds characters other than letters and digits' ;;
esac
client=$(command -v mysql || command -v mariadb) || fail 'the image has no mysql client'
sql=$(printf '%s' "$SQL_B64" | base64 -d) || fail 'SQL_B64 is not base64'
case "$sql" in
  *'${PASSWORD_PLACEHOLDER}'*) [ -n "$pw" ] || fail 'the SQL sets a password but SITE_DB_PASSWORD is empty' ;;
esac
tmp=\${TMPDIR:-/tmp}/mdl-sql.$$
# awk reads the password from its environment (ENVIRON): as a sed or awk -v argument it would show in
# ps and /proc/<pid>/cmdline of the container. Letters and digits only, so it is safe as a pattern.
scrub() { awk '{ p = ENVIRON["SITE_DB_PASSWORD"]; if (p != "") gsub(p, "***"); print }'; }
printf '%s\\n' "$sql" |
  awk '{ gsub(/${PASSWORD_PLACEHOLDER}/, "\\047" ENVIRON["SITE_DB_PASSWORD"] "\\047"); print }' |
  "$client" --batch --skip-column-names --connect-timeout=10 --default-character-set=utf8mb4 \\
    --host="$DB_HOST" --port="$DB_PORT" --user="$ADMIN_USER" >"$tmp.out" 2>"$tmp.err"
rc=$?
scrub <"$tmp.out"
scrub <"$tmp.err" | sed "s/^/$M stderr /"
rm -f "$tmp.out" "$tmp.err"
if [ "$rc" -eq 0 ] && [ -n "\${SITE_DB_USER-}" ] && [ -n "$pw" ]; then
  if MYSQL_PWD=$pw "$client" --connect-timeout=10 --host="$DB_HOST" --port="$DB_PORT" \\
    --user="$SITE_DB_USER" --batch -e 'SELECT 1' >/dev/null 2>"$tmp.err"; then
    echo "$M site-login=ok"
  elif grep -q 'ERROR 1045' "$tmp.err"; then
    echo "$M site-login=refused"
  else
    echo "$M site-login=unknown"
    scrub <"$tmp.err" | sed "s/^/$M stderr site login: /"
  fi
  rm -f "$tmp.err"
fi
finish "$rc"
`;

/** RunTask's overrides.containerOverrides[0] is hard-capped with everything else at 8 KiB of JSON. */
const MAX_OVERRIDE_CHARS = 8192;

export interface SqlTaskOverride {
  name: string;
  command: string[];
  environment: { name: string; value: string }[];
}

export interface SqlTaskRun {
  /** The SQL text; a password goes in as PASSWORD_PLACEHOLDER, never as itself. */
  sql: string;
  dbHost: string;
  dbPort: number;
  /** When set, the script logs in as this user afterwards and reports whether the password matches. */
  siteDbUser?: string;
}

/** The container override of one SqlTask run: SQL, host and port by environment, the script as command. */
export function sqlTaskOverride(run: SqlTaskRun): SqlTaskOverride {
  // The overrides are visible to anyone who can describe the task: a literal password must not get there.
  if (/IDENTIFIED\s+(WITH\s+\S+\s+)?(BY|AS)\s+['"]/i.test(run.sql))
    throw new Error('the SqlTask SQL must carry a password as the placeholder, never as a literal');
  const environment = [
    { name: 'SQL_B64', value: Buffer.from(run.sql, 'utf8').toString('base64') },
    { name: 'DB_HOST', value: run.dbHost },
    { name: 'DB_PORT', value: String(run.dbPort) },
    ...(run.siteDbUser ? [{ name: 'SITE_DB_USER', value: run.siteDbUser }] : []),
  ];
  const override: SqlTaskOverride = { name: SQL_TASK_CONTAINER, command: [SQL_TASK_SCRIPT], environment };
  const size = JSON.stringify({ containerOverrides: [override] }).length;
  if (size > MAX_OVERRIDE_CHARS)
    throw new ConfigurationError(
      `the SQL for the SqlTask is too long for a RunTask override (${size} > ${MAX_OVERRIDE_CHARS} characters); ` +
        'split it into several runs',
    );
  return override;
}

/** The override of the provisioning run for one site: `provisionTaskSql` plus the drift check. */
export function provisionTaskOverride(site: SqlTaskSite, target: ProvisionTarget): SqlTaskOverride {
  return sqlTaskOverride({
    sql: provisionTaskSql(target),
    dbHost: site.dbHost,
    dbPort: site.dbPort,
    siteDbUser: site.siteDbUser,
  });
}

export interface SqlTaskOutput {
  /** The script's exit code; undefined when the log has no exit marker (stopped, or not all read yet). */
  exitCode: number | undefined;
  /** The client's output lines, in order. */
  lines: string[];
  /** The same, split on tabs with `--batch` escapes decoded. */
  rows: string[][];
  /** The client's and the script's error lines. */
  errors: string[];
  /** Result of the site user login check, when the run asked for it ('unknown': failed otherwise). */
  siteLogin?: 'ok' | 'refused' | 'unknown';
}

/** Log events of one SqlTask (CloudWatch messages, one line each, in order) back into a result. */
export function parseSqlTaskLog(messages: readonly string[]): SqlTaskOutput {
  const out: SqlTaskOutput = { exitCode: undefined, lines: [], rows: [], errors: [] };
  const prefix = `${SQL_TASK_MARKER} `;
  for (const message of messages) {
    for (const line of message.replace(/\r?\n$/, '').split(/\r?\n/)) {
      if (!line.startsWith(prefix)) {
        out.lines.push(line);
        out.rows.push(line.split('\t').map(decodeBatchField));
        continue;
      }
      const body = line.slice(prefix.length);
      const exit = /^exit=(\d+)$/.exec(body);
      if (exit) out.exitCode = Number(exit[1]);
      else if (body.startsWith('stderr ')) out.errors.push(body.slice('stderr '.length));
      else if (/^site-login=(ok|refused|unknown)$/.test(body))
        out.siteLogin = body.slice('site-login='.length) as SqlTaskOutput['siteLogin'];
    }
  }
  return out;
}

/** The SqlTask log's last line (`finish` prints it on every path): the log is read until it shows. */
export const isSqlTaskEnd = (line: string): boolean => line.startsWith(`${SQL_TASK_MARKER} exit=`);

/**
 * A finished SqlTask's output, or an error saying why it cannot be trusted. The container's exit code
 * (ECS's) decides failure; the log gives the rows, and without its exit marker (CloudWatch had not
 * delivered it within the grace) a run that exited 0 has no result to read, which is said as such.
 */
export function sqlTaskOutput(result: OneOffTaskResult, what: string): SqlTaskOutput {
  const output = parseSqlTaskLog(result.logLines);
  if (result.exitCode !== 0 || (output.exitCode !== undefined && output.exitCode !== 0)) {
    const why =
      output.errors.slice(-3).join(' | ') ||
      result.stoppedReason ||
      result.logIncomplete ||
      'no error output';
    throw new Error(`${what} ${result.taskArn} failed (exit ${result.exitCode}): ${why}`);
  }
  if (output.exitCode === undefined)
    throw new Error(
      `${what} ${result.taskArn} exited 0, but ${result.logIncomplete ?? 'its log has no exit marker'}; ` +
        'its result is unknown: run it again (it is idempotent)',
    );
  return output;
}

/** `mysql --batch` writes tab, newline, NUL and backslash in a value as \t, \n, \0 and \\. */
function decodeBatchField(field: string): string {
  return field.replace(/\\([\\tn0])/g, (_, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === '0' ? '\0' : '\\',
  );
}

/**
 * The SQL of a provisioning SqlTask: the state queries first (their rows tell the result which parts
 * were missing), then every statement, each a no-op when its object exists. One task, one round trip.
 */
export function provisionTaskSql(target: ProvisionTarget): string {
  return sqlScript([...stateQueries(target), ...provisionStatements(target).map((s) => s.sql)]);
}

/** The outcome of a provisioning SqlTask, in the same shape as the direct path's. */
export function provisionResultFromTask(target: ProvisionTarget, output: SqlTaskOutput): ProvisionResult {
  if (output.exitCode === undefined)
    throw new Error('the SQL task ended without its exit marker; its log may be incomplete');
  if (output.exitCode !== 0)
    throw new Error(
      `the SQL task failed with exit code ${output.exitCode}` +
        (output.errors.length > 0 ? `:\n${output.errors.join('\n')}` : ''),
    );
  const diff = diffProvision(target, parseProvisionState(output.rows));
  const warnings = [...diff.warnings];
  if (output.siteLogin === 'refused') warnings.push(passwordDriftWarning(target.user.name));
  if (output.siteLogin === 'unknown')
    warnings.push(
      `could not check ${target.user.name}'s password by logging in: ` +
        (output.errors.filter((e) => e.startsWith('site login: ')).join('; ') || 'no reason logged'),
    );
  const actions = diff.statements.map((s) => s.action);
  return { changed: actions.length > 0, actions, unchanged: diff.unchanged, warnings };
}
