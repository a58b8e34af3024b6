// mdl-preview restore: stream a mysqldump (file or s3://, gzip/zstd/plain) into a database with the
// restore engine — parallel, resumable, verified. Passwords come from the environment, never argv.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import {
  ConfigurationError,
  lineLogger,
  parseAccount,
  parseCollationMap,
  restoreDatabase,
  type IfExists,
  type RestoreResult,
  type RestoreServer,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

const IF_EXISTS: readonly IfExists[] = ['fail', 'drop', 'resume'];
const DEFAULT_ADMIN_PASSWORD_ENV = 'MDL_DB_ADMIN_PASSWORD';

function secretFromEnv(io: CliIO, name: string, what: string): string {
  const v = io.env[name];
  if (!v) throw new ConfigurationError(`${what}: set the environment variable ${name}`);
  return v;
}

function wholeNumber(
  v: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const OPTIONS = {
  source: { type: 'string' },
  'db-host': { type: 'string' },
  'db-port': { type: 'string' },
  socket: { type: 'string' },
  database: { type: 'string' },
  'admin-user': { type: 'string' },
  'admin-password-env': { type: 'string' },
  parallel: { type: 'string' },
  'if-exists': { type: 'string' },
  'app-user': { type: 'string' },
  'app-password-env': { type: 'string' },
  'readonly-users': { type: 'string' },
  'without-mim': { type: 'boolean', default: false },
  'mim-source': { type: 'string' },
  'mim-database': { type: 'string' },
  definer: { type: 'string' },
  'map-collation': { type: 'string', multiple: true },
  'post-restore-sql-file': { type: 'string' },
  'chunk-mb': { type: 'string' },
  'chunk-kb': { type: 'string' },
  'progress-seconds': { type: 'string' },
  region: { type: 'string' },
  'one-chunk-per-table': { type: 'boolean', default: false },
  'defer-indexes': { type: 'boolean', default: false },
  'index-during-load': { type: 'boolean', default: false },
  'insert-only': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];

/** Refuses contradictory or missing options before anything is read or connected to. */
function checkValues(values: Values): { ifExists: IfExists; definer: 'rewrite' | 'drop' } {
  if (!values.source) throw new UsageError('restore needs --source PATH or s3://bucket/key');
  if (!values.database) throw new UsageError('restore needs --database NAME');
  if (!values['admin-user']) throw new UsageError('restore needs --admin-user NAME');
  if (!values.socket && !values['db-host'])
    throw new UsageError('restore needs --db-host HOST (or --socket PATH)');
  if (Boolean(values['mim-source']) !== Boolean(values['mim-database']))
    throw new UsageError('--mim-source and --mim-database go together');
  if (values['without-mim'] && values['mim-source'])
    throw new UsageError('--without-mim contradicts --mim-source');
  const ifExists = (values['if-exists'] ?? 'fail') as IfExists;
  if (!IF_EXISTS.includes(ifExists))
    throw new UsageError(`--if-exists must be one of ${IF_EXISTS.join(', ')}`);
  const definerMode = values.definer ?? 'rewrite';
  if (definerMode !== 'rewrite' && definerMode !== 'drop')
    throw new UsageError('--definer must be rewrite or drop');
  if (values['defer-indexes'] && values['index-during-load'])
    throw new UsageError('--defer-indexes contradicts --index-during-load');
  return { ifExists, definer: definerMode === 'drop' ? 'drop' : 'rewrite' };
}

/** The engine's options both databases share: the server, the accounts, the tuning. */
function commonOptions(values: Values, io: CliIO) {
  const checked = checkValues(values);
  const server: RestoreServer = {
    ...(values.socket
      ? { socket: values.socket }
      : { host: values['db-host'], port: wholeNumber(values['db-port'], 'db-port', 3306, 1, 65535) }),
    user: values['admin-user']!,
    password: secretFromEnv(
      io,
      values['admin-password-env'] ?? DEFAULT_ADMIN_PASSWORD_ENV,
      'the admin password is read from the environment',
    ),
  };
  const appUser = values['app-user']
    ? {
        account: parseAccount(values['app-user'], '--app-user'),
        password: secretFromEnv(
          io,
          values['app-password-env'] ?? 'MDL_DB_APP_PASSWORD',
          'the app user password',
        ),
      }
    : undefined;
  const readonlyUsers = (values['readonly-users'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => parseAccount(s, '--readonly-users'));
  return {
    server,
    parallel: wholeNumber(values.parallel, 'parallel', 2, 1, 64),
    ...checked,
    collations: parseCollationMap(values['map-collation'] ?? []),
    ...(values['chunk-mb']
      ? { chunkBytes: wholeNumber(values['chunk-mb'], 'chunk-mb', 8, 1, 256) * 1024 * 1024 }
      : {}),
    ...(values['chunk-kb']
      ? { chunkBytes: wholeNumber(values['chunk-kb'], 'chunk-kb', 4096, 1, 262144) * 1024 }
      : {}),
    ...(appUser ? { appUser } : {}),
    readonlyUsers,
    spreadTables: !values['one-chunk-per-table'],
    // Indexes are added after the rows by default; --defer-indexes is kept for scripts that say so.
    deferIndexes: !values['index-during-load'],
    loadData: !values['insert-only'],
    progressIntervalMs: wholeNumber(values['progress-seconds'], 'progress-seconds', 30, 0, 3600) * 1000,
    ...(values.region ? { region: values.region } : {}),
    ...(io.seams?.restore ?? {}),
    log: lineLogger((line) => io.stderr(`${line}\n`), { debug: Boolean(io.env.MDL_PREVIEW_DEBUG) }),
  };
}

function report(results: RestoreResult[], json: boolean, io: CliIO): void {
  if (json) {
    const sum = (f: (r: RestoreResult) => number) => results.reduce((n, r) => n + f(r), 0);
    io.stdout(
      `${JSON.stringify({
        tables: sum((r) => r.tables),
        rows: sum((r) => r.rows),
        bytes: sum((r) => r.bytes),
        seconds: sum((r) => r.seconds),
        compressedBytes: sum((r) => r.compressedBytes),
        resumed: results.some((r) => r.resumed),
        skippedChunks: sum((r) => r.skippedChunks),
        databases: results.map(({ slowest, ...r }) => ({ ...r, slowest: slowest.slice(0, 5) })),
      })}\n`,
    );
    return;
  }
  for (const r of results)
    io.stdout(
      `restored ${r.database} from ${r.source}: ${r.tables} tables, ${r.rows} rows, ${r.bytes} bytes of SQL in ${r.seconds.toFixed(1)} s` +
        `${r.resumed ? ` (resumed, ${r.skippedChunks} chunk(s) were in)` : ''}\n`,
    );
}

export async function restore(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: false });
  if (positionals.length) throw new UsageError('restore takes options only');
  const common = commonOptions(values, io);
  const postRestoreSql = values['post-restore-sql-file']
    ? await readFile(values['post-restore-sql-file'], 'utf8')
    : undefined;

  const results: RestoreResult[] = [];
  results.push(
    await restoreDatabase({
      ...common,
      source: values.source!,
      database: values.database!,
      ...(postRestoreSql ? { postRestoreSql } : {}),
      hidePorticoBlock: values['without-mim'],
    }),
  );
  if (values['mim-source'] && values['mim-database'])
    results.push(
      await restoreDatabase({
        ...common,
        source: values['mim-source'],
        database: values['mim-database'],
      }),
    );
  report(results, values.json, io);
  return EXIT.ok;
}
