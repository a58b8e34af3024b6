// `mdl-preview restore` argument handling, in-process: passwords only from the environment, usage
// errors exit 2, bad input exits 1 before any connection is tried (the host below does not exist);
// the zstd case runs the CLI as a child process under each Node found on the machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
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

  it('says how to read a zstd dump when there is neither zlib zstd nor a zstd program, before connecting', async () => {
    // A zstd frame's magic (RFC 8878) and bytes that are no valid frame; no program on PATH. Every Node
    // found here runs the CLI: one without zlib zstd (Node < 22.15, e.g. Debian's) must say what to
    // install; one with it refuses the frame itself. Either way exit 1 and no connection tried.
    const file = join(dir, 'dump.zst.bin');
    await writeFile(file, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64, 7)]));
    const nodes = new Set<string>();
    for (const candidate of [process.execPath, '/usr/bin/node', '/usr/local/bin/node'])
      if (existsSync(candidate)) nodes.add(realpathSync(candidate));
    const seen = new Set<boolean>();
    for (const node of nodes) {
      const [major, zstd] = execFileSync(node, [
        '-p',
        "[process.versions.node.split('.')[0], typeof require('node:zlib').createZstdDecompress].join(' ')",
      ])
        .toString()
        .trim()
        .split(' ');
      if (Number(major) < 20) continue; // older than this repository supports
      const native = zstd === 'function';
      seen.add(native);
      const r = spawnSync(node, ['packages/cli/bin/mdl-preview.js', 'restore', '--source', file, ...BASE], {
        env: { PATH: join(dir, 'no-programs-here'), MDL_DB_ADMIN_PASSWORD: 'pw' },
      });
      const stderr = r.stderr.toString();
      expect({ node, status: r.status }).toEqual({ node, status: 1 });
      expect(stderr).not.toContain('cannot connect');
      if (native) expect(stderr).toMatch(/zstd stream is damaged or truncated/);
      else
        expect(stderr).toContain(
          'the dump is zstd-compressed and this Node has no zlib zstd (Node ≥ 22.15 has it): install the zstd program',
        );
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});
