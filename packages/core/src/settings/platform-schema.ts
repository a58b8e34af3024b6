// The schema of the platform file: the shared parts (cluster, ALB, network, EFS, roles, Aurora, Redis,
// images) that the organisation's infrastructure code owns. Site settings are layered over it.
import { z } from 'zod';
import { AWAKE_SYNTAX, isTimeZone } from '../fleet/awake-schedule.js';
import { DEFAULT_HOW_TO_WAKE, fitsSleepPage } from '../fleet/sleep-page.js';
import { awakeText, hostname, port, PHP_VERSIONS } from './site-schema.js';

const arn = (service: string, resource: string, example: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:[0-9]{0,12}:${resource}`), {
    error: `must be an ARN like ${example}`,
  });

/** CloudWatch Logs retention values (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const idList = (prefix: string, what: string) =>
  z
    .array(
      z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), {
        error: `must be a ${what} id like ${prefix}-0123456789abcdef0`,
      }),
    )
    .min(1, { error: `needs at least one ${what}` });

export const platformSchema = z
  .strictObject({
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-[0-9]$/, { error: 'must be an AWS region such as eu-west-2' })
      .describe('AWS region of the platform, e.g. eu-west-2.'),
    cluster: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, { error: 'must be an ECS cluster name: letters, digits, _ and -' })
      .describe('ECS cluster name (today moodle_cluster).'),
    domain: hostname('the preview domain').describe('Sites are served at https://<preview_link>.<domain>.'),
    alb: z
      .strictObject({
        https_listener_arns: z
          .array(
            arn(
              'elasticloadbalancing',
              'listener/app/',
              'arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/mdl-fargate-app/…/…',
            ),
          )
          .min(1, { error: 'needs at least one HTTPS listener ARN' })
          .describe(
            'HTTPS listener ARNs of the ALB(s); a site gets one host rule on the first listener with room.',
          ),
        target_port: z
          .literal([80, 443])
          .default(80)
          .describe('Container port the ALB forwards to: 80 or 443. Default 80.'),
        target_protocol: z
          .enum(['HTTP', 'HTTPS'])
          .default('HTTP')
          .describe('Protocol from the ALB to the container. Default HTTP.'),
        health_check_path: z
          .string()
          .regex(/^\/\S*$/, { error: 'must be a URL path starting with /' })
          .default('/login/index.php')
          .describe('Target group health check path. Default /login/index.php.'),
        health_check_matcher: z
          .string()
          .regex(/^[0-9]{3}(-[0-9]{3})?(,[0-9]{3}(-[0-9]{3})?)*$/, {
            error: 'must be HTTP codes such as 200 or 200-399',
          })
          .default('200-399')
          .describe('HTTP codes counted as healthy. Default 200-399.'),
        rules_per_load_balancer: z
          .int()
          .min(1)
          .max(1000)
          .default(100)
          .describe(
            'Listener rules one ALB may hold (the ELB quota, default 100); sites go to the next listener when full.',
          ),
        deregistration_delay_seconds: z
          .int()
          .min(0)
          .max(3600)
          .default(30)
          .describe('Target deregistration delay. Default 30.'),
      })
      .describe('The shared application load balancer (today mdl-fargate-app).'),
    network: z
      .strictObject({
        vpc_id: z
          .string()
          .regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'must be a VPC id like vpc-0123456789abcdef0' })
          .describe('VPC of the tasks and target groups.'),
        subnet_ids: idList('subnet', 'subnet').describe('Private subnets for the tasks.'),
        security_group_ids: idList('sg', 'security group').describe('Security groups of the tasks.'),
        assign_public_ip: z.boolean().default(false).describe('Give tasks a public IP. Default false.'),
      })
      .describe('Where tasks run.'),
    efs: z
      .strictObject({
        file_system_id: z
          .string()
          .regex(/^fs-[0-9a-f]{8,17}$/, { error: 'must be an EFS id like fs-0123456789abcdef0' })
          .describe('The shared EFS file system.'),
        access_point_id: z
          .string()
          .regex(/^fsap-[0-9a-f]{8,17}$/, { error: 'must be an access point id like fsap-0123456789abcdef0' })
          .optional()
          .describe('EFS access point to mount through (optional).'),
        mount_path: z
          .string()
          .regex(/^\/[A-Za-z0-9._/-]*$/, { error: 'must be an absolute path' })
          .default('/moodle_data_root')
          .describe('Where the EFS root is mounted in every container. Default /moodle_data_root.'),
      })
      .describe('The EFS file system that holds every site moodledata and the cron logs.'),
    roles: z
      .strictObject({
        execution_role_arn: arn(
          'iam',
          'role/',
          'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        ).describe('Task execution role (pulls images, reads secrets).'),
        task_role_arn: arn('iam', 'role/', 'arn:aws:iam::123456789012:role/moodle-task').describe(
          'Task role (ECS Exec, EFS IAM).',
        ),
      })
      .describe('IAM roles of the tasks.'),
    logs: z
      .strictObject({
        group_prefix: z
          .string()
          .regex(/^\/?[A-Za-z0-9_./#-]{1,400}$/, {
            error: 'must be a log group name prefix: letters, digits, _ - / . #',
          })
          .default('/moodle-preview/sites')
          .describe('Each site logs to <group_prefix>/<preview_link>. Default /moodle-preview/sites.'),
        retention_days: z
          .literal(LOG_RETENTION_DAYS)
          .default(30)
          .describe('Log retention in days (a CloudWatch value). Default 30.'),
      })
      .prefault({})
      .describe('CloudWatch Logs of the sites.'),
    images: z
      .strictObject({
        template: z.string().min(1).describe('Default image template for sites, may use {{php_version}}.'),
        php_versions: z
          .array(z.enum(PHP_VERSIONS))
          .min(1)
          .default([...PHP_VERSIONS])
          .describe('PHP versions that have an image. Default: all the suite knows.'),
        moodle_code_path: z
          .string()
          .regex(/^\//, { error: 'must be an absolute path' })
          .default('/data/apache/htdocs/{{site_folder}}')
          .describe(
            'Moodle code inside the image, may use {{site_folder}}. Default /data/apache/htdocs/{{site_folder}}.',
          ),
        sql_client: z.string().min(1).describe('MySQL client image used for SQL tasks inside the VPC.'),
      })
      .describe('Container images.'),
    db: z
      .strictObject({
        writer_host: hostname('the Aurora writer endpoint').describe(
          'Aurora writer endpoint, default for preview_db_host.',
        ),
        read_replica_host: hostname('the read replica endpoint')
          .optional()
          .describe('Read replica used by sites that set preview_db_host_read_replica: true.'),
        port: port().default(3306).describe('Default database port. Default 3306.'),
        admin_secret_arn: arn(
          'secretsmanager',
          'secret:',
          'arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds-admin-AbCdEf',
        ).describe('Secrets Manager secret with the admin username and password.'),
      })
      .describe('The Aurora MySQL cluster.'),
    redis: z
      .strictObject({
        host: hostname('the Redis endpoint').describe('ElastiCache Redis endpoint, default for redis_host.'),
        port: port().default(6379).describe('Default Redis port. Default 6379.'),
      })
      .describe('The shared Redis.'),
    schedule: z
      .strictObject({
        timezone: z
          .string()
          .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/London' })
          .default('UTC')
          .describe('IANA time zone of every awake schedule, e.g. Europe/London. Default UTC.'),
        awake: awakeText()
          .default('always')
          .describe(`When sites run unless their settings say otherwise: ${AWAKE_SYNTAX}. Default always.`),
        sleep_page: z
          .strictObject({
            scheduler_role_arn: arn(
              'iam',
              'role/',
              'arn:aws:iam::123456789012:role/moodle-preview-sleep-page',
            ).describe(
              "The role EventBridge Scheduler assumes to switch a site's listener rule (policy: docs/iam/sleep-page-scheduler.json).",
            ),
            schedule_group: z
              .string()
              .regex(/^[0-9a-zA-Z_.-]{1,64}$/, {
                error: 'must be a schedule group name: 1-64 letters, digits, - _ .',
              })
              .default('moodle-preview')
              .describe(
                "The suite's EventBridge Scheduler group (deploy creates it, tagged). Default moodle-preview.",
              ),
            how_to_wake: z
              .string()
              .min(1)
              .refine(fitsSleepPage, {
                error:
                  'is too long: the page a load balancer answers with holds 1024 characters; keep it to a sentence or two (a link to a wiki page)',
              })
              .default(DEFAULT_HOW_TO_WAKE)
              .describe(
                `What the page tells a person to do to wake the site now; {{preview_link}} is the site. Default "${DEFAULT_HOW_TO_WAKE}".`,
              ),
          })
          .optional()
          .describe(
            "A page that says a sleeping site is asleep, instead of the load balancer's 503. Without it, a sleeping site answers 503.",
          ),
      })
      .prefault({})
      .describe('When sites are awake: Application Auto Scaling scales a sleeping site to 0 tasks.'),
    expiry: z
      .strictObject({
        lifetime_days: z
          .int()
          .min(1)
          .max(3650)
          .optional()
          .describe(
            "Days after a site's first deploy when it expires, unless its settings give expires or pinned. Default: none (sites expire only by their own expires).",
          ),
        warn_days: z
          .int()
          .min(1)
          .max(90)
          .default(7)
          .describe(
            'Days before expiry from which the sweep lists a site as expiring and comments on its pull request. Default 7.',
          ),
      })
      .prefault({})
      .describe('When forgotten sites are destroyed (their data kept, as retired) by the expiry sweep.'),
    fargate_prices: z
      .strictObject({
        vcpu_hour: z
          .number()
          .nonnegative()
          .default(0.04656)
          .describe('Price of a vCPU-hour. Default 0.04656 (Linux/x86 on demand, eu-west-2).'),
        gb_hour: z
          .number()
          .nonnegative()
          .default(0.00511)
          .describe('Price of a GB-hour of memory. Default 0.00511 (Linux/x86 on demand, eu-west-2).'),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter currency code such as USD' })
          .default('USD')
          .describe('Currency of the prices. Default USD.'),
      })
      .prefault({})
      .describe("Fargate's prices, for the plan's monthly estimate (the region's on-demand prices)."),
    tags: z
      .record(
        z.string().regex(/^(?!aws:)[\p{L}\p{N}\s_.:/=+@-]{1,128}$/u, {
          error: 'must be a tag key of 1-128 characters, not starting with aws:',
        }),
        z.string().max(256),
      )
      .default({})
      .describe('Extra tags put on every resource the suite creates (e.g. cost centre).'),
  })
  .describe('The Moodle preview platform: shared infrastructure that site settings are layered over.');

export type PlatformInput = z.input<typeof platformSchema>;
export type Platform = z.output<typeof platformSchema>;
