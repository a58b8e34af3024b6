// A test world for deploys: the stateful AWS fake with the platform's shared parts seeded (cluster,
// ALB listener, DB admin secret), a real MariaDB behind the platform's DB endpoint, and one-off
// tasks run here for real — the SQL task's script with the mysql client, the moodledata task's
// mkdir in a temporary folder standing in for the EFS root.
import { spawn } from 'node:child_process';
import { expect } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { createAwsFake, type AwsFake, type OneOffOutcome } from '@moodle-preview/aws-fake';
import {
  checkPlatformText,
  checkSiteText,
  createAwsClients,
  dbProvisioner,
  deploySite,
  destroyAwsClients,
  memoryLogger,
  oneOffTaskRunner,
  planSite,
  resolveSite,
  type DeployResult,
  type DeploySource,
  type SitePlan,
} from '@moodle-preview/core';
import { TEST_TASK_LOGS } from '../harness/task-logs.js';
import { mariadbProgram, type MariaDbServer } from '../servers/mariadb.js';

export const EXAMPLE_SETTINGS = readFileSync('workflows-examples/sites/4-demo/settings.yml', 'utf8');
const EXAMPLE_PLATFORM = readFileSync('workflows-examples/platform.yml', 'utf8');
export const LISTENER_ARN = /https_listener_arns:\n\s+- (\S+)/.exec(EXAMPLE_PLATFORM)![1]!;

/** A small site: defaults for everything but the name (DB mdl_<link>, moodledata <link>). */
export const minimalSettings = (link: string, extra = '') =>
  `preview_link: ${link}\nphp_version: '8.0'\ncron: true\n${extra}`;

/**
 * The fake holds exactly one of each of the example site's resources (and the seeded shared parts):
 * no duplicates after any sequence of interrupted and repeated deploys.
 */
export function expectOneSite(world: World, link = '4-demo'): void {
  const inv = world.fake.inventory();
  expect(inv['ecs:service']).toEqual([`moodle_cluster/mdl-${link}`]);
  expect(inv['ecs:task-definition']?.filter((t) => t.includes(`-${link}:`))).toEqual([
    `mdl_ecs_task_def-${link}:1`,
    `mdl_sql_task-${link}:1`,
  ]);
  expect(inv['elbv2:target-group']).toEqual([`mdl-${link}`]);
  expect(inv['elbv2:rule']?.length).toBe(1);
  expect(inv['logs:log-group']).toEqual([`/moodle-preview/sites/${link}`]);
  expect(inv['secretsmanager:secret']).toEqual([
    'moodle-preview/rds-admin',
    `moodle-preview/sites/${link}/db`,
  ]);
  expect(inv['ssm:parameter']).toEqual([`/moodle-preview/sites/${link}`]);
  expect(inv['application-autoscaling:scalable-target']?.length).toBe(1);
  expect(inv['application-autoscaling:scaling-policy']?.length).toBe(1);
  expect(inv['ecs:cluster']).toEqual(['moodle_cluster']);
}

export interface World {
  fake: AwsFake;
  platformText: string;
  efsRoot: string;
  /** Deploy `settings` (text) with the world's platform; throws what the deploy throws. */
  deploy(settings?: string, options?: DeployCall): Promise<DeployResult & { log: string[]; plan: SitePlan }>;
  close(): Promise<void>;
}

export interface DeployCall {
  dryRun?: boolean;
  wait?: boolean;
  db?: 'task' | 'direct';
  takeover?: string;
  platformText?: string;
  retry?: ConfiguredRetryStrategy;
  /** How long a stopped one-off task's log is waited for (TEST_TASK_LOGS: 200 ms). */
  logGraceMs?: number;
  /** The repository and branch deployed from, as deploy-instance passes them. */
  source?: DeploySource;
}

const SECRET_NAME = /:secret:(.+)-[A-Za-z0-9]{6}:([^:]+)::$/;

/** Run a one-off task's container command here, as ECS would start it. */
async function runHere(
  fake: AwsFake,
  efsRoot: string,
  td: unknown,
  taskOverrides: unknown,
): Promise<OneOffOutcome> {
  const taskDefinition = td as TaskDefinition;
  const overrides = taskOverrides as TaskOverride;
  // The container the override names runs the command (its sidecars are not run here).
  const override = overrides.containerOverrides?.[0];
  const container =
    taskDefinition.containerDefinitions?.find((c) => c.name === override?.name) ??
    taskDefinition.containerDefinitions?.[0];
  const env: Record<string, string> = {
    PATH: `${path.dirname(mariadbProgram('mysql'))}:/usr/bin:/bin`,
    HOME: '/nonexistent',
  };
  for (const s of container?.secrets ?? []) {
    const m = SECRET_NAME.exec(s.valueFrom ?? '');
    const value = m
      ? (JSON.parse(fake.secrets.current(m[1]!) ?? '{}') as Record<string, string>)[m[2]!]
      : undefined;
    if (value === undefined)
      return { exitCode: 1, logLines: [`ResourceInitializationError: unable to pull secret ${s.valueFrom}`] };
    env[s.name!] = value;
  }
  for (const e of [...(container?.environment ?? []), ...(override?.environment ?? [])])
    env[e.name!] = e.value!;
  const argv = [...(container?.entryPoint ?? []), ...(override?.command ?? container?.command ?? [])]
    // The EFS root is a temporary folder here.
    .map((a) => a.split('/moodle_data_root').join(efsRoot));
  if (argv[0] !== 'sh') return { exitCode: 127, logLines: [`cannot run ${argv[0]} here`] };
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { exitCode, logLines: out.split('\n').filter(Boolean) };
}

export async function createWorld(
  db: MariaDbServer | undefined,
  options: { elbv2Limits?: Parameters<typeof createAwsFake>[0] } = {},
): Promise<World> {
  const fake = createAwsFake(options.elbv2Limits ?? {});
  await fake.listen();
  Object.assign(process.env, fake.env());
  fake.elbv2.seedLoadBalancer({ name: 'mdl-fargate-app', listenerArns: [LISTENER_ARN] });
  fake.ecs.seedCluster('moodle_cluster');
  const efsRoot = mkdtempSync(path.join(os.tmpdir(), 'efs-'));
  fake.ecs.onRunTask = (_task, td, overrides) => runHere(fake, efsRoot, td, overrides);

  // The platform's admin secret, with the test server's admin account.
  const setup = new SecretsManagerClient({ region: fake.server.region });
  const admin = await setup.send(
    new CreateSecretCommand({
      Name: 'moodle-preview/rds-admin',
      SecretString: JSON.stringify({
        username: db?.adminUser ?? 'admin',
        password: db?.adminPassword ?? 'unused',
      }),
    }),
  );
  setup.destroy();
  fake.server.resetCalls();
  let platformText = EXAMPLE_PLATFORM.replace(/admin_secret_arn: \S+/, `admin_secret_arn: ${admin.ARN}`);
  if (db) {
    platformText = platformText
      .replace(/writer_host: \S+/, `writer_host: ${db.host}`)
      .replace(/\n {2}port: 3306/, `\n  port: ${db.port}`);
  }

  const world: World = {
    fake,
    platformText,
    efsRoot,
    async deploy(settings = EXAMPLE_SETTINGS, call = {}) {
      const site = checkSiteText('settings.yml', settings);
      const platform = checkPlatformText('platform.yml', call.platformText ?? world.platformText);
      if (!site.value || !platform.value)
        throw new Error(JSON.stringify([...site.problems, ...platform.problems]));
      const resolved = resolveSite(site.value, platform.value, site.source);
      if (!resolved.site) throw new Error(JSON.stringify(resolved.problems));
      const plan = planSite(resolved.site, platform.value);
      const log = memoryLogger();
      const clients = createAwsClients({
        region: platform.value.region,
        retryStrategy: call.retry ?? new ConfiguredRetryStrategy(8, (attempt) => 2 * attempt),
      });
      const waiter = { minDelay: 0.001, maxDelay: 0.004 };
      const tasks = oneOffTaskRunner(clients, {
        waiter,
        ...TEST_TASK_LOGS,
        ...(call.logGraceMs !== undefined ? { logGraceMs: call.logGraceMs } : {}),
      });
      try {
        const result = await deploySite({
          clients,
          plan,
          platform: platform.value,
          log,
          db: dbProvisioner(call.db ?? 'task', { clients, plan, platform: platform.value, log, tasks }),
          tasks,
          dryRun: call.dryRun ?? false,
          wait: call.wait ?? true,
          waitMinutes: 1,
          takeover: call.takeover,
          actor: 'test',
          ...(call.source ? { source: call.source } : {}),
          waiter,
        });
        return { ...result, log: log.lines, plan };
      } finally {
        destroyAwsClients(clients);
      }
    },
    async close() {
      await fake.close();
    },
  };
  return world;
}
