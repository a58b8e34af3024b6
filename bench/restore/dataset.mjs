// The restore benchmark's dataset, made once and cached under the OS temp folder: the generator's
// MySQL-format dump (gzip), the same data loaded by the `mysql` client into a reference database, its
// CHECKSUM TABLE values and row counts, a real `mariadb-dump` of it (MariaDB's format, gzip), and a
// `mydumper --rows 100000` dump of it for myloader.
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { generateDump } from './generate.mjs';
import { checksums, requireProgram, rowCounts, sql } from './server.mjs';

const REF_DB = 'moodle_ref';
const MANIFEST_VERSION = 3;

/** Runs `bash -c script` with pipefail; rejects with its stderr when it fails. */
export function shell(script, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -eo pipefail; ${script}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${script.slice(0, 200)}: exit ${code ?? signal}\n${err.slice(-2000)}`)),
    );
  });
}

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

/**
 * The dataset for `bytes` of SQL with `seed`, prepared on `server` when missing from `cacheDir`; the
 * mydumper dump uses `threads`. Resolves to its manifest (paths, sizes, reference checksums).
 */
export async function ensureDataset({ server, bytes, seed = 1, threads = 2, cacheRoot, log = console.log }) {
  const dir = join(cacheRoot, `moodle-${Math.round(bytes / 1e6)}MB-seed${seed}-t${threads}`);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.version === MANIFEST_VERSION) {
      log(`dataset: cached in ${dir}`);
      return manifest;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const client = requireProgram('mariadb');
  const dumpTool = requireProgram('mariadb-dump');
  const mydumper = requireProgram(
    'mydumper',
    'install the Debian package with `apt-get install -y mydumper`',
  );
  const env = { MYSQL_PWD: server.adminPassword };
  const conn = `--no-defaults -h127.0.0.1 -P${server.port} -u${server.adminUser}`;
  const steps = {};
  const step = async (name, fn) => {
    const t = Date.now();
    const r = await fn();
    steps[name] = (Date.now() - t) / 1000;
    log(`dataset: ${name} in ${steps[name].toFixed(1)} s`);
    return r;
  };

  const mysqlFormat = join(dir, 'moodle-mysqldump.sql.gz');
  const generated = await step('generate (MySQL mysqldump format, gzip -6)', () =>
    generateDump({ out: mysqlFormat, bytes, seed, style: 'mysql' }),
  );
  log(
    `dataset: ${generated.tables} tables, ${generated.rows} rows, ${mb(generated.bytes)} of SQL, ${mb(statSync(mysqlFormat).size)} gzip'd`,
  );

  await sql(server, `DROP DATABASE IF EXISTS ${REF_DB}; CREATE DATABASE ${REF_DB}`);
  await step('reference load with the mysql client', () =>
    shell(`gzip -dc '${mysqlFormat}' | '${client}' ${conn} ${REF_DB}`, env),
  );
  const reference = await step('reference CHECKSUM TABLE', () => checksums(server, REF_DB));
  const rows = await rowCounts(server, REF_DB);
  for (const [table, n] of Object.entries(generated.rowsByTable)) {
    if (rows.get(table) !== n)
      throw new Error(`reference load: ${table} has ${rows.get(table)} rows, the generator wrote ${n}`);
  }

  const mariadbFormat = join(dir, 'moodle-mariadb-dump.sql.gz');
  await step('mariadb-dump --single-transaction | gzip -6', () =>
    shell(
      `'${dumpTool}' ${conn} --single-transaction ${REF_DB} | gzip -6 > '${mariadbFormat}.part'`,
      env,
    ).then(() => renameSync(`${mariadbFormat}.part`, mariadbFormat)),
  );
  const mariadbSqlBytes = Number((await shell(`gzip -dc '${mariadbFormat}' | wc -c`)).trim());

  const mydumperDir = join(dir, 'mydumper');
  await step(`mydumper --rows 100000 -t ${threads}`, () =>
    shell(
      `'${mydumper}' --rows 100000 -t ${threads} -h 127.0.0.1 -P ${server.port} -u ${server.adminUser} ` +
        `-p "$MYSQL_PWD" -B ${REF_DB} -o '${mydumperDir}'`,
      env,
    ),
  );
  const mydumperFiles = readdirSync(mydumperDir);
  const mydumperBytes = mydumperFiles.reduce((sum, f) => sum + statSync(join(mydumperDir, f)).size, 0);
  await sql(server, `DROP DATABASE ${REF_DB}`);

  const manifest = {
    version: MANIFEST_VERSION,
    dir,
    bytes,
    seed,
    threads,
    tables: generated.tables,
    rows: generated.rows,
    nonEmptyTables: Object.values(generated.rowsByTable).filter((n) => n > 0).length,
    logRows: generated.rowsByTable.mdl_logstore_standard_log,
    rowsByTable: generated.rowsByTable,
    mysqlFormat: { path: mysqlFormat, sqlBytes: generated.bytes, gzBytes: statSync(mysqlFormat).size },
    mariadbFormat: { path: mariadbFormat, sqlBytes: mariadbSqlBytes, gzBytes: statSync(mariadbFormat).size },
    mydumper: { dir: mydumperDir, files: mydumperFiles.length, bytes: mydumperBytes, sourceDb: REF_DB },
    checksums: Object.fromEntries(reference),
    prepareSeconds: steps,
    preparedAt: new Date().toISOString(),
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return manifest;
}
