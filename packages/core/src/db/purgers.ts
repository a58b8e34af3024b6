// The two ways destroy-instance drops a site's databases and users, as provisioning creates them:
// `direct` (mysql2 from a runner in the VPC) and `task` (a one-off SQL task in the VPC).
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { driftPaths, tagRecord } from '../deploy/normalise.js';
import { secretValueFrom } from '../resources/task-definition.js';
import type { OneOffTaskRunner } from '../deploy/types.js';
import type { Logger } from '../logger.js';
import { SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import type { Platform } from '../settings/platform-schema.js';
import { inspectPurgeDirect, purgeDirect } from './purge-direct.js';
import { adminAccount } from './provisioners.js';
import {
  checkPurgeTarget,
  parsePurgeState,
  purgeResult,
  purgeTaskSql,
  type PurgeResult,
  type PurgeState,
  type PurgeTarget,
} from './purge-sql.js';
import {
  SQL_TASK_CONTAINER,
  SQL_TASK_LOG_PREFIX,
  isSqlTaskEnd,
  sqlTaskOutput,
  sqlTaskDefinition,
  sqlTaskOverride,
  type SqlTaskSite,
} from './sql-task.js';

/** Drops a site's databases and users on one server. */
export interface DbPurger {
  readonly mode: 'task' | 'direct';
  /**
   * Checks the target against the server's admin account (read-only, before any change) and says
   * what exists now; `undefined` when knowing that would take a task (a mutating call).
   */
  inspect(target: PurgeTarget): Promise<PurgeState | undefined>;
  purge(target: PurgeTarget): Promise<PurgeResult>;
}

export interface PurgerDeps {
  clients: AwsClients;
  platform: Platform;
  log: Logger;
  tasks: OneOffTaskRunner;
  /** The site's SQL task: its family, log group, DB server and tags (`sqlTaskSite` without a plan). */
  site: SqlTaskSite;
  /** Told about every task definition revision the purger registers, so the destroy deregisters it. */
  registered?: (taskDefinitionArn: string) => void;
}

export function directPurger(deps: PurgerDeps): DbPurger {
  const server = async () => {
    const admin = await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn);
    return {
      host: deps.site.dbHost,
      port: deps.site.dbPort,
      adminUser: admin.user,
      adminPassword: admin.password,
    };
  };
  return {
    mode: 'direct',
    inspect: async (target) => inspectPurgeDirect(target, await server()),
    purge: async (target) => purgeDirect(target, await server(), (l) => deps.log.info(`  ${l}`)),
  };
}

/**
 * The purge's SQL task definition: the site's SQL task without the site's DB secret, which a purge
 * does not need and which an interrupted purge may already have deleted (a task whose secret is gone
 * cannot start).
 */
export function purgeTaskDefinitionInput(site: SqlTaskSite) {
  const spec = sqlTaskDefinition(site);
  return {
    ...spec,
    requiresCompatibilities: [...spec.requiresCompatibilities],
    containerDefinitions: spec.containerDefinitions.map((c) => ({
      ...c,
      entryPoint: [...c.entryPoint],
      secrets: c.secrets
        .filter((s) => s.valueFrom.secret === site.adminSecretArn)
        .map((s) => ({ name: s.name, valueFrom: secretValueFrom(s.valueFrom.secret, s.valueFrom) })),
    })),
    tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
  };
}

/**
 * The latest revision of the site's SQL task family when it carries the admin secret only and is ours
 * (reused), else a newly registered one. Used by the purge and by the upgrade's version read.
 */
export async function purgeTaskDefinition(
  ecs: ECSClient,
  site: SqlTaskSite,
): Promise<{ arn: string; registered: boolean }> {
  const input = purgeTaskDefinitionInput(site);
  try {
    const out = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: input.family, include: ['TAGS'] }),
    );
    const { tags: _t, ...wanted } = input;
    const tags = tagRecord(out.tags);
    const ours = tags[TAG_MANAGED_BY] === SUITE_NAME && tags[TAG_SITE] === site.previewLink;
    const td = out.taskDefinition;
    if (ours && td?.status === 'ACTIVE' && driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
      return { arn: td.taskDefinitionArn, registered: false };
  } catch (err) {
    if (!(err instanceof ClientException)) throw err;
  }
  const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
  return { arn: out.taskDefinition!.taskDefinitionArn!, registered: true };
}

export function sqlTaskPurger(deps: PurgerDeps): DbPurger {
  const { site } = deps;
  const taskDefinitionArn = async (): Promise<string> => {
    const { arn, registered } = await purgeTaskDefinition(deps.clients.ecs, site);
    if (registered) deps.registered?.(arn);
    return arn;
  };
  return {
    mode: 'task',
    async inspect(target) {
      checkPurgeTarget(target, (await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn)).user);
      // Knowing what exists would take a task: the purge's own task reads it before dropping.
      return undefined;
    },
    async purge(target) {
      const admin = await adminAccount(deps.clients, deps.log, deps.site.adminSecretArn);
      const override = sqlTaskOverride({
        sql: purgeTaskSql(target, admin.user),
        dbHost: site.dbHost,
        dbPort: site.dbPort,
      });
      const result = await deps.tasks.run({
        cluster: deps.platform.cluster,
        taskDefinitionArn: await taskDefinitionArn(),
        container: SQL_TASK_CONTAINER,
        command: override.command,
        environment: override.environment,
        platform: deps.platform,
        startedBy: `mdl-sql/${site.previewLink}`.slice(0, 36),
        logGroup: site.logGroupName,
        logStreamPrefix: SQL_TASK_LOG_PREFIX,
        endLine: isSqlTaskEnd,
      });
      const output = sqlTaskOutput(result, 'the purging SQL task');
      return purgeResult(target, parsePurgeState(output.rows));
    },
  };
}

export function dbPurger(mode: 'task' | 'direct', deps: PurgerDeps): DbPurger {
  return mode === 'direct' ? directPurger(deps) : sqlTaskPurger(deps);
}
