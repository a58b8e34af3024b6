// ChunkPool's hand-over: bounded bytes, and tableDone — what lets a table's indexes be built as soon as
// its last chunk is committed, while chunks of the tables after it are still loading.
import { describe, expect, it } from '@jest/globals';
import { ChunkPool, type ChunkJob } from '../../packages/core/src/restore/pool.js';

const job = (table: string, index: number, bytes = 10): ChunkJob => ({
  table,
  index,
  sql: Buffer.alloc(bytes),
  rows: 1,
  crc: 0,
  offset: 0,
  setVersion: 0,
});

/** Whether `p` has settled after a few turns of the event loop. */
async function settledSoon(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('ChunkPool.tableDone', () => {
  it("resolves when the table's last chunk is done, whatever other tables still have in flight", async () => {
    const pool = new ChunkPool(1000, true);
    await pool.submit(job('a', 0));
    await pool.submit(job('a', 1));
    await pool.submit(job('b', 0));
    const aDone = pool.tableDone('a');
    const first = (await pool.take())!;
    const second = (await pool.take())!;
    expect([first.table, first.index, second.table, second.index]).toEqual(['a', 0, 'a', 1]);
    pool.done(first);
    expect(await settledSoon(aDone)).toBe(false); // a:1 is still in flight
    pool.done(second);
    expect(await settledSoon(aDone)).toBe(true);
    // b's chunk is still queued: b is not done, and a table never submitted is done at once.
    expect(await settledSoon(pool.tableDone('b'))).toBe(false);
    expect(await settledSoon(pool.tableDone('never'))).toBe(true);
  });

  it('rejects the waiters with the pool failure', async () => {
    const pool = new ChunkPool(1000, true);
    await pool.submit(job('a', 0));
    const waiting = pool.tableDone('a');
    pool.fail(new Error('connection lost'));
    await expect(waiting).rejects.toThrow('connection lost');
  });

  it('holds the reader back once the queued bytes reach the limit', async () => {
    const pool = new ChunkPool(25, false);
    await pool.submit(job('a', 0));
    await pool.submit(job('a', 1));
    const third = pool.submit(job('a', 2));
    expect(await settledSoon(third)).toBe(false);
    pool.done((await pool.take())!);
    expect(await settledSoon(third)).toBe(true);
  });
});
