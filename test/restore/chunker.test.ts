// The row chunker: which row groups share a chunk (same table, same INSERT prefix, within the
// chunk size), what each chunk carries to the loaders, and on a resume which chunks are skipped —
// and that a chunk whose bytes differ from the interrupted run's is refused.
import { describe, expect, it } from '@jest/globals';
import { crc32 } from 'node:zlib';
import { ConfigurationError } from '../../packages/core/src/errors.js';
import type { CheckpointMap } from '../../packages/core/src/restore/checkpoint.js';
import { RowChunker, chunkSql } from '../../packages/core/src/restore/chunker.js';
import { ChunkPool, type ChunkJob } from '../../packages/core/src/restore/pool.js';
import type { DumpRows } from '../../packages/core/src/restore/splitter.js';
import { TableLedger } from '../../packages/core/src/restore/tables.js';

const rows = (table: string, values: string, extra: Partial<DumpRows> = {}): DumpRows => ({
  kind: 'rows',
  table,
  prefix: Buffer.from(`INSERT INTO \`${table}\` VALUES `),
  rows: Buffer.from(values),
  rowCount: values.split('),(').length,
  offset: 100,
  plain: true,
  ...extra,
});

function chunker(chunkBytes = 1024, checkpoints: CheckpointMap = new Map(), sets: string[] = []) {
  const pool = new ChunkPool(1 << 20, true);
  const tables = new TableLedger();
  const reached: string[] = [];
  const c = new RowChunker({ pool, tables, checkpoints, chunkBytes, sets, reached: (t) => reached.push(t) });
  const jobs = async (): Promise<ChunkJob[]> => {
    pool.close();
    const out: ChunkJob[] = [];
    for (let j = await pool.take(); j; j = await pool.take()) {
      out.push(j);
      pool.done(j);
    }
    return out;
  };
  return { c, tables, reached, jobs };
}

describe('RowChunker', () => {
  it('joins row groups of one table and prefix into one chunk with the rows counted', async () => {
    const { c, tables, reached, jobs } = chunker();
    await c.add(rows('a', '(1),(2)'));
    await c.add(rows('a', '(3)', { offset: 200 }));
    await c.flush();
    const [job, ...more] = await jobs();
    expect(more).toEqual([]);
    expect(job!.sql.toString()).toBe('INSERT INTO `a` VALUES (1),(2),(3)');
    expect(job).toMatchObject({ table: 'a', index: 0, rows: 3, offset: 100, crc: crc32(job!.sql) });
    expect(job!.loadData).toEqual({ rowsAt: 'INSERT INTO `a` VALUES '.length, columns: '' });
    expect(tables.of('a')).toMatchObject({ chunks: 1, expectedRows: 3, bytes: job!.sql.length });
    expect(reached).toEqual(['a', 'a']);
  });

  it('starts a new chunk at another table, another prefix, or when the next group would pass the size', async () => {
    const { c, jobs } = chunker(40);
    await c.add(rows('a', '(1)'));
    await c.add(rows('b', '(1)'));
    await c.add(rows('b', '(2)', { prefix: Buffer.from('INSERT IGNORE INTO `b` VALUES ') }));
    await c.add(rows('c', '(1111111)')); // prefix 23 + 9 + 1 = 33 bytes
    await c.add(rows('c', '(2222222)')); // 33 + 10 = 43 > 40: a new chunk
    await c.add(rows('c', '(3)')); // 33 + 4 = 37: joins it
    await c.flush();
    expect((await jobs()).map((j) => [j.table, j.index, j.sql.toString().replace(/^.*VALUES /, '')])).toEqual(
      [
        ['a', 0, '(1)'],
        ['b', 0, '(1)'],
        ['b', 1, '(2)'],
        ['c', 0, '(1111111)'],
        ['c', 1, '(2222222),(3)'],
      ],
    );
  });

  it('marks a table loaded by INSERT IGNORE or REPLACE as uncounted, and only it', async () => {
    const { c, tables } = chunker();
    await c.add(rows('a', '(1)'));
    await c.add(rows('b', '(1)', { prefix: Buffer.from('REPLACE INTO `b` VALUES ') }));
    await c.flush();
    expect([tables.of('a').uncounted, tables.of('b').uncounted]).toEqual([false, true]);
  });

  it('offers LOAD DATA only when every group of the chunk is plain, and records the SETs before it', async () => {
    const sets = ['SET NAMES utf8mb4'];
    const { c, jobs } = chunker(1024, new Map(), sets);
    await c.add(rows('a', '(1)'));
    await c.add(rows('a', "(_binary 'x')", { plain: false }));
    await c.add(rows('b', '(1)'));
    sets.push('SET time_zone = "+00:00"');
    await c.flush();
    const [a, b] = await jobs();
    expect([a!.loadData, a!.setVersion]).toEqual([undefined, 1]);
    expect([b!.loadData?.columns, b!.setVersion]).toEqual(['', 2]);
  });

  it('skips a chunk the interrupted run committed, counting its rows, and loads the ones after it', async () => {
    const first = chunkSql(Buffer.from('INSERT INTO `a` VALUES '), [Buffer.from('(1),(2)')]);
    const checkpoints: CheckpointMap = new Map([['a', new Map([[0, { rows: 2, crc: crc32(first) }]])]]);
    const { c, tables, jobs } = chunker(30, checkpoints);
    await c.add(rows('a', '(1),(2)'));
    await c.add(rows('a', '(3)'));
    await c.flush();
    expect((await jobs()).map((j) => j.index)).toEqual([1]);
    expect(c.skipped).toBe(1);
    expect(tables.of('a')).toMatchObject({ chunks: 2, expectedRows: 3, appliedRows: 2 });
  });

  it('refuses to go on when a committed chunk differs from this dump’s', async () => {
    const checkpoints: CheckpointMap = new Map([['a', new Map([[0, { rows: 2, crc: 12345 }]])]]);
    const { c } = chunker(1024, checkpoints);
    await c.add(rows('a', '(1),(2)'));
    const flushed = c.flush();
    await expect(flushed).rejects.toThrow(ConfigurationError);
    await expect(flushed).rejects.toThrow(/chunk 0 of table `a` differs .* if-exists: drop/);
  });
});
