export const id = 28;
export const ids = [28];
export const modules = {

/***/ 7028:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  upgrade: () => (/* binding */ upgrade)
});

// EXTERNAL MODULE: ../../packages/core/dist/github/runner.js
var runner = __webpack_require__(152);
// EXTERNAL MODULE: ../../packages/core/dist/upgrade/versions.js
var versions = __webpack_require__(9468);
// EXTERNAL MODULE: ../../packages/core/dist/github/action-io.js
var action_io = __webpack_require__(9865);
// EXTERNAL MODULE: ../../packages/core/dist/errors.js
var errors = __webpack_require__(8247);
// EXTERNAL MODULE: ../../packages/core/dist/upgrade/followed-task.js + 2 modules
var followed_task = __webpack_require__(1266);
// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var dist_cjs = __webpack_require__(4224);
;// CONCATENATED MODULE: ../../packages/core/dist/deploy/normalise.js
// Compare what we want with what AWS has, seeing only the keys we set: AWS fills in keys of its own
// (revision, status, registeredAt, container cpu 0, empty volumesFrom …) that must not count as drift.
/** Paths (`a.b[0].c`) where `actual` differs from `wanted`, looking only at keys `wanted` sets. */
function normalise_driftPaths(wanted, actual, at = '') {
    if (wanted === undefined)
        return [];
    if (Array.isArray(wanted)) {
        if (!Array.isArray(actual) || actual.length !== wanted.length)
            return [at || '(root)'];
        return wanted.flatMap((w, i) => normalise_driftPaths(w, actual[i], `${at}[${i}]`));
    }
    if (wanted !== null && typeof wanted === 'object') {
        if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
            return [at || '(root)'];
        return Object.entries(wanted).flatMap(([k, v]) => normalise_driftPaths(v, actual[k], at ? `${at}.${k}` : k));
    }
    return Object.is(wanted, actual) || scalarText(wanted) === scalarText(actual) ? [] : [at || '(root)'];
}
/** A leaf as text for comparison (`1` and `'1'` are the same setting); a structure as its JSON. */
const scalarText = (v) => typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
/** AWS tag lists (`[{key,value}]` or `[{Key,Value}]`) as a record. */
function normalise_tagRecord(tags) {
    const out = {};
    for (const t of tags ?? []) {
        const k = t.key ?? t.Key;
        if (k !== undefined)
            out[k] = t.value ?? t.Value ?? '';
    }
    return out;
}

// EXTERNAL MODULE: ../../packages/core/dist/naming.js
var naming = __webpack_require__(6088);
// EXTERNAL MODULE: ../../packages/core/dist/registry/site-registry.js
var site_registry = __webpack_require__(8041);
;// CONCATENATED MODULE: ../../packages/core/dist/upgrade/site-task.js






const upgradeTaskFamily = (link) => `mdl_upgrade_task-${link}`;
/** The site's registry entry and the latest ACTIVE revision of its task family. Read-only. */
async function readMoodleSite(clients, link) {
    const entry = await new site_registry/* SiteRegistry */.hq(clients.ssm).get(link);
    if (!entry)
        throw new errors/* ConfigurationError */.j1(`site ${link} is not in the site registry: deploy it first`);
    if (entry.destroyedAt)
        throw new errors/* ConfigurationError */.j1(`site ${link} was destroyed on ${entry.destroyedAt}: deploy it again first`);
    let td;
    try {
        td = (await clients.ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: entry.taskFamily })))
            .taskDefinition;
    }
    catch (err) {
        if (!(err instanceof dist_cjs/* ClientException */.P6G))
            throw err;
    }
    if (!td || td.status !== 'ACTIVE')
        throw new errors/* ConfigurationError */.j1(`site ${link} has no ACTIVE task definition ${entry.taskFamily}: deploy it first`);
    const c = td.containerDefinitions?.find((d) => d.name === entry.container);
    if (!c?.image)
        throw new errors/* ConfigurationError */.j1(`${td.taskDefinitionArn} has no container ${entry.container}`);
    const codePath = c.environment?.find((e) => e.name === 'MOODLE_CODE_PATH')?.value;
    if (!codePath)
        throw new errors/* ConfigurationError */.j1(`${td.taskDefinitionArn} sets no MOODLE_CODE_PATH: redeploy the site with deploy-instance so its task definition names where Moodle's code is`);
    const options = c.logConfiguration?.options ?? {};
    return {
        entry,
        taskDefinition: td,
        container: c.name,
        image: c.image,
        codePath: codePath.replace(/\/+$/, ''),
        logGroup: options['awslogs-group'] ?? entry.logGroup,
        logStreamPrefix: options['awslogs-stream-prefix'] ?? 'moodle',
    };
}
/** The site's task definition with the container's image replaced, as RegisterTaskDefinition input. */
function withImage(site, image, tags) {
    const td = site.taskDefinition;
    return {
        family: upgradeTaskFamily(site.entry.previewLink),
        ...(td.taskRoleArn ? { taskRoleArn: td.taskRoleArn } : {}),
        ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}),
        ...(td.networkMode ? { networkMode: td.networkMode } : {}),
        containerDefinitions: (td.containerDefinitions ?? []).map((c) => c.name === site.container ? { ...c, image } : c),
        ...(td.volumes ? { volumes: td.volumes } : {}),
        ...(td.requiresCompatibilities ? { requiresCompatibilities: td.requiresCompatibilities } : {}),
        ...(td.cpu ? { cpu: td.cpu } : {}),
        ...(td.memory ? { memory: td.memory } : {}),
        ...(td.runtimePlatform ? { runtimePlatform: td.runtimePlatform } : {}),
        ...(td.ephemeralStorage ? { ephemeralStorage: td.ephemeralStorage } : {}),
        tags: Object.entries({ ...tags, [naming/* TAG_SITE */.lR]: site.entry.previewLink, [naming/* TAG_MANAGED_BY */.RJ]: naming/* SUITE_NAME */.tb }).map(([key, value]) => ({ key, value })),
    };
}
/** The ARN of a task definition running `image` for the site: its own, or a (reused) copy. */
async function taskDefinitionFor(ecs, site, image, tags, log) {
    if (image === site.image)
        return site.taskDefinition.taskDefinitionArn;
    const input = withImage(site, image, tags);
    try {
        const out = await ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: input.family, include: ['TAGS'] }));
        const { tags: _t, family: _f, ...wanted } = input;
        const ours = normalise_tagRecord(out.tags)[naming/* TAG_SITE */.lR] === site.entry.previewLink;
        const td = out.taskDefinition;
        if (ours && td?.status === 'ACTIVE' && normalise_driftPaths(wanted, td).length === 0)
            return td.taskDefinitionArn;
    }
    catch (err) {
        if (!(err instanceof dist_cjs/* ClientException */.P6G))
            throw err;
    }
    const out = await ecs.send(new dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input));
    log.info(`registered ${out.taskDefinition.taskDefinitionArn} (the site's task definition with ${image})`);
    return out.taskDefinition.taskDefinitionArn;
}
/** Runs `php <code>/<script> <args>` (or `sh -c <shell>`) as a followed one-off task of the site. */
function runMoodleCli(r) {
    const command = r.shell !== undefined
        ? ['sh', '-c', r.shell]
        : ['php', `${r.site.codePath}/${r.script}`, ...(r.args ?? [])];
    return (0,followed_task/* runFollowedTask */.D2)(r.clients, {
        cluster: r.site.entry.cluster,
        taskDefinitionArn: r.taskDefinitionArn,
        container: r.site.container,
        command,
        ...(r.environment ? { environment: r.environment } : {}),
        network: r.platform.network,
        tags: r.platform.tags,
        startedBy: `mdl-cli/${r.site.entry.previewLink}`,
        logGroup: r.site.logGroup,
        logStreamPrefix: r.site.logStreamPrefix,
    }, {
        maxWaitMs: r.maxWaitMs,
        ...(r.pollMs !== undefined ? { pollMs: r.pollMs } : {}),
        ...(r.sleep ? { sleep: r.sleep } : {}),
        ...(r.now ? { now: r.now } : {}),
        ...(r.onLine ? { onLine: r.onLine } : {}),
        onStarted: (arn) => r.onStarted?.(arn, r.purpose),
        ...(r.onProgress ? { onProgress: r.onProgress } : {}),
        ...(r.progressEveryMs !== undefined ? { progressEveryMs: r.progressEveryMs } : {}),
    });
}

;// CONCATENATED MODULE: ../../packages/core/dist/site-config/site-config.js
// The per-site config file (./config-file.ts: the settings, checked) applied in ONE one-off task of
// the site that runs admin/cli/cfg.php once per setting:
//   php admin/cli/cfg.php [--component=<plugin>] --name=<name> --set=<value>
// (https://docs.moodle.org/en/Administration_via_command_line#Setting_configuration_values).
// Names and components are checked to be identifiers, so they go on the command line as they are;
// values go by environment variables, so no quoting of user text is ever needed.



const CFG_MARKER = '#mdl-cfg';
/** RunTask's container override (command and environment) is capped at 8 KiB of JSON. */
const MAX_OVERRIDE_CHARS = 8192;
/** The shell the task runs and the environment carrying the values. */
function configScript(codePath, items) {
    if (!/^(\/[A-Za-z0-9._-]+)+$/.test(codePath))
        throw new errors/* ConfigurationError */.j1(`the Moodle code path ${JSON.stringify(codePath)} must be an absolute path`);
    const lines = items.map((item, i) => {
        const component = item.component ? ` --component=${item.component}` : '';
        return (`php ${codePath}/admin/cli/cfg.php${component} --name=${item.name} --set="$MDL_CFG_${i + 1}" ` +
            `|| { echo "${CFG_MARKER} failed ${i + 1}"; exit 1; }; echo "${CFG_MARKER} set ${i + 1}"`);
    });
    const shell = ['set -u', ...lines, `echo "${CFG_MARKER} done"`].join('\n');
    const environment = items.map((item, i) => ({ name: `MDL_CFG_${i + 1}`, value: item.value }));
    const size = JSON.stringify({ command: ['sh', '-c', shell], environment }).length;
    if (size > MAX_OVERRIDE_CHARS)
        throw new errors/* ConfigurationError */.j1(`the config file is too large for one task's overrides (${size} > ${MAX_OVERRIDE_CHARS} characters); split it into two files`);
    return { shell, environment };
}
async function applySiteConfig(o) {
    const site = await readMoodleSite(o.clients, o.previewLink);
    const { shell, environment } = configScript(site.codePath, o.items);
    const r = await o.log.group(`cfg.php: ${o.items.length} setting(s) on ${o.previewLink}`, () => runMoodleCli({
        clients: o.clients,
        platform: o.platform,
        site,
        taskDefinitionArn: site.taskDefinition.taskDefinitionArn,
        script: 'admin/cli/cfg.php',
        shell,
        environment,
        purpose: 'apply config',
        maxWaitMs: o.maxWaitMs,
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        onLine: (l) => o.log.info(l),
        ...(o.onTaskStarted ? { onStarted: o.onTaskStarted } : {}),
    }));
    const set = new Set();
    let failed;
    for (const line of r.lines) {
        const m = new RegExp(`^${CFG_MARKER} (set|failed) (\\d+)$`).exec(line.trim());
        if (m?.[1] === 'set')
            set.add(Number(m[2]));
        if (m?.[1] === 'failed')
            failed = Number(m[2]);
    }
    const applied = o.items.map((item, i) => ({
        item,
        status: set.has(i + 1) ? 'set' : failed === i + 1 ? 'failed' : 'not run',
    }));
    const result = { taskArn: r.taskArn, exitCode: r.exitCode, applied };
    if (r.exitCode !== 0 || !r.lines.some((l) => l.trim() === `${CFG_MARKER} done`)) {
        const which = failed !== undefined
            ? ` at ${o.items[failed - 1].component ?? 'core'}/${o.items[failed - 1].name}`
            : '';
        throw Object.assign(new Error(`applying the config failed${which}: ${(0,followed_task/* describeTaskEnd */.O9)(r)}`), { result });
    }
    return result;
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/provision-sql.js
// The SQL that converges a site's databases and its user, as values with no I/O: the direct mysql2
// path, the in-VPC SqlTask and dry-run all build, read and diff through this one module.


/** The target of a plan: `provisionTarget(plan.resources)`. */
function provision_sql_provisionTarget(resources) {
    return { databases: resources.databases.spec.databases, user: resources.dbUser.spec };
}
/**
 * Stands, unquoted, where the quoted password goes in `CREATE USER`. Unquoted on purpose: if it is
 * ever sent without being substituted the server rejects the statement instead of setting a
 * password of that literal text.
 */
const PASSWORD_PLACEHOLDER = '@@SITE_DB_PASSWORD@@';
/**
 * A site's DB password: generated once in Secrets Manager with letters and digits only, which is what
 * makes a plain text substitution in the SqlTask's shell safe. Anything else is refused, not escaped.
 */
const SITE_DB_PASSWORD = /^[A-Za-z0-9]{16,128}$/;
/**
 * The database-level privileges `GRANT ALL PRIVILEGES ON db.*` gives on both MySQL 8 and MariaDB.
 * Servers add their own on top (MariaDB's DELETE HISTORY); a grant holding at least these is "all".
 */
const ALL_DATABASE_PRIVILEGES = (/* unused pure expression or super */ null && ([
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
]));
const COLLATION = /^utf8mb4_[a-z0-9_]+$/;
/**
 * Checks every name that will be spliced into SQL, again: the settings validator already did, but this
 * module must not depend on every caller having used it. Throws one ConfigurationError with all problems.
 */
function checkProvisionTarget(target) {
    const problems = [];
    const identifier = (what, name, max) => {
        if (typeof name !== 'string' || !MYSQL_IDENTIFIER.test(name))
            problems.push(`${what} ${JSON.stringify(name)} must be letters, digits and underscores (not all digits)`);
        else if (name.length > max)
            problems.push(`${what} ${name} is longer than ${max} characters`);
    };
    if (target.databases.length === 0)
        problems.push('no database to provision');
    for (const db of target.databases) {
        identifier('database name', db.name, MAX_DB_NAME_LENGTH);
        if (db.characterSet !== 'utf8mb4')
            problems.push(`database ${db.name}: character set must be utf8mb4, not ${String(db.characterSet)}`);
        if (typeof db.collation !== 'string' || !COLLATION.test(db.collation))
            problems.push(`database ${db.name}: collation ${JSON.stringify(db.collation)} is not a utf8mb4 collation`);
    }
    identifier('database user', target.user.name, MAX_DB_USER_LENGTH);
    if (target.user.host !== '%')
        problems.push(`database user host must be '%', not ${String(target.user.host)}`);
    const names = new Set(target.databases.map((d) => d.name));
    for (const g of target.user.grants) {
        identifier('granted database', g.database, MAX_DB_NAME_LENGTH);
        if (g.privileges !== 'ALL PRIVILEGES')
            problems.push(`grant on ${g.database}: only ALL PRIVILEGES is supported, not ${String(g.privileges)}`);
        if (!names.has(g.database))
            problems.push(`grant on ${g.database}: that database is not provisioned`);
    }
    if (problems.length > 0)
        throw new ConfigurationError(`cannot provision the site's databases:\n- ${problems.join('\n- ')}`);
}
/** Refuses a password outside the site alphabet; the message never contains the password. */
function checkSitePassword(password) {
    if (typeof password !== 'string' || !SITE_DB_PASSWORD.test(password))
        throw new ConfigurationError("the site's DB password must be 16 to 128 letters and digits (generate it with ExcludePunctuation); " +
            'the secret holds something else');
}
/** A backtick-quoted identifier; callers pass only names that passed `checkProvisionTarget`. */
function quoteIdentifier(name) {
    return `\`${name.replace(/`/g, '``')}\``;
}
/** A single-quoted SQL string literal for a validated name (no backslashes or quotes can reach it). */
function quoteName(name) {
    return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
/**
 * In a database-level GRANT, `_` and `%` are wildcards: `moodle_db` also matches `moodleXdb`. Escaped,
 * the grant covers exactly one database on MySQL 8 (with partial_revokes on or off) and MariaDB.
 */
function grantSchema(database) {
    return database.replace(/[\\_%]/g, '\\$&');
}
function accountName(user) {
    return `${quoteIdentifier(user.name)}@${quoteIdentifier(user.host)}`;
}
/**
 * Every statement of a full convergence, each safe to run again: IF NOT EXISTS never alters what is
 * there, so an existing user keeps its password and an existing database its charset and data.
 */
function provision_sql_provisionStatements(target) {
    checkProvisionTarget(target);
    const account = accountName(target.user);
    const statements = target.databases.map((db) => ({
        kind: 'create-database',
        subject: db.name,
        action: `create database ${db.name} (${db.characterSet} / ${db.collation})`,
        sql: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(db.name)} ` +
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
function driverQuery(statement, password) {
    if (!statement.sql.includes(PASSWORD_PLACEHOLDER))
        return { sql: statement.sql, values: [] };
    checkSitePassword(password);
    return { sql: statement.sql.replace(PASSWORD_PLACEHOLDER, '?'), values: [password] };
}
/** Statements as one script for the `mysql` client (the SqlTask); the placeholder stays in it. */
function provision_sql_sqlScript(sql) {
    return sql.map((s) => `${s};\n`).join('');
}
/**
 * Read-only queries whose rows, first column a tag, describe what exists. Plain SELECTs on
 * information_schema (visible to an admin with SELECT on `mysql`), so they run the same through
 * mysql2 and through the `mysql --batch` of a SqlTask, and fail on nothing that is merely absent.
 */
function provision_sql_stateQueries(target) {
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
function provision_sql_passwordDriftWarning(user) {
    return (`user ${user} exists but refuses the password in the site's secret; it was not reset. ` +
        'Set it deliberately (ALTER USER) or restore the secret, or Moodle cannot connect');
}
/**
 * One cell of a result row as text: null and absent as '', strings as they are, numbers written out,
 * bytes as UTF-8 (mysql2 gives binary columns as Buffers), anything else as JSON.
 */
function cellText(c) {
    if (c === null || c === undefined)
        return '';
    if (typeof c === 'string')
        return c;
    if (typeof c === 'number' || typeof c === 'bigint' || typeof c === 'boolean')
        return String(c);
    if (Buffer.isBuffer(c))
        return c.toString('utf8');
    return JSON.stringify(c);
}
/** Rows of `stateQueries` (any order, other rows ignored) back into a state. */
function provision_sql_parseProvisionState(rows) {
    const state = { databases: [], userExists: false, grants: [] };
    const grants = new Map();
    for (const row of rows) {
        const cells = row.map(cellText);
        const [tag, a = '', b = '', c = ''] = cells;
        if (tag === 'database')
            state.databases.push({ name: a, characterSet: b, collation: c });
        else if (tag === 'user')
            state.userExists = true;
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
function grantPatternCovers(pattern, database) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i];
        if (ch === '\\' && i + 1 < pattern.length)
            source += escapeRegExp(pattern[++i]);
        else if (ch === '%')
            source += '.*';
        else if (ch === '_')
            source += '.';
        else
            source += escapeRegExp(ch);
    }
    // Schema names are case-sensitive on Linux servers (lower_case_table_names=0, Aurora's default).
    return new RegExp(`^${source}$`, 's').test(database);
}
function escapeRegExp(ch) {
    return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
/**
 * What must run to bring `state` to `target`. Creates only; never drops, never alters: an existing
 * database with another charset and an existing user (whatever its password) are reported, not changed.
 */
function provision_sql_diffProvision(target, state) {
    const all = provision_sql_provisionStatements(target);
    const diff = { statements: [], unchanged: [], warnings: [] };
    const existing = new Map(state.databases.map((d) => [d.name, d]));
    for (const st of all) {
        if (st.kind === 'create-database') {
            const want = target.databases.find((d) => d.name === st.subject);
            const have = existing.get(st.subject);
            if (!have)
                diff.statements.push(st);
            else {
                diff.unchanged.push(`database ${have.name} exists (${have.characterSet} / ${have.collation})`);
                if (have.characterSet !== want.characterSet || have.collation !== want.collation)
                    diff.warnings.push(`database ${have.name} is ${have.characterSet} / ${have.collation}, not ${want.characterSet} / ` +
                        `${want.collation}; left alone (converting an existing database is a deliberate migration)`);
            }
        }
        else if (st.kind === 'create-user') {
            if (!state.userExists)
                diff.statements.push(st);
            else
                diff.unchanged.push(`user ${target.user.name}@'${target.user.host}' exists (its password is never changed here)`);
        }
        else {
            const covered = state.userExists &&
                state.grants.some((g) => grantPatternCovers(g.schema, st.subject) &&
                    ALL_DATABASE_PRIVILEGES.every((p) => g.privileges.includes(p)));
            if (covered)
                diff.unchanged.push(`${target.user.name} holds ALL PRIVILEGES on ${st.subject}.*`);
            else
                diff.statements.push(st);
        }
    }
    return diff;
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/sql-task.js
// The pure half of SqlTask: the per-site task definition, the RunTask override that carries the SQL
// without secrets, the shell script the container runs, and the parser of what it logs back.



const sql_task_SQL_TASK_CONTAINER = 'sql';
const sql_task_SQL_TASK_LOG_PREFIX = 'sql';
/** Every line the script itself writes starts with this; the client's output never does. */
const SQL_TASK_MARKER = '#mdl-sql-task';
function sqlTaskFamily(previewLink) {
    return `mdl_sql_task-${previewLink}`;
}
function sql_task_sqlTaskSite(plan, platform) {
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
function registrySqlTaskSite(entry, platform) {
    return {
        previewLink: entry.previewLink,
        image: platform.images.sql_client,
        region: platform.region,
        logGroupName: entry.logGroup,
        executionRoleArn: platform.roles.execution_role_arn,
        dbHost: entry.dbHost,
        dbPort: platform.db.port,
        adminSecretArn: platform.db.admin_secret_arn,
        siteSecret: (0,naming/* siteNames */.qf)(entry.previewLink).dbSecretName,
        siteDbUser: entry.dbUser,
        tags: { ...platform.tags, [naming/* TAG_SITE */.lR]: entry.previewLink, [naming/* TAG_MANAGED_BY */.RJ]: naming/* SUITE_NAME */.tb },
    };
}
function sql_task_sqlTaskDefinition(site) {
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
                name: sql_task_SQL_TASK_CONTAINER,
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
                        'awslogs-stream-prefix': sql_task_SQL_TASK_LOG_PREFIX,
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
const SQL_TASK_SCRIPT = `set -u
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
const sql_task_MAX_OVERRIDE_CHARS = 8192;
/** The container override of one SqlTask run: SQL, host and port by environment, the script as command. */
function sql_task_sqlTaskOverride(run) {
    // The overrides are visible to anyone who can describe the task: a literal password must not get there.
    if (/IDENTIFIED\s+(WITH\s+\S+\s+)?(BY|AS)\s+['"]/i.test(run.sql))
        throw new Error('the SqlTask SQL must carry a password as the placeholder, never as a literal');
    const environment = [
        { name: 'SQL_B64', value: Buffer.from(run.sql, 'utf8').toString('base64') },
        { name: 'DB_HOST', value: run.dbHost },
        { name: 'DB_PORT', value: String(run.dbPort) },
        ...(run.siteDbUser ? [{ name: 'SITE_DB_USER', value: run.siteDbUser }] : []),
    ];
    const override = { name: sql_task_SQL_TASK_CONTAINER, command: [SQL_TASK_SCRIPT], environment };
    const size = JSON.stringify({ containerOverrides: [override] }).length;
    if (size > sql_task_MAX_OVERRIDE_CHARS)
        throw new errors/* ConfigurationError */.j1(`the SQL for the SqlTask is too long for a RunTask override (${size} > ${sql_task_MAX_OVERRIDE_CHARS} characters); ` +
            'split it into several runs');
    return override;
}
/** The override of the provisioning run for one site: `provisionTaskSql` plus the drift check. */
function sql_task_provisionTaskOverride(site, target) {
    return sql_task_sqlTaskOverride({
        sql: provisionTaskSql(target),
        dbHost: site.dbHost,
        dbPort: site.dbPort,
        siteDbUser: site.siteDbUser,
    });
}
/** Log events of one SqlTask (CloudWatch messages, one line each, in order) back into a result. */
function parseSqlTaskLog(messages) {
    const out = { exitCode: undefined, lines: [], rows: [], errors: [] };
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
            if (exit)
                out.exitCode = Number(exit[1]);
            else if (body.startsWith('stderr '))
                out.errors.push(body.slice('stderr '.length));
            else if (/^site-login=(ok|refused|unknown)$/.test(body))
                out.siteLogin = body.slice('site-login='.length);
        }
    }
    return out;
}
/** The SqlTask log's last line (`finish` prints it on every path): the log is read until it shows. */
const sql_task_isSqlTaskEnd = (line) => line.startsWith(`${SQL_TASK_MARKER} exit=`);
/**
 * A finished SqlTask's output, or an error saying why it cannot be trusted. The container's exit code
 * (ECS's) decides failure; the log gives the rows, and without its exit marker (CloudWatch had not
 * delivered it within the grace) a run that exited 0 has no result to read, which is said as such.
 */
function sql_task_sqlTaskOutput(result, what) {
    const output = parseSqlTaskLog(result.logLines);
    if (result.exitCode !== 0 || (output.exitCode !== undefined && output.exitCode !== 0)) {
        const why = output.errors.slice(-3).join(' | ') ||
            result.stoppedReason ||
            result.logIncomplete ||
            'no error output';
        throw new Error(`${what} ${result.taskArn} failed (exit ${result.exitCode}): ${why}`);
    }
    if (output.exitCode === undefined)
        throw new Error(`${what} ${result.taskArn} exited 0, but ${result.logIncomplete ?? 'its log has no exit marker'}; ` +
            'its result is unknown: run it again (it is idempotent)');
    return output;
}
/** `mysql --batch` writes tab, newline, NUL and backslash in a value as \t, \n, \0 and \\. */
function decodeBatchField(field) {
    return field.replace(/\\([\\tn0])/g, (_, c) => c === 't' ? '\t' : c === 'n' ? '\n' : c === '0' ? '\0' : '\\');
}
/**
 * The SQL of a provisioning SqlTask: the state queries first (their rows tell the result which parts
 * were missing), then every statement, each a no-op when its object exists. One task, one round trip.
 */
function provisionTaskSql(target) {
    return sqlScript([...stateQueries(target), ...provisionStatements(target).map((s) => s.sql)]);
}
/** The outcome of a provisioning SqlTask, in the same shape as the direct path's. */
function sql_task_provisionResultFromTask(target, output) {
    if (output.exitCode === undefined)
        throw new Error('the SQL task ended without its exit marker; its log may be incomplete');
    if (output.exitCode !== 0)
        throw new Error(`the SQL task failed with exit code ${output.exitCode}` +
            (output.errors.length > 0 ? `:\n${output.errors.join('\n')}` : ''));
    const diff = diffProvision(target, parseProvisionState(output.rows));
    const warnings = [...diff.warnings];
    if (output.siteLogin === 'refused')
        warnings.push(passwordDriftWarning(target.user.name));
    if (output.siteLogin === 'unknown')
        warnings.push(`could not check ${target.user.name}'s password by logging in: ` +
            (output.errors.filter((e) => e.startsWith('site login: ')).join('; ') || 'no reason logged'));
    const actions = diff.statements.map((s) => s.action);
    return { changed: actions.length > 0, actions, unchanged: diff.unchanged, warnings };
}

// EXTERNAL MODULE: ../../node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js
var client_secrets_manager_dist_cjs = __webpack_require__(5494);
;// CONCATENATED MODULE: ../../packages/core/dist/db/provisioners.js
// The two ways deploy-instance ensures a site's databases and user: `direct` (a mysql2 connection
// from a runner inside the VPC) and `task` (a one-off SQL task in the VPC, for GitHub-hosted runners).








/** Lines about databases vs. lines about the user and its grants. */
function split(lines) {
    const databases = lines.filter((l) => /^create database /.test(l));
    return { databases, user: lines.filter((l) => !databases.includes(l)) };
}
function report(result, log) {
    for (const w of result.warnings)
        log.warning(w);
    return split(result.actions);
}
/** The admin account from the platform's admin secret ({"username", "password"}), masked at once. */
async function provisioners_adminAccount(clients, log, arn) {
    const out = await clients.secrets.send(new client_secrets_manager_dist_cjs/* GetSecretValueCommand */.d2({ SecretId: arn }));
    const value = JSON.parse(out.SecretString ?? '{}');
    if (!value.username || !value.password)
        throw new errors/* ConfigurationError */.j1(`the DB admin secret ${arn} must hold JSON with "username" and "password"`);
    log.mask(value.password);
    return { user: value.username, password: value.password };
}
function directProvisioner(deps) {
    const target = provisionTarget(deps.plan.resources);
    const server = async () => {
        const admin = await provisioners_adminAccount(deps.clients, deps.log, deps.platform.db.admin_secret_arn);
        const { host, port } = deps.plan.resources.databases.spec.server;
        return { host, port, adminUser: admin.user, adminPassword: admin.password };
    };
    return {
        mode: 'direct',
        async changes() {
            const diff = await inspectDirect(target, await server());
            // A difference left alone on purpose (an existing database's charset) is said, not planned:
            // it must not make every redeploy report a change.
            for (const w of diff.warnings)
                deps.log.warning(w);
            return split(diff.statements.map((s) => s.action));
        },
        async apply(ctx) {
            const result = await provisionDirect(target, await server(), {
                sitePassword: await ctx.password(),
                log: (l) => deps.log.info(l),
            });
            return report(result, deps.log);
        },
    };
}
/** The SQL task definition as RegisterTaskDefinition input, secrets resolved to ARNs. */
function sqlRegisterInput(spec, siteSecretArn) {
    return {
        ...spec,
        requiresCompatibilities: [...spec.requiresCompatibilities],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
            ...c,
            entryPoint: [...c.entryPoint],
            secrets: c.secrets.map((s) => ({
                name: s.name,
                // The admin secret is named by its ARN already; the site's by name, resolved here.
                valueFrom: secretValueFrom(s.valueFrom.secret.startsWith('arn:') ? s.valueFrom.secret : siteSecretArn, s.valueFrom),
            })),
        })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    };
}
function sqlTaskProvisioner(deps) {
    const site = sqlTaskSite(deps.plan, deps.platform);
    const target = provisionTarget(deps.plan.resources);
    const spec = sqlTaskDefinition(site);
    /** The latest SQL task revision if it matches, else a new one (as for the site's own task). */
    const taskDefinitionArn = async (secretArn) => {
        if (!secretArn)
            throw new Error('the site DB secret must exist before the SQL task runs');
        const input = sqlRegisterInput(spec, secretArn);
        try {
            const { taskDefinition: td } = await deps.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: spec.family }));
            const { tags: _t, ...wanted } = input;
            if (td?.status === 'ACTIVE' && driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
                return td.taskDefinitionArn;
        }
        catch (err) {
            if (!(err instanceof ClientException))
                throw err;
        }
        const out = await deps.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
        return out.taskDefinition.taskDefinitionArn;
    };
    return {
        mode: 'task',
        // Knowing what exists would take a task (a mutating call): the deploy relies on the registry.
        changes: async () => undefined,
        async apply(ctx) {
            const override = provisionTaskOverride(site, target);
            const result = await deps.tasks.run({
                cluster: deps.platform.cluster,
                taskDefinitionArn: await taskDefinitionArn(ctx.siteSecretArn()),
                container: SQL_TASK_CONTAINER,
                command: override.command,
                environment: override.environment,
                platform: deps.platform,
                startedBy: `mdl-sql/${deps.plan.site}`.slice(0, 36),
                logGroup: site.logGroupName,
                logStreamPrefix: SQL_TASK_LOG_PREFIX,
                endLine: isSqlTaskEnd,
            });
            const output = sqlTaskOutput(result, 'the SQL task');
            return report(provisionResultFromTask(target, output), deps.log);
        },
    };
}
function dbProvisioner(mode, deps) {
    return mode === 'direct' ? directProvisioner(deps) : sqlTaskProvisioner(deps);
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/mysql-driver.js
let driver;
function loadMysql() {
    driver ??= __webpack_require__.e(/* import() */ 384).then(__webpack_require__.t.bind(__webpack_require__, 2384, 19)).then((m) => m.default);
    return driver;
}

;// CONCATENATED MODULE: ../../packages/core/dist/secrets.js
// Hiding secrets in text the suite writes itself (the CLI's log lines, a runner's console output):
// each secret as itself and as it shows inside base64 or base64url text. Inside a longer base64 text a
// secret starts at one of three byte offsets modulo 3, and each offset encodes it differently; the
// characters that depend only on the secret's own bytes are the same wherever it sits, so hiding those
// three runs hides it in any base64 text. (The GitHub runner masks these shifts for core.setSecret
// itself: actions/runner's ValueEncoders.Base64StringEscapeShift1/2.)
/** Shorter encoded runs than this are not hidden: they would hide common text, not a secret. */
const MIN_FORM = 6;
/**
 * The run of base64 characters that encodes `secret` when it starts `shift` bytes (0-2) after a
 * 3-byte boundary: characters whose 6 bits come from the secret's bytes alone.
 */
function base64Run(secret, shift, url) {
    const encoded = Buffer.concat([Buffer.alloc(shift), secret]).toString(url ? 'base64url' : 'base64');
    const first = Math.ceil((8 * shift) / 6); // the characters before hold bits of the bytes before
    const end = Math.floor((8 * (shift + secret.length)) / 6); // the ones after, bits of the bytes after
    return encoded.slice(first, end);
}
/** Every form of a secret to hide, longest first (so no shorter form splits a longer one). */
function secretForms(secret) {
    const bytes = Buffer.from(secret);
    const forms = new Set([secret]);
    for (const url of [false, true]) {
        // Whole: what base64 of the secret alone reads, padding included.
        forms.add(bytes.toString(url ? 'base64url' : 'base64'));
        for (const shift of [0, 1, 2])
            forms.add(base64Run(bytes, shift, url));
    }
    return [...forms]
        .filter((f) => f === secret || f.length >= MIN_FORM)
        .filter(Boolean)
        .sort((a, b) => b.length - a.length);
}
/** `text` with each secret, and each of its base64 forms, replaced by ***. */
function redactSecrets(text, secrets) {
    const forms = [...new Set(secrets.filter(Boolean).flatMap(secretForms))].sort((a, b) => b.length - a.length);
    return forms.reduce((out, form) => out.split(form).join('***'), text);
}
/**
 * Names of environment variables that hold credentials (today's revisions carry some in plain text).
 * Words, not exact names: `DB_PASSWORD`, `MYSQL_PWD`, `SMTP_PASSWD`, `API_TOKEN`, `CLIENT_SECRET`,
 * `AWS_SECRET_ACCESS_KEY`, `OAUTH_CREDENTIALS`, `AUTH_SALT`, `PRIVATE_KEY`. Hiding a value that is not
 * a secret costs a diff line its detail; showing one that is costs the secret.
 */
const CREDENTIAL_NAME = /pass|pwd|secret|token|key|credential|auth|salt|private|cookie|session/i;
/** Names of variables that hold a password: `MOODLE_DB_PASSWORD`, `DB_PASSWD`, `MYSQL_PWD`. */
const PASSWORD_NAME = /pass|pwd/i;
const isCredentialName = (name) => CREDENTIAL_NAME.test(name);
const isPasswordName = (name) => PASSWORD_NAME.test(name);

;// CONCATENATED MODULE: ../../packages/core/dist/resources/ownership.js
// The suite changes only what it owns: resources tagged as the site's and the suite's.


/** Throws before any change when an existing resource of the site's name is not ours. */
function assertOwned(kind, name, tags, previewLink) {
    if (tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === previewLink)
        return;
    const owner = tags[naming/* TAG_MANAGED_BY */.RJ]
        ? `managed by ${tags[naming/* TAG_MANAGED_BY */.RJ]} for site ${tags[naming/* TAG_SITE */.lR] ?? '?'}`
        : 'not tagged by moodle-preview-actions';
    throw new errors/* ConfigurationError */.j1(`${kind} ${name} already exists and is ${owner}; the suite only changes what it owns. ` +
        `If it is this site's (built by Terraform), adopt it first with \`mdl-preview adopt\`; otherwise choose another preview_link.`);
}
/** The engine's ownership check: refuse what is not ours, unless adopt asked to be told instead. */
function checkOwned(env, found) {
    if (env.onOwnership)
        env.onOwnership(found);
    else
        assertOwned(found.kind, found.name, found.tags, env.plan.site);
}

;// CONCATENATED MODULE: ../../packages/core/dist/resources/task-definition.plan.js
const MOODLEDATA_VOLUME = 'moodledata';
const byName = (a, b) => a.name.localeCompare(b.name);
/** The Moodle container's environment: where the site is, its database, Redis and cron log. */
function environmentOf({ site, cronLogPath }) {
    const environment = [
        { name: 'PREVIEW_LINK', value: site.previewLink },
        { name: 'PHP_VERSION', value: site.phpVersion },
        { name: 'MOODLE_WWWROOT', value: site.url },
        { name: 'MOODLE_SITE_FOLDER', value: site.siteFolder },
        { name: 'MOODLE_CODE_PATH', value: site.moodleCodePath },
        { name: 'MOODLE_FULL_IMAGE', value: String(site.fullImage) },
        { name: 'MOODLE_DATAROOT', value: site.moodledata.path },
        { name: 'MOODLE_CRON_LOG', value: cronLogPath },
        { name: 'MOODLE_DB_HOST', value: site.db.host },
        { name: 'MOODLE_DB_PORT', value: String(site.db.port) },
        { name: 'MOODLE_DB_NAME', value: site.db.name },
        { name: 'MOODLE_DB_USER', value: site.db.user },
        { name: 'MOODLE_REDIS_HOST', value: site.redis.host },
        { name: 'MOODLE_REDIS_PORT', value: String(site.redis.port) },
        { name: 'MOODLE_REDIS_PREFIX', value: site.redis.prefix },
    ];
    if (site.db.readReplicaHost)
        environment.push({ name: 'MOODLE_DB_HOST_READONLY', value: site.db.readReplicaHost });
    if (site.db.mimName) {
        environment.push({ name: 'MIM_DB_HOST', value: site.db.host }, { name: 'MIM_DB_NAME', value: site.db.mimName });
    }
    environment.sort(byName);
    return environment;
}
const planTaskDefinition = (ctx) => {
    const { site, platform, names, tags, mountPath, logGroupName } = ctx;
    const accessPoint = platform.efs.access_point_id;
    const environment = environmentOf(ctx);
    return {
        name: names.taskFamily,
        dependsOn: ['logGroup', 'dbSecret'],
        spec: {
            family: names.taskFamily,
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: String(site.cpu),
            memory: String(site.memory),
            executionRoleArn: platform.roles.execution_role_arn,
            taskRoleArn: platform.roles.task_role_arn,
            runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
            volumes: [
                {
                    name: MOODLEDATA_VOLUME,
                    efsVolumeConfiguration: {
                        fileSystemId: platform.efs.file_system_id,
                        // The whole EFS root, as today: runcron.sh writes <mount>/cron_logs/ next to the sites.
                        rootDirectory: '/',
                        transitEncryption: 'ENABLED',
                        ...(accessPoint
                            ? { authorizationConfig: { accessPointId: accessPoint, iam: 'ENABLED' } }
                            : {}),
                    },
                },
            ],
            containerDefinitions: [
                {
                    name: names.containerName,
                    image: site.image,
                    essential: true,
                    portMappings: [
                        { containerPort: 80, protocol: 'tcp' },
                        { containerPort: 443, protocol: 'tcp' },
                    ],
                    environment,
                    secrets: [
                        { name: 'MOODLE_DB_PASSWORD', valueFrom: { secret: names.dbSecretName, jsonKey: 'password' } },
                    ],
                    mountPoints: [{ sourceVolume: MOODLEDATA_VOLUME, containerPath: mountPath, readOnly: false }],
                    // An init process reaps the children of ECS Exec sessions (cron runs through it).
                    linuxParameters: { initProcessEnabled: true },
                    logConfiguration: {
                        logDriver: 'awslogs',
                        options: {
                            'awslogs-group': logGroupName,
                            'awslogs-region': platform.region,
                            'awslogs-stream-prefix': 'moodle',
                        },
                    },
                },
            ],
            tags,
        },
    };
};

// EXTERNAL MODULE: ../../node_modules/@smithy/core/dist-cjs/submodules/client/index.js
var submodules_client = __webpack_require__(4614);
;// CONCATENATED MODULE: ../../packages/core/dist/destroy/types.js

/**
 * The safe order of a destroy: nothing switches the rule (the sleep page's schedules), nothing routes to the service before it goes, data goes only once no
 * task can use it, a task definition only after the one-off tasks that need it, the DB secret after
 * the data it opens, and the registry entry — the record of what the site had — last of all.
 */
const REMOVAL_STEPS = (/* unused pure expression or super */ null && ([
    'sleep page',
    'scaling policies',
    'scaling target',
    'listener rule',
    'service',
    'target group',
    'data in place',
    'task definitions',
    'data records',
    'registry',
]));
/** A resource's tags say it is this site's and the suite's. */
const types_ownedBy = (tags, previewLink) => tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === previewLink;
/** Why a data row is kept: said the same way for every kind of data. */
const KEEP_NOTE = 'data: kept (purge-data and confirm remove it)';
/** Runs `fn` once, however many rows share its outcome. */
function once(fn) {
    let p;
    return () => (p ??= fn());
}

;// CONCATENATED MODULE: ../../packages/core/dist/resources/service.plan.js
const planService = ({ site, platform, names, tags, }) => ({
    name: names.serviceName,
    dependsOn: ['taskDefinition', 'listenerRule', 'databases', 'dbUser', 'moodledata'],
    spec: {
        cluster: platform.cluster,
        serviceName: names.serviceName,
        taskDefinition: { ref: 'taskDefinition', attribute: 'arn' },
        initialDesiredCount: site.scaling.min,
        launchType: 'FARGATE',
        platformVersion: 'LATEST',
        networkConfiguration: {
            subnets: [...platform.network.subnet_ids],
            securityGroups: [...platform.network.security_group_ids],
            assignPublicIp: platform.network.assign_public_ip ? 'ENABLED' : 'DISABLED',
        },
        loadBalancers: [
            {
                targetGroup: { ref: 'targetGroup', attribute: 'arn' },
                containerName: names.containerName,
                containerPort: platform.alb.target_port,
            },
        ],
        // A partial image downloads Moodle at start: give it time before health checks count.
        healthCheckGracePeriodSeconds: site.fullImage ? 120 : 600,
        deploymentConfiguration: {
            minimumHealthyPercent: 100,
            maximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
        },
        enableExecuteCommand: true,
        propagateTags: 'SERVICE',
        enableECSManagedTags: true,
        tags,
    },
});

;// CONCATENATED MODULE: ../../packages/core/dist/resources/service.js
// The site's ECS service. Deploy creates it once with its initial desired count and afterwards
// updates only what differs — never the desired count, which auto scaling owns. Destroy scales it to
// zero, deletes it and waits (with the SDK's waiter machinery) until ECS reports it INACTIVE, every
// task stopped; a service found DRAINING was deleted by an earlier run that did not wait, and this
// run waits for it before anything it used goes.







const KIND = 'service';
/** The service of this name that is not INACTIVE (ECS keeps a deleted one visible for a while). */
async function describeServiceByName(clients, cluster, name) {
    const out = await clients.ecs.send(new dist_cjs/* DescribeServicesCommand */.H7c({ cluster, services: [name], include: ['TAGS'] }));
    return out.services?.find((s) => s.serviceName === name && s.status !== 'INACTIVE');
}
const primaryDeployment = (service) => service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
/** What CreateService and UpdateService share: everything but the names and the desired count. */
function settings(env, spec) {
    return {
        taskDefinition: env.refs.get('taskDefinition'),
        networkConfiguration: {
            awsvpcConfiguration: {
                subnets: spec.networkConfiguration.subnets,
                securityGroups: spec.networkConfiguration.securityGroups,
                assignPublicIp: spec.networkConfiguration.assignPublicIp,
            },
        },
        loadBalancers: spec.loadBalancers.map((lb) => ({
            targetGroupArn: env.refs.get('targetGroup'),
            containerName: lb.containerName,
            containerPort: lb.containerPort,
        })),
        healthCheckGracePeriodSeconds: spec.healthCheckGracePeriodSeconds,
        deploymentConfiguration: spec.deploymentConfiguration,
        enableExecuteCommand: spec.enableExecuteCommand,
        propagateTags: spec.propagateTags,
        enableECSManagedTags: spec.enableECSManagedTags,
        platformVersion: spec.platformVersion,
    };
}
function create(env, spec) {
    return {
        id: 'service',
        name: spec.serviceName,
        action: 'create',
        changes: [`create with ${spec.initialDesiredCount} task(s)`],
        apply: async () => {
            const s = settings(env, spec);
            const out = await env.clients.ecs.send(new dist_cjs/* CreateServiceCommand */.JkR({
                cluster: spec.cluster,
                serviceName: spec.serviceName,
                taskDefinition: s.taskDefinition,
                desiredCount: spec.initialDesiredCount,
                launchType: spec.launchType,
                platformVersion: s.platformVersion,
                networkConfiguration: s.networkConfiguration,
                loadBalancers: s.loadBalancers,
                healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
                deploymentConfiguration: s.deploymentConfiguration,
                enableExecuteCommand: s.enableExecuteCommand,
                propagateTags: s.propagateTags,
                enableECSManagedTags: s.enableECSManagedTags,
                tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
            }));
            env.startedDeployment = primaryDeployment(out.service);
            return out.service?.serviceArn;
        },
    };
}
const sameSet = (a, b) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...b].sort());
/** How the existing service differs from the plan, as people read it (empty: nothing to do). */
function serviceChanges(current, spec, td, tg) {
    const changes = [];
    const revision = (arn) => arn?.split('/').pop();
    if (td.action !== 'none')
        changes.push(`task definition: ${revision(current.taskDefinition)} → a new revision`);
    else if (current.taskDefinition !== td.arn)
        changes.push(`task definition: ${revision(current.taskDefinition)} → ${revision(td.arn)}`);
    const vpc = current.networkConfiguration?.awsvpcConfiguration;
    const net = spec.networkConfiguration;
    if (!sameSet(vpc?.subnets, net.subnets))
        changes.push('subnets changed');
    if (!sameSet(vpc?.securityGroups, net.securityGroups))
        changes.push('security groups changed');
    if ((vpc?.assignPublicIp ?? 'DISABLED') !== net.assignPublicIp)
        changes.push(`public IP: → ${net.assignPublicIp}`);
    const lb = current.loadBalancers?.[0];
    const wantLb = spec.loadBalancers[0];
    if (tg.action === 'create' ||
        current.loadBalancers?.length !== 1 ||
        lb?.targetGroupArn !== tg.arn ||
        lb?.containerName !== wantLb.containerName ||
        lb?.containerPort !== wantLb.containerPort)
        changes.push('load balancer target changed');
    if (current.healthCheckGracePeriodSeconds !== spec.healthCheckGracePeriodSeconds)
        changes.push(`health check grace: ${current.healthCheckGracePeriodSeconds ?? 0} → ${spec.healthCheckGracePeriodSeconds} s`);
    const dc = current.deploymentConfiguration;
    const wantDc = spec.deploymentConfiguration;
    if (dc?.minimumHealthyPercent !== wantDc.minimumHealthyPercent ||
        dc?.maximumPercent !== wantDc.maximumPercent ||
        dc?.deploymentCircuitBreaker?.enable !== true ||
        dc?.deploymentCircuitBreaker?.rollback !== true)
        changes.push('deployment configuration: circuit breaker with rollback, 100-200 %');
    if (current.enableExecuteCommand !== true)
        changes.push('ECS Exec: off → on');
    if (current.propagateTags !== spec.propagateTags)
        changes.push(`propagate tags: ${current.propagateTags ?? 'NONE'} → ${spec.propagateTags}`);
    if (current.enableECSManagedTags !== true)
        changes.push('ECS managed tags: off → on');
    return changes;
}
async function inspect(env, taskDefinition, targetGroup) {
    const spec = env.plan.resources.service.spec;
    const current = await describeServiceByName(env.clients, spec.cluster, spec.serviceName);
    if (!current)
        return create(env, spec);
    if (current.status === 'DRAINING')
        throw new errors/* ConfigurationError */.j1(`service ${spec.serviceName} is being deleted (DRAINING); deploy again when it is gone`);
    const arn = current.serviceArn;
    checkOwned(env, { id: 'service', kind: KIND, name: spec.serviceName, arn, tags: normalise_tagRecord(current.tags) });
    const [td, tg] = await Promise.all([taskDefinition, targetGroup]);
    const changes = serviceChanges(current, spec, td, tg);
    const base = { id: 'service', name: spec.serviceName, arn, changes };
    if (changes.length === 0)
        return { ...base, action: 'none' };
    return {
        ...base,
        action: 'update',
        apply: async () => {
            // desiredCount is left out on purpose: auto scaling owns it once the service exists.
            const out = await env.clients.ecs.send(new dist_cjs/* UpdateServiceCommand */.kZr({
                cluster: spec.cluster,
                service: spec.serviceName,
                ...settings(env, spec),
            }));
            env.startedDeployment = primaryDeployment(out.service);
            return out.service?.serviceArn;
        },
    };
}
/** Polls until the service is INACTIVE (or gone); an error of a poll ends the wait with that error. */
async function waitUntilInactive(env) {
    const { clients, target, log } = env;
    const service = target.names.serviceName;
    let lastReport = '';
    const result = await (0,submodules_client.createWaiter)({
        client: clients.ecs,
        maxWaitTime: env.waitMinutes * 60,
        minDelay: env.waiter.minDelay,
        maxDelay: env.waiter.maxDelay,
    }, { cluster: target.cluster, services: [service] }, async (client, params) => {
        const out = await client.send(new dist_cjs/* DescribeServicesCommand */.H7c(params));
        const s = out.services?.find((x) => x.serviceName === service);
        if (!s || s.status === 'INACTIVE')
            return { state: submodules_client.WaiterState.SUCCESS, reason: 'inactive' };
        const report = `${service}: ${s.status}, ${s.runningCount ?? 0} task(s) still running`;
        if (report !== lastReport)
            log.info(report);
        lastReport = report;
        return { state: submodules_client.WaiterState.RETRY, reason: report };
    });
    if (result.state !== submodules_client.WaiterState.SUCCESS)
        throw new Error(`service ${service} was deleted but did not stop within ${env.waitMinutes} minutes (${String(result.reason ?? result.state)}); ` +
            'its tasks may still be draining: run destroy-instance again to finish (or raise wait-minutes)');
}
async function removals(env) {
    const { clients, target } = env;
    const name = target.names.serviceName;
    const base = { resource: KIND, name, data: false, step: 'service' };
    const current = await describeServiceByName(clients, target.cluster, name);
    if (!current)
        return [{ ...base, plan: 'gone' }];
    if (!types_ownedBy(normalise_tagRecord(current.tags), target.link))
        return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
    // Data must never be removed under a running task, so a purge always waits.
    const waits = env.wait || env.purge;
    if (current.status === 'DRAINING') {
        if (!waits)
            return [{ ...base, plan: 'gone', note: 'deleted, its tasks still stopping' }];
        const note = 'deleted by an earlier run: waiting for its tasks to stop';
        return [{ ...base, plan: 'remove', note, apply: async () => (await waitUntilInactive(env), 'removed') }];
    }
    const apply = async () => {
        try {
            // DeleteService refuses a service scaled above zero; auto scaling is gone by now, so 0 stays.
            if ((current.desiredCount ?? 0) > 0)
                await clients.ecs.send(new dist_cjs/* UpdateServiceCommand */.kZr({ cluster: target.cluster, service: name, desiredCount: 0 }));
            await clients.ecs.send(new dist_cjs/* DeleteServiceCommand */.o6q({ cluster: target.cluster, service: name }));
        }
        catch (err) {
            if (err instanceof dist_cjs/* ServiceNotFoundException */.kLd)
                return 'already gone';
            // Not ACTIVE any more: deleted meanwhile (DRAINING); wait for it like for our own.
            if (!(err instanceof dist_cjs/* ServiceNotActiveException */.kDs))
                throw err;
        }
        if (waits)
            await waitUntilInactive(env);
        return 'removed';
    };
    const note = `${current.runningCount ?? 0} task(s) running: scale to 0, delete${waits ? ', wait until stopped' : ''}`;
    return [{ ...base, plan: 'remove', note, apply }];
}
/** ECS's own tag call (task definitions use it too). */
async function tagEcsResource(clients, arn, tags) {
    await clients.ecs.send(new dist_cjs/* TagResourceCommand */.eqU({
        resourceArn: arn,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    }));
}
const service = {
    id: 'service',
    kind: KIND,
    plan: planService,
    inspect,
    removals,
    tag: tagEcsResource,
};

;// CONCATENATED MODULE: ../../packages/core/dist/resources/task-definition.js
// The site's task definition. Deploy registers a new revision only when the latest ACTIVE one differs
// from the plan (compared on the keys we set, so keys AWS fills in never cause a new revision on
// every run). Destroy deregisters every ACTIVE revision of the site's family and of its SQL task
// family tagged as the site's (an untagged one — Terraform's — is left alone); deregistered, not
// deleted: a later purge of kept data registers a copy of the latest one to run its rm task.







/** `valueFrom` of a Secrets Manager JSON key: `<secret ARN>:<json key>::` (ECS developer guide, "secrets"). */
const task_definition_secretValueFrom = (secretArn, ref) => `${secretArn}:${ref.jsonKey}::`;
/** The reverse, for comparison: a secret's name and key from its valueFrom (ARN suffix `-AbCdEf` dropped). */
function secretRefOf(valueFrom) {
    const m = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}:([^:]+):[^:]*:[^:]*$/.exec(valueFrom);
    return m ? { secret: m[1], jsonKey: m[2] } : undefined;
}
/** The plan's task definition as RegisterTaskDefinition input, secrets resolved to the secret's ARN. */
function registerInput(spec, secretArn) {
    return {
        ...spec,
        requiresCompatibilities: [...spec.requiresCompatibilities],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
            ...c,
            secrets: c.secrets.map((s) => ({ name: s.name, valueFrom: task_definition_secretValueFrom(secretArn, s.valueFrom) })),
        })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    };
}
/** The planned spec and the current revision in one comparable shape (secrets by name, no tags). */
function comparable(spec) {
    const { tags: _tags, ...rest } = spec;
    return rest;
}
function currentComparable(td) {
    return {
        ...td,
        containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
            ...c,
            secrets: (c.secrets ?? []).map((s) => ({
                name: s.name,
                valueFrom: secretRefOf(s.valueFrom ?? '') ?? s.valueFrom,
            })),
        })),
    };
}
/** A revision as a diff shows it: credentials in its environment never reach a log line. */
function withoutCredentials(td) {
    const t = td;
    return {
        ...t,
        containerDefinitions: (t.containerDefinitions ?? []).map((c) => ({
            ...c,
            environment: c.environment?.map((e) => (isCredentialName(e.name ?? '') ? { ...e, value: '***' } : e)),
        })),
    };
}
function valueAt(root, path) {
    return path
        .split(/\.|\[(\d+)\]/)
        .filter((p) => p !== undefined && p !== '')
        .reduce((v, k) => (v && typeof v === 'object' ? v[k] : undefined), root);
}
const task_definition_short = (v) => {
    const s = v === undefined ? '(none)' : JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};
async function task_definition_inspect(env, secretCreated) {
    const spec = env.plan.resources.taskDefinition.spec;
    const base = { id: 'taskDefinition', name: spec.family };
    const register = async () => {
        const secretArn = env.refs.get('dbSecret');
        if (!secretArn)
            throw new Error('the DB secret ARN is unknown: the secret must be converged first');
        const out = await env.clients.ecs.send(new dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(registerInput(spec, secretArn)));
        return out.taskDefinition?.taskDefinitionArn;
    };
    let current;
    let tags = {};
    try {
        const out = await env.clients.ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: spec.family, include: ['TAGS'] }));
        current = out.taskDefinition;
        tags = normalise_tagRecord(out.tags);
    }
    catch (err) {
        // ECS answers ClientException "Unable to describe task definition" for an unknown family.
        if (!(err instanceof dist_cjs/* ClientException */.P6G))
            throw err;
    }
    if (!current || current.status !== 'ACTIVE') {
        return { ...base, action: 'create', changes: ['register the first revision'], apply: register };
    }
    checkOwned(env, {
        id: 'taskDefinition',
        kind: 'task definition',
        name: `${spec.family}:${current.revision}`,
        arn: current.taskDefinitionArn,
        tags,
    });
    const drift = normalise_driftPaths(comparable(spec), currentComparable(current));
    // A new secret means a new ARN in valueFrom: the revision must change with it.
    if (secretCreated)
        drift.push('containerDefinitions[0].secrets');
    const missingTags = Object.entries(spec.tags).filter(([k, v]) => tags[k] !== v);
    if (drift.length === 0 && missingTags.length === 0) {
        return { ...base, action: 'none', changes: [], arn: current.taskDefinitionArn };
    }
    if (drift.length === 0) {
        return {
            ...base,
            action: 'update',
            arn: current.taskDefinitionArn,
            changes: missingTags.map(([k, v]) => `tag ${k}: ${tags[k] ?? '(none)'} → ${v}`),
            apply: async () => {
                await env.clients.ecs.send(new dist_cjs/* TagResourceCommand */.eqU({
                    resourceArn: current.taskDefinitionArn,
                    tags: missingTags.map(([key, value]) => ({ key, value })),
                }));
                return current.taskDefinitionArn;
            },
        };
    }
    const want = comparable(spec);
    const have = withoutCredentials(currentComparable(current));
    return {
        ...base,
        action: 'update',
        arn: current.taskDefinitionArn,
        changes: [...new Set(drift)].map((p) => `${p}: ${task_definition_short(valueAt(have, p))} → ${task_definition_short(valueAt(want, p))}`),
        apply: register,
    };
}
const revisionOf = (arn) => Number(/:(\d+)$/.exec(arn)?.[1] ?? 0);
/** ARNs of a family's revisions in one status, newest first (paged ListTaskDefinitions). */
async function revisions(env, family, status) {
    const arns = [];
    // ECS matches familyPrefix against whole family names (mdl_sql_task-a does not list mdl_sql_task-ab);
    // the filter below keeps that true whatever the service does.
    for await (const page of paginateListTaskDefinitions({ client: env.clients.ecs }, { familyPrefix: family, status, sort: 'DESC' }))
        arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.startsWith(`${family}:`)));
    return arns.sort((a, b) => revisionOf(b) - revisionOf(a));
}
async function describe(env, arn) {
    const out = await env.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    return { td: out.taskDefinition, tags: out.tags ?? [] };
}
async function readFamily(env, family) {
    const arns = await revisions(env, family, 'ACTIVE');
    const described = await Promise.all(arns.map(async (arn) => ({ arn, ...(await describe(env, arn)) })));
    const owned = described.filter((d) => ownedBy(tagRecord(d.tags), env.target.link));
    const ours = owned.map((d) => d.arn);
    return {
        family,
        ...(owned[0]?.td ? { latest: owned[0].td } : {}),
        ours: ours.sort((a, b) => revisionOf(a) - revisionOf(b)),
        notOurs: arns.filter((a) => !ours.includes(a)).sort((a, b) => revisionOf(a) - revisionOf(b)),
    };
}
/** The newest deregistered revision of a family that is the site's, to copy for a purge's task. */
async function latestOwnedInactive(env, family) {
    for (const arn of await revisions(env, family, 'INACTIVE')) {
        const { td, tags } = await describe(env, arn);
        if (td && ownedBy(tagRecord(tags), env.target.link))
            return { td, tags };
    }
    return undefined;
}
/** Registers a copy of a (deregistered) revision; it is deregistered again with the rest. */
async function registerCopy(env, td, tags) {
    const input = {
        family: td.family,
        taskRoleArn: td.taskRoleArn,
        executionRoleArn: td.executionRoleArn,
        networkMode: td.networkMode,
        containerDefinitions: td.containerDefinitions,
        volumes: td.volumes,
        placementConstraints: td.placementConstraints,
        requiresCompatibilities: td.requiresCompatibilities,
        cpu: td.cpu,
        memory: td.memory,
        runtimePlatform: td.runtimePlatform,
        ...(td.ephemeralStorage ? { ephemeralStorage: td.ephemeralStorage } : {}),
        tags,
    };
    const out = await env.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
    const arn = out.taskDefinition.taskDefinitionArn;
    env.registered.push(arn);
    return arn;
}
const revisionName = (arn) => arn.split('/').pop();
/**
 * The rows of one family: its revisions of ours, deregistered together with any this run registers
 * (`willRegister`: the purge's one-off tasks), and the untagged ones, left alone.
 */
function familyRows(env, found, willRegister) {
    const base = { resource: 'task definition', data: false, step: 'task definitions' };
    const rows = [];
    if (found.notOurs.length)
        rows.push({
            ...base,
            name: found.notOurs.map(revisionName).join(', '),
            plan: 'not-ours',
            note: 'not tagged as this site’s',
        });
    if (found.ours.length === 0 && !willRegister) {
        rows.push({ ...base, name: found.family, plan: 'gone' });
        return rows;
    }
    const row = {
        ...base,
        name: found.ours.length ? found.ours.map(revisionName).join(', ') : found.family,
        plan: 'remove',
        ...(found.ours.length ? {} : { note: 'the revision this run registers for its purge task' }),
    };
    row.apply = async () => {
        const extra = env.registered.filter((a) => revisionName(a).startsWith(`${found.family}:`) && !found.ours.includes(a));
        if (extra.length)
            row.note = `and ${extra.map(revisionName).join(', ')}, registered by this run for its purge task`;
        const all = [...found.ours, ...extra];
        // All settle before a failure is reported: nothing of this run may still be changing AWS after it.
        const done = await Promise.allSettled(all.map((arn) => env.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))));
        const failed = done.find((d) => d.status === 'rejected');
        if (failed)
            throw failed.reason;
        return 'removed';
    };
    rows.push(row);
    return rows;
}
const taskDefinition = {
    id: 'taskDefinition',
    kind: 'task definition',
    plan: planTaskDefinition,
    inspect: task_definition_inspect,
    // Destroy reads the site's family and the SQL task family together with the purge's needs:
    // readFamily, familyRows, latestOwnedInactive and registerCopy above.
    tag: tagEcsResource,
};

;// CONCATENATED MODULE: ../../packages/core/dist/db/purgers.js
// The two ways destroy-instance drops a site's databases and users, as provisioning creates them:
// `direct` (mysql2 from a runner in the VPC) and `task` (a one-off SQL task in the VPC).








function directPurger(deps) {
    const server = async () => {
        const admin = await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn);
        return {
            host: deps.site.dbHost,
            port: deps.site.dbPort,
            adminUser: admin.user,
            adminPassword: admin.password,
        };
    };
    return {
        mode: 'direct',
        inspect: async (target) => inspectPurgeDirect(target, await server()),
        purge: async (target) => purgeDirect(target, await server(), (l) => deps.log.info(`  ${l}`)),
    };
}
/**
 * The purge's SQL task definition: the site's SQL task without the site's DB secret, which a purge
 * does not need and which an interrupted purge may already have deleted (a task whose secret is gone
 * cannot start).
 */
function purgeTaskDefinitionInput(site) {
    const spec = sql_task_sqlTaskDefinition(site);
    return {
        ...spec,
        requiresCompatibilities: [...spec.requiresCompatibilities],
        containerDefinitions: spec.containerDefinitions.map((c) => ({
            ...c,
            entryPoint: [...c.entryPoint],
            secrets: c.secrets
                .filter((s) => s.valueFrom.secret === site.adminSecretArn)
                .map((s) => ({ name: s.name, valueFrom: task_definition_secretValueFrom(s.valueFrom.secret, s.valueFrom) })),
        })),
        tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
    };
}
/**
 * The latest revision of the site's SQL task family when it carries the admin secret only and is ours
 * (reused), else a newly registered one. Used by the purge and by the upgrade's version read.
 */
async function purgeTaskDefinition(ecs, site) {
    const input = purgeTaskDefinitionInput(site);
    try {
        const out = await ecs.send(new dist_cjs/* DescribeTaskDefinitionCommand */.Zy$({ taskDefinition: input.family, include: ['TAGS'] }));
        const { tags: _t, ...wanted } = input;
        const tags = normalise_tagRecord(out.tags);
        const ours = tags[naming/* TAG_MANAGED_BY */.RJ] === naming/* SUITE_NAME */.tb && tags[naming/* TAG_SITE */.lR] === site.previewLink;
        const td = out.taskDefinition;
        if (ours && td?.status === 'ACTIVE' && normalise_driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
            return { arn: td.taskDefinitionArn, registered: false };
    }
    catch (err) {
        if (!(err instanceof dist_cjs/* ClientException */.P6G))
            throw err;
    }
    const out = await ecs.send(new dist_cjs/* RegisterTaskDefinitionCommand */.$Hl(input));
    return { arn: out.taskDefinition.taskDefinitionArn, registered: true };
}
function sqlTaskPurger(deps) {
    const { site } = deps;
    const taskDefinitionArn = async () => {
        const { arn, registered } = await purgeTaskDefinition(deps.clients.ecs, site);
        if (registered)
            deps.registered?.(arn);
        return arn;
    };
    return {
        mode: 'task',
        async inspect(target) {
            checkPurgeTarget(target, (await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn)).user);
            // Knowing what exists would take a task: the purge's own task reads it before dropping.
            return undefined;
        },
        async purge(target) {
            const admin = await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn);
            const override = sqlTaskOverride({
                sql: purgeTaskSql(target, admin.user),
                dbHost: site.dbHost,
                dbPort: site.dbPort,
            });
            const result = await deps.tasks.run({
                cluster: deps.platform.cluster,
                taskDefinitionArn: await taskDefinitionArn(),
                container: SQL_TASK_CONTAINER,
                command: override.command,
                environment: override.environment,
                platform: deps.platform,
                startedBy: `mdl-sql/${site.previewLink}`.slice(0, 36),
                logGroup: site.logGroupName,
                logStreamPrefix: SQL_TASK_LOG_PREFIX,
                endLine: isSqlTaskEnd,
            });
            const output = sqlTaskOutput(result, 'the purging SQL task');
            return purgeResult(target, parsePurgeState(output.rows));
        },
    };
}
function dbPurger(mode, deps) {
    return mode === 'direct' ? directPurger(deps) : sqlTaskPurger(deps);
}

;// CONCATENATED MODULE: ../../packages/core/dist/upgrade/read-version.js
// Reads the Moodle version a database is at — `version` and `release` in `<prefix>config` — inside
// the VPC: through a SqlTask (the site's SQL task family with only the admin secret, as the purge
// uses it), or directly with mysql2 from a job that runs in the VPC (and the tests).








/** The one query: two rows, `name<TAB>value`. */
function versionQuery(database, tablePrefix) {
    if (!naming/* MYSQL_IDENTIFIER */.$V.test(database))
        throw new errors/* ConfigurationError */.j1(`database name "${database}" must be letters, digits and _`);
    if (!/^[a-z][a-z0-9_]{0,9}$/.test(tablePrefix))
        throw new errors/* ConfigurationError */.j1(`table prefix "${tablePrefix}" must be lowercase letters, digits and _ (e.g. mdl_)`);
    return (`SELECT name, value FROM ${quoteIdentifier(database)}.${quoteIdentifier(`${tablePrefix}config`)} ` +
        `WHERE name IN ('version', 'release') ORDER BY name`);
}
/** Rows of the query → the version; a database without them is not (yet) a Moodle database. */
function versionFromRows(database, rows) {
    const value = (name) => rows.find((r) => cellText(r[0]) === name)?.[1];
    const version = value('version');
    const release = value('release');
    if (version === undefined || release === undefined)
        throw new errors/* ConfigurationError */.j1(`${database} has no Moodle version in its config table (version and release rows missing): is it a restored Moodle database?`);
    return (0,versions/* moodleVersion */.fU)(cellText(version), cellText(release));
}
async function readVersionDirect(server, database, tablePrefix = 'mdl_') {
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
        return versionFromRows(database, rows);
    }
    catch (err) {
        const e = err;
        if (e.code === 'ER_NO_SUCH_TABLE' || e.code === 'ER_BAD_DB_ERROR')
            throw new errors/* ConfigurationError */.j1(`cannot read the Moodle version of ${database}: ${e.message}`);
        throw err;
    }
    finally {
        await conn.end().catch(() => conn.destroy());
    }
}
async function readVersionByTask(r) {
    const override = sql_task_sqlTaskOverride({
        sql: `${versionQuery(r.database, r.tablePrefix ?? 'mdl_')};\n`,
        dbHost: r.site.dbHost,
        dbPort: r.site.dbPort,
    });
    const result = await (0,followed_task/* runFollowedTask */.D2)(r.clients, {
        cluster: r.platform.cluster,
        taskDefinitionArn: (await purgeTaskDefinition(r.clients.ecs, r.site)).arn,
        container: sql_task_SQL_TASK_CONTAINER,
        command: override.command,
        environment: override.environment,
        network: r.platform.network,
        tags: r.platform.tags,
        startedBy: `mdl-sql/${r.site.previewLink}`,
        logGroup: r.site.logGroupName,
        logStreamPrefix: sql_task_SQL_TASK_LOG_PREFIX,
    }, {
        maxWaitMs: r.maxWaitMs ?? 15 * 60_000,
        ...(r.pollMs !== undefined ? { pollMs: r.pollMs } : {}),
        ...(r.onStarted ? { onStarted: r.onStarted } : {}),
    });
    const output = parseSqlTaskLog(result.lines);
    if (output.exitCode !== 0) {
        const why = output.errors.slice(-3).join(' | ') || (0,followed_task/* describeTaskEnd */.O9)(result);
        throw new Error(`reading the Moodle version (SQL task ${result.taskArn}) failed: ${why}`);
    }
    return versionFromRows(r.database, output.rows);
}

;// CONCATENATED MODULE: ../../packages/core/dist/upgrade/upgrade.js
// upgrade-db's engine: read the version the site's database is at, plan the hops to the target
// (refusing an impossible path before any change), optionally ask upgrade.php --is-pending, then
// maintenance on → upgrade.php per hop → maintenance off (also after a failure) → purge caches, each
// a followed one-off task, and read the version again to report what the database is at now.







/** upgrade.php failed, or a task around it did; carries what happened so far for the outputs. */
class UpgradeFailedError extends Error {
    result;
    name = 'UpgradeFailedError';
    constructor(message, result) {
        super(message);
        this.result = result;
    }
}
/** `…:moodle-ecs-docker-8.1` → 8.1 (the platform's image naming); undefined when the tag has none. */
function phpOfImage(image) {
    return /(\d+\.\d+)$/.exec(image.split(':').pop() ?? '')?.[1];
}
/** The database's Moodle version, read inside the VPC (task) or from here (direct). */
async function readSiteVersion(o, site) {
    const database = site.entry.databases.moodle;
    if (o.dbAccess === 'direct') {
        const admin = await provisioners_adminAccount(o.clients, o.log, o.platform.db.admin_secret_arn);
        return readVersionDirect({
            host: site.entry.dbHost,
            port: o.platform.db.port,
            adminUser: admin.user,
            adminPassword: admin.password,
        }, database, o.tablePrefix);
    }
    return readVersionByTask({
        clients: o.clients,
        platform: o.platform,
        site: registrySqlTaskSite(site.entry, o.platform),
        database,
        ...(o.tablePrefix ? { tablePrefix: o.tablePrefix } : {}),
        log: o.log,
        maxWaitMs: Math.min(o.maxWaitMs, 30 * 60_000),
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.onTaskStarted ? { onStarted: (arn) => o.onTaskStarted(arn, 'read the version') } : {}),
    });
}
/** The tasks of one upgrade run: each on the task definition of its image, followed, recorded. */
class UpgradeTasks {
    o;
    site;
    now;
    steps = [];
    tdArns = new Map();
    constructor(o, site, now) {
        this.o = o;
        this.site = site;
        this.now = now;
    }
    async taskDefinition(image) {
        let arn = this.tdArns.get(image);
        if (!arn) {
            arn = await taskDefinitionFor(this.o.clients.ecs, this.site, image, this.o.platform.tags, this.o.log);
            this.tdArns.set(image, arn);
        }
        return arn;
    }
    async run(image, purpose, script, args = []) {
        const { o, site } = this;
        const { log } = o;
        const taskDefinitionArn = await this.taskDefinition(image);
        const t0 = this.now();
        const r = await log.group(purpose, () => runMoodleCli({
            clients: o.clients,
            platform: o.platform,
            site,
            taskDefinitionArn,
            script,
            args,
            purpose,
            maxWaitMs: o.maxWaitMs,
            ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
            ...(o.sleep ? { sleep: o.sleep } : {}),
            ...(o.now ? { now: o.now } : {}),
            onLine: (l) => log.info(l),
            ...(o.onTaskStarted ? { onStarted: o.onTaskStarted } : {}),
            onProgress: (status, ms, lines) => log.info(`… ${purpose}: task ${status} for ${Math.round(ms / 60_000)} min, ${lines} log line(s) so far`),
            ...(o.progressEveryMs !== undefined ? { progressEveryMs: o.progressEveryMs } : {}),
        }));
        // The exit code decides; a log that was still arriving when the grace ended is only incomplete.
        if (!r.logComplete)
            log.warning(`${purpose}: CloudWatch was still delivering the task's log when the wait for it ended; the lines above may miss its last ones (the whole log: ${site.logGroup})`);
        this.steps.push({
            purpose,
            taskArn: r.taskArn,
            result: (0,followed_task/* describeTaskEnd */.O9)(r),
            seconds: Math.round((this.now() - t0) / 1000),
        });
        return r;
    }
}
/**
 * The hops, each upgrade.php on its image, inside maintenance mode when asked (turned off again
 * whatever happens). Returns why it failed, or undefined.
 */
async function runHops(o, tasks, plan, result, failed) {
    let lastImage = plan.hops[0].image;
    if (o.maintenance) {
        const on = await tasks.run(lastImage, 'maintenance mode on', 'admin/cli/maintenance.php', ['--enable']);
        if (on.exitCode !== 0)
            throw failed(`turning maintenance mode on failed: ${(0,followed_task/* describeTaskEnd */.O9)(on)}`, on);
    }
    try {
        for (const [i, hop] of plan.hops.entries()) {
            lastImage = hop.image;
            const args = ['--non-interactive', ...(o.allowUnstable ? ['--allow-unstable'] : [])];
            const what = `Moodle ${(0,versions/* releaseText */.hO)(hop.from)} → ${(0,versions/* releaseText */.hO)(hop.to)}`;
            const r = await tasks.run(hop.image, `upgrade ${i + 1}/${plan.hops.length}: ${what}`, 'admin/cli/upgrade.php', args);
            result.exitCode = r.exitCode ?? -1;
            result.taskArn = r.taskArn;
            if (r.exitCode !== 0)
                return `upgrade.php (${(0,versions/* releaseText */.hO)(hop.from)} → ${(0,versions/* releaseText */.hO)(hop.to)}, task ${r.taskArn}) failed: ${(0,followed_task/* describeTaskEnd */.O9)(r)}`;
        }
        return undefined;
    }
    catch (err) {
        return `the upgrade did not finish: ${err.message}`;
    }
    finally {
        if (o.maintenance)
            await maintenanceOff(o, tasks, lastImage);
    }
}
async function maintenanceOff(o, tasks, image) {
    const hint = 'run admin/cli/maintenance.php --disable';
    try {
        const off = await tasks.run(image, 'maintenance mode off', 'admin/cli/maintenance.php', ['--disable']);
        if (off.exitCode !== 0)
            o.log.warning(`turning maintenance mode off failed: ${(0,followed_task/* describeTaskEnd */.O9)(off)}; ${hint}`);
    }
    catch (err) {
        o.log.warning(`turning maintenance mode off failed: ${err.message}; ${hint}`);
    }
}
async function upgradeSite(o) {
    const now = o.now ?? Date.now;
    const started = now();
    const { log } = o;
    const site = await readMoodleSite(o.clients, o.previewLink);
    const image = o.target.image ?? site.image;
    const php = o.target.php ?? phpOfImage(image);
    if (!php)
        throw new errors/* ConfigurationError */.j1(`cannot tell the PHP version of ${image} from its tag: give php-version (e.g. 8.1)`);
    const from = await log.group('Reading the Moodle version', async () => {
        const v = await readSiteVersion(o, site);
        log.info(`${site.entry.databases.moodle} is at Moodle ${v.release} (version ${v.version})`);
        return v;
    });
    const plan = (0,versions/* planUpgrade */.Kp)(from, { release: o.target.release, image, php }, o.images);
    for (const [i, h] of plan.hops.entries())
        log.info(`hop ${i + 1}/${plan.hops.length}: ${(0,versions/* releaseText */.hO)(h.from)} → ${(0,versions/* releaseText */.hO)(h.to)} with ${h.image} (PHP ${h.php})`);
    const tasks = new UpgradeTasks(o, site, now);
    const result = {
        from,
        to: undefined,
        plan,
        pending: true,
        exitCode: 0,
        taskArn: undefined,
        durationMs: 0,
        steps: tasks.steps,
    };
    if (o.dryRun)
        return { ...result, durationMs: now() - started };
    const failed = (message, r) => new UpgradeFailedError(message, {
        ...result,
        exitCode: r.exitCode ?? -1,
        taskArn: r.taskArn,
        durationMs: now() - started,
    });
    const finalImage = plan.hops.at(-1).image;
    if (o.checkPending && plan.hops.length === 1) {
        const pending = await tasks.run(finalImage, 'upgrade.php --is-pending', 'admin/cli/upgrade.php', [
            '--is-pending',
        ]);
        // upgrade.php --is-pending: exit 2 when an upgrade is pending, 0 when not.
        if (pending.exitCode === 0) {
            log.info('upgrade.php --is-pending: no upgrade is pending; nothing to do');
            return { ...result, pending: false, taskArn: pending.taskArn, to: from, durationMs: now() - started };
        }
        if (pending.exitCode !== 2)
            throw failed(`upgrade.php --is-pending failed: ${(0,followed_task/* describeTaskEnd */.O9)(pending)}`, pending);
    }
    const failure = await runHops(o, tasks, plan, result, failed);
    if (failure) {
        result.durationMs = now() - started;
        throw new UpgradeFailedError(failure, result);
    }
    if (o.purgeCaches) {
        const purge = await tasks.run(finalImage, 'purge caches', 'admin/cli/purge_caches.php');
        if (purge.exitCode !== 0)
            log.warning(`purging caches failed: ${(0,followed_task/* describeTaskEnd */.O9)(purge)}`);
    }
    result.to = await log.group('Reading the Moodle version again', async () => {
        try {
            const v = await readSiteVersion(o, site);
            log.info(`${site.entry.databases.moodle} is now at Moodle ${v.release} (version ${v.version})`);
            return v;
        }
        catch (err) {
            log.warning(`could not read the version after the upgrade: ${err.message}`);
            return undefined;
        }
    });
    result.durationMs = now() - started;
    return result;
}
/** admin/cli/purge_caches.php as one task of the site's own task definition (after a repoint). */
async function purgeSiteCaches(o) {
    const site = await readMoodleSite(o.clients, o.previewLink);
    const r = await o.log.group(`purge caches of ${o.previewLink}`, () => runMoodleCli({
        clients: o.clients,
        platform: o.platform,
        site,
        taskDefinitionArn: site.taskDefinition.taskDefinitionArn,
        script: 'admin/cli/purge_caches.php',
        purpose: 'purge caches',
        maxWaitMs: o.maxWaitMs,
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.sleep ? { sleep: o.sleep } : {}),
        ...(o.now ? { now: o.now } : {}),
        onLine: (l) => o.log.info(l),
        ...(o.onTaskStarted ? { onStarted: o.onTaskStarted } : {}),
    }));
    if (r.exitCode !== 0)
        throw new Error(`purge_caches.php failed: ${(0,followed_task/* describeTaskEnd */.O9)(r)}`);
    return r;
}

// EXTERNAL MODULE: ../../packages/core/dist/cron/registry-cron.js
var registry_cron = __webpack_require__(821);
// EXTERNAL MODULE: ./src/clients.ts
var src_clients = __webpack_require__(7958);
// EXTERNAL MODULE: ./src/constants.ts
var constants = __webpack_require__(1731);
;// CONCATENATED MODULE: ./src/engine.ts
// upgrade-db's second stage, loaded (a chunk of its own) after main.ts has checked the inputs, the
// platform file and the credentials: the engine and its AWS clients, the outputs and the summaries.




function setUpgradeOutputs(r) {
    runner/* setOutput */.uH(constants/* OUTPUTS */.py.fromVersion, (0,versions/* releaseText */.hO)(r.from));
    runner/* setOutput */.uH(constants/* OUTPUTS */.py.toVersion, r.to ? (0,versions/* releaseText */.hO)(r.to) : '');
    runner/* setOutput */.uH(constants/* OUTPUTS */.py.exitCode, String(r.exitCode));
    runner/* setOutput */.uH(constants/* OUTPUTS */.py.taskArn, r.taskArn ?? '');
    runner/* setOutput */.uH(constants/* OUTPUTS */.py.durationSeconds, String(Math.round(r.durationMs / 1000)));
    runner/* setOutput */.uH(constants/* OUTPUTS */.py.hops, JSON.stringify(r.plan.hops.map((h) => ({
        from: (0,versions/* releaseText */.hO)(h.from),
        to: (0,versions/* releaseText */.hO)(h.to),
        image: h.image,
        php: h.php,
    }))));
}
async function upgradeSummary(link, r, failure) {
    const s = runner/* summary */.z
        .addHeading(`Upgrade of ${link}: Moodle ${r.from.release} → ${r.to?.release ?? (failure ? 'failed' : r.pending ? '?' : 'nothing pending')}`, 3)
        .addTable([
        ['hop', 'from', 'to', 'image', 'PHP'].map((data) => ({ data, header: true })),
        ...r.plan.hops.map((h, i) => [
            { data: String(i + 1) },
            { data: (0,versions/* releaseText */.hO)(h.from) },
            { data: (0,versions/* releaseText */.hO)(h.to) },
            { data: h.image },
            { data: h.php },
        ]),
    ])
        .addTable([
        ['step', 'task', 'result', 'seconds'].map((data) => ({ data, header: true })),
        ...r.steps.map((st) => [
            { data: st.purpose },
            { data: st.taskArn.split('/').pop() ?? '' },
            { data: st.result },
            { data: String(st.seconds) },
        ]),
    ]);
    if (failure)
        s.addRaw(`<p><b>Failed:</b> ${failure}</p>`);
    await s.write();
}
const html = (text) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function configSummary(link, r) {
    await runner/* summary */.z
        .addHeading(`Config of ${link}: ${r.applied.filter((a) => a.status === 'set').length} of ${r.applied.length} set`, 3)
        .addTable([
        ['component', 'name', 'value', 'result'].map((data) => ({ data, header: true })),
        ...r.applied.map((a) => [
            { data: a.item.component ?? 'core' },
            { data: a.item.name },
            { data: html(a.item.value) },
            { data: a.status },
        ]),
    ])
        .write();
}
async function upgrade(inputs, platform, credentials) {
    const log = (0,action_io/* actionLogger */.v0)();
    const clients = (0,src_clients/* upgradeClients */.p)(platform.region, credentials);
    const onTaskStarted = (taskArn, purpose) => {
        runner/* saveState */.LZ(constants/* STATE */.c4.taskArn, taskArn);
        runner/* saveState */.LZ(constants/* STATE */.c4.purpose, purpose);
        runner/* info */.pq(`started ${taskArn} (${purpose})`);
    };
    const common = {
        clients,
        platform,
        previewLink: inputs.previewLink,
        maxWaitMs: inputs.waitMinutes * 60_000,
        pollMs: Math.round(inputs.pollSeconds * 1000),
        log,
        onTaskStarted,
    };
    try {
        if (inputs.mode === 'apply-config') {
            try {
                const r = await applySiteConfig({ ...common, items: inputs.config });
                runner/* setOutput */.uH(constants/* OUTPUTS */.py.applied, String(r.applied.filter((a) => a.status === 'set').length));
                runner/* setOutput */.uH(constants/* OUTPUTS */.py.exitCode, String(r.exitCode ?? -1));
                runner/* setOutput */.uH(constants/* OUTPUTS */.py.taskArn, r.taskArn);
                await configSummary(inputs.previewLink, r);
            }
            catch (err) {
                const partial = err.result;
                if (partial) {
                    runner/* setOutput */.uH(constants/* OUTPUTS */.py.applied, String(partial.applied.filter((a) => a.status === 'set').length));
                    runner/* setOutput */.uH(constants/* OUTPUTS */.py.exitCode, String(partial.exitCode ?? -1));
                    runner/* setOutput */.uH(constants/* OUTPUTS */.py.taskArn, partial.taskArn);
                    await configSummary(inputs.previewLink, partial);
                }
                throw err;
            }
            return;
        }
        if (inputs.mode === 'purge-caches') {
            const r = await purgeSiteCaches(common);
            runner/* setOutput */.uH(constants/* OUTPUTS */.py.exitCode, String(r.exitCode ?? -1));
            runner/* setOutput */.uH(constants/* OUTPUTS */.py.taskArn, r.taskArn);
            runner/* setOutput */.uH(constants/* OUTPUTS */.py.durationSeconds, String(Math.round(r.durationMs / 1000)));
            return;
        }
        // Cron would run cron.php into a site in maintenance with an upgrade pending: it is paused on the
        // site for the run, and resumed after it — also when it fails; the post step resumes it when
        // the job is cancelled. A pause made by hand is left as it is (and stays).
        const registry = new site_registry/* SiteRegistry */.hq(clients.ssm);
        const pausedBy = `upgrade-db (run ${process.env.GITHUB_RUN_ID ?? 'local'})`;
        const pause = inputs.dryRun
            ? undefined
            : await (0,registry_cron/* pauseCron */.hY)(registry, inputs.previewLink, {
                reason: `upgrade to ${(0,versions/* releaseText */.hO)(inputs.toRelease)} under way`,
                by: pausedBy,
            });
        if (pause?.result === 'paused') {
            runner/* saveState */.LZ(constants/* STATE */.c4.cronPausedSite, inputs.previewLink);
            runner/* saveState */.LZ(constants/* STATE */.c4.cronPausedBy, pausedBy);
            log.info(`cron paused on ${inputs.previewLink} for the upgrade`);
        }
        else if (pause?.result === 'already paused')
            log.info(`cron on ${inputs.previewLink} stays paused: ${(0,site_registry/* describePause */.Ei)(pause.paused)}`);
        try {
            const r = await upgradeSite({
                ...common,
                target: {
                    release: inputs.toRelease,
                    ...(inputs.image ? { image: inputs.image } : {}),
                    ...(inputs.phpVersion ? { php: inputs.phpVersion } : {}),
                },
                images: inputs.images,
                allowUnstable: inputs.allowUnstable,
                checkPending: inputs.checkPending,
                maintenance: inputs.maintenance,
                purgeCaches: inputs.purgeCaches,
                dbAccess: inputs.dbAccess,
                tablePrefix: inputs.tablePrefix,
                dryRun: inputs.dryRun,
            });
            setUpgradeOutputs(r);
            await upgradeSummary(inputs.previewLink, r);
        }
        catch (err) {
            if (err instanceof UpgradeFailedError) {
                setUpgradeOutputs(err.result);
                await upgradeSummary(inputs.previewLink, err.result, err.message);
            }
            throw err;
        }
        finally {
            if (pause?.result === 'paused') {
                // A resume that fails must not hide how the upgrade ended: it warns, and the post step tries again.
                try {
                    const resumed = await (0,registry_cron/* resumeCron */.G7)(registry, inputs.previewLink, pausedBy);
                    runner/* saveState */.LZ(constants/* STATE */.c4.cronPausedSite, '');
                    log.info(`cron on ${inputs.previewLink}: ${resumed.result}`);
                }
                catch (err) {
                    runner/* warning */.$e(`could not resume cron on ${inputs.previewLink}: ${(0,errors/* describeError */.Uc)(err)}`);
                }
            }
        }
    }
    finally {
        (0,src_clients/* destroyClients */.F)(clients);
    }
}


/***/ })

};
