// deploy-instance's generated IAM policy (docs/iam/deploy-instance.json for the example platform)
// allows every call the engine makes: every path is driven here against the fake, and each recorded
// call is replayed through the IAM simulator.
import { afterAll, describe, expect, it } from '@jest/globals';
import { useMariaDb } from '../servers/mariadb.js';
import { expectAllowedAs } from '../iam/replay.js';
import { createWorld, EXAMPLE_SETTINGS, LISTENER_ARN, minimalSettings, type World } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterAll(async () => world?.close());

describe("deploy-instance's IAM policy", () => {
  it('allows every call the engine makes, on every path', async () => {
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

    // A site on the platform's schedule: its wake and sleep actions put, changed, then removed.
    await w.deploy(minimalSettings('nightly'));
    await w.deploy(minimalSettings('nightly', 'awake: Mon-Sat 08:00-18:00\n'));
    await w.deploy(minimalSettings('nightly', 'awake: always\n'));

    // Every call of every path, and what each implies (tags on create, roles passed, alarms), is
    // allowed by deploy-instance's generated policy; and the run exercised the policy's writes.
    const r = await expectAllowedAs(w.fake.server.calls, 'deploy-instance', {
      platformText: w.platformText,
    });
    expect(r.actions).toEqual(
      expect.arrayContaining([
        'ecs:CreateService',
        'ecs:UpdateService',
        'ecs:RegisterTaskDefinition',
        'ecs:TagResource',
        'iam:PassRole',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:AddTags',
        'logs:CreateLogGroup',
        'logs:PutRetentionPolicy',
        'secretsmanager:CreateSecret',
        'secretsmanager:GetSecretValue',
        'ssm:PutParameter',
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:DeleteScheduledAction',
        'cloudwatch:PutMetricAlarm',
      ]),
    );
  });
});
