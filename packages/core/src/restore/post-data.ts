// Views, triggers and routines, run after every row is in (so triggers do not fire on restored
// rows), on a connection of their own that replays the dump's session SETs in order.
import type { Logger } from '../logger.js';
import { quoteIdentifier } from '../db/provision-sql.js';
import type { Connections } from './connections.js';
import type { CrashPointReporter } from './crash-points.js';
import { RestoreError, preview, sqlMessage } from './messages.js';
import type { PostData } from './statement-router.js';
import { statementHead } from './statements.js';

export async function runPostData(
  items: readonly PostData[],
  sets: readonly string[],
  run: {
    connections: Connections;
    database: string;
    log: Logger;
    crashPoint: CrashPointReporter;
    secrets: readonly string[];
  },
): Promise<void> {
  if (!items.length) return;
  await run.log.group(`views, triggers and routines (${items.length} statements)`, async () => {
    const conn = await run.connections.open(run.database, { setup: true });
    let replayed = 0;
    for (const item of items) {
      for (; replayed < item.setVersion; replayed++) await conn.query(sets[replayed]!);
      try {
        // CREATE TRIGGER has no OR REPLACE in mysqldump output; dropping first makes a resume safe.
        if (item.trigger) await conn.query(`DROP TRIGGER IF EXISTS ${quoteIdentifier(item.trigger)}`);
        const q = conn.query(item.sql);
        run.crashPoint('post-data');
        await q;
      } catch (err) {
        throw new RestoreError(
          `the statement at dump byte ${item.offset} (${preview(item.sql)}) failed: ${sqlMessage(err, run.secrets)}`,
        );
      }
    }
  });
}

/** How many of the held statements create a view. */
export function countViews(items: readonly PostData[]): number {
  return items.filter((p) => {
    const sql = Buffer.from(p.sql, 'latin1');
    return /\bVIEW\b/i.test(statementHead(sql, 300)) && /^CREATE/i.test(statementHead(sql, 20));
  }).length;
}
