// mdl-preview adopt against the stateful AWS fake and a real MariaDB: a site built the way Terraform
// builds it today (untagged, today's names) is refused by deploy-instance, adopted by tags alone, and
// then converged by a deploy that creates nothing that existed. docs/iam/adopt.json is checked here too.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateServiceCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UntagResourceCommand as UntagEcsResourceCommand,
} from '@aws-sdk/client-ecs';
import {
  AddTagsCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import mysql from 'mysql2/promise';
import { main } from '@moodle-preview/cli';
import {
  ConfigurationError,
  createAwsClients,
  destroyAwsClients,
  type AwsClients,
} from '@moodle-preview/core';
import type { CallRecord } from '@moodle-preview/aws-fake';
import { replay } from '../iam/replay.js';
import { registerSites, siteEntry } from '../exec/site-entries.js';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { createWorld, EXAMPLE_SETTINGS, LISTENER_ARN, type World } from '../deploy/world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const REGION = 'eu-west-2';
const HOST = '4-demo.preview-moodle.example.ac.uk';
const TODAYS_PASSWORD = 'TerraformMadeThisPassword0123456';
const SUITE_TAGS = { 'moodle-preview:site': '4-demo', 'moodle-preview:managed-by': 'moodle-preview-actions' };

/** The example site as Terraform builds it today: today's names, no tags, its own ideas of details. */
async function buildTerraformSite(
  w: World,
  names: { service: string; targetGroup: string } = { service: 'mdl-4-demo', targetGroup: 'mdl-4-demo' },
): Promise<void> {
  // The site's databases and user exist, with the password Terraform handed the container.
  const conn = await adminConnection(mariadb());
  for (const db of ['moodle_42_demo', 'mim_42_demo'])
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4`);
  await conn.query(`CREATE USER IF NOT EXISTS 'moodle_demo'@'%' IDENTIFIED BY '${TODAYS_PASSWORD}'`);
  await conn.query(`GRANT ALL PRIVILEGES ON moodle_42_demo.* TO 'moodle_demo'@'%'`);
  await conn.query(`GRANT ALL PRIVILEGES ON mim_42_demo.* TO 'moodle_demo'@'%'`);
  await conn.end();

  const logs = new CloudWatchLogsClient({ region: REGION });
  const ecs = new ECSClient({ region: REGION });
  const elb = new ElasticLoadBalancingV2Client({ region: REGION });
  const scaling = new ApplicationAutoScalingClient({ region: REGION });
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/moodle-preview/sites/4-demo' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'mdl_ecs_task_def-4-demo',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '1024',
        memory: '2048',
        executionRoleArn: 'arn:aws:iam::123456789012:role/moodle-preview-task-execution',
        taskRoleArn: 'arn:aws:iam::123456789012:role/moodle-preview-task',
        containerDefinitions: [
          {
            name: '4-demo',
            image: '123456789012.dkr.ecr.eu-west-2.amazonaws.com/vle-repo:moodle-ecs-docker-8.0',
            essential: true,
            portMappings: [
              { containerPort: 80, protocol: 'tcp' },
              { containerPort: 443, protocol: 'tcp' },
            ],
            // Today the password travels in plain text; the suite's task definition takes it by valueFrom.
            // First, so the report's diff of the environment would quote it if adopt did not hide it.
            environment: [
              { name: 'MOODLE_DB_PASSWORD', value: TODAYS_PASSWORD },
              { name: 'MOODLE_DB_NAME', value: 'moodle_42_demo' },
              { name: 'MOODLE_DB_USER', value: 'moodle_demo' },
            ],
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': '/moodle-preview/sites/4-demo',
                'awslogs-region': REGION,
                'awslogs-stream-prefix': 'moodle',
              },
            },
          },
        ],
      }),
    );
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: names.targetGroup,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: 'vpc-00738557910dc1bee',
        TargetType: 'ip',
        HealthCheckPath: '/login/index.php',
        Matcher: { HttpCode: '200' },
      }),
    );
    const tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: LISTENER_ARN,
        Priority: 10,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [HOST] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'moodle_cluster',
        serviceName: names.service,
        taskDefinition: td.taskDefinition!.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1c2d3e4f5a60718'],
            securityGroups: ['sg-0c1d2e3f4a5b60718'],
            assignPublicIp: 'DISABLED',
          },
        },
        loadBalancers: [{ targetGroupArn: tgArn, containerName: '4-demo', containerPort: 80 }],
        healthCheckGracePeriodSeconds: 120,
      }),
    );
    const resourceId = `service/moodle_cluster/${names.service}`;
    await scaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId,
        ScalableDimension: 'ecs:service:DesiredCount',
        MinCapacity: 1,
        MaxCapacity: 4,
      }),
    );
    // Today: step scaling, +1 task on an 85 % CPU alarm (the suite's plan is one target-tracking policy).
    await scaling.send(
      new PutScalingPolicyCommand({
        PolicyName: `${names.service}-scale-out`,
        ServiceNamespace: 'ecs',
        ResourceId: resourceId,
        ScalableDimension: 'ecs:service:DesiredCount',
        PolicyType: 'StepScaling',
        StepScalingPolicyConfiguration: {
          AdjustmentType: 'ChangeInCapacity',
          StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
          Cooldown: 60,
        },
      }),
    );
  } finally {
    for (const c of [logs, ecs, elb, scaling]) c.destroy();
  }
  w.fake.ecs.settle();
}

/** What an operator does when adopt asks for it: keep today's password in the suite's secret. */
async function storeTodaysPassword(): Promise<void> {
  const secrets = new SecretsManagerClient({ region: REGION });
  await secrets.send(
    new CreateSecretCommand({
      Name: 'moodle-preview/sites/4-demo/db',
      SecretString: JSON.stringify({ password: TODAYS_PASSWORD }),
    }),
  );
  secrets.destroy();
}

function siteFiles(w: World, settings = EXAMPLE_SETTINGS): { settings: string; platform: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'adopt-'));
  writeFileSync(path.join(dir, 'settings.yml'), settings);
  writeFileSync(path.join(dir, 'platform.yml'), w.platformText);
  return { settings: path.join(dir, 'settings.yml'), platform: path.join(dir, 'platform.yml') };
}

/** A world holding the Terraform-built site, its password kept where adopt asks for it. */
async function adoptableSite(names?: { service: string; targetGroup: string }): Promise<World> {
  world = await createWorld(mariadb());
  await buildTerraformSite(world, names);
  await storeTodaysPassword();
  return world;
}

/** What an operator does by hand between two runs, with the suite's own clients. */
async function byHand(fn: (clients: AwsClients) => Promise<unknown>): Promise<void> {
  const clients = createAwsClients({ region: REGION });
  try {
    await fn(clients);
  } finally {
    destroyAwsClients(clients);
  }
}

async function adopt(files: { settings: string; platform: string }, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['adopt', files.settings, '--platform', files.platform, ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, GITHUB_ACTOR: 'ops-person' },
  });
  return { code, stdout, stderr };
}

const mutatingCalls = (w: World) =>
  w.fake.server.calls
    .filter((c) => c.mutating)
    .map((c) => `${c.service}:${c.action}`)
    .sort();

/** Every call adopt made so far, with its world's platform (the IAM check replays them all). */
const adoptCalls: { calls: CallRecord[]; platformText: string }[] = [];
function recordAdoptCalls(w: World): void {
  adoptCalls.push({ calls: [...w.fake.server.calls], platformText: w.platformText });
}

describe('mdl-preview adopt', () => {
  it('adopts a Terraform-built site by tags alone, and the next deploy creates nothing that existed', async () => {
    world = await createWorld(mariadb());
    const w = world;
    await buildTerraformSite(w);
    const files = siteFiles(w);
    const before = w.fake.inventory();

    // deploy-instance alone refuses what it does not own, before any change.
    w.fake.server.resetCalls();
    const refused = await w.deploy().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toMatch(/not tagged by moodle-preview-actions.*mdl-preview adopt/);
    expect(mutatingCalls(w)).toEqual([]);

    // Without the site's password in Secrets Manager, --apply is refused: a deploy would rotate it.
    w.fake.server.resetCalls();
    const noSecret = await adopt(files, '--apply');
    recordAdoptCalls(w);
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toContain('adopt --apply refused: nothing was changed');
    expect(noSecret.stdout).toMatch(
      /secret moodle-preview\/sites\/4-demo\/db does not exist: deploy-instance would generate a new DB password that the existing user moodle_demo does not have/,
    );
    expect(noSecret.stdout).toContain(
      'mdl_ecs_task_def-4-demo has MOODLE_DB_PASSWORD in plain text in its environment',
    );
    expect(noSecret.stdout).not.toContain(TODAYS_PASSWORD);
    expect(mutatingCalls(w)).toEqual([]);
    await storeTodaysPassword();

    // Without --apply: the report, and no change at all.
    w.fake.server.resetCalls();
    const dry = await adopt(files);
    recordAdoptCalls(w);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(mutatingCalls(w)).toEqual([]);
    const row = (id: string) => dry.stdout.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
    for (const id of [
      'logGroup',
      'dbSecret',
      'taskDefinition',
      'targetGroup',
      'listenerRule',
      'service',
      'scalingTarget',
    ])
      expect([id, row(id)]).toEqual([id, expect.stringMatching(/ found +untagged +tag +\S/)]);
    expect(row('scalingPolicy')).toMatch(/ missing +- +- +mdl-4-demo-cpu/);
    expect(row('siteRegistration')).toMatch(/ missing +- +write +\/moodle-preview\/sites\/4-demo/);
    expect(dry.stdout).toContain('next deploy: retention: never expire → 30 days');
    expect(dry.stdout).toContain('next deploy: health check codes: 200 → 200-399');
    expect(dry.stdout).toContain('next deploy: ECS Exec: off → on');
    expect(dry.stdout).toContain(
      'next deploy: containerDefinitions[0].environment: [{"name":"MOODLE_DB_PASSWORD","value":"***"}',
    );
    expect(dry.stdout).toContain(
      "note: mdl-4-demo-scale-out (StepScaling) is not the plan's: deploy-instance neither changes nor removes it",
    );
    expect(dry.stdout).toContain(
      'dry run: adopt --apply would tag 7 resource(s) and write the registry entry; nothing else would change',
    );
    expect(dry.stdout).not.toContain(TODAYS_PASSWORD);

    // --apply: tag calls and the registry entry, nothing else.
    w.fake.server.resetCalls();
    const applied = await adopt(files, '--apply');
    recordAdoptCalls(w);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(mutatingCalls(w)).toEqual(
      [
        'application-autoscaling:TagResource',
        'ecs:TagResource',
        'ecs:TagResource',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:AddTags',
        'logs:TagResource',
        'secretsmanager:TagResource',
        'ssm:PutParameter',
      ].sort(),
    );
    expect(applied.stdout).toContain('adopted 4-demo: tagged 7 resource(s) and wrote the registry entry');
    expect(w.fake.inventory()).toEqual({
      ...before,
      'secretsmanager:secret': ['moodle-preview/rds-admin', 'moodle-preview/sites/4-demo/db'],
      'ssm:parameter': ['/moodle-preview/sites/4-demo'],
    });
    // Exactly the found resources carry the suite's tags.
    const svc = w.fake.ecs.service('moodle_cluster', 'mdl-4-demo')!;
    expect(w.fake.ecs.tags.get(svc.serviceArn)).toEqual(
      expect.arrayContaining([
        { key: 'moodle-preview:site', value: '4-demo' },
        { key: 'moodle-preview:managed-by', value: 'moodle-preview-actions' },
      ]),
    );
    const target = w.fake.autoscaling.target('service/moodle_cluster/mdl-4-demo')!;
    expect(w.fake.autoscaling.tags.get(target.ScalableTargetARN)).toEqual(SUITE_TAGS);
    const entry = JSON.parse(w.fake.ssm.value('/moodle-preview/sites/4-demo')!);
    expect(entry).toMatchObject({
      previewLink: '4-demo',
      service: 'mdl-4-demo',
      taskFamily: 'mdl_ecs_task_def-4-demo',
      databases: { moodle: 'moodle_42_demo', mim: 'mim_42_demo' },
      dbUser: 'moodle_demo',
      moodledataFolder: '4-demo-2026-11',
      updatedBy: 'ops-person',
    });
    expect(entry.cron).toBeUndefined();

    // The next deploy converges the adopted resources: updates, and creates only what never existed.
    w.fake.server.resetCalls();
    const deployed = await w.deploy();
    expect(deployed.changed).toBe(true);
    const created = deployed.inspections.filter((i) => i.action === 'create').map((i) => i.id);
    expect(created.sort()).toEqual(['cronRegistration', 'scalingPolicy']);
    const mutating = mutatingCalls(w);
    for (const create of [
      'ecs:CreateService',
      'elasticloadbalancing:CreateTargetGroup',
      'elasticloadbalancing:CreateRule',
      'logs:CreateLogGroup',
      'secretsmanager:CreateSecret',
      'application-autoscaling:RegisterScalableTarget',
      'ecs:RunTask',
    ])
      expect([create, mutating.includes(create)]).toEqual([create, false]);
    expect(mutating.filter((c) => c === 'application-autoscaling:PutScalingPolicy')).toHaveLength(1);
    const inv = w.fake.inventory();
    expect(inv['ecs:service']).toEqual(['moodle_cluster/mdl-4-demo']);
    expect(inv['ecs:task-definition']?.filter((t) => t.includes('-4-demo:'))).toEqual([
      'mdl_ecs_task_def-4-demo:1',
      'mdl_ecs_task_def-4-demo:2', // the plan's revision: a new revision of the same family
    ]);
    expect(inv['elbv2:target-group']).toEqual(['mdl-4-demo']);
    expect(inv['elbv2:rule']).toHaveLength(1);
    expect(inv['logs:log-group']).toEqual(['/moodle-preview/sites/4-demo']);
    expect(inv['secretsmanager:secret']).toEqual([
      'moodle-preview/rds-admin',
      'moodle-preview/sites/4-demo/db',
    ]);
    expect(inv['ssm:parameter']).toEqual(['/moodle-preview/sites/4-demo']);
    expect(inv['application-autoscaling:scalable-target']).toHaveLength(1);
    // Terraform's step policy stays (adopt reported it) beside the plan's target-tracking one.
    expect(inv['application-autoscaling:scaling-policy']).toEqual([
      'service/moodle_cluster/mdl-4-demo:mdl-4-demo-cpu',
      'service/moodle_cluster/mdl-4-demo:mdl-4-demo-scale-out',
    ]);
    // The service now runs the plan's revision, and the site's DB user still has today's password.
    expect(w.fake.ecs.service('moodle_cluster', 'mdl-4-demo')!.taskDefinition).toMatch(
      /mdl_ecs_task_def-4-demo:2$/,
    );
    const asSite = await mysql.createConnection({
      host: mariadb().host,
      port: mariadb().port,
      user: 'moodle_demo',
      password: TODAYS_PASSWORD,
      database: 'moodle_42_demo',
    });
    await asSite.end();
    expect(JSON.parse(w.fake.ssm.value('/moodle-preview/sites/4-demo')!).cron).toMatchObject({
      enabled: true,
      service: 'mdl-4-demo',
    });

    // And then the site is ours: a redeploy changes nothing, a second adopt --apply neither.
    w.fake.server.resetCalls();
    const again = await w.deploy();
    expect(again.changed).toBe(false);
    expect(mutatingCalls(w)).toEqual([]);
    w.fake.server.resetCalls();
    const second = await adopt(files, '--apply');
    recordAdoptCalls(w);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to change: 4-demo is already adopted');
    expect(second.stdout).toMatch(/\nservice +found +ours +- +mdl-4-demo/);
    expect(mutatingCalls(w)).toEqual([]);
  });

  it('finishes an interrupted adoption on the next run, tagging only what is left', async () => {
    const w = await adoptableSite();
    const files = siteFiles(w);
    w.fake.server.resetCalls();
    w.fake.server.interruptAfterMutations(3);
    const interrupted = await adopt(files, '--apply');
    expect(interrupted.code).toBe(70);
    expect(interrupted.stderr).toMatch(/FakeInterrupted|interrupted/);
    expect(w.fake.ssm.value('/moodle-preview/sites/4-demo')).toBeUndefined();
    w.fake.server.interruptAfterMutations(undefined);

    w.fake.server.resetCalls();
    const rerun = await adopt(files, '--apply');
    recordAdoptCalls(w);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/\nlogGroup +found +ours +- /);
    expect(rerun.stdout).toContain('adopted 4-demo: tagged 4 resource(s) and wrote the registry entry');
    expect(mutatingCalls(w).filter((c) => c !== 'ssm:PutParameter')).toHaveLength(4);
    expect(mutatingCalls(w).filter((c) => c === 'ssm:PutParameter')).toHaveLength(1);
    const deployed = await w.deploy();
    expect(
      deployed.inspections
        .filter((i) => i.action === 'create')
        .map((i) => i.id)
        .sort(),
    ).toEqual(['cronRegistration', 'scalingPolicy']);
  });

  it('refuses --apply for a service and target group of other names, and says how to move on', async () => {
    const w = await adoptableSite({ service: 'moodle-4-demo', targetGroup: 'tg-4-demo' });
    const files = siteFiles(w);

    w.fake.server.resetCalls();
    const dry = await adopt(files, '--service', 'moodle-4-demo', '--target-group', 'tg-4-demo');
    recordAdoptCalls(w);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\nservice +found +untagged +tag +moodle-4-demo/);
    expect(dry.stdout).toMatch(/\ntargetGroup +found +untagged +tag +tg-4-demo/);
    expect(dry.stdout).toMatch(
      /\nscalingTarget +found +untagged +tag +service\/moodle_cluster\/moodle-4-demo/,
    );
    expect(dry.stdout).toContain('adopt --apply is refused until these are resolved:');

    const refused = await adopt(
      files,
      '--apply',
      '--service',
      'moodle-4-demo',
      '--target-group',
      'tg-4-demo',
    );
    recordAdoptCalls(w);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /service moodle-4-demo is not named mdl-4-demo\. ECS services and target groups cannot be renamed.*adopt without --service/,
    );
    expect(refused.stdout).toMatch(/target group tg-4-demo is not named mdl-4-demo/);
    expect(mutatingCalls(w)).toEqual([]);
    expect(w.fake.ssm.value('/moodle-preview/sites/4-demo')).toBeUndefined();
  });

  it('says there is nothing to adopt, or what is wrong in the settings, and changes nothing', async () => {
    world = await createWorld(mariadb());
    const w = world;
    w.fake.server.resetCalls();
    const nothing = await adopt(siteFiles(w), '--apply');
    recordAdoptCalls(w);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(
      /error: nothing to adopt for 4-demo: none of its resources exists under today's names .*A new site needs only deploy-instance/,
    );
    expect(mutatingCalls(w)).toEqual([]);

    w.fake.server.resetCalls();
    const broken = await adopt(
      siteFiles(w, EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 1024')),
      '--apply',
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /settings\.yml:\d+:\d+: memory: 1024 MiB is not a Fargate size for cpu 1024/,
    );
    expect(w.fake.server.count()).toBe(0);
  });
});

describe('mdl-preview adopt: what it takes and what it leaves', () => {
  it('takes untagged and partly tagged resources, refuses one tagged for another site, and tags only what is missing', async () => {
    const w = await adoptableSite();
    const logs = new CloudWatchLogsClient({ region: REGION });
    const elb = new ElasticLoadBalancingV2Client({ region: REGION });
    const groupArn = (
      await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/moodle-preview/sites/4-demo' }))
    ).logGroups![0]!.arn!.replace(/:\*$/, '');
    const tgArn = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['mdl-4-demo'] })))
      .TargetGroups![0]!.TargetGroupArn!;
    try {
      // Someone else's: tagged for another site.
      await logs.send(
        new TagResourceCommand({ resourceArn: groupArn, tags: { 'moodle-preview:site': 'other-site' } }),
      );
      // Half ours: the managed-by tag only.
      await elb.send(
        new AddTagsCommand({
          ResourceArns: [tgArn],
          Tags: [{ Key: 'moodle-preview:managed-by', Value: 'moodle-preview-actions' }],
        }),
      );
    } finally {
      logs.destroy();
      elb.destroy();
    }
    const files = siteFiles(w);
    w.fake.server.resetCalls();
    const dry = await adopt(files);
    expect(dry.stdout).toMatch(/\nlogGroup +found +another owner +- +\/moodle-preview\/sites\/4-demo/);
    expect(dry.stdout).toMatch(/\ntargetGroup +found +partly tagged +tag +mdl-4-demo/);
    expect(dry.stdout).toContain(
      'logGroup /moodle-preview/sites/4-demo is tagged for another site or tool; adopt only takes untagged resources',
    );
    const refused = await adopt(files, '--apply');
    expect(refused.code).toBe(1);
    expect(mutatingCalls(w)).toEqual([]);

    // The log group given back to the site: adopt tags the target group with the one key it lacks.
    const logsAgain = new CloudWatchLogsClient({ region: REGION });
    await logsAgain.send(
      new UntagResourceCommand({ resourceArn: groupArn, tagKeys: ['moodle-preview:site'] }),
    );
    logsAgain.destroy();
    w.fake.server.resetCalls();
    const applied = await adopt(files, '--apply');
    expect(applied.code).toBe(0);
    const addTags = w.fake.server.calls.filter((c) => c.action === 'AddTags');
    expect(addTags).toHaveLength(2); // the target group and the listener rule
    const elbAfter = new ElasticLoadBalancingV2Client({ region: REGION });
    const tags = await elbAfter.send(new DescribeTagsCommand({ ResourceArns: [tgArn] }));
    elbAfter.destroy();
    expect(Object.fromEntries((tags.TagDescriptions![0]!.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(
      SUITE_TAGS,
    );
  });

  it('says the dry run would tag and write, and that an adopted site has nothing left to change', async () => {
    const w = await adoptableSite();
    const files = siteFiles(w);
    const dry = await adopt(files);
    expect(dry.stdout).toContain(
      'dry run: adopt --apply would tag 7 resource(s) and write the registry entry; nothing else would change',
    );
    expect((await adopt(files, '--apply')).code).toBe(0);
    w.fake.server.resetCalls();
    const again = await adopt(files, '--apply');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to change: 4-demo is already adopted');
    expect(again.stdout).toMatch(/\nsiteRegistration +found +ours +- +\/moodle-preview\/sites\/4-demo/);
    expect(mutatingCalls(w)).toEqual([]);
  });

  it('refuses a --service or --target-group that is not such a name before any AWS call', async () => {
    world = await createWorld(mariadb());
    const w = world;
    const files = siteFiles(w);
    w.fake.server.resetCalls();
    for (const [option, name] of [
      ['--service', 'moodle 4 demo'],
      ['--service', 'a'.repeat(256)],
      ['--target-group', '-tg-4-demo'],
      ['--target-group', 'tg-4-demo-'],
      ['--target-group', 'tg_4_demo'],
      ['--target-group', 't'.repeat(33)],
    ] as const) {
      const r = await adopt(files, `${option}=${name}`);
      expect([option, name.slice(0, 12), r.code]).toEqual([option, name.slice(0, 12), 1]);
      expect(r.stderr).toContain(`${option} ${name} is not`);
    }
    const longest = await adopt(files, '--target-group', 't'.repeat(32), '--service', 's'.repeat(255));
    expect(longest.stderr).not.toMatch(/is not an ECS service name|is not a target group name/);
    expect(w.fake.server.count()).toBe(w.fake.server.calls.filter((c) => !c.mutating).length);
    expect(mutatingCalls(w)).toEqual([]);
  });

  it("names where today's task definition takes the DB password from when the suite's secret is missing", async () => {
    world = await createWorld(mariadb());
    const w = world;
    await buildTerraformSite(w);
    const ecs = new ECSClient({ region: REGION });
    const secretArn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:terraform-db-AbCdEf';
    try {
      // A newer revision that takes the password from a secret of Terraform's, not from its environment.
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'mdl_ecs_task_def-4-demo',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '1024',
          memory: '2048',
          executionRoleArn: 'arn:aws:iam::123456789012:role/moodle-preview-task-execution',
          containerDefinitions: [
            {
              name: '4-demo',
              image: '123456789012.dkr.ecr.eu-west-2.amazonaws.com/vle-repo:moodle-ecs-docker-8.0',
              essential: true,
              environment: [{ name: 'MOODLE_DB_NAME', value: 'moodle_42_demo' }],
              secrets: [{ name: 'MOODLE_DB_PASSWORD', valueFrom: `${secretArn}:password::` }],
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': '/moodle-preview/sites/4-demo',
                  'awslogs-region': REGION,
                  'awslogs-stream-prefix': 'moodle',
                },
              },
            },
          ],
        }),
      );
    } finally {
      ecs.destroy();
    }
    const r = await adopt(siteFiles(w), '--apply');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `(mdl_ecs_task_def-4-demo reads MOODLE_DB_PASSWORD from ${secretArn}:password::)`,
    );
    expect(r.stdout).not.toContain(TODAYS_PASSWORD);
  });
});

describe('mdl-preview adopt: what it reads and what it reports', () => {
  it("names the revision it found, and notes only a scaling policy that is not the plan's", async () => {
    const w = await adoptableSite();
    // Beside today's step policy, one already named as the plan names its policy: that one is the plan's.
    const scaling = new ApplicationAutoScalingClient({ region: REGION });
    try {
      await scaling.send(
        new PutScalingPolicyCommand({
          PolicyName: 'mdl-4-demo-cpu',
          ServiceNamespace: 'ecs',
          ResourceId: 'service/moodle_cluster/mdl-4-demo',
          ScalableDimension: 'ecs:service:DesiredCount',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 70,
            PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          },
        }),
      );
    } finally {
      scaling.destroy();
    }
    const dry = await adopt(siteFiles(w));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\ntaskDefinition +found +untagged +tag +mdl_ecs_task_def-4-demo:1\n/);
    expect(dry.stdout).toContain("note: mdl-4-demo-scale-out (StepScaling) is not the plan's");
    expect(dry.stdout).not.toContain('note: mdl-4-demo-cpu (');
    // A resource with nothing to say has no note among the lines under its row (up to the next row).
    const lines = dry.stdout.split('\n');
    const logGroup = lines.findIndex((l) => l.startsWith('logGroup '));
    const dbSecret = lines.findIndex((l) => l.startsWith('dbSecret '));
    expect(dbSecret).toBeGreaterThan(logGroup);
    expect(lines.slice(logGroup + 1, dbSecret).filter((l) => /^\s+note: /.test(l))).toEqual([]);
  });

  it("leaves the deploy's own tag line out of a revision's differences: tagging it is adopt's part", async () => {
    const w = await adoptableSite();
    const files = siteFiles(w);
    expect((await adopt(files, '--apply')).code).toBe(0);
    await w.deploy();
    // The deployed revision loses both suite tags (by hand): the deploy would only tag it again.
    const ecs = new ECSClient({ region: REGION });
    try {
      const td = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: 'mdl_ecs_task_def-4-demo' }),
      );
      await ecs.send(
        new UntagEcsResourceCommand({
          resourceArn: td.taskDefinition!.taskDefinitionArn!,
          tagKeys: ['moodle-preview:site', 'moodle-preview:managed-by'],
        }),
      );
    } finally {
      ecs.destroy();
    }
    const dry = await adopt(files);
    expect(dry.code).toBe(0);
    const lines = dry.stdout.split('\n');
    const row = lines.findIndex((l) =>
      /^taskDefinition +found +untagged +tag +mdl_ecs_task_def-4-demo:2$/.test(l),
    );
    expect(row).toBeGreaterThan(0);
    expect(lines[row + 1]).toMatch(/^targetGroup /);
  });

  it("reads a target group given by --target-group alone under that name, the service under the suite's", async () => {
    const w = await adoptableSite({ service: 'mdl-4-demo', targetGroup: 'tg-4-demo' });
    const dry = await adopt(siteFiles(w), '--target-group', 'tg-4-demo');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\ntargetGroup +found +untagged +tag +tg-4-demo\n/);
    expect(dry.stdout).toMatch(/\nservice +found +untagged +tag +mdl-4-demo\n/);
    expect(dry.stdout).toMatch(/target group tg-4-demo is not named mdl-4-demo/);
    expect(dry.stdout).not.toMatch(/service mdl-4-demo is not named/);
  });

  it("reads a service given by --service alone under that name, the target group under the suite's", async () => {
    const w = await adoptableSite({ service: 'moodle-4-demo', targetGroup: 'mdl-4-demo' });
    const dry = await adopt(siteFiles(w), '--service', 'moodle-4-demo');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\nservice +found +untagged +tag +moodle-4-demo\n/);
    expect(dry.stdout).toMatch(
      /\nscalingTarget +found +untagged +tag +service\/moodle_cluster\/moodle-4-demo\n/,
    );
    expect(dry.stdout).toMatch(/\ntargetGroup +found +untagged +tag +mdl-4-demo\n/);
    expect(dry.stdout).toMatch(/service moodle-4-demo is not named mdl-4-demo/);
    expect(dry.stdout).not.toMatch(/target group mdl-4-demo is not named/);
  });

  it('lays the report out as a table: every name under its heading, notes under the state column, a blank line before the verdict', async () => {
    const w = await adoptableSite();
    const dry = await adopt(siteFiles(w));
    expect(dry.code).toBe(0);
    const lines = dry.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('resource '));
    expect(lines[header]).toMatch(/^resource +state +owner +adopt +name$/);
    const blank = lines.indexOf('', header);
    const table = lines.slice(header + 1, blank);
    const rows = table.filter((l) => !l.startsWith(' '));
    const details = table.filter((l) => l.startsWith(' '));
    expect(rows.length).toBe(9);
    expect(details.length).toBeGreaterThan(0);
    // Each column starts where its heading does; a row's name is its last field, from the name column on.
    const at = (heading: string) => lines[header]!.indexOf(heading);
    for (const row of rows) {
      const fields = row.trim().split(/ {2,}/);
      expect([row, row.slice(at('name'))]).toEqual([row, fields.at(-1)]);
      expect([row, row.slice(at('adopt'), at('adopt') + fields.at(-2)!.length)]).toEqual([
        row,
        fields.at(-2),
      ]);
      expect([row, row.slice(at('state')).startsWith(fields[1]!)]).toEqual([row, true]);
    }
    for (const d of details) expect([d, /^ +\S/.exec(d)![0].length - 1]).toEqual([d, at('state')]);
    expect(lines[blank + 1]).toMatch(/^dry run: adopt --apply would tag/);
    // The entry to write carries its note; an entry that exists has none (below).
    const registry = lines.findIndex((l) => l.startsWith('siteRegistration '));
    expect(lines[registry + 1]).toMatch(/^ +note: databases and moodledata are recorded from the settings/);
  });

  it('tags again what lost a tag after adoption, and says that is all it does', async () => {
    const w = await adoptableSite();
    const files = siteFiles(w);
    expect((await adopt(files, '--apply')).code).toBe(0);
    // Someone removes the log group's managed-by tag by hand; the registry entry is there.
    await byHand(async ({ logs }) => {
      const groupArn = (
        await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/moodle-preview/sites/4-demo' }))
      ).logGroups![0]!.arn!.replace(/:\*$/, '');
      await logs.send(
        new UntagResourceCommand({ resourceArn: groupArn, tagKeys: ['moodle-preview:managed-by'] }),
      );
    });
    const dry = await adopt(files);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\nlogGroup +found +partly tagged +tag +\/moodle-preview\/sites\/4-demo\n/);
    // The entry's row, last in the table, has no line under it.
    expect(dry.stdout).toMatch(/\nsiteRegistration +found +ours +- +\/moodle-preview\/sites\/4-demo\n\n/);
    expect(dry.stdout).not.toContain('note: databases and moodledata are recorded');
    expect(dry.stdout).toContain('dry run: adopt --apply would tag 1 resource(s); nothing else would change');
    w.fake.server.resetCalls();
    const applied = await adopt(files, '--apply');
    expect(applied.code).toBe(0);
    expect(mutatingCalls(w)).toEqual(['logs:TagResource']);
    expect(applied.stdout).toMatch(
      /\nlogGroup +found +partly tagged +tagged +\/moodle-preview\/sites\/4-demo\n/,
    );
    expect(applied.stdout).toContain('adopted 4-demo: tagged 1 resource(s); nothing else changed');
  });

  it('reports a site without a scalable target as missing one, with nothing to note about it', async () => {
    const w = await adoptableSite();
    await byHand(({ autoscaling }) =>
      autoscaling.send(
        new DeregisterScalableTargetCommand({
          ServiceNamespace: 'ecs',
          ResourceId: 'service/moodle_cluster/mdl-4-demo',
          ScalableDimension: 'ecs:service:DesiredCount',
        }),
      ),
    );
    const dry = await adopt(siteFiles(w));
    expect(dry.code).toBe(0);
    const lines = dry.stdout.split('\n');
    const target = lines.findIndex((l) =>
      /^scalingTarget +missing +- +- +service\/moodle_cluster\/mdl-4-demo$/.test(l),
    );
    expect(target).toBeGreaterThan(0);
    const next = lines.findIndex((l, i) => i > target && !l.startsWith(' '));
    expect(lines.slice(target + 1, next).filter((l) => /^ +note: /.test(l))).toEqual([]);
    // What the next deploy does about it is said; that AWS reports no ARN for it is not.
    expect(lines.slice(target + 1, next).map((l) => l.trim())).toContain('next deploy: 1 to 4 tasks');
    expect(dry.stdout).toContain(
      'dry run: adopt --apply would tag 6 resource(s) and write the registry entry',
    );
  });

  it('writes the registry entry of a site whose resources are tagged already, and reports it written', async () => {
    const w = await adoptableSite();
    const files = siteFiles(w);
    expect((await adopt(files, '--apply')).code).toBe(0);
    // The entry lost (deleted by hand, or a run stopped after tagging): everything is tagged, the entry is not there.
    const ssm = new SSMClient({ region: REGION });
    await ssm.send(new DeleteParameterCommand({ Name: '/moodle-preview/sites/4-demo' }));
    ssm.destroy();
    w.fake.server.resetCalls();
    const r = await adopt(files, '--apply');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'adopted 4-demo: tagged 0 resource(s) and wrote the registry entry; nothing else changed',
    );
    expect(r.stdout).toMatch(/\nsiteRegistration +missing +- +written +\/moodle-preview\/sites\/4-demo/);
    expect(mutatingCalls(w)).toEqual(['ssm:PutParameter']);
  });

  it("refuses --apply while another live site uses the site's database, and does not take that site's entry for its own", async () => {
    const w = await adoptableSite();
    await byHand((clients) =>
      registerSites(clients, [
        siteEntry('other-site', { databases: { moodle: 'moodle_42_demo' }, dbHost: mariadb().host }),
      ]),
    );
    const files = siteFiles(w);
    const dry = await adopt(files);
    expect(dry.stdout).toMatch(/\nsiteRegistration +missing +- +write +\/moodle-preview\/sites\/4-demo/);
    expect(dry.stdout).toContain('4-demo would use data of another live site');
    expect(dry.stdout).toContain('(used by site other-site)');
    w.fake.server.resetCalls();
    const refused = await adopt(files, '--apply');
    expect(refused.code).toBe(1);
    expect(mutatingCalls(w)).toEqual([]);
  });
});

describe("adopt's IAM policy", () => {
  it('allows every call adopt made in the scenarios above, replayed through the IAM simulator', async () => {
    expect(adoptCalls.length).toBeGreaterThan(0);
    const actions = new Set<string>();
    for (const { calls, platformText } of adoptCalls) {
      const r = await replay(calls, 'adopt', { platformText });
      expect(r.problems).toEqual([]);
      for (const a of r.actions) actions.add(a);
    }
    // The takeover's writes were exercised: tags (only ours) and the registry entry.
    expect([...actions]).toEqual(
      expect.arrayContaining([
        'ecs:TagResource',
        'elasticloadbalancing:AddTags',
        'logs:TagResource',
        'secretsmanager:TagResource',
        'ssm:PutParameter',
      ]),
    );
  });
});
