// docs/iam/deploy-instance.json lists exactly the AWS actions deploy-instance calls: every path of the
// engine is driven here against the fake, and the calls it saw must equal the document's list.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, EXAMPLE_SETTINGS, LISTENER_ARN, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterAll(async () => world?.close());

interface Policy {
  Statement: { Sid: string; Action: string[] }[];
}
const policy = JSON.parse(readFileSync('docs/iam/deploy-instance.json', 'utf8')) as Policy;
const statement = (sid: string) => policy.Statement.find((s) => s.Sid === sid)!.Action;

/** Permissions a call needs besides its own action (tags on create, roles handed to ECS, alarms). */
const IMPLIED: Record<string, string[]> = {
  'ecs:RegisterTaskDefinition': ['iam:PassRole'],
  'ecs:RunTask': ['iam:PassRole'],
  'ssm:PutParameter': ['ssm:AddTagsToResource'],
  'secretsmanager:CreateSecret': ['secretsmanager:TagResource'],
  'logs:CreateLogGroup': ['logs:TagResource'],
  'elasticloadbalancing:CreateTargetGroup': ['elasticloadbalancing:AddTags'],
  'elasticloadbalancing:CreateRule': ['elasticloadbalancing:AddTags'],
  'application-autoscaling:RegisterScalableTarget': [
    'application-autoscaling:TagResource',
    'iam:CreateServiceLinkedRole',
  ],
  'application-autoscaling:PutScalingPolicy': [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:DescribeAlarms',
    'cloudwatch:DeleteAlarms',
  ],
};

describe('docs/iam/deploy-instance.json', () => {
  it('equals the actions the engine calls, on every path', async () => {
    world = await createWorld(mariadb());
    const w = world;
    await w.deploy(EXAMPLE_SETTINGS, { dryRun: true });
    await w.deploy();
    await w.deploy(); // no-op
    // Settings and platform changes: a new revision, scaling, retention, health check, tags only.
    await w.deploy(
      EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072')
        .replace('auto_scaling_max: 4', 'auto_scaling_max: 5')
        .replace('auto_scaling_cpu_target: 85', 'auto_scaling_cpu_target: 70'),
    );
    const platform = w.platformText
      .replace('retention_days: 30', 'retention_days: 90')
      .replace(
        '  https_listener_arns:',
        '  health_check_path: /admin/tool/heartbeat/\n  deregistration_delay_seconds: 10\n  https_listener_arns:',
      )
      .replace('cost-centre: digital-education', 'cost-centre: it-services');
    await w.deploy(
      EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072')
        .replace('auto_scaling_max: 4', 'auto_scaling_max: 5')
        .replace('auto_scaling_cpu_target: 85', 'auto_scaling_cpu_target: 70'),
      { platformText: platform },
    );
    // Someone pointed the site's rule elsewhere: the deploy points it back.
    const rule = w.fake.elbv2.rules(LISTENER_ARN).find((r) => !r.IsDefault)!;
    const other = w.fake.elbv2.handle(
      'CreateTargetGroup',
      { Name: 'other', Protocol: 'HTTP', Port: '80', VpcId: 'vpc-00738557910dc1bee', TargetType: 'ip' },
      w.fake.server.ctx,
    ) as { TargetGroups: { TargetGroupArn: string }[] };
    w.fake.elbv2.handle(
      'ModifyRule',
      {
        RuleArn: rule.RuleArn,
        Actions: [{ Type: 'forward', TargetGroupArn: other.TargetGroups[0]!.TargetGroupArn }],
      },
      w.fake.server.ctx,
    );
    const repaired = await w.deploy(
      EXAMPLE_SETTINGS.replace('memory: 2048', 'memory: 3072')
        .replace('auto_scaling_max: 4', 'auto_scaling_max: 5')
        .replace('auto_scaling_cpu_target: 85', 'auto_scaling_cpu_target: 70'),
      { platformText: platform },
    );
    expect(repaired.inspections.filter((i) => i.action !== 'none').map((i) => i.id)).toEqual([
      'listenerRule',
    ]);
    // Direct DB access reads the admin secret and the site's password; a failed rollout reads stopped tasks.
    await w.deploy(
      EXAMPLE_SETTINGS.replace('preview_db_name: moodle_42_demo', 'preview_db_name: moodle_43_demo'),
      { db: 'direct', platformText: platform },
    );
    await w
      .deploy(
        EXAMPLE_SETTINGS.replace(
          'site_folder: moodle',
          'site_folder: moodle\npreview_docker_img: registry.example/fail:{{php_version}}',
        ),
        { platformText: platform },
      )
      .catch(() => undefined);

    const iamPrefix: Record<string, string> = { elasticloadbalancing: 'elasticloadbalancing' };
    const called = new Set(
      w.fake.server.calls.map((c) => `${iamPrefix[c.service] ?? c.service}:${c.action}`),
    );
    expect([...called].sort()).toEqual([...statement('CalledByDeployInstance')].sort());
    const implied = new Set([...called].flatMap((a) => IMPLIED[a] ?? []));
    expect([...implied].sort()).toEqual([...statement('ImpliedByThoseCalls')].sort());
  });
});
