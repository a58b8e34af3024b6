// Resume after kill -9: `mdl-preview restore` runs as a child process (restore-child.mjs: the compiled
// CLI with the engine's crash points watched) that SIGKILLs itself at a seeded crash point (mid-DDL, mid-chunk, after a COMMIT is sent, during views/triggers, …), then
// `--if-exists resume` finishes the job. Each result is compared with a `mariadb` client restore of
// the same dump: CHECKSUM TABLE per table and SELECT COUNT(*) on the server.
import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { seededRandom } from '../servers/seeded-random.js';
import {
  checksums,
  type DumpFiles,
  prepareRestoreFixture,
  programObjects,
  rowCounts,
  tableDefinitions,
} from './dump-fixture.js';

const mariadb = useMariaDb();
const CLI = 'test/restore/restore-child.mjs';
let dir = '';
let dumps: DumpFiles;
let restorer: { user: string; password: string };
let reference: { sums: Record<string, string>; counts: Record<string, number>; objects: string[] };

beforeAll(async () => {
  // The child processes run the compiled CLI: make sure it is built from the current sources.
  await promisify(execFile)('npx', ['tsc', '-b', 'packages/cli'], { cwd: process.cwd() }).catch(
    () => undefined,
  );
  ({ dir, dumps, restorer } = await prepareRestoreFixture(mariadb(), 'restore-resume'));
  const admin = await adminConnection(mariadb());
  reference = {
    sums: await checksums(admin, 'ref'),
    counts: await rowCounts(admin, 'ref'),
    objects: await programObjects(admin, 'ref'),
  };
  await admin.end();
}, 180_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(database: string, extra: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const s = mariadb();
  const args = [
    CLI,
    'restore',
    '--source',
    dumps.gzip,
    '--db-host',
    s.host,
    '--db-port',
    String(s.port),
    '--database',
    database,
    '--admin-user',
    restorer.user,
    '--admin-password-env',
    'RESTORE_PW',
    '--parallel',
    '2',
    '--chunk-kb',
    '64',
    '--json',
    ...extra,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', RESTORE_PW: restorer.password, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The crash points a TRACE run passed, in order. */
function crashTrace(run: CliRun): string[] {
  const line = run.stderr.split('\n').find((l) => l.startsWith('crash-points: '));
  if (!line) throw new Error(`no crash-points line in:\n${run.stderr}`);
  return JSON.parse(line.slice('crash-points: '.length)) as string[];
}

async function state(db: string) {
  const conn = await adminConnection(mariadb());
  try {
    return {
      sums: await checksums(conn, db),
      counts: await rowCounts(conn, db),
      objects: await programObjects(conn, db),
    };
  } finally {
    await conn.end();
  }
}

/**
 * After a kill -9 the server still runs what the dead client had on the wire (a COMMIT that was
 * sent commits; an INSERT finishes, then rolls back when the server sees the socket gone). Wait
 * until the restorer account has no session left before reading what is committed, or the count
 * races the server.
 */
async function settled(conn: Awaited<ReturnType<typeof adminConnection>>): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const [[row]] = (await conn.query(
      'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?',
      [restorer.user],
    )) as unknown as [[{ n: number }]];
    if (Number(row.n) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the killed restore's sessions of ${restorer.user} did not end within 30 s`);
}

async function checkpointRows(db: string): Promise<number> {
  const conn = await adminConnection(mariadb());
  try {
    await settled(conn);
    const [[row]] = (await conn.query(
      `SELECT COUNT(*) AS n FROM \`${db}\`._mdl_restore_progress`,
    )) as unknown as [[{ n: number }]];
    return Number(row.n);
  } catch {
    return 0; // killed before the checkpoint table existed
  } finally {
    await conn.end();
  }
}

describe('restore resume after kill -9', () => {
  it('finishes exactly as a clean restore from every seeded crash point', async () => {
    const clean = await cli('rst_clean', [], { TRACE: '1' });
    expect(clean.stderr).not.toContain(restorer.password);
    expect(clean.code).toBe(0);
    const summary = JSON.parse(clean.stdout) as { rows: number };
    expect(await state('rst_clean')).toEqual(reference);
    const trace = crashTrace(clean);

    // Seeded points of every kind, named by kind and occurrence (`mid-chunk:7`), so a point is the
    // same whatever order the two loading connections happen to run in; the rest by overall position.
    const random = seededRandom(20261126);
    const byKind = new Map<string, number>();
    for (const kind of trace) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    expect(byKind.get('mid-ddl')).toBeGreaterThan(5);
    expect(byKind.get('mid-chunk')).toBeGreaterThan(20);
    const points = new Set<string>();
    const twice = new Set(['mid-ddl', 'mid-chunk', 'commit-sent']);
    for (const [kind, count] of byKind)
      for (let k = 0; k < (twice.has(kind) ? 2 : 1); k++)
        points.add(`${kind}:${1 + Math.floor(random() * count)}`);
    while (points.size < 13) points.add(String(1 + Math.floor(random() * trace.length)));

    const hit: string[] = [];
    let n = 0;
    for (const point of points) {
      const db = `rst_kill_${++n}`;
      const killed = await cli(db, [], { KILL_AT: point });
      expect({ point, signal: killed.signal, stderr: killed.signal ? '' : killed.stderr }).toEqual({
        point,
        signal: 'SIGKILL',
        stderr: '',
      });
      const kind = /test crash point \d+: (\S+)/.exec(killed.stderr)?.[1];
      expect(kind).toBeDefined();
      hit.push(kind!);
      const committed = await checkpointRows(db);
      const resumed = await cli(db, ['--if-exists', 'resume']);
      if (resumed.code !== 0)
        throw new Error(`resume after crash point ${point} (${kind}) failed:\n${resumed.stderr}`);
      const out = JSON.parse(resumed.stdout) as { resumed: boolean; skippedChunks: number; rows: number };
      // Nothing committed is loaded twice: every checkpointed chunk is skipped, the rest redone.
      expect(out.skippedChunks).toBe(committed);
      expect(out.rows).toBe(summary.rows);
      const after = await state(db);
      expect({ point, kind, ...after }).toEqual({ point, kind, ...reference });
    }
    expect(hit.length).toBeGreaterThanOrEqual(10);
    for (const kind of ['mid-ddl', 'mid-chunk', 'chunk-inserted', 'commit-sent', 'mid-index', 'post-data'])
      expect(hit).toContain(kind);
  }, 240_000);

  it('resumes from mid-chunk and mid-index crashes to the same table definitions', async () => {
    const clean = await cli('rst_dclean', ['--defer-indexes'], { TRACE: '1' });
    expect(clean.code).toBe(0);
    const trace = crashTrace(clean);
    // Index builds run beside the loading: points are named by kind, the first and the last build.
    const builds = trace.filter((k) => k === 'mid-index').length;
    expect(builds).toBeGreaterThanOrEqual(2);
    const admin = await adminConnection(mariadb());
    const refDefs = await tableDefinitions(admin, 'ref');
    await admin.end();
    for (const [i, point] of ['mid-index:1', `mid-index:${builds}`, 'mid-chunk:5'].entries()) {
      const db = `rst_dkill_${i}`;
      const killed = await cli(db, ['--defer-indexes'], { KILL_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      // The resume is not told to defer: the interrupted run's choice is kept.
      const resumed = await cli(db, ['--if-exists', 'resume']);
      if (resumed.code !== 0) throw new Error(`resume after crash point ${point} failed:\n${resumed.stderr}`);
      expect(await state(db)).toEqual(reference);
      const conn = await adminConnection(mariadb());
      expect(await tableDefinitions(conn, db)).toEqual(refDefs);
      await conn.end();
    }
  }, 90_000);

  it('survives being killed again while resuming', async () => {
    const first = await cli('rst_twice', [], { KILL_AT: '150' });
    expect({ signal: first.signal, stderr: first.signal ? '' : first.stderr }).toEqual({
      signal: 'SIGKILL',
      stderr: '',
    });
    const second = await cli('rst_twice', ['--if-exists', 'resume'], { KILL_AT: '40' });
    expect(second.signal).toBe('SIGKILL');
    const third = await cli('rst_twice', ['--if-exists', 'resume']);
    expect(third.code).toBe(0);
    expect(await state('rst_twice')).toEqual(reference);
  }, 60_000);
});
