// Every resource the suite creates carries the suite's tags and the platform's (a cost centre), and
// every log group keeps the platform's retention: the fake's whole inventory, with tags, after a full
// life in one fake — deploys, a restore from S3, an upgrade, a cron run log, a runner lease (looked at
// while it is up, then ended), a purge-less destroy (what it keeps) and a redeploy.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  createAwsClients,
  CronRunLog,
  destroyAwsClients,
  type CronJoblogLine,
  checkPlatformText,
  leaseLabel,
  memoryLogger,
  parseRelease,
  restoreDatabase,
  startRunner,
  stopRunner,
  SUITE_NAME,
  TAG_MANAGED_BY,
  upgradeSite,
} from '@moodle-preview/core';
import type { ResourceRecord } from '@moodle-preview/aws-fake';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { destroy } from '../destroy/world.js';
import { createRunnerWorld, REPOSITORY, simulateBoots } from '../runner/runner-world.js';
import { fakePhpBin, IMAGE, simulateMoodleTask, type MoodleSimulation } from '../upgrade/world.js';
import { createWorld, minimalSettings, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PLATFORM_TAGS = { 'cost-centre': 'digital-education', project: 'previews' };
/** What the platform (the tests' seeding) made: not the suite's to tag. */
const SEEDED = new Set([
  'ecs:cluster moodle_cluster',
  'secretsmanager:secret moodle-preview/rds-admin',
  'elbv2:load-balancer mdl-fargate-app',
  's3:object moodle-dumps/prod/life-a.sql',
]);
/** AWS has no tags on these (the Service Authorization Reference lists no tag condition keys for them). */
const UNTAGGABLE = new Set([
  'application-autoscaling:scaling-policy',
  'application-autoscaling:scheduled-action',
  // EventBridge Scheduler tags only schedule groups; the suite's group carries the tags.
  'scheduler:schedule',
]);

/** Resources the suite made that lack a required tag, or log groups without the platform's retention. */
function problems(resources: ResourceRecord[], retention: number): string[] {
  return resources.flatMap((r) => {
    const id = `${r.kind} ${r.name}`;
    if (SEEDED.has(id) || r.kind === 'elbv2:listener' || UNTAGGABLE.has(r.kind)) return [];
    const want = { ...PLATFORM_TAGS, [TAG_MANAGED_BY]: SUITE_NAME };
    const missing = Object.entries(want)
      .filter(([k, v]) => r.tags?.[k] !== v)
      .map(([k]) => k);
    return [
      ...(missing.length ? [`${id}: no ${missing.join(', ')}`] : []),
      ...(r.kind === 'logs:log-group' && r.retentionInDays !== retention
        ? [`${id}: retention ${r.retentionInDays ?? 'forever'}`]
        : []),
    ];
  });
}

/** A Moodle 3.11 dump, as mysqldump writes one: what the restore loads and the upgrade reads. */
const DUMP = [
  'CREATE TABLE `mdl_config` (`id` bigint NOT NULL AUTO_INCREMENT, `name` varchar(255) NOT NULL, `value` longtext NOT NULL, PRIMARY KEY (`id`), UNIQUE KEY `mdl_conf_nam_uix` (`name`)) ENGINE=InnoDB;',
  "INSERT INTO `mdl_config` VALUES (1,'version','2021051718.00'),(2,'release','3.11.18 (Build: 20231211)');",
  '',
].join('\n');

describe('tags and retention of everything the suite creates', () => {
  it('holds for every resource after a full life: deploys, restore, upgrade, cron, a runner, a destroy and a redeploy', async () => {
    const db = mariadb();
    world = await createWorld(db);
    world.platformText = world.platformText
      .replace(/retention_days: 30/, 'retention_days: 14')
      .replace(
        /tags:\n {2}cost-centre: digital-education/,
        'tags:\n  cost-centre: digital-education\n  project: previews',
      );
    expect(world.platformText).toContain('project: previews');
    const fake = world.fake;

    await world.deploy(minimalSettings('life-a'));
    await world.deploy(minimalSettings('life-b'));

    // A production dump restored from S3 into life-a's database, as restore-db does on the runner.
    fake.s3.createBucket('moodle-dumps');
    fake.s3.putObject('moodle-dumps', 'prod/life-a.sql', Buffer.from(DUMP));
    const restored = await restoreDatabase({
      source: 's3://moodle-dumps/prod/life-a.sql',
      database: 'mdl_life_a',
      server: { host: db.host, port: db.port, user: db.adminUser, password: db.adminPassword },
      region: fake.server.region,
      progressIntervalMs: 0,
      log: memoryLogger(),
    });
    expect(restored.tables).toBe(1);

    // upgrade-db on life-a (3.11 → 4.1): the SQL task reads the version, Moodle's CLI runs as tasks
    // of the site's image, simulated as the upgrade tests simulate them.
    const deployRunTask = fake.ecs.onRunTask;
    const moodle: MoodleSimulation = {
      fake,
      db,
      database: 'mdl_life_a',
      behaviour: { kind: 'succeed', lines: 2, stepMs: 1 },
      php: [],
      maintenance: false,
      cronPauseAtUpgrade: [],
      cronPause: () => undefined,
    };
    const { fakeBin } = fakePhpBin();
    fake.ecs.onRunTask = (task, td, overrides) =>
      simulateMoodleTask(moodle, fakeBin, task, td as TaskDefinition, overrides as TaskOverride);
    const platform = checkPlatformText('platform.yml', world.platformText).value!;
    const config = { region: fake.server.region, retryStrategy: new ConfiguredRetryStrategy(4, () => 5) };
    const taskClients = {
      region: fake.server.region,
      ecs: new ECSClient(config),
      logs: new CloudWatchLogsClient(config),
      ssm: new SSMClient(config),
      secrets: new SecretsManagerClient(config),
    };
    try {
      const upgraded = await upgradeSite({
        clients: taskClients,
        platform,
        previewLink: 'life-a',
        target: { release: parseRelease('4.1.12'), image: IMAGE('moodle-full-4.1.12-8.0') },
        images: [],
        allowUnstable: false,
        checkPending: true,
        maintenance: true,
        purgeCaches: true,
        dbAccess: 'task',
        maxWaitMs: 20_000,
        pollMs: 25,
        log: memoryLogger(),
      });
      expect(upgraded.exitCode).toBe(0);
    } finally {
      for (const c of [taskClients.ecs, taskClients.logs, taskClients.ssm, taskClients.secrets]) c.destroy();
      fake.ecs.onRunTask = deployRunTask;
    }
    expect(moodle.php.filter((p) => p.argv[0]!.endsWith('/admin/cli/upgrade.php'))).toHaveLength(2);
    const conn = await adminConnection(db);
    const [version] = await conn.query("SELECT value FROM `mdl_life_a`.mdl_config WHERE name = 'version'");
    await conn.end();
    expect(version).toEqual([{ value: '2022112812.00' }]);

    // The shared cron run log, as run-cron-fanout creates it with the platform's tags and retention.
    const clients = createAwsClients({ region: fake.server.region });
    try {
      const runLog = new CronRunLog(clients.logs, '/moodle-preview/cron', {
        retentionInDays: 14,
        tags: PLATFORM_TAGS,
      });
      const line: CronJoblogLine = {
        site: 'life-a',
        cluster: 'moodle_cluster',
        service: 'mdl-life-a',
        status: 'succeeded',
        start: new Date().toISOString(),
        durationMs: 5,
        exitCode: 0,
        bytes: 2,
        tail: ['ok'],
      };
      await runLog.write(line, 'ok');
    } finally {
      destroyAwsClients(clients);
    }

    // A runner lease, with the platform's tags as the restore workflow passes them. What it holds while
    // it is up (the instance, its JIT config before the instance takes it) is looked at then.
    const runners = await createRunnerWorld({ fake });
    const whileUp: ResourceRecord[] = [];
    try {
      const lease = { runId: '7001', runAttempt: 1, name: 'restore' };
      const boots = simulateBoots(runners, { onlineAfter: 1 });
      const boot = runners.github.onList!;
      // At each runner poll of start, before the booting instance takes its config.
      runners.github.onList = (gh) => {
        const now = fake.server.resources();
        const jit = now.some(
          (r) => r.kind === 'ssm:parameter' && r.name.startsWith('/moodle-preview/runners/'),
        );
        if (!whileUp.length && jit) whileUp.push(...now);
        boot(gh);
      };
      await startRunner(runners.deps(), runners.startOptions({ lease, tags: PLATFORM_TAGS }));
      expect(boots.taken.size).toBe(1);
      await stopRunner(runners.deps(), { repository: REPOSITORY, lease, label: leaseLabel(lease) });
    } finally {
      await runners.close();
    }
    const upKinds = new Set(whileUp.map((r) => r.kind));
    expect(upKinds).toContain('ec2:instance');
    expect(
      whileUp.some((r) => r.kind === 'ssm:parameter' && r.name.startsWith('/moodle-preview/runners/')),
    ).toBe(true);
    expect(problems(whileUp, 14)).toEqual([]);

    await destroy(world, 'life-b');
    await world.deploy(minimalSettings('life-b'));

    const resources = fake.server.resources();
    const kinds = new Set(resources.map((r) => r.kind));
    // The inventory covers every kind a deploy makes (a missing kind would pass the check unseen).
    for (const kind of [
      'ecs:service',
      'ecs:task-definition',
      'elbv2:target-group',
      'elbv2:rule',
      'logs:log-group',
      'secretsmanager:secret',
      'ssm:parameter',
      'application-autoscaling:scalable-target',
      'scheduler:schedule-group',
    ])
      expect(kinds).toContain(kind);
    // The upgrade's own task definitions (the SQL task's, the site's at the target image) are there.
    const families = resources.filter((r) => r.kind === 'ecs:task-definition').map((r) => r.name);
    expect(families.some((f) => f.startsWith('mdl_sql_task-life-a:'))).toBe(true);
    expect(families.some((f) => f.startsWith('mdl_upgrade_task-life-a:'))).toBe(true);
    expect(resources.filter((r) => r.kind === 'logs:log-group').map((r) => r.name)).toEqual([
      '/moodle-preview/cron',
      '/moodle-preview/sites/life-a',
      '/moodle-preview/sites/life-b',
    ]);
    expect(problems(resources, 14)).toEqual([]);
    // Tasks are gone by now; each one-off task (SQL, moodledata, upgrade.php and its neighbours) was
    // started with both tags.
    const runTasks = fake.server.calls.filter((c) => c.action === 'RunTask' && !c.throttled);
    expect(runTasks.length).toBeGreaterThanOrEqual(8);
    for (const call of runTasks)
      expect(call.authorizations?.find((a) => a.action === 'ecs:RunTask')?.context).toMatchObject({
        'aws:RequestTag/cost-centre': 'digital-education',
        'aws:RequestTag/project': 'previews',
        [`aws:RequestTag/${TAG_MANAGED_BY}`]: SUITE_NAME,
      });
  });
});
