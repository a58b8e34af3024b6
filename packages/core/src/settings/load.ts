// Load settings.yml and the platform file, check what the schema alone cannot (cross-key rules,
// templates, platform capabilities), and layer the site over the platform into a ResolvedSite.
import { readFile } from 'node:fs/promises';
import { SettingsError, type SettingsProblem } from '../errors.js';
import { parseAwake, type AwakeSchedule } from '../fleet/awake-schedule.js';
import { siteNames } from '../naming.js';
import { platformSchema, type Platform } from './platform-schema.js';
import { fargateMemoryOptions, siteSchema, type SiteSettings } from './site-schema.js';
import { renderTemplate, templateProblem } from './template.js';
import { problemAt, sortProblems, validateSource } from './validate.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

export interface Loaded<T> {
  value: T | undefined;
  source: YamlSource;
  problems: SettingsProblem[];
}

async function readText(file: string): Promise<{ text?: string; problem?: SettingsProblem }> {
  try {
    return { text: await readFile(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : String(err);
    return { problem: { file, line: 1, column: 1, key: '', message: `cannot read: ${why}` } };
  }
}

/** Parse and check the platform file's own rules. */
export function checkPlatformText(file: string, text: string): Loaded<Platform> {
  const { source, problems } = parseYamlSource(file, text);
  if (problems.length) return { value: undefined, source, problems };
  const { value, problems: schemaProblems } = validateSource(source, platformSchema);
  if (!value) return { value, source, problems: schemaProblems };
  const own: SettingsProblem[] = [];
  const t1 = templateProblem(value.images.template, ['php_version']);
  if (t1) own.push(problemAt(source, ['images', 'template'], t1));
  const t2 = templateProblem(value.images.moodle_code_path, ['site_folder']);
  if (t2) own.push(problemAt(source, ['images', 'moodle_code_path'], t2));
  return { value: own.length ? undefined : value, source, problems: own };
}

/** Parse and check a settings.yml on its own (no platform needed). */
export function checkSiteText(file: string, text: string): Loaded<SiteSettings> {
  const { source, problems } = parseYamlSource(file, text);
  if (problems.length) return { value: undefined, source, problems };
  const { value, problems: schemaProblems } = validateSource(source, siteSchema);
  if (!value) return { value, source, problems: schemaProblems };
  const own: SettingsProblem[] = [];
  if (value.preview_docker_img !== undefined) {
    const t = templateProblem(value.preview_docker_img, ['php_version']);
    if (t) own.push(problemAt(source, ['preview_docker_img'], t));
  }
  const memory = fargateMemoryOptions(value.cpu);
  if (!memory.includes(value.memory)) {
    const list =
      memory.length > 8
        ? `${memory[0]} to ${memory.at(-1)} in steps of ${memory[1]! - memory[0]!}`
        : memory.join(', ');
    own.push(
      problemAt(
        source,
        ['memory'],
        `${value.memory} MiB is not a Fargate size for cpu ${value.cpu}; allowed: ${list}`,
      ),
    );
  }
  if (value.auto_scaling_min > value.auto_scaling_max) {
    own.push(
      problemAt(
        source,
        ['auto_scaling_min'],
        `must not exceed auto_scaling_max (${value.auto_scaling_max}); got ${value.auto_scaling_min}`,
      ),
    );
  }
  const names = siteNames(value.preview_link);
  if (
    value.mim_db_name !== undefined &&
    value.mim_db_name === (value.preview_db_name ?? names.defaultDbName)
  ) {
    own.push(
      problemAt(source, ['mim_db_name'], `must differ from the Moodle database name "${value.mim_db_name}"`),
    );
  }
  return { value: own.length ? undefined : value, source, problems: own };
}

/** Everything a site is, with every default filled from the platform: the input of the plan. */
export interface ResolvedSite {
  previewLink: string;
  host: string;
  url: string;
  siteFolder: string;
  phpVersion: string;
  image: string;
  fullImage: boolean;
  moodleCodePath: string;
  db: {
    host: string;
    readReplicaHost: string | undefined;
    port: number;
    name: string;
    user: string;
    mimName: string | undefined;
  };
  redis: { host: string; port: number; prefix: string };
  moodledata: { folder: string; path: string };
  cron: boolean;
  cpu: number;
  memory: number;
  scaling: { min: number; max: number; cpuTarget: number };
  /** When the site runs (its `awake`, else the platform's), in the platform's time zone. */
  awake: AwakeSchedule;
  /** When the expiry sweep destroys it: pinned never; else its `expires`, else the platform's lifetime. */
  expiry: SiteExpiry;
}

export interface SiteExpiry {
  pinned: boolean;
  /** YYYY-MM-DD from the settings. */
  expires?: string;
  /** Days after the first deploy (the platform's expiry.lifetime_days). */
  lifetimeDays?: number;
}

/** Layer checked site settings over a checked platform; problems point into the settings file. */
export function resolveSite(
  settings: SiteSettings,
  platform: Platform,
  settingsSource: YamlSource,
): { site: ResolvedSite | undefined; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const names = siteNames(settings.preview_link);
  if (!platform.images.php_versions.includes(settings.php_version)) {
    problems.push(
      problemAt(
        settingsSource,
        ['php_version'],
        `the platform has no image for PHP ${settings.php_version}; it has ${platform.images.php_versions.join(', ')}`,
      ),
    );
  }
  let readReplicaHost: string | undefined;
  if (settings.preview_db_host_read_replica === true) {
    readReplicaHost = platform.db.read_replica_host;
    if (!readReplicaHost) {
      problems.push(
        problemAt(
          settingsSource,
          ['preview_db_host_read_replica'],
          'is true but the platform file has no db.read_replica_host; give the replica host name instead',
        ),
      );
    }
  } else if (typeof settings.preview_db_host_read_replica === 'string') {
    readReplicaHost = settings.preview_db_host_read_replica;
  }
  const host = `${settings.preview_link}.${platform.domain}`;
  if (host.length > 253) {
    problems.push(
      problemAt(
        settingsSource,
        ['preview_link'],
        `makes the host name ${host.length} characters long; at most 253 are allowed`,
      ),
    );
  }
  if (settings.pinned && settings.expires)
    problems.push(
      problemAt(
        settingsSource,
        ['expires'],
        'is set on a pinned site, which never expires: remove one of the two',
      ),
    );
  const awake = parseAwake(settings.awake ?? platform.schedule.awake, platform.schedule.timezone);
  if (awake.problem) problems.push(problemAt(settingsSource, ['awake'], awake.problem));
  if (problems.length || !awake.schedule) return { site: undefined, problems };
  const siteFolder = settings.site_folder ?? settings.preview_link;
  const moodledataFolder = settings.moodledata_folder ?? settings.preview_link;
  return {
    problems,
    site: {
      previewLink: settings.preview_link,
      host,
      url: `https://${host}`,
      siteFolder,
      phpVersion: settings.php_version,
      image: renderTemplate(settings.preview_docker_img ?? platform.images.template, {
        php_version: settings.php_version,
      }),
      fullImage: settings.auto_scaling_full_img,
      moodleCodePath: renderTemplate(platform.images.moodle_code_path, { site_folder: siteFolder }),
      db: {
        host: settings.preview_db_host ?? platform.db.writer_host,
        readReplicaHost,
        port: settings.preview_db_port ?? platform.db.port,
        name: settings.preview_db_name ?? names.defaultDbName,
        user: settings.preview_db_user ?? names.defaultDbUser,
        mimName: settings.mim_db_name,
      },
      redis: {
        host: settings.redis_host ?? platform.redis.host,
        port: settings.redis_port ?? platform.redis.port,
        prefix: settings.redis_prefix ?? names.defaultRedisPrefix,
      },
      moodledata: {
        folder: moodledataFolder,
        path: `${platform.efs.mount_path.replace(/\/+$/, '')}/${moodledataFolder}`,
      },
      cron: settings.cron,
      cpu: settings.cpu,
      memory: settings.memory,
      scaling: {
        min: settings.auto_scaling_min,
        max: settings.auto_scaling_max,
        cpuTarget: settings.auto_scaling_cpu_target,
      },
      awake: awake.schedule,
      expiry: settings.pinned
        ? { pinned: true }
        : {
            pinned: false,
            ...(settings.expires ? { expires: settings.expires } : {}),
            ...(!settings.expires && platform.expiry.lifetime_days
              ? { lifetimeDays: platform.expiry.lifetime_days }
              : {}),
          },
    },
  };
}

export async function loadPlatformFile(file: string): Promise<Loaded<Platform>> {
  const { text, problem } = await readText(file);
  if (problem) return { value: undefined, source: parseYamlSource(file, '').source, problems: [problem] };
  return checkPlatformText(file, text!);
}

export async function loadSiteFile(file: string): Promise<Loaded<SiteSettings>> {
  const { text, problem } = await readText(file);
  if (problem) return { value: undefined, source: parseYamlSource(file, '').source, problems: [problem] };
  return checkSiteText(file, text!);
}

export interface LoadedSite {
  settings: SiteSettings;
  platform: Platform;
  site: ResolvedSite;
}

/** Load both files and resolve the site; throws one SettingsError listing every problem found. */
export async function loadSite(settingsFile: string, platformFile: string): Promise<LoadedSite> {
  const [site, platform] = await Promise.all([loadSiteFile(settingsFile), loadPlatformFile(platformFile)]);
  const problems = [...platform.problems, ...site.problems];
  if (site.value && platform.value) {
    const resolved = resolveSite(site.value, platform.value, site.source);
    problems.push(...resolved.problems);
    if (resolved.site) return { settings: site.value, platform: platform.value, site: resolved.site };
  }
  throw new SettingsError(sortProblems(problems));
}
