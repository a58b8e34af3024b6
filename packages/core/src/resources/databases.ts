// The site's databases and DB user. Deploy: with db-access direct the current state is read from
// MySQL itself; through SQL tasks it is what the site registry recorded (reading it would need a task,
// and a redeploy must make no mutating call), and the task's SQL is idempotent either way. Destroy:
// kept unless it purges; the purge drops them through the DB purger (SQL task or direct), before the
// DB secret goes (while it exists a re-run repeats their idempotent removal).
import type { PurgeResult, PurgeState, PurgeTarget } from '../db/purge-sql.js';
import type { DbChanges, DeployEnv, Inspection } from '../deploy/types.js';
import { KEEP_NOTE, once, type DestroyEnv, type Removal, type RemovalOutcome } from '../destroy/types.js';
import { readDbPassword } from './db-secret.js';
import type { SiteResource } from './types.js';
import { planDatabases, planDbUser } from './databases.plan.js';

export interface DatabaseInspections {
  databases: Inspection;
  dbUser: Inspection;
}

export async function inspectDatabases(
  env: DeployEnv,
  secret: Promise<Inspection>,
): Promise<DatabaseInspections> {
  const dbs = env.plan.resources.databases;
  const user = env.plan.resources.dbUser;
  const previous = env.previousEntry;
  const recorded =
    previous !== undefined &&
    previous.dbHost === dbs.spec.server.host &&
    previous.dbUser === user.spec.name &&
    previous.databases.moodle === dbs.spec.databases.find((d) => d.role === 'moodle')?.name &&
    previous.databases.mim === dbs.spec.databases.find((d) => d.role === 'mim')?.name;
  const ctx = {
    password: async () => {
      await secret; // the secret exists (or was just created) before anyone reads it
      return readDbPassword(env);
    },
    siteSecretArn: () => env.refs.get('dbSecret'),
  };
  let known: DbChanges | undefined;
  if (env.db.mode === 'direct') {
    // A secret that does not exist yet means a user that cannot exist with that password yet.
    known = (await secret).action === 'create' ? undefined : await env.db.changes(ctx);
  } else if (recorded) {
    known = { databases: [], user: [] };
  }
  let applied: Promise<DbChanges> | undefined;
  const applyOnce = () => (applied ??= env.db.apply(ctx));
  const unknownText =
    env.db.mode === 'task' ? 'ensure through a SQL task (create if absent)' : 'create if absent';
  const inspection = (id: 'databases' | 'dbUser', name: string, lines: string[] | undefined): Inspection => {
    if (lines && lines.length === 0) return { id, name, action: 'none', changes: [], arn: name };
    return {
      id,
      name,
      action: lines ? 'update' : 'create',
      changes: lines ?? [unknownText],
      apply: async () => {
        const done = await applyOnce();
        for (const line of id === 'databases' ? done.databases : done.user) env.log.info(`  ${line}`);
        return name;
      },
    };
  };
  return {
    databases: inspection('databases', dbs.name, known?.databases),
    dbUser: inspection('dbUser', user.name, known?.user),
  };
}

/** One read for both resources of a deploy (the databases and the user come from one provisioner). */
const reads = new WeakMap<DeployEnv, Promise<DatabaseInspections>>();
function read(env: DeployEnv, secret: Promise<Inspection>): Promise<DatabaseInspections> {
  let p = reads.get(env);
  if (!p) reads.set(env, (p = inspectDatabases(env, secret)));
  return p;
}

/**
 * Destroy's rows for the databases and users: they need what the purger read of the server (once,
 * for both) and whether the DB secret is gone already, so they are not a `removals` of their own.
 */
export function databaseRows(
  env: DestroyEnv,
  state: PurgeState | undefined,
  siteSecretGone: boolean,
): Removal[] {
  const { data } = env.target;
  const purgeTarget: PurgeTarget = { databases: data.databases, users: data.users };
  const items = [
    ...data.databases.map((name) => ({ resource: 'database', kind: 'databases' as const, name })),
    ...data.users.map((name) => ({ resource: 'DB user', kind: 'users' as const, name })),
  ];
  const run = once(() => env.db.purge(purgeTarget));
  const outcome = (result: PurgeResult, kind: 'databases' | 'users', name: string): RemovalOutcome =>
    result.dropped[kind].includes(name) ? 'removed' : 'already gone';
  return items.map(({ resource, kind, name }): Removal => {
    const base = {
      resource,
      name: kind === 'users' ? `${name}@'%'` : name,
      data: true,
      step: 'data in place' as const,
    };
    if (!env.purge) return { ...base, plan: 'keep', note: `${KEEP_NOTE}; on ${data.dbHost}` };
    if (state && !state[kind].includes(name)) return { ...base, plan: 'gone' };
    if (!state && siteSecretGone)
      return { ...base, plan: 'gone', note: 'dropped before the DB secret was deleted, by an earlier run' };
    return {
      ...base,
      plan: 'remove',
      note: `${env.db.mode === 'task' ? 'SQL task' : 'direct'}: DROP … IF EXISTS on ${data.dbHost}`,
      apply: async () => {
        const done = outcome(await run(), kind, name);
        if (done === 'removed')
          env.log.info(`  dropped ${resource === 'database' ? 'database' : 'user'} ${base.name}`);
        return done;
      },
    };
  });
}

export const databases = {
  id: 'databases',
  kind: 'databases',
  plan: planDatabases,
  inspect: async (env, secret) => (await read(env, secret)).databases,
} satisfies SiteResource<'databases', [secret: Promise<Inspection>]>;

export const dbUser = {
  id: 'dbUser',
  kind: 'DB user',
  plan: planDbUser,
  inspect: async (env, secret) => (await read(env, secret)).dbUser,
} satisfies SiteResource<'dbUser', [secret: Promise<Inspection>]>;
