// `npm run demo`'s restore part: a private MariaDB on loopback, a small generated Moodle-shaped dump,
// restored by restore-db's bundle run the way the Actions runner runs it (INPUT_* variables,
// GITHUB_OUTPUT and the other file-command files), killed once mid-way, resumed, and verified against a
// `mysql` client restore of the same dump by CHECKSUM TABLE.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { generateDump } from '../bench/restore/generate.mjs';
import {
  checksums,
  findProgram,
  INSTALL_HINT,
  rowCounts,
  sql,
  startServer,
} from '../bench/restore/server.mjs';
import { runnerNode } from '../bench/lib/runner-node.mjs';

const root = path.resolve(import.meta.dirname, '..');
const ACTION = path.join(root, 'actions/restore-db');
const BUNDLE = path.join(ACTION, 'dist/index.js');
const DUMP_BYTES = Number(process.env.DEMO_RESTORE_BYTES ?? 10e6);
const say = (line = '') => process.stdout.write(`${line}\n`);

function ensureMariaDb() {
  if (findProgram('mariadbd') && findProgram('mariadb')) return;
  // As root apt-get runs directly; any other user through password-less sudo (-n fails, never prompts).
  const asRoot =
    process.getuid?.() === 0
      ? []
      : spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0
        ? ['sudo', '-n']
        : undefined;
  if (asRoot) {
    say('mariadbd is missing: installing the Debian packages mariadb-server and mariadb-client');
    for (const args of [['update'], ['install', '-y', 'mariadb-server', 'mariadb-client']]) {
      const command = [...asRoot, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args];
      const r = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
    }
    return;
  }
  process.stderr.write(
    `the restore demo needs MariaDB and cannot install it (not root, no password-less sudo): as root, ${INSTALL_HINT}\n`,
  );
  process.exit(1);
}

const inputVariable = (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** The runner's environment for one step of restore-db: action.yml defaults, the inputs, file-command files. */
function runnerEnv(dir, inputs, step) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: 'example-org/moodle-build',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
  };
  for (const f of ['OUTPUT', 'STATE', 'ENV', 'PATH', 'STEP_SUMMARY']) {
    const file = path.join(dir, `${step}-github-${f.toLowerCase()}`);
    writeFileSync(file, '');
    env[`GITHUB_${f}`] = file;
  }
  const meta = parse(readFileSync(path.join(ACTION, 'action.yml'), 'utf8'));
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    if (spec?.default !== undefined) env[inputVariable(name)] = String(spec.default);
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in (meta.inputs ?? {}))) throw new Error(`restore-db's action.yml has no input ${name}`);
    env[inputVariable(name)] = value;
  }
  return env;
}

/** name → value from a GITHUB_OUTPUT file (both `name=value` and heredoc forms). */
function readOutputs(file) {
  const out = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const body = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      out[heredoc[1]] = body.join('\n');
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return out;
}

/**
 * Runs the bundle; with `killWhen`, polls it every 100 ms and SIGKILLs the process when it returns
 * true. Lines of the bundle's log are echoed, indented, up to `maxLines`.
 */
async function runBundle(env, { killWhen, maxLines = 12 } = {}) {
  const child = spawn(runnerNode(), [BUNDLE], {
    cwd: env.GITHUB_WORKSPACE,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = Date.now();
  let shown = 0;
  let hidden = 0;
  let stderr = '';
  const echo = (chunk) => {
    for (let line of chunk.toString().split('\n')) {
      // The runner hides these and shows the others as log lines and folds.
      if (!line.trim() || line.startsWith('::add-mask::') || line === '::endgroup::') continue;
      line = line.replace(/^::group::/, '▸ ');
      if (shown < maxLines) {
        say(`    ${line.length > 150 ? `${line.slice(0, 147)}...` : line}`);
        shown++;
      } else hidden++;
    }
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let killed = false;
  if (killWhen) {
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      if (await killWhen(Date.now() - started)) {
        child.kill('SIGKILL');
        killed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const result = await exited;
  if (hidden) say(`    … ${hidden} more log lines`);
  return { ...result, killed, stderr, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------------
ensureMariaDb();
if (!existsSync(BUNDLE)) {
  process.stderr.write(`${path.relative(root, BUNDLE)} is missing: build it with \`npm run bundle\`\n`);
  process.exit(1);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'mdl-demo-restore-'));
say('\n=== restore-db: a private MariaDB on loopback, a generated Moodle-shaped dump, a kill and a resume');
const server = await startServer({ parent: dir });
try {
  say(
    `MariaDB ${(await sql(server, 'SELECT VERSION()'))[0][0]} on 127.0.0.1:${server.port} (datadir under ${dir})`,
  );
  const dump = path.join(dir, 'moodle.sql.gz');
  const generated = await generateDump({ out: dump, bytes: DUMP_BYTES, seed: 7, style: 'mysql' });
  say(
    `dump: ${generated.tables} tables, ${generated.rows} rows, ${(generated.bytes / 1e6).toFixed(1)} MB of SQL ` +
      `(mdl_logstore_standard_log ${generated.rowsByTable.mdl_logstore_standard_log} rows), gzip'd to ${(readFileSync(dump).length / 1e6).toFixed(1)} MB`,
  );

  // The reference: the same dump through the `mysql` client.
  const t0 = Date.now();
  await sql(server, 'CREATE DATABASE demo_reference');
  const ref = spawnSync(
    'bash',
    [
      '-c',
      `set -o pipefail; gzip -dc '${dump}' | '${server.client}' --no-defaults --socket='${server.socket}' -uroot demo_reference`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (ref.status !== 0) throw new Error(`the mysql client restore failed: ${ref.stderr}`);
  const referenceMs = Date.now() - t0;
  say(`reference: the mysql client restored it into demo_reference in ${(referenceMs / 1000).toFixed(1)} s`);

  const inputs = {
    source: dump,
    'db-host': server.host,
    'db-port': String(server.port),
    database: 'demo_moodle',
    'admin-user': server.adminUser,
    'admin-password': server.adminPassword,
    parallel: '2',
    'progress-seconds': '2',
  };

  say('\n--- restore-db, killed with SIGKILL once it has restored some of the data');
  const first = await runBundle(runnerEnv(dir, { ...inputs, 'if-exists': 'fail' }, 'first'), {
    killWhen: async (elapsed) => {
      if (elapsed < 500) return false;
      const [[n]] = await sql(
        server,
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='demo_moodle'",
      );
      if (Number(n) === 0) return false;
      // Past a third of the tables, or well into the log table, or after 40 % of the reference time.
      const [[rows]] = await sql(
        server,
        "SELECT COALESCE(SUM(table_rows),0) FROM information_schema.tables WHERE table_schema='demo_moodle' AND table_name='mdl_logstore_standard_log'",
      );
      return (
        Number(n) > generated.tables / 3 ||
        Number(rows) > generated.rowsByTable.mdl_logstore_standard_log / 4 ||
        elapsed > referenceMs * 0.4
      );
    },
  });
  if (!first.killed)
    throw new Error(`restore-db finished (exit ${first.code}) before it could be killed: ${first.stderr}`);
  const [[tablesAtKill]] = await sql(
    server,
    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='demo_moodle'",
  );
  say(`killed after ${(first.ms / 1000).toFixed(1)} s: demo_moodle then had ${tablesAtKill} tables`);

  say('\n--- restore-db again with if-exists: resume');
  const env2 = runnerEnv(dir, { ...inputs, 'if-exists': 'resume' }, 'second');
  const second = await runBundle(env2);
  if (second.code !== 0)
    throw new Error(`the resumed restore failed (exit ${second.code ?? second.signal}):\n${second.stderr}`);
  const outputs = readOutputs(env2.GITHUB_OUTPUT);
  say(
    `resumed and finished in ${(second.ms / 1000).toFixed(1)} s; outputs: ${Object.entries(outputs)
      .map(([k, v]) => `${k}=${v.length > 60 ? `${v.slice(0, 57)}...` : v}`)
      .join(', ')}`,
  );

  say('\n--- verification against the mysql client restore');
  const [want, got, wantRows, gotRows] = await Promise.all([
    checksums(server, 'demo_reference'),
    checksums(server, 'demo_moodle'),
    rowCounts(server, 'demo_reference'),
    rowCounts(server, 'demo_moodle'),
  ]);
  const equal = [...want].filter(([t, sum]) => got.get(t) === sum).length;
  const extra = [...got.keys()].filter((t) => !want.has(t));
  const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  say(
    `tables: ${got.size} restored, ${want.size} in the reference${extra.length ? ` (extra: ${extra.join(', ')})` : ''}`,
  );
  say(`rows:   ${total(gotRows)} restored, ${total(wantRows)} in the reference`);
  say(`CHECKSUM TABLE: ${equal}/${want.size} equal`);
  if (equal !== want.size || extra.length || total(gotRows) !== total(wantRows)) {
    process.exitCode = 1;
    say('verification FAILED');
  } else {
    say('verification passed: the killed-and-resumed restore equals the mysql client restore');
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
