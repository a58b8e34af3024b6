// The two ways deploy-instance ensures a site's databases and user: `direct` (a mysql2 connection
// from a runner inside the VPC) and `task` (a one-off SQL task in the VPC, for GitHub-hosted runners).
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import type { DbChanges, DbProvisioner, OneOffTaskRunner } from '../deploy/types.js';
import { driftPaths } from '../deploy/normalise.js';
import { secretValueFrom } from '../resources/task-definition.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SitePlan } from '../plan/site-plan.js';
import type { Platform } from '../settings/platform-schema.js';
import { inspectDirect, provisionDirect, type DbServer } from './direct.js';
import { provisionTarget, type ProvisionResult } from './provision-sql.js';
import {
  SQL_TASK_CONTAINER,
  SQL_TASK_LOG_PREFIX,
  isSqlTaskEnd,
  sqlTaskOutput,
  provisionResultFromTask,
  provisionTaskOverride,
  sqlTaskDefinition,
  sqlTaskSite,
  type SqlTaskDefinitionSpec,
} from './sql-task.js';

export interface ProvisionerDeps {
  clients: AwsClients;
  plan: SitePlan;
  platform: Platform;
  log: Logger;
  tasks: OneOffTaskRunner;
}

/** Lines about databases vs. lines about the user and its grants. */
function split(lines: readonly string[]): DbChanges {
  const databases = lines.filter((l) => /^create database /.test(l));
  return { databases, user: lines.filter((l) => !databases.includes(l)) };
}

function report(result: ProvisionResult, log: Logger): DbChanges {
  for (const w of result.warnings) log.warning(w);
  return split(result.actions);
}

/** The admin account from the platform's admin secret ({"username", "password"}), masked at once. */
export async function adminAccount(
  clients: Pick<AwsClients, 'secrets'>,
  log: Logger,
  arn: string,
): Promise<{ user: string; password: string }> {
  const out = await clients.secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  const value = JSON.parse(out.SecretString ?? '{}') as { username?: string; password?: string };
  if (!value.username || !value.password)
    throw new ConfigurationError(`the DB admin secret ${arn} must hold JSON with "username" and "password"`);
  log.mask(value.password);
  return { user: value.username, password: value.password };
}

export function directProvisioner(deps: ProvisionerDeps): DbProvisioner {
  const target = provisionTarget(deps.plan.resources);
  const server = async (): Promise<DbServer> => {
    const admin = await adminAccount(deps.clients, deps.log, deps.platform.db.admin_secret_arn);
    const { host, port } = deps.plan.resources.databases.spec.server;
    return { host, port, adminUser: admin.user, adminPassword: admin.password };
  };
  return {
    mode: 'direct',
    async changes() {
      const diff = await inspectDirect(target, await server());
      // A difference left alone on purpose (an existing database's charset) is said, not planned:
      // it must not make every redeploy report a change.
      for (const w of diff.warnings) deps.log.warning(w);
      return split(diff.statements.map((s) => s.action));
    },
    async apply(ctx) {
      const result = await provisionDirect(target, await server(), {
        sitePassword: await ctx.password(),
        log: (l) => deps.log.info(l),
      });
      return report(result, deps.log);
    },
  };
}

/** The SQL task definition as RegisterTaskDefinition input, secrets resolved to ARNs. */
function sqlRegisterInput(spec: SqlTaskDefinitionSpec, siteSecretArn: string) {
  return {
    ...spec,
    requiresCompatibilities: [...spec.requiresCompatibilities],
    containerDefinitions: spec.containerDefinitions.map((c) => ({
      ...c,
      entryPoint: [...c.entryPoint],
      secrets: c.secrets.map((s) => ({
        name: s.name,
        // The admin secret is named by its ARN already; the site's by name, resolved here.
        valueFrom: secretValueFrom(
          s.valueFrom.secret.startsWith('arn:') ? s.valueFrom.secret : siteSecretArn,
          s.valueFrom,
        ),
      })),
    })),
    tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
  };
}

export function sqlTaskProvisioner(deps: ProvisionerDeps): DbProvisioner {
  const site = sqlTaskSite(deps.plan, deps.platform);
  const target = provisionTarget(deps.plan.resources);
  const spec = sqlTaskDefinition(site);
  /** The latest SQL task revision if it matches, else a new one (as for the site's own task). */
  const taskDefinitionArn = async (secretArn: string | undefined): Promise<string> => {
    if (!secretArn) throw new Error('the site DB secret must exist before the SQL task runs');
    const input = sqlRegisterInput(spec, secretArn);
    try {
      const { taskDefinition: td } = await deps.clients.ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: spec.family }),
      );
      const { tags: _t, ...wanted } = input;
      if (td?.status === 'ACTIVE' && driftPaths(wanted, td).length === 0 && td.taskDefinitionArn)
        return td.taskDefinitionArn;
    } catch (err) {
      if (!(err instanceof ClientException)) throw err;
    }
    const out = await deps.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
    return out.taskDefinition!.taskDefinitionArn!;
  };
  return {
    mode: 'task',
    // Knowing what exists would take a task (a mutating call): the deploy relies on the registry.
    changes: async () => undefined,
    async apply(ctx) {
      const override = provisionTaskOverride(site, target);
      const result = await deps.tasks.run({
        cluster: deps.platform.cluster,
        taskDefinitionArn: await taskDefinitionArn(ctx.siteSecretArn()),
        container: SQL_TASK_CONTAINER,
        command: override.command,
        environment: override.environment,
        platform: deps.platform,
        startedBy: `mdl-sql/${deps.plan.site}`.slice(0, 36),
        logGroup: site.logGroupName,
        logStreamPrefix: SQL_TASK_LOG_PREFIX,
        endLine: isSqlTaskEnd,
      });
      const output = sqlTaskOutput(result, 'the SQL task');
      return report(provisionResultFromTask(target, output), deps.log);
    },
  };
}

export function dbProvisioner(mode: 'task' | 'direct', deps: ProvisionerDeps): DbProvisioner {
  return mode === 'direct' ? directProvisioner(deps) : sqlTaskProvisioner(deps);
}
