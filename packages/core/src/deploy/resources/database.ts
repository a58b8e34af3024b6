// The site's databases and DB user. With db-access direct the current state is read from MySQL
// itself; through SQL tasks it is what the site registry recorded (reading it would need a task,
// and a redeploy must make no mutating call), and the task's SQL is idempotent either way.
import type { DbChanges, DeployEnv, Inspection } from '../types.js';
import { readDbPassword } from '../../resources/db-secret.js';

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
