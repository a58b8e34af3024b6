// A world for upgrade-db: the AWS fake with one registered site (registry entry, task definition
// with MOODLE_CODE_PATH, log group), a real MariaDB holding a Moodle-shaped `mdl_config`, and a
// simulated Moodle behind RunTask: the SQL task's script runs here for real against MariaDB; php
// upgrade.php / maintenance.php / purge_caches.php / cfg.php run as a fake `php` whose effects are
// real (upgrade.php rewrites mdl_config to its image's release) and whose log lines are streamed
// into the task's CloudWatch stream while it "runs".
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ECSClient,
  RegisterTaskDefinitionCommand,
  type TaskDefinition,
  type TaskOverride,
} from '@aws-sdk/client-ecs';
import { createAwsFake, type AwsFake, type OneOffOutcome, type Task } from '@moodle-preview/aws-fake';
import {
  checkPlatformText,
  SiteRegistry,
  type MoodleTaskClients,
  type Platform,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { adminConnection, mariadbProgram, type MariaDbServer } from '../servers/mariadb.js';

const EXAMPLE_PLATFORM = readFileSync('workflows-examples/platform.yml', 'utf8');
export const CODE_PATH = '/data/apache/htdocs/moodle';
export const IMAGE = (tag: string) => `123456789012.dkr.ecr.eu-west-2.amazonaws.com/vle-repo:${tag}`;

/** The release each test image holds (what its upgrade.php writes into mdl_config). */
export const IMAGE_RELEASES: Record<string, { release: string; version: string }> = {
  [IMAGE('moodle-ecs-docker-8.0')]: { release: '3.11.18 (Build: 20231211)', version: '2021051718.00' },
  [IMAGE('moodle-full-4.1.12-8.0')]: { release: '4.1.12 (Build: 20240812)', version: '2022112812.00' },
  [IMAGE('moodle-full-4.2.3-8.1')]: { release: '4.2.3 (Build: 20231009)', version: '2023042403.00' },
  [IMAGE('moodle-full-4.5.3-8.1')]: { release: '4.5.3 (Build: 20250317)', version: '2024100703.00' },
  [IMAGE('moodle-full-5.0.1-8.3')]: { release: '5.0.1 (Build: 20250609)', version: '2025041401.00' },
};

/** How the simulated upgrade.php behaves. */
export type UpgradeBehaviour =
  | { kind: 'succeed'; lines?: number; stepMs?: number }
  | { kind: 'exit'; code: number }
  | { kind: 'hang' }
  | { kind: 'never-start'; reason: string };

export interface UpgradeWorld {
  fake: AwsFake;
  db: MariaDbServer;
  link: string;
  database: string;
  platform: Platform;
  platformText: string;
  platformFile: string;
  clients: MoodleTaskClients;
  behaviour: UpgradeBehaviour;
  /** Every php invocation, in order: script and arguments. */
  php: { image: string; argv: string[] }[];
  /** At each upgrade.php run: the site's cron pause in the registry then (undefined: not paused). */
  cronPauseAtUpgrade: (string | undefined)[];
  /** The site's cron pause in the registry now. */
  cronPause(): { reason: string; by: string } | undefined;
  maintenance: boolean;
  /**
   * Exit codes to give a Moodle CLI script instead of its simulated behaviour, by its name and
   * arguments as they ran (e.g. `maintenance.php --disable`, `purge_caches.php`).
   */
  scriptExit?: Record<string, number>;
  /** argv of every call of the fake `php` program from a shell script (cfg.php), in order. */
  shellPhpCalls(): string[][];
  setVersion(release: string, version: string): Promise<void>;
  close(): Promise<void>;
}

const SECRET_NAME = /:secret:(.+)-[A-Za-z0-9]{6}:([^:]+)::$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createUpgradeWorld(db: MariaDbServer, link = '4-demo-prep'): Promise<UpgradeWorld> {
  const fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  fake.ecs.seedCluster('moodle_cluster');
  const logGroup = `/moodle-preview/sites/${link}`;
  fake.logs.seedGroup(logGroup);
  const database = `moodle_${link.replace(/-/g, '_')}`;
  const conn = await adminConnection(db);
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.query(`CREATE DATABASE \`${database}\``);
  await conn.query(
    `CREATE TABLE \`${database}\`.mdl_config (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE, value LONGTEXT NOT NULL)`,
  );
  await conn.query(
    `INSERT INTO \`${database}\`.mdl_config (name, value) VALUES ('version', '2021051718.00'), ('release', '3.11.18 (Build: 20231211)'), ('wwwroot', 'x')`,
  );
  await conn.end();

  const setup = new SecretsManagerClient({ region: fake.server.region });
  const admin = await setup.send(
    new CreateSecretCommand({
      Name: 'moodle-preview/rds-admin',
      SecretString: JSON.stringify({ username: db.adminUser, password: db.adminPassword }),
    }),
  );
  setup.destroy();
  const platformText = EXAMPLE_PLATFORM.replace(/admin_secret_arn: \S+/, `admin_secret_arn: ${admin.ARN}`)
    .replace(/writer_host: \S+/, `writer_host: ${db.host}`)
    .replace(/\n {2}port: 3306/, `\n  port: ${db.port}`);
  const platform = checkPlatformText('platform.yml', platformText).value!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'upgrade-world-'));
  const platformFile = path.join(dir, 'platform.yml');
  writeFileSync(platformFile, platformText);

  const ecs = new ECSClient({ region: fake.server.region });
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `mdl_ecs_task_def-${link}`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '1024',
      memory: '2048',
      executionRoleArn: platform.roles.execution_role_arn,
      containerDefinitions: [
        {
          name: link,
          image: IMAGE('moodle-ecs-docker-8.0'),
          essential: true,
          environment: [
            { name: 'MOODLE_CODE_PATH', value: CODE_PATH },
            { name: 'MOODLE_DB_NAME', value: database },
          ],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': logGroup,
              'awslogs-region': 'eu-west-2',
              'awslogs-stream-prefix': 'moodle',
            },
          },
        },
      ],
      tags: [
        { key: 'moodle-preview:site', value: link },
        { key: 'moodle-preview:managed-by', value: 'moodle-preview-actions' },
      ],
    }),
  );
  ecs.destroy();
  const ssm = new SSMClient({ region: fake.server.region });
  const entry: SiteRegistryEntry = {
    schemaVersion: 1,
    previewLink: link,
    url: `https://${link}.preview-moodle.example.ac.uk`,
    cluster: 'moodle_cluster',
    service: `mdl-${link}`,
    taskFamily: td.taskDefinition!.family!,
    container: link,
    databases: { moodle: database },
    dbUser: database.slice(0, 32),
    dbHost: db.host,
    moodledataFolder: `${link}-2026-11`,
    logGroup,
    cron: {
      enabled: true,
      cluster: 'moodle_cluster',
      service: `mdl-${link}`,
      container: link,
      command: '/data/runcron.sh',
      timeoutSeconds: 600,
    },
    retired: [],
    managedBy: 'moodle-preview-actions',
  };
  await new SiteRegistry(ssm).put(entry, false);
  ssm.destroy();

  const { fakeBin, phpLog } = fakePhpBin();

  const retry = new ConfiguredRetryStrategy(4, () => 5);
  const config = { region: fake.server.region, retryStrategy: retry };
  const clients: MoodleTaskClients = {
    region: fake.server.region,
    ecs: new ECSClient(config),
    logs: new CloudWatchLogsClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
  };

  const world: UpgradeWorld = {
    fake,
    db,
    link,
    database,
    platform,
    platformText,
    platformFile,
    clients,
    behaviour: { kind: 'succeed' },
    php: [],
    cronPauseAtUpgrade: [],
    cronPause() {
      const stored = fake.ssm.parameters.get(`/moodle-preview/sites/${link}`)?.Value;
      return stored ? (JSON.parse(stored) as SiteRegistryEntry).cron?.paused : undefined;
    },
    maintenance: false,
    shellPhpCalls() {
      let text = '';
      try {
        text = readFileSync(phpLog, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\x1f').filter((a, i, all) => i < all.length - 1 || a !== ''));
    },
    async setVersion(release, version) {
      const c = await adminConnection(db);
      await c.query(`UPDATE \`${database}\`.mdl_config SET value = ? WHERE name = 'release'`, [release]);
      await c.query(`UPDATE \`${database}\`.mdl_config SET value = ? WHERE name = 'version'`, [version]);
      await c.end();
    },
    async close() {
      for (const c of [clients.ecs, clients.logs, clients.ssm, clients.secrets]) c.destroy();
      await fake.close();
    },
  };

  fake.ecs.onRunTask = async (task, taskDefinition, overrides) =>
    simulateMoodleTask(
      world,
      fakeBin,
      task,
      taskDefinition as unknown as TaskDefinition,
      overrides as unknown as TaskOverride,
    );
  return world;
}

/**
 * A folder with `php` as a real program for shell scripts (the config's cfg.php calls): each call
 * appends its argv to `phpLog`, one call per line, arguments ended by \x1f.
 */
export function fakePhpBin(): { fakeBin: string; phpLog: string } {
  const fakeBin = mkdtempSync(path.join(os.tmpdir(), 'fake-php-'));
  const phpLog = path.join(fakeBin, 'calls');
  writeFileSync(
    path.join(fakeBin, 'php'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\037' "$a"; done >> '${phpLog}'\nprintf '\\n' >> '${phpLog}'\nexit 0\n`,
  );
  chmodSync(path.join(fakeBin, 'php'), 0o755);
  return { fakeBin, phpLog };
}

async function runShell(argv: string[], env: Record<string, string>): Promise<OneOffOutcome> {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { exitCode, logLines: out.split('\n').filter(Boolean) };
}

/** What the simulated Moodle behind RunTask reads and records: an upgrade world, or a deployed site's. */
export type MoodleSimulation = Pick<
  UpgradeWorld,
  | 'fake'
  | 'db'
  | 'database'
  | 'behaviour'
  | 'php'
  | 'maintenance'
  | 'cronPauseAtUpgrade'
  | 'cronPause'
  | 'scriptExit'
>;

/**
 * One task as the site's image would run it: the SQL task's and the config's shell scripts for real,
 * Moodle's CLI scripts (upgrade.php, maintenance.php, purge_caches.php) as `world.behaviour` says.
 */
export async function simulateMoodleTask(
  world: MoodleSimulation,
  fakeBin: string,
  task: Task,
  td: TaskDefinition,
  overrides: TaskOverride,
): Promise<OneOffOutcome> {
  const container = td.containerDefinitions![0]!;
  const override = overrides.containerOverrides?.find((o) => o.name === container.name);
  const command = override?.command ?? container.command ?? [];
  const env: Record<string, string> = {
    PATH: `${fakeBin}:${path.dirname(mariadbProgram('mysql'))}:/usr/bin:/bin`,
    HOME: '/nonexistent',
  };
  for (const s of container.secrets ?? []) {
    const m = SECRET_NAME.exec(s.valueFrom ?? '');
    const value = m
      ? (JSON.parse(world.fake.secrets.current(m[1]!) ?? '{}') as Record<string, string>)[m[2]!]
      : undefined;
    if (value === undefined)
      return { exitCode: 1, logLines: [`ResourceInitializationError: unable to pull secret ${s.valueFrom}`] };
    env[s.name!] = value;
  }
  for (const e of [...(container.environment ?? []), ...(override?.environment ?? [])])
    env[e.name!] = e.value!;
  // The SQL task's script, or the config's cfg.php script: run here for real.
  if (container.entryPoint?.[0] === 'sh' || command[0] === 'sh') {
    const argv = container.entryPoint ? [...container.entryPoint, ...command] : command;
    return runShell(argv, env);
  }
  const image = container.image!;
  const [php, script, ...args] = command;
  if (php !== 'php') return { exitCode: 127, logLines: [`cannot run ${php}`] };
  world.php.push({ image, argv: [script!.replace(`${CODE_PATH}/`, ''), ...args] });
  const stream = `moodle/${container.name}/${task.taskArn.split('/').pop()}`;
  const group = container.logConfiguration!.options!['awslogs-group']!;
  const asRun = [path.basename(script!), ...args].join(' ');
  const forced = world.scriptExit?.[asRun];
  if (forced !== undefined) return { exitCode: forced, logLines: [`${asRun} failed (simulated)`] };
  if (script!.endsWith('maintenance.php')) {
    world.maintenance = args.includes('--enable');
    return {
      exitCode: 0,
      logLines: [world.maintenance ? 'Your site is now in maintenance mode' : 'Maintenance mode disabled'],
    };
  }
  if (script!.endsWith('purge_caches.php')) return { exitCode: 0, logLines: [] };
  if (!script!.endsWith('upgrade.php')) return { exitCode: 1, logLines: [`unknown script ${script}`] };
  const target = IMAGE_RELEASES[image];
  if (!target) return { exitCode: 1, logLines: [`no Moodle code in ${image}`] };
  const conn = await adminConnection(world.db);
  const [rows] = await conn.query(
    `SELECT value FROM \`${world.database}\`.mdl_config WHERE name = 'version'`,
  );
  await conn.end();
  const current = (rows as { value: string }[])[0]!.value;
  if (args.includes('--is-pending')) return { exitCode: current === target.version ? 0 : 2, logLines: [] };
  world.cronPauseAtUpgrade.push(world.cronPause()?.reason);
  const b = world.behaviour;
  if (b.kind === 'never-start') throw Object.assign(new Error(b.reason), { stoppedReason: b.reason });
  if (b.kind === 'hang') {
    for (let i = 0; ; i++) {
      await sleep(50);
      if (task.lastStatus === 'STOPPED') break;
      if (i % 5 === 0) world.fake.logs.append(group, stream, [`-->System ${i}`]);
      const live = world.fake.ecs.tasks.get(task.taskArn);
      if (!live || live.desiredStatus === 'STOPPED' || i > 2000) break;
    }
    return { exitCode: 143, logLines: [] };
  }
  if (b.kind === 'exit')
    return { exitCode: b.code, logLines: ['Default exception handler: Error writing to database'] };
  const lines = b.lines ?? 6;
  for (let i = 1; i <= lines; i++) {
    await sleep(b.stepMs ?? 20);
    world.fake.logs.append(group, stream, [`-->mod_step${i} upgrading to ${target.release.split(' ')[0]}`]);
  }
  const c = await adminConnection(world.db);
  await c.query(`UPDATE \`${world.database}\`.mdl_config SET value = ? WHERE name = 'version'`, [
    target.version,
  ]);
  await c.query(`UPDATE \`${world.database}\`.mdl_config SET value = ? WHERE name = 'release'`, [
    target.release,
  ]);
  await c.end();
  return { exitCode: 0, logLines: ['Command line upgrade from 3.11 completed successfully'] };
}
