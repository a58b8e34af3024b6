// The schema of a site's settings.yml. Each key's description says what is allowed: it is shown in
// error messages, written into settings.schema.json for editors, and documented in docs/settings.md.
import { z } from 'zod';
import {
  DNS_LABEL,
  MAX_DB_NAME_LENGTH,
  MAX_DB_USER_LENGTH,
  MAX_PREVIEW_LINK_LENGTH,
  MYSQL_IDENTIFIER,
} from '../naming.js';
import { AWAKE_SYNTAX, parseAwake } from '../fleet/awake-schedule.js';

export const PHP_VERSIONS = ['7.4', '8.0', '8.1', '8.2', '8.3', '8.4'] as const;
export const FARGATE_CPU = [256, 512, 1024, 2048, 4096, 8192, 16384] as const;

/** A host name: dot-separated DNS labels, at most 253 characters. */
export const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const FOLDER = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

export const hostname = (what: string) =>
  z.string().regex(HOSTNAME, { error: `must be a host name (${what}), e.g. db.example.internal` });
export const port = () => z.int().min(1).max(65535);

/** An `awake` value: its syntax here (the time zone is the platform's, checked there). */
export const awakeText = () =>
  z.string().superRefine((text, ctx) => {
    const { problem } = parseAwake(text, 'UTC');
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const mysqlIdentifier = (max: number) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters (MySQL limit)` })
    .regex(MYSQL_IDENTIFIER, {
      error: 'must be a MySQL identifier: letters, digits and _ only, not all digits',
    });

export const siteSchema = z
  .strictObject({
    preview_link: z
      .string()
      .max(MAX_PREVIEW_LINK_LENGTH, {
        error: `must be at most ${MAX_PREVIEW_LINK_LENGTH} characters (target group name mdl-<preview_link> is limited to 32)`,
      })
      .regex(DNS_LABEL, {
        error:
          'must be a DNS label: lowercase letters, digits and -, starting and ending with a letter or digit',
      })
      .describe(
        `The site's name: a DNS label (a-z, 0-9, -; at most ${MAX_PREVIEW_LINK_LENGTH} characters). The site is served at https://<preview_link>.<domain>.`,
      ),
    site_folder: z
      .string()
      .regex(FOLDER, { error: 'must be a folder name: letters, digits, ., _ and - (no /)' })
      .optional()
      .describe(
        "Folder of the Moodle code inside the image, used in the platform's moodle_code_path. Default: preview_link.",
      ),
    php_version: z
      .enum(PHP_VERSIONS)
      .describe(
        `PHP version of the image, one of ${PHP_VERSIONS.join(', ')}. Fills {{php_version}} in the image.`,
      ),
    preview_docker_img: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Image URI, a template that may use {{php_version}}. Default: the platform's images.template.",
      ),
    auto_scaling_full_img: z
      .boolean()
      .default(false)
      .describe(
        'true when the image already contains the Moodle code (fast scale-out); false for a partial image that downloads it at start.',
      ),
    preview_db_host: hostname('the Aurora writer endpoint')
      .optional()
      .describe("Database writer host. Default: the platform's db.writer_host."),
    preview_db_host_read_replica: z
      .union([hostname('a read replica endpoint'), z.boolean()])
      .optional()
      .describe(
        "Read replica host for Moodle's dboptions readonly; true uses the platform's db.read_replica_host; absent or false: none.",
      ),
    preview_db_port: port().optional().describe("Database port. Default: the platform's db.port (3306)."),
    preview_db_name: mysqlIdentifier(MAX_DB_NAME_LENGTH)
      .optional()
      .describe('Moodle database name (MySQL identifier). Default: mdl_<preview_link with - as _>.'),
    preview_db_user: mysqlIdentifier(MAX_DB_USER_LENGTH)
      .optional()
      .describe(
        'Database user of the site (MySQL identifier, at most 32). Default: mdl_<preview_link with - as _>.',
      ),
    mim_db_name: mysqlIdentifier(MAX_DB_NAME_LENGTH)
      .optional()
      .describe(
        'Name of the MIM integration database; setting it gives the site a MIM database. Default: none.',
      ),
    redis_host: hostname('the Redis endpoint')
      .optional()
      .describe("Redis host. Default: the platform's redis.host."),
    redis_port: port().optional().describe("Redis port. Default: the platform's redis.port (6379)."),
    redis_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,64}$/, { error: 'must be 1-64 characters of letters, digits, _ : . -' })
      .optional()
      .describe('Redis key prefix of the site. Default: mdl_<preview_link>.'),
    moodledata_folder: z
      .string()
      .regex(FOLDER, { error: 'must be a folder name: letters, digits, ., _ and - (no /)' })
      .optional()
      .describe(
        "The site's own moodledata folder on the shared EFS, under the platform's efs.mount_path. Default: preview_link.",
      ),
    cron: z.boolean().default(false).describe('true to run Moodle cron on this site every few minutes.'),
    expires: z.iso
      .date({ error: 'must be a date written YYYY-MM-DD, e.g. 2027-01-31' })
      .optional()
      .describe(
        "The day the site is destroyed by the expiry sweep (its data kept, as retired), YYYY-MM-DD. A later date in a redeploy extends it. Default: the platform's expiry.lifetime_days after the site's first deploy.",
      ),
    pinned: z
      .boolean()
      .default(false)
      .describe('true: the site never expires (demo sites); expires and the platform lifetime do not apply.'),
    awake: awakeText()
      .optional()
      .describe(
        `When the site runs: ${AWAKE_SYNTAX}, in the platform's schedule.timezone. Asleep, the service has no tasks and costs no Fargate time. Default: the platform's schedule.awake.`,
      ),
    cpu: z
      .literal(FARGATE_CPU)
      .default(512)
      .describe('Fargate task CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384. Default 512 (0.5 vCPU).'),
    memory: z
      .int()
      .min(512)
      .max(122880)
      .default(1024)
      .describe('Fargate task memory in MiB; must be a valid Fargate pairing with cpu. Default 1024.'),
    auto_scaling_min: z
      .int()
      .min(0)
      .max(100)
      .default(1)
      .describe('Minimum number of tasks (0-100). Default 1.'),
    auto_scaling_max: z
      .int()
      .min(1)
      .max(100)
      .default(4)
      .describe('Maximum number of tasks (1-100). Default 4.'),
    auto_scaling_cpu_target: z
      .int()
      .min(10)
      .max(95)
      .default(85)
      .describe('Average CPU utilisation (%) the service is scaled to keep (10-95). Default 85.'),
  })
  .describe('A Moodle preview site: the settings.yml of a moodle-build branch.');

/** settings.yml as written (defaults not applied). */
export type SiteSettingsInput = z.input<typeof siteSchema>;
/** settings.yml after validation, with the schema's own defaults applied. */
export type SiteSettings = z.output<typeof siteSchema>;

/**
 * Valid Fargate cpu → memory (MiB) pairings (AWS "Task CPU and memory" table for Fargate).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
 */
export function fargateMemoryOptions(cpu: number): number[] {
  const range = (from: number, to: number, step: number) =>
    Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}
