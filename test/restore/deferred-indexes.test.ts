// When held-back indexes are built: a table's indexes go to the builder only once the stream has
// moved past the table and every chunk of it handed to the pool is committed; a table without held
// keys never goes; the end of the dump completes every table; a failed pool sends none.
import { describe, expect, it } from '@jest/globals';
import { DeferredIndexes } from '../../packages/core/src/restore/deferred-indexes.js';
import type { IndexBuilder } from '../../packages/core/src/restore/indexes.js';
import { ChunkPool, type ChunkJob } from '../../packages/core/src/restore/pool.js';
import { TableLedger } from '../../packages/core/src/restore/tables.js';

const job = (table: string, index: number): ChunkJob => ({
  table,
  index,
  sql: Buffer.alloc(10),
  rows: 1,
  crc: 0,
  offset: 0,
  setVersion: 0,
});
const turns = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup() {
  const pool = new ChunkPool(1000, true);
  const added: [string, string[], number][] = [];
  let finished = false;
  const builder = {
    add: (table: string, keys: string[], bytes: number) => added.push([table, keys, bytes]),
    finish: async () => {
      finished = true;
    },
  } as unknown as IndexBuilder;
  const tables = new TableLedger();
  return {
    pool,
    added,
    tables,
    deferred: new DeferredIndexes(builder, pool, tables),
    isFinished: () => finished,
  };
}

describe('DeferredIndexes', () => {
  it("sends a table's keys once the stream is past it and its chunks are committed", async () => {
    const { pool, added, tables, deferred } = setup();
    deferred.hold('a', ['KEY `k` (`x`)']);
    tables.of('a').bytes = 500;
    deferred.reached('a');
    await pool.submit(job('a', 0));
    const taken = (await pool.take())!;
    await turns();
    expect(added).toEqual([]); // the stream is still at a
    deferred.reached('b');
    await turns();
    expect(added).toEqual([]); // past it, but its chunk is not committed
    pool.done(taken);
    await turns();
    expect(added).toEqual([['a', ['KEY `k` (`x`)'], 500]]);
    deferred.reached('a'); // back at a (it is already complete): not sent twice
    deferred.reached('c');
    await turns();
    expect(added).toHaveLength(1);
  });

  it('never sends a table without held keys; the end of the dump completes the rest and waits for the builder', async () => {
    const { added, deferred, isFinished } = setup();
    deferred.hold('b', ['KEY `k` (`y`)']);
    deferred.reached('a');
    deferred.reached('b');
    await turns();
    expect(added).toEqual([]);
    expect(deferred.size).toBe(1);
    await deferred.finish();
    expect(added.map(([t]) => t)).toEqual(['b']);
    expect(isFinished()).toBe(true);
  });

  it('sends nothing for a table whose chunks failed', async () => {
    const { pool, added, deferred } = setup();
    deferred.hold('a', ['KEY `k` (`x`)']);
    deferred.reached('a');
    await pool.submit(job('a', 0));
    deferred.reached('b');
    pool.fail(new Error('chunk failed'));
    await deferred.finish();
    expect(added).toEqual([]);
  });
});
