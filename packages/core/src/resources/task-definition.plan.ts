// The site plan's part for task definition: pure, computed from the PlanContext, and loading no AWS
// client (validate-settings and deploy-instance's first stage plan without them). The rest of its life is
// in task-definition.ts beside it.
import type { KeyValue, PlannedResources } from '../plan/site-plan.js';
import type { PlanContext } from './types.js';

const MOODLEDATA_VOLUME = 'moodledata';
const byName = (a: KeyValue, b: KeyValue) => a.name.localeCompare(b.name);

/** The Moodle container's environment: where the site is, its database, Redis and cron log. */
function environmentOf({ site, cronLogPath }: PlanContext): KeyValue[] {
  const environment: KeyValue[] = [
    { name: 'PREVIEW_LINK', value: site.previewLink },
    { name: 'PHP_VERSION', value: site.phpVersion },
    { name: 'MOODLE_WWWROOT', value: site.url },
    { name: 'MOODLE_SITE_FOLDER', value: site.siteFolder },
    { name: 'MOODLE_CODE_PATH', value: site.moodleCodePath },
    { name: 'MOODLE_FULL_IMAGE', value: String(site.fullImage) },
    { name: 'MOODLE_DATAROOT', value: site.moodledata.path },
    { name: 'MOODLE_CRON_LOG', value: cronLogPath },
    { name: 'MOODLE_DB_HOST', value: site.db.host },
    { name: 'MOODLE_DB_PORT', value: String(site.db.port) },
    { name: 'MOODLE_DB_NAME', value: site.db.name },
    { name: 'MOODLE_DB_USER', value: site.db.user },
    { name: 'MOODLE_REDIS_HOST', value: site.redis.host },
    { name: 'MOODLE_REDIS_PORT', value: String(site.redis.port) },
    { name: 'MOODLE_REDIS_PREFIX', value: site.redis.prefix },
  ];
  if (site.db.readReplicaHost)
    environment.push({ name: 'MOODLE_DB_HOST_READONLY', value: site.db.readReplicaHost });
  if (site.db.mimName) {
    environment.push(
      { name: 'MIM_DB_HOST', value: site.db.host },
      { name: 'MIM_DB_NAME', value: site.db.mimName },
    );
  }
  environment.sort(byName);
  return environment;
}

export const planTaskDefinition: (ctx: PlanContext) => PlannedResources['taskDefinition'] = (ctx) => {
  const { site, platform, names, tags, mountPath, logGroupName } = ctx;
  const accessPoint = platform.efs.access_point_id;
  const environment = environmentOf(ctx);
  return {
    name: names.taskFamily,
    dependsOn: ['logGroup', 'dbSecret'],
    spec: {
      family: names.taskFamily,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: String(site.cpu),
      memory: String(site.memory),
      executionRoleArn: platform.roles.execution_role_arn,
      taskRoleArn: platform.roles.task_role_arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      volumes: [
        {
          name: MOODLEDATA_VOLUME,
          efsVolumeConfiguration: {
            fileSystemId: platform.efs.file_system_id,
            // The whole EFS root, as today: runcron.sh writes <mount>/cron_logs/ next to the sites.
            rootDirectory: '/',
            transitEncryption: 'ENABLED',
            ...(accessPoint
              ? { authorizationConfig: { accessPointId: accessPoint, iam: 'ENABLED' as const } }
              : {}),
          },
        },
      ],
      containerDefinitions: [
        {
          name: names.containerName,
          image: site.image,
          essential: true,
          portMappings: [
            { containerPort: 80, protocol: 'tcp' },
            { containerPort: 443, protocol: 'tcp' },
          ],
          environment,
          secrets: [
            { name: 'MOODLE_DB_PASSWORD', valueFrom: { secret: names.dbSecretName, jsonKey: 'password' } },
          ],
          mountPoints: [{ sourceVolume: MOODLEDATA_VOLUME, containerPath: mountPath, readOnly: false }],
          // An init process reaps the children of ECS Exec sessions (cron runs through it).
          linuxParameters: { initProcessEnabled: true },
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': logGroupName,
              'awslogs-region': platform.region,
              'awslogs-stream-prefix': 'moodle',
            },
          },
        },
      ],
      tags,
    },
  };
};
