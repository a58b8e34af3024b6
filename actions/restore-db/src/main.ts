// restore-db: inputs → restoreDatabase for the Moodle database (and MIM when given) → outputs and a
// step summary. Passwords are masked before anything is logged.
import { runner as core } from '@moodle-preview/core';
import {
  actionLogger,
  booleanInput,
  choiceInput,
  ConfigurationError,
  integerInput,
  listInput,
  optionalInput,
  parseAccount,
  parseCollationMap,
  restoreDatabase,
  restoreSummaryMarkdown,
  runAction,
  type IfExists,
  type RestoreAccount,
  type RestoreResult,
} from '@moodle-preview/core';

export const INPUTS = {
  source: 'source',
  database: 'database',
  dbHost: 'db-host',
  dbPort: 'db-port',
  adminUser: 'admin-user',
  adminPassword: 'admin-password',
  appUser: 'app-user',
  appPassword: 'app-password',
  readonlyUsers: 'readonly-users',
  parallel: 'parallel',
  ifExists: 'if-exists',
  postRestoreSql: 'post-restore-sql',
  withoutMim: 'without-mim',
  mimSource: 'mim-source',
  mimDatabase: 'mim-database',
  definer: 'definer',
  mapCollation: 'map-collation',
  chunkMb: 'chunk-mb',
  deferIndexes: 'defer-indexes',
  loadData: 'load-data',
  progressSeconds: 'progress-seconds',
} as const;

export const OUTPUTS = { tables: 'tables', rows: 'rows', bytes: 'bytes', seconds: 'seconds' } as const;

export interface Inputs {
  source: string;
  database: string;
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  appUser: { account: RestoreAccount; password: string } | undefined;
  readonlyUsers: RestoreAccount[];
  parallel: number;
  ifExists: IfExists;
  postRestoreSql: string | undefined;
  withoutMim: boolean;
  mim: { source: string; database: string } | undefined;
  definer: 'rewrite' | 'drop';
  collations: Record<string, string>;
  chunkBytes: number;
  deferIndexes: boolean;
  loadData: boolean;
  progressSeconds: number;
}

function required(name: string): string {
  const v = optionalInput(name);
  if (!v) throw new ConfigurationError(`input ${name} is required`);
  return v;
}

export function getInputs(): Inputs {
  // Secrets first: nothing may be logged before they are masked.
  const adminPassword = core.getInput(INPUTS.adminPassword);
  const appPassword = core.getInput(INPUTS.appPassword);
  if (adminPassword) core.setSecret(adminPassword);
  if (appPassword) core.setSecret(appPassword);
  if (!adminPassword) throw new ConfigurationError(`input ${INPUTS.adminPassword} is required`);
  const appUser = optionalInput(INPUTS.appUser);
  if (appUser && !appPassword)
    throw new ConfigurationError(`input ${INPUTS.appPassword} is required with ${INPUTS.appUser}`);
  const mimSource = optionalInput(INPUTS.mimSource);
  const mimDatabase = optionalInput(INPUTS.mimDatabase);
  if (Boolean(mimSource) !== Boolean(mimDatabase))
    throw new ConfigurationError(`inputs ${INPUTS.mimSource} and ${INPUTS.mimDatabase} go together`);
  const withoutMim = booleanInput(INPUTS.withoutMim, false);
  if (withoutMim && mimSource)
    throw new ConfigurationError(`${INPUTS.withoutMim}: true contradicts ${INPUTS.mimSource}`);
  return {
    source: required(INPUTS.source),
    database: required(INPUTS.database),
    host: required(INPUTS.dbHost),
    port: integerInput(INPUTS.dbPort, 3306, 1, 65535),
    adminUser: required(INPUTS.adminUser),
    adminPassword,
    appUser: appUser ? { account: parseAccount(appUser, INPUTS.appUser), password: appPassword } : undefined,
    readonlyUsers: listInput(INPUTS.readonlyUsers).map((u) => parseAccount(u, INPUTS.readonlyUsers)),
    parallel: integerInput(INPUTS.parallel, 2, 1, 64),
    ifExists: choiceInput(INPUTS.ifExists, ['fail', 'drop', 'resume'] as const, 'fail'),
    postRestoreSql: optionalInput(INPUTS.postRestoreSql),
    withoutMim,
    mim: mimSource && mimDatabase ? { source: mimSource, database: mimDatabase } : undefined,
    definer: choiceInput(INPUTS.definer, ['rewrite', 'drop'] as const, 'rewrite'),
    collations: parseCollationMap(listInput(INPUTS.mapCollation)),
    chunkBytes: integerInput(INPUTS.chunkMb, 8, 1, 256) * 1024 * 1024,
    deferIndexes: booleanInput(INPUTS.deferIndexes, true),
    loadData: booleanInput(INPUTS.loadData, true),
    progressSeconds: integerInput(INPUTS.progressSeconds, 30, 1, 3600),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const log = actionLogger();
    const common = {
      server: {
        host: inputs.host,
        port: inputs.port,
        user: inputs.adminUser,
        password: inputs.adminPassword,
      },
      parallel: inputs.parallel,
      ifExists: inputs.ifExists,
      definer: inputs.definer,
      collations: inputs.collations,
      chunkBytes: inputs.chunkBytes,
      deferIndexes: inputs.deferIndexes,
      loadData: inputs.loadData,
      readonlyUsers: inputs.readonlyUsers,
      progressIntervalMs: inputs.progressSeconds * 1000,
      ...(inputs.appUser ? { appUser: inputs.appUser } : {}),
      log,
    };
    const results: RestoreResult[] = [];
    results.push(
      await restoreDatabase({
        ...common,
        source: inputs.source,
        database: inputs.database,
        ...(inputs.postRestoreSql ? { postRestoreSql: inputs.postRestoreSql } : {}),
        hidePorticoBlock: inputs.withoutMim,
      }),
    );
    if (inputs.mim) results.push(await restoreDatabase({ ...common, ...inputs.mim }));
    const sum = (f: (r: RestoreResult) => number) => results.reduce((n, r) => n + f(r), 0);
    core.setOutput(OUTPUTS.tables, String(sum((r) => r.tables)));
    core.setOutput(OUTPUTS.rows, String(sum((r) => r.rows)));
    core.setOutput(OUTPUTS.bytes, String(sum((r) => r.bytes)));
    core.setOutput(OUTPUTS.seconds, sum((r) => r.seconds).toFixed(1));
    await core.summary.addRaw(restoreSummaryMarkdown(results)).write();
  });
}
