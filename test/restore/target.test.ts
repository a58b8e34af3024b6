// The restore's target database decision on a real MariaDB, on its own: create, refuse, drop or
// resume — and a resume only of the same dump with no earlier session still at work. Whole restores
// through each choice are in restore.test.ts and resume.test.ts.
import { describe, expect, it } from '@jest/globals';
import type { Connection } from 'mysql2/promise';
import { ConfigurationError, memoryLogger } from '@moodle-preview/core';
import { prepareDatabase, type IfExists } from '../../packages/core/src/restore/target.js';
import { readIdentity } from '../../packages/core/src/restore/checkpoint.js';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { rejection } from '../harness/failure.js';

const mariadb = useMariaDb();
const IDENTITY = {
  fingerprint: 'f'.repeat(64),
  source: 's3://dumps/moodle.sql.zst',
  sourceVersion: 'v1',
  compressedSize: 1000,
  deferIndexes: true,
};

async function withAdmin<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await adminConnection(mariadb());
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const tables = (db: string) =>
  withAdmin(async (c) => {
    const [rows] = (await c.query(
      'SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
      [db],
    )) as unknown as [{ n: string }[]];
    return rows.map((r) => r.n);
  });
const charsetOf = (db: string) =>
  withAdmin(async (c) => {
    const [rows] = (await c.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [db],
    )) as unknown as [{ cs: string }[]];
    return rows[0]?.cs;
  });

async function prepare(
  db: string,
  ifExists: IfExists,
  over: Partial<typeof IDENTITY> = {},
  chunkBytes = 4096,
) {
  const log = memoryLogger();
  const result = await withAdmin((c) =>
    prepareDatabase(c, db, ifExists, { ...IDENTITY, ...over }, { chunkBytes, busyWaitMs: 300, log }),
  );
  return { result, log };
}
/** A database as an interrupted restore leaves it: checkpoint tables, one chunk in, a table of the dump. */
async function interrupted(
  db: string,
  identity: Partial<typeof IDENTITY> | 'unnamed' = IDENTITY,
  chunkBytes = 2048,
) {
  await prepare(db, 'fail', identity === 'unnamed' ? {} : identity, chunkBytes);
  await withAdmin(async (c) => {
    await c.query(`CREATE TABLE \`${db}\`.mdl_user (id INT PRIMARY KEY)`);
    await c.query(
      `INSERT INTO \`${db}\`._mdl_restore_progress (tbl, chunk, rows_applied, crc) VALUES ('mdl_user', 0, 3, 7)`,
    );
    if (identity === 'unnamed') await c.query(`DELETE FROM \`${db}\`._mdl_restore_state`);
  });
}

describe('the target database', () => {
  it('absent: created with the checkpoint tables and the dump named in it', async () => {
    const { result } = await prepare('tgt_new', 'fail');
    expect(result).toEqual({ resumed: false, checkpoints: new Map(), chunkBytes: 4096, deferIndexes: true });
    expect(await tables('tgt_new')).toEqual(['_mdl_restore_progress', '_mdl_restore_state']);
    const identity = await withAdmin(async (c) => {
      await c.query('USE tgt_new');
      return readIdentity(c);
    });
    expect(identity).toMatchObject({ ...IDENTITY, chunkBytes: 4096 });
  });

  it('empty: used as it is, not dropped and made again', async () => {
    await withAdmin((c) => c.query('CREATE DATABASE tgt_empty CHARACTER SET latin1'));
    const { result } = await prepare('tgt_empty', 'fail');
    expect(result.resumed).toBe(false);
    expect(await charsetOf('tgt_empty')).toBe('latin1');
  });

  it.each(['fail', 'resume'] as const)(
    'not empty and no restore of ours in it: %s refuses, and nothing is changed',
    async (ifExists) => {
      const db = `tgt_full_${ifExists}`;
      await withAdmin(async (c) => {
        await c.query(`CREATE DATABASE ${db}`);
        await c.query(`CREATE TABLE ${db}.mdl_course (id INT PRIMARY KEY)`);
      });
      const err = await rejection(prepare(db, ifExists));
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toBe(
        ifExists === 'fail'
          ? `database ${db} exists and is not empty (1 tables/routines); use if-exists: drop to replace it`
          : `database ${db} is not empty and holds no interrupted restore (_mdl_restore_state is absent): nothing to resume; use if-exists: drop to replace it`,
      );
      expect(await tables(db)).toEqual(['mdl_course']);
    },
  );

  it('a database holding only a routine is not empty', async () => {
    await withAdmin(async (c) => {
      await c.query('CREATE DATABASE tgt_routine');
      await c.query('CREATE PROCEDURE tgt_routine.p() SELECT 1');
    });
    const err = await rejection(prepare('tgt_routine', 'fail'));
    expect(err.message).toMatch(/^database tgt_routine exists and is not empty \(1 tables\/routines\)/);
  });

  it('an interrupted restore under if-exists: fail says how to finish or restart it', async () => {
    await interrupted('tgt_int_fail');
    const err = await rejection(prepare('tgt_int_fail', 'fail'));
    expect(err.message).toBe(
      'database tgt_int_fail exists and is not empty (3 tables/routines): it holds an interrupted restore; ' +
        'use if-exists: resume to finish it, or drop to start again',
    );
  });

  it('drop: replaces whatever is there, as asked', async () => {
    await withAdmin(async (c) => {
      await c.query('CREATE DATABASE tgt_drop CHARACTER SET latin1');
      await c.query('CREATE TABLE tgt_drop.mdl_course (id INT PRIMARY KEY)');
    });
    const { result } = await prepare('tgt_drop', 'drop');
    expect(result.resumed).toBe(false);
    expect(await tables('tgt_drop')).toEqual(['_mdl_restore_progress', '_mdl_restore_state']);
    expect(await charsetOf('tgt_drop')).toBe('utf8mb4');
  });
});

describe('resume', () => {
  it("takes the interrupted run's chunking and index choice, and the chunks it committed", async () => {
    await interrupted('tgt_resume', { ...IDENTITY, deferIndexes: false }, 2048);
    const { result } = await prepare('tgt_resume', 'resume', {}, 8192);
    expect(result.resumed).toBe(true);
    expect(result.chunkBytes).toBe(2048);
    expect(result.deferIndexes).toBe(false);
    expect([...result.checkpoints.keys()]).toEqual(['mdl_user']);
    expect(result.checkpoints.get('mdl_user')!.get(0)).toEqual({ rows: 3, crc: 7 });
    expect(await tables('tgt_resume')).toContain('mdl_user');
  });

  it('a run that stopped before naming its dump: named now, nothing of the dump has run', async () => {
    await interrupted('tgt_unnamed', 'unnamed');
    const { result } = await prepare('tgt_unnamed', 'resume', { deferIndexes: false }, 8192);
    expect(result).toMatchObject({ resumed: true, chunkBytes: 8192, deferIndexes: false });
    const identity = await withAdmin(async (c) => {
      await c.query('USE tgt_unnamed');
      return readIdentity(c);
    });
    expect(identity).toMatchObject({ fingerprint: IDENTITY.fingerprint, chunkBytes: 8192 });
  });

  it('refuses a resume with another dump, changing nothing', async () => {
    await interrupted('tgt_other');
    const err = await rejection(prepare('tgt_other', 'resume', { fingerprint: 'e'.repeat(64) }));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(
      'database tgt_other holds an interrupted restore of another dump (s3://dumps/moodle.sql.zst): its first MiB differs; ' +
        'use if-exists: drop to start again',
    );
    expect(await tables('tgt_other')).toContain('mdl_user');
  });

  it('a dump of another size but the same first MiB is resumed, with a warning', async () => {
    await interrupted('tgt_size');
    const lines: string[] = [];
    const log = { ...memoryLogger(), warning: (m: string) => void lines.push(m) };
    const result = await withAdmin((c) =>
      prepareDatabase(
        c,
        'tgt_size',
        'resume',
        { ...IDENTITY, compressedSize: 2000 },
        { chunkBytes: 4096, busyWaitMs: 300, log },
      ),
    );
    expect(result.resumed).toBe(true);
    expect(lines).toEqual([
      "the dump's size differs from the interrupted run's (1000 vs 2000 bytes); its first MiB matches, and every chunk already loaded is compared by checksum as it is read again",
    ]);
  });

  it('waits for a session still in the database, and refuses while it stays', async () => {
    await interrupted('tgt_busy');
    const busy = await adminConnection(mariadb(), 'tgt_busy');
    try {
      const err = await rejection(prepare('tgt_busy', 'resume'));
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toMatch(
        /^database tgt_busy is still in use by session\(s\) \d+ \(Sleep, \d+ s\): another restore may still be running into it/,
      );
    } finally {
      await busy.end();
    }
    // Once it has gone, the resume goes ahead.
    const { result } = await prepare('tgt_busy', 'resume');
    expect(result.resumed).toBe(true);
  });
});
