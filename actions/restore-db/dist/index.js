import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 3018:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9700);
// Entry point of the bundle: all logic is in main.ts so tests can import it.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .eF)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 9700:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  eF: () => (/* binding */ run)
});

// UNUSED EXPORTS: INPUTS, OUTPUTS, getInputs

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: ../../packages/core/dist/github/runner.js
// What an action says to the GitHub Actions runner, written here instead of loading @actions/core:
// that package brings its HTTP client (undici), exec and io into every bundle — about 1 MB that each
// action parsed and evaluated before its first line ran (bench/README.md, cold start) — for the dozen
// calls below. The protocol is the runner's, as GitHub documents it: workflow commands on stdout
// (`::name key=value::message`, https://docs.github.com/actions/reference/workflow-commands-for-github-actions),
// environment files for outputs, state and the job summary (`name<<delimiter` blocks), inputs as
// `INPUT_<NAME>` variables, and the OIDC token endpoint of a job with `id-token: write`.



// Escaping of command data (% CR LF) and of property values (also : and ,), as the runner decodes them.
const escapeData = (s) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
/** A value as the runner takes it: text as it is, nothing as empty, anything else as JSON. */
const commandValue = (value) => value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
/** Write one workflow command line. */
function issueCommand(name, properties, message) {
    const props = Object.entries(properties)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => `${k}=${escapeProperty(commandValue(v))}`)
        .join(',');
    process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(commandValue(message))}${external_node_os_.EOL}`);
}
/**
 * Append `name<<delimiter` … `delimiter` to an environment file (GITHUB_OUTPUT, GITHUB_STATE): a
 * delimiter of its own each time, which neither the name nor the value may contain.
 */
function appendKeyValue(file, name, value) {
    const text = commandValue(value);
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    if (name.includes(delimiter) || text.includes(delimiter))
        throw new Error(`the value of ${name} contains its own delimiter`);
    (0,external_node_fs_.appendFileSync)(file, `${name}<<${delimiter}${external_node_os_.EOL}${text}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`, 'utf8');
}
/** An input as the runner passes it: `INPUT_<NAME>` (spaces as underscores, upper case); '' when unset. */
function getInput(name, options = {}) {
    const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
    if (options.required && !value)
        throw new Error(`Input required and not supplied: ${name}`);
    return options.trimWhitespace === false ? value : value.trim();
}
function setOutput(name, value) {
    const file = process.env.GITHUB_OUTPUT;
    if (file)
        appendKeyValue(file, name, value);
    else
        issueCommand('set-output', { name }, value);
}
/** State for the action's post step (read there with getState). */
function saveState(name, value) {
    const file = process.env.GITHUB_STATE;
    if (file)
        appendKeyValue(file, name, value);
    else
        issueCommand('save-state', { name }, value);
}
const getState = (name) => process.env[`STATE_${name}`] ?? '';
/** Never show this value in the log again (the runner masks it). */
const setSecret = (secret) => issueCommand('add-mask', {}, secret);
const info = (message) => void process.stdout.write(`${message}${external_node_os_.EOL}`);
const debug = (message) => issueCommand('debug', {}, message);
const annotation = (p) => ({
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn,
});
const messageOf = (m) => (m instanceof Error ? m.toString() : m);
const warning = (message, properties = {}) => issueCommand('warning', annotation(properties), messageOf(message));
const error = (message, properties = {}) => issueCommand('error', annotation(properties), messageOf(message));
/** An error annotation, and the step fails when the action exits. */
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
/** A collapsible group of log lines around `fn`. */
async function group(name, fn) {
    issueCommand('group', {}, name);
    try {
        return await fn();
    }
    finally {
        issueCommand('endgroup', {}, '');
    }
}
/**
 * The job's OIDC token for `audience` (a job with `id-token: write`): GET the request URL with
 * `&audience=`, the request token as a bearer; the answer is `{"value": "<jwt>"}`. The token is masked.
 */
async function getIDToken(audience) {
    const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!url || !bearer)
        throw new Error('no OIDC token in this job: ACTIONS_ID_TOKEN_REQUEST_URL is not set (give the job permissions: id-token: write)');
    const full = audience ? `${url}&audience=${encodeURIComponent(audience)}` : url;
    const response = await fetch(full, {
        headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json; api-version=2.0' },
    });
    const body = await response.text();
    if (!response.ok)
        throw new Error(`the OIDC token request failed: HTTP ${response.status} ${body.slice(0, 200)}`);
    let value;
    try {
        value = JSON.parse(body).value;
    }
    catch {
        value = undefined;
    }
    if (typeof value !== 'string' || !value)
        throw new Error('the OIDC token response carried no value');
    setSecret(value);
    return value;
}
const wrap = (tag, content, attributes = {}) => {
    const attrs = Object.entries(attributes)
        .filter(([, v]) => v)
        .map(([k, v]) => ` ${k}="${v}"`)
        .join('');
    return `<${tag}${attrs}>${content}</${tag}>`;
};
/**
 * The job summary (GITHUB_STEP_SUMMARY): HTML and markdown added to a buffer, appended to the file by
 * `write`. The same elements as the toolkit's builder, so a summary reads as it did.
 */
class Summary {
    buffer = '';
    addRaw(text, addEOL = false) {
        this.buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    addEOL() {
        return this.addRaw(external_node_os_.EOL);
    }
    addHeading(text, level = 1) {
        const n = Number(level);
        const tag = n >= 1 && n <= 6 ? `h${n}` : 'h1';
        return this.addRaw(wrap(tag, text)).addEOL();
    }
    addList(items, ordered = false) {
        return this.addRaw(wrap(ordered ? 'ol' : 'ul', items.map((i) => wrap('li', i)).join(''))).addEOL();
    }
    addTable(rows) {
        const body = rows
            .map((row) => wrap('tr', row
            .map((cell) => typeof cell === 'string'
            ? wrap('td', cell)
            : wrap(cell.header ? 'th' : 'td', cell.data, {
                colspan: cell.colspan,
                rowspan: cell.rowspan,
            }))
            .join('')))
            .join('');
        return this.addRaw(wrap('table', body)).addEOL();
    }
    addCodeBlock(code, lang) {
        return this.addRaw(wrap('pre', wrap('code', code), { lang })).addEOL();
    }
    stringify() {
        return this.buffer;
    }
    isEmptyBuffer() {
        return this.buffer.length === 0;
    }
    emptyBuffer() {
        this.buffer = '';
        return this;
    }
    /** Append what was added to the job summary file, and start again. */
    async write() {
        const file = process.env.GITHUB_STEP_SUMMARY;
        if (!file)
            throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.');
        (0,external_node_fs_.appendFileSync)(file, this.buffer, 'utf8');
        return Promise.resolve(this.emptyBuffer());
    }
}
const summary = new Summary();

;// CONCATENATED MODULE: ../../packages/core/dist/errors.js
// Typed errors: a ConfigurationError is the user's to fix (its message says how); anything else is
// an internal failure and keeps its cause.
/** A mistake in the input (settings, platform file, action inputs) that the user must fix. */
class errors_ConfigurationError extends Error {
    name = 'ConfigurationError';
}
function formatProblem(p) {
    const key = p.key ? `${p.key}: ` : '';
    return `${p.file}:${p.line}:${p.column}: ${key}${p.message}`;
}
/** All the problems found in one or more files; thrown only once every problem has been collected. */
class SettingsError extends errors_ConfigurationError {
    name = 'SettingsError';
    problems;
    constructor(problems) {
        const n = problems.length;
        super(`${n} problem${n === 1 ? '' : 's'} in settings:\n${problems.map(formatProblem).join('\n')}`);
        this.problems = problems;
    }
}
/**
 * An error's message followed by its causes (`cause` chain, and an AggregateError's errors), e.g.
 * `fetch failed: getaddrinfo ENOTFOUND demo.example`. Node's fetch, the SDK and mysql2 wrap the
 * error that says what went wrong (DNS, TLS, refused connection) in one that does not.
 */
function describeError(err) {
    const parts = [];
    const seen = new Set();
    let current = err;
    while (current !== undefined && current !== null && !seen.has(current) && parts.length < 6) {
        seen.add(current);
        if (current instanceof AggregateError && current.errors.length) {
            const inner = current.errors.map((e) => describeError(e)).join('; ');
            parts.push(current.message ? `${current.message} (${inner})` : inner);
            break;
        }
        // Duck-typed, not `instanceof Error`: errors made in another realm (Node's fetch under a VM
        // context, as in jest) are errors all the same.
        const e = typeof current === 'object' ? current : {};
        const text = typeof e.message === 'string' ? e.message || valueText(e.name) : valueText(current);
        const code = current.code;
        // Node's system errors carry the code in their message already; others (undici's) only in `code`.
        parts.push(typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text);
        current = e.cause;
    }
    return parts.join(': ');
}
/** A thrown value that is not an Error, as text: a structure as its JSON, a scalar written out. */
function valueText(v) {
    if (typeof v === 'string')
        return v;
    if (typeof v === 'object' && v !== null) {
        try {
            return JSON.stringify(v);
        }
        catch {
            return Object.prototype.toString.call(v);
        }
    }
    if (typeof v === 'function')
        return `[function ${v.name || 'anonymous'}]`;
    return String(v);
}

;// CONCATENATED MODULE: ../../packages/core/dist/github/action-io.js
// The glue every action shares: a Logger backed by the runner's protocol (./runner.ts), typed input readers that turn bad
// values into ConfigurationErrors, and the one place an action's error becomes `core.setFailed`.


function actionLogger() {
    return {
        info: (m) => info(m),
        warning: (m) => warning(m),
        error: (m) => error(m),
        debug: (m) => debug(m),
        group: (name, fn) => group(name, fn),
        mask: (secret) => {
            if (secret)
                setSecret(secret);
        },
    };
}
/** An optional input: empty becomes undefined (STYLE rule 2). */
const optionalInput = (name) => getInput(name).trim() || undefined;
function booleanInput(name, fallback) {
    const v = optionalInput(name);
    if (v === undefined)
        return fallback;
    if (/^(true|yes|on)$/i.test(v))
        return true;
    if (/^(false|no|off)$/i.test(v))
        return false;
    throw new errors_ConfigurationError(`input ${name} must be true or false, got "${v}"`);
}
function integerInput(name, fallback, min, max) {
    const v = optionalInput(name);
    if (v === undefined)
        return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
        throw new errors_ConfigurationError(`input ${name} must be a whole number from ${min} to ${max}, got "${v}"`);
    return n;
}
function choiceInput(name, choices, fallback) {
    const v = optionalInput(name) ?? fallback;
    if (!choices.includes(v))
        throw new errors_ConfigurationError(`input ${name} must be one of ${choices.join(', ')}, got "${v}"`);
    return v;
}
/** A list input: one item per line or comma-separated, blanks dropped. */
const listInput = (name) => getInput(name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
/**
 * The top of every action: run `body`, and turn what it throws into annotations and setFailed.
 * Settings problems become one annotation each at file:line:col; other user mistakes one message.
 */
async function runAction(body) {
    try {
        await body();
    }
    catch (err) {
        if (err instanceof SettingsError) {
            for (const p of err.problems) {
                error(p.message, {
                    title: p.key || 'settings',
                    file: p.file,
                    startLine: p.line,
                    startColumn: p.column,
                });
            }
            await summary
                .addHeading('Settings problems', 3)
                .addList(err.problems.map((p) => formatProblem(p)))
                .write();
            setFailed(`${err.problems.length} problem(s) in the settings; each is annotated at its line`);
        }
        else if (err instanceof errors_ConfigurationError) {
            setFailed(describeError(err));
        }
        else {
            const e = err instanceof Error ? err : new Error(String(err));
            debug(e.stack ?? '');
            // With what it wraps: `fetch failed` alone does not say `getaddrinfo ENOTFOUND …`.
            setFailed(describeError(e));
        }
    }
}
/**
 * The repository and branch a workflow run deploys from, by the runner's default environment
 * (docs.github.com "Variables" reference): GITHUB_HEAD_REF is the PR's source branch on
 * pull_request events; otherwise GITHUB_REF_NAME when GITHUB_REF is a branch. Undefined for a tag or
 * outside Actions.
 */
function workflowSource(env = process.env) {
    const repository = env.GITHUB_REPOSITORY;
    const branch = env.GITHUB_HEAD_REF || (env.GITHUB_REF?.startsWith('refs/heads/') ? env.GITHUB_REF_NAME : undefined);
    return repository && branch ? { repository, branch } : undefined;
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/options.js

/** Bytes of rows per chunk unless the options say otherwise. */
const DEFAULT_CHUNK = 8 * 1024 * 1024;
const DB_NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const ACCOUNT_PART = /^[A-Za-z0-9_.%:-]{1,80}$/;
/** `name` or `name@host` (host `%` when absent). */
function parseAccount(spec, what) {
    const at = spec.lastIndexOf('@');
    const name = at < 0 ? spec : spec.slice(0, at);
    const host = at < 0 ? '%' : spec.slice(at + 1);
    if (!ACCOUNT_PART.test(name) || !ACCOUNT_PART.test(host))
        throw new errors_ConfigurationError(`${what} "${spec}" must be name or name@host (letters, digits, _ . % : -)`);
    return { name, host };
}
function parseCollationMap(specs) {
    const out = {};
    for (const spec of specs) {
        const m = /^([A-Za-z0-9_]+)=([A-Za-z0-9_]+)$/.exec(spec.trim());
        if (!m)
            throw new errors_ConfigurationError(`collation mapping "${spec}" must be from=to, e.g. utf8mb4_0900_ai_ci=utf8mb4_unicode_ci`);
        out[m[1]] = m[2];
    }
    return out;
}
function checkOptions(o) {
    if (!DB_NAME.test(o.database))
        throw new errors_ConfigurationError(`database "${o.database}" must be 1-64 letters, digits, _ $ or -`);
    if (!o.server.socket && !o.server.host)
        throw new errors_ConfigurationError('give the database host (or a socket)');
    if (!o.server.user)
        throw new errors_ConfigurationError('give the admin user');
    const parallel = o.parallel ?? 2;
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64)
        throw new errors_ConfigurationError(`parallel must be a whole number from 1 to 64, got ${parallel}`);
    if (o.chunkBytes !== undefined && (o.chunkBytes < 1024 || o.chunkBytes > 512 * 1024 * 1024))
        throw new errors_ConfigurationError('chunk size must be from 1 KiB to 512 MiB');
    if (o.appUser && !o.appUser.password)
        throw new errors_ConfigurationError('the app user needs a password');
}

;// CONCATENATED MODULE: ../../packages/core/dist/db/provision-sql.js
// The SQL that converges a site's databases and its user, as values with no I/O: the direct mysql2
// path, the in-VPC SqlTask and dry-run all build, read and diff through this one module.


/** The target of a plan: `provisionTarget(plan.resources)`. */
function provisionTarget(resources) {
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
function provisionStatements(target) {
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
function sqlScript(sql) {
    return sql.map((s) => `${s};\n`).join('');
}
/**
 * Read-only queries whose rows, first column a tag, describe what exists. Plain SELECTs on
 * information_schema (visible to an admin with SELECT on `mysql`), so they run the same through
 * mysql2 and through the `mysql --batch` of a SqlTask, and fail on nothing that is merely absent.
 */
function stateQueries(target) {
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
function passwordDriftWarning(user) {
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
function parseProvisionState(rows) {
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
function diffProvision(target, state) {
    const all = provisionStatements(target);
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

;// CONCATENATED MODULE: ../../packages/core/dist/db/mysql-driver.js
let driver;
function loadMysql() {
    driver ??= __nccwpck_require__.e(/* import() */ 384).then(__nccwpck_require__.t.bind(__nccwpck_require__, 2384, 19)).then((m) => m.default);
    return driver;
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/messages.js
class RestoreError extends Error {
    name = 'RestoreError';
}
/** Redacts secrets and mysql2's `sql` (which can hold a password) from a driver error. */
function sqlMessage(err, secrets) {
    const e = err;
    let text = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
    for (const s of secrets)
        if (s)
            text = text.split(s).join('***');
    if (/Unknown collation|ER_UNKNOWN_COLLATION/i.test(text))
        text += ' — map it with map-collation, e.g. utf8mb4_0900_ai_ci=utf8mb4_unicode_ci';
    if (/max_allowed_packet|ER_NET_PACKET_TOO_LARGE/i.test(text))
        text += ' — a single row is larger than the server accepts: raise max_allowed_packet on the server';
    return text;
}
/** The first ~120 characters of a statement, whitespace folded, quoted. */
const preview = (sql) => {
    const text = (typeof sql === 'string' ? Buffer.from(sql, 'latin1') : sql)
        .subarray(0, 160)
        .toString('utf8')
        .replace(/\s+/g, ' ');
    return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
};
const quietLogger = {
    info: () => { },
    warning: () => { },
    error: () => { },
    debug: () => { },
    group: (_n, fn) => fn(),
    mask: () => { },
};
/** Notes said once each (logged as they come, listed in the result). */
class Notes {
    log;
    said = new Set();
    constructor(log) {
        this.log = log;
    }
    add(text) {
        if (this.said.has(text))
            return;
        this.said.add(text);
        this.log.info(`note: ${text}`);
    }
    list() {
        return [...this.said];
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/connections.js



/**
 * Run on every connection that executes the dump (control, loading, indexes, post-data). A long load
 * leaves the control connection idle for hours: wait_timeout keeps the server from closing it.
 */
const SESSION_SETUP = [
    'SET NAMES utf8mb4',
    'SET SESSION foreign_key_checks = 0, unique_checks = 0, wait_timeout = 86400',
];
/** mysql2 marks errors that end the connection `fatal`; these codes say the same. */
const LOST_CODES = new Set([
    'PROTOCOL_CONNECTION_LOST',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ER_CONNECTION_KILLED',
]);
function lostConnection(err) {
    const e = err;
    return e.fatal === true || LOST_CODES.has(e.code ?? '');
}
/** Opens the restore's connections and closes every one of them at the end. */
class Connections {
    server;
    log;
    secrets;
    opened = [];
    constructor(server, log, secrets) {
        this.server = server;
        this.log = log;
        this.secrets = secrets;
    }
    async open(database, options = {}) {
        const conn = await this.connect(database, options.raw ?? false);
        this.opened.push(conn);
        if (options.setup)
            for (const sql of SESSION_SETUP)
                await conn.query(sql);
        return conn;
    }
    closeAll() {
        for (const c of this.opened)
            c.destroy();
    }
    async connect(database, raw) {
        const s = this.server;
        const mysql = await loadMysql();
        try {
            const conn = await mysql.createConnection({
                ...(s.socket ? { socketPath: s.socket } : { host: s.host, port: s.port ?? 3306 }),
                user: s.user,
                password: s.password,
                ...(database ? { database } : {}),
                // Dump bytes go out unchanged: latin1 maps each byte to one character and back, and the
                // server reads them in the character set the dump's own SET NAMES chose.
                charset: 'LATIN1_SWEDISH_CI',
                // Without session tracking mysql2 keeps encoding in latin1 after the dump's SET NAMES
                // (with it, the driver follows character_set_client and would re-encode the bytes as UTF-8).
                flags: ['-SESSION_TRACK'],
                // Loading connections send dump text only: skip mysql2's placeholder scan of every chunk
                // (measured at ~15 % of the restore's own CPU).
                ...(raw ? { queryFormat: (sql) => sql } : {}),
                connectTimeout: s.connectTimeoutMs ?? 10_000,
                multipleStatements: false,
                supportBigNumbers: true,
                bigNumberStrings: true,
                ...(s.ssl !== undefined ? { ssl: s.ssl } : {}),
            });
            // A connection the server ends while it is idle reports it here (without a listener the
            // process would die); its next query fails and the loaders reconnect.
            conn.on('error', (err) => this.log.debug(`connection ${conn.threadId}: ${sqlMessage(err, this.secrets)}`));
            return conn;
        }
        catch (err) {
            const where = s.socket ?? `${s.host}:${s.port ?? 3306}`;
            throw new errors_ConfigurationError(`cannot connect to MySQL at ${where} as ${s.user}: ${sqlMessage(err, this.secrets)}`);
        }
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/crash-points.js
function crashPointReporter(onCrashPoint) {
    let n = 0;
    const perKind = new Map();
    return (kind, conn) => {
        n++;
        const nthOfKind = (perKind.get(kind) ?? 0) + 1;
        perKind.set(kind, nthOfKind);
        onCrashPoint?.({ kind, n, nthOfKind, ...(conn ? { connectionId: conn.threadId } : {}) });
    };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(1421);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __nccwpck_require__(8522);
;// CONCATENATED MODULE: ../../packages/core/dist/restore/decompress.js
// Decompression chosen by the first bytes of the stream (never by the file name): gzip (RFC 1952
// magic 1f 8b), zstd (RFC 8878 frame magic 28 b5 2f fd), otherwise plain SQL. Formats the restore does
// not read (bzip2, xz, zip) are refused with what to do instead.




function detectCompression(head) {
    if (head[0] === 0x1f && head[1] === 0x8b)
        return 'gzip';
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)
        return 'zstd';
    const refuse = (what) => new errors_ConfigurationError(`the dump is ${what}, which restore-db does not read: recompress it with gzip or zstd, or give plain SQL`);
    if (head.subarray(0, 3).toString('latin1') === 'BZh')
        throw refuse('bzip2-compressed');
    if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
        throw refuse('xz-compressed');
    if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])))
        throw refuse('a zip archive');
    return 'plain';
}
/** Error of the decompressor, with where in the compressed input it happened. */
/** The dump's bytes are damaged or cut short: bad input (fix the dump, then resume). */
class DecompressError extends errors_ConfigurationError {
    name = 'DecompressError';
}
/** The first bytes of `it` (enough for the magic numbers: a first chunk can be tiny), then the rest as it comes. */
async function peek(it) {
    const parts = [];
    let length = 0;
    let done = false;
    while (length < 8) {
        const next = await it.next();
        if (next.done) {
            done = true;
            break;
        }
        parts.push(next.value);
        length += next.value.length;
    }
    const head = Buffer.concat(parts);
    async function* all() {
        if (head.length)
            yield head;
        if (done)
            return;
        for (;;) {
            const next = await it.next();
            if (next.done)
                return;
            yield next.value;
        }
    }
    return { head, all };
}
/** zstd through the `zstd` program, for a Node without zlib's zstd. */
async function* zstdProgram(input, compressedRead) {
    const proc = (0,external_node_child_process_.spawn)('zstd', ['-dc', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let childError = '';
    proc.stderr.on('data', (d) => (childError += d.toString()));
    let spawnError;
    const exited = new Promise((resolve) => {
        proc.once('error', (err) => {
            spawnError = err;
            resolve(null);
        });
        proc.once('close', (code) => resolve(code));
    });
    input.on('error', () => proc.kill('SIGKILL'));
    input.pipe(proc.stdin);
    proc.stdin.on('error', () => { });
    try {
        for await (const chunk of proc.stdout)
            yield chunk;
    }
    finally {
        if (proc.exitCode === null)
            proc.kill('SIGKILL');
    }
    const code = await exited;
    if (spawnError)
        throw spawnError.code === 'ENOENT'
            ? new errors_ConfigurationError('the dump is zstd-compressed and this Node has no zlib zstd (Node ≥ 22.15 has it): ' +
                'install the zstd program (apt-get install zstd) or run on Node 24')
            : spawnError;
    if (code !== 0)
        throw new DecompressError(`zstd could not decompress the dump (read ${compressedRead()} compressed bytes): ${childError.trim() || `exit ${code}`}`);
}
/**
 * The decompressed bytes of `source`. `compressedRead()` says how many compressed bytes have been
 * read so far, for error messages.
 */
async function* decompress(source, compressedRead) {
    const { head, all } = await peek(source[Symbol.asyncIterator]());
    const kind = detectCompression(head);
    if (kind === 'plain') {
        yield* all();
        return;
    }
    const input = external_node_stream_.Readable.from(all(), { objectMode: false });
    let decoder;
    if (kind === 'gzip')
        decoder = external_node_zlib_.createGunzip({ chunkSize: 256 * 1024 });
    else {
        const native = external_node_zlib_.createZstdDecompress;
        if (!native) {
            yield* zstdProgram(input, compressedRead);
            return;
        }
        decoder = native({ chunkSize: 256 * 1024 });
    }
    (0,external_node_stream_.pipeline)(input, decoder, () => { });
    try {
        for await (const chunk of decoder)
            yield chunk;
    }
    catch (err) {
        const e = err;
        if (e instanceof errors_ConfigurationError || e.name === 'DumpSourceError')
            throw err;
        throw new DecompressError(`the ${kind} stream is damaged or truncated after ${compressedRead()} compressed bytes: ${e.message}`);
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/checkpoint.js
const PROGRESS_TABLE = '_mdl_restore_progress';
const STATE_TABLE = '_mdl_restore_state';
const CHECKPOINT_TABLES = [PROGRESS_TABLE, STATE_TABLE];
const createCheckpointTables = [
    `CREATE TABLE IF NOT EXISTS \`${PROGRESS_TABLE}\` (tbl VARBINARY(256) NOT NULL, chunk INT NOT NULL, ` +
        `rows_applied BIGINT NOT NULL, crc INT UNSIGNED NOT NULL, PRIMARY KEY (tbl, chunk)) ENGINE=InnoDB`,
    `CREATE TABLE IF NOT EXISTS \`${STATE_TABLE}\` (k VARCHAR(64) NOT NULL PRIMARY KEY, v TEXT NOT NULL) ENGINE=InnoDB`,
];
/** The checkpoint INSERT, sent inside the chunk's transaction. Table names travel as raw bytes. */
function checkpointSql(table, index, rows, crc) {
    return `INSERT INTO \`${PROGRESS_TABLE}\` (tbl, chunk, rows_applied, crc) VALUES (0x${Buffer.from(table, 'latin1').toString('hex')}, ${index}, ${rows}, ${crc})`;
}
/** The rows a committed chunk applied, or undefined when its checkpoint is absent (not committed). */
async function committedChunk(conn, table, index) {
    const [rows] = (await conn.query(`SELECT rows_applied AS n FROM \`${PROGRESS_TABLE}\` WHERE tbl = 0x${Buffer.from(table, 'latin1').toString('hex')} AND chunk = ${index}`));
    return rows.length ? Number(rows[0].n) : undefined;
}
async function readIdentity(conn) {
    const [rows] = await conn.query(`SELECT k, v FROM \`${STATE_TABLE}\``);
    const list = rows;
    const identity = list.find((r) => r.k === 'identity');
    return identity ? JSON.parse(identity.v) : undefined;
}
async function writeIdentity(conn, identity) {
    await conn.query(`REPLACE INTO \`${STATE_TABLE}\` (k, v) VALUES ('identity', ?)`, [
        JSON.stringify(identity),
    ]);
}
async function readCheckpoints(conn) {
    const [rows] = await conn.query({
        sql: `SELECT tbl, chunk, rows_applied, crc FROM \`${PROGRESS_TABLE}\``,
        rowsAsArray: true,
    });
    const map = new Map();
    for (const [tbl, chunk, applied, crc] of rows) {
        const table = Buffer.from(tbl).toString('latin1');
        let chunks = map.get(table);
        if (!chunks)
            map.set(table, (chunks = new Map()));
        chunks.set(Number(chunk), { rows: Number(applied), crc: Number(crc) });
    }
    return map;
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/splitter.js
// DumpSplitter: cuts a mysqldump byte stream into statements without decoding it, and cuts the rows
// of extended INSERTs into bounded row groups, so that memory stays bounded however long a line is.
//
// What it understands, as the `mysql` client does (MySQL manual, "mysql Client Commands" and
// "Comments"; MariaDB KB "mariadb-dump"): '…', "…" and `…` quoting with backslash escapes and
// doubled quotes, `-- ` and `#` line comments, /* … */ comments, executable comments /*!NNNNN … */
// and /*M!NNNNNN … */ (kept: the server runs them), `DELIMITER xx` lines (routines and triggers), and
// INSERT … VALUES (…),(…) whether the rows are on one line (MySQL) or one per line (MariaDB).
class DumpFormatError extends Error {
    offset;
    name = 'DumpFormatError';
    constructor(message, offset) {
        super(message);
        this.offset = offset;
    }
}
var State;
(function (State) {
    State[State["Normal"] = 0] = "Normal";
    State[State["Quote"] = 1] = "Quote";
    State[State["LineComment"] = 2] = "LineComment";
    State[State["BlockComment"] = 3] = "BlockComment";
})(State || (State = {}));
const MORE = -1;
const ON = 0;
const DONE = 1;
const SKIP = 2;
const SQ = 39;
const DQ = 34;
const BT = 96;
const BS = 92;
const LF = 10;
const OPEN = 40;
const CLOSE = 41;
const COMMA = 44;
/** Bytes a plain value may have outside quotes: digits, sign, point, exponent, NULL, and the quote. */
const PLAIN = new Uint8Array(256);
for (const c of "0123456789+-.eENUL',")
    PLAIN[c.charCodeAt(0)] = 1;
// `INSERT [IGNORE] INTO `t` [(`a`,`b`)] VALUES (` — mysqldump's form (also REPLACE, --insert-ignore).
/** A table or column name as dumps write it: `back-quoted` (`` doubled) or bare. No capture group. */
const SQL_IDENTIFIER = '(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)';
const IDENT = SQL_IDENTIFIER;
const INSERT_HEAD = new RegExp(`^(?:INSERT|REPLACE)\\s+(?:IGNORE\\s+)?INTO\\s+(${IDENT})(?:\\s*\\.\\s*(${IDENT}))?\\s*` +
    `(?:\\((?:\\s*${IDENT}\\s*,?)*\\))?\\s*VALUES\\s*\\(`, 'i');
const HEAD_WINDOW = 65536;
const QUOTED = /`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/g;
function unquoteIdentifier(id) {
    return id.startsWith('`') ? id.slice(1, -1).replace(/``/g, '`') : id;
}
const isSpace = (c) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
class DumpSplitter {
    buf;
    view;
    len = 0;
    /** Absolute dump offset of buf[0]. */
    base = 0;
    pos = 0;
    state = State.Normal;
    quote = 0;
    quoteStart = 0;
    /** Index of the current statement's first byte in buf (valid while inStmt; may go below 0). */
    stmtStart = 0;
    inStmt = false;
    delimiter = Buffer.from(';');
    // Cached next positions inside a long quoted string, so escapes do not make the search quadratic.
    nextQuote = -1;
    nextQuoteLen = -1;
    nextBs = -1;
    nextBsLen = -1;
    // The INSERT being cut into row groups, if the current statement is one.
    insert;
    headChecked = false;
    rowGroupBytes;
    maxStatementBytes;
    out = [];
    constructor(options = {}) {
        this.rowGroupBytes = options.rowGroupBytes ?? 4 * 1024 * 1024;
        this.maxStatementBytes = options.maxStatementBytes ?? 256 * 1024 * 1024;
        this.buf = Buffer.allocUnsafe(1 << 20);
        this.view = this.buf.subarray(0, 0);
    }
    /** The dump offset up to which input has been consumed into pieces (for error messages). */
    get offset() {
        return this.base + this.pos;
    }
    /** The current delimiter (tests look at it). */
    get currentDelimiter() {
        return this.delimiter.toString('latin1');
    }
    push(chunk) {
        this.append(chunk);
        this.scan(false);
        return this.take();
    }
    /**
     * End of input. An open quote or comment is an error, and so is a last statement without its
     * delimiter (a dump ends with one: without it, it was cut) unless `lastMayBeUnterminated` (scripts).
     */
    end(lastMayBeUnterminated = false) {
        this.scan(true);
        if (lastMayBeUnterminated &&
            this.state !== State.Quote &&
            this.state !== State.BlockComment &&
            this.inStmt) {
            this.endStatement(this.len);
            this.pos = this.len;
        }
        if (this.state === State.Quote) {
            const start = this.inStmt ? this.base + this.stmtStart : this.quoteStart;
            throw new DumpFormatError(`the dump ends inside a quoted string opened at byte ${this.quoteStart} ` +
                `(statement at byte ${start}: ${this.preview()}): it is truncated or malformed`, this.quoteStart);
        }
        if (this.state === State.BlockComment)
            throw new DumpFormatError(`the dump ends inside a /* comment */: it is truncated`, this.base + this.pos);
        if (this.inStmt) {
            const rest = this.view.subarray(Math.max(0, this.stmtStart), this.len);
            if (rest.some((c) => !isSpace(c))) {
                const at = this.base + this.stmtStart;
                throw new DumpFormatError(`the dump ends in the middle of a statement at byte ${at} (${this.preview()}): ` +
                    `no closing "${this.delimiter.toString('latin1')}"; the file is truncated or malformed`, at);
            }
        }
        return this.take();
    }
    take() {
        const out = this.out;
        this.out = [];
        return out;
    }
    preview() {
        if (!this.inStmt)
            return '(no statement)';
        const start = Math.max(0, this.stmtStart);
        const text = this.view
            .subarray(start, Math.min(this.len, start + 120))
            .toString('utf8')
            .replace(/\s+/g, ' ');
        return JSON.stringify(text.length >= 100 ? `${text.slice(0, 100)}…` : text);
    }
    append(chunk) {
        const keep = this.keepFrom();
        if (this.len + chunk.length > this.buf.length || keep > this.buf.length / 2) {
            if (keep > 0)
                this.shift(keep);
            if (this.len + chunk.length > this.buf.length) {
                const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + chunk.length));
                this.buf.copy(grown, 0, 0, this.len);
                this.buf = grown;
            }
        }
        chunk.copy(this.buf, this.len);
        this.len += chunk.length;
        this.view = this.buf.subarray(0, this.len);
        if (!this.insert && this.inStmt && this.len - this.stmtStart > this.maxStatementBytes)
            throw new DumpFormatError(`a statement at byte ${this.base + this.stmtStart} is longer than ${this.maxStatementBytes} bytes ` +
                `(${this.preview()}): the dump is malformed (an unclosed quote?)`, this.base + this.stmtStart);
    }
    keepFrom() {
        if (this.insert)
            return this.insert.segStart;
        if (this.inStmt)
            return this.stmtStart;
        return this.pos;
    }
    shift(by) {
        this.buf.copyWithin(0, by, this.len);
        this.len -= by;
        this.base += by;
        this.pos -= by;
        this.stmtStart -= by;
        if (this.insert)
            this.insert.segStart -= by;
        this.nextQuote = this.nextBs = -1;
        this.nextQuoteLen = this.nextBsLen = -1;
    }
    scan(eof) {
        const v = this.view;
        const len = this.len;
        while (this.pos < len) {
            if (this.state === State.Quote) {
                if (!this.scanQuote(eof))
                    return;
                continue;
            }
            if (this.state === State.LineComment) {
                const nl = v.indexOf(LF, this.pos);
                if (nl < 0) {
                    this.pos = len;
                    return;
                }
                this.pos = nl + 1;
                this.state = State.Normal;
                continue;
            }
            if (this.state === State.BlockComment) {
                const end = v.indexOf('*/', this.pos, 'latin1');
                if (end < 0) {
                    this.pos = Math.max(this.pos, len - 1);
                    return;
                }
                this.pos = end + 2;
                this.state = State.Normal;
                continue;
            }
            if (!this.scanNormal(eof))
                return;
        }
    }
    /** Inside '…', "…" or `…`: jump to the closing quote with indexOf. False: more input needed. */
    scanQuote(eof) {
        const v = this.view;
        const len = this.len;
        const q = this.quote;
        for (;;) {
            let qi = this.nextQuote;
            if (!(qi >= this.pos || (qi === -1 && this.nextQuoteLen === len))) {
                qi = v.indexOf(q, this.pos);
                this.nextQuote = qi;
                this.nextQuoteLen = len;
            }
            let bi = -1;
            if (q !== BT) {
                bi = this.nextBs;
                if (!(bi >= this.pos || (bi === -1 && this.nextBsLen === len))) {
                    bi = v.indexOf(BS, this.pos);
                    this.nextBs = bi;
                    this.nextBsLen = len;
                }
            }
            if (bi >= 0 && (qi < 0 || bi < qi)) {
                if (bi + 1 >= len) {
                    this.pos = bi;
                    return false;
                }
                this.pos = bi + 2;
                continue;
            }
            if (qi < 0) {
                this.pos = len;
                return false;
            }
            if (qi + 1 >= len && !eof) {
                this.pos = qi; // a doubled quote may follow in the next chunk
                return false;
            }
            if (qi + 1 < len && v[qi + 1] === q) {
                this.pos = qi + 2;
                continue;
            }
            this.pos = qi + 1;
            this.state = State.Normal;
            return true;
        }
    }
    /** Outside quotes and comments, byte by byte (short runs: numbers, commas, keywords). */
    scanNormal(eof) {
        const v = this.view;
        const len = this.len;
        const d0 = this.delimiter[0];
        const ins = this.insert;
        for (let i = this.pos; i < len; i++) {
            const c = v[i];
            // The hot path: the bytes of an INSERT's rows, counted and checked without a call.
            if (ins) {
                if (c === OPEN) {
                    if (ins.depth++ === 0)
                        ins.rows++;
                    else
                        ins.plain = false; // a function call or an expression
                    continue;
                }
                if (c === CLOSE) {
                    ins.depth--;
                    continue;
                }
                if (c === COMMA && ins.depth === 0) {
                    if (i - ins.segStart >= this.rowGroupBytes) {
                        this.emitRows(ins, i);
                        ins.segStart = i + 1;
                    }
                    continue;
                }
                if (ins.depth > 0 && PLAIN[c] === 0)
                    ins.plain = false;
            }
            if (c === SQ || c === DQ || c === BT) {
                if (!this.inStmt)
                    this.startStatement(i);
                this.state = State.Quote;
                this.quote = c;
                this.quoteStart = this.base + i;
                this.pos = i + 1;
                return true;
            }
            // The rare bytes: each decided by a step of its own, which says whether the scan stops for more
            // bytes (MORE), has moved on to another state (DONE), or goes on here (ON).
            let step = ON;
            if (c === d0 && this.matchesDelimiter(i))
                step = this.atDelimiter(i, eof);
            else if (c === 45 /* - */ && (v[i + 1] === 45 || (i + 1 >= len && !eof)))
                step = this.atDash(i, eof);
            else if (c === 35 /* # */ && !ins)
                step = this.toLineComment(i + 1);
            else if (c === 47 /* / */ && (v[i + 1] === 42 /* * */ || (i + 1 >= len && !eof))) {
                step = this.atSlash(i, eof);
                if (step === SKIP) {
                    i += 2;
                    continue;
                }
            }
            if (step === ON && !this.inStmt && !isSpace(c))
                step = this.atStatementStart(i, c, eof);
            if (step === MORE)
                return false;
            if (step === DONE)
                return true;
        }
        this.pos = len;
        return false;
    }
    toLineComment(pos) {
        this.state = State.LineComment;
        this.pos = pos;
        return DONE;
    }
    /** The statement delimiter: the statement ends (once all of the delimiter is in hand). */
    atDelimiter(i, eof) {
        const dl = this.delimiter.length;
        if (i + dl > this.len && !eof) {
            this.pos = i;
            return MORE;
        }
        this.endStatement(i);
        this.pos = i + dl;
        return DONE;
    }
    /** `--`: a line comment when followed by a space or a control byte (as the mysql client reads it). */
    atDash(i, eof) {
        if (i + 2 >= this.len && !eof) {
            this.pos = i;
            return MORE;
        }
        const n = this.view[i + 2];
        return n === undefined || n <= 32 ? this.toLineComment(i + 2) : ON;
    }
    /** `/*`: a block comment, or an executable comment (`/*!`, `/*M!`) whose text is SQL (SKIP its opening). */
    atSlash(i, eof) {
        const v = this.view;
        if (i + 3 >= this.len && !eof) {
            this.pos = i;
            return MORE;
        }
        const n = v[i + 2];
        if (n === 77 /* M */ && i + 12 > this.len && !eof) {
            this.pos = i; // is it MariaDB's sandbox line? decided with 12 bytes
            return MORE;
        }
        const executable = (n === 33 /* ! */ || (n === 77 /* M */ && v[i + 3] === 33)) && !this.isSandboxComment(i);
        if (executable) {
            if (!this.inStmt)
                this.startStatement(i);
            return SKIP;
        }
        this.state = State.BlockComment;
        this.pos = i + 2;
        return DONE;
    }
    /** The first byte of a statement: a DELIMITER command, an INSERT whose head decides its rows, or any other. */
    atStatementStart(i, c, eof) {
        const v = this.view;
        const len = this.len;
        if ((c === 68 || c === 100) /* D d */ && i + 10 > len && !eof) {
            this.pos = i; // DELIMITER is decided with its 10 bytes in hand
            return MORE;
        }
        if ((c === 68 || c === 100) /* D d */ && this.isDelimiterCommand(i)) {
            const nl = v.indexOf(LF, i);
            if (nl < 0 && !eof) {
                this.pos = i;
                return MORE;
            }
            const line = v.subarray(i, nl < 0 ? len : nl).toString('latin1');
            const token = /^delimiter[ \t]+(\S+)/i.exec(line)?.[1];
            if (!token)
                throw new DumpFormatError(`a DELIMITER line without a delimiter at byte ${this.base + i}`, this.base + i);
            this.delimiter = Buffer.from(token, 'latin1');
            this.pos = nl < 0 ? len : nl + 1;
            return DONE;
        }
        this.startStatement(i);
        if (c === 73 || c === 105 || c === 82 || c === 114 /* I i R r */) {
            // Re-scan from here once the head is known (or known not to be an INSERT).
            const known = this.checkInsertHead(i, eof);
            if (known === undefined) {
                this.pos = i;
                this.inStmt = false;
                return MORE;
            }
            if (known > i) {
                this.pos = known;
                return DONE;
            }
        }
        return ON;
    }
    isSandboxComment(i) {
        // MariaDB's `/*M!999999\- enable the sandbox mode */` first line: a client command, not SQL.
        return this.view.subarray(i, i + 12).toString('latin1') === '/*M!999999\\-';
    }
    isDelimiterCommand(i) {
        const word = this.view.subarray(i, i + 10).toString('latin1');
        return /^delimiter[ \t]/i.test(word);
    }
    matchesDelimiter(i) {
        const d = this.delimiter;
        if (d.length === 1)
            return true;
        for (let k = 1; k < d.length; k++) {
            const c = this.view[i + k];
            if (c === undefined)
                return true; // decided when more input arrives
            if (c !== d[k])
                return false;
        }
        return true;
    }
    startStatement(i) {
        this.stmtStart = i;
        this.inStmt = true;
        this.headChecked = false;
    }
    /**
     * At the first byte of a statement starting with I or R: is it an extended INSERT? Answers the
     * index of the first row's `(` when it is, `i` when it is not, undefined when more input is needed.
     */
    checkInsertHead(i, eof) {
        if (this.headChecked)
            return i;
        const window = this.view.subarray(i, Math.min(this.len, i + HEAD_WINDOW));
        const text = window.toString('latin1');
        const m = INSERT_HEAD.exec(text);
        if (!m) {
            // Not (yet) a match: decide only once the head is complete — its VALUES keyword and what
            // follows it, or the statement's end outside quoted names — or the window is full.
            const complete = eof ||
                window.length >= HEAD_WINDOW ||
                /\bVALUES\s*\S/i.test(text) ||
                text.replace(QUOTED, '').split(/[`'"]/)[0].includes(this.delimiter.toString('latin1'));
            if (!complete)
                return undefined;
            this.headChecked = true;
            return i;
        }
        this.headChecked = true;
        const open = i + m[0].length - 1;
        const table = unquoteIdentifier(m[2] ?? m[1]);
        this.insert = {
            table,
            prefix: Buffer.from(this.view.subarray(i, open)),
            segStart: open,
            depth: 0,
            rows: 0,
            headChecked: true,
            plain: true,
        };
        return open;
    }
    emitRows(ins, end) {
        let s = ins.segStart;
        let e = end;
        while (s < e && isSpace(this.view[s]))
            s++;
        while (e > s && isSpace(this.view[e - 1]))
            e--;
        if (e <= s)
            return;
        this.out.push({
            kind: 'rows',
            table: ins.table,
            prefix: ins.prefix,
            rows: Buffer.from(this.view.subarray(s, e)),
            rowCount: ins.rows,
            offset: this.base + this.stmtStart,
            plain: ins.plain,
        });
        ins.rows = 0;
        ins.plain = true;
    }
    endStatement(end) {
        const ins = this.insert;
        if (ins) {
            if (ins.depth !== 0)
                throw new DumpFormatError(`unbalanced parentheses in the INSERT into \`${ins.table}\` at byte ${this.base + this.stmtStart}: ` +
                    `the dump is malformed`, this.base + this.stmtStart);
            this.emitRows(ins, end);
            this.insert = undefined;
        }
        else if (this.inStmt) {
            let e = end;
            while (e > this.stmtStart && isSpace(this.view[e - 1]))
                e--;
            if (e > this.stmtStart)
                this.out.push({
                    kind: 'statement',
                    sql: Buffer.from(this.view.subarray(this.stmtStart, e)),
                    offset: this.base + this.stmtStart,
                });
        }
        this.inStmt = false;
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/finish.js




const account = (a) => `'${a.name}'@'${a.host}'`;
async function runAdmin(run, sql, values, what) {
    try {
        // Values travel as raw UTF-8 bytes, like everything else on these latin1-encoded connections.
        await run.control.query(sql, values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8').toString('latin1') : v)));
    }
    catch (err) {
        throw new RestoreError(`${what} failed: ${sqlMessage(err, run.secrets)}`);
    }
}
/** The app user (created if absent, all privileges on the database) and the read-only grants. */
async function grantAccounts(run, options) {
    const db = options.database;
    const schema = quoteIdentifier(grantSchema(db));
    if (options.appUser) {
        const a = options.appUser.account;
        await runAdmin(run, `CREATE USER IF NOT EXISTS ${account(a)} IDENTIFIED BY ?`, [options.appUser.password], `creating the app user ${a.name}`);
        await runAdmin(run, `GRANT ALL PRIVILEGES ON ${schema}.* TO ${account(a)}`, [], `granting ${a.name} on ${db}`);
    }
    for (const ro of options.readonlyUsers ?? [])
        await runAdmin(run, `GRANT SELECT, SHOW VIEW ON ${schema}.* TO ${account(ro)}`, [], `granting read-only ${ro.name}@${ro.host} on ${db} (the account must exist)`);
}
/** The post-restore SQL and the portico block, unless a run before this one did them. */
async function siteFixups(run, options) {
    const { control, log, secrets } = run;
    const [[done]] = (await control.query(`SELECT v FROM \`${STATE_TABLE}\` WHERE k = 'post-restore'`));
    if (done)
        return;
    if (options.postRestoreSql?.trim()) {
        const statements = splitScript(options.postRestoreSql);
        for (const s of statements) {
            try {
                await control.query(s);
            }
            catch (err) {
                throw new RestoreError(`post-restore SQL ${preview(s)} failed: ${sqlMessage(err, secrets)}`);
            }
        }
        log.info(`post-restore SQL: ${statements.length} statement(s) run`);
    }
    if (options.hidePorticoBlock)
        await hidePorticoBlock(run);
    await control.query(`REPLACE INTO \`${STATE_TABLE}\` (k, v) VALUES ('post-restore', 'done')`);
}
/** A Moodle restored without its MIM database: the portico_enrolments block would only fail. */
async function hidePorticoBlock({ control, log, secrets }) {
    try {
        const [r] = (await control.query(`UPDATE mdl_block SET visible = 0 WHERE name = 'portico_enrolments'`));
        log.info(`without MIM: portico_enrolments block hidden (${r.affectedRows} row(s) changed)`);
    }
    catch (err) {
        log.warning(`without MIM: could not hide the portico_enrolments block: ${sqlMessage(err, secrets)}`);
    }
}
/** The restore is complete: its checkpoint tables go. */
async function dropCheckpointTables(control) {
    for (const t of CHECKPOINT_TABLES)
        await control.query(`DROP TABLE IF EXISTS \`${t}\``);
}
/** Statements of a small script (post-restore SQL), split the way the dump is. */
function splitScript(sql) {
    const splitter = new DumpSplitter();
    const pieces = [...splitter.push(Buffer.from(sql, 'utf8')), ...splitter.end(true)];
    return pieces.map((p) => p.kind === 'statement' ? p.sql.toString('latin1') : Buffer.concat([p.prefix, p.rows]).toString('latin1'));
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/statements.js
// What a dump statement is, and how it is changed for a target without SUPER (Aurora) or without a
// collation (MariaDB): mysqldump's own forms, read from the text of the statement's head.

const statements_IDENT = `(${SQL_IDENTIFIER})`;
const QUALIFIED = `(?:${statements_IDENT}\\s*\\.\\s*)?${statements_IDENT}`;
/** The statement's head with executable-comment markers removed: `/*!50003 CREATE*\/` → `CREATE`. */
function statementHead(sql, max = 600) {
    return sql
        .subarray(0, max)
        .toString('latin1')
        .replace(/\/\*M?!\d*/g, ' ')
        .replace(/\*\//g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
}
// A quoted part of an account name: `…` with `` inside, '…' or "…" with a doubled quote or a
// backslash escape inside (the SQL forms of a name, MariaDB "Identifier Names" and "String Literals").
const QUOTED_NAME = /`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/.source;
/** `DEFINER = user[@host]` or `DEFINER = CURRENT_USER[()]`, spaces allowed around `=`, `@` and `()`. */
const DEFINER_CLAUSE = String.raw `DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|(?:${QUOTED_NAME}|[\w.$-]+)(?:\s*@\s*(?:${QUOTED_NAME}|[\w.%$:-]+))?)`;
const DEFINER = new RegExp(DEFINER_CLAUSE, 'gi');
const CREATE_TABLE = new RegExp(String.raw `^CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`, 'i');
const DROP_TABLE = new RegExp(String.raw `^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${QUALIFIED}\s*$`, 'i');
const CREATE_TRIGGER = new RegExp(String.raw `^CREATE\s+(?:${DEFINER_CLAUSE}\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`, 'i');
const POST_DATA = new RegExp(String.raw `^(?:CREATE|DROP)\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:${DEFINER_CLAUSE}\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?(?:AGGREGATE\s+)?(?:VIEW|PROCEDURE|FUNCTION|EVENT|TRIGGER)\b`, 'i');
const statements_name = (m, at) => unquoteIdentifier(m[at + 1] ?? m[at]);
function classifyStatement(sql) {
    const head = statementHead(sql);
    if (/^SET\b/i.test(head)) {
        if (/GTID_PURGED/i.test(head))
            return { kind: 'skip', reason: 'SET @@GLOBAL.GTID_PURGED needs SUPER and is about the source server' };
        if (/\bSQL_LOG_BIN\s*=/i.test(head))
            return {
                kind: 'skip',
                reason: 'SET SQL_LOG_BIN needs SUPER (binary logging stays as the server has it)',
            };
        return { kind: 'set' };
    }
    if (/^(?:LOCK|UNLOCK)\s+TABLES?\b/i.test(head))
        return { kind: 'skip', reason: 'LOCK/UNLOCK TABLES: tables are loaded in parallel transactions instead' };
    if (/^ALTER\s+TABLE\s+\S+\s+(?:DISABLE|ENABLE)\s+KEYS\b/i.test(head))
        return { kind: 'skip', reason: 'ALTER TABLE … DISABLE/ENABLE KEYS only affects MyISAM' };
    if (/^(?:CREATE\s+DATABASE|USE\s)/i.test(head))
        return {
            kind: 'skip',
            reason: 'CREATE DATABASE / USE in the dump: the restore writes into the database it is given',
        };
    if (/^ALTER\s+DATABASE\b/i.test(head))
        return {
            kind: 'skip',
            reason: 'ALTER DATABASE names the source database; the target is created utf8mb4',
        };
    let m = CREATE_TABLE.exec(head);
    if (m)
        return { kind: 'table-ddl', table: statements_name(m, 1), create: true };
    m = DROP_TABLE.exec(head);
    if (m)
        return { kind: 'table-ddl', table: statements_name(m, 1), create: false };
    m = CREATE_TRIGGER.exec(head);
    if (m)
        return { kind: 'post-data', trigger: statements_name(m, 1) };
    if (POST_DATA.test(head))
        return { kind: 'post-data' };
    return { kind: 'other' };
}
/** A name as read from the dump's bytes (one latin1 character per byte) → its UTF-8 text. */
const wireToText = (s) => Buffer.from(s, 'latin1').toString('utf8');
/**
 * DEFINER=`someone`@`host` needs SUPER (SET USER on MariaDB) unless it is the restoring user: point
 * it at CURRENT_USER, or drop it (the object's definer is then the restoring user too).
 */
function rewriteDefiner(sql, mode) {
    return sql.replace(DEFINER, mode === 'rewrite' ? 'DEFINER=CURRENT_USER' : '');
}
/** Whole-word collation (and its charset's default) replacement, e.g. utf8mb4_0900_ai_ci → utf8mb4_unicode_ci. */
function mapCollations(sql, map) {
    if (map.size === 0)
        return sql;
    let out = sql;
    for (const [from, to] of map)
        out = out.replace(new RegExp(`\\b${from.replace(/[^\w]/g, '\\$&')}\\b`, 'gi'), to);
    return out;
}
/** MyISAM and Aria tables are loaded as InnoDB: only a transactional table can be resumed exactly. */
function mapEngine(sql) {
    const out = sql.replace(/\bENGINE\s*=\s*(?:MyISAM|Aria)\b/gi, 'ENGINE=InnoDB');
    return { sql: out, changed: out !== sql };
}
/** `AUTO_INCREMENT=N` of a CREATE TABLE, to set again after a resume (a rolled-back chunk moves it). */
function autoIncrementOf(sql) {
    const m = /\bAUTO_INCREMENT\s*=\s*(\d+)/i.exec(sql.slice(sql.lastIndexOf(')')));
    return m ? Number(m[1]) : undefined;
}
/**
 * A CREATE TABLE without its plain secondary indexes (`KEY`/`INDEX` lines as mysqldump writes them,
 * one per line), and those index definitions, to be added after the rows (a sorted index build).
 * PRIMARY, UNIQUE, FULLTEXT and SPATIAL keys and foreign keys stay.
 */
function splitSecondaryKeys(sql) {
    const lines = sql.split('\n');
    const keys = [];
    const kept = [];
    for (const line of lines) {
        const m = /^\s+((?:KEY|INDEX)\s+`(?:[^`]|``)+`\s*\(.*\)[^,]*?),?\s*$/i.exec(line);
        if (m && !/\bUSING\s+HASH\b/i.test(line))
            keys.push(m[1].trim());
        else
            kept.push(line);
    }
    if (!keys.length)
        return { sql, keys };
    // The line before the closing `)` must not end with a comma any more.
    const close = kept.findIndex((l) => /^\)/.test(l));
    if (close > 0)
        kept[close - 1] = kept[close - 1].replace(/,\s*$/, '');
    return { sql: kept.join('\n'), keys };
}
/** The name of a `KEY `name` (…)` definition. */
function keyName(definition) {
    const m = /^(?:KEY|INDEX)\s+`((?:[^`]|``)+)`/i.exec(definition);
    return m ? m[1].replace(/``/g, '`') : '';
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/head.js
// The dump's first MiB, read before the server is touched: garbage and obvious truncation are
// refused with no change made, and the first MiB names the dump for a resume (its fingerprint).




const HEAD_BYTES = 1024 * 1024;
async function readHead(stream) {
    const parts = [];
    let length = 0;
    while (length < HEAD_BYTES) {
        const next = await stream.next();
        if (next.done)
            return { head: Buffer.concat(parts), streamDone: true };
        parts.push(next.value);
        length += next.value.length;
    }
    return { head: Buffer.concat(parts), streamDone: false };
}
/** The first statement the splitter finds in the head; a format error is the user's to fix. */
function firstPiece(head) {
    const splitter = new DumpSplitter();
    try {
        return splitter.push(head)[0] ?? splitter.end()[0];
    }
    catch (err) {
        if (err instanceof DumpFormatError)
            throw new errors_ConfigurationError(err.message);
        throw err;
    }
}
function checkLooksLikeSql(head, source) {
    if (head.length === 0)
        throw new errors_ConfigurationError(`the dump ${source.name} is empty`);
    // mysqldump escapes NUL inside strings (\0), so a raw NUL byte means this is not a SQL dump.
    const nul = head.subarray(0, 65536).indexOf(0);
    if (nul >= 0)
        throw new errors_ConfigurationError(`${source.name} is not a SQL dump: binary data at byte ${nul} of the decompressed stream ` +
            `(expected mysqldump output, plain or gzip/zstd-compressed)`);
    const first = firstPiece(head);
    if (!first) {
        if (head.length < HEAD_BYTES)
            throw new errors_ConfigurationError(`${source.name} holds no SQL statement`);
        throw new errors_ConfigurationError(`${source.name}: no SQL statement ends in its first MiB: it is not a mysqldump file`);
    }
    const text = first.kind === 'rows' ? 'INSERT' : statementHead(first.sql, 200);
    if (!/^(SET|CREATE|DROP|INSERT|REPLACE|LOCK|UNLOCK|USE|ALTER|START|BEGIN|COMMIT|SELECT)\b/i.test(text))
        throw new errors_ConfigurationError(`${source.name} is not a SQL dump: its first statement at byte ${first.offset} is ${preview(first.kind === 'rows' ? first.prefix : first.sql)}`);
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/load-data.js
// Rows of a dump chunk as LOAD DATA LOCAL INFILE: the server reads the INSERT's own `(…),(…)` bytes
// with `(` as the line start, `)` as the line end, `,` between fields and `'` around strings, and
// skips its SQL parser — measured at about half the server CPU of the same rows as an extended
// INSERT (bench/README.md). Only chunks whose values are all '…' strings, NULL or plain numbers come
// here (the splitter's `plain`): LOAD DATA reads an unquoted NULL as NULL and the backslash escapes
// mysqldump writes (\0 \' \" \\ \n \r \Z) as the SQL parser does (MySQL manual, "LOAD DATA
// Statement": field and line handling; MariaDB KB "LOAD DATA INFILE").



const FILE_NAME = 'mdl-restore-chunk';
/** Slices handed to the driver, one protocol packet each (a packet holds at most 16 MiB - 1). */
const SLICE = 1 << 20;
const PLAIN_INSERT = new RegExp(`^INSERT\\s+INTO\\s+${SQL_IDENTIFIER}\\s*(\\((?:\\s*${SQL_IDENTIFIER}\\s*,?)*\\))?\\s*VALUES\\s*$`, 'i');
/** The column list of a plain `INSERT INTO `t` [(…)] VALUES ` prefix; undefined for any other form. */
function loadDataColumns(prefix) {
    const m = PLAIN_INSERT.exec(prefix.toString('latin1'));
    return m ? (m[1] ?? '') : undefined;
}
async function loadDataSession(conn) {
    const [[row]] = (await conn.query('SELECT @@character_set_client AS cs, @@sql_mode AS mode'));
    if (!/^\w+$/.test(row.cs))
        throw new Error(`unexpected character_set_client ${JSON.stringify(row.cs)}`);
    return { charset: row.cs, backslashEscapes: !/NO_BACKSLASH_ESCAPES/i.test(row.mode) };
}
/** Error numbers of a server or client that does not allow LOAD DATA LOCAL. */
const REFUSED = new Set([
    1148, // ER_NOT_ALLOWED_COMMAND: local_infile is OFF (MySQL 5.7, older MariaDB)
    4166, // ER_LOAD_INFILE_CAPABILITY_DISABLED: local_infile is OFF (MariaDB 10.5+)
    3948, // ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8)
    2068, // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
]);
function loadDataSql(table, columns, session) {
    // Under NO_BACKSLASH_ESCAPES the statement's own literals and the dump's strings have none.
    const [quote, escape] = session.backslashEscapes ? ["'\\''", "'\\\\'"] : ["''''", "''"];
    return (`LOAD DATA LOCAL INFILE '${FILE_NAME}' INTO TABLE ${quoteIdentifier(table)} CHARACTER SET ${session.charset} ` +
        `FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY ${quote} ESCAPED BY ${escape} ` +
        `LINES STARTING BY '(' TERMINATED BY ')'${columns ? ` ${columns}` : ''}`);
}
/**
 * Sends `rows` (the `(…),(…)` bytes) into `table`. The stream answers only the file name the
 * statement asked for: a server asking for any other file gets an error, never a local file.
 */
async function loadRows(conn, table, columns, rows, session) {
    const infileStreamFactory = (path) => {
        if (path !== FILE_NAME)
            return new external_node_stream_.Readable({
                read() {
                    this.destroy(new Error(`the server asked for the file ${path}, which the restore does not send`));
                },
            });
        const slices = [];
        for (let at = 0; at < rows.length; at += SLICE)
            slices.push(rows.subarray(at, at + SLICE));
        return external_node_stream_.Readable.from(slices, { objectMode: false });
    };
    try {
        const [header] = (await conn.query({
            sql: loadDataSql(table, columns, session),
            infileStreamFactory,
        }));
        return { header };
    }
    catch (err) {
        const e = err;
        if (e.errno !== undefined && REFUSED.has(e.errno))
            return { refused: e.message ?? String(err) };
        throw err;
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/target.js



/**
 * Polls the server's sessions matching `where` (inline SQL: loading connections send text as it is)
 * until none is left or `waitMs` has passed; answers those still there. The server ends a session
 * whose client went away once its statement is done.
 */
async function sessionsLeft(conn, where, waitMs, onWait) {
    const started = Date.now();
    for (let first = true;; first = false) {
        const [rows] = (await conn.query('SELECT ID AS id, COMMAND AS command, TIME AS seconds FROM information_schema.PROCESSLIST ' +
            `WHERE ${where} AND ID <> CONNECTION_ID()`));
        if (rows.length === 0 || Date.now() - started >= waitMs)
            return rows;
        if (first)
            onWait?.(rows);
        await new Promise((r) => setTimeout(r, 100));
    }
}
/**
 * A resume must not read the checkpoints while a session of the interrupted run is still at work on
 * the server: a killed client's COMMIT that was on the wire still commits, and its chunk would then
 * be loaded twice (the checkpoint row's key refuses that, but the run would fail). The server ends
 * such sessions as soon as their statement is done; a session that stays is another live restore
 * (or a dead client's socket the server has not noticed yet), and the resume stops without a change.
 * Only the account's own sessions are visible without the PROCESS privilege, which is the case here.
 */
async function waitForEarlierSessions(control, db, log, waitMs) {
    const rows = await sessionsLeft(control, `DB = ${control.escape(db)}`, waitMs, (r) => log.info(`waiting for ${r.length} earlier session(s) on ${db} to end before resuming`));
    if (rows.length)
        throw new errors_ConfigurationError(`database ${db} is still in use by session(s) ${rows.map((r) => `${r.id} (${r.command}, ${r.seconds} s)`).join(', ')}: ` +
            'another restore may still be running into it; stop it, or end those sessions (KILL <id>) and resume again');
}
async function prepareDatabase(control, db, ifExists, identityBase, options) {
    const qdb = quoteIdentifier(db);
    const [schemas] = (await control.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db]));
    const exists = schemas.length > 0;
    let objects = [];
    if (exists) {
        const [rows] = (await control.query('SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ' +
            'UNION ALL SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?', [db, db]));
        objects = rows.map((r) => r.n);
    }
    const partial = objects.includes(STATE_TABLE);
    const fresh = async () => {
        await control.query(`CREATE DATABASE IF NOT EXISTS ${qdb} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        for (const sql of createCheckpointTables)
            await control.query(sql.replace('CREATE TABLE IF NOT EXISTS ', `CREATE TABLE IF NOT EXISTS ${qdb}.`));
        await control.query(`USE ${qdb}`);
        await writeIdentity(control, { ...identityBase, chunkBytes: options.chunkBytes });
        return {
            resumed: false,
            checkpoints: new Map(),
            chunkBytes: options.chunkBytes,
            deferIndexes: Boolean(identityBase.deferIndexes),
        };
    };
    if (!exists || objects.length === 0)
        return fresh();
    if (ifExists === 'fail')
        throw new errors_ConfigurationError(`database ${db} exists and is not empty (${objects.length} tables/routines)` +
            (partial
                ? ': it holds an interrupted restore; use if-exists: resume to finish it, or drop to start again'
                : '; use if-exists: drop to replace it'));
    if (ifExists === 'drop') {
        options.log.info(`dropping the existing database ${db} (if-exists: drop)`);
        await control.query(`DROP DATABASE ${qdb}`);
        return fresh();
    }
    if (!partial)
        throw new errors_ConfigurationError(`database ${db} is not empty and holds no interrupted restore (${STATE_TABLE} is absent): nothing to resume; ` +
            'use if-exists: drop to replace it');
    return resume(control, db, identityBase, options);
}
/** Resumes the interrupted restore the database holds, when it is of the same dump. */
async function resume(control, db, identityBase, options) {
    const qdb = quoteIdentifier(db);
    await waitForEarlierSessions(control, db, options.log, options.busyWaitMs);
    await control.query(`USE ${qdb}`);
    for (const sql of createCheckpointTables)
        await control.query(sql);
    const identity = await readIdentity(control);
    if (!identity) {
        // Interrupted before the dump's name was written: no dump statement has run yet.
        await writeIdentity(control, { ...identityBase, chunkBytes: options.chunkBytes });
        return {
            resumed: true,
            checkpoints: await readCheckpoints(control),
            chunkBytes: options.chunkBytes,
            deferIndexes: Boolean(identityBase.deferIndexes),
        };
    }
    if (identity.fingerprint !== identityBase.fingerprint)
        throw new errors_ConfigurationError(`database ${db} holds an interrupted restore of another dump (${identity.source ?? 'unknown'}): its first MiB differs; ` +
            'use if-exists: drop to start again');
    if (identity.compressedSize !== identityBase.compressedSize)
        options.log.warning(`the dump's size differs from the interrupted run's (${identity.compressedSize} vs ${identityBase.compressedSize} bytes); ` +
            'its first MiB matches, and every chunk already loaded is compared by checksum as it is read again');
    return {
        resumed: true,
        checkpoints: await readCheckpoints(control),
        chunkBytes: identity.chunkBytes ?? options.chunkBytes,
        // The interrupted run's choice holds: its tables were created with or without their indexes.
        deferIndexes: Boolean(identity.deferIndexes),
    };
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/chunk-loader.js






/** Lost loading connections replaced in one run before the restore gives up (and can be resumed). */
const MAX_RECONNECTS = 10;
/** Tries of one chunk that meets deadlocks or lock waits. */
const MAX_ATTEMPTS = 5;
class ChunkLoader {
    o;
    /** Chunks committed by this run, and how many of them went as LOAD DATA. */
    applied = 0;
    viaLoadData = 0;
    reconnects = 0;
    loadDataEnabled;
    workers = [];
    constructor(o) {
        this.o = o;
        this.loadDataEnabled = o.loadData;
    }
    /** Opens `parallel` loading connections, one after the other, each then working the pool. */
    async start(parallel) {
        for (let w = 0; w < parallel; w++) {
            const worker = { conn: await this.connection(), replayed: 0 };
            this.workers.push(this.work(worker));
        }
    }
    /** Every worker has ended (the pool closed or failed). */
    async finished() {
        await Promise.all(this.workers);
    }
    async settled() {
        await Promise.allSettled(this.workers);
    }
    connection() {
        return this.o.connections.open(this.o.database, { raw: true, setup: true });
    }
    async work(worker) {
        const { pool } = this.o;
        for (;;) {
            const job = await pool.take();
            if (!job)
                return;
            try {
                const t0 = Date.now();
                const { rows, viaInsert } = await this.load(worker, job);
                const t = this.o.tables.of(job.table);
                t.appliedRows += rows;
                t.ms += Date.now() - t0;
                this.applied++;
                if (!viaInsert)
                    this.viaLoadData++;
                this.o.progress.rowsApplied(rows);
            }
            catch (err) {
                pool.fail(new RestoreError(`loading rows of \`${wireToText(job.table)}\` (chunk ${job.index}, from the INSERT at dump byte ` +
                    `${job.offset}) failed: ${sqlMessage(err, this.o.secrets)}`));
                return;
            }
            finally {
                pool.done(job);
            }
        }
    }
    /** Loads one chunk, exactly once; resolves with the rows it put in. */
    async load(worker, job) {
        const { crashPoint } = this.o;
        let viaInsert = !job.loadData || !this.loadDataEnabled;
        for (let attempt = 1;; attempt++) {
            try {
                await this.replaySets(worker, job);
                await worker.conn.query('BEGIN');
                const rows = viaInsert ? await this.insert(worker, job) : await this.loadData(worker, job);
                if (rows === undefined) {
                    viaInsert = true; // rolled back: the INSERT decides
                    continue;
                }
                crashPoint('chunk-inserted');
                await worker.conn.query(checkpointSql(job.table, job.index, rows, job.crc));
                const commit = worker.conn.query('COMMIT');
                crashPoint('commit-sent', worker.conn); // the answer not read: the chunk may or may not be in
                await commit;
                return { rows, viaInsert };
            }
            catch (err) {
                if (lostConnection(err) && this.reconnects < MAX_RECONNECTS) {
                    const rows = await this.replaceLost(worker, job, err);
                    if (rows !== undefined)
                        return { rows, viaInsert };
                    continue;
                }
                const code = err.code;
                if (attempt >= MAX_ATTEMPTS || (code !== 'ER_LOCK_DEADLOCK' && code !== 'ER_LOCK_WAIT_TIMEOUT'))
                    throw err;
                await worker.conn.query('ROLLBACK');
                this.o.log.info(`chunk ${job.index} of ${wireToText(job.table)}: ${code}, trying again (${attempt})`);
            }
        }
    }
    /** The dump's session SETs that precede the chunk, on this connection, once each. */
    async replaySets(worker, job) {
        if (worker.replayed >= job.setVersion)
            return;
        for (; worker.replayed < job.setVersion; worker.replayed++)
            await worker.conn.query(this.o.sets[worker.replayed]);
        worker.session = undefined; // LOAD DATA's session reads the character set the SETs chose
    }
    async insert(worker, job) {
        const insert = worker.conn.query(job.sql.toString('latin1'));
        this.o.crashPoint('mid-chunk', worker.conn); // the INSERT is on the wire, nothing committed
        const [header] = (await insert);
        return header.affectedRows;
    }
    /** The chunk's rows as LOAD DATA LOCAL; undefined when it was rolled back for its INSERT to decide. */
    async loadData(worker, job) {
        const { conn } = worker;
        worker.session ??= await loadDataSession(conn);
        const { rowsAt, columns } = job.loadData;
        const sent = loadRows(conn, job.table, columns, job.sql.subarray(rowsAt), worker.session);
        this.o.crashPoint('mid-chunk', conn); // the statement and rows are on the wire, nothing committed
        const loaded = await sent;
        if (loaded.header === undefined) {
            this.disableLoadData(loaded.refused);
            await conn.query('ROLLBACK');
            return undefined;
        }
        if (loaded.header.warningStatus > 0 || loaded.header.affectedRows !== job.rows) {
            // Not read exactly as its INSERT would be: the INSERT decides (and errs as it would).
            this.o.notes.add('a chunk LOAD DATA read with warnings or a different row count was loaded again as its INSERT');
            await conn.query('ROLLBACK');
            return undefined;
        }
        return loaded.header.affectedRows;
    }
    disableLoadData(why) {
        if (!this.loadDataEnabled)
            return;
        this.loadDataEnabled = false;
        this.o.notes.add(`rows are loaded as INSERT statements: the server refused LOAD DATA LOCAL (${why})`);
    }
    /**
     * A new connection for a lost one. Once the server has ended the lost session (it finishes what
     * was on the wire: a COMMIT sent still commits), the checkpoint says whether the chunk is in:
     * its rows when it is, undefined when it must be loaded again. Either way exactly once.
     */
    async replaceLost(worker, job, err) {
        this.reconnects++;
        const lostId = worker.conn.threadId;
        worker.conn.destroy();
        this.o.log.warning(`loading connection ${lostId} was lost during chunk ${job.index} of ${wireToText(job.table)} ` +
            `(${sqlMessage(err, this.o.secrets)}); reconnecting (${this.reconnects} of ${MAX_RECONNECTS})`);
        worker.conn = await this.connection();
        worker.session = undefined;
        worker.replayed = 0;
        const waitMs = this.o.busyWaitMs;
        if ((await sessionsLeft(worker.conn, `ID = ${Number(lostId)}`, waitMs)).length)
            throw new RestoreError(`the lost loading session ${lostId} is still on the server after ${waitMs / 1000} s`);
        return committedChunk(worker.conn, job.table, job.index);
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/chunker.js
// The row chunker: consecutive row groups of one table (same INSERT prefix) joined into one chunk of
// at most chunkBytes — one INSERT, one transaction, one checkpoint — and handed to the pool. On a
// resume, a chunk its checkpoint says is in is skipped after its CRC proves it is the same bytes.




const chunker_COMMA = Buffer.from(',');
/** The chunk's statement: its prefix, then the row groups joined by commas. */
function chunkSql(prefix, parts) {
    const all = [prefix];
    parts.forEach((b, i) => {
        if (i > 0)
            all.push(chunker_COMMA);
        all.push(b);
    });
    return Buffer.concat(all);
}
class RowChunker {
    o;
    /** Chunks skipped because the interrupted run committed them. */
    skipped = 0;
    pending;
    constructor(o) {
        this.o = o;
    }
    async add(piece) {
        if (!/^INSERT\s+INTO/i.test(piece.prefix.subarray(0, 16).toString('latin1')))
            this.o.tables.of(piece.table).uncounted = true;
        const p = this.pending;
        if (p &&
            (p.table !== piece.table ||
                !p.prefix.equals(piece.prefix) ||
                p.bytes + piece.rows.length + 1 > this.o.chunkBytes))
            await this.flush();
        this.o.reached(piece.table);
        this.pending ??= {
            table: piece.table,
            prefix: piece.prefix,
            parts: [],
            bytes: piece.prefix.length,
            rows: 0,
            offset: piece.offset,
            plain: true,
        };
        const chunk = this.pending;
        chunk.plain &&= piece.plain;
        chunk.parts.push(piece.rows);
        chunk.bytes += piece.rows.length + 1;
        chunk.rows += piece.rowCount;
    }
    /** Hands the chunk being gathered to the pool (or skips it when it is already in). */
    async flush() {
        const p = this.pending;
        if (!p)
            return;
        this.pending = undefined;
        const t = this.o.tables.of(p.table);
        const index = t.chunks++;
        const sql = chunkSql(p.prefix, p.parts);
        const crc = (0,external_node_zlib_.crc32)(sql);
        t.expectedRows += p.rows;
        t.bytes += sql.length;
        const done = this.o.checkpoints.get(p.table)?.get(index);
        if (done) {
            if (done.crc !== crc)
                throw new errors_ConfigurationError(`chunk ${index} of table \`${wireToText(p.table)}\` differs from the one the interrupted restore ` +
                    `loaded: this is not the same dump; restore with if-exists: drop`);
            t.appliedRows += done.rows;
            this.skipped++;
            return;
        }
        const columns = p.plain ? loadDataColumns(p.prefix) : undefined;
        await this.o.pool.submit({
            table: p.table,
            index,
            sql,
            rows: p.rows,
            crc,
            offset: p.offset,
            setVersion: this.o.sets.length,
            ...(columns !== undefined ? { loadData: { rowsAt: p.prefix.length, columns } } : {}),
        });
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/deferred-indexes.js
class DeferredIndexes {
    builder;
    pool;
    tables;
    /** Secondary indexes held back from each table's CREATE TABLE. */
    keys = new Map();
    /** The table the stream is at (its DDL or its rows). */
    current;
    complete = new Set();
    waits = [];
    constructor(builder, pool, tables) {
        this.builder = builder;
        this.pool = pool;
        this.tables = tables;
    }
    get size() {
        return this.keys.size;
    }
    hold(table, keys) {
        this.keys.set(table, keys);
    }
    /** The stream reached `table`: the table before it is complete. */
    reached(table) {
        if (this.current !== undefined && this.current !== table)
            this.tableComplete(this.current);
        this.current = table;
    }
    /** The dump has ended: every table is complete; waits for every build. */
    async finish() {
        for (const table of this.keys.keys())
            this.tableComplete(table);
        await Promise.all(this.waits);
        await this.builder.finish();
    }
    tableComplete(table) {
        if (this.complete.has(table))
            return;
        this.complete.add(table);
        const keys = this.keys.get(table);
        if (!keys)
            return;
        this.waits.push(this.pool.tableDone(table).then(() => this.builder.add(table, keys, this.tables.of(table).bytes), () => undefined));
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/indexes.js


class IndexBuilder {
    options;
    ready = [];
    workers = [];
    waiters = [];
    closed = false;
    failure;
    /** Tables given indexes, and the wall time from the first ALTER to the last one's end. */
    tablesAltered = 0;
    firstStart = 0;
    lastEnd = 0;
    constructor(options) {
        this.options = options;
    }
    get error() {
        return this.failure;
    }
    /** Seconds between the first index build's start and the last one's end (0 if none ran). */
    get seconds() {
        return this.firstStart ? (this.lastEnd - this.firstStart) / 1000 : 0;
    }
    /** `table`'s rows are all in: its indexes can be built. */
    add(table, keys, bytes) {
        if (this.closed || this.failure)
            return;
        this.ready.push({ table, keys, bytes });
        // Connections are opened as tables become ready, up to the limit.
        if (this.workers.length < this.options.connections)
            this.workers.push(this.work());
        this.wake();
    }
    /** No table will be added any more: wait for the builds, and fail with the first error. */
    async finish() {
        this.closed = true;
        this.wake();
        await Promise.all(this.workers);
        if (this.failure)
            throw this.failure;
    }
    /** Stop taking tables (the restore failed elsewhere); builds under way end with their statement. */
    abort() {
        this.closed = true;
        this.ready.length = 0;
        this.wake();
    }
    async work() {
        let conn;
        try {
            for (;;) {
                const next = await this.take();
                if (!next)
                    return;
                conn ??= await this.options.connect();
                await this.build(conn, next);
            }
        }
        catch (err) {
            this.failure ??= err instanceof Error ? err : new Error(String(err));
            this.abort();
        }
        finally {
            await conn?.end().catch(() => undefined);
        }
    }
    async take() {
        for (;;) {
            if (this.failure)
                return undefined;
            if (this.ready.length) {
                let at = 0;
                for (let i = 1; i < this.ready.length; i++)
                    if (this.ready[i].bytes > this.ready[at].bytes)
                        at = i;
                return this.ready.splice(at, 1)[0];
            }
            if (this.closed)
                return undefined;
            await new Promise((resolve) => this.waiters.push(resolve));
        }
    }
    async build(conn, { table, keys }) {
        try {
            const [have] = (await conn.query('SELECT DISTINCT INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [this.options.database, wireToText(table)]));
            const present = new Set(have.map((r) => r.n));
            const missing = keys.filter((k) => !present.has(wireToText(keyName(k))));
            if (!missing.length)
                return;
            this.firstStart ||= Date.now();
            const q = conn.query(`ALTER TABLE ${quoteIdentifier(table)} ${missing.map((k) => `ADD ${k}`).join(', ')}`);
            this.options.onStatementSent?.();
            await q;
            this.tablesAltered++;
            this.lastEnd = Date.now();
        }
        catch (err) {
            throw this.options.failed(table, err);
        }
    }
    wake() {
        for (const w of this.waiters.splice(0))
            w();
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/pool.js
// ChunkPool: the bounded hand-over between the dump reader and the N loading connections. The
// reader waits when the queued bytes reach the limit, so memory does not grow with the dump. By
// default any free connection takes the next chunk, so the table holding most rows is loaded by every
// connection at once; with spreadTables false a table's chunks go one at a time, in dump order (on a
// shared 2-core machine the two modes measured the same server CPU per dump, within the noise).
class ChunkPool {
    limitBytes;
    spreadTables;
    queue = [];
    queued = 0;
    inFlight = 0;
    busy = new Set();
    closed = false;
    failure;
    spaceWaiters = [];
    jobWaiters = [];
    idleWaiters = [];
    /** Chunks submitted and not yet done, by table, and who waits for a table to have none. */
    perTable = new Map();
    tableWaiters = new Map();
    /** Milliseconds the reader waited for room (the connections were behind). */
    readerWaitMs = 0;
    /** Milliseconds connections waited for a chunk, summed (the reader was behind). */
    loaderWaitMs = 0;
    constructor(limitBytes, 
    /** Let several connections load chunks of the same table at once. */
    spreadTables = false) {
        this.limitBytes = limitBytes;
        this.spreadTables = spreadTables;
    }
    get error() {
        return this.failure;
    }
    async submit(job) {
        if (!this.failure && this.queued > 0 && this.queued + job.sql.length > this.limitBytes) {
            const t0 = Date.now();
            while (!this.failure && this.queued > 0 && this.queued + job.sql.length > this.limitBytes)
                await new Promise((resolve) => this.spaceWaiters.push(resolve));
            this.readerWaitMs += Date.now() - t0;
        }
        if (this.failure)
            throw this.failure;
        this.inFlight++;
        this.perTable.set(job.table, (this.perTable.get(job.table) ?? 0) + 1);
        this.queue.push(job);
        this.queued += job.sql.length;
        this.dispatch();
    }
    /** The next job for a connection; null once the pool is closed and empty, or has failed. */
    take() {
        if (this.failure)
            return Promise.resolve(null);
        const job = this.next();
        if (job)
            return Promise.resolve(job);
        if (this.closed && this.queue.length === 0)
            return Promise.resolve(null);
        const t0 = Date.now();
        return new Promise((resolve) => this.jobWaiters.push((job) => {
            if (job)
                this.loaderWaitMs += Date.now() - t0;
            resolve(job);
        }));
    }
    /** A connection finished a job it took. */
    done(job) {
        this.busy.delete(job.table);
        this.inFlight--;
        const left = (this.perTable.get(job.table) ?? 1) - 1;
        if (left > 0)
            this.perTable.set(job.table, left);
        else {
            this.perTable.delete(job.table);
            this.wake(this.tableWaiters.get(job.table) ?? []);
            this.tableWaiters.delete(job.table);
        }
        if (this.inFlight === 0)
            this.wake(this.idleWaiters);
        this.dispatch();
    }
    /** Every submitted job has been applied (or the pool failed). */
    async drain() {
        while (this.inFlight > 0 && !this.failure)
            await new Promise((resolve) => this.idleWaiters.push(resolve));
        if (this.failure)
            throw this.failure;
    }
    /** Every chunk submitted so far for `table` has been applied (or the pool failed). */
    async tableDone(table) {
        while (!this.failure && (this.perTable.get(table) ?? 0) > 0) {
            const list = this.tableWaiters.get(table) ?? [];
            this.tableWaiters.set(table, list);
            await new Promise((resolve) => list.push(resolve));
        }
        if (this.failure)
            throw this.failure;
    }
    close() {
        this.closed = true;
        this.dispatch();
    }
    fail(err) {
        this.failure ??= err;
        this.queue = [];
        this.queued = 0;
        this.wake(this.spaceWaiters);
        this.wake(this.idleWaiters);
        for (const list of this.tableWaiters.values())
            this.wake(list);
        this.tableWaiters.clear();
        this.closed = true;
        for (const w of this.jobWaiters.splice(0))
            w(null);
    }
    /** The first queued job whose table no connection is loading; marks that table busy. */
    next() {
        const at = this.spreadTables ? 0 : this.queue.findIndex((j) => !this.busy.has(j.table));
        if (at === 0 && this.queue.length === 0)
            return undefined;
        if (at < 0)
            return undefined;
        const [job] = this.queue.splice(at, 1);
        this.busy.add(job.table);
        this.queued -= job.sql.length;
        this.wake(this.spaceWaiters);
        return job;
    }
    dispatch() {
        while (this.jobWaiters.length) {
            const job = this.next();
            if (!job)
                break;
            this.jobWaiters.shift()(job);
        }
        if (this.closed && this.queue.length === 0)
            for (const w of this.jobWaiters.splice(0))
                w(null);
    }
    wake(list) {
        for (const w of list.splice(0))
            w();
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/progress.js
function formatBytes(n) {
    if (n >= 1e9)
        return `${(n / 1e9).toFixed(2)} GB`;
    if (n >= 1e6)
        return `${(n / 1e6).toFixed(1)} MB`;
    if (n >= 1e3)
        return `${(n / 1e3).toFixed(1)} kB`;
    return `${n} B`;
}
function formatDuration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
class ProgressReporter {
    source;
    log;
    intervalMs;
    timer;
    rows = 0;
    started = Date.now();
    sqlBytes = () => 0;
    constructor(source, log, intervalMs) {
        this.source = source;
        this.log = log;
        this.intervalMs = intervalMs;
    }
    rowsApplied(n) {
        this.rows += n;
    }
    start(sqlBytes) {
        this.sqlBytes = sqlBytes;
        if (this.intervalMs > 0) {
            this.timer = setInterval(() => this.log.info(this.line()), this.intervalMs);
            this.timer.unref();
        }
    }
    stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
    }
    line() {
        const elapsed = Math.max(0.001, (Date.now() - this.started) / 1000);
        const read = this.source.bytesRead;
        const total = this.source.size;
        const fraction = total > 0 ? Math.min(1, read / total) : 0;
        const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : NaN;
        return (`progress: ${(fraction * 100).toFixed(1)}% (${formatBytes(read)} of ${formatBytes(total)} read), ` +
            `${this.rows.toLocaleString('en')} rows (${Math.round(this.rows / elapsed).toLocaleString('en')} rows/s), ` +
            `${(this.sqlBytes() / 1e6 / elapsed).toFixed(1)} MB/s of SQL, ` +
            `ETA ${Number.isFinite(eta) ? formatDuration(eta) : 'unknown'}`);
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/statement-router.js





class StatementRouter {
    o;
    postData = [];
    /** Tables whose CREATE TABLE this run executed. */
    createdTables = [];
    constructor(o) {
        this.o = o;
    }
    async route(sql, offset) {
        await this.o.chunker.flush();
        const kind = classifyStatement(sql);
        switch (kind.kind) {
            case 'set': {
                const text = sql.toString('latin1');
                this.o.sets.push(text);
                await this.runControl(text, offset);
                return;
            }
            case 'skip':
                this.o.notes.add(`skipped: ${kind.reason}`);
                return;
            case 'table-ddl':
                await this.tableDdl(sql, offset, kind.table, kind.create);
                return;
            case 'post-data':
                this.holdPostData(sql, offset, kind.trigger);
                return;
            case 'other':
                await this.o.pool.drain();
                await this.runControl(mapCollations(sql.toString('latin1'), this.o.collations), offset);
                return;
        }
    }
    async tableDdl(sql, offset, table, create) {
        const { o } = this;
        o.deferred.reached(table);
        if (CHECKPOINT_TABLES.includes(table))
            throw new errors_ConfigurationError(`the dump has a table named ${table}, which the restore uses for its checkpoints`);
        let text = mapCollations(sql.toString('latin1'), o.collations);
        if (create) {
            o.tables.of(table).autoIncrement = autoIncrementOf(text);
            if (o.deferIndexes) {
                const split = splitSecondaryKeys(text);
                text = split.sql;
                if (split.keys.length)
                    o.deferred.hold(table, split.keys);
            }
        }
        if (o.checkpoints.has(table))
            return; // rows of it are in: its DDL ran in the interrupted run
        if (create) {
            const engine = mapEngine(text);
            if (engine.changed)
                o.notes.add('MyISAM/Aria tables are created as InnoDB, so that their loading can be resumed exactly');
            text = engine.sql;
            this.createdTables.push(table);
            if (o.resumed)
                await this.runControl(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`, offset);
        }
        await this.runControl(text, offset);
    }
    holdPostData(sql, offset, trigger) {
        const original = sql.toString('latin1');
        const text = rewriteDefiner(mapCollations(original, this.o.collations), this.o.definer);
        if (text !== original && /DEFINER/i.test(sql.subarray(0, 400).toString('latin1')))
            this.o.notes.add(this.o.definer === 'rewrite'
                ? 'DEFINER clauses are rewritten to CURRENT_USER (the restoring user)'
                : 'DEFINER clauses are dropped');
        this.postData.push({
            sql: text.trim(),
            offset,
            setVersion: this.o.sets.length,
            ...(trigger ? { trigger } : {}),
        });
    }
    async runControl(sql, offset) {
        const q = this.o.control.query(sql);
        this.o.crashPoint(/^\s*(?:\/\*!\d+\s*)?SET\b/i.test(sql) ? 'set' : 'mid-ddl'); // the statement is on the wire
        try {
            await q;
        }
        catch (err) {
            throw new RestoreError(`the statement at dump byte ${offset} (${preview(sql)}) failed: ${sqlMessage(err, this.o.secrets)}`);
        }
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/tables.js

/** Tables by their name as the dump's bytes spell it (latin1 text of the wire bytes). */
class TableLedger {
    tables = new Map();
    of(name) {
        let t = this.tables.get(name);
        if (!t) {
            t = { chunks: 0, expectedRows: 0, appliedRows: 0, bytes: 0, ms: 0, uncounted: false };
            this.tables.set(name, t);
        }
        return t;
    }
    /** Counted tables whose loaded rows differ from the dump's. */
    miscounted() {
        return [...this.tables.entries()].filter(([, t]) => !t.uncounted && t.expectedRows !== t.appliedRows);
    }
    stats() {
        return [...this.tables.entries()].map(([name, t]) => ({
            table: wireToText(name),
            rows: t.expectedRows,
            bytes: t.bytes,
            seconds: t.ms / 1000,
        }));
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/load.js












async function loadDump(stage) {
    const { log } = stage;
    const parts = assemble(stage);
    const { pool, progress, loader, indexes, deferred, chunker, router } = parts;
    try {
        await loader.start(stage.options.parallel ?? 2);
        progress.start(() => parts.read.bytes);
        await log.group(`loading ${stage.source.name} into ${stage.options.database}`, () => streamDump(stage, parts));
        progress.stop();
        if (deferred.size) {
            await log.group(`secondary indexes of ${deferred.size} table(s)`, async () => {
                await deferred.finish();
                log.info(`${indexes.tablesAltered} table(s) given their indexes in ${indexes.seconds.toFixed(1)} s, ` +
                    'each as soon as its rows were in');
            });
        }
        return {
            sqlBytes: parts.read.bytes,
            tables: parts.tables,
            sets: parts.sets,
            postData: router.postData,
            createdTables: router.createdTables,
            chunksApplied: loader.applied,
            chunksSkipped: chunker.skipped,
            chunksLoadData: loader.viaLoadData,
            indexedTables: indexes.tablesAltered,
            waits: { reader: pool.readerWaitMs / 1000, connections: pool.loaderWaitMs / 1000 },
        };
    }
    finally {
        progress.stop();
        pool.fail(new Error('restore ended'));
    }
}
/** The parts of the stage, wired to each other (nothing connects or reads yet). */
function assemble(stage) {
    const { options, target, log, notes, crashPoint, secrets, connections } = stage;
    const db = options.database;
    const parallel = options.parallel ?? 2;
    const sets = [];
    const tables = new TableLedger();
    const pool = new ChunkPool(Math.max(2, parallel) * (options.chunkBytes ?? DEFAULT_CHUNK), options.spreadTables ?? true);
    const progress = new ProgressReporter(stage.source, log, options.progressIntervalMs ?? 30_000);
    const loader = new ChunkLoader({
        pool,
        connections,
        database: db,
        sets,
        tables,
        progress,
        crashPoint,
        notes,
        log,
        secrets,
        busyWaitMs: options.busyWaitMs ?? 60_000,
        loadData: options.loadData ?? true,
    });
    const indexes = new IndexBuilder({
        connect: () => connections.open(db, { setup: true }),
        connections: Math.max(1, parallel),
        database: db,
        onStatementSent: () => crashPoint('mid-index'),
        failed: (table, err) => new RestoreError(`adding the indexes of ${wireToText(table)} failed: ${sqlMessage(err, secrets)}`),
    });
    const deferred = new DeferredIndexes(indexes, pool, tables);
    const chunker = new RowChunker({
        pool,
        tables,
        sets,
        checkpoints: target.checkpoints,
        chunkBytes: target.chunkBytes,
        reached: (table) => deferred.reached(table),
    });
    const router = new StatementRouter({
        control: stage.control,
        pool,
        chunker,
        deferred,
        tables,
        sets,
        notes,
        crashPoint,
        secrets,
        checkpoints: target.checkpoints,
        resumed: target.resumed,
        deferIndexes: target.deferIndexes,
        collations: new Map(Object.entries(options.collations ?? {})),
        definer: options.definer ?? 'rewrite',
    });
    return { pool, progress, tables, sets, loader, indexes, deferred, chunker, router, read: { bytes: 0 } };
}
/** Reads the dump to its end, handing each piece on; on a failure stops the loaders and the builds. */
async function streamDump(stage, parts) {
    const { pool, indexes, chunker, router, loader, read } = parts;
    const splitter = new DumpSplitter({ rowGroupBytes: stage.target.chunkBytes });
    const handle = async (pieces) => {
        for (const piece of pieces) {
            if (pool.error)
                throw pool.error;
            if (indexes.error)
                throw indexes.error;
            if (piece.kind === 'rows')
                await chunker.add(piece);
            else
                await router.route(piece.sql, piece.offset);
        }
    };
    try {
        read.bytes += stage.head.head.length;
        await handle(splitter.push(stage.head.head));
        if (!stage.head.streamDone)
            for (let next = await stage.stream.next(); !next.done; next = await stage.stream.next()) {
                read.bytes += next.value.length;
                await handle(splitter.push(next.value));
            }
        await handle(splitter.end());
        await chunker.flush();
    }
    catch (err) {
        pool.fail(err instanceof Error ? err : new Error(String(err)));
        indexes.abort();
        await loader.settled();
        if (err instanceof DumpFormatError)
            throw new RestoreError(`${err.message}; chunks loaded so far are kept for if-exists: resume`);
        throw err;
    }
    pool.close();
    await loader.finished();
    if (pool.error) {
        indexes.abort();
        throw pool.error;
    }
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/post-data.js



async function runPostData(items, sets, run) {
    if (!items.length)
        return;
    await run.log.group(`views, triggers and routines (${items.length} statements)`, async () => {
        const conn = await run.connections.open(run.database, { setup: true });
        let replayed = 0;
        for (const item of items) {
            for (; replayed < item.setVersion; replayed++)
                await conn.query(sets[replayed]);
            try {
                // CREATE TRIGGER has no OR REPLACE in mysqldump output; dropping first makes a resume safe.
                if (item.trigger)
                    await conn.query(`DROP TRIGGER IF EXISTS ${quoteIdentifier(item.trigger)}`);
                const q = conn.query(item.sql);
                run.crashPoint('post-data');
                await q;
            }
            catch (err) {
                throw new RestoreError(`the statement at dump byte ${item.offset} (${preview(item.sql)}) failed: ${sqlMessage(err, run.secrets)}`);
            }
        }
    });
}
/** How many of the held statements create a view. */
function countViews(items) {
    return items.filter((p) => {
        const sql = Buffer.from(p.sql, 'latin1');
        return /\bVIEW\b/i.test(statementHead(sql, 300)) && /^CREATE/i.test(statementHead(sql, 20));
    }).length;
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: ../../packages/core/dist/aws/client-config.js
/**
 * The client configuration every SDK client of the suite is built with. Clients used by one action
 * only (EC2 for the runner, S3 for restores) are built from this by their module, so the other
 * bundles do not carry them.
 */
function awsClientConfig(options) {
    return {
        region: options.region,
        maxAttempts: options.maxAttempts ?? 8,
        ...(options.retryStrategy
            ? { retryStrategy: options.retryStrategy }
            : { retryMode: options.retryMode ?? 'adaptive' }),
    };
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/source.js
// Where a dump comes from: a local file, or an S3 object read with GetObject and, when the connection
// drops mid-body, re-requested from the byte reached (HTTP Range, RFC 9110 §14) with If-Match on the
// ETag, so a changed object is refused rather than spliced.





class DumpSourceError extends Error {
    name = 'DumpSourceError';
}
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
function parseSource(spec) {
    if (spec.startsWith('s3://')) {
        const m = S3_URL.exec(spec);
        if (!m)
            throw new errors_ConfigurationError(`source "${spec}" is not s3://bucket/key`);
        return { kind: 's3', bucket: m[1], key: m[2] };
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
        throw new errors_ConfigurationError(`source "${spec}": only s3://bucket/key or a file path are read`);
    return { kind: 'file', path: spec };
}
async function openDumpSource(spec, options = {}) {
    const parsed = parseSource(spec);
    return parsed.kind === 'file' ? fileSource(parsed.path) : s3Source(parsed.bucket, parsed.key, options);
}
async function fileSource(path) {
    let info;
    try {
        info = await (0,promises_.stat)(path);
    }
    catch (err) {
        throw new errors_ConfigurationError(`source ${path} cannot be read: ${err.message}`);
    }
    if (!info.isFile())
        throw new errors_ConfigurationError(`source ${path} is not a file`);
    let read = 0;
    return {
        name: path,
        size: info.size,
        version: `${info.size}-${info.mtimeMs}`,
        get bytesRead() {
            return read;
        },
        open: () => {
            read = 0;
            const stream = (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1024 * 1024 });
            return (async function* () {
                for await (const chunk of stream) {
                    read += chunk.length;
                    yield chunk;
                }
            })();
        },
        close: () => { },
    };
}
async function s3Source(bucket, key, options) {
    const { S3Client, HeadObjectCommand, GetObjectCommand } = await __nccwpck_require__.e(/* import() */ 299).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8299, 19));
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region)
        throw new errors_ConfigurationError('reading from S3 needs a region: set AWS_REGION');
    const client = new S3Client(awsClientConfig({ region }));
    const name = `s3://${bucket}/${key}`;
    let head;
    try {
        head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    }
    catch (err) {
        client.destroy();
        const e = err;
        const status = e.$metadata?.httpStatusCode;
        if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey')
            throw new errors_ConfigurationError(`source ${name} does not exist`);
        if (status === 403)
            throw new errors_ConfigurationError(`source ${name}: access denied (the role needs s3:GetObject on it)`);
        throw new DumpSourceError(`reading ${name} failed: ${e.name ?? 'error'}: ${e.message ?? String(err)}`);
    }
    const size = head.ContentLength ?? 0;
    const etag = head.ETag;
    const maxResumes = options.maxResumes ?? 8;
    const log = options.log ?? (() => { });
    let read = 0;
    return {
        name,
        size,
        version: etag ?? `${size}`,
        get bytesRead() {
            return read;
        },
        open: () => {
            read = 0;
            return (async function* () {
                let drops = 0;
                while (read < size) {
                    let body;
                    try {
                        const out = await client.send(new GetObjectCommand({
                            Bucket: bucket,
                            Key: key,
                            ...(read > 0 ? { Range: `bytes=${read}-` } : {}),
                            ...(etag ? { IfMatch: etag } : {}),
                        }));
                        body = out.Body;
                    }
                    catch (err) {
                        const e = err;
                        if (e.name === 'PreconditionFailed')
                            throw new DumpSourceError(`${name} changed while it was being read (its ETag is no longer ${etag})`);
                        throw new DumpSourceError(`GetObject ${name} at byte ${read} failed: ${e.name}: ${e.message}`);
                    }
                    try {
                        for await (const chunk of body) {
                            read += chunk.length;
                            yield chunk;
                        }
                        if (read < size)
                            throw new Error(`the body ended at byte ${read} of ${size}`);
                    }
                    catch (err) {
                        body.destroy();
                        if (++drops > maxResumes)
                            throw new DumpSourceError(`reading ${name} failed after ${maxResumes} re-requests at byte ${read}: ${err.message}`);
                        log(`the connection reading ${name} dropped at byte ${read} (${err.message}); re-requesting from there`);
                    }
                }
            })();
        },
        close: () => client.destroy(),
    };
}
/** SHA-256 of the first MiB of the decompressed dump: names the dump for a resume. */
function dumpFingerprint(head) {
    return (0,external_node_crypto_.createHash)('sha256').update(head).digest('hex');
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/verify.js



/** The target's tables, named as the dump's bytes spell them. */
async function presentTables(control, db) {
    const [rows] = (await control.query('SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [db]));
    return new Set(rows.map((r) => Buffer.from(r.n, 'utf8').toString('latin1')));
}
/**
 * Throws when a table of the dump is missing or holds other row counts; returns every table of the
 * dump (created by this run or by the interrupted one).
 */
function verifyTables(present, createdTables, checkpoints, tables) {
    const all = [...new Set([...createdTables, ...checkpoints.keys()])];
    const missing = all.filter((t) => !present.has(t));
    if (missing.length)
        throw new RestoreError(`verification failed: table(s) of the dump missing after the restore: ${missing.map(wireToText).join(', ')}`);
    const wrong = tables.miscounted();
    if (wrong.length)
        throw new RestoreError('verification failed: rows loaded differ from rows in the dump: ' +
            wrong
                .map(([n, t]) => `${wireToText(n)} (dump ${t.expectedRows}, loaded ${t.appliedRows})`)
                .join(', '));
    return all;
}
/**
 * A chunk rolled back by the crash may have moved an AUTO_INCREMENT counter: put it where a clean
 * restore leaves it (InnoDB never sets it below the largest key + 1).
 */
async function resetAutoIncrements(control, tables, present) {
    for (const [name, t] of tables.tables)
        if (t.autoIncrement !== undefined && present.has(name))
            await control.query(`ALTER TABLE ${quoteIdentifier(name)} AUTO_INCREMENT = ${t.autoIncrement}`);
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/restore.js
















async function restoreDatabase(options) {
    checkOptions(options);
    const log = options.log ?? quietLogger;
    const secrets = [options.server.password, options.appUser?.password ?? ''];
    for (const s of secrets)
        log.mask(s);
    const started = Date.now();
    const run = { log, secrets, notes: new Notes(log), crashPoint: crashPointReporter(options.onCrashPoint) };
    const source = await openDumpSource(options.source, { region: options.region, log: (l) => log.info(l) });
    const stream = decompress(source.open(), () => source.bytesRead)[Symbol.asyncIterator]();
    const connections = new Connections(options.server, log, secrets);
    try {
        const head = await readHead(stream);
        checkLooksLikeSql(head.head, source);
        const control = await connections.open();
        const target = await prepareTarget(control, options, head.head, source, log);
        const loaded = await loadDump({ ...run, options, control, connections, target, source, stream, head });
        await runPostData(loaded.postData, loaded.sets, { ...run, connections, database: options.database });
        const present = await presentTables(control, options.database);
        const tables = verifyTables(present, loaded.createdTables, target.checkpoints, loaded.tables);
        run.crashPoint('verified');
        if (target.resumed)
            await resetAutoIncrements(control, loaded.tables, present);
        await grantAccounts({ control, log, secrets }, options);
        await siteFixups({ control, log, secrets }, options);
        run.crashPoint('before-cleanup');
        await dropCheckpointTables(control);
        const result = restoreResult(options, source, target, loaded, {
            tables: tables.length,
            notes: run.notes.list(),
            seconds: (Date.now() - started) / 1000,
        });
        log.info(resultLine(result, loaded));
        return result;
    }
    finally {
        await stream.return?.(undefined).catch(() => undefined);
        source.close();
        connections.closeAll();
    }
}
/**
 * The target database decided before any dump statement runs (create, refuse, drop or resume), the
 * chunk size kept within the server's max_allowed_packet, and the control session set up.
 */
async function prepareTarget(control, options, head, source, log) {
    const db = options.database;
    const [[packetRow]] = (await control.query('SELECT @@max_allowed_packet AS p'));
    const maxPacket = Number(packetRow.p);
    const identity = {
        fingerprint: dumpFingerprint(head.subarray(0, HEAD_BYTES)),
        source: source.name,
        sourceVersion: source.version,
        compressedSize: source.size,
        deferIndexes: options.deferIndexes ?? true,
    };
    const target = await prepareDatabase(control, db, options.ifExists ?? 'fail', identity, {
        chunkBytes: Math.min(options.chunkBytes ?? DEFAULT_CHUNK, Math.max(1024, maxPacket - 65536)),
        busyWaitMs: options.busyWaitMs ?? 60_000,
        log,
    });
    if (target.resumed) {
        const chunks = [...target.checkpoints.values()].reduce((n, c) => n + c.size, 0);
        log.info(`resuming the restore of ${db}: ${chunks} chunk(s) of ${target.checkpoints.size} table(s) are in; ` +
            'the dump is read again from the start and those chunks are skipped');
    }
    await control.query(`USE ${quoteIdentifier(db)}`);
    for (const sql of SESSION_SETUP)
        await control.query(sql);
    return target;
}
function restoreResult(options, source, target, loaded, run) {
    const stats = loaded.tables.stats();
    return {
        database: options.database,
        source: source.name,
        tables: run.tables,
        rows: stats.reduce((n, t) => n + t.rows, 0),
        bytes: loaded.sqlBytes,
        compressedBytes: source.bytesRead,
        seconds: run.seconds,
        resumed: target.resumed,
        chunks: loaded.chunksApplied + loaded.chunksSkipped,
        skippedChunks: loaded.chunksSkipped,
        loadDataChunks: loaded.chunksLoadData,
        indexedTables: loaded.indexedTables,
        waits: loaded.waits,
        views: countViews(loaded.postData),
        postDataStatements: loaded.postData.length,
        notes: run.notes,
        slowest: stats.sort((a, b) => b.seconds - a.seconds).slice(0, 10),
    };
}
function resultLine(r, loaded) {
    return (`restored ${r.database}: ${r.tables} tables, ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB of SQL ` +
        `in ${r.seconds.toFixed(1)} s${r.resumed ? ` (resumed: ${r.skippedChunks} chunk(s) skipped)` : ''}; ` +
        `${r.loadDataChunks} of ${loaded.chunksApplied} chunk(s) as LOAD DATA; the reader waited ${r.waits.reader.toFixed(1)} s ` +
        `for the connections, the connections ${r.waits.connections.toFixed(1)} s for the reader`);
}

;// CONCATENATED MODULE: ../../packages/core/dist/restore/summary.js
// The step summary of a restore: totals per database and the slowest tables.

function restoreSummaryMarkdown(results) {
    const lines = [
        '### Database restore',
        '',
        '| database | source | tables | rows | SQL | time | resumed |',
        '|---|---|---:|---:|---:|---:|---|',
    ];
    for (const r of results)
        lines.push(`| ${r.database} | ${r.source} | ${r.tables} | ${r.rows.toLocaleString('en')} | ${formatBytes(r.bytes)} | ` +
            `${formatDuration(r.seconds)} | ${r.resumed ? `yes (${r.skippedChunks} of ${r.chunks} chunks were in)` : 'no'} |`);
    for (const r of results) {
        if (!r.slowest.length)
            continue;
        lines.push('', `Slowest tables of ${r.database}:`, '', '| table | rows | SQL | loading time |', '|---|---:|---:|---:|');
        for (const t of r.slowest)
            lines.push(`| ${t.table} | ${t.rows.toLocaleString('en')} | ${formatBytes(t.bytes)} | ${t.seconds.toFixed(1)} s |`);
    }
    const notes = [...new Set(results.flatMap((r) => r.notes))];
    if (notes.length)
        lines.push('', 'Notes:', '', ...notes.map((n) => `- ${n}`));
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/main.ts
// restore-db: inputs → restoreDatabase for the Moodle database (and MIM when given) → outputs and a
// step summary. Passwords are masked before anything is logged.


const INPUTS = {
    source: 'source',
    database: 'database',
    dbHost: 'db-host',
    dbPort: 'db-port',
    adminUser: 'admin-user',
    adminPassword: 'admin-password',
    appUser: 'app-user',
    appPassword: 'app-password',
    readonlyUsers: 'readonly-users',
    parallel: 'parallel',
    ifExists: 'if-exists',
    postRestoreSql: 'post-restore-sql',
    withoutMim: 'without-mim',
    mimSource: 'mim-source',
    mimDatabase: 'mim-database',
    definer: 'definer',
    mapCollation: 'map-collation',
    chunkMb: 'chunk-mb',
    deferIndexes: 'defer-indexes',
    loadData: 'load-data',
    progressSeconds: 'progress-seconds',
};
const OUTPUTS = { tables: 'tables', rows: 'rows', bytes: 'bytes', seconds: 'seconds' };
function required(name) {
    const v = optionalInput(name);
    if (!v)
        throw new errors_ConfigurationError(`input ${name} is required`);
    return v;
}
function getInputs() {
    // Secrets first: nothing may be logged before they are masked.
    const adminPassword = getInput(INPUTS.adminPassword);
    const appPassword = getInput(INPUTS.appPassword);
    if (adminPassword)
        setSecret(adminPassword);
    if (appPassword)
        setSecret(appPassword);
    if (!adminPassword)
        throw new errors_ConfigurationError(`input ${INPUTS.adminPassword} is required`);
    const appUser = optionalInput(INPUTS.appUser);
    if (appUser && !appPassword)
        throw new errors_ConfigurationError(`input ${INPUTS.appPassword} is required with ${INPUTS.appUser}`);
    const mimSource = optionalInput(INPUTS.mimSource);
    const mimDatabase = optionalInput(INPUTS.mimDatabase);
    if (Boolean(mimSource) !== Boolean(mimDatabase))
        throw new errors_ConfigurationError(`inputs ${INPUTS.mimSource} and ${INPUTS.mimDatabase} go together`);
    const withoutMim = booleanInput(INPUTS.withoutMim, false);
    if (withoutMim && mimSource)
        throw new errors_ConfigurationError(`${INPUTS.withoutMim}: true contradicts ${INPUTS.mimSource}`);
    return {
        source: required(INPUTS.source),
        database: required(INPUTS.database),
        host: required(INPUTS.dbHost),
        port: integerInput(INPUTS.dbPort, 3306, 1, 65535),
        adminUser: required(INPUTS.adminUser),
        adminPassword,
        appUser: appUser ? { account: parseAccount(appUser, INPUTS.appUser), password: appPassword } : undefined,
        readonlyUsers: listInput(INPUTS.readonlyUsers).map((u) => parseAccount(u, INPUTS.readonlyUsers)),
        parallel: integerInput(INPUTS.parallel, 2, 1, 64),
        ifExists: choiceInput(INPUTS.ifExists, ['fail', 'drop', 'resume'], 'fail'),
        postRestoreSql: optionalInput(INPUTS.postRestoreSql),
        withoutMim,
        mim: mimSource && mimDatabase ? { source: mimSource, database: mimDatabase } : undefined,
        definer: choiceInput(INPUTS.definer, ['rewrite', 'drop'], 'rewrite'),
        collations: parseCollationMap(listInput(INPUTS.mapCollation)),
        chunkBytes: integerInput(INPUTS.chunkMb, 8, 1, 256) * 1024 * 1024,
        deferIndexes: booleanInput(INPUTS.deferIndexes, true),
        loadData: booleanInput(INPUTS.loadData, true),
        progressSeconds: integerInput(INPUTS.progressSeconds, 30, 1, 3600),
    };
}
function run() {
    return runAction(async () => {
        const inputs = getInputs();
        const log = actionLogger();
        const common = {
            server: {
                host: inputs.host,
                port: inputs.port,
                user: inputs.adminUser,
                password: inputs.adminPassword,
            },
            parallel: inputs.parallel,
            ifExists: inputs.ifExists,
            definer: inputs.definer,
            collations: inputs.collations,
            chunkBytes: inputs.chunkBytes,
            deferIndexes: inputs.deferIndexes,
            loadData: inputs.loadData,
            readonlyUsers: inputs.readonlyUsers,
            progressIntervalMs: inputs.progressSeconds * 1000,
            ...(inputs.appUser ? { appUser: inputs.appUser } : {}),
            log,
        };
        const results = [];
        results.push(await restoreDatabase({
            ...common,
            source: inputs.source,
            database: inputs.database,
            ...(inputs.postRestoreSql ? { postRestoreSql: inputs.postRestoreSql } : {}),
            hidePorticoBlock: inputs.withoutMim,
        }));
        if (inputs.mim)
            results.push(await restoreDatabase({ ...common, ...inputs.mim }));
        const sum = (f) => results.reduce((n, r) => n + f(r), 0);
        setOutput(OUTPUTS.tables, String(sum((r) => r.tables)));
        setOutput(OUTPUTS.rows, String(sum((r) => r.rows)));
        setOutput(OUTPUTS.bytes, String(sum((r) => r.bytes)));
        setOutput(OUTPUTS.seconds, sum((r) => r.seconds).toFixed(1));
        await summary.addRaw(restoreSummaryMarkdown(results)).write();
    });
}


/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(3018);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
