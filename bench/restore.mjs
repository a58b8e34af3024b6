// bench/restore: restore a generated Moodle-shaped dump (~480 tables, ≥ 1 GB of SQL by default) into
// one private MariaDB on loopback with the `mysql` client, with myloader (from a mydumper dump of the
// same data, same thread count) and with ours (`mdl-preview restore`), in interleaved rounds; every
// run is checked by CHECKSUM TABLE against the reference, and timed with its CPU and peak memory.
// Run: `npm run bench:restore`. The dataset is cached under the OS temp folder; see bench/README.md.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureDataset } from './restore/dataset.mjs';
import {
  BENCH_SERVER_SETTINGS,
  checksums,
  findProgram,
  requireProgram,
  sql,
  startServer,
} from './restore/server.mjs';
import { runnerNode } from './lib/runner-node.mjs';

const root = path.resolve(import.meta.dirname, '..');

const BYTES = Number(process.env.BENCH_RESTORE_BYTES ?? 1.1e9);
const ROUNDS = Number(process.env.BENCH_RESTORE_ROUNDS ?? 3);
const THREADS = Number(process.env.BENCH_RESTORE_THREADS ?? 2);
const SEED = Number(process.env.BENCH_RESTORE_SEED ?? 1);
const CACHE = process.env.BENCH_RESTORE_CACHE ?? path.join(os.tmpdir(), 'mdl-bench-restore');
const ONLY = process.env.BENCH_RESTORE_TOOLS?.split(',').map((s) => s.trim());
const PREPARE_ONLY = process.argv.includes('--prepare-only');
const DB = 'moodle';
const CLI = path.join(root, 'packages/cli/bin/mdl-preview.js');

if (path.resolve(CACHE).startsWith(root + path.sep)) {
  throw new Error(
    `BENCH_RESTORE_CACHE must be outside the repository (${CACHE}): datasets are never committed`,
  );
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const stamp = () => new Date().toISOString().slice(11, 19);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const secs = (x) => `${x.toFixed(1)} s`;
const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : 'n/a');

const CLK_TCK = 100;
async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime
}

/** CPU seconds the whole machine spent busy (all CPUs, everything but idle and iowait), from /proc/stat. */
async function machineBusySeconds() {
  const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
  const f = cpu.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

/** pid → parent pid for every process, from /proc. */
async function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      table.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/**
 * Follows the process tree under `rootPid` every 100 ms: each process's VmHWM (its own peak RSS) and
 * the sum of the tree's VmRSS. `exclude` is a pid not to count (the `time` wrapper).
 */
function watchTree(rootPid, exclude) {
  const peaks = new Map(); // pid → { name, hwmKb }
  let peakSumRssKb = 0;
  let stopped = false;
  const sample = async () => {
    const table = await processTable();
    const tree = new Set([rootPid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of table) {
        if (!tree.has(pid) && tree.has(ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    let sumRss = 0;
    for (const pid of tree) {
      if (pid === exclude) continue;
      try {
        const status = await readFile(`/proc/${pid}/status`, 'utf8');
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? '?';
        sumRss += rss;
        const seen = peaks.get(pid);
        if (!seen || hwm > seen.hwmKb) peaks.set(pid, { name, hwmKb: hwm });
      } catch {
        // exited meanwhile
      }
    }
    peakSumRssKb = Math.max(peakSumRssKb, sumRss);
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    const procs = [...peaks.values()];
    return {
      peakSumRssKb,
      sumHwmKb: procs.reduce((s, p) => s + p.hwmKb, 0),
      largest: procs.sort((a, b) => b.hwmKb - a.hwmKb)[0],
      processes: procs.map((p) => `${p.name} ${mib(p.hwmKb)}`).join(', '),
    };
  };
}

/**
 * Runs argv under /usr/bin/time (CPU of the whole tree, as the kernel accounts waited-for children)
 * while following its process tree's memory; the server's CPU over the same interval.
 */
async function measured(argv, env, server) {
  const timeBin = findProgram('time');
  const timeFile = path.join(CACHE, `time-${process.pid}.txt`);
  const full = timeBin ? [timeBin, '-f', '%e %U %S %M', '-o', timeFile, ...argv] : argv;
  const serverCpu0 = await cpuSeconds(server.pid);
  const busy0 = await machineBusySeconds();
  const started = performance.now();
  const child = spawn(full[0], full.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const stopWatch = watchTree(child.pid, timeBin ? child.pid : undefined);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? signal));
  });
  const seconds = (performance.now() - started) / 1000;
  const memory = await stopWatch();
  const serverCpu = (await cpuSeconds(server.pid)) - serverCpu0;
  const machineCpu = (await machineBusySeconds()) - busy0;
  let toolCpu;
  if (timeBin && existsSync(timeFile)) {
    const [, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    toolCpu = { user, sys };
  }
  // What other processes on the machine took meanwhile (a shared machine disturbs the figures).
  const otherCpu = toolCpu ? Math.max(0, machineCpu - serverCpu - toolCpu.user - toolCpu.sys) : undefined;
  return { code, seconds, memory, serverCpu, toolCpu, otherCpu, stdout, stderr };
}

/** When the engine's compiled code was last built: a rebuild during a long run shows in the records. */
function engineBuild() {
  try {
    return statSync(path.join(root, 'packages/core/dist/restore/restore.js')).mtime.toISOString();
  } catch {
    return undefined;
  }
}

/** Waits until InnoDB has written back the previous run's dirty pages, so no run pays for another's. */
async function quiesce(server) {
  const deadline = Date.now() + 300_000;
  await sql(server, 'SET GLOBAL innodb_max_dirty_pages_pct=0');
  try {
    while (Date.now() < deadline) {
      const [[, dirty]] = await sql(server, "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
      if (Number(dirty) < 200) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await sql(server, 'SET GLOBAL innodb_max_dirty_pages_pct=90');
  }
}

async function verify(server, manifest) {
  const got = await checksums(server, DB);
  const bad = [];
  for (const [table, sum] of Object.entries(manifest.checksums)) {
    if (got.get(table) !== sum) bad.push(`${table} (${got.get(table) ?? 'missing'} ≠ ${sum})`);
  }
  for (const table of got.keys()) if (!(table in manifest.checksums)) bad.push(`${table} (extra)`);
  return { tables: got.size, ok: bad.length === 0, bad };
}

// ---------------------------------------------------------------------------------------------------
const started = Date.now();
mkdirSync(CACHE, { recursive: true });
say(`# restore benchmark — ${new Date().toISOString()}`);
say(
  `size ${(BYTES / 1e9).toFixed(2)} GB of SQL, seed ${SEED}, ${ROUNDS} rounds, ${THREADS} threads, cache ${CACHE}`,
);
const client = requireProgram('mariadb');
const myloader = findProgram('myloader');
const node = runnerNode();
const server = await startServer({ settings: BENCH_SERVER_SETTINGS });
say(
  `server: ${(await sql(server, 'SELECT VERSION()'))[0][0]} on 127.0.0.1:${server.port}, pid ${server.pid}`,
);
say(`server settings: ${server.settings.join(' ')}`);

try {
  const manifest = await ensureDataset({
    server,
    bytes: BYTES,
    seed: SEED,
    threads: THREADS,
    cacheRoot: CACHE,
    log: (line) => say(`[${stamp()}] ${line}`),
  });
  say(
    `dataset: ${manifest.tables} tables (${manifest.nonEmptyTables} with rows), ${manifest.rows} rows ` +
      `(mdl_logstore_standard_log ${manifest.logRows}); MySQL format ${(manifest.mysqlFormat.sqlBytes / 1e6).toFixed(0)} MB SQL / ` +
      `${(manifest.mysqlFormat.gzBytes / 1e6).toFixed(0)} MB gz; MariaDB format ${(manifest.mariadbFormat.sqlBytes / 1e6).toFixed(0)} MB SQL / ` +
      `${(manifest.mariadbFormat.gzBytes / 1e6).toFixed(0)} MB gz; mydumper ${manifest.mydumper.files} files, ${(manifest.mydumper.bytes / 1e6).toFixed(0)} MB`,
  );
  if (PREPARE_ONLY) {
    await server.stop();
    process.exit(0);
  }

  const conn = ['--no-defaults', '-h127.0.0.1', `-P${server.port}`, `-u${server.adminUser}`];
  const pwEnv = { MYSQL_PWD: server.adminPassword, MDL_DB_ADMIN_PASSWORD: server.adminPassword };
  const mysqlRun = (file) => ({
    prepare: () => sql(server, `CREATE DATABASE ${DB}`),
    argv: ['bash', '-c', `set -o pipefail; gzip -dc '${file}' | '${client}' ${conn.join(' ')} ${DB}`],
  });
  const oursRun = (file) => ({
    argv: [
      node,
      CLI,
      'restore',
      '--source',
      file,
      '--db-host',
      '127.0.0.1',
      '--db-port',
      String(server.port),
      '--database',
      DB,
      '--admin-user',
      server.adminUser,
      '--parallel',
      String(THREADS),
      '--json',
    ],
  });
  const configs = [
    {
      key: 'mysql-mysqlfmt',
      tool: 'mysql client',
      format: 'MySQL mysqldump .sql.gz',
      ...mysqlRun(manifest.mysqlFormat.path),
    },
    {
      key: 'mysql-mariadbfmt',
      tool: 'mysql client',
      format: 'mariadb-dump .sql.gz',
      ...mysqlRun(manifest.mariadbFormat.path),
    },
    myloader && {
      key: 'myloader',
      tool: `myloader -t ${THREADS}`,
      format: `mydumper --rows 100000 dir (${manifest.mydumper.files} files, uncompressed)`,
      argv: [
        myloader,
        '-t',
        String(THREADS),
        '-h',
        '127.0.0.1',
        '-P',
        String(server.port),
        '-u',
        server.adminUser,
        '-p',
        server.adminPassword,
        '-B',
        DB,
        '-d',
        manifest.mydumper.dir,
      ],
    },
    existsSync(CLI) && {
      key: 'ours-mysqlfmt',
      tool: `ours --parallel ${THREADS}`,
      format: 'MySQL mysqldump .sql.gz',
      ...oursRun(manifest.mysqlFormat.path),
    },
    existsSync(CLI) && {
      key: 'ours-mariadbfmt',
      tool: `ours --parallel ${THREADS}`,
      format: 'mariadb-dump .sql.gz',
      ...oursRun(manifest.mariadbFormat.path),
    },
  ].filter((c) => c && (!ONLY || ONLY.some((o) => c.key.startsWith(o))));
  say(
    `tools: ${configs.map((c) => c.key).join(', ')}; ours on ${node} (${execFileSync(node, ['--version']).toString().trim()})`,
  );

  const runs = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Interleaved, and the order rotated each round so that no tool always follows the same one.
    const order = configs.map((_, i) => configs[(i + round - 1) % configs.length]);
    for (const c of order) {
      await sql(server, `DROP DATABASE IF EXISTS ${DB}`);
      await quiesce(server);
      if (c.prepare) await c.prepare();
      const r = await measured(c.argv, pwEnv, server);
      const check =
        r.code === 0 ? await verify(server, manifest) : { tables: 0, ok: false, bad: ['(tool failed)'] };
      let reported;
      if (c.key.startsWith('ours') && r.code === 0) {
        const line = r.stdout
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .pop();
        try {
          reported = line && JSON.parse(line);
        } catch {
          reported = undefined;
        }
      }
      const run = {
        round,
        key: c.key,
        tool: c.tool,
        format: c.format,
        ...r,
        check,
        reported,
        engineBuild: engineBuild(),
      };
      delete run.stdout;
      run.stderr = r.code === 0 ? undefined : r.stderr.slice(-3000);
      runs.push(run);
      say(
        `[${stamp()}] round ${round} ${c.key.padEnd(17)} ${secs(r.seconds).padStart(8)} exit ${r.code} ` +
          `tool CPU ${r.toolCpu ? secs(r.toolCpu.user + r.toolCpu.sys) : '?'} server CPU ${secs(r.serverCpu)} ` +
          `others' CPU ${r.otherCpu !== undefined ? secs(r.otherCpu) : '?'} ` +
          `peak ${mib(r.memory.sumHwmKb)} (${r.memory.processes}) ` +
          `checksums ${check.ok ? `equal (${check.tables} tables)` : `DIFFER: ${check.bad.slice(0, 5).join('; ')}`}`,
      );
      if (r.code !== 0) say(r.stderr.slice(-2000));
      writeFileSync(path.join(CACHE, 'last-runs.json'), JSON.stringify(runs, null, 2));
    }
  }
  await sql(server, `DROP DATABASE IF EXISTS ${DB}`);

  // -------------------------------------------------------------------------------------------------
  const summary = configs.map((c) => {
    const mine = runs.filter((r) => r.key === c.key);
    const good = mine.filter((r) => r.code === 0 && r.check.ok);
    return {
      ...c,
      n: mine.length,
      good: good.length,
      seconds: good.length ? median(good.map((r) => r.seconds)) : undefined,
      toolCpu:
        good.length && good[0].toolCpu ? median(good.map((r) => r.toolCpu.user + r.toolCpu.sys)) : undefined,
      serverCpu: good.length ? median(good.map((r) => r.serverCpu)) : undefined,
      otherCpu:
        good.length && good[0].otherCpu !== undefined ? median(good.map((r) => r.otherCpu)) : undefined,
      peakKb: mine.length ? Math.max(...mine.map((r) => r.memory.sumHwmKb)) : undefined,
      all: mine.map((r) => r.seconds.toFixed(1)).join(', '),
    };
  });
  const by = Object.fromEntries(summary.map((s) => [s.key, s]));
  const sqlMb = {
    'MySQL mysqldump .sql.gz': manifest.mysqlFormat.sqlBytes / 1e6,
    'mariadb-dump .sql.gz': manifest.mariadbFormat.sqlBytes / 1e6,
  };

  say();
  say(
    `**Restore of ${manifest.tables} tables, ${manifest.rows.toLocaleString('en')} rows** (median of ${ROUNDS} interleaved rounds; all checksums verified unless said):`,
  );
  say();
  say(
    "| tool | from | wall time (median) | runs | SQL MB/s | tool CPU | server CPU | others' CPU | peak memory (tool tree) | checksums |",
  );
  say('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of summary) {
    const rate = s.seconds && sqlMb[s.format] ? `${(sqlMb[s.format] / s.seconds).toFixed(1)}` : '—';
    say(
      `| ${s.tool} | ${s.format} | ${s.seconds ? secs(s.seconds) : 'failed'} | ${s.all} | ${rate} | ` +
        `${s.toolCpu !== undefined ? secs(s.toolCpu) : '?'} | ${s.serverCpu !== undefined ? secs(s.serverCpu) : '?'} | ` +
        `${s.otherCpu !== undefined ? secs(s.otherCpu) : '?'} | ` +
        `${s.peakKb !== undefined ? mib(s.peakKb) : '?'} | ${s.good}/${s.n} equal |`,
    );
  }
  say();
  say('| ratio | MySQL mysqldump format | mariadb-dump format |');
  say('| --- | --- | --- |');
  say(
    `| mysql client / ours | ${ratio(by['mysql-mysqlfmt']?.seconds, by['ours-mysqlfmt']?.seconds)} | ${ratio(by['mysql-mariadbfmt']?.seconds, by['ours-mariadbfmt']?.seconds)} |`,
  );
  say(
    `| myloader / ours | ${ratio(by.myloader?.seconds, by['ours-mysqlfmt']?.seconds)} | ${ratio(by.myloader?.seconds, by['ours-mariadbfmt']?.seconds)} |`,
  );
  say(
    `| mysql client / myloader | ${ratio(by['mysql-mysqlfmt']?.seconds, by.myloader?.seconds)} | ${ratio(by['mysql-mariadbfmt']?.seconds, by.myloader?.seconds)} |`,
  );
  say();
  const prep = Object.entries(manifest.prepareSeconds)
    .map(([step, s]) => `${step} ${s.toFixed(0)} s`)
    .join(', ');
  say(
    `Benchmark time ${((Date.now() - started) / 60000).toFixed(1)} min; the dataset was made ${manifest.preparedAt} ` +
      `(${prep}).`,
  );
  const resultPath = path.join(CACHE, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    resultPath,
    JSON.stringify(
      { manifest: { ...manifest, checksums: undefined }, settings: server.settings, runs, summary },
      null,
      2,
    ),
  );
  say(`runs written to ${resultPath}`);
  if (runs.some((r) => r.code !== 0 || !r.check.ok)) process.exitCode = 1;
} finally {
  await server.stop();
}
