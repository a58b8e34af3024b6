// restore-db end to end: the ncc bundle run the way the Actions runner runs it (node24, INPUT_*,
// GITHUB_OUTPUT, the step summary), reading the Moodle dump from the S3 fake through a connection
// that drops mid-body (the reader re-requests the rest with a Range) and the MIM dump from a file,
// into the real MariaDB as a user without SUPER. Also: every S3 call the restore makes is
// allowed by restore-db's generated IAM policy (replayed through the IAM simulator).
import { readFile, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { ConfigurationError, memoryLogger, restoreDatabase } from '@moodle-preview/core';
import { runAction } from '../harness/run-action.js';
import { expectAllowedAs, replay } from '../iam/replay.js';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { checksums, connectAs, type DumpFiles, prepareRestoreFixture } from './dump-fixture.js';

const mariadb = useMariaDb();
let dir = '';
let dumps: DumpFiles;
let fake: AwsFake;
let restorer: { user: string; password: string };
let reference: Record<string, string>;

beforeAll(async () => {
  ({ dir, dumps, restorer } = await prepareRestoreFixture(mariadb(), 'restore-e2e'));
  const admin = await adminConnection(mariadb());
  reference = await checksums(admin, 'ref');
  await admin.query("CREATE USER 'reporting'@'%' IDENTIFIED BY 'Reporting-pw-1'");
  await admin.end();
  fake = createAwsFake();
  await fake.listen();
  fake.s3.createBucket('moodle-dumps');
  fake.s3.putObject('moodle-dumps', 'prod/moodle-2026-11-26.sql.gz', await readFile(dumps.gzip));
}, 120_000);
afterAll(async () => {
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('restore-db action', () => {
  it('restores Moodle from S3 across a dropped connection and MIM from a file, as the runner runs it', async () => {
    fake.s3.dropConnection({ afterBytes: 150_000 });
    const s = mariadb();
    const result = await runAction('actions/restore-db', {
      inputs: {
        source: 's3://moodle-dumps/prod/moodle-2026-11-26.sql.gz',
        database: 'rst_e2e',
        'db-host': s.host,
        'db-port': String(s.port),
        'admin-user': restorer.user,
        'admin-password': restorer.password,
        'app-user': 'moodle_e2e',
        'app-password': 'App-pw-0123456789abc',
        'readonly-users': 'reporting',
        'mim-source': dumps.zstd,
        'mim-database': 'rst_e2e_mim',
        'chunk-mb': '1',
        'progress-seconds': '1',
      },
      env: fake.env(),
      timeoutMs: 120_000,
    });
    if (result.exitCode !== 0) throw new Error(`the action failed:\n${result.stdout}\n${result.stderr}`);
    // The reader got the first part, lost the connection, and asked for the rest from where it was.
    const resumedAt = fake.s3.ranges.filter(Boolean).map((r) => Number(/bytes=(\d+)-/.exec(r!)![1]));
    expect(resumedAt.length).toBe(1);
    expect(resumedAt[0]).toBeGreaterThanOrEqual(150_000);
    expect(result.stdout).toMatch(/dropped at byte \d+ .*re-requesting from there/);
    const admin = await adminConnection(s);
    expect(await checksums(admin, 'rst_e2e')).toEqual(reference);
    expect(await checksums(admin, 'rst_e2e_mim')).toEqual(reference);
    await admin.end();
    const tables = Object.keys(reference).length;
    expect(Number(result.outputs.tables)).toBe(2 * tables);
    expect(Number(result.outputs.rows)).toBeGreaterThan(40_000);
    expect(Number(result.outputs.bytes)).toBe(2 * (await readFile(dumps.mariadb)).length);
    expect(Number(result.outputs.seconds)).toBeGreaterThan(0);
    expect(result.summary).toContain('Slowest tables of rst_e2e');
    expect(result.summary).toContain('mdl_logstore_standard_log');
    // Secrets are masked before anything is logged, and never printed.
    const masks = result.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toEqual(expect.arrayContaining([restorer.password, 'App-pw-0123456789abc']));
    const printed = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(printed).not.toContain(restorer.password);
    expect(printed).not.toContain('App-pw-0123456789abc');
    // Read-only on both databases; MIM present, so the block stays visible.
    const ro = await connectAs(s, 'reporting', 'Reporting-pw-1');
    const [mim] = await ro.query('SELECT COUNT(*) AS n FROM rst_e2e_mim.mdl_logstore_standard_log');
    expect(mim).toEqual([{ n: 20000 }]);
    const [block] = await ro.query("SELECT visible FROM rst_e2e.mdl_block WHERE name = 'portico_enrolments'");
    expect(block).toEqual([{ visible: 1 }]);
    await ro.end();
  }, 180_000);

  it('fails with a clear message on bad inputs, before any change', async () => {
    const s = mariadb();
    const result = await runAction('actions/restore-db', {
      inputs: {
        source: 's3://moodle-dumps/prod/missing.sql.gz',
        database: 'rst_e2e_missing',
        'db-host': s.host,
        'db-port': String(s.port),
        'admin-user': restorer.user,
        'admin-password': restorer.password,
      },
      env: fake.env(),
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('::error::source s3://moodle-dumps/prod/missing.sql.gz does not exist');
    const bad = await runAction('actions/restore-db', {
      inputs: {
        source: dumps.gzip,
        database: 'rst_x',
        'db-host': s.host,
        'admin-user': 'a',
        'admin-password': 'p',
        'if-exists': 'overwrite',
      },
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('input if-exists must be one of fail, drop, resume, got "overwrite"');
    const admin = await adminConnection(s);
    const [schemas] = await admin.query(
      "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'rst\\_e2e\\_missing' OR SCHEMA_NAME = 'rst_x'",
    );
    await admin.end();
    expect(schemas).toEqual([]);
  }, 60_000);

  it('is allowed every S3 call by its IAM policy for the dump bucket, and by no other', async () => {
    // Every path of the S3 reader in-process too: a missing object, and a read after a drop.
    const s = mariadb();
    const env = fake.env();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      await expect(
        restoreDatabase({
          source: 's3://moodle-dumps/nothing-here.sql',
          database: 'rst_iam',
          server: { host: s.host, port: s.port, user: restorer.user, password: restorer.password },
          log: memoryLogger(),
        }),
      ).rejects.toThrow(ConfigurationError);
      fake.s3.dropConnection({ afterBytes: 10_000, times: 2 });
      const r = await restoreDatabase({
        source: 's3://moodle-dumps/prod/moodle-2026-11-26.sql.gz',
        database: 'rst_iam',
        server: { host: s.host, port: s.port, user: restorer.user, password: restorer.password },
        log: memoryLogger(),
        progressIntervalMs: 0,
      });
      expect(r.compressedBytes).toBe((await readFile(dumps.gzip)).length);
    } finally {
      process.env = saved;
    }
    // Every S3 call is allowed by restore-db's policy for the dump bucket (HeadObject is authorised as
    // s3:GetObject), and by nothing broader: for another bucket the same calls are denied.
    const calls = fake.server.calls.filter((c) => c.service === 's3');
    expect(new Set(calls.map((c) => c.action))).toEqual(new Set(['HeadObject', 'GetObject']));
    const r = await expectAllowedAs(calls, 'restore-db', { iam: { dumpBuckets: ['moodle-dumps'] } });
    expect(r.actions).toEqual(['s3:GetObject']);
    const elsewhere = await replay(calls, 'restore-db', { iam: { dumpBuckets: ['other-dumps'] } });
    expect(elsewhere.problems).toHaveLength(elsewhere.authorizations);
    expect(calls.filter((c) => c.mutating)).toEqual([]);
  }, 60_000);
});
