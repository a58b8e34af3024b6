// Verification after the load: every table of the dump is in the target and holds the rows the
// dump has for it (tables filled by INSERT IGNORE or REPLACE are not counted). Then, after a resume,
// each table's AUTO_INCREMENT is put back where a clean restore leaves it.
import type { Connection } from 'mysql2/promise';
import { quoteIdentifier } from '../db/provision-sql.js';
import type { CheckpointMap } from './checkpoint.js';
import { RestoreError } from './messages.js';
import { wireToText } from './statements.js';
import type { TableLedger } from './tables.js';

/** The target's tables, named as the dump's bytes spell them. */
export async function presentTables(control: Connection, db: string): Promise<Set<string>> {
  const [rows] = (await control.query(
    'SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
    [db],
  )) as unknown as [{ n: string }[]];
  return new Set(rows.map((r) => Buffer.from(r.n, 'utf8').toString('latin1')));
}

/**
 * Throws when a table of the dump is missing or holds other row counts; returns every table of the
 * dump (created by this run or by the interrupted one).
 */
export function verifyTables(
  present: ReadonlySet<string>,
  createdTables: readonly string[],
  checkpoints: CheckpointMap,
  tables: TableLedger,
): string[] {
  const all = [...new Set([...createdTables, ...checkpoints.keys()])];
  const missing = all.filter((t) => !present.has(t));
  if (missing.length)
    throw new RestoreError(
      `verification failed: table(s) of the dump missing after the restore: ${missing.map(wireToText).join(', ')}`,
    );
  const wrong = tables.miscounted();
  if (wrong.length)
    throw new RestoreError(
      'verification failed: rows loaded differ from rows in the dump: ' +
        wrong
          .map(([n, t]) => `${wireToText(n)} (dump ${t.expectedRows}, loaded ${t.appliedRows})`)
          .join(', '),
    );
  return all;
}

/**
 * A chunk rolled back by the crash may have moved an AUTO_INCREMENT counter: put it where a clean
 * restore leaves it (InnoDB never sets it below the largest key + 1).
 */
export async function resetAutoIncrements(
  control: Connection,
  tables: TableLedger,
  present: ReadonlySet<string>,
): Promise<void> {
  for (const [name, t] of tables.tables)
    if (t.autoIncrement !== undefined && present.has(name))
      await control.query(`ALTER TABLE ${quoteIdentifier(name)} AUTO_INCREMENT = ${t.autoIncrement}`);
}
