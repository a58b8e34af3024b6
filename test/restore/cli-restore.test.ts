// `mdl-preview restore` argument handling, in-process: passwords only from the environment, usage
// errors exit 2, bad input exits 1 before any connection is tried (the host below does not exist).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-restore-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(['restore', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
  });
  return { code, stdout, stderr };
}

const BASE = ['--db-host', 'db.invalid', '--database', 'moodle_x', '--admin-user', 'admin'];

describe('mdl-preview restore', () => {
  it('never takes a password on the command line', async () => {
    const r = await cli(['--source', 'x.sql', ...BASE, '--admin-password', 'hunter2-secret']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--admin-password'/);
    const missing = await cli(['--source', 'x.sql', ...BASE]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('set the environment variable MDL_DB_ADMIN_PASSWORD');
  });

  it('refuses bad options with usage errors', async () => {
    const env = { MDL_DB_ADMIN_PASSWORD: 'pw' };
    expect((await cli(['--source', 'x.sql', ...BASE, '--if-exists', 'overwrite'], env)).code).toBe(2);
    expect((await cli(['--source', 'x.sql', ...BASE, '--definer', 'keep'], env)).code).toBe(2);
    expect((await cli(['--source', 'x.sql', ...BASE, '--parallel', '0'], env)).code).toBe(2);
    expect(
      (await cli(['--source', 'x.sql', ...BASE, '--defer-indexes', '--index-during-load'], env)).code,
    ).toBe(2);
    expect(
      (
        await cli(
          ['--source', 'x.sql', ...BASE, '--without-mim', '--mim-source', 'm.sql', '--mim-database', 'm'],
          env,
        )
      ).code,
    ).toBe(2);
    const map = await cli(['--source', 'x.sql', ...BASE, '--map-collation', 'utf8mb4_0900_ai_ci'], env);
    expect(map.code).toBe(1);
    expect(map.stderr).toContain('must be from=to');
  });

  it('reports unreadable and non-SQL sources before connecting', async () => {
    const env = { MDL_DB_ADMIN_PASSWORD: 'pw' };
    const missing = await cli(['--source', join(dir, 'nope.sql'), ...BASE], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/source .*nope\.sql cannot be read/);
    const png = join(dir, 'dump.sql');
    await writeFile(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const garbage = await cli(['--source', png, ...BASE], env);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/is not a SQL dump: binary data at byte 8/);
    const url = await cli(['--source', 'https://example.org/dump.sql', ...BASE], env);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain('only s3://bucket/key or a file path');
  });
});
