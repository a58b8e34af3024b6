// Calls the suite must never be able to make, evaluated against the generated policies by the IAM
// simulator: each one is denied, and beside it the nearest call the suite does make is allowed, so a
// denial cannot come from a policy that allows nothing (or from a request the simulator misreads).
import { describe, expect, it } from '@jest/globals';
import type { AuthorizationRequest } from '@moodle-preview/aws-fake';
import type { IamRole } from '@moodle-preview/core';
import { evaluate, type Caller } from './evaluate.js';
import { arn, callerAs, OURS, policyOf, request } from './policies.js';

interface Case {
  role: IamRole;
  why: string;
  /** The call the suite makes: allowed. */
  allowed: AuthorizationRequest;
  /** The same call where it must not reach: denied. */
  denied: AuthorizationRequest;
  caller?: Caller;
}

const service = (name: string) => arn('ecs', `service/moodle_cluster/${name}`);
const targetGroup = (name: string) => arn('elasticloadbalancing', `targetgroup/${name}/0123456789abcdef`);
const rule = (listener = '0123456789abcdef') =>
  arn(
    'elasticloadbalancing',
    `listener-rule/app/mdl-fargate-app/1968662235abcdef/${listener}/fedcba9876543210`,
  );
const secret = (name: string) => arn('secretsmanager', `secret:${name}-AbC123`);
const parameter = (name: string) => arn('ssm', `parameter${name}`);
const instance = (id: string) => arn('ec2', `instance/${id}`);
const RUNNER_TAGGED = {
  'aws:ResourceTag/moodle-preview:managed-by': 'moodle-preview-actions',
  'aws:ResourceTag/moodle-preview:component': 'ec2-runner',
};
const TASK_ROLE = 'arn:aws:iam::123456789012:role/moodle-preview-task';
const ECS_TASKS = { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' };
const ONE = instance('i-0123456789abcdef0');
const ECS_SCALING = {
  'application-autoscaling:service-namespace': 'ecs',
  'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
};
const OTHER = instance('i-0fedcba9876543210');

const CASES: Case[] = [
  {
    role: 'deploy-instance',
    why: 'updating a same-named service without our tag',
    allowed: request('ecs:UpdateService', service('mdl-4-demo'), OURS()),
    denied: request('ecs:UpdateService', service('mdl-4-demo'), { 'aws:ResourceTag/team': 'other' }),
  },
  {
    role: 'deploy-instance',
    why: 'updating a service not named as ours, even tagged',
    allowed: request('ecs:UpdateService', service('mdl-4-demo'), OURS()),
    denied: request('ecs:UpdateService', service('payroll'), OURS()),
  },
  {
    role: 'deploy-instance',
    why: 'creating a service without our tag in the request',
    allowed: request('ecs:CreateService', service('mdl-4-demo'), OURS('aws:RequestTag')),
    denied: request('ecs:CreateService', service('mdl-4-demo'), {}),
  },
  {
    role: 'deploy-instance',
    why: 'modifying a same-named target group without our tag',
    allowed: request('elasticloadbalancing:ModifyTargetGroup', targetGroup('mdl-4-demo'), OURS()),
    denied: request('elasticloadbalancing:ModifyTargetGroup', targetGroup('mdl-4-demo'), {}),
  },
  {
    role: 'deploy-instance',
    why: 'creating a rule on a listener that is not the platform’s',
    allowed: request(
      'elasticloadbalancing:CreateRule',
      arn('elasticloadbalancing', 'listener/app/mdl-fargate-app/1968662235abcdef/0123456789abcdef'),
      OURS('aws:RequestTag'),
    ),
    denied: request(
      'elasticloadbalancing:CreateRule',
      arn('elasticloadbalancing', 'listener/app/intranet/1968662235abcdef/0123456789abcdef'),
      OURS('aws:RequestTag'),
    ),
  },
  {
    role: 'deploy-instance',
    why: 'scheduling the scaling of a scalable target that is not ours',
    allowed: request(
      'application-autoscaling:PutScheduledAction',
      arn('application-autoscaling', 'scalable-target/0ec1a2b3c4d5e6f708192a3b4c5d6e7f8091'),
      { ...OURS(), ...ECS_SCALING },
    ),
    denied: request(
      'application-autoscaling:DeleteScheduledAction',
      arn('application-autoscaling', 'scalable-target/0ec1a2b3c4d5e6f708192a3b4c5d6e7f8091'),
      { 'aws:ResourceTag/team': 'payroll', ...ECS_SCALING },
    ),
  },
  {
    role: 'wake-sleep',
    why: 'scaling a scalable target that is not ours',
    allowed: request(
      'application-autoscaling:RegisterScalableTarget',
      arn('application-autoscaling', 'scalable-target/0ec1a2b3c4d5e6f708192a3b4c5d6e7f8091'),
      { ...OURS(), ...ECS_SCALING },
    ),
    denied: request(
      'application-autoscaling:RegisterScalableTarget',
      arn('application-autoscaling', 'scalable-target/0ec1a2b3c4d5e6f708192a3b4c5d6e7f8091'),
      { 'aws:ResourceTag/team': 'payroll', ...ECS_SCALING },
    ),
  },
  {
    role: 'wake-sleep',
    why: 'writing the site registry (it only reads it)',
    allowed: request('ssm:GetParameter', parameter('/moodle-preview/sites/4-demo')),
    denied: request('ssm:PutParameter', parameter('/moodle-preview/sites/4-demo')),
  },
  {
    role: 'deploy-instance',
    why: 'reading a secret outside the site prefix',
    allowed: request('secretsmanager:GetSecretValue', secret('moodle-preview/sites/4-demo/db')),
    denied: request('secretsmanager:GetSecretValue', secret('prod/moodle/rds')),
  },
  {
    role: 'deploy-instance',
    why: 'passing a role other than the platform’s task roles',
    allowed: request('iam:PassRole', TASK_ROLE, ECS_TASKS),
    denied: request('iam:PassRole', 'arn:aws:iam::123456789012:role/OrganizationAdmin', ECS_TASKS),
  },
  {
    role: 'deploy-instance',
    why: 'passing the task role to another service than ECS tasks',
    allowed: request('iam:PassRole', TASK_ROLE, ECS_TASKS),
    denied: request('iam:PassRole', TASK_ROLE, { 'iam:PassedToService': 'ec2.amazonaws.com' }),
  },
  {
    role: 'deploy-instance',
    why: 'registering a task definition family that is not ours',
    allowed: request(
      'ecs:RegisterTaskDefinition',
      arn('ecs', 'task-definition/mdl_ecs_task_def-4-demo:3'),
      OURS('aws:RequestTag'),
    ),
    denied: request(
      'ecs:RegisterTaskDefinition',
      arn('ecs', 'task-definition/payroll:3'),
      OURS('aws:RequestTag'),
    ),
  },
  {
    role: 'deploy-instance',
    why: 'tagging an existing service (tags go on only while creating)',
    allowed: request('ecs:TagResource', service('mdl-4-demo'), {
      ...OURS('aws:RequestTag'),
      'ecs:CreateAction': 'CreateService',
    }),
    denied: request('ecs:TagResource', service('mdl-4-demo'), OURS('aws:RequestTag')),
  },
  {
    role: 'deploy-instance',
    why: 'retagging our service as managed by someone else',
    allowed: request('ecs:TagResource', service('mdl-4-demo'), {
      ...OURS(),
      'aws:RequestTag/cost-centre': 'it-services',
      'aws:TagKeys': ['cost-centre'],
    }),
    denied: request('ecs:TagResource', service('mdl-4-demo'), {
      ...OURS(),
      'aws:RequestTag/moodle-preview:managed-by': 'terraform',
      'aws:TagKeys': ['moodle-preview:managed-by'],
    }),
  },
  {
    role: 'deploy-instance',
    why: 'running a task in another cluster',
    allowed: request('ecs:RunTask', arn('ecs', 'task-definition/mdl_sql_task-4-demo:1'), {
      ...OURS('aws:RequestTag'),
      'ecs:cluster': arn('ecs', 'cluster/moodle_cluster'),
    }),
    denied: request('ecs:RunTask', arn('ecs', 'task-definition/mdl_sql_task-4-demo:1'), {
      ...OURS('aws:RequestTag'),
      'ecs:cluster': arn('ecs', 'cluster/production'),
    }),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a same-named service without our tag',
    allowed: request('ecs:DeleteService', service('mdl-4-demo'), OURS()),
    denied: request('ecs:DeleteService', service('mdl-4-demo'), {}),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a same-named target group without our tag',
    allowed: request('elasticloadbalancing:DeleteTargetGroup', targetGroup('mdl-4-demo'), OURS()),
    denied: request('elasticloadbalancing:DeleteTargetGroup', targetGroup('mdl-4-demo'), {
      'aws:ResourceTag/moodle-preview:managed-by': 'terraform',
    }),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a listener rule without our tag',
    allowed: request('elasticloadbalancing:DeleteRule', rule(), OURS()),
    denied: request('elasticloadbalancing:DeleteRule', rule(), {}),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a rule of a listener that is not the platform’s, even tagged',
    allowed: request('elasticloadbalancing:DeleteRule', rule(), OURS()),
    denied: request('elasticloadbalancing:DeleteRule', rule('00000000000000aa'), OURS()),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a site secret without our tag',
    allowed: request('secretsmanager:DeleteSecret', secret('moodle-preview/sites/4-demo/db'), OURS()),
    denied: request('secretsmanager:DeleteSecret', secret('moodle-preview/sites/4-demo/db'), {}),
  },
  {
    role: 'destroy-instance',
    why: 'deleting the admin secret (readable, never deletable)',
    allowed: request(
      'secretsmanager:GetSecretValue',
      secret('moodle-preview/rds-admin').replace('AbC123', 'AbCdEf'),
    ),
    denied: request(
      'secretsmanager:DeleteSecret',
      secret('moodle-preview/rds-admin').replace('AbC123', 'AbCdEf'),
      OURS(),
    ),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a registry entry without our tag',
    allowed: request('ssm:DeleteParameter', parameter('/moodle-preview/sites/4-demo'), OURS()),
    denied: request('ssm:DeleteParameter', parameter('/moodle-preview/sites/4-demo'), {}),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a parameter outside the registry, even tagged',
    allowed: request('ssm:DeleteParameter', parameter('/moodle-preview/sites/4-demo'), OURS()),
    denied: request('ssm:DeleteParameter', parameter('/prod/moodle/config'), OURS()),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a log group outside the site prefix',
    allowed: request('logs:DeleteLogGroup', arn('logs', 'log-group:/moodle-preview/sites/4-demo'), OURS()),
    denied: request('logs:DeleteLogGroup', arn('logs', 'log-group:/aws/rds/cluster/moodle/audit'), OURS()),
  },
  {
    role: 'destroy-instance',
    why: 'deleting a site log group without our tag',
    allowed: request('logs:DeleteLogGroup', arn('logs', 'log-group:/moodle-preview/sites/4-demo'), OURS()),
    denied: request('logs:DeleteLogGroup', arn('logs', 'log-group:/moodle-preview/sites/4-demo')),
  },
  {
    role: 'destroy-instance',
    why: 'deregistering task definitions in another region',
    allowed: request('ecs:DeregisterTaskDefinition', '*', { 'aws:RequestedRegion': 'eu-west-2' }),
    denied: request('ecs:DeregisterTaskDefinition', '*', { 'aws:RequestedRegion': 'us-east-1' }),
  },
  {
    role: 'adopt',
    why: 'tagging an adopted service with more than our two tags',
    allowed: request('ecs:TagResource', service('moodle-4-demo'), {
      ...OURS('aws:RequestTag'),
      'aws:TagKeys': ['moodle-preview:managed-by', 'moodle-preview:site'],
    }),
    denied: request('ecs:TagResource', service('moodle-4-demo'), {
      ...OURS('aws:RequestTag'),
      'aws:TagKeys': ['moodle-preview:managed-by', 'owner'],
    }),
  },
  {
    role: 'adopt',
    why: 'tagging as managed by something else',
    allowed: request('secretsmanager:TagResource', secret('moodle-preview/sites/4-demo/db'), {
      ...OURS('aws:RequestTag'),
      'aws:TagKeys': ['moodle-preview:managed-by'],
    }),
    denied: request('secretsmanager:TagResource', secret('moodle-preview/sites/4-demo/db'), {
      'aws:RequestTag/moodle-preview:managed-by': 'someone-else',
      'aws:TagKeys': ['moodle-preview:managed-by'],
    }),
  },
  {
    role: 'ec2-runner',
    why: 'terminating an instance that is not a suite runner',
    allowed: request('ec2:TerminateInstances', ONE, RUNNER_TAGGED),
    denied: request('ec2:TerminateInstances', ONE, {
      'aws:ResourceTag/moodle-preview:managed-by': 'moodle-preview-actions',
    }),
  },
  {
    role: 'ec2-runner',
    why: 'launching an instance without the runner tags in the request',
    allowed: request('ec2:RunInstances', ONE, {
      'aws:RequestTag/moodle-preview:managed-by': 'moodle-preview-actions',
      'aws:RequestTag/moodle-preview:component': 'ec2-runner',
    }),
    denied: request('ec2:RunInstances', ONE, {
      'aws:RequestTag/moodle-preview:managed-by': 'moodle-preview-actions',
    }),
  },
  {
    role: 'ec2-runner',
    why: 'tagging an existing instance (tags go on only at launch)',
    allowed: request('ec2:CreateTags', ONE, { 'ec2:CreateAction': 'RunInstances' }),
    denied: request('ec2:CreateTags', ONE, {}),
  },
  {
    role: 'ec2-runner',
    why: 'passing a role other than the runner role to EC2',
    allowed: request('iam:PassRole', 'arn:aws:iam::123456789012:role/moodle-preview-runner', {
      'iam:PassedToService': 'ec2.amazonaws.com',
    }),
    denied: request('iam:PassRole', 'arn:aws:iam::123456789012:role/moodle-preview-task', {
      'iam:PassedToService': 'ec2.amazonaws.com',
    }),
  },
  {
    role: 'ec2-runner-instance',
    why: 'a runner reading another runner’s JIT config',
    caller: callerAs('ec2-runner-instance', { 'ec2:SourceInstanceARN': ONE }),
    allowed: request('ssm:GetParameter', parameter('/moodle-preview/runners/i-0123456789abcdef0'), {
      'aws:ResourceTag/moodle-preview:runner-instance': ONE,
    }),
    denied: request('ssm:GetParameter', parameter('/moodle-preview/runners/i-0fedcba9876543210'), {
      'aws:ResourceTag/moodle-preview:runner-instance': OTHER,
    }),
  },
  {
    role: 'ec2-runner-instance',
    why: 'a runner reading a site registry entry or secret',
    caller: callerAs('ec2-runner-instance', { 'ec2:SourceInstanceARN': ONE }),
    allowed: request('ssm:DeleteParameter', parameter('/moodle-preview/runners/i-0123456789abcdef0'), {
      'aws:ResourceTag/moodle-preview:runner-instance': ONE,
    }),
    denied: request('ssm:GetParameter', parameter('/moodle-preview/sites/4-demo'), {
      'aws:ResourceTag/moodle-preview:runner-instance': ONE,
    }),
  },
  {
    role: 'run-cron-fanout',
    why: 'listing tasks of a cluster the sites are not in',
    allowed: request('ecs:ListTasks', '*', { 'ecs:cluster': arn('ecs', 'cluster/moodle_cluster') }),
    denied: request('ecs:ListTasks', '*', { 'ecs:cluster': arn('ecs', 'cluster/production') }),
  },
  {
    role: 'run-cron-fanout',
    why: 'exec into a task of another cluster',
    allowed: request(
      'ecs:ExecuteCommand',
      arn('ecs', 'task/moodle_cluster/0123456789abcdef0123456789abcdef'),
    ),
    denied: request('ecs:ExecuteCommand', arn('ecs', 'task/production/0123456789abcdef0123456789abcdef')),
  },
  {
    role: 'upgrade-db',
    why: 'stopping a task of another cluster',
    allowed: request('ecs:StopTask', arn('ecs', 'task/moodle_cluster/0123456789abcdef0123456789abcdef'), {
      'ecs:cluster': arn('ecs', 'cluster/moodle_cluster'),
    }),
    denied: request('ecs:StopTask', arn('ecs', 'task/production/0123456789abcdef0123456789abcdef'), {
      'ecs:cluster': arn('ecs', 'cluster/production'),
    }),
  },
  {
    role: 'purge-retired',
    why: 'deleting a secret outside the site prefix, even tagged',
    allowed: request('secretsmanager:DeleteSecret', secret('moodle-preview/sites/4-demo/db'), OURS()),
    denied: request('secretsmanager:DeleteSecret', secret('prod/moodle/rds'), OURS()),
  },
  {
    role: 'entra-redirect',
    why: 'writing the site registry (it only reads)',
    allowed: request('ssm:GetParametersByPath', parameter('/moodle-preview/sites')),
    denied: request('ssm:PutParameter', parameter('/moodle-preview/sites/4-demo'), OURS()),
  },
  {
    role: 'restore-db',
    why: 'reading dumps outside the named bucket',
    allowed: request('s3:GetObject', 'arn:aws:s3:::uni-moodle-dumps/prod/moodle.sql.gz'),
    denied: request('s3:GetObject', 'arn:aws:s3:::uni-finance/ledger.csv'),
  },
];

describe('calls the suite must never make', () => {
  it.each(CASES.map((c) => [`${c.role}: ${c.why}`, c] as const))('%s is denied', async (_name, c) => {
    const policy = policyOf(c.role, c.role === 'restore-db' ? { dumpBuckets: ['uni-moodle-dumps'] } : {});
    const caller = c.caller ?? callerAs(c.role);
    expect(await evaluate(policy, c.allowed, caller)).toBe('Allowed');
    expect(await evaluate(policy, c.denied, caller)).toBe('ImplicitlyDenied');
  });

  it('a runner without an instance profile context reads no JIT config at all', async () => {
    const policy = policyOf('ec2-runner-instance');
    const read = request('ssm:GetParameter', parameter('/moodle-preview/runners/i-0123456789abcdef0'), {
      'aws:ResourceTag/moodle-preview:runner-instance': ONE,
    });
    expect(
      await evaluate(policy, read, callerAs('ec2-runner-instance', { 'ec2:SourceInstanceARN': ONE })),
    ).toBe('Allowed');
    expect(await evaluate(policy, read, callerAs('ec2-runner-instance'))).toBe('ImplicitlyDenied');
  });
});
