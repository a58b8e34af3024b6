// Verification after the load: a table of the dump missing from the target (created by this run or
// by the interrupted one) fails it, and so do counted tables whose loaded rows differ from the
// dump's; tables filled by INSERT IGNORE or REPLACE are not counted.
import { describe, expect, it } from '@jest/globals';
import type { CheckpointMap } from '../../packages/core/src/restore/checkpoint.js';
import { RestoreError } from '../../packages/core/src/restore/messages.js';
import { TableLedger } from '../../packages/core/src/restore/tables.js';
import { verifyTables } from '../../packages/core/src/restore/verify.js';

function ledger(entries: Record<string, { expected: number; applied: number; uncounted?: boolean }>) {
  const l = new TableLedger();
  for (const [name, e] of Object.entries(entries))
    Object.assign(l.of(name), {
      expectedRows: e.expected,
      appliedRows: e.applied,
      uncounted: e.uncounted ?? false,
    });
  return l;
}
const resumedWith = (...tables: string[]): CheckpointMap =>
  new Map(tables.map((t) => [t, new Map([[0, { rows: 1, crc: 0 }]])]));

describe('verifyTables', () => {
  it("returns every table of the dump, this run's and the interrupted run's, once each", () => {
    const all = verifyTables(new Set(['a', 'b', 'c']), ['a', 'b'], resumedWith('b', 'c'), ledger({}));
    expect(all.sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails when a table this run created is missing', () => {
    expect(() => verifyTables(new Set(['a']), ['a', 'b'], new Map(), ledger({}))).toThrow(
      new RestoreError('verification failed: table(s) of the dump missing after the restore: b'),
    );
  });

  it('fails when a table only the interrupted run created is missing', () => {
    expect(() => verifyTables(new Set(['a']), ['a'], resumedWith('c'), ledger({}))).toThrow(
      /missing after the restore: c/,
    );
  });

  it('fails naming each counted table whose rows differ, and ignores uncounted ones', () => {
    const tables = ledger({
      a: { expected: 3, applied: 3 },
      b: { expected: 3, applied: 2 },
      c: { expected: 3, applied: 1, uncounted: true },
    });
    expect(() => verifyTables(new Set(['a', 'b', 'c']), ['a', 'b', 'c'], new Map(), tables)).toThrow(
      new RestoreError('verification failed: rows loaded differ from rows in the dump: b (dump 3, loaded 2)'),
    );
    tables.of('b').appliedRows = 3;
    expect(verifyTables(new Set(['a', 'b', 'c']), ['a', 'b', 'c'], new Map(), tables)).toHaveLength(3);
  });
});
