// The plan as text for people: one block per resource, in apply order, with the facts that matter.
import { describeEstimate } from '../fleet/cost-estimate.js';
import { applyOrder, type ResourceId, type SitePlan } from './site-plan.js';

const LABEL: Record<ResourceId, string> = {
  siteRegistration: 'site registry',
  cronRegistration: 'cron',
  dbSecret: 'db secret',
  databases: 'databases',
  dbUser: 'db user',
  moodledata: 'moodledata',
  redis: 'redis',
  logGroup: 'log group',
  taskDefinition: 'task definition',
  targetGroup: 'target group',
  listenerRule: 'listener rule',
  service: 'service',
  scalingTarget: 'scaling target',
  scalingPolicy: 'scaling policy',
  scheduledActions: 'schedule',
  sleepPage: 'sleep page',
};

function details(plan: SitePlan, id: ResourceId): string[] {
  const r = plan.resources;
  switch (id) {
    case 'siteRegistration': {
      const e = r.siteRegistration.spec.entry;
      return [
        `SSM parameter ${r.siteRegistration.spec.parameterName}`,
        `service ${e.service}, databases ${Object.values(e.databases).join(', ')}, moodledata ${e.moodledataFolder}`,
      ];
    }
    case 'cronRegistration': {
      const c = r.cronRegistration.spec;
      return c.enabled
        ? [
            `enabled: ${c.command} in container ${c.container} of ${c.service}, timeout ${c.timeoutSeconds} s`,
            `log ${c.logPath}`,
          ]
        : ['disabled (cron: false)'];
    }
    case 'dbSecret':
      return [
        `Secrets Manager secret, ${r.dbSecret.spec.passwordLength}-character password generated once, never printed`,
      ];
    case 'databases': {
      const d = r.databases.spec;
      return [
        ...d.databases.map(
          (db) =>
            `${db.name} (${db.role}) ${db.characterSet}/${db.collation}, created if absent, never dropped`,
        ),
        `on ${d.server.host}:${d.server.port}`,
      ];
    }
    case 'dbUser':
      return [
        `ALL PRIVILEGES on ${r.dbUser.spec.grants.map((g) => g.database).join(', ')}`,
        `password from ${r.dbUser.spec.password.secret}`,
      ];
    case 'moodledata': {
      const m = r.moodledata.spec;
      return [
        `EFS ${m.fileSystemId}:${m.efsPath}, seen as ${m.containerPath} (EFS root mounted at ${m.mountPath})`,
      ];
    }
    case 'redis':
      return [`${r.redis.spec.host}:${r.redis.spec.port}, key prefix ${r.redis.spec.prefix}`];
    case 'logGroup':
      return [`retention ${r.logGroup.spec.retentionInDays} days`];
    case 'taskDefinition': {
      const t = r.taskDefinition.spec;
      const c = t.containerDefinitions[0]!;
      return [
        `Fargate cpu ${t.cpu}, memory ${t.memory} MiB; container ${c.name}, ports ${c.portMappings.map((p) => p.containerPort).join(', ')}`,
        `image ${c.image}`,
        `environment ${c.environment.map((e) => `${e.name}=${e.value}`).join(' ')}`,
        `secrets ${c.secrets.map((s) => `${s.name}←${s.valueFrom.secret}:${s.valueFrom.jsonKey}`).join(' ')}`,
        `volume ${t.volumes[0]!.efsVolumeConfiguration.fileSystemId} at ${c.mountPoints[0]!.containerPath}, transit encryption on`,
      ];
    }
    case 'targetGroup': {
      const g = r.targetGroup.spec;
      return [
        `${g.protocol}:${g.port}, target type ip, VPC ${g.vpcId}`,
        `health check ${g.healthCheck.path} expecting ${g.healthCheck.matcher}`,
      ];
    }
    case 'listenerRule': {
      const l = r.listenerRule.spec;
      return [
        `host ${l.hostHeader} → target group ${r.targetGroup.name}`,
        `priority ${l.preferredPriority} (or the next free one) on the first of ${l.listenerArns.length} listener(s) with room`,
      ];
    }
    case 'service': {
      const s = r.service.spec;
      return [
        `on cluster ${s.cluster}, Fargate, ${s.initialDesiredCount} task(s) at creation (then auto scaling owns the count)`,
        `circuit breaker with rollback, ECS Exec enabled, health check grace ${s.healthCheckGracePeriodSeconds} s`,
      ];
    }
    case 'scalingTarget':
      return [`${r.scalingTarget.spec.minCapacity} to ${r.scalingTarget.spec.maxCapacity} tasks`];
    case 'scalingPolicy':
      return [`target tracking: average CPU ${r.scalingPolicy.spec.targetValue} %`];
    case 'scheduledActions': {
      const actions = r.scheduledActions.spec.actions;
      return actions.length
        ? actions.map(
            (a) => `${a.name}: ${a.schedule} ${a.timezone} → ${a.minCapacity} to ${a.maxCapacity} tasks`,
          )
        : ['awake always: no scheduled actions'];
    }
    case 'sleepPage': {
      const p = r.sleepPage.spec;
      if (!p.group) return ['none: the platform has no schedule.sleep_page (a sleeping site answers 503)'];
      return p.schedules.length
        ? p.schedules.map(
            (s) =>
              `${s.name}: ${s.expression} ${s.timezone} → the rule shows ${s.shows === 'page' ? 'the sleep page' : 'the site'}`,
          )
        : ['awake always: no schedules'];
    }
  }
}

export function renderPlan(plan: SitePlan): string {
  const lines = [`Plan for site ${plan.site}: ${plan.url}`, ''];
  const width = Math.max(...Object.values(LABEL).map((l) => l.length));
  for (const id of applyOrder(plan)) {
    const [first, ...rest] = details(plan, id);
    lines.push(`  ${LABEL[id].padEnd(width)}  ${plan.resources[id].name}`);
    for (const d of [first, ...rest]) if (d) lines.push(`  ${''.padEnd(width)}    ${d}`);
  }
  lines.push(
    '',
    `Estimated Fargate cost: ${describeEstimate(plan.estimate)}`,
    `Tags on every resource: ${Object.entries(plan.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}
