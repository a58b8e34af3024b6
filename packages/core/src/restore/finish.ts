// After verification: the site's accounts and grants, the site's own post-restore SQL (run once even
// across resumes: the state table records it), and the checkpoint tables dropped at the very end.
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { Logger } from '../logger.js';
import { grantSchema, quoteIdentifier } from '../db/provision-sql.js';
import { CHECKPOINT_TABLES, STATE_TABLE } from './checkpoint.js';
import { RestoreError, preview, sqlMessage } from './messages.js';
import { DumpSplitter } from './splitter.js';
import type { RestoreAccount, RestoreOptions } from './options.js';

const account = (a: RestoreAccount) => `'${a.name}'@'${a.host}'`;

interface Run {
  control: Connection;
  log: Logger;
  secrets: readonly string[];
}

async function runAdmin(run: Run, sql: string, values: unknown[], what: string): Promise<void> {
  try {
    // Values travel as raw UTF-8 bytes, like everything else on these latin1-encoded connections.
    await run.control.query(
      sql,
      values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8').toString('latin1') : v)),
    );
  } catch (err) {
    throw new RestoreError(`${what} failed: ${sqlMessage(err, run.secrets)}`);
  }
}

/** The app user (created if absent, all privileges on the database) and the read-only grants. */
export async function grantAccounts(run: Run, options: RestoreOptions): Promise<void> {
  const db = options.database;
  const schema = quoteIdentifier(grantSchema(db));
  if (options.appUser) {
    const a = options.appUser.account;
    await runAdmin(
      run,
      `CREATE USER IF NOT EXISTS ${account(a)} IDENTIFIED BY ?`,
      [options.appUser.password],
      `creating the app user ${a.name}`,
    );
    await runAdmin(
      run,
      `GRANT ALL PRIVILEGES ON ${schema}.* TO ${account(a)}`,
      [],
      `granting ${a.name} on ${db}`,
    );
  }
  for (const ro of options.readonlyUsers ?? [])
    await runAdmin(
      run,
      `GRANT SELECT, SHOW VIEW ON ${schema}.* TO ${account(ro)}`,
      [],
      `granting read-only ${ro.name}@${ro.host} on ${db} (the account must exist)`,
    );
}

/** The post-restore SQL and the portico block, unless a run before this one did them. */
export async function siteFixups(run: Run, options: RestoreOptions): Promise<void> {
  const { control, log, secrets } = run;
  const [[done]] = (await control.query(
    `SELECT v FROM \`${STATE_TABLE}\` WHERE k = 'post-restore'`,
  )) as unknown as [[{ v: string }?]];
  if (done) return;
  if (options.postRestoreSql?.trim()) {
    const statements = splitScript(options.postRestoreSql);
    for (const s of statements) {
      try {
        await control.query(s);
      } catch (err) {
        throw new RestoreError(`post-restore SQL ${preview(s)} failed: ${sqlMessage(err, secrets)}`);
      }
    }
    log.info(`post-restore SQL: ${statements.length} statement(s) run`);
  }
  if (options.hidePorticoBlock) await hidePorticoBlock(run);
  await control.query(`REPLACE INTO \`${STATE_TABLE}\` (k, v) VALUES ('post-restore', 'done')`);
}

/** A Moodle restored without its MIM database: the portico_enrolments block would only fail. */
async function hidePorticoBlock({ control, log, secrets }: Run): Promise<void> {
  try {
    const [r] = (await control.query(
      `UPDATE mdl_block SET visible = 0 WHERE name = 'portico_enrolments'`,
    )) as unknown as [ResultSetHeader];
    log.info(`without MIM: portico_enrolments block hidden (${r.affectedRows} row(s) changed)`);
  } catch (err) {
    log.warning(`without MIM: could not hide the portico_enrolments block: ${sqlMessage(err, secrets)}`);
  }
}

/** The restore is complete: its checkpoint tables go. */
export async function dropCheckpointTables(control: Connection): Promise<void> {
  for (const t of CHECKPOINT_TABLES) await control.query(`DROP TABLE IF EXISTS \`${t}\``);
}

/** Statements of a small script (post-restore SQL), split the way the dump is. */
export function splitScript(sql: string): string[] {
  const splitter = new DumpSplitter();
  const pieces = [...splitter.push(Buffer.from(sql, 'utf8')), ...splitter.end(true)];
  return pieces.map((p) =>
    p.kind === 'statement' ? p.sql.toString('latin1') : Buffer.concat([p.prefix, p.rows]).toString('latin1'),
  );
}
